"""Running a test cell in the grader's process, with the student's names as handles on the sandbox.

The test cell's code (restored from the gradebook by nbgrader's OverwriteCells) runs here, in a namespace built
from the instructor's locked cells (imports, helper functions, constants: taken from the gradebook, never from the
submission). Every other name it reads is looked up in the student's kernel and arrives as plain data or a
`Remote`. Its outputs are built here, so nothing the student's process prints or hooks can change them, and
warnings raised while judging never reach stderr. A failed check's mistakes are written as data among them
(aimath/verdict.py); the hidden inputs are drawn with the submission's salt (aimath/sandbox/inputs_salt.py).
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import io
import warnings
from typing import Any, Callable, Iterable

import numpy as np
from IPython.core.inputtransformer2 import TransformerManager
from nbformat.v4 import new_output

from aimath import verdict
from aimath.sandbox.inputs_salt import salted_inputs

_transformer = TransformerManager()


class _NoMagics:
    """`get_ipython()` for instructor code run in the grader: magics (%xmode, %matplotlib) do nothing here."""

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args, **kwargs: None


def python_of(cell_source: str) -> str:
    """A cell's source as plain Python (IPython magics turned into get_ipython() calls)."""
    return _transformer.transform_cell(cell_source)


def names_read(code: str) -> set[str]:
    """Every name the code reads (at any depth)."""
    return {node.id for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def names_bound(code: str) -> set[str]:
    """Names the code binds (assignments and loop targets at any depth, top-level imports, defs and classes)."""
    tree = ast.parse(code)
    bound = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return bound


def _definition(node: ast.stmt) -> bool:
    """Imports, defs, classes and assignments: what instructor code runs in the grader (not prints, loops, plots)."""
    return isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                             ast.Assign, ast.AnnAssign))


def definitions_of(code: str) -> list[str]:
    """The definition statements of instructor code, one source string each."""
    return [ast.unparse(node) for node in ast.parse(code).body if _definition(node)]


def trusted_namespace(locked_sources: Iterable[str]) -> tuple[dict[str, Any], set[str]]:
    """The instructor's locked cells' definitions, run here; and the names they bound.

    A statement that needs a name defined later is retried after it; one that needs the student's code (or fails)
    is left out, and the names it would bind are looked up in the student's kernel instead.
    """
    namespace: dict[str, Any] = {"__name__": "__main__", "get_ipython": _NoMagics}
    pending = [statement for source in locked_sources for statement in definitions_of(python_of(source))]
    trusted: set[str] = set()
    while pending:
        failed = []
        for statement in pending:
            try:
                with _quiet():
                    exec(compile(statement, "<instructor cell>", "exec"), namespace)
                trusted |= names_bound(statement)
            except Exception:
                failed.append(statement)
        if len(failed) == len(pending):
            break
        pending = failed
    return namespace, trusted


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def error_output(kind: str, message: str) -> Any:
    """An nbformat error output, as a failing cell in a kernel with %xmode Minimal would have it."""
    return new_output("error", ename=kind, evalue=message, traceback=[f"{kind}: {message}"])


def run_test_cell(code: str, namespace: dict[str, Any], inputs_salt: bytes = b"") -> list:
    """Execute a test cell's code in `namespace` and return its outputs: stdout, the error if it raised, and the
    verdict (aimath/verdict.py) when the error is a check's that names mistakes. Random inputs are drawn with
    `inputs_salt` (judge.salted_inputs)."""
    stdout = io.StringIO()
    failure = None
    with _quiet(), contextlib.redirect_stdout(stdout), salted_inputs(inputs_salt):
        try:
            exec(compile(code, "<test cell>", "exec"), namespace)
        except BaseException as exc:  # the verdict (AssertionError/CheckFailed) or any error: the cell fails
            failure = exc
    outputs = [new_output("stream", name="stdout", text=stdout.getvalue())] if stdout.getvalue() else []
    if failure is not None:
        outputs.append(error_output(type(failure).__name__, str(failure)))
    if isinstance(failure, verdict.CheckFailed) and failure.mistakes:
        outputs.append(verdict.to_output(verdict.CellVerdict(failure.mistakes)))
    return outputs


def is_builtin(name: str) -> bool:
    """Whether `name` (a str) names something in Python's builtins module."""
    return hasattr(builtins, name)

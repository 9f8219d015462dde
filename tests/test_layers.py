"""The one-way import rule of docs/ARCHITECTURE.md, held against the code: every `import` in aimath/ (at the top of a
module or inside a function) points to the same layer of the architecture's layer table or one below it, and
nothing in aimath/ imports `tests`. The checker itself is shown to catch an upward import in a made-up module."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
# A row of the layer table: `| 3. sandbox | `sandbox/` | ... |` (its number, then the Modules column).
LAYER_ROW = re.compile(r"^\| (\d+)\. [^|]+\| ([^|]+)\|", re.M)
# The modules ARCHITECTURE.md says stand apart from the layers: they import nothing of aimath.
STANDS_APART = ("aimath/validate.py",)
# The package's own __init__ (a docstring): the ground, below everything.
PACKAGE_INIT = "aimath/__init__.py"


def layer_table(markdown: str) -> dict[str, int]:
    """{`aimath/<file>.py` or `aimath/<folder>/`: its layer number} from the architecture's layer table."""
    table = {f"aimath/{name}": int(number)
             for number, modules in LAYER_ROW.findall(markdown) for name in re.findall(r"`([^`]+)`", modules)}
    table[PACKAGE_INIT] = 0
    return table


def module_path(dotted: str) -> str | None:
    """The file of an aimath module (`aimath/x/y.py` or `aimath/x/y/__init__.py`), None when there is none."""
    base = ROOT / Path(*dotted.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path.relative_to(ROOT).as_posix()
    return None


def layer_of(path: str, table: dict[str, int]) -> int | None:
    """The layer of the module at `path` (its own entry, else the deepest folder listed above it), None if unlisted."""
    if path in table:
        return table[path]
    folders = [entry for entry in table if entry.endswith("/") and path.startswith(entry)]
    return table[max(folders, key=len)] if folders else None


def imported(path: str, source: str) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in `source` (the module at `path`), at any depth: `from a import b`
    names a.b when a.b is a module, else a; relative imports are resolved from `path`."""
    package = path.removesuffix(".py").split("/")[:-1]  # the package the module is in (or is, for an __init__)
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[:len(package) - (node.level - 1)]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((node.lineno, sub if base.startswith("aimath") and module_path(sub) else base))
    return found


def violations(path: str, source: str, table: dict[str, int]) -> list[str]:
    """What breaks the one-way rule in the module at `path` (e.g. `aimath/judge.py`) whose text is `source`."""
    own = layer_of(path, table)
    found = [] if own is not None or path in STANDS_APART else [f"{path} is not in the layer table"]
    for line, module in imported(path, source):
        where = f"{path}:{line} imports {module}"
        if module == "tests" or module.startswith("tests."):
            found.append(f"{where}: production code never imports tests/")
        if module != "aimath" and not module.startswith("aimath."):
            continue
        target = module_path(module)
        theirs = layer_of(target, table) if target else None
        if path in STANDS_APART:
            found.append(f"{where}: {path} stands apart and imports nothing of aimath")
        elif theirs is None:
            found.append(f"{where}: not a module of the layer table")
        elif own is not None and theirs > own:
            found.append(f"{where}: layer {theirs} above its own layer {own}")
    return found


@pytest.fixture(scope="module")
def table():
    return layer_table(ARCHITECTURE.read_text())


def test_the_layer_table_is_read_whole(table):
    assert table["aimath/verdict.py"] == 1 and table["aimath/reference/"] == 1 and table["aimath/sandbox/"] == 3
    assert table["aimath/checks/"] == 5 and table["aimath/report/"] == 7 and table["aimath/__main__.py"] == 8
    assert sorted(set(table.values())) == list(range(9))


def test_every_import_in_the_package_points_down_and_none_imports_the_tests(table):
    modules = sorted((ROOT / "aimath").rglob("*.py"))
    assert len(modules) > 80
    found = [v for path in modules for v in violations(path.relative_to(ROOT).as_posix(), path.read_text(), table)]
    assert found == []


@pytest.mark.parametrize("path, source, broken", [
    # upward, at the top of a module and inside a function
    ("aimath/verdict.py", "from aimath.report import build\n", "layer 7 above its own layer 1"),
    ("aimath/sandbox/remote.py", "def f():\n    from aimath import checks\n", "layer 5 above its own layer 3"),
    ("aimath/judge.py", "import aimath.pipeline.intake as intake\n", "layer 6 above its own layer 4"),
    ("aimath/sandbox/inside/agent.py", "from ...judge import judge\n", "layer 4 above its own layer 3"),
    # the tests, from anywhere
    ("aimath/pipeline/demo_class.py", "def seed():\n    from tests.catalogue import basic_math\n",
     "never imports tests/"),
    ("aimath/validate.py", "from aimath import verdict\n", "stands apart"),
    ("aimath/newcomer.py", "import json\n", "not in the layer table"),
    # what the rule allows: down, or within a layer
    ("aimath/report/build.py", "from aimath.pipeline import intake\nfrom aimath import judge, verdict\n", None),
    ("aimath/checks/basic_math.py", "from aimath.judge import check_cases\nfrom . import text_processing_1\n", None),
    ("aimath/sandbox/execute.py", "from aimath.verdict import is_test_cell\nimport aimath\n", None),
])
def test_the_checker_catches_an_upward_import(table, path, source, broken):
    found = violations(path, source, table)
    if broken is None:
        assert found == []
    else:
        assert len(found) == 1 and broken in found[0], found

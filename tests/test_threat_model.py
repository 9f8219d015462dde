"""Every bound is a named constant listed in docs/THREAT_MODEL.md (DEVELOPERS.md): each module-level `MAX_*` constant
of aimath/ is named there as `<module>.<NAME>`, unless it is not a bound on what a submission controls (NOT_BOUNDS,
each with why)."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
THREAT_MODEL = ROOT / "docs" / "THREAT_MODEL.md"
# `MAX_*` constants that bound the course's own work, not what a submission sends or holds.
NOT_BOUNDS = {
    "text_processing_1.MAX_RANDOM_WORDS": "the length of the check's own random inputs",
    "symbolic.MAX_FUN_CALLS": "a check's verdict: a descent calling fun more often is judged never to stop",
    "judge.MAX_FAILURES_SHOWN": "how many of the grader's own failing cases a message lists",
    "plots.MAX_BINS": "bars of the report's histogram of scores",
    "cell_names.MAX_NAME_CHARS": "a test cell's name, from the instructor's source (nbgrader restores test cells)",
}


def max_constants(module: str, source: str) -> list[str]:
    """`module.NAME` for each module-level assignment to a name starting with MAX_ in `source`."""
    names = []
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) \
            else []
        for target in targets:
            for name in (target.elts if isinstance(target, ast.Tuple) else [target]):
                if isinstance(name, ast.Name) and name.id.startswith("MAX_"):
                    names.append(f"{module}.{name.id}")
    return names


def unlisted(sources: list[tuple[str, str]], threat_model: str) -> list[str]:
    """The `module.MAX_*` constants of `sources` ((module's file name without .py, its source) pairs) that
    `threat_model` does not name in backquotes and NOT_BOUNDS does not excuse."""
    return sorted(c for module, source in sources for c in max_constants(module, source)
                  if f"`{c}`" not in threat_model and c not in NOT_BOUNDS)


def test_every_bound_of_the_package_is_listed_in_the_threat_model():
    sources = [(path.stem, path.read_text()) for path in sorted((ROOT / "aimath").rglob("*.py"))]
    found = [c for module, source in sources for c in max_constants(module, source)]
    assert len(found) > 30 and "grading_record.MAX_BYTES" in found and "late.MAX_TIMESTAMP_BYTES" in found
    assert unlisted(sources, THREAT_MODEL.read_text()) == []
    assert set(NOT_BOUNDS) <= set(found), "an excuse for a constant that is gone"


@pytest.mark.parametrize("source, missing", [
    ("MAX_WIDGETS = 3\n", ["fake.MAX_WIDGETS"]),
    ("MAX_A, MAX_B = 1, 2\nMAX_C: int = 3\n", ["fake.MAX_A", "fake.MAX_C"]),
    ("def f():\n    MAX_LOCAL = 1\nLIMIT = 2\n", []),
])
def test_the_check_finds_a_bound_the_threat_model_leaves_out(source, missing):
    assert unlisted([("fake", source)], "| `fake.MAX_B` | 2 |") == missing

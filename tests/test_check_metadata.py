"""CompiledCheckCellMetadata (aimath/pipeline/plugins/check_metadata.py) decides exactly as nbgrader's
CheckCellMetadata:
on every notebook of the course, and on each way a cell's nbgrader metadata can be broken."""
import copy
from pathlib import Path

import nbformat
import pytest
from nbgrader.preprocessors import CheckCellMetadata

from aimath.pipeline.plugins.check_metadata import CompiledCheckCellMetadata, CompiledMetadataValidator
from nbgrader.nbgraderformat import MetadataValidator

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("source/*/*.ipynb"))


def _graded_cell(nb, cell_type="code"):
    return next(c for c in nb.cells if c.cell_type == cell_type and c.metadata.get("nbgrader", {}).get("grade"))


def _set(key, value, cell_type="code"):
    def breaks(nb):
        _graded_cell(nb, cell_type).metadata.nbgrader[key] = value
    return breaks


def _drop(key):
    def breaks(nb):
        del _graded_cell(nb).metadata.nbgrader[key]
    return breaks


def _duplicate_id(nb):
    first, second = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")][:2]
    second.metadata.nbgrader.grade_id = first.metadata.nbgrader.grade_id


def _markdown_grade_not_solution(nb):
    cell = nbformat.v4.new_markdown_cell("answer", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": False, "points": 1, "grade_id": "md", "schema_version": 3}})
    nb.cells.append(cell)


BREAKAGES = {
    "none": lambda nb: None,
    "schema too old": _set("schema_version", 1),
    "schema too new": _set("schema_version", 4),
    "points not a number": _set("points", "ten"),
    "negative points": _set("points", -1),
    "empty grade id": _set("grade_id", ""),
    "grade flag not a bool": _set("grade", "yes"),
    "unknown key": _set("unknown", 1),
    "points missing": _drop("points"),
    "locked missing": _drop("locked"),
    "grade id missing": _drop("grade_id"),
    "duplicate grade id": _duplicate_id,
    "markdown grade cell not a solution": _markdown_grade_not_solution,
}


def _verdict(step, nb):
    try:
        step.preprocess(copy.deepcopy(nb), {})
    except Exception as e:  # the decision and the message are what must match
        return type(e).__name__, str(e)
    return "ok", ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_compiled_check_decides_as_nbgraders(path, breakage):
    nb = nbformat.read(path, as_version=4)
    BREAKAGES[breakage](nb)
    ours = _verdict(CompiledCheckCellMetadata(), nb)
    assert ours == _verdict(CheckCellMetadata(), nb)
    assert (ours[0] == "ok") == (breakage == "none")


def test_each_cell_gets_the_same_error_as_with_nbgraders_validator():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    _set("points", "ten")(nb)
    errors = []
    for validator in (MetadataValidator(), CompiledMetadataValidator()):
        with pytest.raises(Exception) as raised:
            validator.validate_nb(nb)
        errors.append((type(raised.value), str(raised.value)))
    assert errors[0] == errors[1]

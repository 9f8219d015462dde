"""A flag names only what the student's own code did (issue 19, case 5).

Every assignment's source solution is graded as it is, and with one extra cell (right after the imports) that hits a
limit: an endless loop, a long sleep, an allocation over the memory limit. The clean run raises no flag; each other
raises exactly the flag of the limit it hit, never `forbidden-access` for the kernel's own interrupt handling
(`os.killpg (1, 2)`, `os.kill (1, 2)`) or anything else the kernel and its libraries do, and keeps full marks.
All 28 notebooks are graded in one course, with limits tightened so that the hangs cost seconds.
"""
import json
import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from aimath.pipeline import autograde, nbgrader_session, release
from aimath.report import summary
from aimath.pipeline.demo_class import Answer, graded_solution_cells, submission
from tests.test_pipeline import ROOT

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("flags")]

ASSIGNMENTS = nbgrader_session.source_assignments(root=ROOT)
TEST_CONFIG = """
from aimath.sandbox.limits import Limits
c.SandboxedExecute.limits = Limits(request_timeout_s=5.0, wall_s=90.0, memory_bytes=2 * 2**30)
c.Execute.timeout = 3
"""
# The extra cell of each variant, and the one flag it must raise.
VARIANTS = {
    "clean": (None, []),
    "loop": ("while True:\n    pass", ["time-limit"]),
    "sleep": ("import time\ntime.sleep(60)", ["time-limit"]),
    "allocation": ("import numpy\nhog = numpy.ones((2**16, 2**15))", ["memory-limit"]),
}


def _student(assignment: str, variant: str) -> str:
    return f"{variant}-{assignment}"


def _with_cell(nb, code):
    if code is not None:
        at = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "imports") + 1 \
            if any(c.metadata.get("nbgrader", {}).get("grade_id") == "imports" for c in nb.cells) else 1
        nb.cells.insert(at, new_code_cell(code))
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("flags")
    (root / nbgrader_session.CONFIG_FILE).write_text((ROOT / nbgrader_session.CONFIG_FILE).read_text() + TEST_CONFIG)
    for assignment in ASSIGNMENTS:
        shutil.copytree(ROOT / "source" / assignment, root / "source" / assignment)
    release.release(root=root)
    for assignment in ASSIGNMENTS:
        release_nb = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
        source_nb = nbformat.read(root / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        solved = [Answer(g, "solution", code) for g, code in graded_solution_cells(source_nb).items()]
        for variant, (code, _) in VARIANTS.items():
            path = root / "submitted" / _student(assignment, variant) / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True)
            nbformat.write(_with_cell(submission(release_nb, solved), code), path)
    autograde.autograde(root=root)
    return root


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_only_the_limit_that_was_hit_is_flagged(graded, assignment, variant):
    record = json.loads((graded / "autograded" / _student(assignment, variant) / assignment / "grading.json").read_text())
    notebook = record["notebooks"][assignment]
    assert notebook["attempts"] == [], notebook
    assert record["flags"] == VARIANTS[variant][1], notebook


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_limit_hit_in_an_extra_cell_costs_no_marks(graded, assignment):
    scores = summary.scores(root=graded)
    full = {scores[_student(assignment, variant)][assignment][:2] for variant in VARIANTS}
    assert len(full) == 1, full

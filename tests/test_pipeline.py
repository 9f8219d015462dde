"""The real nbgrader on every assignment, in a temporary copy of the course (the repository is never touched).

For each assignment in source/: the source solution scores full marks, the release stubs score zero, the release
holds no solution and no hidden test, release/ is what generate_assignment produces now, feedback shows verdicts
but no hidden test source, and `nbgrader validate` passes the solution and names the stub's failing visible tests.
"""
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.validator import Validator

from aimath.pipeline import autograde, export, feedback, nbgrader_session, release
from aimath.report import summary
from aimath.pipeline.plugins.cell_names import graded_cell_name
from aimath.pipeline.demo_class import Answer, graded_solution_cells, submission

pytestmark = pytest.mark.pipeline

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = nbgrader_session.source_assignments(root=ROOT)
# One xdist group per assignment, so `pytest -n 2 --dist loadgroup` grades each assignment's course once.
PER_ASSIGNMENT = [pytest.param(a, marks=pytest.mark.xdist_group(a)) for a in ASSIGNMENTS]
SOLVED, STUB = "solved", "stub"
# An error shown to a student by a visible test stays this short (one line per %xmode Minimal).
MAX_ERROR_LINES = 3
# What nbgrader validate says about an unanswered manually graded (written) answer.
WRITTEN_ANSWER_MISSING = "You did not provide a response."


def _notebook(root, folder, assignment, student=None):
    parts = [folder] + ([student] if student else []) + [assignment, f"{assignment}.ipynb"]
    return root.joinpath(*parts)


def _write_submissions(root, assignment):
    release_nb = nbformat.read(_notebook(root, "release", assignment), as_version=4)
    source_nb = nbformat.read(_notebook(root, "source", assignment), as_version=4)
    solved = [Answer(g, "solution", code) for g, code in graded_solution_cells(source_nb).items()]
    for student, nb in ((SOLVED, submission(release_nb, solved)), (STUB, release_nb)):
        path = _notebook(root, "submitted", assignment, student)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)


@pytest.fixture(scope="session")
def graded_courses(tmp_path_factory):
    """assignment -> a temporary course holding only that assignment, released, autograded and with feedback."""
    built = {}

    def build(assignment):
        if assignment not in built:
            root = tmp_path_factory.mktemp(assignment)
            shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
            shutil.copytree(ROOT / "source" / assignment, root / "source" / assignment)
            release.release(root=root)
            _write_submissions(root, assignment)
            autograde.autograde(root=root)
            feedback.feedback(root=root)
            built[assignment] = root
        return built[assignment]

    return build


@pytest.fixture
def graded_course(graded_courses, assignment):
    return graded_courses(assignment)


def _grades(root, assignment, student, cell_type):
    """{grade_id: (auto_score, max_score)} of one submission's graded cells of `cell_type` ("code": tests,
    "markdown": written answers graded by hand, so not auto-scored)."""
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        nb = gradebook.find_submission_notebook(assignment, assignment, student)
        return {g.name: (g.auto_score, g.max_score) for g in nb.grades if g.cell_type == cell_type}


@pytest.mark.parametrize("assignment", PER_ASSIGNMENT)
def test_release_is_what_generate_assignment_makes_now(graded_course, assignment):
    fresh = _notebook(graded_course, "release", assignment).read_bytes()
    committed = _notebook(ROOT, "release", assignment)
    assert committed.exists() and committed.read_bytes() == fresh, (
        f"release/{assignment} is stale: run `make release` and commit it")


@pytest.mark.parametrize("assignment", PER_ASSIGNMENT)
def test_release_holds_no_solution_and_no_hidden_test(graded_course, assignment):
    text = _notebook(graded_course, "release", assignment).read_text()
    for secret in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "aimath.checks"):
        assert secret not in text, secret


@pytest.mark.parametrize("assignment", PER_ASSIGNMENT)
def test_the_solution_scores_full_marks(graded_course, assignment):
    grades = _grades(graded_course, assignment, SOLVED, "code")
    assert grades and any(name.endswith("_hidden") for name in grades)
    lost = {name: g for name, g in grades.items() if g[0] != g[1]}
    assert not lost, f"the solution lost points in {lost}"


@pytest.mark.parametrize("assignment", PER_ASSIGNMENT)
def test_the_release_stubs_score_zero(graded_course, assignment):
    grades = _grades(graded_course, assignment, STUB, "code")
    scored = {name: g for name, g in grades.items() if g[0] != 0}
    assert not scored, f"unanswered stubs earned points in {scored}"


@pytest.mark.parametrize("assignment", PER_ASSIGNMENT)
def test_feedback_shows_verdicts_but_no_hidden_test_source(graded_course, assignment):
    for student in (SOLVED, STUB):
        html = (graded_course / "feedback" / student / assignment / f"{assignment}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "aimath.checks" not in html and "most recent call last" not in html
    assert "not implemented yet" in html


def _feedback_header(html):
    """{grade_id: the header line of that graded cell} and the header's score line of a feedback page."""
    lines = dict(re.findall(r'<li data-grade-id="([^"]+)">(.*?)</li>', html, re.S))
    total = re.search(r'<h4 id="total">(.*?)</h4>', html, re.S).group(1)
    return {k: _text(v) for k, v in lines.items()}, _text(total)


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


@pytest.mark.parametrize("assignment", PER_ASSIGNMENT)
def test_feedback_names_each_test_cell_and_shows_hand_grading_as_pending(graded_course, assignment):
    source = nbformat.read(_notebook(graded_course, "source", assignment), as_version=4)
    tests = {c.metadata.nbgrader["grade_id"]: c for c in source.cells
             if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata.nbgrader.get("solution")}
    written = {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"] for c in source.cells
               if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")}
    for student in (SOLVED, STUB):
        lines, total = _feedback_header(
            (graded_course / "feedback" / student / assignment / f"{assignment}.html").read_text())
        assert set(lines) == set(tests) | set(written), student
        for grade_id in tests:
            assert lines[grade_id].startswith(graded_cell_name(grade_id, "") + " (Score: "), lines[grade_id]
        for grade_id, points in written.items():
            # the solution's answer awaits the TA; the stub's untouched answer scores 0 without one
            pending = f"to be graded by hand / {points:.1f}" in lines[grade_id]
            assert pending == (student == SOLVED), (student, lines[grade_id])
        assert ("still to be graded by hand" in total) == (student == SOLVED and bool(written)), total


@pytest.mark.parametrize("assignment", PER_ASSIGNMENT)
def test_feedback_folders_hold_the_page_not_grading_json(graded_course, assignment):
    for student in (SOLVED, STUB):
        assert (graded_course / "autograded" / student / assignment / "grading.json").exists()
        folder = graded_course / "feedback" / student / assignment
        assert sorted(p.name for p in folder.iterdir()) == [f"{assignment}.html"]


@pytest.fixture
def validator(graded_course):
    return Validator(config=nbgrader_session.open_api(root=graded_course).config)


@pytest.mark.parametrize("assignment", PER_ASSIGNMENT)
def test_validate_passes_the_solution_and_names_the_stubs_failing_visible_tests(graded_course, validator, assignment):
    solved = validator.validate(str(_notebook(graded_course, "submitted", assignment, SOLVED)))
    assert not solved.get("failed") and not solved.get("changed"), solved
    stub = validator.validate(str(_notebook(graded_course, "submitted", assignment, STUB)))
    errors = [item["error"] for item in stub.get("failed", [])]
    assert errors, "validate should report the stub's failing visible tests"
    for error in errors:
        assert "not implemented yet" in error or error == WRITTEN_ANSWER_MISSING, error
        assert len(error.strip().splitlines()) <= MAX_ERROR_LINES, error


@pytest.mark.parametrize("assignment", PER_ASSIGNMENT)
def test_summary_and_export_show_full_marks_for_the_solution_and_zero_for_the_stub(graded_course, assignment):
    table = summary.scores(root=graded_course)
    solved, stub = table[SOLVED][assignment], table[STUB][assignment]
    manual = sum(g[1] for g in _grades(graded_course, assignment, SOLVED, "markdown").values())
    assert solved[0] == solved[1] - manual and stub[0] == 0 and stub[1] == solved[1]
    lines = summary.summary(root=graded_course).splitlines()
    assert any(line.startswith(SOLVED) and f"{solved[0]:g}/{solved[1]:g}" in line for line in lines), lines
    csv = export.export(root=graded_course).read_text()
    assert assignment in csv and SOLVED in csv and STUB in csv


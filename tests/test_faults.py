"""Bad submissions and faults: each gets one clear line in the summary and a flag in the report, the rest of the batch
is graded, and submitted/ is never modified.

One tiny course (basic_math) graded once with a class of broken submissions beside a correct one, a late one (due
date and timestamp.txt: nbgrader's late penalty) and a student on the roster who handed in nothing. Grading runs with
AIMATH_SANDBOX=off: what is tested here happens before and after execution, not inside it.
"""
import copy
import hashlib
from datetime import datetime, timedelta
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from aimath.pipeline import autograde, intake, nbgrader_session, release
from aimath.report import summary as ta_summary
from aimath.pipeline.demo_class import Answer, graded_solution_cells, submission
from aimath.report.build import INDEX_HTML, build_report
from tests.test_pipeline import ROOT

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("faults")]

ASSIGNMENT = "basic_math"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
FULL = 24
ABSENT = "absent"
LATE = "late"
DUE = datetime(2026, 11, 1, 12, 0, 0)
# two started days: nbgrader's late penalty (aimath/pipeline/plugins/late.py) takes 20%
LATE_BY = timedelta(days=1, hours=3)


def digest_tree(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under `folder`."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def new_course(root: Path) -> Path:
    """A released course holding basic_math only."""
    root.mkdir(parents=True)
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    shutil.copytree(ROOT / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    release.release(root=root)
    return root


def solved_notebook(root: Path):
    release = nbformat.read(root / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    source = nbformat.read(root / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    return submission(release, [Answer(g, "solution", code) for g, code in graded_solution_cells(source).items()])


def put(root: Path, student: str, name: str = NOTEBOOK, *, nb=None, data: bytes | None = None) -> Path:
    path = root / "submitted" / student / ASSIGNMENT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if data is not None else nbformat.writes(nb).encode())
    return path


def _strip_hidden_tests(nb):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_hidden"):
            del cell.metadata["nbgrader"]
    return nb


def _with(nb, **metadata):
    nb = copy.deepcopy(nb)
    nb.metadata.update(metadata)
    if metadata.get("kernelspec") is None:
        nb.metadata.pop("kernelspec")
    return nb


def _big(nb, megabytes=100):
    """The solution with `megabytes` of saved output in one extra cell (a 100 MB notebook)."""
    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell("pass")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="y" * (megabytes * 2**20))]
    nb.cells.append(cell)
    return nb


# student -> (what the summary line says, graded?). Graded ones are the solution, so they score full marks unless noted.
EXPECTED = {
    "badjson": ("is not valid JSON (line 3 column", False),
    "latin1": ("is not UTF-8 text (byte 0xe9", False),
    "zerobytes": ("is an empty file", False),
    "notanotebook": ("is JSON but not a Jupyter notebook", False),
    "renamed": ("no basic_math.ipynb; found basic_math (1).ipynb (renamed?)", False),
    "emptyfolder": ("the folder is empty", False),
    "copiedcells": ("has copies of graded cells (get_greatest", False),
    "badstamp": ("timestamp.txt holds 'yesterday-ish', not a date", False),
    "nbformat3": ("is nbformat 3: converted to 4 for grading", True),
    "juliakernel": ("has kernel 'julia-1.9': graded with the course's python3 kernel", True),
    "nokernel": ("has no kernelspec: graded with the course's python3 kernel", True),
    "stripped": ("graded cells deleted or stripped of their nbgrader metadata: test_get_greatest_hidden", True),
    "reordered": ("graded cells are not in the release's order (first out of place: fit_linear_regression)", True),
    "twonotebooks": ("also holds basic_math-copy.ipynb, which is not graded", True),
    "extrafiles": ("extra files, not graded: data.csv, notes.txt", True),
    "big": ("basic_math.ipynb is 100 MB", True),
}


@pytest.fixture(scope="module")
def broken_class(tmp_path_factory):
    """(root, digest of submitted/ before grading, summary, jobs) of a class of broken submissions, graded once."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIMATH_SANDBOX", "off")
        root = new_course(tmp_path_factory.mktemp("faults") / "course")
        solved = solved_notebook(root)
        text = nbformat.writes(solved)
        put(root, "ok", nb=solved)
        put(root, "badjson", data=b'{"cells": [\n  {"cell_type":\n oops')
        put(root, "latin1", data=text.replace("# YOUR", "# café YOUR", 1).encode("latin-1", errors="replace")
            if "# YOUR" in text else text.replace('"cells"', '"cells"', 1).encode() + "é".encode("latin-1"))
        put(root, "zerobytes", data=b"")
        put(root, "notanotebook", data=b'{"answer": 42}')
        put(root, "renamed", "basic_math (1).ipynb", nb=solved)
        (root / "submitted" / "emptyfolder" / ASSIGNMENT).mkdir(parents=True)
        copied = copy.deepcopy(solved)
        twin = copy.deepcopy(next(c for c in solved.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "get_greatest"))
        twin.id = "copied-cell"
        copied.cells.insert(5, twin)
        put(root, "copiedcells", nb=copied)
        put(root, "badstamp", nb=solved).with_name("timestamp.txt").write_text("yesterday-ish")
        put(root, "nbformat3", data=nbformat.writes(nbformat.convert(copy.deepcopy(solved), 3)).encode())
        put(root, "juliakernel", nb=_with(solved, kernelspec={"name": "julia-1.9", "display_name": "Julia",
                                                              "language": "julia"}))
        put(root, "nokernel", nb=_with(solved, kernelspec=None))
        put(root, "stripped", nb=_strip_hidden_tests(solved))
        reordered = copy.deepcopy(solved)  # the angle_between block moved to the end: still gradable in that order
        moved = [c for c in reordered.cells if "angle_between" in c.metadata.get("nbgrader", {}).get("grade_id", "")]
        reordered.cells = [c for c in reordered.cells if c not in moved] + moved
        put(root, "reordered", nb=reordered)
        put(root, "twonotebooks", nb=solved)
        put(root, "twonotebooks", "basic_math-copy.ipynb", nb=solved)
        put(root, "extrafiles", nb=solved)
        (root / "submitted" / "extrafiles" / ASSIGNMENT / "notes.txt").write_text("my notes")
        (root / "submitted" / "extrafiles" / ASSIGNMENT / "data.csv").write_text("1,2\n")
        put(root, "big", nb=_big(solved))
        api = nbgrader_session.open_api(root=root)
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            gradebook.update_or_create_student(ABSENT)  # on the roster, nothing handed in
            gradebook.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
        put(root, LATE, nb=solved).with_name("timestamp.txt").write_text(f"{DUE + LATE_BY} UTC")
        before = digest_tree(root / "submitted")
        jobs = []
        autograde.autograde(root=root, workers=2, on_job=jobs.append)
        yield root, before, ta_summary.summary(root=root), jobs


def _lines_of(summary: str, student: str) -> list[str]:
    return [line.strip() for line in summary.splitlines() if line.strip().startswith(f"{student} / {ASSIGNMENT}: ")]


def test_submitted_is_never_modified(broken_class):
    root, before, _, _ = broken_class
    assert digest_tree(root / "submitted") == before


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_bad_submission_gets_one_clear_line_and_the_right_fate(broken_class, student):
    root, _, summary, _ = broken_class
    says, graded = EXPECTED[student]
    lines = _lines_of(summary, student)
    assert len(lines) == 1 and says in lines[0], (student, lines)
    assert ("not graded" in lines[0].split(says)[-1]) == (not graded), lines[0]
    score = ta_summary.scores(root=root).get(student, {}).get(ASSIGNMENT)
    if not graded:
        assert score is None, f"{student} is in the gradebook: {score}"
    elif student == "stripped":
        assert score is not None and score[0] < FULL
    else:
        assert score is not None and score[0] == FULL, (student, score)


def test_the_batch_finishes_and_only_gradable_submissions_reach_the_workers(broken_class):
    root, _, summary, jobs = broken_class
    assert ta_summary.scores(root=root)["ok"][ASSIGNMENT][0] == FULL
    assert not _lines_of(summary, "ok")
    gradable = {s for s, (_, graded) in EXPECTED.items() if graded} | {"ok", LATE}
    assert {s for s, _ in jobs} == gradable


def test_a_student_on_the_roster_with_no_submission_gets_a_line(broken_class):
    """Named once, in the assignment's one missing-work line (the only student of the class who handed nothing in)."""
    root, _, summary, _ = broken_class
    lines = [line.strip() for line in summary.splitlines() if ABSENT in line]
    assert len(lines) == 1 and re.fullmatch(rf"{ASSIGNMENT}: no submission from 1 of \d+ students: {ABSENT}", lines[0])


def test_a_late_submission_gets_the_late_penalty_and_a_line(broken_class):
    root, _, summary, _ = broken_class
    penalty = FULL * 0.2
    assert ta_summary.late_submissions(root=root) == {
        (LATE, ASSIGNMENT): (LATE_BY.total_seconds(), pytest.approx(penalty))}
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:  # nbgrader keeps the raw score
        assert gradebook.find_submission(ASSIGNMENT, LATE).score == FULL
    assert ta_summary.scores(root=root)[LATE][ASSIGNMENT][0] == pytest.approx(FULL - penalty)  # as nbgrader's CSV export
    assert _lines_of(summary, LATE) == [f"{LATE} / {ASSIGNMENT}: late, 1.1 days late, penalty {penalty:g} points"]


def test_the_report_flags_each_with_the_same_words(broken_class):
    root, _, _, _ = broken_class
    build_report(root=root)
    html = (root / "report" / INDEX_HTML).read_text()
    problems = intake.load(root)
    for student in EXPECTED:
        row = re.search(rf'<tr data-student="{re.escape(student)}" data-flag="([\w-]+)">.*?data-key="detail">(.*?)</td>',
                        html)
        assert row, student
        assert row.group(1) == problems[(student, ASSIGNMENT)][0].kind
    assert re.search(rf'data-key="missing-work">.*no submission from 1 of \d+ students: {ABSENT}</p>', html)
    assert not re.search(rf'<tr data-student="{ABSENT}" data-flag', html)  # missing work is not a flagged submission
    assert html.count('<span class="flag missing">not graded</span>') == sum(not g for _, g in EXPECTED.values())


def test_a_rerun_grades_nothing_again_and_keeps_the_lines(broken_class, monkeypatch):
    root, before, summary, _ = broken_class
    monkeypatch.setenv("AIMATH_SANDBOX", "off")
    jobs = []
    autograde.autograde(root=root, workers=2, on_job=jobs.append)
    assert jobs == []
    assert ta_summary.summary(root=root) == summary
    assert digest_tree(root / "submitted") == before


def test_intake_checks_are_pure_and_name_what_they_see():
    assert intake.folder_findings([], ["a.ipynb"])[0].kind == "empty"
    assert [f.kind for f in intake.folder_findings(["a.ipynb", "timestamp.txt"], ["a.ipynb"])] == []
    assert intake.text_finding("a.ipynb", b"{")[1].message.startswith("a.ipynb is not valid JSON (line 1 column 2)")
    assert intake.timestamp_finding("2026-11-23 10:00:00 UTC") is None
    assert intake.cell_findings("a.ipynb", ["x", "y"], ["x", "y"]) == []
    assert [f.kind for f in intake.cell_findings("a.ipynb", ["y", "x"], ["x", "y"])] == ["reordered-cells"]


def test_the_summary_says_so_when_no_submission_could_be_graded(tmp_path):
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, tmp_path)
    problem = intake.Problem("s1", "basic_math", "grading-failed", "nbgrader could not grade it (X); not graded", False)
    intake.add(tmp_path, [problem])
    text = ta_summary.summary(root=tmp_path)
    assert "No submission could be graded." in text and problem.line in text

"""A rerun redoes only what changed (issue 21): after a full run, each step skips what is up to date, and each kind of
change makes the step it concerns redo its work for what it touched, and nothing else.

One small course (basic_math and mle; alice hands in both solutions, bob the basic_math solution and mle's release
untouched) is graded once; each test works on a copy (file times kept), makes one change, runs the steps as the
Makefile's targets do, and compares what was (re)written, by modification time, with what the change touches.
Grading runs with AIMATH_SANDBOX=off: what is tested happens around execution.
"""
import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from aimath.pipeline import nbgrader_session
from aimath.report import summary
from aimath.__main__ import main
from tests.test_lifecycle import hand_in, set_points, solved
from tests.test_pipeline import ROOT

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("rerun")]

ASSIGNMENTS = ("basic_math", "mle")
STEPS = ("release", "autograde", "feedback", "export", "summary", "report")  # `make`'s, seed aside (submitted/ is ours)
REPORT = {"report/index.html", "report/grades_wide.csv", "report/grades.csv"}
WRITTEN_ANSWER = "mle_normal_derivation"  # mle's answer graded by hand
HIDDEN_TEST = "test_get_greatest_hidden"  # a basic_math test cell


def run_steps(root: Path, capsys, steps=STEPS) -> str:
    """Each step, as `make <step>` runs it (one worker: a handful of notebooks); returns what they printed."""
    for step in steps:
        assert main([step, "--root", str(root), "--workers", "1"]) == 0, (step, capsys.readouterr())
    return capsys.readouterr().out


def mtimes(root: Path) -> dict[str, int]:
    """{path relative to the course: modification time in ns} of every file of the course."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def rewritten(before: dict[str, int], root: Path) -> set[str]:
    """The files written (or made) since `before`, but the pipeline's own records (autograded/*.json)."""
    now = mtimes(root)
    return {p for p, t in now.items() if before.get(p) != t and not (p.startswith("autograded/") and p.count("/") == 1)}


def under(root: Path, *folders: str) -> set[str]:
    """Every file under the course's `folders` (relative paths)."""
    return {str(p.relative_to(root)) for f in folders for p in (root / f).rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course after a full run (see the module's docstring)."""
    root = tmp_path_factory.mktemp("rerun") / "course"
    root.mkdir()
    for name in (nbgrader_session.CONFIG_FILE, "requirements.txt"):
        shutil.copy(ROOT / name, root)
    for assignment in ASSIGNMENTS:
        shutil.copytree(ROOT / "source" / assignment, root / "source" / assignment)
        shutil.copytree(ROOT / "release" / assignment, root / "release" / assignment)
        hand_in(root, "alice", assignment, solved(root, assignment))
    hand_in(root, "bob", "basic_math", solved(root, "basic_math"))
    shutil.copytree(ROOT / "release" / "mle", root / "submitted" / "bob" / "mle")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIMATH_SANDBOX", "off")
        for step in STEPS:
            assert main([step, "--root", str(root), "--workers", "1"]) == 0, step
    assert {(s, a) for s, row in summary.scores(root=root).items() for a in row} == {
        ("alice", "basic_math"), ("alice", "mle"), ("bob", "basic_math"), ("bob", "mle")}
    return root


@pytest.fixture
def copy(graded, tmp_path, monkeypatch):
    """A copy of the graded course (modification times kept), to change."""
    monkeypatch.setenv("AIMATH_SANDBOX", "off")
    root = tmp_path / "course"
    shutil.copytree(graded, root)
    return root


def test_a_rerun_with_nothing_new_rewrites_nothing_and_says_so(copy, capsys):
    before = mtimes(copy)
    said = run_steps(copy, capsys)
    assert mtimes(copy) == before
    for line in ("release/ is up to date with source/", "nothing new to grade",
                 "feedback/ is up to date (nothing graded since its pages were written)",
                 f"grades.csv is up to date: {copy / 'grades.csv'}", f"report is up to date: {copy / 'report/index.html'}"):
        assert line in said.splitlines(), (line, said)


def test_make_runs_every_step_in_one_process_and_a_rerun_rewrites_nothing(copy, capsys):
    before = mtimes(copy)
    assert main(["all", "--root", str(copy), "--workers", "1"]) == 0
    said = capsys.readouterr().out.splitlines()
    assert mtimes(copy) == before
    assert said[:3] == ["release/ is up to date with source/", "submitted/ already has submissions: left as it is",
                        "nothing new to grade"]
    assert said[-1] == f"report is up to date: {copy / 'report/index.html'}"


def test_a_changed_submission_is_regraded_and_gets_a_new_page_alone(copy, capsys):
    hand_in(copy, "bob", "mle", solved(copy, "mle"))
    before = mtimes(copy)
    said = run_steps(copy, capsys)
    assert rewritten(before, copy) == (under(copy, "autograded/bob/mle", "feedback/bob/mle") | {"grades.csv"} | REPORT
                                       | {"gradebook.db"})
    assert "autograded: mle" in said and "feedback written for 1 submission(s) of: mle" in said


def test_a_new_submission_is_graded_and_gets_a_page_alone(copy, capsys):
    hand_in(copy, "carol", "basic_math", solved(copy, "basic_math"))
    before = mtimes(copy)
    said = run_steps(copy, capsys)
    assert rewritten(before, copy) == (under(copy, "autograded/carol", "feedback/carol") | {"grades.csv"} | REPORT
                                       | {"gradebook.db"})
    assert summary.scores(root=copy)["carol"]["basic_math"][:2] == (24, 24)
    assert "feedback written for 1 submission(s) of: basic_math" in said


def test_a_hand_grade_in_formgrader_renews_that_page_and_regrades_nothing(copy, capsys):
    """What formgrader's Manual grading writes (nbgrader's GradeHandler and CommentHandler): a score and a comment."""
    api = nbgrader_session.open_api(root=copy)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        grade = gradebook.find_grade(WRITTEN_ANSWER, "mle", "mle", "alice")
        grade.manual_score, grade.needs_manual_grade = 3.0, False
        gradebook.find_comment(WRITTEN_ANSWER, "mle", "mle", "alice").manual_comment = "Clear derivation, well done."
        gradebook.db.commit()
    before = mtimes(copy)
    said = run_steps(copy, capsys)
    assert rewritten(before, copy) == under(copy, "feedback/alice/mle") | {"grades.csv"} | REPORT
    assert "nothing new to grade" in said.splitlines()
    assert "Clear derivation, well done." in (copy / "feedback/alice/mle/mle.html").read_text()


def test_a_changed_source_notebook_is_released_and_its_assignment_regraded(copy, capsys):
    set_points(copy, "basic_math", HIDDEN_TEST, 5)
    before = mtimes(copy)
    said = run_steps(copy, capsys)
    assert rewritten(before, copy) == (under(copy, "release/basic_math", "autograded/alice/basic_math",
                                             "autograded/bob/basic_math", "feedback/alice/basic_math",
                                             "feedback/bob/basic_math") | {"grades.csv", "gradebook.db"} | REPORT)
    assert "released: basic_math" in said.splitlines() and "autograded: basic_math" in said.splitlines()


def test_a_deleted_feedback_page_is_written_again_alone(copy, capsys):
    page = copy / "feedback/bob/basic_math/basic_math.html"
    page.unlink()
    before = mtimes(copy)
    said = run_steps(copy, capsys)
    assert rewritten(before, copy) == under(copy, "feedback/bob/basic_math")
    assert page.is_file() and "feedback written for 1 submission(s) of: basic_math" in said

"""A term of changes, as a TA and an instructor meet them (issue 20): a fresh clone graded before any release, a
misnamed submission folder, a deleted test cell, points changed and a test cell added after grading, and an
environment or a batch in which every notebook fails the same way.

Each runs `python -m aimath` as `make` does, on a temporary course (the repository is never touched), with
AIMATH_SANDBOX=off but where the sandbox is the point: what is tested happens around execution.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from aimath import grading_record
from aimath.pipeline import digests, export, intake, nbgrader_session, release
from aimath.report import summary as ta_summary
from aimath.pipeline.demo_class import Answer, graded_solution_cells, submission
from aimath.pipeline.release import RELEASE_SCRATCH
from aimath.report.build import INDEX_HTML, build_report
from tests.test_pipeline import ROOT

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("lifecycle")]

ASSIGNMENTS = ("basic_math", "mle", "text_processing_1")
FULL = {"basic_math": 24, "text_processing_1": 6}
ENV = {**os.environ, "AIMATH_SANDBOX": "off", "PYTHONPATH": str(ROOT),
       "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
DELETED_TEST = "test_no_vowels_visible"  # a visible test cell worth 1 point
WRITTEN_ANSWER = "mle_normal_derivation"  # mle's written answer, graded by hand
HIDDEN_TEST = "test_no_vowels_hidden"  # worth 2 points


def pipeline(root: Path, *args: str, env=None, cwd=None) -> subprocess.CompletedProcess:
    """`python -m aimath ARGS --root ROOT`, as the Makefile runs it."""
    return subprocess.run([sys.executable, "-m", "aimath", *args, "--root", str(root)], env=env or ENV,
                          cwd=cwd or ROOT, capture_output=True, text=True, timeout=900)


def solved(root: Path, assignment: str, *, without: str | None = None):
    """The instructor's solution written into the release, as a student hands it in; `without` a graded cell."""
    release = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    source = nbformat.read(root / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    nb = submission(release, [Answer(g, "solution", code) for g, code in graded_solution_cells(source).items()])
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != without]
    return nb


def hand_in(root: Path, student: str, folder: str, nb, name: str | None = None) -> None:
    path = root / "submitted" / student / folder / (name or f"{folder}.ipynb")
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """{relative path: (bytes, mtime in ns)} of every file under `folder`."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def set_points(root: Path, assignment: str, grade_id: str, points: float) -> None:
    path = root / "source" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.metadata.nbgrader["points"] = points
    nbformat.write(nb, path)


def scores(root: Path) -> dict:
    return ta_summary.scores(root=root)


def versions(root: Path) -> dict[str, str | None]:
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        return {a: digests.assignment_digest(gradebook, a) for a in ASSIGNMENTS}


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory):
    """(root, the first autograde's CompletedProcess, release/ before it) of a fresh clone: source/, the committed
    release/ and nbgrader_config.py, no gradebook, submissions put in submitted/, then `make autograde` (no release).
    alice hands in the solutions; bob deletes a visible test cell and mle's written answer; kim's basic_math is in a
    folder named basic-math."""
    root = tmp_path_factory.mktemp("clone") / "course"
    root.mkdir()
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    for assignment in ASSIGNMENTS:
        for folder in ("source", "release"):
            shutil.copytree(ROOT / folder / assignment, root / folder / assignment)
    for assignment in ASSIGNMENTS:
        hand_in(root, "alice", assignment, solved(root, assignment))
    hand_in(root, "bob", "text_processing_1", solved(root, "text_processing_1", without=DELETED_TEST))
    hand_in(root, "bob", "mle", solved(root, "mle", without=WRITTEN_ANSWER))
    hand_in(root, "kim", "basic-math", solved(root, "basic_math"), name="basic-math.ipynb")
    release = files(root / "release")
    done = pipeline(root, "autograde", "--workers", "2")
    return root, done, release


def test_a_fresh_clone_grades_without_a_release_first(fresh_clone):
    """Case 1: autograde brings the gradebook up to date from source/ itself; release/ is not rewritten."""
    root, done, release = fresh_clone
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "worker could not grade" not in done.stderr
    assert "graded 5/5 notebooks" in done.stderr
    table = scores(root)
    assert table["alice"]["basic_math"][:2] == (FULL["basic_math"], FULL["basic_math"])
    assert table["alice"]["text_processing_1"][:2] == (6, 6)
    assert files(root / "release") == release


def test_a_misnamed_folder_gets_one_line_and_no_phantom_assignment(fresh_clone):
    """Case 3: one line naming kim and the folder, suggesting basic_math; no `basic-math` anywhere else."""
    root, done, _ = fresh_clone
    assert "not graded (1, see `make summary`): kim/basic_math" in done.stdout
    summary = ta_summary.summary(root=root)
    mentions = [line.strip() for line in summary.splitlines() if "basic-math" in line]
    assert mentions == ["kim / basic_math: the submission is in submitted/kim/basic-math/, not "
                        "submitted/kim/basic_math/; not graded: move it there, then rerun `make autograde`"]
    assert "(only  is)" not in summary and "basic-math" not in summary.splitlines()[0]
    assert "basic-math" not in export.export(root=root).read_text()
    build_report(root=root)
    html = (root / "report" / INDEX_HTML).read_text()
    assert html.count("submitted/kim/basic-math/") >= 1 and html.count("basic-math") == html.count(
        "submitted/kim/basic-math/")
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        assert sorted(a.name for a in gradebook.assignments) == sorted(ASSIGNMENTS)


def test_a_deleted_test_cell_scores_0_and_leaves_nothing_to_grade_by_hand(fresh_clone):
    """Case 6: `*` only where a person has something to grade (alice's written answer), also after --force."""
    root, _, _ = fresh_clone
    table = scores(root)
    assert table["bob"]["mle"][2] is False  # its written answer was deleted: nothing for a person to grade
    assert table["alice"]["mle"][2] is True  # a written answer waits for a person
    for regraded in (False, True):
        if regraded:
            assert pipeline(root, "autograde", "text_processing_1", "--force").returncode == 0
        assert scores(root)["bob"]["text_processing_1"] == (5, 6, False)
        bob = [line for line in ta_summary.summary(root=root).splitlines() if line.startswith("bob ")]
        assert bob and "5/6*" not in bob[0] and "5/6" in bob[0]


def test_changed_points_regrade_what_was_graded_with_the_old_ones(fresh_clone, tmp_path):
    """Case 4: a hidden test's points 2 -> 3 and `make release`: the next autograde regrades text_processing_1 only;
    `make release` rewrites only the release that changed."""
    root = tmp_path / "course"
    shutil.copytree(fresh_clone[0], root)
    before = files(root / "release")
    set_points(root, "text_processing_1", HIDDEN_TEST, 3)
    assert pipeline(root, "release").returncode == 0
    after = files(root / "release")
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == {"text_processing_1/text_processing_1.ipynb"}
    done = pipeline(root, "autograde")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "graded 2/2 notebooks" in done.stderr  # alice's and bob's text_processing_1, nothing else
    assert scores(root)["alice"]["text_processing_1"][:2] == (7, 7)
    again = pipeline(root, "autograde")
    assert again.returncode == 0 and "graded" not in again.stderr


def test_changed_points_in_source_alone_are_picked_up_by_autograde(fresh_clone, tmp_path):
    """Case 4, a TA's clone pulled the instructor's change without releasing: autograde updates the gradebook."""
    root = tmp_path / "course"
    shutil.copytree(fresh_clone[0], root)
    set_points(root, "text_processing_1", HIDDEN_TEST, 3)
    done = pipeline(root, "autograde")
    assert done.returncode == 0, done.stderr[-2000:]
    assert scores(root)["alice"]["text_processing_1"][:2] == (7, 7)


def test_a_test_cell_added_after_grading_deletes_nothing_and_says_why_in_one_line(fresh_clone, tmp_path):
    """Case 5: nbgrader refuses to add a cell to an assignment with submissions; release/ and the gradebook stay,
    `make release` and `make autograde` each say why in one line and exit 1."""
    root = tmp_path / "course"
    shutil.copytree(fresh_clone[0], root)
    path = root / "source" / "text_processing_1" / "text_processing_1.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell("assert no_vowels('aeiou') == ''")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "test_no_vowels_extra", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    nb.cells.append(cell)
    nbformat.write(nb, path)
    release, graded = files(root / "release"), versions(root)
    done = pipeline(root, "release")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "release stopped: text_processing_1: source/text_processing_1/ adds or removes graded cells (cell "
        "test_no_vowels_extra added), and nbgrader cannot change an assignment's cells once the gradebook holds "
        "submissions of it (2); release/ and the gradebook are unchanged. Keep the cells (a new test can go in an "
        "existing test cell; points and test code may change), or see the README, \"Changing an assignment "
        "mid-term\""]
    assert files(root / "release") == release and versions(root) == graded
    assert not list(root.glob(RELEASE_SCRATCH + "*"))
    done = pipeline(root, "autograde")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(
        "autograde stopped: text_processing_1: source/text_processing_1/ adds or removes graded cells (cell "
        "test_no_vowels_extra added)")
    assert files(root / "release") == release and versions(root) == graded


# ------------------------------------------------------------------ case 2: every notebook fails the same way

@pytest.fixture(scope="module")
def small_course(tmp_path_factory):
    """A released basic_math course with two solved submissions, not graded."""
    root = tmp_path_factory.mktemp("small") / "course"
    root.mkdir()
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    shutil.copytree(ROOT / "source" / "basic_math", root / "source" / "basic_math")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIMATH_SANDBOX", "off")
        release.release(root=root)
    for student in ("alice", "bob"):
        hand_in(root, student, "basic_math", solved(root, "basic_math"))
    return root


def copied_with_its_environment(root: Path, tmp_path: Path) -> tuple[Path, dict]:
    """(a copy of the aimath package, an environment without PYTHONPATH): run from the copy, the pipeline imports
    the copy, while this environment's Python, started anywhere else, imports the package it was installed from,
    as in a course folder moved or copied with its .venv."""
    copy = tmp_path / "moved"
    shutil.copytree(ROOT / "aimath", copy / "aimath", ignore=shutil.ignore_patterns("__pycache__"))
    return copy, {key: value for key, value in ENV.items() if key != "PYTHONPATH"}


@pytest.mark.parametrize("sandbox", ["on", "off"])
def test_an_environment_that_imports_another_aimath_stops_before_grading(small_course, tmp_path, sandbox):
    """Case 2: the check before grading names the cause once; nothing is graded, nothing blamed on a notebook."""
    if sandbox == "on" and shutil.which("bwrap") is None:
        pytest.skip("needs bubblewrap")
    root = tmp_path / "course"
    shutil.copytree(small_course, root)
    moved, env = copied_with_its_environment(root, tmp_path)
    done = pipeline(root, "autograde", env={**env, "AIMATH_SANDBOX": sandbox}, cwd=moved)
    assert done.returncode == 1, done.stderr[-3000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"autograde stopped: the grading environment cannot import this course's aimath "
                               f"package ({moved / 'aimath'}): ")
    assert lines[0].endswith("was the course folder moved or copied with its .venv? Make a new one "
                             "(rm -rf .venv && make env), then rerun `make autograde`")
    assert ("No module named 'aimath'" if sandbox == "on" else f"it imports {ROOT / 'aimath'}") in lines[0]
    assert intake.load(root) == {} and scores(root) == {}


def test_every_notebook_failing_the_same_way_is_reported_once(small_course, tmp_path):
    """Case 2, a cause no check foresees (here a kernel that does not exist): one line, exit 1, no notebook blamed,
    and the progress line counts no failed notebook as graded."""
    root = tmp_path / "course"
    shutil.copytree(small_course, root)
    with open(root / nbgrader_session.CONFIG_FILE, "a") as config:
        config.write('\nc.Execute.kernel_name = "no-such-kernel"\n')
    done = pipeline(root, "autograde")
    assert done.returncode == 1
    assert "graded 0/2 notebooks, 2 could not be graded" in done.stderr and "graded 2/2" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "autograde stopped: all 2 notebooks failed the same way (jupyter_client.kernelspec.NoSuchKernel: No such "
        "kernel named no-such-kernel), so the fault is not in them: nothing was recorded; fix it, then rerun "
        "`make autograde` (`nbgrader autograde basic_math --student alice` shows the whole log)")
    assert intake.load(root) == {} and scores(root) == {}
    assert not any(json.loads(p.read_text()).get(grading_record.DIGEST_KEY)
                   for p in (root / "autograded").glob("*/*/grading.json"))

"""Parallel autograding: local workers and a real Dask cluster on loopback give the grades a sequential run gives;
a rerun grades only what changed, FORCE regrades everything."""
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from aimath.pipeline import autograde, nbgrader_session, release
from aimath.report import summary
from aimath.pipeline.demo_class import write_demo_class
from tests.test_pipeline import ROOT

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("parallel")]

ASSIGNMENT = "text_processing_1"
STUDENTS = ("demo01", "demo04", "demo05", "demo06", "demo07")


def _course(root: Path) -> Path:
    root.mkdir()
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    shutil.copytree(ROOT / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    release.release(root=root)
    write_demo_class(root=root)
    for folder in (root / "submitted").iterdir():
        if folder.name not in STUDENTS:
            shutil.rmtree(folder)
    return root


def _cells(root: Path) -> dict:
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        return {(s.student.id, g.name): g.auto_score for s in gradebook.find_assignment(ASSIGNMENT).submissions
                for n in s.notebooks for g in n.grades}


def _sequential(root: Path) -> dict:
    """Stock nbgrader's one-at-a-time autograde of the same course (sandboxed execution), for comparison."""
    _run = nbgrader_session.open_api(root=root).autograde(ASSIGNMENT, "*", force=True, create=True)
    assert _run["success"], _run.get("error")
    return _cells(root)


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    return _sequential(_course(tmp_path_factory.mktemp("seq") / "course"))


def test_local_workers_grade_as_a_sequential_run_and_resume(tmp_path, sequential):
    root = _course(tmp_path / "course")
    autograde.autograde(root=root, workers=2)
    assert _cells(root) == sequential and len({s for s, _ in sequential}) == len(STUDENTS)
    autograded = root / "autograded" / "demo05" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    before = autograded.stat().st_mtime_ns
    changed = root / "submitted" / "demo06" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(changed, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("a note added after the deadline"))
    nbformat.write(nb, changed)
    graded_again = []
    autograde.autograde(root=root, workers=2, on_job=graded_again.append)
    assert graded_again == [("demo06", ASSIGNMENT)]
    assert autograded.stat().st_mtime_ns == before
    autograde.autograde(root=root, workers=2, force=True, on_job=graded_again.append)
    assert len(graded_again) == 1 + len(STUDENTS)
    assert _cells(root) == sequential


def _rows(db: Path, table: str) -> int:
    import sqlite3
    with sqlite3.connect(db) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_the_skeleton_a_worker_gets_has_the_course_but_no_student(tmp_path):
    from aimath.pipeline import gradebook_rows

    root = _course(tmp_path / "course")
    autograde.autograde(root=root, workers=1)
    skeleton = tmp_path / "skeleton.db"
    gradebook_rows.skeleton(root / "gradebook.db", skeleton)
    for table in gradebook_rows.SUBMISSION_TABLES:
        assert _rows(root / "gradebook.db", table) > 0 and _rows(skeleton, table) == 0, table
    for table in ("assignment", "notebook", "base_cell", "grade_cells", "source_cell", "solution_cells"):
        assert _rows(skeleton, table) == _rows(root / "gradebook.db", table) > 0, table


def _gradebook_rows(root: Path) -> dict:
    """Everything autograde writes or reads for each submission: scores, manual scores, needs-manual-grade,
    comments, late penalties, timestamps and extensions."""
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        return {s.student.id: (s.timestamp, s.extension, [(n.name, n.late_submission_penalty, [
            (g.name, g.auto_score, g.manual_score, g.needs_manual_grade) for g in n.grades], [
            (c.name, c.auto_comment) for c in n.comments]) for n in s.notebooks])
            for s in gradebook.find_assignment(ASSIGNMENT).submissions}


def _late_and_hand_graded(root: Path, grade) -> None:
    """A due date and two late submissions; graded once; then a TA's manual score for demo01 and an extension for
    demo04 (both read by autograde when it regrades)."""
    import datetime

    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate="2026-12-01 23:59:00 UTC")
    for student in ("demo01", "demo04"):
        (root / "submitted" / student / ASSIGNMENT / "timestamp.txt").write_text("2026-12-03 10:00:00 UTC")
    grade(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        first = gradebook.find_submission(ASSIGNMENT, "demo01").notebooks[0].grades[0]
        first.manual_score = 0.5
        gradebook.find_submission(ASSIGNMENT, "demo04").extension = datetime.timedelta(days=2)
        gradebook.db.commit()


def test_a_regrade_after_hand_grading_writes_what_a_sequential_regrade_writes(tmp_path):
    """Workers grade against the gradebook's skeleton: the TA's manual scores and extensions travel with the job."""
    def sequential(root):
        assert nbgrader_session.open_api(root=root).autograde(ASSIGNMENT, "*", force=True, create=True)["success"]

    def ours(root):
        autograde.autograde(root=root, workers=2, force=True)

    rows = []
    for name, grade in (("sequential", sequential), ("ours", ours)):
        root = _course(tmp_path / name)
        _late_and_hand_graded(root, grade)
        grade(root)
        rows.append(_gradebook_rows(root))
    assert rows[0] == rows[1]
    late = {s: [n[1] for n in r[2]] for s, r in rows[1].items()}
    assert late["demo01"][0] and not late["demo04"][0]  # late, and late but within the extension
    assert any(needs for _, _, manual, needs in rows[1]["demo01"][2][0][2] if manual is not None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    """A real `dask scheduler` and two `dask worker` processes on loopback."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], env=env, cwd=tmp_path,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    for i in range(2):
        processes.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                           "--name", f"worker{i}", "--preload", "aimath.pipeline.warm"],
                                          env=env, cwd=tmp_path,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    from distributed import Client
    deadline = time.monotonic() + 60
    while True:
        try:
            with Client(address, timeout=5) as client:
                client.wait_for_workers(2, timeout=max(1, deadline - time.monotonic()))
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    yield address
    for p in processes[::-1]:
        p.terminate()
    for p in processes:
        p.wait(timeout=30)


def _has_a_kernel_factory() -> bool:
    from aimath.sandbox import zygote
    return any(factory.alive for factory in zygote._factories.values())


def test_a_dask_cluster_grades_as_a_sequential_run(tmp_path, sequential, dask_cluster):
    from distributed import Client

    with Client(dask_cluster, timeout=30) as client:  # the preload started each worker's factory before any job
        assert list(client.run(_has_a_kernel_factory).values()) == [True, True]
    root = _course(tmp_path / "course")
    ran_on = []
    autograde.autograde(root=root, scheduler=dask_cluster, on_job=ran_on.append)
    assert len(ran_on) == len(STUDENTS)
    assert _cells(root) == sequential


def test_a_handful_of_notebooks_starts_fewer_workers_than_cores(monkeypatch):
    from aimath.pipeline import parallel

    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 4)
    per_start = parallel.NOTEBOOKS_PER_WORKER_START
    assert parallel.default_workers(1) == 1
    assert parallel.default_workers(per_start) == 1
    assert parallel.default_workers(per_start + 1) == 2
    assert parallel.default_workers(100 * per_start) == 4


def test_an_assignment_goes_to_the_workers_before_the_next_is_screened(tmp_path, monkeypatch):
    """Intake reads every notebook (a few ms each): the workers start on the first assignment meanwhile."""
    from aimath.pipeline import parallel

    root = tmp_path / "course"
    for assignment in ("first", "second"):
        for student in ("s1", "s2"):
            (root / "submitted" / student / assignment).mkdir(parents=True)
    events = []

    def screen(assignment, students):
        events.append(("screen", assignment))
        return students

    def handed_out(jobs, workers):
        events.extend(("handed out", job.assignment) for job in jobs)
        return iter(())

    monkeypatch.setattr(parallel, "_run_local", handed_out)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")  # nbgrader's alembic
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "aimath") as gradebook:
        parallel.autograde(root=root, assignments=["first", "second"], gradebook=gradebook, record=None, workers=1,
                           scheduler=None, force=True, screen=screen)
    assert events == [("screen", "first"), ("handed out", "first"), ("handed out", "first"),
                      ("screen", "second"), ("handed out", "second"), ("handed out", "second")]


WRITTEN = ("mle", "mle_normal_derivation")  # the assignment with a written answer graded by hand, and its grade id


def _hand_grade(root: Path, student: str, score: float) -> None:
    """What formgrader's Manual grading does when a TA scores a written answer (nbgrader's GradeHandler.put)."""
    assignment, grade_id = WRITTEN
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        grade = gradebook.find_grade(grade_id, assignment, assignment, student)
        grade.manual_score, grade.extra_credit = score, None
        grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
        gradebook.db.commit()


def _written_grades(root: Path) -> dict[str, tuple[float | None, bool]]:
    assignment, grade_id = WRITTEN
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        return {s.student.id: (g.manual_score, g.needs_manual_grade) for s in gradebook.find_assignment(
            assignment).submissions for g in s.notebooks[0].grades if g.name == grade_id}


def _edit_cell(root: Path, student: str, grade_id: str, text: str) -> None:
    assignment = WRITTEN[0]
    path = root / "submitted" / student / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source += text
    nbformat.write(nb, path)


def test_a_regrade_keeps_a_hand_graded_answer_graded_unless_the_student_changed_it(tmp_path):
    """FORCE after a TA graded the mle written answer: the manual score stays everywhere; formgrader asks for it
    again only from the student who resubmitted a different answer (nbgrader's SaveAutoGrades alone asks for all)."""
    assignment, grade_id = WRITTEN
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    shutil.copytree(ROOT / "source" / assignment, root / "source" / assignment)
    release.release(root=root)
    write_demo_class(root=root)
    for folder in (root / "submitted").iterdir():
        if folder.name not in ("demo01", "demo02", "demo03"):
            shutil.rmtree(folder)
    autograde.autograde(root=root, workers=1)
    assert _written_grades(root) == {s: (None, True) for s in ("demo01", "demo02", "demo03")}
    for student in ("demo01", "demo02", "demo03"):
        _hand_grade(root, student, 3.0)
    _edit_cell(root, "demo02", grade_id, "\n\nOn second thought, the variance estimate divides by n - 1.")
    _edit_cell(root, "demo03", "posterior", "\n# tidied after the deadline")  # another cell; the answer as it was
    autograde.autograde(root=root, workers=1, force=True)
    assert _written_grades(root) == {"demo01": (3.0, False), "demo02": (3.0, True), "demo03": (3.0, False)}
    assert [s for s, row in summary.scores(root=root).items() if row[assignment][2]] == ["demo02"]
    # A run killed after swapping in demo01's new autograded folder but before writing its gradebook rows leaves
    # the folder unstamped: what the TA graded is not known any more, so the rerun asks for the answer again.
    from aimath.pipeline import parallel

    _hand_grade(root, "demo02", 2.0)
    parallel._unstamp(root, "demo01", assignment)
    autograde.autograde(root=root, workers=1)
    assert _written_grades(root) == {"demo01": (3.0, True), "demo02": (2.0, False), "demo03": (3.0, False)}

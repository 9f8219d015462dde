"""Faults during a grading run: SIGKILL while executing and while recording, the gradebook locked by another program
(formgrader) at the start or while grading, the disk filling up. Each ends with a clear one-line error (exit code 1) and an intact gradebook, and a rerun gives the
gradebook an uninterrupted run gives, each submission graded once.

Runs `python -m aimath autograde` as a subprocess (what `make autograde` runs) on copies of one tiny course
(basic_math, two demo students), with AIMATH_SANDBOX=off: the faults here are around execution, not inside it.
"""
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from aimath.pipeline import autograde, nbgrader_session
from aimath.pipeline.demo_class import write_demo_class
from aimath.grading_record import DIGEST_KEY
from aimath.pipeline.digests import submission_digest
from tests.test_faults import ASSIGNMENT, digest_tree, new_course
from tests.test_pipeline import ROOT

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("interruptions")]

STUDENTS = ("demo01", "demo07")
ENV = {**os.environ, "AIMATH_SANDBOX": "off", "PYTHONPATH": str(ROOT),
       "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def autograde_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "aimath", "autograde", "--root", str(root), "--workers", "1"]


def gradebook_state(root: Path) -> dict:
    """{(student, grade cell): auto score} of the gradebook, and each submission's number of rows (must be 1)."""
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        cells = {(s.student.id, g.name): g.auto_score for s in gradebook.find_assignment(ASSIGNMENT).submissions
                 for n in s.notebooks for g in n.grades}
    with sqlite3.connect(root / "gradebook.db") as db:
        rows = db.execute("SELECT student_id, COUNT(*) FROM submitted_assignment GROUP BY student_id").fetchall()
    return {"cells": cells, "rows": dict(rows)}


def integrity(root: Path) -> str:
    with sqlite3.connect(root / "gradebook.db") as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def all_stamped(root: Path) -> bool:
    """Every submission's grading.json holds the digest of what is in submitted/ (the resumable run's memory)."""
    import json
    for student in STUDENTS:
        record = root / "autograded" / student / ASSIGNMENT / "grading.json"
        if not record.is_file() or json.loads(record.read_text()).get(DIGEST_KEY) != submission_digest(
                root / "submitted" / student / ASSIGNMENT):
            return False
    return True


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """(a released, ungraded course of two basic_math students, the gradebook an uninterrupted run gives)."""
    root = new_course(tmp_path_factory.mktemp("interrupt") / "template")
    write_demo_class(root=root)
    for folder in (root / "submitted").iterdir():
        if folder.name not in STUDENTS:
            shutil.rmtree(folder)
    reference = root.parent / "reference"
    shutil.copytree(root, reference)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIMATH_SANDBOX", "off")
        autograde.autograde(root=reference, workers=1)
    state = gradebook_state(reference)
    assert set(state["rows"]) == set(STUDENTS) and set(state["rows"].values()) == {1}
    return root, state


def rerun(root: Path) -> None:
    """`make autograde` again, in this process (what it runs after the CLI's argument parsing)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIMATH_SANDBOX", "off")
        autograde.autograde(root=root, workers=1)


def _copy(template_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(template_root, root)
    return root


def _kill_when(root: Path, ready, timeout: float = 120) -> subprocess.Popen:
    """Start autograde, SIGKILL its whole process group as soon as `ready(root)` holds; returns the dead process."""
    workers_tmp(root).mkdir(exist_ok=True)
    process = subprocess.Popen(autograde_command(root), env={**ENV, "TMPDIR": str(workers_tmp(root))},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    while not ready(root) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "autograde finished before the moment to kill it came"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    return process


def workers_tmp(root: Path) -> Path:
    """The temporary folder of the killed runs, where each worker grades in a private course."""
    return root.parent / "tmp"


def executing(root: Path) -> bool:
    """A worker has executed its first notebook in its private course; nothing is written to the course yet."""
    return any(workers_tmp(root).glob(f"aimath-job-*/autograded/*/{ASSIGNMENT}/*.ipynb"))


def recording(root: Path) -> bool:
    """The first submission is being written to autograded/ (recording is under way)."""
    return any((root / "autograded").glob(f"*/{ASSIGNMENT}"))


def test_killed_twice_then_locked_by_formgrader_then_rerun_gives_the_uninterrupted_gradebook(template, tmp_path,
                                                                                              monkeypatch):
    """One course through three faults in a row, each leaving an intact gradebook; then one rerun completes it."""
    template_root, reference = template
    root = _copy(template_root, tmp_path)
    before = digest_tree(root / "submitted")
    for moment in (executing, recording):  # the second run resumes what the first left, and is killed in its turn
        _kill_when(root, moment)
        assert integrity(root) == "ok"
        assert not all_stamped(root), f"the kill while {moment.__name__} came too late to interrupt anything"
    # formgrader takes the gradebook's write lock after autograde checked it was free: nbgrader's first write waits
    # for it (5 s), then the run stops with one line
    monkeypatch.setattr(autograde, "check_gradebook_writable", lambda db, **_: None)
    monkeypatch.setenv("AIMATH_SANDBOX", "off")
    with sqlite3.connect(root / "gradebook.db") as formgrader:
        formgrader.execute("BEGIN IMMEDIATE")
        with pytest.raises(nbgrader_session.GradingStopped, match=re.escape(nbgrader_session.LOCKED)):
            autograde.autograde(root=root, workers=1)
        formgrader.rollback()
    assert integrity(root) == "ok" and not all_stamped(root)
    monkeypatch.undo()
    rerun(root)
    assert gradebook_state(root) == reference
    assert all_stamped(root) and integrity(root) == "ok"
    assert digest_tree(root / "submitted") == before


def test_a_gradebook_locked_at_the_start_stops_the_command_at_once_with_one_line(template, tmp_path):
    root = _copy(template[0], tmp_path)
    recorded = digest_tree(root / "autograded")  # only what the release recorded there (releases.json, sources.json)
    with sqlite3.connect(root / "gradebook.db") as formgrader:
        formgrader.execute("BEGIN IMMEDIATE")
        done = subprocess.run(autograde_command(root), env=ENV, capture_output=True, text=True, timeout=300)
        formgrader.rollback()
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == f"autograde stopped: {nbgrader_session.LOCKED}"
    assert digest_tree(root / "autograded") == recorded and integrity(root) == "ok"


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap for a size-limited tmpfs")
def test_a_full_disk_stops_with_one_line_and_a_rerun_after_freeing_space_completes(template, tmp_path):
    """The course on a 6 MB tmpfs (bubblewrap, no root needed) filled up but for 20 kB (less than a graded notebook)."""
    template_root, reference = template
    used = sum(p.stat().st_size for p in template_root.rglob("*") if p.is_file())
    size = used + 6 * 2**20
    out = tmp_path / "out"
    out.mkdir()
    grade = " ".join(autograde_command(Path("/mnt/course")))
    script = f"""
        cp -a {template_root} /mnt/course
        free=$(df -B1 --output=avail /mnt | tail -1)
        head -c $((free - 20000)) /dev/zero > /mnt/filler
        {grade} 2> {out}/first.err; echo $? > {out}/first.rc
        sqlite3_check() {{ {sys.executable} -c "import sqlite3; print(sqlite3.connect('/mnt/course/gradebook.db').execute('PRAGMA integrity_check').fetchone()[0])"; }}
        sqlite3_check > {out}/integrity
        rm /mnt/filler
        {grade} 2> {out}/second.err; echo $? > {out}/second.rc
        cp -a /mnt/course {out}/course
    """
    subprocess.run(["bwrap", "--dev-bind", "/", "/", "--size", str(size), "--tmpfs", "/mnt", "sh", "-c", script],
                   env=ENV, check=True, timeout=600)
    assert (out / "first.rc").read_text().strip() == "1"
    assert (out / "first.err").read_text().strip().splitlines()[-1] == (
        f"autograde stopped: {nbgrader_session.DISK_FULL}")
    assert (out / "integrity").read_text().strip() == "ok"
    assert (out / "second.rc").read_text().strip() == "0", (out / "second.err").read_text()[-2000:]
    assert gradebook_state(out / "course") == reference

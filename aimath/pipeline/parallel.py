"""Autograde many submissions at once: workers grade, this process writes the gradebook.

Each submission is a job. A worker (a local process, or a Dask worker when a scheduler address is given) runs
nbgrader's whole autograde on a private course: the course config, the gradebook's skeleton (no students) with the
TA's prior entries for this submission, the submission. It returns the gradebook rows nbgrader wrote there and its
autograded folder. As each comes back, this process puts them into the course (aimath/pipeline/gradebook_rows.py):
one session on the course's gradebook for the whole run, one writer, values decided by nbgrader alone.

A rerun grades only what is new or changed: a submission is skipped when its folder's digest and the digest of its
assignment as the gradebook holds it (due date, cells, points, test code) match the ones recorded in its grading.json
and the gradebook has it (`force=True` regrades everything).
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import json
import math
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from nbgrader.api import MissingEntry

from aimath.pipeline import gradebook_rows
from aimath.sandbox.execute import FLAGS_FILE

# A local worker's start (imports, then the kernel factory loading the scientific stack) costs about as much as
# grading this many notebooks: by default a run starts no more workers than it has such batches of notebooks.
NOTEBOOKS_PER_WORKER_START = 5
DIGEST_KEY = "submission_sha256"
ASSIGNMENT_DIGEST_KEY = "assignment_sha256"  # the assignment_digest it was graded against
SCRATCH = ".grading"  # in the course folder: the gradebook's skeleton, and graded folders before they are swapped in


@dataclass(frozen=True)
class Job:
    root: str
    assignment: str
    student: str
    skeleton: str  # path of the gradebook's skeleton (gradebook_rows.skeleton), in the course's scratch folder
    prior: dict  # gradebook_rows.prior: the TA's entries for this submission that autograde reads


def submission_digest(folder: Path) -> str:
    """sha256 over the relative paths and bytes of every file of a submission folder."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def assignment_digest(gradebook, assignment: str) -> str | None:
    """sha256 over what nbgrader's autograde reads of an assignment from the gradebook: its due date and, for each
    notebook, its kernelspec, graded cells (points, type), solution and task cells, and the source of each recorded
    cell (tests, locked cells). None when the gradebook does not know the assignment."""
    try:
        found = gradebook.find_assignment(assignment)
    except MissingEntry:
        return None
    parts: list = [str(found.duedate)]
    for notebook in sorted(found.notebooks, key=lambda n: n.name):
        parts.append([notebook.name, notebook.kernelspec,
                      sorted([c.name, c.max_score, c.cell_type] for c in notebook.grade_cells),
                      sorted(c.name for c in notebook.solution_cells),
                      sorted([c.name, c.max_score, c.cell_type] for c in notebook.task_cells),
                      sorted([c.name, c.cell_type, c.locked, c.checksum, c.source] for c in notebook.source_cells)])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def grade_job(job: Job) -> dict:
    """Run in a worker: nbgrader's whole autograde of one submission in a private course (the course's config, the
    gradebook's skeleton with the TA's prior entries, the submission). Returns what it wrote: the gradebook rows
    (gradebook_rows.read; None when nbgrader failed) and the files of its autograded folder ({relative path:
    (bytes, mode)})."""
    import warnings

    from nbgrader.api import Gradebook

    from aimath.pipeline import course

    # the same harmless nbgrader/SQLAlchemy autoflush notice the CLI silences (a worker is a fresh process)
    warnings.filterwarnings("ignore", message="Object of type <Submitted")
    root = Path(job.root)
    with tempfile.TemporaryDirectory(prefix="aimath-job-", dir=_private_course_parent()) as tmp:
        private = Path(tmp)
        shutil.copy(root / course.CONFIG_FILE, private / course.CONFIG_FILE)
        shutil.copy(job.skeleton, private / "gradebook.db")
        shutil.copytree(root / "submitted" / job.student / job.assignment,
                        private / "submitted" / job.student / job.assignment)
        if (root / "source" / job.assignment).is_dir():  # nbgrader copies the instructor's other files from there
            shutil.copytree(root / "source" / job.assignment, private / "source" / job.assignment,
                            ignore=shutil.ignore_patterns("*.ipynb"))
        api = course.open_api(root=private)
        if job.prior:
            with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
                gradebook_rows.apply_prior(gradebook, job.assignment, job.student, job.prior)
        result = api.autograde(job.assignment, job.student, force=True, create=True)
        rows, files = None, {}
        if result.get("success"):
            with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
                rows = gradebook_rows.read(gradebook, job.assignment, job.student)
            out = private / "autograded" / job.student / job.assignment
            files = {str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mode & 0o777)
                     for p in sorted(out.rglob("*")) if p.is_file()}
        return {"student": job.student, "assignment": job.assignment, "rows": rows, "files": files,
                "error": (result.get("error") or result.get("log") or "")[-2000:]}


def _private_course_parent() -> str | None:
    """Where a worker makes its private course: $TMPDIR when set, else /dev/shm (memory: nbgrader commits to the
    private gradebook once per graded cell, and on a disk each commit waits for the disk), else the system default."""
    if os.environ.get("TMPDIR"):
        return None
    return "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


def default_workers(notebooks: int) -> int:
    """One local worker per core, but none that would grade fewer than NOTEBOOKS_PER_WORKER_START notebooks."""
    return max(1, min(os.cpu_count() or 1, math.ceil(notebooks / NOTEBOOKS_PER_WORKER_START)))


def _local_pool(workers: int):
    return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _run_local(jobs: Iterable[Job], workers: int) -> Iterable[dict]:
    pool = _local_pool(workers)
    try:
        for future in concurrent.futures.as_completed([pool.submit(grade_job, job) for job in jobs]):
            yield future.result()
    finally:  # a run stopped early (the gradebook locked, Ctrl-C) does not wait for the notebooks not yet started
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(jobs: Iterable[Job], scheduler: str) -> Iterable[dict]:
    from distributed import Client, as_completed

    with Client(scheduler, timeout=30) as client:  # each job is handed out as soon as it is made
        for future in as_completed([client.submit(grade_job, job, pure=False) for job in jobs]):
            yield future.result()


class Progress:
    """One line on stderr, rewritten as jobs finish: the notebooks graded, and those that could not be."""

    def __init__(self, where: str):
        self.graded, self.failed, self.where, self.started = 0, 0, where, time.monotonic()

    def step(self, *, of: int, graded: bool = True) -> None:
        self.graded += graded
        self.failed += not graded
        elapsed = time.monotonic() - self.started
        end = "\n" if self.graded + self.failed == of else ""
        failed = f", {self.failed} could not be graded" if self.failed else ""
        print(f"\rgraded {self.graded}/{of} notebooks{failed} (on {self.where}), {elapsed:.0f} s", end=end,
              file=sys.stderr, flush=True)


def _recorded_digests(root: Path, student: str, assignment: str) -> tuple[str | None, str | None]:
    """(submission digest, assignment digest) its grading.json records."""
    path = root / "autograded" / student / assignment / FLAGS_FILE
    try:
        record = json.loads(path.read_text())
        return record.get(DIGEST_KEY), record.get(ASSIGNMENT_DIGEST_KEY)
    except (OSError, ValueError, AttributeError):
        return None, None


def _graded(gradebook, assignment: str) -> set[str]:
    """The students the gradebook has a submission of `assignment` for."""
    try:
        return {s.student.id for s in gradebook.find_assignment(assignment).submissions}
    except MissingEntry:
        return set()


def pending(root: Path, assignment: str, graded: set[str], force: bool, version: str | None = None) -> list[str]:
    """The students of `assignment` to grade: all with force, else the new or changed submissions and those graded
    against another `version` of the assignment (its assignment_digest now)."""
    students = sorted(p.parent.name for p in (root / "submitted").glob(f"*/{assignment}") if p.is_dir())
    if force:
        return students
    return [s for s in students if s not in graded or _recorded_digests(root, s, assignment) != (
        submission_digest(root / "submitted" / s / assignment), version)]


def _stamp(root: Path, student: str, assignment: str, version: str | None = None) -> None:
    """Record the digests of what was graded and of the assignment it was graded against (the resumable run's
    memory) in the submission's grading.json."""
    path = root / "autograded" / student / assignment / FLAGS_FILE
    if not path.parent.is_dir():
        return
    try:
        record = json.loads(path.read_text()) if path.exists() else {"flags": [], "notebooks": {}}
    except ValueError:
        record = {"flags": [], "notebooks": {}}
    record[DIGEST_KEY] = submission_digest(root / "submitted" / student / assignment)
    record[ASSIGNMENT_DIGEST_KEY] = version
    if path.exists():
        path.chmod(0o644)
    path.write_text(json.dumps(record, indent=1))


def _unstamp(root: Path, student: str, assignment: str) -> None:
    """Forget the digest of a submission about to be recorded again: a run killed while recording it regrades it."""
    path = root / "autograded" / student / assignment / FLAGS_FILE
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    if isinstance(record, dict) and record.pop(DIGEST_KEY, None) is not None:
        path.chmod(0o644)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=1))
        tmp.replace(path)


def autograde(*, root: Path, assignments: list[str], gradebook, record: Callable, workers: int | None,
              scheduler: str | None, force: bool, on_job: Callable | None = None,
              screen: Callable[[str, list[str]], list[str]] | None = None) -> dict[str, list[str]]:
    """Grade the pending submissions on the workers and write each into `gradebook` (an open nbgrader Gradebook of
    the course: this process is its one writer) as soon as it comes back, while the workers grade the rest; returns
    what was graded.

    `screen(assignment, students)` returns the pending students fit to grade (intake). A submission a worker could
    not grade goes to `record(assignment, students)` (nbgrader's autograde in this process, which returns the
    students it could not grade either). A submission's digest is stamped only once it is written, and removed
    before it is written again, so a run killed at any moment regrades exactly what it had not finished writing.
    """
    versions = {a: assignment_digest(gradebook, a) for a in assignments}
    todo = {a: pending(root, a, _graded(gradebook, a), force, versions[a]) for a in assignments}
    scratch = root / SCRATCH
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    skeleton = scratch / "skeleton.db"
    gradebook_rows.skeleton(root / "gradebook.db", skeleton)
    submitted: list[Job] = []

    def jobs() -> Iterable[Job]:
        """Each assignment's jobs, screened just before they are handed out: the workers grade the first assignment
        while this process screens the next (intake reads every notebook: a few ms each)."""
        for assignment, students in todo.items():
            if screen is not None and students:
                students = todo[assignment] = screen(assignment, students)
            for student in students:
                submitted.append(Job(str(root), assignment, student, str(skeleton),
                                     gradebook_rows.prior(gradebook, assignment, student)))
                yield submitted[-1]

    failed: set[tuple[str, str]] = set()
    if any(todo.values()):
        workers = workers or default_workers(sum(map(len, todo.values())))
        where = f"Dask at {scheduler}" if scheduler else f"{workers} local worker{'' if workers == 1 else 's'}"
        progress = Progress(where)
        results = _run_dask(jobs(), scheduler) if scheduler else _run_local(jobs(), workers)
        for result in results:
            student, assignment = result["student"], result["assignment"]
            _unstamp(root, student, assignment)
            if result["rows"] is not None:
                gradebook_rows.replace_folder(root / "autograded" / student / assignment, result["files"],
                                              scratch=scratch / "swap")
                gradebook_rows.write(gradebook, assignment, student, result["rows"])
                gradebook.db.commit()
                _stamp(root, student, assignment, versions[assignment])
            else:
                print(f"\nworker could not grade {student}/{assignment}: grading it here instead", file=sys.stderr)
                if student in (record(assignment, [student]) or set()):
                    failed.add((student, assignment))
                else:
                    _stamp(root, student, assignment, versions[assignment])
            # all jobs are handed out before the first result is read
            progress.step(of=len(submitted), graded=(student, assignment) not in failed)
            if on_job is not None:
                on_job((student, assignment))
    shutil.rmtree(scratch, ignore_errors=True)
    return {a: [s for s in students if (s, a) not in failed] for a, students in todo.items()}

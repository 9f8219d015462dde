"""Autograde many submissions at once: workers grade, this process writes the gradebook.

Each submission is a job. A worker (a local process, or a Dask worker when a scheduler address is given) runs
nbgrader's whole autograde on a private course: the course config, the gradebook's skeleton (no students) with the
TA's prior entries for this submission, the submission. It returns the gradebook rows nbgrader wrote there and its
autograded folder. As each comes back, this process puts them into the course (aimath/pipeline/gradebook_rows.py):
one session on the course's gradebook for the whole run, one writer, values decided by nbgrader alone.

A rerun grades only what is new or changed: a submission is skipped when its folder's digest and the digest of its
assignment as the gradebook holds it (due date, cells, points, test code) match the ones recorded in its grading.json
and the gradebook has it (`force=True` regrades everything).

nbgrader never reads a submission folder itself: it grades a copy made by aimath.submission_files (regular files
only, no link followed, bounded), in the worker's private course, and in the course's `.grading/submitted/` for a
submission graded here after a worker could not. One submission whose grading or recording fails is named in one
line (autograded/intake.json) and the others go on; only what stops the whole run (the gradebook locked, the disk
full) stops it.
"""
from __future__ import annotations

import concurrent.futures
import errno
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
from sqlalchemy.exc import OperationalError

from aimath import grading_record, submission_files
from aimath.pipeline import gradebook_rows, intake
from aimath.pipeline.digests import assignment_digest, submission_digest
from aimath.pipeline.nbgrader_session import CONFIG_FILE, fatal_message, open_api
from aimath.untrusted_text import visible

# A local worker's start (imports, then the kernel factory loading the scientific stack) costs about as much as
# grading this many notebooks: by default a run starts no more workers than it has such batches of notebooks.
NOTEBOOKS_PER_WORKER_START = 5
SCRATCH = ".grading"  # in the course folder: the gradebook's skeleton, and graded folders before they are swapped in
SANITIZED = f"{SCRATCH}/submitted"  # in the course folder: copies of submissions nbgrader grades here (not in a worker)
MAX_ERROR_CHARS = 2000  # of a worker's error text, kept for the TA


@dataclass(frozen=True)
class Job:
    """One notebook to autograde in a worker: plain strings and dicts, so it pickles to a Dask worker."""

    root: str
    assignment: str
    student: str
    skeleton: str  # path of the gradebook's skeleton (gradebook_rows.skeleton), in the course's scratch folder
    prior: dict  # gradebook_rows.prior: the TA's entries for this submission that autograde reads


def copy_submission(root: Path, student: str, assignment: str, to: Path) -> submission_files.Listing:
    """The grading copy of submitted/<student>/<assignment> in the new folder `to` (see aimath.submission_files)."""
    return submission_files.copy(root / "submitted" / student / assignment, to, trusted=root / "submitted",
                                 reserved=intake.GRADER_FILES)


def sanitized_submissions(root: Path, assignment: str, students: Iterable[str]) -> str:
    """Fresh grading copies of the students' submissions of `assignment` in the course's SANITIZED folder, for
    nbgrader to grade in the course itself; returns that folder relative to `root` (what
    CourseDirectory.submitted_directory takes). A folder that cannot be copied is left out (nbgrader then finds
    no notebook for it)."""
    for student in students:
        target = root / SANITIZED / student / assignment
        shutil.rmtree(target, ignore_errors=True)
        try:
            copy_submission(root, student, assignment, target)
        except OSError:
            pass
    return SANITIZED


def grade_job(job: Job) -> dict:
    """Run in a worker: nbgrader's whole autograde of one submission in a private course (the course's config, the
    gradebook's skeleton with the TA's prior entries, the grading copy of the submission). Returns what it wrote:
    the gradebook rows (gradebook_rows.read; None when grading failed, with `error` saying why) and the files of its
    autograded folder ({relative path: (bytes, mode)}). Never raises for a submission's sake."""
    try:
        return _grade_job(job)
    except Exception as e:  # noqa: BLE001 - whatever broke, it is this submission's failure, named by the caller
        return {"student": job.student, "assignment": job.assignment, "rows": None, "files": {},
                "error": f"{type(e).__name__}: {e}"[-MAX_ERROR_CHARS:]}


def _grade_job(job: Job) -> dict:
    import warnings

    from nbgrader.api import Gradebook

    # the same harmless nbgrader/SQLAlchemy autoflush notice the CLI silences (a worker is a fresh process)
    warnings.filterwarnings("ignore", message="Object of type <Submitted")
    root = Path(job.root)
    with tempfile.TemporaryDirectory(prefix="aimath-job-", dir=_private_course_parent()) as tmp:
        private = Path(tmp)
        shutil.copy(root / CONFIG_FILE, private / CONFIG_FILE)
        shutil.copy(job.skeleton, private / "gradebook.db")
        copy_submission(root, job.student, job.assignment, private / "submitted" / job.student / job.assignment)
        if (root / "source" / job.assignment).is_dir():  # nbgrader copies the instructor's other files from there
            shutil.copytree(root / "source" / job.assignment, private / "source" / job.assignment,
                            ignore=shutil.ignore_patterns("*.ipynb"))
        api = open_api(root=private)
        if job.prior:
            with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
                gradebook_rows.apply_prior(gradebook, job.assignment, job.student, job.prior)
        result = api.autograde(job.assignment, job.student, force=True, create=True)
        rows, files = None, {}
        if result.get("success"):
            out = private / "autograded" / job.student / job.assignment
            with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
                if job.prior:
                    gradebook_rows.keep_reviewed(gradebook, job.assignment, job.student, job.prior, out)
                rows = gradebook_rows.read(gradebook, job.assignment, job.student)
            files = {str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mode & 0o777)
                     for p in sorted(out.rglob("*")) if p.is_file()}
        return {"student": job.student, "assignment": job.assignment, "rows": rows, "files": files,
                "error": (result.get("error") or result.get("log") or "")[-MAX_ERROR_CHARS:]}


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


def _failed(job: Job, error: BaseException) -> dict:
    """The result of a job whose worker stopped (killed, out of memory) before it could answer."""
    return {"student": job.student, "assignment": job.assignment, "rows": None, "files": {},
            "error": f"the worker stopped: {type(error).__name__}: {error}"[-MAX_ERROR_CHARS:]}


def _outcome(future, job: Job) -> dict:
    try:
        return future.result()
    except Exception as e:  # noqa: BLE001 - a worker that died takes only its own submission with it
        return _failed(job, e)


def _run_local(jobs: Iterable[Job], workers: int) -> Iterable[dict]:
    pool = _local_pool(workers)
    try:
        futures = {pool.submit(grade_job, job): job for job in jobs}
        for future in concurrent.futures.as_completed(futures):
            yield _outcome(future, futures[future])
    finally:  # a run stopped early (the gradebook locked, Ctrl-C) does not wait for the notebooks not yet started
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(jobs: Iterable[Job], scheduler: str) -> Iterable[dict]:
    from distributed import Client, as_completed

    with Client(scheduler, timeout=30) as client:  # each job is handed out as soon as it is made
        futures = {client.submit(grade_job, job, pure=False): job for job in jobs}
        for future in as_completed(futures):
            yield _outcome(future, futures[future])


class Progress:
    """One line on stderr, rewritten as jobs finish: the notebooks graded, and those that could not be."""

    def __init__(self, where: str):
        self.graded, self.failed, self.where, self.started = 0, 0, where, time.monotonic()

    def step(self, *, of: int, graded: bool = True) -> None:
        """Count one finished job (`graded` False: it could not be graded) out of `of`, and rewrite the line (ended
        with a newline once all `of` are counted)."""
        self.graded += graded
        self.failed += not graded
        elapsed = time.monotonic() - self.started
        end = "\n" if self.graded + self.failed == of else ""
        failed = f", {self.failed} could not be graded" if self.failed else ""
        print(f"\rgraded {self.graded}/{of} notebooks{failed} (on {self.where}), {elapsed:.0f} s", end=end,
              file=sys.stderr, flush=True)


def _recorded_digests(root: Path, student: str, assignment: str) -> tuple[str | None, str | None]:
    """(submission digest, assignment digest) its grading.json records (None: not recorded)."""
    record = grading_record.read(root / "autograded" / student / assignment)
    return record.submission_digest, record.assignment_digest


def _graded(gradebook, assignment: str) -> set[str]:
    """The students the gradebook has a submission of `assignment` for (none for a name it cannot hold)."""
    try:
        return {s.student.id for s in gradebook.find_assignment(assignment).submissions}
    except (MissingEntry, UnicodeError):
        return set()


def pending(root: Path, assignment: str, graded: set[str], force: bool, version: str | None = None) -> list[str]:
    """The students of `assignment` to grade: all with force, else the new or changed submissions and those graded
    against another `version` of the assignment (its assignment_digest now). A student is a folder of submitted/
    (hidden ones aside) with a folder `assignment` in it, whatever its name (intake says which names nbgrader cannot
    use)."""
    submitted = root / "submitted"
    students = sorted(name for name in (os.listdir(submitted) if submitted.is_dir() else [])
                      if not name.startswith(".") and (submitted / name / assignment).is_dir())
    if force:
        return students
    return [s for s in students if s not in graded or _recorded_digests(root, s, assignment) != (
        submission_digest(root / "submitted" / s / assignment), version)]


def _stamp(root: Path, student: str, assignment: str, version: str | None = None) -> None:
    """Record the digests of what was graded and of the assignment it was graded against (the resumable run's
    memory) in the submission's grading.json."""
    grading_record.stamp(root / "autograded" / student / assignment, assignment_digest=version,
                         submission_digest=submission_digest(root / "submitted" / student / assignment))


def _unstamp(root: Path, student: str, assignment: str) -> None:
    """Forget the digest of a submission about to be recorded again: a run killed while recording it regrades it."""
    grading_record.unstamp(root / "autograded" / student / assignment)


def _stops_the_run(error: Exception) -> bool:
    """Whether an error while recording one submission is the whole run's (the gradebook locked, the disk full),
    not that submission's."""
    return isinstance(error, OperationalError) or fatal_message(str(error)) is not None or (
        isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO))


def _write_result(root: Path, gradebook, result: dict, scratch: Path, version: str | None) -> bool:
    """Put a worker's result into the course (autograded folder, gradebook rows, the digests of the submission and of
    the assignment `version` it was graded against); returns False, with a line
    in intake.json, when this submission's data could not be recorded (the run goes on). Errors of the whole run
    (_stops_the_run) are raised."""
    student, assignment = result["student"], result["assignment"]
    try:
        gradebook_rows.replace_folder(root / "autograded" / student / assignment, result["files"],
                                      scratch=scratch / "swap")
        gradebook_rows.write(gradebook, assignment, student, result["rows"])
        gradebook.db.commit()
        _stamp(root, student, assignment, version)
        return True
    except Exception as e:  # noqa: BLE001 - one submission's bad data never stops the others
        if _stops_the_run(e):
            raise
        gradebook.db.rollback()
        intake.add(root, [intake.Problem(visible(student), visible(assignment), "recording-failed",
                                         f"its grades could not be recorded ({type(e).__name__}: "
                                         f"{visible(str(e), intake.MAX_QUOTED_CHARS)}); not graded: rerun "
                                         f"`make autograde`", False)])
        return False


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
    skeleton = scratch / "skeleton.db"
    submitted: list[Job] = []

    def jobs() -> Iterable[Job]:
        """Each assignment's jobs, screened just before they are handed out: the workers grade the first assignment
        while this process screens the next (intake reads every notebook: a few ms each)."""
        for assignment, students in todo.items():
            if screen is not None and students:
                students = todo[assignment] = screen(assignment, students)
            for student in students:
                if not submitted:  # made once something is to be graded (a rerun with nothing new makes none)
                    scratch.mkdir()
                    gradebook_rows.skeleton(root / "gradebook.db", skeleton)
                graded = root / "autograded" / student / assignment  # what the TA graded, once fully recorded
                submitted.append(Job(str(root), assignment, student, str(skeleton), gradebook_rows.prior(
                    gradebook, assignment, student, graded if _recorded_digests(root, student, assignment)[0] else None)))
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
                if not _write_result(root, gradebook, result, scratch, versions[assignment]):
                    failed.add((student, assignment))
            else:
                print(f"\nworker could not grade {visible(student)}/{visible(assignment)}: grading it here instead",
                      file=sys.stderr)
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

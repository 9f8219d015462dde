"""Autograde many submissions at once: workers execute, this process records.

Each submission is a job. A worker (a local process, or a Dask worker when a scheduler address is given) runs
nbgrader's own autograde, up to and including execution, on a private copy: the course config, a snapshot of the
gradebook, the submission. It returns the executed notebook(s) and the sandbox's record. As each comes back, this
process runs nbgrader's autograde on the real course with `PrecomputedExecute` in place of execution, so nbgrader
writes every grade (one gradebook writer) exactly as a sequential run would, while the workers execute the rest.

A rerun grades only what is new or changed: a submission is skipped when its folder's digest matches the one recorded
in its grading.json and the gradebook has it (`force=True` regrades everything).
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

from aimath.sandbox.execute import FLAGS_FILE

# A local worker's start (imports, then the kernel factory loading the scientific stack) costs about as much as
# grading this many notebooks: by default a run starts no more workers than it has such batches of notebooks.
NOTEBOOKS_PER_WORKER_START = 5
WORK_DIR = ".grading"  # in the course folder: the gradebook snapshot and the workers' executed notebooks
DIGEST_KEY = "submission_sha256"


@dataclass(frozen=True)
class Job:
    root: str
    assignment: str
    student: str
    gradebook: str


def submission_digest(folder: Path) -> str:
    """sha256 over the relative paths and bytes of every file of a submission folder."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def execute_job(job: Job) -> dict:
    """Run in a worker: nbgrader autograde of one submission in a private temporary course, up to and including
    execution; the executed notebook(s) and the sandbox's record as text."""
    import warnings

    from aimath.pipeline import course

    # the same harmless nbgrader/SQLAlchemy autoflush notice the CLI silences (a worker is a fresh process)
    warnings.filterwarnings("ignore", message="Object of type <Submitted")
    root = Path(job.root)
    with tempfile.TemporaryDirectory(prefix="aimath-job-") as tmp:
        private = Path(tmp)
        shutil.copy(root / course.CONFIG_FILE, private / course.CONFIG_FILE)
        shutil.copy(job.gradebook, private / "gradebook.db")
        shutil.copytree(root / "submitted" / job.student / job.assignment,
                        private / "submitted" / job.student / job.assignment)
        started = time.monotonic()
        api = course.open_api(root=private)
        _execute_only(api.config)
        result = api.autograde(job.assignment, job.student, force=True, create=True)
        out = private / "autograded" / job.student / job.assignment
        files = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*") if p.suffix in (".ipynb", ".json")} \
            if out.is_dir() else {}
        return {"student": job.student, "assignment": job.assignment, "files": files,
                "success": bool(result.get("success")), "error": (result.get("error") or "")[-2000:],
                "seconds": time.monotonic() - started}


def _execute_only(config) -> None:
    """Autograde steps for a worker: only the execution (the first step). Scoring, limits and checks are nbgrader's
    steps after it, which the recording run does with these outputs; doing them here too cost ~0.7 s a notebook."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    steps = config.Autograde.get("autograde_preprocessors") or Autograde.class_traits()["autograde_preprocessors"].default()
    if not issubclass(steps[0], Execute):
        raise RuntimeError(f"the first autograde step must execute the notebook, not {steps[0].__name__}")
    config.Autograde.autograde_preprocessors = steps[:1]


def default_workers(notebooks: int) -> int:
    """One local worker per core, but none that would grade fewer than NOTEBOOKS_PER_WORKER_START notebooks."""
    return max(1, min(os.cpu_count() or 1, math.ceil(notebooks / NOTEBOOKS_PER_WORKER_START)))


def _local_pool(workers: int):
    return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _run_local(jobs: list[Job], workers: int) -> Iterable[dict]:
    pool = _local_pool(workers)
    try:
        for future in concurrent.futures.as_completed([pool.submit(execute_job, job) for job in jobs]):
            yield future.result()
    finally:  # a run stopped early (the gradebook locked, Ctrl-C) does not wait for the notebooks not yet started
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(jobs: list[Job], scheduler: str) -> Iterable[dict]:
    from distributed import Client, as_completed

    with Client(scheduler, timeout=30) as client:
        for future in as_completed(client.map(execute_job, jobs, pure=False)):
            yield future.result()


class Progress:
    """One line on stderr, rewritten as jobs finish."""

    def __init__(self, total: int, where: str):
        self.total, self.done, self.where, self.started = total, 0, where, time.monotonic()

    def step(self) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.started
        end = "\n" if self.done == self.total else ""
        print(f"\rgraded {self.done}/{self.total} notebooks (executed on {self.where}), {elapsed:.0f} s", end=end,
              file=sys.stderr, flush=True)


def _recorded_digest(root: Path, student: str, assignment: str) -> str | None:
    path = root / "autograded" / student / assignment / FLAGS_FILE
    try:
        return json.loads(path.read_text()).get(DIGEST_KEY)
    except (OSError, ValueError, AttributeError):
        return None


def pending(root: Path, assignment: str, graded: set[str], force: bool) -> list[str]:
    """The students of `assignment` to grade: all with force, else the new or changed submissions."""
    students = sorted(p.parent.name for p in (root / "submitted").glob(f"*/{assignment}") if p.is_dir())
    if force:
        return students
    return [s for s in students if s not in graded or
            _recorded_digest(root, s, assignment) != submission_digest(root / "submitted" / s / assignment)]


def _stamp(root: Path, student: str, assignment: str) -> None:
    """Record the digest of what was graded (the resumable run's memory) in the submission's grading.json."""
    path = root / "autograded" / student / assignment / FLAGS_FILE
    if not path.parent.is_dir():
        return
    try:
        record = json.loads(path.read_text()) if path.exists() else {"flags": [], "notebooks": {}}
    except ValueError:
        record = {"flags": [], "notebooks": {}}
    record[DIGEST_KEY] = submission_digest(root / "submitted" / student / assignment)
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


def autograde(*, root: Path, assignments: list[str], graded: Callable[[str], set[str]], record: Callable,
              workers: int | None, scheduler: str | None, force: bool, on_job: Callable | None = None,
              screen: Callable[[str, list[str]], list[str]] | None = None) -> dict[str, list[str]]:
    """Execute the pending submissions on the workers and record each with nbgrader as soon as it comes back (this
    process records while the workers execute the rest); returns what was graded.

    `screen(assignment, students)` returns the pending students fit to grade (intake); `record(assignment, students,
    executed)` returns the students nbgrader could not grade. A submission's digest is stamped only once it is
    recorded, and removed before it is recorded again, so a run killed at any moment regrades exactly what it had not
    finished recording.
    """
    work = root / WORK_DIR
    shutil.rmtree(work, ignore_errors=True)
    (work / "executed").mkdir(parents=True)
    snapshot = work / "gradebook.db"
    shutil.copy(root / "gradebook.db", snapshot)
    todo = {a: pending(root, a, graded(a), force) for a in assignments}
    if screen is not None:
        todo = {a: screen(a, students) if students else students for a, students in todo.items()}
    jobs = [Job(str(root), a, s, str(snapshot)) for a, students in todo.items() for s in students]
    failed: set[tuple[str, str]] = set()
    if jobs:
        workers = workers or default_workers(len(jobs))
        progress = Progress(len(jobs), f"Dask at {scheduler}" if scheduler else f"{workers} local workers")
        results = _run_dask(jobs, scheduler) if scheduler else _run_local(jobs, workers)
        for result in results:
            student, assignment = result["student"], result["assignment"]
            folder = work / "executed" / student / assignment
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in result["files"].items():
                (folder / name).write_text(text, encoding="utf-8")
            if not result["success"]:
                print(f"\nworker could not grade {student}/{assignment} (it is graded here instead):"
                      f"\n{result['error']}", file=sys.stderr)
            _unstamp(root, student, assignment)
            if student in (record(assignment, [student], work / "executed") or set()):
                failed.add((student, assignment))
            else:
                _stamp(root, student, assignment)
            progress.step()
            if on_job is not None:
                on_job((student, assignment))
    shutil.rmtree(work, ignore_errors=True)
    return {a: [s for s in students if (s, a) not in failed] for a, students in todo.items()}

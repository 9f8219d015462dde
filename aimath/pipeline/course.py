"""The course pipeline over nbgrader's own API: release, autograde, feedback, export, summary.

Every step is a keyword-only function of the course root; `python -m aimath.pipeline <step>` is the thin CLI the
Makefile calls. nbgrader does the work (NbGraderAPI, CsvExportPlugin, Gradebook); this module only orders it.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.utils import is_grade, is_locked, is_solution, is_task, temp_attrs
from traitlets.config.loader import PyFileConfigLoader

import aimath
from aimath.pipeline import intake, lms, parallel
from aimath.pipeline.csv_export import ProtectedCsvExportPlugin
from aimath.pipeline.late import TimestampCourseDirectory
from aimath.pipeline.untrusted_text import visible
from aimath.report.analysis import describe_lateness
from aimath.report.sandbox_log import SandboxRecord, read_sandbox_record

CONFIG_FILE = "nbgrader_config.py"
GRADES_CSV = "grades.csv"


class StepFailed(RuntimeError):
    """An nbgrader step reported failure; the message carries its log."""


class GradingStopped(RuntimeError):
    """A step cannot go on (the gradebook is locked, the disk is full, the environment cannot grade, nbgrader refuses
    a release); the message is one line for the TA or instructor."""


# Names a missing-work line of the summary lists before "and N more" (the report lists them all).
MISSING_LISTED = 30
# What nbgrader's log says when the whole run, not one submission, is in trouble, and what the TA is told.
LOCKED = ("gradebook.db is locked by another program (formgrader saving a grade, or another autograde?): "
          "close it or let it finish, then rerun `make autograde` (what was recorded is kept, the rest is graded then)")
DISK_FULL = ("the disk is full (No space left on device): free some space, then rerun `make autograde` "
             "(what was recorded is kept, the rest is graded then)")
FATAL_IN_LOG = {"database is locked": LOCKED, "database or disk is full": DISK_FULL,
                "No space left on device": DISK_FULL}


def fatal_message(log: str) -> str | None:
    """The TA's one line when an nbgrader log shows the run cannot go on (not one submission's fault), else None."""
    return next((message for needle, message in FATAL_IN_LOG.items() if needle in log), None)


def check_gradebook_writable(db: Path, *, timeout: float = 2.0) -> None:
    """Raise GradingStopped when another program holds the gradebook's write lock (checked before grading starts)."""
    if not db.exists():
        return
    connection = sqlite3.connect(db, timeout=timeout)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.rollback()
    except sqlite3.OperationalError as e:
        raise GradingStopped(fatal_message(str(e)) or f"cannot write gradebook.db: {e}") from None
    finally:
        connection.close()


def _use_this_environment() -> None:
    # nbgrader upgrades the gradebook by running the `alembic` executable, which lives beside this Python.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def open_api(*, root: Path) -> NbGraderAPI:
    """An NbGraderAPI configured by `root/nbgrader_config.py`, rooted at `root`; it reads timestamp.txt with
    aimath.pipeline.late.read_timestamp."""
    _use_this_environment()
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    coursedir = TimestampCourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def source_assignments(*, root: Path) -> list[str]:
    """Assignment names: the folders of source/ that hold a notebook, sorted."""
    if not (root / "source").is_dir():
        return []
    return sorted(p.name for p in (root / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def submitted_assignments(*, root: Path) -> list[str]:
    """The folder names of submitted/<student>/<folder>/ (the assignments handed in, and any misnamed folder)."""
    return sorted({p.name for p in (root / "submitted").glob("*/*") if p.is_dir()})


def course_assignments(*, root: Path, api: NbGraderAPI) -> list[str]:
    """The assignments of the course: those of source/ and those the gradebook knows."""
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        recorded = {a.name for a in gradebook.assignments}
    return sorted(recorded | set(source_assignments(root=root)))


def closest_assignment(folder: str, assignments: list[str]) -> str | None:
    """The assignment a misnamed folder most likely means (`basic-math`, `Basic Math` -> `basic_math`), or None."""
    def plain(name: str) -> str:
        return re.sub(r"[\s.-]+", "_", name.strip().lower())

    by_plain = {plain(a): a for a in assignments}
    found = difflib.get_close_matches(plain(folder), list(by_plain), n=1, cutoff=0.6)
    return by_plain[found[0]] if found else None


# intake kinds of a folder of submitted/<student>/ that names no assignment: one close to an assignment's name (the
# problem is listed under that assignment), and one close to none (listed under the folder's own name)
MISNAMED_FOLDER, UNKNOWN_FOLDER = "misnamed-folder", "unknown-assignment"
MISNAMED = (MISNAMED_FOLDER, UNKNOWN_FOLDER)


def misnamed_folders(*, root: Path, assignments: list[str]) -> list[intake.Problem]:
    """One problem per folder submitted/<student>/<folder>/ whose name is not one of the course's `assignments`:
    under the assignment it most likely means (the summary and report show it there), else under the folder's name."""
    problems = []
    for folder in sorted(p for p in (root / "submitted").glob("*/*") if p.is_dir() and p.name not in assignments):
        student, where = folder.parent.name, f"submitted/{folder.parent.name}/{folder.name}/"
        meant = closest_assignment(folder.name, assignments)
        if meant is None:
            problems.append(intake.Problem(
                student, folder.name, UNKNOWN_FOLDER, f"{where} is not an assignment of this course (they are "
                f"{', '.join(assignments)}); not graded: move it to the right one's folder, then rerun "
                f"`make autograde`", False))
        elif (root / "submitted" / student / meant).is_dir():
            problems.append(intake.Problem(
                student, meant, MISNAMED_FOLDER, f"also has {where} (not an assignment of this course; {meant}/ is "
                f"graded): not graded", True))
        else:
            problems.append(intake.Problem(
                student, meant, MISNAMED_FOLDER, f"the submission is in {where}, not submitted/{student}/{meant}/; not "
                f"graded: move it there, then rerun `make autograde`", False))
    return problems


def _record_misnamed(root: Path, found: list[intake.Problem]) -> None:
    """Make intake.json list exactly `found` of the misnamed folders (those moved since are forgotten)."""
    recorded = intake.load(root)
    keys = {key for key, problems in recorded.items() if any(p.kind in MISNAMED for p in problems)}
    keys |= {(p.student, p.assignment) for p in found}
    if not keys:
        return
    merged = {key: [p for p in recorded.get(key, []) if p.kind not in MISNAMED] +
              [p for p in found if (p.student, p.assignment) == key] for key in keys}
    intake.save(root, {key: problems for key, problems in merged.items() if problems}, keys)


def _run(step: str, result: dict) -> None:
    if not result.get("success"):
        raise StepFailed(f"{step} failed:\n{result.get('error') or ''}\n{result.get('log') or ''}")


# ------------------------------------------------------------------ release, and the gradebook's copy of source/

RELEASE_SCRATCH = ".release-"  # prefix of the temporary folder (in the course folder) releases are generated in
CELLS_CHANGED = ("Cannot add or remove cells", "Cannot modify existing assignment")  # nbgrader's refusals
MID_TERM = "README, \"Changing an assignment mid-term\""


class ReleaseRefused(GradingStopped):
    """nbgrader would not (or could not) generate an assignment; release/ and the gradebook are as they were."""


def source_digest(*, root: Path, assignment: str) -> str:
    """sha256 over nbgrader_config.py and every file of source/<assignment>/ (what generate_assignment reads)."""
    config = hashlib.sha256((root / CONFIG_FILE).read_bytes()).hexdigest()
    return hashlib.sha256((config + parallel.submission_digest(root / "source" / assignment)).encode()).hexdigest()


def _recorded_cells(nb) -> set[str]:
    """The grade ids of a notebook's cells that generate_assignment records in the gradebook (its SaveCells)."""
    return {cell.metadata.nbgrader["grade_id"] for cell in nb.cells
            if (is_grade(cell) or is_solution(cell) or is_locked(cell) or is_task(cell))
            and cell.metadata.get("nbgrader", {}).get("grade_id")}


def _cell_changes(api: NbGraderAPI, assignment: str) -> str:
    """What source/<assignment>/ adds to or removes from the cells and notebooks the gradebook holds, in words."""
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        held = {n.name: {c.name for c in n.source_cells} for n in gradebook.find_assignment(assignment).notebooks}
    source = {p.stem: _recorded_cells(nbformat.read(p, as_version=4))
              for p in sorted((Path(api.coursedir.root) / "source" / assignment).glob("*.ipynb"))}
    changes = [f"notebook {n} added" for n in sorted(set(source) - set(held))]
    changes += [f"notebook {n} removed" for n in sorted(set(held) - set(source))]
    for name in sorted(set(source) & set(held)):
        changes += [f"cell {c} added" for c in sorted(source[name] - held[name])]
        changes += [f"cell {c} removed" for c in sorted(held[name] - source[name])]
    return ", ".join(changes[:4]) + (" ..." if len(changes) > 4 else "")


def _refusal(api: NbGraderAPI, assignment: str, result: dict) -> str:
    """The one line saying why nbgrader did not generate `assignment`, and what the instructor can do."""
    text = f"{result.get('log') or ''}\n{result.get('error') or ''}"
    if any(refusal in text for refusal in CELLS_CHANGED):
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            submissions = len(gradebook.find_assignment(assignment).submissions)
        return (f"{assignment}: source/{assignment}/ adds or removes graded cells ({_cell_changes(api, assignment)}), "
                f"and nbgrader cannot change an assignment's cells once the gradebook holds submissions of it "
                f"({submissions}); release/ and the gradebook are unchanged. Keep the cells (a new test can go in an "
                f"existing test cell; points and test code may change), or see the {MID_TERM}")
    return f"{assignment}: nbgrader's generate_assignment failed ({_last_error_line(result)}); release/ is unchanged"


def _generate(api: NbGraderAPI, assignment: str, into: Path) -> None:
    """nbgrader's generate_assignment of `assignment` with its release written to `into`/<assignment>, not release/
    (it records the assignment's notebooks, cells, points and test code in the gradebook). Raises ReleaseRefused (one
    line) when nbgrader fails, GradingStopped when the gradebook is locked or the disk full."""
    with temp_attrs(api.coursedir, release_directory=str(into)):
        result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        _stop_if_fatal(result)
        raise ReleaseRefused(_refusal(api, assignment, result))


def _same_files(a: Path, b: Path) -> bool:
    """Whether folders a and b hold the same files with the same bytes."""
    return b.is_dir() and parallel.submission_digest(a) == parallel.submission_digest(b)


def _put_in_place(new: Path, folder: Path) -> bool:
    """Make `folder` hold what `new` holds (swapped in with renames: `new` is on the same file system); a folder that
    already holds the same files is left untouched. Returns whether it changed."""
    if _same_files(new, folder):
        return False
    folder.parent.mkdir(parents=True, exist_ok=True)
    old = new.with_name(new.name + ".old")
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return True


def read_record(path: Path) -> dict:
    """The JSON object a pipeline record file holds ({} when it is missing, unreadable or not an object)."""
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def write_if_changed(path: Path, data: bytes) -> bool:
    """Make the file `path` hold `data`, only when it holds something else (so its modification time says when what
    it holds last changed): written beside it, then renamed into place. Returns whether it was written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def update_record(path: Path, entries: dict) -> None:
    """Merge `entries` into the record file `path`."""
    if entries:
        recorded = {**read_record(path), **entries}
        write_if_changed(path, json.dumps(recorded, indent=1, sort_keys=True).encode())


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _release_state(root: Path, gradebook, assignment: str) -> list:
    """What a release of `assignment` depends on and leaves: [source digest, the gradebook's digest of the
    assignment, release/<assignment>/'s digest, requirements.txt's digest (the nbgrader that generates it)]."""
    return [source_digest(root=root, assignment=assignment), parallel.assignment_digest(gradebook, assignment),
            parallel.submission_digest(root / "release" / assignment), _file_digest(root / "requirements.txt")]


def release(*, root: Path, assignments: list[str] | None = None) -> list[str]:
    """`nbgrader generate_assignment` for each assignment (all of source/ by default) whose release is not up to date;
    returns the assignments generated.

    An assignment is up to date when its source/ (and nbgrader_config.py), the gradebook's copy of it, its release/
    folder and requirements.txt are as its last release here left them (autograded/releases.json): editing source/,
    changing release/ by hand, a gradebook without the assignment or another nbgrader each make it stale. Each release
    is generated in a temporary folder and swapped into release/<name>/ only when nbgrader succeeded and the files
    changed (an unchanged release is not rewritten). One nbgrader refuses (graded cells added or removed while the
    gradebook holds submissions) or fails on is left as it was, and the others are released; then ReleaseRefused says
    why, one line per assignment.
    """
    api = open_api(root=root)
    names = assignments or source_assignments(root=root)
    released = root / "autograded" / intake.RELEASES_JSON
    recorded = read_record(released)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        stale = [name for name in names if recorded.get(name) != _release_state(root, gradebook, name)]
    refused, generated = [], []
    if stale:
        with tempfile.TemporaryDirectory(dir=root, prefix=RELEASE_SCRATCH) as scratch:
            for name in stale:
                try:
                    _generate(api, name, Path(scratch))
                except ReleaseRefused as e:
                    refused.append(str(e))
                    continue
                _put_in_place(Path(scratch) / name, root / "release" / name)
                generated.append(name)
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            states = {name: _release_state(root, gradebook, name) for name in generated}
        update_record(released, states)
        # the gradebook now holds source/ as it is: autograde need not bring it up to date again (update_gradebook)
        update_record(root / "autograded" / intake.SOURCES_JSON, {name: state[:2] for name, state in states.items()})
    if refused:
        raise ReleaseRefused("\n".join(refused))
    return generated


def update_gradebook(*, root: Path, api: NbGraderAPI, assignments: list[str]) -> list[str]:
    """Bring the gradebook's copy of each assignment of source/ (notebooks, cells, points, test code) up to date, as
    `make release` does (nbgrader's generate_assignment), without touching release/ (but for writing a release/<name>/
    that is missing). An assignment whose source and gradebook digests are those recorded after its last update
    (autograded/sources.json) is skipped. Returns the assignments updated; raises ReleaseRefused (graded cells added
    or removed after grading) or GradingStopped (locked gradebook, full disk) with one line."""
    record = root / "autograded" / intake.SOURCES_JSON
    recorded = read_record(record)

    def digests(gradebook, name: str) -> list:
        return [source_digest(root=root, assignment=name), parallel.assignment_digest(gradebook, name)]

    sources = set(source_assignments(root=root))
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        stale = [a for a in assignments if a in sources and
                 (recorded.get(a) != digests(gradebook, a) or not any((root / "release" / a).glob("*.ipynb")))]
    if not stale:
        return []
    with tempfile.TemporaryDirectory(dir=root, prefix=RELEASE_SCRATCH) as scratch:
        for name in stale:
            _generate(api, name, Path(scratch))
            if not any((root / "release" / name).glob("*.ipynb")):
                _put_in_place(Path(scratch) / name, root / "release" / name)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        update_record(record, {name: digests(gradebook, name) for name in stale})
    return stale


# ------------------------------------------------------------------ autograde

# What the environment check runs: with the sandbox, in it (as the kernel factory starts there); without, as nbgrader
# starts a kernel (this environment's Python, outside the course folder), importing what the hidden tests import.
SANDBOX_PROBE = ("import os, aimath.sandbox.inside.zygote, aimath.sandbox.inside.agent; "
                 "print(os.path.dirname(aimath.__file__))")
KERNEL_PROBE = "import os, aimath.checks; print(os.path.dirname(aimath.__file__))"
PROBE_TIMEOUT_S = 120.0
NEW_ENVIRONMENT = ("was the course folder moved or copied with its .venv? Make a new one (rm -rf .venv && make env), "
                   "then rerun `make autograde`")


def _sandboxed(api: NbGraderAPI) -> bool:
    """Whether nbgrader_config.py grades in the sandbox (aimath.sandbox.execute.SandboxedExecute)."""
    steps = api.config.Autograde.get("autograde_preprocessors", [])
    return any(getattr(step, "__name__", str(step)).endswith("SandboxedExecute") for step in steps)


def check_environment(api: NbGraderAPI) -> None:
    """Raise GradingStopped (one line) when no notebook could be graded here: the sandbox cannot start, or the Python
    that runs the students' code does not import this course's aimath package (a course folder moved or copied with
    its .venv imports another copy, or none, and every notebook would fail, or score 0, the same way)."""
    here = Path(aimath.__file__).resolve().parent
    with tempfile.TemporaryDirectory(prefix="aimath-probe-") as run_dir:
        if _sandboxed(api):
            from aimath.sandbox import bwrap
            from aimath.sandbox.limits import Limits

            try:
                argv = [*bwrap.command(bwrap.find_bwrap(), run_dir, Limits()), sys.executable, "-c", SANDBOX_PROBE]
            except bwrap.SandboxUnavailable as e:
                raise GradingStopped(str(e)) from None
        else:
            argv = [sys.executable, "-c", KERNEL_PROBE]
        try:
            done = subprocess.run(argv, cwd=run_dir, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise GradingStopped(f"the grading environment does not start ({e}); {NEW_ENVIRONMENT}") from None
    said = done.stdout.strip().splitlines()
    found = Path(said[-1]).resolve() if done.returncode == 0 and said else None
    if found != here:
        why = f"it imports {found}" if found else (done.stderr.strip().splitlines() or ["no error text"])[-1]
        raise GradingStopped(f"the grading environment cannot import this course's aimath package ({here}): "
                             f"{why[:160]}; {NEW_ENVIRONMENT}")


def _last_error_line(result: dict) -> str:
    """The exception nbgrader's log names last (not its closing 'see the above traceback'), in one line."""
    lines = [line.strip() for line in f"{result.get('log') or ''}\n{result.get('error') or ''}".splitlines()]
    generic = ("see the above traceback", "see the the above traceback", "There was an error processing")
    useful = [line for line in lines if not any(g in line for g in generic)]
    raised = [line for line in useful if re.match(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:: |$)", line)
              and not line.startswith("Traceback")]  # an exception's line: `[module.]Name: message`
    logged = [line.removeprefix("[ERROR] ") for line in useful if line.startswith("[ERROR]")]
    return ((raised or logged or ["no error text"])[-1])[:160]


def _pending_submissions(root: Path, assignment: str, students: list[str]) -> list[str]:
    """Run intake on `students`' submissions of `assignment`, record what it found, return those fit to grade."""
    found = intake.check_assignment(root, assignment, students)
    intake.save(root, found, {(s, assignment) for s in students})
    left_out = intake.blocked(found)  # by the names as intake shows them
    return [s for s in students if (visible(s), visible(assignment)) not in left_out]


def autograde(*, root: Path, assignments: list[str] | None = None, workers: int | None = None,
              scheduler: str | None = None, force: bool = False, on_job=None) -> list[str]:
    """`nbgrader autograde` of the new or changed submissions of each assignment (all of them with `force`).

    Submissions are graded by nbgrader in parallel, on `workers` local processes (default: one per core, fewer for a
    handful of notebooks, see `parallel.default_workers`) or on the Dask cluster at `scheduler`; this process writes
    what they found into the gradebook (aimath/pipeline/parallel.py). Returns the assignments looked at;
    `on_job((student, assignment))` hears of each submission graded.

    First the gradebook's copy of each assignment is brought up to date with source/ (`update_gradebook`): a
    submission graded against another version of its assignment (points, tests, due date) is graded again. A folder
    of submitted/ that names no assignment is not graded, and listed (`misnamed_folders`). Before the first notebook
    goes out, `check_environment` makes sure it can be graded here at all.

    Before an assignment's submissions go to the workers, intake (aimath/pipeline/intake.py) looks at each: one that
    cannot be graded is left out and, like one nbgrader fails on, listed in `autograded/intake.json` for the summary
    and the report; the rest of the batch is graded. GradingStopped (one line) stops the run: a locked gradebook, a
    full disk, an environment that cannot grade, an assignment nbgrader cannot update, an unknown assignment asked
    for, or every notebook (two or more) failing the same way.
    """
    api = open_api(root=root)
    check_gradebook_writable(Path(api.coursedir.root) / "gradebook.db")
    known = course_assignments(root=root, api=api)
    for name in assignments or []:
        if name not in known:
            meant = closest_assignment(name, known)
            raise GradingStopped(f"{name} is not an assignment of this course" +
                                 (f" (did you mean {meant}?)" if meant else f" ({', '.join(known)})"))
    names = assignments or [a for a in submitted_assignments(root=root) if a in known]
    failures: list[tuple[intake.Problem, str]] = []
    handed_out: list[tuple[str, str]] = []
    checked = []

    def screen(assignment: str, students: list[str]) -> list[str]:
        fit = _pending_submissions(root, assignment, students)
        if fit and not checked:  # once, just before the first notebook is handed out (not when none is to be graded)
            check_environment(api)
            checked.append(True)
        return fit

    def record(assignment: str, students: list[str]) -> set[str]:
        """nbgrader's autograde, here, of what a worker could not grade (from grading copies of the submissions, as
        in a worker); returns the students it could not grade either."""
        api = open_api(root=root)
        api.coursedir.submitted_directory = parallel.sanitized_submissions(root, assignment, students)
        failed = []
        for student in students:
            result = api.autograde(assignment, student, force=True, create=True)
            if not result.get("success"):
                _stop_if_fatal(result)
                cause = _last_error_line(result)
                failed.append((intake.Problem(
                    student, assignment, "grading-failed",
                    f"nbgrader could not grade it ({cause}); not graded: look at the notebook (or "
                    f"`nbgrader autograde {assignment} --student {student}` for the whole log)", False),
                    cause.replace(student, "<student>")))
        _forget_half_graded(api, [problem for problem, _ in failed])
        failures.extend(failed)
        return {problem.student for problem, _ in failed}

    def finished(job: tuple[str, str]) -> None:
        handed_out.append(job)
        if on_job is not None:
            on_job(job)

    try:
        update_gradebook(root=root, api=api, assignments=names)
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            parallel.autograde(root=root, assignments=names, gradebook=gradebook, record=record,
                               workers=workers, scheduler=scheduler, force=force, on_job=finished, screen=screen)
        _record_misnamed(root, misnamed_folders(root=root, assignments=known))
        if len(failures) >= 2 and len(failures) == len(handed_out) and len({c for _, c in failures}) == 1:
            problem = failures[0][0]
            raise GradingStopped(
                f"all {len(failures)} notebooks failed the same way ({failures[0][1].replace('<student>', '...')}), "
                f"so the fault is not in them: nothing was recorded; fix it, then rerun `make autograde` "
                f"(`nbgrader autograde {problem.assignment} --student {problem.student}` shows the whole log)")
        intake.add(root, [problem for problem, _ in failures])
    except GradingStopped:
        raise
    except Exception as e:  # nbgrader wraps database errors in its own InvalidEntry; the text tells what happened
        message = fatal_message(str(e))
        if message:
            raise GradingStopped(message) from None
        raise
    return names


def _stop_if_fatal(result: dict) -> None:
    message = fatal_message(f"{result.get('log') or ''}\n{result.get('error') or ''}")
    if message:
        raise GradingStopped(message)


def _forget_half_graded(api: NbGraderAPI, failed: list[intake.Problem]) -> None:
    """Remove the gradebook rows nbgrader created for submissions it then failed to grade (they would read as 0)."""
    if not failed:
        return
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for problem in failed:
            try:
                gradebook.remove_submission(problem.assignment, problem.student)
            except MissingEntry:
                pass


def zip_assignment(names: list[str], assignments: list[str]) -> str | None:
    """The one assignment whose notebook the file names of an LMS download end with (`..._basic_math-1.ipynb`)."""
    found = {a for a in assignments for n in names if re.search(rf"_{re.escape(a)}(-\d+)?\.ipynb$", n)}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class Collected:
    """What `collect` did: one line per file or student it left out, and a closing line."""

    lines: list[str]
    summary: str


def _zip_collect_lines(log: str) -> list[str]:
    """The lines of nbgrader zip_collect's log a TA should read: the files it skipped, and why (the plugin's own
    line for a file it explains, nbgrader's otherwise), and notebooks under an unexpected name."""
    said = [re.sub(r"^\[[^\]]*\]\s*", "", line).strip() for line in log.splitlines()
            if "WARNING" in line or "ERROR" in line]
    explained = [line for line in said if line.startswith(lms.SKIPPED + " ") and "with no match" not in line]
    unmatched = [os.path.basename(line.rsplit(": ", 1)[-1]) for line in said
                 if line.startswith("Skipped submission with no match")]
    return explained + [f"Skipped {name}: its name does not match FileNameCollectorPlugin.named_regexp "
                        f"(nbgrader_config.py)" for name in unmatched if not any(name in e for e in explained)] + [
        line for line in said if "Invalid submission" in line or "Skipped notebook with invalid name" in line]


def collect(*, root: Path, archive: Path, assignment: str | None = None) -> Collected:
    """nbgrader zip_collect of an LMS download into submitted/ (file names as nbgrader_config.py's regexp says).

    The zip is copied to downloaded/<assignment>/archive/ (which holds only it); the assignment is read off the file
    names when not given. zip_collect puts the submissions in downloaded/<assignment>/collected/, and each student's
    folder is then moved into submitted/ whole: a collect that stops leaves nothing half-done, and a rerun collects
    what is missing. A student whose submitted/ folder already holds other files keeps them (a line says so); of a
    student's several uploads the latest is taken (aimath/pipeline/lms.py). Raises GradingStopped (one line) when
    zip_collect fails; then nothing is moved into submitted/.
    """
    archive = Path(archive).resolve()
    if not zipfile.is_zipfile(archive):
        raise GradingStopped(f"{archive} is not a zip file")
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
    assignment = assignment or zip_assignment(names, source_assignments(root=root))
    if not assignment:
        raise GradingStopped(f"cannot tell the assignment from the file names in {archive.name}: "
                             "say it, e.g. `make collect ZIP=... ASSIGNMENT=basic_math`")
    downloaded = root / "downloaded" / assignment
    staging = downloaded / "collected"  # zip_collect's submitted/ for this download
    for step in ("archive", "extracted", "collected"):
        if (downloaded / step).exists():
            shutil.rmtree(downloaded / step)
    (downloaded / "archive").mkdir(parents=True)
    shutil.copy(archive, downloaded / "archive" / archive.name)
    _use_this_environment()
    done = subprocess.run(["nbgrader", "zip_collect", assignment,
                           f"--CourseDirectory.submitted_directory={staging}"],
                          cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        errors = [line for line in done.stderr.splitlines() if "ERROR" in line or "CRITICAL" in line]
        raise GradingStopped(f"zip_collect {assignment} failed: {(errors or ['see its log'])[-1]}; nothing was "
                             f"collected into submitted/")
    lines, moved, already = _zip_collect_lines(done.stderr), 0, 0
    for folder in sorted(staging.glob(f"*/{assignment}")):
        student = folder.parent.name
        target = root / "submitted" / student / assignment
        if target.exists():
            if _same_files(folder, target):
                already += 1
            else:
                lines.append(f"{student}: submitted/{student}/{assignment}/ already holds another submission, kept; "
                             f"to take the download's, move that folder away and rerun `make collect`")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        folder.rename(target)
        moved += 1
    shutil.rmtree(staging, ignore_errors=True)
    there = f" ({already} already there)" if already else ""
    return Collected(lines, f"collected {moved} submissions of {assignment} into submitted/{there} "
                            f"(now run `make autograde`)")


# What nbgrader's log says about each submission it failed on while it went on with the others.
FAILED_SUBMISSION = re.compile(r"There was an error processing assignment '(.*)' for student '(.*)'$", re.M)


# The gradebook rows a feedback page shows, per submission: its grades and comments (auto and manual scores, extra
# credit, needs-manual-grade, comments), each notebook's late penalty, the submission's timestamp and extension.
_FEEDBACK_ROWS = {
    "grade": "g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade",
    "comment": "g.auto_comment, g.manual_comment",
}
_FEEDBACK_QUERY = """SELECT a.name, sa.student_id, sa.timestamp, sa.extension, n.name, sn.late_submission_penalty,
    c.name, {fields}
    FROM {table} g JOIN submitted_notebook sn ON g.notebook_id = sn.id
    JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN assignment a ON sa.assignment_id = a.id
    JOIN notebook n ON sn.notebook_id = n.id JOIN base_cell c ON g.cell_id = c.id"""


class Feedback(NamedTuple):
    """What `feedback` did: the (student, assignment) pages written, and one line per submission nbgrader could not
    write a page for."""

    written: list[tuple[str, str]]
    failed: list[str]


def renderer_digest(*, root: Path) -> str:
    """sha256 over what turns the same grades into the same feedback page: nbgrader_config.py, requirements.txt
    (nbgrader, nbconvert and the rest, pinned) and every file of the aimath package (the page's preprocessors,
    exporter and template)."""
    h = hashlib.sha256()
    package = Path(aimath.__file__).resolve().parent
    files = [root / CONFIG_FILE, root / "requirements.txt"] + sorted(
        p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.relative_to(package).parts)
    for path in files:
        h.update(str(path.relative_to(package) if path.is_relative_to(package) else path.name).encode() + b"\0")
        h.update((_file_digest(path) or "missing").encode() + b"\0")
    return h.hexdigest()


def gradebook_feedback_rows(gradebook) -> dict[tuple[str, str], str]:
    """{(student, assignment): sha256 of the gradebook rows its feedback page shows} for every submission of the
    gradebook (two queries, whatever the size of the class). A TA's score or comment in formgrader changes it."""
    from sqlalchemy import text

    rows: dict[tuple[str, str], list] = {}
    for table, fields in _FEEDBACK_ROWS.items():
        for row in gradebook.db.execute(text(_FEEDBACK_QUERY.format(table=table, fields=fields))):
            rows.setdefault((row[1], row[0]), []).append([table, *row[2:]])
    return {key: hashlib.sha256(json.dumps(sorted(found, key=str), default=str).encode()).hexdigest()
            for key, found in rows.items()}


def feedback_inputs(*, root: Path, student: str, assignment: str, renderer: str, version: str | None,
                    rows: str | None) -> str:
    """sha256 of everything a submission's feedback page is made from: the `renderer` (renderer_digest), the
    assignment's `version` in the gradebook (parallel.assignment_digest: points, cells, due date), the files of
    autograded/<student>/<assignment>/ and the submission's gradebook `rows` (gradebook_feedback_rows)."""
    graded = parallel.submission_digest(root / "autograded" / student / assignment)
    return hashlib.sha256(json.dumps([renderer, version, graded, rows]).encode()).hexdigest()


def _has_pages(root: Path, student: str, assignment: str) -> bool:
    """Whether feedback/<student>/<assignment>/ holds a page for every notebook of its autograded folder."""
    notebooks = (root / "autograded" / student / assignment).glob("*.ipynb")
    return all((root / "feedback" / student / assignment / f"{nb.stem}.html").is_file() for nb in notebooks)


def feedback(*, root: Path, assignments: list[str] | None = None) -> Feedback:
    """nbgrader's generate_feedback (our preprocessors hide hidden tests) for each autograded submission whose page
    is missing or was made from other inputs (`feedback_inputs`: regraded, a new submission, a TA's hand grade or
    comment, the assignment's points, or the page's code changed); the others are left as they are.

    When every submission of an assignment needs a page, nbgrader makes them in one call for the assignment; else one
    call per submission (`generate_feedback(assignment, student)`, forced). autograded/feedback.json records the
    inputs of each page written. nbgrader goes on past a submission it fails on; each such submission is one line of
    `failed` (the others get their pages) and is tried again next time. StepFailed only when nbgrader failed without
    naming a submission (the whole step's trouble)."""
    api = open_api(root=root)
    autograded = root / "autograded"
    names = assignments or sorted({p.name for p in autograded.glob("*/*") if p.is_dir()})
    record = autograded / intake.FEEDBACK_JSON
    recorded = read_record(record)
    renderer = renderer_digest(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        rows = gradebook_feedback_rows(gradebook)
        versions = {name: parallel.assignment_digest(gradebook, name) for name in names}
    written, failed = [], []
    for name in names:
        students = sorted(p.parent.name for p in autograded.glob(f"*/{name}")
                          if p.is_dir() and not p.parent.name.startswith("."))  # nbgrader ignores hidden folders
        inputs = {s: feedback_inputs(root=root, student=s, assignment=name, renderer=renderer, version=versions[name],
                                     rows=rows.get((s, name))) for s in students}
        held = recorded.get(name) if isinstance(recorded.get(name), dict) else {}
        stale = [s for s in students if held.get(s) != inputs[s] or not _has_pages(root, s, name)]
        if not stale:
            continue
        if stale == students:
            results = [api.generate_feedback(name, force=True)]
        else:
            results = [api.generate_feedback(name, student, force=True) for student in stale]
        unwritten = set()
        for result in results:
            named = FAILED_SUBMISSION.findall(result.get("log") or "")
            if not result.get("success") and not named:
                _run(f"generate_feedback {name}", result)
            unwritten |= {student for _, student in named}
            failed += [f"{student} / {assignment}: no feedback page (nbgrader could not write it: "
                       f"{_last_error_line(result)}); see `nbgrader generate_feedback {assignment} --student "
                       f"{student}`" for assignment, student in named]
        done = [s for s in stale if s not in unwritten]
        written += [(s, name) for s in done]
        kept = {s: digest for s, digest in held.items() if s in inputs and s not in unwritten}
        update_record(record, {name: {**kept, **{s: inputs[s] for s in done}}})
    return Feedback(written, [visible(line) for line in failed])


def export(*, root: Path, to: Path | None = None) -> Path:
    """nbgrader's CSV export of the gradebook (one row per student and assignment), its text cells protected from
    spreadsheet formulas (aimath/pipeline/csv_export.py), written to `to` (default root/grades.csv) when it changed;
    returns that path."""
    api = open_api(root=root)
    path = Path(to or root / GRADES_CSV)
    with tempfile.TemporaryDirectory() as scratch, \
            Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        exported = Path(scratch) / GRADES_CSV
        ProtectedCsvExportPlugin(to=str(exported)).export(gradebook)
        write_if_changed(path, exported.read_bytes())
    return path


def scores(*, root: Path) -> dict[str, dict[str, tuple[float, float, bool]]]:
    """{student: {assignment: (score, max_score, needs_manual_grade)}} for every submission in the gradebook; the
    score is after the late penalty, as in nbgrader's CSV export."""
    api = open_api(root=root)
    table: dict[str, dict[str, tuple[float, float, bool]]] = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                table.setdefault(submission.student.id, {})[assignment.name] = (
                    max(0.0, submission.score - (submission.late_submission_penalty or 0.0)), submission.max_score,
                    bool(submission.needs_manual_grade))
    return table


def summary(*, root: Path) -> str:
    """The class as a text table: one row per student, one column per assignment, `score/max`; then one line per
    submission to look at (what intake or grading found, late), the sandbox's flags, and one line per assignment some
    students handed in nothing for (`missing_lines`).

    A `*` marks a submission with answers still to grade by hand (formgrader). Every line is `visible`: what a
    submission chose (names, kernelspecs, error text, the sandbox's audit entries) cannot act on the terminal.
    """
    table = scores(root=root)
    assignments = sorted({a for row in table.values() for a in row})
    attention = attention_lines(root=root, table=table, assignments=assignments)
    missing = missing_lines(root=root, table=table, assignments=assignments)
    if not table and not attention and not missing:
        return "No graded submissions yet: put them in submitted/<student>/<assignment>/ and run `make autograde`."
    width = max([len("student"), *(len(s) for s in table)])
    columns = [max(len(a), 9) for a in assignments]
    lines = ["student".ljust(width) + "  " + "  ".join(a.rjust(w) + " " for a, w in zip(assignments, columns))] \
        if table else ["No submission could be graded."]
    for student in sorted(table):
        cells = []
        for a, w in zip(assignments, columns):
            score = table[student].get(a)
            text = "-" if score is None else f"{score[0]:g}/{score[1]:g}" + ("*" if score[2] else " ")
            cells.append(text.rjust(w + 1))
        lines.append(student.ljust(width) + "  " + "  ".join(cells))
    if any(score[2] for row in table.values() for score in row.values()):
        lines.append("* written answers still to grade by hand in formgrader (score so far shown)")
    if attention:
        lines.append("\nSubmissions to look at (one line each):")
        lines += [f"  {line}" for line in attention]
    flagged = sandbox_flags(root=root)
    if flagged:
        lines.append("\nFlagged by the grading sandbox (limits hit, attempts to reach outside the submission):")
        for (student, assignment), record in sorted(flagged.items()):
            seen = f"; e.g. {visible(record.attempts[0], 90)}" if record.attempts else ""
            lines.append(f"  {student} / {assignment}: {', '.join(record.flags)}{seen}")
    if missing:
        lines.append("\nMissing work (one line per assignment):")
        lines += [f"  {line}" for line in missing]
    return "\n".join(visible(line) for text in lines for line in text.split("\n"))


def late_submissions(*, root: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """{(student, assignment): (seconds late, late penalty)} of the late submissions in the gradebook."""
    api = open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        return {(s.student.id, a.name): (s.total_seconds_late, s.late_submission_penalty)
                for a in gradebook.assignments for s in a.submissions if s.total_seconds_late > 0}


class _Class(NamedTuple):
    """Who and what the summary's lines are about."""

    problems: dict  # intake.load: {(student, assignment): [Problem]}
    students: list[str]  # sorted: the gradebook's roster, the students graded and those intake names
    handed_in: set[str]  # the assignments someone handed in (a folder that names none is not one)


def _the_class(root: Path, table: dict, assignments: list[str]) -> _Class:
    problems = intake.load(root)
    api = open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        roster = {student.id for student in gradebook.students}
    handed_in = set(assignments) | {a for (_, a), found in problems.items()
                                    if any(p.kind != UNKNOWN_FOLDER for p in found)}
    return _Class(problems, sorted(set(table) | roster | {s for s, _ in problems}), handed_in)


def attention_lines(*, root: Path, table: dict, assignments: list[str]) -> list[str]:
    """One line per submission a TA should look at: what intake or grading found (including why it was not graded),
    or late. (Work not handed in is `missing_lines`.)"""
    known = _the_class(root, table, assignments)
    late = late_submissions(root=root)
    lines = []
    for student in known.students:
        for assignment in sorted(known.handed_in | {a for s, a in known.problems if s == student}):
            key = (student, assignment)
            lines += [p.line for p in known.problems.get(key, [])]
            if key in late:
                lines.append(f"{student} / {assignment}: late, {describe_lateness(*late[key])}")
    return lines


def missing_work(*, root: Path, table: dict, assignments: list[str]) -> tuple[dict[str, list[str]], int]:
    """({assignment: the students who handed nothing in for it, sorted}, the number of students in the class): for
    each assignment someone handed in, the students of the class (the gradebook's roster, the students graded and
    those intake names) with no submission of it in the gradebook and none that intake or grading left out."""
    known = _the_class(root, table, assignments)
    missing = {a: [s for s in known.students if a not in table.get(s, {}) and (s, a) not in known.problems]
               for a in sorted(known.handed_in)}
    return {a: students for a, students in missing.items() if students}, len(known.students)


def missing_lines(*, root: Path, table: dict, assignments: list[str]) -> list[str]:
    """One line per assignment some students handed nothing in for (`missing_work`), e.g. `mle: no submission from 2
    of 12 students: kim, lee`; past MISSING_LISTED names, `and N more` (the report lists them all)."""
    missing, size = missing_work(root=root, table=table, assignments=assignments)
    return [f"{assignment}: no submission from {len(students)} of {size} students: "
            f"{intake.listed(students, MISSING_LISTED)}" for assignment, students in missing.items()]


def sandbox_flags(*, root: Path) -> dict[tuple[str, str], SandboxRecord]:
    """{(student, assignment): the sandbox's record} for every autograded submission it flagged."""
    records = {(folder.parent.name, folder.name): read_sandbox_record(folder)
               for folder in sorted((root / "autograded").glob("*/*")) if folder.is_dir()}
    return {key: record for key, record in records.items() if record.flags}

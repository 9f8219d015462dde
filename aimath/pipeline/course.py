"""The course pipeline over nbgrader's own API: release, autograde, feedback, export, summary.

Every step is a keyword-only function of the course root; `python -m aimath.pipeline <step>` is the thin CLI the
Makefile calls. nbgrader does the work (NbGraderAPI, CsvExportPlugin, Gradebook); this module only orders it.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import NamedTuple

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from aimath.pipeline import intake, parallel
from aimath.pipeline.csv_export import ProtectedCsvExportPlugin
from aimath.pipeline.untrusted_text import visible
from aimath.report.analysis import describe_lateness
from aimath.report.sandbox_log import SandboxRecord, read_sandbox_record

CONFIG_FILE = "nbgrader_config.py"
GRADES_CSV = "grades.csv"


class StepFailed(RuntimeError):
    """An nbgrader step reported failure; the message carries its log."""


class GradingStopped(RuntimeError):
    """Grading cannot go on (the gradebook is locked, the disk is full); the message is one line for the TA."""


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
    """An NbGraderAPI configured by `root/nbgrader_config.py`, rooted at `root`."""
    _use_this_environment()
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def source_assignments(*, root: Path) -> list[str]:
    """Assignment names: the folders of source/ that hold a notebook, sorted."""
    return sorted(p.name for p in (root / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def submitted_assignments(*, root: Path) -> list[str]:
    """Assignments with at least one submission in submitted/<student>/<assignment>/."""
    return sorted({p.name for p in (root / "submitted").glob("*/*") if p.is_dir()})


def _run(step: str, result: dict) -> None:
    if not result.get("success"):
        raise StepFailed(f"{step} failed:\n{result.get('error') or ''}\n{result.get('log') or ''}")


def release(*, root: Path, assignments: list[str] | None = None) -> list[str]:
    """`nbgrader generate_assignment` for each assignment (all of source/ by default); returns the names."""
    api = open_api(root=root)
    names = assignments or source_assignments(root=root)
    for name in names:
        _run(f"generate_assignment {name}", api.generate_assignment(name, force=True, create=True))
    return names


def _last_error_line(result: dict) -> str:
    """The exception nbgrader's log names last (not its closing 'see the above traceback'), in one line."""
    lines = [line.strip() for line in f"{result.get('log') or ''}\n{result.get('error') or ''}".splitlines()]
    generic = ("see the above traceback", "see the the above traceback", "There was an error processing")
    useful = [line for line in lines if not any(g in line for g in generic)]
    raised = [line for line in useful if re.match(r"^[\w.]+(Error|Exception|Exit)\b", line)]
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

    Before an assignment's submissions go to the workers, intake (aimath/pipeline/intake.py) looks at each: one that
    cannot be graded is left out and, like one nbgrader fails on, listed in `autograded/intake.json` for the summary
    and the report; the rest of the batch is graded. A locked gradebook or a full disk stops the run with
    GradingStopped (one line).
    """
    names = assignments or submitted_assignments(root=root)
    api = open_api(root=root)
    check_gradebook_writable(Path(api.coursedir.root) / "gradebook.db")

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
                failed.append(intake.Problem(
                    student, assignment, "grading-failed",
                    f"nbgrader could not grade it ({_last_error_line(result)}); not graded: look at the "
                    f"notebook (or `nbgrader autograde {assignment} --student {student}` for the whole log)",
                    False))
        _forget_half_graded(api, failed)
        intake.add(root, failed)
        return {p.student for p in failed}

    try:
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            parallel.autograde(root=root, assignments=names, gradebook=gradebook, record=record,
                               workers=workers, scheduler=scheduler, force=force, on_job=on_job,
                               screen=lambda assignment, students: _pending_submissions(root, assignment, students))
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


def collect(*, root: Path, archive: Path, assignment: str | None = None) -> str:
    """nbgrader zip_collect of an LMS download into submitted/ (file names as nbgrader_config.py's regexp says).

    The zip is copied to downloaded/<assignment>/archive/ (which holds only it); the assignment is read off the file
    names when not given. Returns nbgrader's log. zip_collect never overwrites a submission already in submitted/.
    """
    import subprocess
    import zipfile

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
    for step in ("archive", "extracted"):
        if (downloaded / step).exists():
            shutil.rmtree(downloaded / step)
    (downloaded / "archive").mkdir(parents=True)
    shutil.copy(archive, downloaded / "archive" / archive.name)
    _use_this_environment()
    done = subprocess.run(["nbgrader", "zip_collect", assignment], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if "ERROR" in line or "CRITICAL" in line]
        raise GradingStopped(f"zip_collect {assignment} failed: {(errors or ['see its log'])[-1]}")
    return done.stderr


# What nbgrader's log says about each submission it failed on while it went on with the others.
FAILED_SUBMISSION = re.compile(r"There was an error processing assignment '(.*)' for student '(.*)'$", re.M)


class Feedback(NamedTuple):
    """What `feedback` did: the assignments it ran on, and one line per submission nbgrader could not write."""

    assignments: list[str]
    failed: list[str]


def feedback(*, root: Path, assignments: list[str] | None = None) -> Feedback:
    """`nbgrader generate_feedback` (our preprocessors hide hidden tests) for each autograded assignment.

    nbgrader goes on past a submission it fails on; each such submission is one line of `failed` (the others get
    their pages). StepFailed only when nbgrader failed without naming a submission (the whole step's trouble)."""
    api = open_api(root=root)
    names = assignments or sorted({p.name for p in (root / "autograded").glob("*/*") if p.is_dir()})
    failed = []
    for name in names:
        result = api.generate_feedback(name, force=True)
        named = FAILED_SUBMISSION.findall(result.get("log") or "")
        if not result.get("success") and not named:
            _run(f"generate_feedback {name}", result)
        failed += [f"{student} / {assignment}: no feedback page (nbgrader could not write it: "
                   f"{_last_error_line(result)}); see `nbgrader generate_feedback {assignment} --student {student}`"
                   for assignment, student in named]
    return Feedback(names, [visible(line) for line in failed])


def export(*, root: Path, to: Path | None = None) -> Path:
    """nbgrader's CSV export of the gradebook (one row per student and assignment), its text cells protected from
    spreadsheet formulas (aimath/pipeline/csv_export.py)."""
    api = open_api(root=root)
    path = Path(to or root / GRADES_CSV)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        ProtectedCsvExportPlugin(to=str(path)).export(gradebook)
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
    """The class as a text table: one row per student, one column per assignment, `score/max`.

    A `*` marks a submission with answers still to grade by hand (formgrader). Every line is `visible`: what a
    submission chose (names, kernelspecs, error text, the sandbox's audit entries) cannot act on the terminal.
    """
    table = scores(root=root)
    assignments = sorted({a for row in table.values() for a in row})
    attention = attention_lines(root=root, table=table, assignments=assignments)
    if not table and not attention:
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
    return "\n".join(visible(line) for text in lines for line in text.split("\n"))


def late_submissions(*, root: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """{(student, assignment): (seconds late, late penalty)} of the late submissions in the gradebook."""
    api = open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        return {(s.student.id, a.name): (s.total_seconds_late, s.late_submission_penalty)
                for a in gradebook.assignments for s in a.submissions if s.total_seconds_late > 0}


def attention_lines(*, root: Path, table: dict, assignments: list[str]) -> list[str]:
    """One line per submission a TA should look at: what intake or grading found, late, or not handed in (by a
    student of the gradebook's roster, for an assignment someone handed in)."""
    problems = intake.load(root)
    api = open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        roster = {student.id for student in gradebook.students}
    everyone = sorted(set(table) | roster | {s for s, _ in problems})
    assignments = sorted(set(assignments) | {a for _, a in problems})
    late = late_submissions(root=root)
    lines = []
    for student in everyone:
        for assignment in assignments:
            key = (student, assignment)
            lines += [p.line for p in problems.get(key, [])]
            if key in late:
                lines.append(f"{student} / {assignment}: late, {describe_lateness(*late[key])}")
            if assignment not in table.get(student, {}) and key not in problems:
                lines.append(f"{student} / {assignment}: no submission")
    return lines


def sandbox_flags(*, root: Path) -> dict[tuple[str, str], SandboxRecord]:
    """{(student, assignment): the sandbox's record} for every autograded submission it flagged."""
    records = {(folder.parent.name, folder.name): read_sandbox_record(folder)
               for folder in sorted((root / "autograded").glob("*/*")) if folder.is_dir()}
    return {key: record for key, record in records.items() if record.flags}

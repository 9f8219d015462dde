"""The course pipeline over nbgrader's own API: release, autograde, feedback, export, summary.

Every step is a keyword-only function of the course root; `python -m aimath.pipeline <step>` is the thin CLI the
Makefile calls. nbgrader does the work (NbGraderAPI, CsvExportPlugin, Gradebook); this module only orders it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import CsvExportPlugin
from traitlets.config.loader import PyFileConfigLoader

from aimath.pipeline import parallel
from aimath.report.sandbox_log import SandboxRecord, read_sandbox_record

CONFIG_FILE = "nbgrader_config.py"
# Set while recording what parallel workers executed: nbgrader_config.py then takes their outputs.
PRECOMPUTED_ENV = "AIMATH_PRECOMPUTED"
GRADES_CSV = "grades.csv"


class StepFailed(RuntimeError):
    """An nbgrader step reported failure; the message carries its log."""


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


def autograde(*, root: Path, assignments: list[str] | None = None, workers: int | None = None,
              scheduler: str | None = None, force: bool = False, on_job=None) -> list[str]:
    """`nbgrader autograde` of the new or changed submissions of each assignment (all of them with `force`).

    Notebooks are executed in parallel, on `workers` local processes (default: one per core) or on the Dask cluster
    at `scheduler`; nbgrader records every grade in this process (aimath/pipeline/parallel.py). Returns the
    assignments looked at; `on_job((student, assignment))` hears of each submission a worker executed.
    """
    names = assignments or submitted_assignments(root=root)

    def graded(assignment: str) -> set[str]:
        api = open_api(root=root)
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            try:
                return {s.student.id for s in gradebook.find_assignment(assignment).submissions}
            except MissingEntry:
                return set()

    def record(assignment: str, students: list[str], executed: Path) -> None:
        previous = os.environ.get(PRECOMPUTED_ENV)
        os.environ[PRECOMPUTED_ENV] = str(executed)
        try:
            api = open_api(root=root)
            everyone = set(students) == {p.parent.name for p in (root / "submitted").glob(f"*/{assignment}")}
            for student in ["*"] if everyone else students:
                _run(f"autograde {assignment} {student}", api.autograde(assignment, student, force=True, create=True))
        finally:
            if previous is None:
                os.environ.pop(PRECOMPUTED_ENV, None)
            else:
                os.environ[PRECOMPUTED_ENV] = previous

    parallel.autograde(root=root, assignments=names, graded=graded, record=record,
                       workers=workers or os.cpu_count() or 1, scheduler=scheduler, force=force, on_job=on_job)
    return names


def feedback(*, root: Path, assignments: list[str] | None = None) -> list[str]:
    """`nbgrader generate_feedback` (our preprocessors hide hidden tests) for each autograded assignment."""
    api = open_api(root=root)
    names = assignments or sorted({p.name for p in (root / "autograded").glob("*/*") if p.is_dir()})
    for name in names:
        _run(f"generate_feedback {name}", api.generate_feedback(name, force=True))
    return names


def export(*, root: Path, to: Path | None = None) -> Path:
    """nbgrader's CSV export of the gradebook (one row per student and assignment)."""
    api = open_api(root=root)
    path = Path(to or root / GRADES_CSV)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        CsvExportPlugin(to=str(path)).export(gradebook)
    return path


def scores(*, root: Path) -> dict[str, dict[str, tuple[float, float, bool]]]:
    """{student: {assignment: (score, max_score, needs_manual_grade)}} for every submission in the gradebook."""
    api = open_api(root=root)
    table: dict[str, dict[str, tuple[float, float, bool]]] = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                table.setdefault(submission.student.id, {})[assignment.name] = (
                    submission.score, submission.max_score, bool(submission.needs_manual_grade))
    return table


def summary(*, root: Path) -> str:
    """The class as a text table: one row per student, one column per assignment, `score/max`.

    A `*` marks a submission with answers still to grade by hand (formgrader).
    """
    table = scores(root=root)
    assignments = sorted({a for row in table.values() for a in row})
    if not table:
        return "No graded submissions yet: put them in submitted/<student>/<assignment>/ and run `make autograde`."
    width = max(len("student"), *(len(s) for s in table))
    columns = [max(len(a), 9) for a in assignments]
    lines = ["student".ljust(width) + "  " + "  ".join(a.rjust(w) + " " for a, w in zip(assignments, columns))]
    for student in sorted(table):
        cells = []
        for a, w in zip(assignments, columns):
            score = table[student].get(a)
            text = "-" if score is None else f"{score[0]:g}/{score[1]:g}" + ("*" if score[2] else " ")
            cells.append(text.rjust(w + 1))
        lines.append(student.ljust(width) + "  " + "  ".join(cells))
    if any(score[2] for row in table.values() for score in row.values()):
        lines.append("* written answers still to grade by hand in formgrader (score so far shown)")
    flagged = sandbox_flags(root=root)
    if flagged:
        lines.append("\nFlagged by the grading sandbox (limits hit, attempts to reach outside the submission):")
        for (student, assignment), record in sorted(flagged.items()):
            seen = f"; e.g. {record.attempts[0][:90]}" if record.attempts else ""
            lines.append(f"  {student} / {assignment}: {', '.join(record.flags)}{seen}")
    return "\n".join(lines)


def sandbox_flags(*, root: Path) -> dict[tuple[str, str], SandboxRecord]:
    """{(student, assignment): the sandbox's record} for every autograded submission it flagged."""
    records = {(folder.parent.name, folder.name): read_sandbox_record(folder)
               for folder in sorted((root / "autograded").glob("*/*")) if folder.is_dir()}
    return {key: record for key, record in records.items() if record.flags}

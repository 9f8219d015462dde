"""The course as nbgrader sees it: its configuration, nbgrader's API on it, its folders, and how a step stops.

`open_api(root=...)` is the one way the pipeline and the report open nbgrader on a course folder: the configuration
is the folder's nbgrader_config.py (which plugs in aimath/pipeline/plugins/), and timestamp.txt is read as intake
reads it (plugins/late.py). A step that cannot go on for the whole run (the gradebook locked, the disk full, nbgrader
refusing) raises GradingStopped with one line for the TA; `fatal_message` tells such a run's trouble from one
submission's in nbgrader's log.
"""
from __future__ import annotations

import os
import re
import sqlite3
import sys
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from traitlets.config.loader import PyFileConfigLoader

from aimath.pipeline.plugins.late import TimestampCourseDirectory


CONFIG_FILE = "nbgrader_config.py"


class StepFailed(RuntimeError):
    """An nbgrader step reported failure; the message carries its log."""


class GradingStopped(RuntimeError):
    """A step cannot go on (the gradebook is locked, the disk is full, the environment cannot grade, nbgrader refuses
    a release); the message is one line for the TA or instructor."""


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


def stop_if_fatal(result: dict) -> None:
    """Raise GradingStopped when the log or error of an nbgrader API call (`result`) shows the whole run is in
    trouble (`fatal_message`)."""
    message = fatal_message(f"{result.get('log') or ''}\n{result.get('error') or ''}")
    if message:
        raise GradingStopped(message)


def last_error_line(result: dict) -> str:
    """The exception nbgrader's log names last (not its closing 'see the above traceback'), in one line."""
    lines = [line.strip() for line in f"{result.get('log') or ''}\n{result.get('error') or ''}".splitlines()]
    generic = ("see the above traceback", "see the the above traceback", "There was an error processing")
    useful = [line for line in lines if not any(g in line for g in generic)]
    raised = [line for line in useful if re.match(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:: |$)", line)
              and not line.startswith("Traceback")]  # an exception's line: `[module.]Name: message`
    logged = [line.removeprefix("[ERROR] ") for line in useful if line.startswith("[ERROR]")]
    return ((raised or logged or ["no error text"])[-1])[:160]


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


def use_this_environment() -> None:
    """Put this Python's bin folder first on PATH: nbgrader upgrades the gradebook by running the `alembic`
    executable, and zip_collect runs as `nbgrader`, both beside this Python."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def open_api(*, root: Path) -> NbGraderAPI:
    """An NbGraderAPI on the course folder `root`, configured by its nbgrader_config.py (a missing file configures
    nothing), whose CourseDirectory reads timestamp.txt with plugins/late.read_timestamp. nbgrader opens (or
    creates) the gradebook when a step asks for it, not here."""
    use_this_environment()
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

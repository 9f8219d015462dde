"""Step 2: gather, for each submission, what its autograded folder shows: mistakes, sandbox flags, timing."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import nbformat

from aimath import grading_record
from aimath.pipeline import intake, run_records
from aimath.report.mistakes import diagnosed_mistakes
from aimath.report.records import ClassGrades, Evidence
from aimath.report.timing import execution_seconds

UNREADABLE_AUTOGRADED = "unreadable-autograded"


def read_evidence(folder: Path, *, assignment: str) -> Evidence:
    """The Evidence of one autograded submission folder (empty when the folder does not exist)."""
    if not folder.is_dir():
        return Evidence()
    mistakes, seconds = {}, []
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        mistakes.update(diagnosed_mistakes(notebook, assignment=assignment, notebook_name=path.stem))
        seconds.append(execution_seconds(notebook))
    record = grading_record.read(folder)
    if record.seconds is not None:
        return Evidence(mistakes, record.flags, record.seconds, grading_record.GRADING_JSON, record.attempts)
    if seconds and None not in seconds:
        return Evidence(mistakes, record.flags, sum(seconds), "cell timestamps", record.attempts)
    return Evidence(mistakes, record.flags, sandbox_attempts=record.attempts)


def evidence_or_flag(folder: Path, *, assignment: str) -> Evidence:
    """read_evidence, or, when the folder cannot be read (a notebook nbformat rejects, ...), Evidence flagged
    UNREADABLE_AUTOGRADED: one submission never stops the report."""
    try:
        return read_evidence(folder, assignment=assignment)
    except Exception:  # noqa: BLE001 - whatever the folder holds, the report names it and goes on
        return Evidence(sandbox_flags=(UNREADABLE_AUTOGRADED,))


def gather_evidence(grades: ClassGrades, *, autograded: Path) -> dict[tuple[str, str], Evidence]:
    """Evidence for every submission in the gradebook, by (student, assignment), from the autograded/ folder, and
    for every submission intake.json names (those left out of grading have only that)."""
    problems = intake.read(autograded / run_records.INTAKE_JSON)
    found = {(s, a): evidence_or_flag(autograded / s / a, assignment=a) for s, a in grades.submissions}
    for key, listed in problems.items():
        found[key] = dataclasses.replace(found.get(key, Evidence()), intake=tuple((p.kind, p.message) for p in listed))
    return found

"""The plain data the report is made of: what the gradebook holds and what the autograded folder adds.

Everything here is frozen and free of nbgrader objects, so the analysis and the page are pure functions of it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping


@dataclass(frozen=True)
class Item:
    """One autograded test cell of an assignment (an item, in item analysis), by its label and points."""

    label: str
    max_score: float


@dataclass(frozen=True)
class Assignment:
    """An assignment as the gradebook defines it."""

    name: str
    max_score: float
    duedate: datetime | None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Submission:
    """One student's graded submission of one assignment, as the gradebook scores it.

    `raw_score` is the gradebook's score before the late penalty (nbgrader's `raw_score`), `late_penalty` the points
    nbgrader takes off for lateness; `score` is what the student gets (see its docstring).
    """

    student: str
    assignment: str
    raw_score: float
    max_score: float
    needs_manual_grade: bool
    seconds_late: float
    late_penalty: float
    item_scores: Mapping[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        """The score after the late penalty, never below 0: max(0, raw_score - late_penalty), the `score` of
        nbgrader's CSV export (grades.csv). Every table, figure and total of the report and the summary shows it."""
        return max(0.0, self.raw_score - self.late_penalty)


@dataclass(frozen=True)
class ClassGrades:
    """The whole gradebook: students (sorted), assignments (sorted by name), submissions by (student, assignment)."""

    course: str
    students: tuple[str, ...]
    assignments: tuple[Assignment, ...]
    submissions: Mapping[tuple[str, str], Submission]


@dataclass(frozen=True)
class Evidence:
    """What autograded/<student>/<assignment>/ tells beyond the scores.

    `mistakes`: item label -> the diagnosed mistake tags in its error output. `sandbox_flags`: limits hit or
    tampering attempts the grading sandbox recorded in grading.json, and `sandbox_attempts` what it saw tried. `seconds`: the notebook's grading time, and
    `timing_source` where it came from ("grading.json" or "cell timestamps"). `intake`: (kind, message) of what
    autograde's intake or nbgrader found wrong with the submission (autograded/intake.json).
    """

    mistakes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sandbox_flags: tuple[str, ...] = ()
    seconds: float | None = None
    timing_source: str | None = None
    sandbox_attempts: tuple[str, ...] = ()
    intake: tuple[tuple[str, str], ...] = ()


def item_label(assignment: str, notebook: str, grade_id: str) -> str:
    """A test cell's name in the report: its grade id, prefixed by the notebook when the assignment has several."""
    return grade_id if notebook == assignment else f"{notebook}: {grade_id}"

"""Step 3: the numbers of the report, as pure functions of the gradebook records and the evidence.

Nothing here reads a file or a clock: the same gradebook and autograded folder always give the same numbers.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from aimath.grading_record import UNREADABLE
from aimath.report.records import Assignment, ClassGrades, Evidence, Submission

# What the grading sandbox's flags (aimath/sandbox/execute.py) mean, in a TA's words; others are shown by name.
SANDBOX_FLAG_WORDS = {
    "time-limit": "a cell hit the time limit",
    "wall-limit": "the notebook hit the total grading time limit; later cells were not run",
    "memory-limit": "hit the memory limit",
    "output-limit": "printed more than the output limit",
    "kernel-died": "the kernel stopped (limits or an exit); later cells were not run",
    "forbidden-access": "tried to reach files outside its sandbox (tampering)",
    "agent-misbehaved": "the notebook interfered with the grader's agent (tampering)",
    UNREADABLE: "its grading.json could not be read",
    "unreadable-autograded": "its autograded folder could not be read (look at the notebook)",
}
MISSING, LATE, FORBIDDEN_ACCESS = "missing", "late", "forbidden-access"
MAX_ATTEMPTS_SHOWN = 3


@dataclass(frozen=True)
class ScoreStats:
    """Summary of the scores of one assignment's submissions (None values when nobody submitted)."""

    submitted: int
    mean: float | None
    median: float | None
    lowest: float | None
    highest: float | None


@dataclass(frozen=True)
class ItemResult:
    """Item analysis of one test cell: how many graded submissions passed it, and the mistakes it diagnosed."""

    label: str
    max_score: float
    passed: int
    graded: int
    mistakes: tuple[tuple[str, int], ...]

    @property
    def pass_rate(self) -> float | None:
        """Share of the graded submissions that passed the item, from 0 to 1; None when none was graded."""
        return self.passed / self.graded if self.graded else None


@dataclass(frozen=True)
class Flag:
    """Why a submission needs a TA's look: `kind` is missing, late, or a sandbox flag; `detail` says it in words."""

    student: str
    kind: str
    detail: str


@dataclass(frozen=True)
class Timing:
    """Grading time of one assignment's notebooks (only those whose time was recorded)."""

    timed: int
    total: float
    mean: float | None
    slowest_student: str | None
    slowest_seconds: float | None
    sources: tuple[str, ...]


def graded_assignments(grades: ClassGrades) -> tuple[Assignment, ...]:
    """The assignments with at least one submission in the gradebook (released but uncollected ones are left out)."""
    submitted = {assignment for _, assignment in grades.submissions}
    return tuple(a for a in grades.assignments if a.name in submitted)


def submissions_of(grades: ClassGrades, assignment: str) -> tuple[Submission, ...]:
    """The submissions of one assignment, by student."""
    return tuple(grades.submissions[(s, assignment)] for s in grades.students if (s, assignment) in grades.submissions)


def score_stats(scores: Sequence[float]) -> ScoreStats:
    """Count, mean, median, lowest and highest of a list of scores."""
    if not scores:
        return ScoreStats(0, None, None, None, None)
    return ScoreStats(len(scores), statistics.fmean(scores), statistics.median(scores), min(scores), max(scores))


def count_tags(tag_lists: Iterable[Sequence[str]]) -> tuple[tuple[str, int], ...]:
    """(tag, times diagnosed), most frequent first, ties by tag."""
    counts = Counter(tag for tags in tag_lists for tag in tags)
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def item_analysis(assignment: Assignment, submissions: Sequence[Submission],
                  evidence: Mapping[str, Evidence]) -> tuple[ItemResult, ...]:
    """One ItemResult per test cell, the most failed first (lowest pass rate, then name).

    A test is passed when its score reaches its points; `evidence` is by student.
    """
    results = []
    for item in assignment.items:
        scored = [s for s in submissions if item.label in s.item_scores]
        passed = sum(1 for s in scored if s.item_scores[item.label] >= item.max_score)
        tags = [evidence[s.student].mistakes.get(item.label, ()) for s in scored if s.student in evidence]
        results.append(ItemResult(item.label, item.max_score, passed, len(scored), count_tags(tags)))
    return tuple(sorted(results, key=lambda r: (2.0 if r.pass_rate is None else r.pass_rate, r.label)))


def mistake_table(items: Sequence[ItemResult]) -> tuple[tuple[str, int, tuple[str, ...]], ...]:
    """(tag, times diagnosed, tests that diagnosed it) over an assignment's items, most frequent first."""
    times: Counter = Counter()
    tests: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda i: i.label):
        for tag, count in item.mistakes:
            times[tag] += count
            tests.setdefault(tag, []).append(item.label)
    return tuple((tag, count, tuple(tests[tag])) for tag, count in sorted(times.items(), key=lambda kv: (-kv[1], kv[0])))


def describe_lateness(seconds_late: float, penalty: float) -> str:
    """`2.5 h late` (or minutes, or days), with nbgrader's late penalty when there is one."""
    if seconds_late >= 86400:
        text = f"{seconds_late / 86400:.1f} days late"
    elif seconds_late >= 3600:
        text = f"{seconds_late / 3600:.1f} h late"
    else:
        text = f"{max(seconds_late / 60, 0.1):.1f} min late"
    return text + (f", penalty {penalty:g} points" if penalty else "")


def flags_of(student: str, submission: Submission | None, evidence: Evidence | None) -> tuple[Flag, ...]:
    """The flags of one student's (possibly missing) submission: missing (or why it was not graded), late, what
    intake found, then the sandbox's flags."""
    found = tuple(Flag(student, kind, message) for kind, message in (evidence.intake if evidence else ()))
    if submission is None:
        return found or (Flag(student, MISSING, "no submission"),)
    flags = []
    if submission.seconds_late > 0:
        flags.append(Flag(student, LATE, describe_lateness(submission.seconds_late, submission.late_penalty)))
    flags += found
    for kind in (evidence.sandbox_flags if evidence else ()):
        words = SANDBOX_FLAG_WORDS.get(kind, "flagged by the grading sandbox")
        seen = evidence.sandbox_attempts if kind == FORBIDDEN_ACCESS else ()
        flags.append(Flag(student, kind, words + (f": {'; '.join(seen[:MAX_ATTEMPTS_SHOWN])}" if seen else "")))
    return tuple(flags)


def timing_of(evidence: Mapping[str, Evidence]) -> Timing:
    """Total, mean and slowest grading time of the notebooks whose time was recorded (`evidence` by student)."""
    timed = {student: e.seconds for student, e in evidence.items() if e.seconds is not None}
    sources = tuple(sorted({e.timing_source for e in evidence.values() if e.timing_source}))
    if not timed:
        return Timing(0, 0.0, None, None, None, sources)
    slowest = min(timed, key=lambda student: (-timed[student], student))
    total = sum(timed.values())
    return Timing(len(timed), total, total / len(timed), slowest, timed[slowest], sources)


def student_total(grades: ClassGrades, student: str) -> float:
    """A student's points over every graded assignment (a missing submission counts 0)."""
    return sum(grades.submissions[(student, a.name)].score
               for a in graded_assignments(grades) if (student, a.name) in grades.submissions)


def class_max_total(grades: ClassGrades) -> float:
    """The most points a student can have over every graded assignment."""
    return sum(a.max_score for a in graded_assignments(grades))

"""The TA summary: the class as a text table (`score/max` per student and assignment), then one line per submission
to look at, per sandbox flag and per assignment some students handed nothing in for (`python -m aimath summary`; the
last table `make` prints). The report page shows the same, with more (aimath/report/build.py).
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from nbgrader.api import Gradebook

from aimath import grading_record
from aimath.pipeline import intake
from aimath.pipeline.nbgrader_session import open_api
from aimath.report.analysis import describe_lateness
from aimath.untrusted_text import visible


# Names a missing-work line of the summary lists before "and N more" (the report lists them all).
MISSING_LISTED = 30


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
                                    if any(p.kind != intake.UNKNOWN_FOLDER for p in found)}
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


def sandbox_flags(*, root: Path) -> dict[tuple[str, str], grading_record.GradingRecord]:
    """{(student, assignment): its grading.json record} for every autograded submission the sandbox flagged (or
    whose record cannot be read)."""
    records = {(folder.parent.name, folder.name): grading_record.read(folder)
               for folder in sorted((root / "autograded").glob("*/*")) if folder.is_dir()}
    return {key: record for key, record in records.items() if record.flags}

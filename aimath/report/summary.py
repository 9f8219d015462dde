"""The TA summary: the class as a text table (`score/max` per student and assignment), then one line per submission
to look at, per sandbox flag and per assignment some students handed nothing in for (`python -m aimath summary`; the
last table `make` prints). The report page shows the same, with more (aimath/report/build.py).
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from aimath import grading_record
from aimath.pipeline import intake
from aimath.report.analysis import describe_lateness
from aimath.report.gradebook import read_grades
from aimath.report.records import ClassGrades
from aimath.untrusted_text import visible


# Names a missing-work line of the summary lists before "and N more" (the report lists them all).
MISSING_LISTED = 30


def score_table(grades: ClassGrades) -> dict[str, dict[str, tuple[float, float, bool]]]:
    """{student: {assignment: (score, max_score, needs_manual_grade)}} for every submission of `grades`; the score is
    after the late penalty (records.Submission.score), as in nbgrader's CSV export and the report."""
    table: dict[str, dict[str, tuple[float, float, bool]]] = {}
    for (student, assignment), submission in grades.submissions.items():
        table.setdefault(student, {})[assignment] = (submission.score, submission.max_score,
                                                     submission.needs_manual_grade)
    return table


def scores(*, root: Path) -> dict[str, dict[str, tuple[float, float, bool]]]:
    """`score_table` of the course's gradebook (empty when there is none yet: none is created)."""
    return score_table(read_grades(root=root))


class _Class(NamedTuple):
    """Who and what the summary's lines are about, read once: the gradebook, intake.json and the table."""

    grades: ClassGrades  # the gradebook (report.gradebook.read_grades)
    table: dict  # score_table(grades)
    assignments: list[str]  # the assignments with a submission in the gradebook, sorted
    problems: dict  # intake.load: {(student, assignment): [Problem]}
    students: list[str]  # sorted: the gradebook's roster, the students graded and those intake names
    handed_in: set[str]  # the assignments someone handed in (a folder that names none is not one)


def _the_class(root: Path) -> _Class:
    grades = read_grades(root=root)
    table = score_table(grades)
    assignments = sorted({a for row in table.values() for a in row})
    problems = intake.load(root)
    handed_in = set(assignments) | {a for (_, a), found in problems.items()
                                    if any(p.kind != intake.UNKNOWN_FOLDER for p in found)}
    students = sorted(set(table) | set(grades.students) | {s for s, _ in problems})
    return _Class(grades, table, assignments, problems, students, handed_in)


def summary(*, root: Path) -> str:
    """The class as a text table: one row per student, one column per assignment, `score/max` (after the late
    penalty); then one line per submission to look at (what intake or grading found, late), the sandbox's flags,
    and one line per assignment some students handed in nothing for (`missing_lines`).

    Reads the gradebook and intake.json once each, and only reads: a course with no gradebook yet gets none. A `*`
    marks a submission with answers still to grade by hand (formgrader). Every line is `visible`: what a submission
    chose (names, kernelspecs, error text, the sandbox's audit entries) cannot act on the terminal.
    """
    known = _the_class(root)
    table, assignments = known.table, known.assignments
    attention = attention_lines(known)
    missing = missing_lines(known)
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


def late_of(grades: ClassGrades) -> dict[tuple[str, str], tuple[float, float]]:
    """{(student, assignment): (seconds late, late penalty)} of the late submissions of `grades`."""
    return {key: (s.seconds_late, s.late_penalty) for key, s in grades.submissions.items() if s.seconds_late > 0}


def late_submissions(*, root: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """`late_of` the course's gradebook (empty when there is none yet: none is created)."""
    return late_of(read_grades(root=root))


def attention_lines(known: _Class) -> list[str]:
    """One line per submission a TA should look at: what intake or grading found (including why it was not graded),
    or late. (Work not handed in is `missing_lines`.)"""
    late = late_of(known.grades)
    lines = []
    for student in known.students:
        for assignment in sorted(known.handed_in | {a for s, a in known.problems if s == student}):
            key = (student, assignment)
            lines += [p.line for p in known.problems.get(key, [])]
            if key in late:
                lines.append(f"{student} / {assignment}: late, {describe_lateness(*late[key])}")
    return lines


def missing_work(known: _Class) -> tuple[dict[str, list[str]], int]:
    """({assignment: the students who handed nothing in for it, sorted}, the number of students in the class): for
    each assignment someone handed in, the students of the class (the gradebook's roster, the students graded and
    those intake names) with no submission of it in the gradebook and none that intake or grading left out."""
    missing = {a: [s for s in known.students if a not in known.table.get(s, {}) and (s, a) not in known.problems]
               for a in sorted(known.handed_in)}
    return {a: students for a, students in missing.items() if students}, len(known.students)


def missing_lines(known: _Class) -> list[str]:
    """One line per assignment some students handed nothing in for (`missing_work`), e.g. `mle: no submission from 2
    of 12 students: kim, lee`; past MISSING_LISTED names, `and N more` (the report lists them all)."""
    missing, size = missing_work(known)
    return [f"{assignment}: no submission from {len(students)} of {size} students: "
            f"{intake.listed(students, MISSING_LISTED)}" for assignment, students in missing.items()]


def sandbox_flags(*, root: Path) -> dict[tuple[str, str], grading_record.GradingRecord]:
    """{(student, assignment): its grading.json record} for every autograded submission the sandbox flagged (or
    whose record cannot be read)."""
    records = {(folder.parent.name, folder.name): grading_record.read(folder)
               for folder in sorted((root / "autograded").glob("*/*")) if folder.is_dir()}
    return {key: record for key, record in records.items() if record.flags}

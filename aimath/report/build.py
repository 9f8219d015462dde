"""Step 7: put the report together: gradebook -> evidence -> numbers -> page and CSVs in report/."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import quote

from aimath.pipeline import course
from aimath.report.analysis import (
    Flag, ItemResult, ScoreStats, Timing, class_max_total, flags_of, graded_assignments, item_analysis,
    mistake_table, score_stats, student_total, submissions_of, timing_of)
from aimath.report.evidence import gather_evidence
from aimath.report.gradebook import read_grades
from aimath.report.page import render_page
from aimath.report.plots import data_uri, histogram_png
from aimath.report.records import Assignment, ClassGrades, Evidence, Submission
from aimath.report.wide_csv import WIDE_CSV, write_wide_csv

REPORT_DIR = "report"
INDEX_HTML = "index.html"


@dataclass(frozen=True)
class StudentRow:
    """One student's line in an assignment's section; `submission` None when nothing was handed in."""

    student: str
    submission: Submission | None
    evidence: Evidence
    flags: tuple[Flag, ...]
    feedback: str | None


@dataclass(frozen=True)
class Section:
    """Everything the page shows about one assignment."""

    assignment: Assignment
    stats: ScoreStats
    histogram: str
    items: tuple[ItemResult, ...]
    mistakes: tuple[tuple[str, int, tuple[str, ...]], ...]
    rows: tuple[StudentRow, ...]
    timing: Timing

    @property
    def flags(self) -> tuple[Flag, ...]:
        """Every flag of the assignment, by student."""
        return tuple(flag for row in self.rows for flag in row.flags)

    @property
    def row_of(self) -> dict[str, StudentRow]:
        """The rows by student."""
        return {row.student: row for row in self.rows}


def link(target: Path, *, start: Path) -> str:
    """A relative, URL-quoted href from the folder `start` to `target`."""
    return quote(Path(os.path.relpath(target, start)).as_posix())


def feedback_links(grades: ClassGrades, *, feedback: Path, report_dir: Path) -> dict[tuple[str, str], str]:
    """Relative hrefs to feedback/<student>/<assignment>/<assignment>.html, for each submission that has one."""
    pages = {key: feedback / key[0] / key[1] / f"{key[1]}.html" for key in grades.submissions}
    return {key: link(page, start=report_dir) for key, page in pages.items() if page.is_file()}


def section(assignment: Assignment, grades: ClassGrades, evidence: Mapping[tuple[str, str], Evidence],
            feedback: Mapping[tuple[str, str], str]) -> Section:
    """The Section of one assignment."""
    submissions = submissions_of(grades, assignment.name)
    by_student = {s.student: evidence.get((s.student, assignment.name), Evidence()) for s in submissions}
    rows = []
    for student in grades.students:
        key = (student, assignment.name)
        submission, found = grades.submissions.get(key), evidence.get(key, Evidence())
        rows.append(StudentRow(student, submission, found, flags_of(student, submission, found), feedback.get(key)))
    scores = [s.score for s in submissions]
    items = item_analysis(assignment, submissions, by_student)
    return Section(
        assignment=assignment,
        stats=score_stats(scores),
        histogram=data_uri(histogram_png(scores, assignment.max_score, title=f"{assignment.name}: score distribution")),
        items=items,
        mistakes=mistake_table(items),
        rows=tuple(rows),
        timing=timing_of(by_student),
    )


def page_context(grades: ClassGrades, sections: list[Section], exports: list[tuple[str, str]]) -> dict:
    """The values the page template shows."""
    return dict(
        course=grades.course,
        students=grades.students,
        sections=sections,
        submission_count=len(grades.submissions),
        flagged=sum(1 for s in sections for row in s.rows if row.flags),
        total_seconds=sum(s.timing.total for s in sections) if any(s.timing.timed for s in sections) else None,
        totals={student: student_total(grades, student) for student in grades.students},
        max_total=class_max_total(grades),
        exports=exports,
    )


def build_report(*, root: Path, out: Path | None = None) -> Path:
    """Write index.html, grades_wide.csv and nbgrader's grades.csv into `out` (default root/report); returns the page."""
    coursedir = course.open_api(root=root).coursedir
    report_dir = Path(out or root / REPORT_DIR)
    report_dir.mkdir(parents=True, exist_ok=True)
    grades = read_grades(root=root)
    evidence = gather_evidence(grades, autograded=Path(coursedir.root) / coursedir.autograded_directory)
    # students whose only submissions were left out of grading are not in the gradebook: list them too
    grades = dataclasses.replace(grades, students=tuple(sorted(set(grades.students) | {s for s, _ in evidence})))
    feedback = feedback_links(grades, feedback=Path(coursedir.root) / coursedir.feedback_directory,
                              report_dir=report_dir)
    sections = [section(a, grades, evidence, feedback) for a in graded_assignments(grades)]
    write_wide_csv(grades, report_dir / WIDE_CSV)
    course.export(root=root, to=report_dir / course.GRADES_CSV)
    exports = [(f"{WIDE_CSV} (student × assignment)", WIDE_CSV), (f"{course.GRADES_CSV} (nbgrader's export)", course.GRADES_CSV)]
    page = report_dir / INDEX_HTML
    # names reach the page `visible` already; a stray byte that is not UTF-8 is escaped, never a crash of the report
    page.write_text(render_page(**page_context(grades, sections, exports)), encoding="utf-8", errors="backslashreplace")
    return page

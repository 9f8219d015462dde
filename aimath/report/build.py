"""Step 7: put the report together: gradebook -> evidence -> numbers -> page and CSVs in report/."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import quote

from aimath.pipeline import intake, run_records
from aimath.pipeline.digests import renderer_digest, submission_digest
from aimath.pipeline.export import GRADES_CSV, export
from aimath.pipeline.nbgrader_session import open_api
from aimath.report.analysis import (
    MISSING, Flag, ItemResult, ScoreStats, Timing, class_max_total, flags_of, graded_assignments, item_analysis,
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
        """Every flag of a submission that needs a look (intake, grading, late, the sandbox), by student: work not
        handed in is `missing`."""
        return tuple(flag for row in self.rows for flag in row.flags if flag.kind != MISSING)

    @property
    def missing(self) -> tuple[str, ...]:
        """The students who handed nothing in for the assignment."""
        return tuple(row.student for row in self.rows if any(flag.kind == MISSING for flag in row.flags))

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
        flagged=sum(1 for s in sections for row in s.rows if any(flag.kind != MISSING for flag in row.flags)),
        missing=sum(len(s.missing) for s in sections),
        total_seconds=sum(s.timing.total for s in sections) if any(s.timing.timed for s in sections) else None,
        totals={student: student_total(grades, student) for student in grades.students},
        max_total=class_max_total(grades),
        exports=exports,
    )


def report_inputs(*, root: Path, coursedir) -> str | None:
    """sha256 of everything the report is made from: how it is made (digests.renderer_digest: nbgrader_config.py,
    requirements.txt, the aimath package), the gradebook's file, every autograded submission folder, intake.json, and
    which feedback pages exist. None when the gradebook is not a SQLite file of the course (then it is always built)."""
    db = coursedir.db_url.removeprefix("sqlite:///")
    if db == coursedir.db_url or not Path(db).is_file():
        return None
    autograded = Path(coursedir.root) / coursedir.autograded_directory
    folders = sorted(p for p in autograded.glob("*/*") if p.is_dir())
    pages = sorted((Path(coursedir.root) / coursedir.feedback_directory).glob("*/*/*.html"))
    parts = [renderer_digest(root=root), hashlib.sha256(Path(db).read_bytes()).hexdigest(),
             [[str(f.relative_to(autograded)), submission_digest(f)] for f in folders],
             hashlib.sha256(intake.intake_path(root).read_bytes()).hexdigest() if intake.intake_path(root).is_file()
             else None, [str(page.relative_to(root)) for page in pages]]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def build_report(*, root: Path, out: Path | None = None) -> Path:
    """Write index.html, grades_wide.csv and nbgrader's grades.csv into `out` (default root/report); returns the page.

    Nothing is rebuilt when those files are there and `report_inputs` are those they were built from (recorded in
    autograded/report.json); a file is rewritten only when it changed (the same inputs give the same bytes)."""
    coursedir = open_api(root=root).coursedir
    report_dir = Path(out or root / REPORT_DIR)
    page = report_dir / INDEX_HTML
    record = run_records.record_path(root, run_records.REPORT_JSON)
    inputs = report_inputs(root=root, coursedir=coursedir)
    outputs = (page, report_dir / WIDE_CSV, report_dir / GRADES_CSV)
    key = os.path.relpath(report_dir.resolve(), root.resolve())  # the course folder may be moved or copied
    if inputs is not None and all(p.is_file() for p in outputs) and run_records.read_record(record).get(key) == inputs:
        return page
    report_dir.mkdir(parents=True, exist_ok=True)
    grades = read_grades(root=root)
    evidence = gather_evidence(grades, autograded=Path(coursedir.root) / coursedir.autograded_directory)
    # students whose only submissions were left out of grading are not in the gradebook: list them too
    grades = dataclasses.replace(grades, students=tuple(sorted(set(grades.students) | {s for s, _ in evidence})))
    feedback = feedback_links(grades, feedback=Path(coursedir.root) / coursedir.feedback_directory,
                              report_dir=report_dir)
    sections = [section(a, grades, evidence, feedback) for a in graded_assignments(grades)]
    write_wide_csv(grades, report_dir / WIDE_CSV)
    export(root=root, to=report_dir / GRADES_CSV)
    exports = [(f"{WIDE_CSV} (student × assignment)", WIDE_CSV), (f"{GRADES_CSV} (nbgrader's export)", GRADES_CSV)]
    # names reach the page `visible` already; a stray byte that is not UTF-8 is escaped, never a crash of the report
    run_records.write_if_changed(page, render_page(**page_context(grades, sections, exports)).encode(
        "utf-8", errors="backslashreplace"))
    if inputs is not None:
        run_records.update_record(record, {key: inputs})
    return page

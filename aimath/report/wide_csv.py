"""Step 5: the wide grade table, one row per student and one column per assignment, for a spreadsheet or an LMS.

nbgrader's own long export (one row per student and assignment) is aimath/pipeline/export.py (grades.csv). Text cells go
through `untrusted_text.spreadsheet_cell`: a student id such as `=2+5` is written `'=2+5`, never as a formula.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from aimath.pipeline.run_records import write_if_changed
from aimath.report.analysis import graded_assignments, student_total
from aimath.report.records import ClassGrades
from aimath.untrusted_text import spreadsheet_cell

WIDE_CSV = "grades_wide.csv"


def points(value: float) -> str:
    """Points as a spreadsheet reads them: 12, 12.5 (no trailing .0)."""
    return f"{value:g}"


def wide_rows(grades: ClassGrades) -> list[list[str]]:
    """Header `student_id, <assignment>..., total`, then one row per student; a missing submission is left empty.
    Text cells are protected from spreadsheet formulas (spreadsheet_cell)."""
    assignments = [a.name for a in graded_assignments(grades)]
    rows = [["student_id", *map(spreadsheet_cell, assignments), "total"]]
    for student in grades.students:
        cells = [grades.submissions.get((student, a)) for a in assignments]
        rows.append([spreadsheet_cell(student), *("" if s is None else points(s.score) for s in cells),
                     points(student_total(grades, student))])
    return rows


def write_wide_csv(grades: ClassGrades, path: Path) -> Path:
    """Write the wide table to `path` (UTF-8, comma separated) when it changed; returns the path."""
    text = io.StringIO(newline="")
    csv.writer(text).writerows(wide_rows(grades))
    write_if_changed(path, text.getvalue().encode("utf-8"))
    return path

"""Missing work is one line per assignment, in the summary and the report, and "flagged" is kept for submissions
that need a look (issue 21).

A class built straight into nbgrader's gradebook (no notebook is graded): three assignments, eight students of whom
several hand in nothing for several assignments; one submission is late and one was left out of grading by intake, so
both need a look; one student on the roster, who handed in nothing at all, has a name made to act on a terminal and a
page.
"""
import re
import shutil
from datetime import datetime, timedelta

import pytest
from nbgrader.api import Gradebook

from aimath.pipeline import intake, nbgrader_session
from aimath.report import summary as ta_summary
from aimath.report.build import INDEX_HTML, build_report
from tests.test_pipeline import ROOT

ASSIGNMENTS = ("hw1", "hw2", "hw3")
DUE = datetime(2026, 11, 1, 12, 0)
HOSTILE = "<i>zed\x1b[2J"  # a roster name with markup and a terminal escape
HANDED_IN = {"ann": ASSIGNMENTS, "bob": ("hw1",), "cy": ("hw1", "hw2"), "eve": ("hw1", "hw3"), "fay": ASSIGNMENTS}
ON_ROSTER_ONLY = ("dee", HOSTILE)
LATE = ("fay", "hw2")
LEFT_OUT = intake.Problem("gus", "hw3", "not-json", "hw3.ipynb is not valid JSON; not graded", False)
# {assignment: the students who handed nothing in for it}, in the order the lines list them
MISSING = {"hw1": [HOSTILE, "dee", "gus"], "hw2": [HOSTILE, "bob", "dee", "eve", "gus"], "hw3": [HOSTILE, "bob", "cy",
                                                                                                 "dee"]}
STUDENTS = 8


@pytest.fixture(scope="module")
def absent_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("missing")
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for assignment in ASSIGNMENTS:
            gradebook.add_assignment(assignment, duedate=DUE)
            gradebook.add_notebook(assignment, assignment)
            gradebook.add_grade_cell("test_it", assignment, assignment, max_score=2, cell_type="code")
        for student in ON_ROSTER_ONLY:
            gradebook.add_student(student)
        for student, handed_in in HANDED_IN.items():
            gradebook.add_student(student)
            for assignment in handed_in:
                late = (student, assignment) == LATE
                submission = gradebook.add_submission(assignment, student,
                                                      timestamp=DUE + timedelta(hours=5 if late else -1))
                submission.notebooks[0].grades[0].auto_score = 2.0
                submission.notebooks[0].grades[0].needs_manual_grade = False
        gradebook.db.commit()
    intake.add(root, [LEFT_OUT])
    return root


def test_the_summary_lists_missing_work_once_per_assignment(absent_class):
    summary = ta_summary.summary(root=absent_class)
    lines = [line.strip() for line in summary.splitlines()]
    shown = {name: intake.listed([name]) for names in MISSING.values() for name in names}
    missing = [line for line in lines if "no submission" in line]
    assert missing == [f"{a}: no submission from {len(names)} of {STUDENTS} students: "
                       f"{', '.join(shown[n] for n in names)}" for a, names in MISSING.items()]
    assert lines[lines.index(missing[0]) - 1] == "Missing work (one line per assignment):"
    assert "\x1b" not in summary and "<i>zed\\x1b[2J" in summary


def test_the_summary_still_gives_each_submission_to_look_at_its_own_line(absent_class):
    lines = [line.strip() for line in ta_summary.summary(root=absent_class).splitlines()]
    start = lines.index("Submissions to look at (one line each):")
    assert lines[start + 1:start + 3] == ["fay / hw2: late, 5.0 h late", LEFT_OUT.line]
    assert lines[start + 3] == ""


def test_a_long_missing_list_stops_after_its_limit(absent_class, monkeypatch):
    monkeypatch.setattr(ta_summary, "MISSING_LISTED", 2)
    lines = ta_summary.summary(root=absent_class).splitlines()
    assert "  hw2: no submission from 5 of 8 students: <i>zed\\x1b[2J, bob and 3 more" in lines


def test_the_report_counts_and_lists_missing_work_apart_from_flagged_submissions(absent_class):
    html = (build_report(root=absent_class)).read_text()
    assert re.search(r'<dt>Flagged submissions</dt><dd data-key="flagged">2</dd>', html)
    assert re.search(rf'<dt>Missing submissions</dt><dd data-key="missing">'
                     rf'{sum(map(len, MISSING.values()))}</dd>', html)
    for assignment, names in MISSING.items():
        section = html.split(f'<section id="assignment-{assignment}"')[1].split("</section>")[0]
        [line] = re.findall(r'<p class="missing-work" data-key="missing-work">(.*?)</p>', section)
        assert line.endswith(f"no submission from {len(names)} of {STUDENTS} students: "
                             f"{', '.join(names)}".replace("<", "&lt;").replace(">", "&gt;")), line
        flagged = re.findall(r'<tr data-student="([^"]*)" data-flag="([\w-]+)">', section)
        assert flagged == {"hw2": [("fay", "late")], "hw3": [("gus", "not-json")]}.get(assignment, []), assignment
    assert "<i>zed" not in html

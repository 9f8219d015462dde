"""An LMS download collected with nbgrader's zip_collect (Canvas file names), then graded with the late penalty:
the late submission gets nbgrader's late penalty (10% per started day) in the gradebook, and its score after the penalty (as in nbgrader's CSV export) in the summary and is listed as late; the zip's files arrive
byte for byte; a file whose name does not match is skipped, not guessed.
"""
import zipfile
from datetime import datetime, timedelta

import nbformat
import pytest
from nbgrader.api import Gradebook

from aimath.pipeline import course
from aimath.pipeline.late import PercentPerDayLate
from tests.test_faults import ASSIGNMENT, NOTEBOOK, new_course, solved_notebook

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("collect_late")]

DUE = datetime(2026, 11, 1, 12, 0, 0)
LATE_BY = timedelta(days=1, hours=3)  # two started days: 20% off


def test_the_penalty_is_ten_percent_per_started_day_at_most_the_score():
    plugin = PercentPerDayLate()
    assert plugin.late_submission_penalty("s", 20.0, 0) == 0
    assert plugin.late_submission_penalty("s", 20.0, 60) == pytest.approx(2.0)
    assert plugin.late_submission_penalty("s", 20.0, 86400 + 1) == pytest.approx(4.0)
    assert plugin.late_submission_penalty("s", 20.0, 30 * 86400) == 20.0


def test_a_canvas_zip_is_collected_and_a_late_submission_is_penalised(tmp_path, monkeypatch):
    monkeypatch.setenv("AIMATH_SANDBOX", "off")
    root = new_course(tmp_path / "course")
    data = nbformat.writes(solved_notebook(root)).encode()
    download = tmp_path / "submissions.zip"
    with zipfile.ZipFile(download, "w") as z:
        z.writestr(f"smithjohn_12345_67890_{NOTEBOOK}", data)
        z.writestr(f"doejane_late_22222_33333_{ASSIGNMENT}-1.ipynb", data)  # Canvas: late, resubmitted
        z.writestr("README from the LMS.ipynb", data)  # matches no student: skipped
    log = course.collect(root=root, archive=download)
    assert "Skipped submission with no match" in log
    assert sorted(p.name for p in (root / "submitted").iterdir()) == ["doejane", "smithjohn"]
    for student in ("doejane", "smithjohn"):
        assert (root / "submitted" / student / ASSIGNMENT / NOTEBOOK).read_bytes() == data

    api = course.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    (root / "submitted" / "doejane" / ASSIGNMENT / "timestamp.txt").write_text(f"{DUE + LATE_BY} UTC")
    (root / "submitted" / "smithjohn" / ASSIGNMENT / "timestamp.txt").write_text(f"{DUE - timedelta(hours=1)} UTC")
    course.autograde(root=root, workers=2)

    table = course.scores(root=root)
    full = table["smithjohn"][ASSIGNMENT][0]
    assert full == table["smithjohn"][ASSIGNMENT][1] > 0
    assert table["doejane"][ASSIGNMENT][0] == pytest.approx(full * 0.8)
    late = course.late_submissions(root=root)
    assert set(late) == {("doejane", ASSIGNMENT)}
    assert late[("doejane", ASSIGNMENT)] == (LATE_BY.total_seconds(), pytest.approx(full * 0.2))
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:  # nbgrader keeps the raw score
        assert gradebook.find_submission(ASSIGNMENT, "doejane").score == full
    lines = [line.strip() for line in course.summary(root=root).splitlines() if "late" in line]
    assert lines == [f"doejane / {ASSIGNMENT}: late, 1.1 days late, penalty {full * 0.2:g} points"]

"""An LMS download collected with nbgrader's zip_collect (Canvas file names): the zip's notebooks arrive byte for
byte under the student's name, a file whose name does not match is skipped, not guessed. The late penalty plugin's
rule; a late submission graded with it is in tests/test_faults.py.
"""
import shutil
import zipfile

import nbformat
import pytest

from aimath.pipeline import course
from aimath.pipeline.late import PercentPerDayLate
from tests.test_faults import ASSIGNMENT, NOTEBOOK
from tests.test_pipeline import ROOT

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("collect_late")]


def test_the_penalty_is_ten_percent_per_started_day_at_most_the_score():
    plugin = PercentPerDayLate()
    assert plugin.late_submission_penalty("s", 20.0, 0) == 0
    assert plugin.late_submission_penalty("s", 20.0, 60) == pytest.approx(2.0)
    assert plugin.late_submission_penalty("s", 20.0, 86400 + 1) == pytest.approx(4.0)
    assert plugin.late_submission_penalty("s", 20.0, 30 * 86400) == 20.0


def test_a_canvas_zip_is_collected_by_student_name(tmp_path):
    root = tmp_path / "course"  # zip_collect needs the config and the assignment's name, not a release
    shutil.copytree(ROOT / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copy(ROOT / course.CONFIG_FILE, root)
    data = nbformat.writes(nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)).encode()
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

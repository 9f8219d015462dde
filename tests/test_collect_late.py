"""An LMS download collected with nbgrader's zip_collect (Canvas file names): the zip's notebooks arrive byte for
byte under the student's name, a file whose name does not match is skipped, not guessed, of a student's several
uploads the latest is taken, and a collect that stops leaves nothing half-done. The late penalty plugin's rule, and
timestamp.txt's offsets read right by the pipeline's nbgrader (a late submission graded with it is also in
tests/test_faults.py; the table of forms in tests/test_timestamps.py).
"""
import shutil
import subprocess
import zipfile

import nbformat
import pytest
from nbgrader.api import Gradebook

from aimath.pipeline import autograde, collect, nbgrader_session
from aimath.report import summary
from aimath.pipeline.plugins.late import PercentPerDayLate, read_timestamp
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
    root = tmp_path / "course"  # zip_collect needs the config, the assignment's name and its release
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder / ASSIGNMENT, root / folder / ASSIGNMENT)
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    data = nbformat.writes(nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)).encode()
    download = tmp_path / "submissions.zip"
    with zipfile.ZipFile(download, "w") as z:
        z.writestr(f"smithjohn_12345_67890_{NOTEBOOK}", data)
        z.writestr(f"doejane_late_22222_33333_{ASSIGNMENT}-1.ipynb", data)  # Canvas: late, resubmitted
        z.writestr("README from the LMS.ipynb", data)  # matches no student: skipped
    collected = collect.collect(root=root, archive=download)
    assert collected.lines == ["Skipped README from the LMS.ipynb: its name does not match "
                               "FileNameCollectorPlugin.named_regexp (nbgrader_config.py)"]
    assert collected.summary.startswith(f"collected 2 submissions of {ASSIGNMENT} into submitted/")
    assert sorted(p.name for p in (root / "submitted").iterdir()) == ["doejane", "smithjohn"]
    for student in ("doejane", "smithjohn"):
        assert (root / "submitted" / student / ASSIGNMENT / NOTEBOOK).read_bytes() == data


def zip_course(tmp_path):
    """(root, release notebook's bytes) of a course zip_collect can collect basic_math into (config, source and
    release)."""
    root = tmp_path / "course"
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder / ASSIGNMENT, root / folder / ASSIGNMENT)
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    return root, nbformat.writes(nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)).encode()


def download(tmp_path, files: dict[str, bytes]):
    path = tmp_path / "submissions.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def test_a_double_upload_takes_the_latest_attempt_and_the_others_are_collected(tmp_path):
    """Case 8: Canvas's later submission id (and -1 suffix) is the attempt collected; one line names the other."""
    root, data = zip_course(tmp_path)
    first, latest = data, data.replace(b"YOUR CODE HERE", b"YOUR CODE HERE (second try)")
    collected = collect.collect(root=root, archive=download(tmp_path, {
        f"smithjohn_12345_67890_{NOTEBOOK}": first,
        f"smithjohn_12345_67899_{ASSIGNMENT}-1.ipynb": latest,
        f"doejane_22222_33333_{NOTEBOOK}": data}))
    assert collected.lines == [f"Skipped smithjohn_12345_67890_{NOTEBOOK}: an earlier attempt of smithjohn's "
                               f"{ASSIGNMENT} (the latest, smithjohn_12345_67899_{ASSIGNMENT}-1.ipynb, is collected)"]
    assert (root / "submitted" / "smithjohn" / ASSIGNMENT / NOTEBOOK).read_bytes() == latest
    assert (root / "submitted" / "doejane" / ASSIGNMENT / NOTEBOOK).read_bytes() == data


def test_uploads_nothing_orders_are_skipped_with_one_line_naming_the_student(tmp_path):
    root, data = zip_course(tmp_path)
    collected = collect.collect(root=root, archive=download(tmp_path, {
        f"a/smithjohn_12345_67890_{NOTEBOOK}": data, f"b/smithjohn_12345_67890_{NOTEBOOK}": data + b" ",
        f"doejane_22222_33333_{NOTEBOOK}": data}))
    assert len(collected.lines) == 1 and collected.lines[0].startswith(
        f"Skipped smithjohn's 2 uploads of {ASSIGNMENT} (smithjohn_12345_67890_{NOTEBOOK}, "
        f"smithjohn_12345_67890_{NOTEBOOK}): nothing in their names says which is the latest")
    assert sorted(p.name for p in (root / "submitted").iterdir()) == ["doejane"]


def test_a_student_already_collected_does_not_stop_the_others_and_a_rerun_is_clean(tmp_path):
    """Case 8: nothing half-done blocks a rerun; a student whose folder holds another submission keeps it."""
    root, data = zip_course(tmp_path)
    kept = root / "submitted" / "bbb" / ASSIGNMENT / NOTEBOOK
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"{}")
    archive = download(tmp_path, {f"{s}_1_{i}_{NOTEBOOK}": data for i, s in enumerate(["aaa", "bbb", "ccc"])})
    for run in range(2):
        collected = collect.collect(root=root, archive=archive)
        assert collected.lines == [f"bbb: submitted/bbb/{ASSIGNMENT}/ already holds another submission, kept; to "
                                   f"take the download's, move that folder away and rerun `make collect`"]
        assert collected.summary.startswith(f"collected {2 - 2 * run} submissions of {ASSIGNMENT} into submitted/"
                                            + (" (2 already there)" if run else ""))
        assert kept.read_bytes() == b"{}"
        for student in ("aaa", "ccc"):
            assert (root / "submitted" / student / ASSIGNMENT / NOTEBOOK).read_bytes() == data
    assert not (root / "downloaded" / ASSIGNMENT / "collected").exists()


def test_a_failed_zip_collect_puts_nothing_in_submitted(tmp_path):
    root, data = zip_course(tmp_path)
    with open(root / nbgrader_session.CONFIG_FILE, "a") as config:  # a regexp without the file_id nbgrader needs
        config.write('\nc.FileNameCollectorPlugin.named_regexp = r".*/(?P<student_id>[^/_]+)_.*"\n')
    with pytest.raises(nbgrader_session.GradingStopped, match="nothing was collected into submitted/"):
        collect.collect(root=root, archive=download(tmp_path, {f"aaa_1_2_{NOTEBOOK}": data}))
    assert not (root / "submitted").exists()


def test_the_downloads_folder_is_ignored_by_git_and_removed_by_make_clean():
    ignored = subprocess.run(["git", "check-ignore", "-q", "downloaded/basic_math/archive/x.zip"], cwd=ROOT)
    assert ignored.returncode == 0
    clean = (ROOT / "Makefile").read_text().split("\nclean:", 1)[1].splitlines()[1]
    assert "downloaded" in clean.split()


# ------------------------------------------------------------------ case 7: timestamps, end to end

DUE = "2026-12-01 23:59:00 UTC"
STAMPS = {"ontime": "2026-12-02 00:30:00 +0100",  # 23:30 UTC: on time
          "late": "2026-12-02 01:30:00 +01:00",  # 00:30 UTC: 31 minutes late, 10% off
          "seoul": "2026-12-02 08:30:00 KST"}  # refused: not one zone for sure


@pytest.fixture(scope="module")
def stamped(tmp_path_factory):
    """A basic_math course due DUE, graded with three solved submissions and their timestamp.txt (STAMPS)."""
    from tests.test_faults import new_course, put, solved_notebook
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIMATH_SANDBOX", "off")
        root = new_course(tmp_path_factory.mktemp("stamps") / "course")
        api = nbgrader_session.open_api(root=root)
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            gradebook.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
        for student, stamp in STAMPS.items():
            put(root, student, nb=solved_notebook(root)).with_name("timestamp.txt").write_text(stamp)
        autograde.autograde(root=root, workers=1)
    return root


def test_offsets_in_timestamp_txt_are_read_right_by_the_pipelines_nbgrader(stamped):
    """Case 7: '+0100' is 23:30 UTC, on time; '+01:00' 31 minutes late; intake's reading is nbgrader's."""
    from tests.test_faults import FULL
    api = nbgrader_session.open_api(root=stamped)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for student in ("ontime", "late"):
            assert gradebook.find_submission(ASSIGNMENT, student).timestamp == read_timestamp(STAMPS[student])
    assert summary.late_submissions(root=stamped) == {("late", ASSIGNMENT): (31 * 60, pytest.approx(FULL * 0.1))}
    assert summary.scores(root=stamped)["ontime"][ASSIGNMENT][0] == FULL


def test_a_timestamp_that_names_no_zone_for_sure_is_refused_with_one_line(stamped):
    lines = [line.strip() for line in summary.summary(root=stamped).splitlines() if line.strip().startswith("seoul /")]
    assert len(lines) == 1 and lines[0].startswith(
        f"seoul / {ASSIGNMENT}: timestamp.txt holds '{STAMPS['seoul']}': 'KST' is not one time zone for sure")
    assert "seoul" not in summary.scores(root=stamped)


def test_a_due_date_changed_after_grading_regrades_the_late_penalties(stamped, tmp_path, monkeypatch):
    """The penalty nbgrader stored was computed with the old due date: the submissions are graded again."""
    root = tmp_path / "course"
    shutil.copytree(stamped, root)
    monkeypatch.setenv("AIMATH_SANDBOX", "off")
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate="2026-12-01 23:00:00 UTC")
    autograde.autograde(root=root, workers=1)
    assert set(summary.late_submissions(root=root)) == {("ontime", ASSIGNMENT), ("late", ASSIGNMENT)}

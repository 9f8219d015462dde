"""grading.json (aimath/grading_record.py): what the sandbox writes reads back the same, the resumable run's stamp
comes and goes without touching the sandbox's entries, and a record cut short by a kill, or any JSON at all, reads
as "not recorded" without an exception."""
import json
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from aimath import grading_record
from aimath.grading_record import GRADING_JSON, UNREADABLE, GradingRecord, NotebookRun

FIRST = NotebookRun(("time-limit", "forbidden-access"), ("open /course/gradebook.db",), 1.25, 1.0,
                    (("test_mean", 0.5), ("cell 3", 0.25)))
SECOND = NotebookRun(("output-limit",), (), 0.5, 0.375, (("test_other", 0.125),))


def _graded(folder):
    grading_record.add_notebook(folder, "first", FIRST)
    grading_record.add_notebook(folder, "second", SECOND)
    return grading_record.read(folder)


def test_the_sandboxs_entries_read_back_with_the_totals_made_from_them(tmp_path):
    record = _graded(tmp_path)
    assert record.notebooks == {"first": FIRST, "second": SECOND}
    assert record.flags == ("forbidden-access", "output-limit", "time-limit") and record.seconds == 1.75
    assert record.attempts == ("open /course/gradebook.db",) and record.readable
    assert (record.submission_digest, record.assignment_digest) == (None, None)


def test_a_stamp_comes_and_goes_and_leaves_the_entries_alone(tmp_path):
    graded = _graded(tmp_path)
    grading_record.stamp(tmp_path, submission_digest="s" * 64, assignment_digest="a" * 64)
    stamped = grading_record.read(tmp_path)
    assert (stamped.submission_digest, stamped.assignment_digest) == ("s" * 64, "a" * 64)
    assert stamped.notebooks == graded.notebooks and stamped.flags == graded.flags
    grading_record.unstamp(tmp_path)
    unstamped = grading_record.read(tmp_path)
    assert (unstamped.submission_digest, unstamped.assignment_digest) == (None, "a" * 64)
    grading_record.stamp(tmp_path, submission_digest="t" * 64, assignment_digest="b" * 64)
    grading_record.add_notebook(tmp_path, "first", FIRST)  # graded again: the stamp no longer holds
    assert grading_record.read(tmp_path).submission_digest is None
    assert sorted(os.listdir(tmp_path)) == [GRADING_JSON]  # nothing left beside it


def test_without_the_sandbox_the_record_holds_the_stamp_alone(tmp_path):
    grading_record.stamp(tmp_path, submission_digest="s" * 64, assignment_digest=None)
    record = grading_record.read(tmp_path)
    assert record == GradingRecord(submission_digest="s" * 64)
    grading_record.stamp(tmp_path / "absent", submission_digest="s" * 64, assignment_digest=None)
    assert not (tmp_path / "absent").exists()


def test_a_record_nbgrader_left_read_only_is_stamped(tmp_path):
    _graded(tmp_path)
    (tmp_path / GRADING_JSON).chmod(0o444)
    grading_record.stamp(tmp_path, submission_digest="s" * 64, assignment_digest=None)
    assert grading_record.read(tmp_path).submission_digest == "s" * 64


def test_a_record_cut_short_by_a_kill_reads_as_not_recorded(tmp_path):
    _graded(tmp_path)
    grading_record.stamp(tmp_path, submission_digest="s" * 64, assignment_digest="a" * 64)
    whole = (tmp_path / GRADING_JSON).read_bytes()
    for size in range(len(whole)):
        (tmp_path / GRADING_JSON).write_bytes(whole[:size])
        record = grading_record.read(tmp_path)
        assert not record.readable and record.flags == (UNREADABLE,), size
        assert record.submission_digest is None and record.notebooks == {}, size
        grading_record.unstamp(tmp_path)  # left as it is
        assert (tmp_path / GRADING_JSON).read_bytes() == whole[:size]
    grading_record.stamp(tmp_path, submission_digest="s" * 64, assignment_digest=None)  # started afresh
    assert grading_record.read(tmp_path) == GradingRecord(submission_digest="s" * 64)


def test_no_file_is_an_empty_record_and_an_oversized_one_is_unreadable(tmp_path):
    assert grading_record.read(tmp_path) == GradingRecord()
    (tmp_path / GRADING_JSON).mkdir()
    assert grading_record.read(tmp_path) == GradingRecord()
    (tmp_path / GRADING_JSON).rmdir()
    (tmp_path / GRADING_JSON).write_text(json.dumps({"flags": ["x" * grading_record.MAX_BYTES]}))
    assert grading_record.read(tmp_path).flags == (UNREADABLE,)
    (tmp_path / GRADING_JSON).write_bytes(b'{"flags": ["\xff"]}')
    assert grading_record.read(tmp_path).flags == (UNREADABLE,)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4),
                    max_leaves=30)
FIELDS = st.fixed_dictionaries({}, optional={
    "flags": JSON | st.lists(st.text()), "seconds": JSON, "submission_sha256": JSON, "assignment_sha256": JSON,
    "notebooks": JSON | st.dictionaries(st.text(max_size=20), JSON | st.fixed_dictionaries({}, optional={
        key: JSON | st.lists(st.text()) for key in ("flags", "attempts", "seconds", "cell_seconds", "slowest_cells")}),
                                        max_size=3)})


@settings(max_examples=300, deadline=None)
@given(value=JSON | FIELDS)
def test_any_json_reads_as_a_record_of_printable_text_without_an_exception(value):
    record = grading_record.parse(json.dumps(value))
    texts = [*record.flags, *record.attempts,
             *(cell for run in record.notebooks.values() for cell, _ in run.slowest_cells),
             *(f for run in record.notebooks.values() for f in run.flags)]
    assert all(isinstance(t, str) and t.isprintable() for t in texts)
    assert all(isinstance(d, str) or d is None for d in (record.submission_digest, record.assignment_digest))
    assert record.seconds is None or isinstance(record.seconds, float)
    assert record.readable or (record.flags == (UNREADABLE,) and record.submission_digest is None)
    # what it reads, it writes back as it read it
    assert grading_record.parse(json.dumps(grading_record.to_json(record))) == record or not record.readable

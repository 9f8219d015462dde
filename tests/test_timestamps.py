"""timestamp.txt forms: each one intake accepts is read as the moment it names, the rest are refused with one line.

nbgrader 0.9.6's own reader (`nbgrader.utils.parse_utc`) is shown misreading some of them, which is why the pipeline's
nbgrader reads timestamp.txt with `late.read_timestamp` (its end-to-end test, with a due date and nbgrader's
penalty, is in tests/test_lifecycle.py).
"""
from datetime import datetime, timedelta

import pytest
from hypothesis import given, strategies as st
from nbgrader.utils import parse_utc

from aimath.pipeline import intake
from aimath.pipeline.plugins.late import TimestampCourseDirectory, TimestampError, read_timestamp

ON_TIME = datetime(2026, 12, 1, 23, 30)  # UTC; the issue's due date is 2026-12-01 23:59:00 UTC

# form -> the moment (UTC) it names; every one of these is 23:30 UTC on 1 December 2026
READ = {
    "2026-12-01 23:30:00 UTC": ON_TIME,
    "2026-12-01 23:30:00 utc": ON_TIME,
    "2026-12-01 23:30:00 GMT": ON_TIME,
    "2026-12-01 23:30:00": ON_TIME,  # no zone: UTC, as nbgrader reads it and its zip_collect writes it
    "2026-12-01 23:30:00Z": ON_TIME,
    "2026-12-01T23:30:00Z": ON_TIME,
    "2026-12-01T23:30:00.000Z": ON_TIME,
    "2026-12-02 00:30:00 +0100": ON_TIME,
    "2026-12-02 00:30:00 +01:00": ON_TIME,
    "2026-12-02 00:30:00 +01": ON_TIME,
    "2026-12-02T00:30:00+01:00": ON_TIME,
    "2026-12-02T00:30:00 +0100": ON_TIME,
    "2026-12-01 18:00:00 -0530": ON_TIME,
    "2026-12-01 18:00:00 -05:30": ON_TIME,
    "2026-12-02 08:30:00 +0900": ON_TIME,
    "2026-12-02 00:30 +0100": ON_TIME,
    "2026-12-02 00:30:00 Europe/Paris": ON_TIME,  # CET in December
    "2026-12-02 08:30:00 Asia/Seoul": ON_TIME,
    "2026-12-01 18:30:00 America/New_York": ON_TIME,
    "2026-12-02 00:30:00.250000 +0100": ON_TIME + timedelta(microseconds=250000),
    "2026-12-02 00:30:00.5 +01:00": ON_TIME + timedelta(microseconds=500000),
    "2026-12-01 23:30:00.123456 UTC": ON_TIME + timedelta(microseconds=123456),  # nbgrader collect's own form
    "  2026-12-01 23:30:00 UTC\n": ON_TIME,
}
# form -> what the refusal says
REFUSED = {
    "2026-12-02 08:30:00 KST": "'KST' is not one time zone for sure",
    "2026-12-02 00:30:00 CET": "'CET' is not one time zone for sure",
    "2026-12-01 18:30:00 EST": "'EST' is not one time zone for sure",  # US Eastern, or Australian Eastern
    "2026-12-02 05:00:00 IST": "'IST' is not one time zone for sure",  # India, Israel or Ireland
    "2026-12-02 00:30:00 UTC+1": "'UTC+1' is not one time zone for sure",  # POSIX reads it as UTC-1
    "2026-12-02 00:30:00 Mars/Olympus": "'Mars/Olympus' is not a time zone name",
    "2026-12-02 00:30:00 +25:00": "'+25:00' is not a UTC offset",
    "2026-03-29 02:30:00 Europe/Paris": "is ambiguous or skipped that day",  # clocks jump 02:00 -> 03:00
    "2026-10-25 02:30:00 Europe/Paris": "is ambiguous or skipped that day",  # 02:00-03:00 happens twice
    "yesterday-ish": "it is not a date and time",
    "2026-12-01": "it is not a date and time",
    "01/12/2026 23:30": "it is not a date and time",
    "2026-13-01 23:30:00 UTC": "it is not a date and time",
    "2026-12-01 23:30:00 " + "x/" * 10**5: "it is not a date and time",  # refused unread
    "2026-12-02 00:30:00 Europe/../../etc/passwd": "is not a time zone name",
}


@pytest.mark.parametrize("form", sorted(READ))
def test_every_accepted_form_is_read_as_the_moment_it_names(form):
    assert read_timestamp(form) == READ[form]
    assert intake.timestamp_finding(form) is None


@pytest.mark.parametrize("form", sorted(REFUSED), ids=lambda form: form[:48])
def test_a_form_that_cannot_be_read_for_sure_is_refused_with_one_line(form):
    with pytest.raises(TimestampError, match=REFUSED[form].replace("+", r"\+").replace("(", r"\(")):
        read_timestamp(form)
    finding = intake.timestamp_finding(form)
    assert finding is not None and not finding.graded and finding.kind == "bad-timestamp"
    assert "\n" not in finding.message and form.strip()[:40] in finding.message


def test_nbgrader_alone_misreads_the_forms_of_the_issue():
    """Why the pipeline reads timestamp.txt itself: nbgrader 0.9.6 takes '+0100' as 100 seconds, drops '+01:00'
    and an abbreviation it does not know; read_timestamp reads all three as 23:30 UTC (or refuses KST)."""
    assert parse_utc("2026-12-02 00:30:00 +0100") == datetime(2026, 12, 2, 0, 28, 20)
    assert parse_utc("2026-12-02 00:30:00 +01:00") != ON_TIME
    assert parse_utc("2026-12-02 08:30:00 KST") == datetime(2026, 12, 2, 8, 30)


def test_the_pipelines_nbgrader_reads_timestamp_txt_as_intake_does(tmp_path):
    coursedir = TimestampCourseDirectory(root=str(tmp_path))
    assert coursedir.get_existing_timestamp(str(tmp_path)) is None  # no timestamp.txt
    (tmp_path / "timestamp.txt").write_text("")
    assert coursedir.get_existing_timestamp(str(tmp_path)) is None  # empty: ignored, as nbgrader does
    for form, moment in READ.items():
        (tmp_path / "timestamp.txt").write_text(form)
        assert coursedir.get_existing_timestamp(str(tmp_path)) == moment, form
    (tmp_path / "timestamp.txt").write_text("2026-12-02 08:30:00 KST")
    with pytest.raises(ValueError):
        coursedir.get_existing_timestamp(str(tmp_path))


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)),
       st.integers(min_value=-14 * 60, max_value=14 * 60), st.sampled_from([" ", "", "T"]),
       st.sampled_from(["{sign}{h:02d}{m:02d}", "{sign}{h:02d}:{m:02d}"]))
def test_any_offset_form_is_read_as_the_utc_moment(moment, offset_minutes, gap, pattern):
    """A UTC moment written as local time with any offset, in either offset form, reads back as that moment."""
    local = moment + timedelta(minutes=offset_minutes)
    sign, size = ("-", -offset_minutes) if offset_minutes < 0 else ("+", offset_minutes)
    zone = pattern.format(sign=sign, h=size // 60, m=size % 60)
    text = local.strftime("%Y-%m-%d") + ("T" if gap == "T" else " ") + local.strftime("%H:%M:%S.%f") + \
        (" " if gap == " " else "") + zone
    assert read_timestamp(text) == moment

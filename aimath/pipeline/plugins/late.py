"""Late submissions: the course's penalty (an nbgrader late-submission plugin) and how a timestamp.txt is read.

nbgrader compares each submission's timestamp.txt with the assignment's due date and, for a late notebook, asks the
plugin for a penalty in points; it stores it in the gradebook (`late_submission_penalty`) and takes it off the score.

nbgrader 0.9.6 reads timestamp.txt with `nbgrader.utils.parse_utc`, which misreads common forms: a numeric offset
after a space is taken as seconds (`2026-12-02 00:30:00 +0100` is read as 00:28:20 UTC, not 23:30 UTC), `+01:00`
after a space is ignored, and an abbreviation it does not know (`KST`) is dropped, the time then read as UTC. The
pipeline's nbgrader reads timestamp.txt with `read_timestamp` instead (`TimestampCourseDirectory`), and intake refuses
what it cannot read unambiguously, so every timestamp that is graded is read one way, correctly.
"""
from __future__ import annotations

import datetime
import math
import re
import zoneinfo

from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import BasePlugin
from traitlets import Float

# A date and a time (seconds and their fraction optional; ISO 8601's 'T' or a space between), then the zone.
_TIMESTAMP = re.compile(r"(?P<when>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?P<zone>.*)")
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})?")
_UTC_NAMES = ("Z", "UTC", "GMT")
EXAMPLE = "2026-12-02 00:30:00 +01:00"
MAX_TIMESTAMP_CHARS = 100  # the longest form is about 60 characters: anything longer is refused unread


class TimestampError(ValueError):
    """A timestamp that cannot be read unambiguously; the message says why, in words for a TA."""


def _zone(zone: str, local: datetime.datetime) -> datetime.tzinfo:
    """The time zone `zone` names, for the local time `local`; raises TimestampError when it names none for sure."""
    if not zone or zone.upper() in _UTC_NAMES:  # no zone: UTC, nbgrader's rule (its zip_collect writes them so)
        return datetime.timezone.utc
    offset = _OFFSET.fullmatch(zone)
    if offset:
        hours, minutes = int(offset["hours"]), int(offset["minutes"] or 0)
        if hours > 23 or minutes > 59:
            raise TimestampError(f"'{zone}' is not a UTC offset")
        delta = datetime.timedelta(hours=hours, minutes=minutes)
        return datetime.timezone(-delta if offset["sign"] == "-" else delta)
    if "/" in zone:  # an IANA zone name, e.g. Europe/Paris: its offset at that date, unless the clocks changed then
        try:
            tz = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise TimestampError(f"'{zone}' is not a time zone name") from None
        if local.replace(tzinfo=tz, fold=0).utcoffset() != local.replace(tzinfo=tz, fold=1).utcoffset():
            raise TimestampError(f"{local:%H:%M} in {zone} is ambiguous or skipped that day (the clocks changed); "
                                 f"write it with a UTC offset, e.g. '{EXAMPLE}'")
        return tz
    raise TimestampError(f"'{zone}' is not one time zone for sure (abbreviations are shared by several zones, "
                         f"UTC+1 is read with either sign); write a UTC offset such as +01:00 or a zone name such as "
                         f"Europe/Paris")


def read_timestamp(text: str) -> datetime.datetime:
    """The moment a timestamp.txt names, as nbgrader stores it: a naive datetime in UTC.

    Accepted: `YYYY-MM-DD HH:MM[:SS[.fraction]]` ('T' or a space between date and time), then a zone: `Z`, `UTC` or
    `GMT` (any case), a UTC offset (`+0100`, `+01:00`, `+01`, `-0530`), an IANA zone name (`Europe/Paris`; its
    offset on that date), or none (UTC, as nbgrader reads it and its zip_collect writes it). Raises TimestampError (a
    ValueError) for anything else: an abbreviation several zones share (`KST`, `CET`, `EST`, `IST`), `UTC+1` (read
    with either sign), a local time the clocks skipped or repeated, or text that is not such a date.
    """
    found = _TIMESTAMP.fullmatch(text.strip()) if len(text.strip()) <= MAX_TIMESTAMP_CHARS else None
    if not found:
        raise TimestampError("it is not a date and time such as '2026-12-01 23:59:00 UTC'")
    try:
        local = datetime.datetime.fromisoformat(found["when"])
    except ValueError:
        raise TimestampError("it is not a date and time such as '2026-12-01 23:59:00 UTC'") from None
    moment = local.replace(tzinfo=_zone(found["zone"].strip(), local))
    return moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)


class TimestampCourseDirectory(CourseDirectory):
    """nbgrader's CourseDirectory, reading each submission's timestamp.txt with `read_timestamp` (see above)."""

    def get_existing_timestamp(self, dest_path: str) -> datetime.datetime | None:
        """The submission's time in UTC (naive, as nbgrader stores it), None without a timestamp.txt or with an
        empty one (as nbgrader); raises TimestampError for one that cannot be read (intake leaves those out)."""
        try:
            with open(f"{dest_path}/timestamp.txt", encoding="utf-8") as fh:
                text = fh.read().strip()
        except FileNotFoundError:
            return None
        if not text:
            self.log.warning("Empty timestamp file: %s/timestamp.txt", dest_path)
            return None
        try:
            return read_timestamp(text)
        except TimestampError as e:
            raise TimestampError(f"Invalid timestamp string in {dest_path}/timestamp.txt: {e}") from None


class PercentPerDayLate(BasePlugin):
    """Each started day (24 h) late costs `percent_per_day` percent of the notebook's score, down to zero."""

    percent_per_day = Float(10.0, help="percent of the score taken off per started day late").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        """The penalty in points: score x percent x started days, at most the score."""
        days = math.ceil(total_seconds_late / 86400) if total_seconds_late > 0 else 0
        return min(score, score * self.percent_per_day / 100 * days)

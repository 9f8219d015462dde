"""Step 2c: what the grading sandbox recorded about one submission in autograded/<student>/<assignment>/grading.json.

The file is optional: `{"flags": ["time-limit", "forbidden-access", ...], "seconds": 0.8, "notebooks": {name:
{"attempts": ["open /somewhere", ...], ...}}}` (aimath/sandbox/execute.py writes it). No file means no flags and no
timing; a file that cannot be read is itself flagged, so a broken run never looks clean. Flags and attempts are
returned `visible` (the student's code can add entries to the audit list the attempts come from).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from aimath.untrusted_text import visible

GRADING_JSON = "grading.json"
UNREADABLE = "unreadable-grading-json"


@dataclass(frozen=True)
class SandboxRecord:
    """The sandbox's flags for one submission, its grading time in seconds (None when not recorded) and the
    attempts to reach outside that it saw."""

    flags: tuple[str, ...] = ()
    seconds: float | None = None
    attempts: tuple[str, ...] = ()


def _attempts(data: dict) -> tuple[str, ...]:
    """The attempts listed under each notebook of a grading.json record, in order, each once."""
    notebooks = data.get("notebooks")
    found = [a for n in (notebooks.values() if isinstance(notebooks, dict) else ()) if isinstance(n, dict)
             for a in (n.get("attempts") if isinstance(n.get("attempts"), list) else ()) if isinstance(a, str)]
    return tuple(dict.fromkeys(visible(a) for a in found))


def parse_grading_json(text: str) -> SandboxRecord:
    """The record in a grading.json text; `UNREADABLE` as its only flag when the text is not such a record."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return SandboxRecord((UNREADABLE,))
    flags = data.get("flags", []) if isinstance(data, dict) else None
    seconds = data.get("seconds") if isinstance(data, dict) else None
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        return SandboxRecord((UNREADABLE,))
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
        seconds = None
    return SandboxRecord(tuple(dict.fromkeys(visible(f) for f in flags)), None if seconds is None else float(seconds), _attempts(data))


def read_sandbox_record(folder: Path) -> SandboxRecord:
    """The grading.json record of an autograded submission folder (empty when the file is absent)."""
    path = folder / GRADING_JSON
    if not path.is_file():
        return SandboxRecord()
    try:
        return parse_grading_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return SandboxRecord((UNREADABLE,))

"""The run records: what each step last did, kept as JSON files in autograded/ beside the student folders.

| File | Written by | Holds |
|---|---|---|
| `intake.json` | intake, autograde (aimath/pipeline/intake.py) | `{"student/assignment": [problem, ...]}`, a problem being `{"student", "assignment", "kind", "message", "graded"}`: what intake or grading found (intake.Problem) |
| `sources.json` | release, autograde's gradebook update | `{assignment: [source digest, gradebook digest]}` as the gradebook's copy of source/ was last brought up to date |
| `releases.json` | release | `{assignment: [source digest, gradebook digest, release/<assignment>/ digest, requirements.txt digest]}` as its last release left them |
| `feedback.json` | feedback | `{assignment: {student: feedback inputs digest}}` of the pages written |
| `report.json` | report | `{report folder, relative to the course: report inputs digest}` it was last built from |

The digests are aimath/pipeline/digests.py's. A step skips what its record says is up to date; a record that is
missing or unreadable (`read_record` gives {}) makes its step redo its work once. Each is rewritten whole, beside
itself then renamed (`write_if_changed`, also the writer of grades.csv and the report's files), and only when what it
holds changed. The per-submission record, grading.json, is aimath/grading_record.py's.
"""
from __future__ import annotations

import json
from pathlib import Path


INTAKE_JSON = "intake.json"  # intake's findings: aimath/pipeline/intake.py
SOURCES_JSON = "sources.json"
RELEASES_JSON = "releases.json"
FEEDBACK_JSON = "feedback.json"
REPORT_JSON = "report.json"
# The files the pipeline keeps in autograded/ beside the student folders: no student folder may take their names.
AUTOGRADED_RECORDS = frozenset({INTAKE_JSON, SOURCES_JSON, RELEASES_JSON, FEEDBACK_JSON, REPORT_JSON})


def record_path(root: Path, name: str) -> Path:
    """Where the record `name` (one of AUTOGRADED_RECORDS) of the course at `root` is kept."""
    return root / "autograded" / name


def read_record(path: Path) -> dict:
    """The JSON object a pipeline record file holds ({} when it is missing, unreadable or not an object)."""
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def write_if_changed(path: Path, data: bytes) -> bool:
    """Make the file `path` hold `data`, only when it holds something else (so its modification time says when what
    it holds last changed): written beside it, then renamed into place. Returns whether it was written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def update_record(path: Path, entries: dict) -> None:
    """Merge `entries` into the record file `path`."""
    if entries:
        recorded = {**read_record(path), **entries}
        write_if_changed(path, json.dumps(recorded, indent=1, sort_keys=True).encode())

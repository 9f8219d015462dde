"""`grading.json`: the grader's record of one submission, in autograded/<student>/<assignment>/ beside its notebooks.

This module is its one reader and writer. The file is a JSON object:

    {"flags": ["forbidden-access", "time-limit"],   # every notebook's flags, sorted, each once
     "seconds": 1.52,                                # the notebooks' grading time, summed (absent: not measured)
     "notebooks": {"<notebook>": {                   # one entry per notebook graded in the sandbox
         "flags": ["time-limit"],                    # what the sandbox saw, in the order it saw it
         "attempts": ["open /course/gradebook.db"],  # what the audit hook saw tried (advisory, printable)
         "seconds": 1.52, "cell_seconds": 1.31,      # the whole notebook, and its cells alone
         "slowest_cells": [["test_mean", 0.4], ...]}},  # at most five, slowest first
     "submission_sha256": "...",  # digests.submission_digest of submitted/<student>/<assignment>/ when its grades were
     "assignment_sha256": "..."}  # fully recorded, and digests.assignment_digest of the assignment it was graded against

Who writes what: the sandbox's Execute step (aimath/sandbox/execute.py) adds each notebook's entry as it grades it
(`add_notebook`, which forgets the digests: the folder is being graded again); the autograde run
(aimath/pipeline/parallel.py) `stamp`s the digests once the submission's grades are in the gradebook, and `unstamp`s
the submission digest before it records them again. A submission whose stamp matches what is in submitted/ and the
gradebook's assignment is not graded again, and its autograded folder is what a TA graded by hand
(gradebook_rows.prior). Readers: the resumable run (the digests), the TA summary and the report (flags, seconds,
attempts). Without the sandbox (AIMATH_SANDBOX=off) the file holds the digests only.

A student never writes it: a top-level file of that name in a submission is never copied (intake.GRADER_FILES), and
nbgrader_config.py keeps it out of feedback/. Reading is still bounded and total: a missing file is an empty record
(nothing recorded); a file that is not such a record (cut short by a kill, edited by hand, over MAX_BYTES) reads as
`unreadable`, with the single flag UNREADABLE for the TA and no digests (so the run grades the submission again).
Writes go to a file beside it, renamed into place: a reader sees the old record or the new one.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from aimath.untrusted_text import visible

GRADING_JSON = "grading.json"
UNREADABLE = "unreadable-grading-json"  # the flag of a record that could not be read
DIGEST_KEY = "submission_sha256"
ASSIGNMENT_DIGEST_KEY = "assignment_sha256"
MAX_BYTES = 2**20  # a record is a few kB (flags, at most remote.MAX_ATTEMPTS attempts per notebook, timings)
SLOWEST_CELLS = 5  # cells listed per notebook


@dataclass(frozen=True)
class NotebookRun:
    """What the sandbox saw while grading one notebook: `flags` (limit or tampering names, in the order raised),
    `attempts` (the audit hook's entries, printable), `seconds` (the whole notebook), `cell_seconds` (its code cells
    alone) and `slowest_cells` ((grade id or "cell N", seconds), slowest first)."""

    flags: tuple[str, ...] = ()
    attempts: tuple[str, ...] = ()
    seconds: float = 0.0
    cell_seconds: float = 0.0
    slowest_cells: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class GradingRecord:
    """A grading.json as plain data (see the module's docstring for the file).

    `flags` and `seconds` are the file's top-level values (`seconds` None: not measured); `notebooks` the entries by
    notebook name; `submission_digest` and `assignment_digest` the stamp of a fully recorded grading (None: not
    recorded). `readable` is False for a file that could not be read: then `flags` is (UNREADABLE,) and the rest
    empty. Flags, attempts and cell names are `visible` (printable); notebook names are the gradebook's."""

    flags: tuple[str, ...] = ()
    seconds: float | None = None
    notebooks: Mapping[str, NotebookRun] = field(default_factory=dict)
    submission_digest: str | None = None
    assignment_digest: str | None = None
    readable: bool = True

    @property
    def attempts(self) -> tuple[str, ...]:
        """The attempts of every notebook, in order, each once."""
        return tuple(dict.fromkeys(a for run in self.notebooks.values() for a in run.attempts))


NOT_READABLE = GradingRecord(flags=(UNREADABLE,), readable=False)


def _number(value) -> float | None:
    """A finite JSON number as a float, else None (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _texts(value) -> tuple[str, ...]:
    """The strings of a JSON list, `visible`, in order (anything else in it, or a value that is no list: none)."""
    return tuple(visible(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _run(entry: dict) -> NotebookRun:
    """A notebook's entry: what is missing or of the wrong type reads as nothing recorded."""
    slowest = entry.get("slowest_cells")
    cells = tuple((visible(c[0]), _number(c[1])) for c in (slowest if isinstance(slowest, list) else ())
                  if isinstance(c, list) and len(c) == 2 and isinstance(c[0], str) and _number(c[1]) is not None)
    return NotebookRun(_texts(entry.get("flags")), _texts(entry.get("attempts")), _number(entry.get("seconds")) or 0.0,
                       _number(entry.get("cell_seconds")) or 0.0, cells)


def parse(text: str) -> GradingRecord:
    """The record a grading.json text holds: NOT_READABLE when it is not JSON, not an object, or its "flags" is not a
    list of strings. Other fields of the wrong type read as not recorded: `seconds` None, a notebook entry that is no
    object left out, a digest that is no string None. Flags are kept once each, in order."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return NOT_READABLE
    flags = data.get("flags", []) if isinstance(data, dict) else None
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        return NOT_READABLE
    notebooks = data.get("notebooks")
    digests = [data.get(key) if isinstance(data.get(key), str) else None for key in (DIGEST_KEY, ASSIGNMENT_DIGEST_KEY)]
    return GradingRecord(
        flags=tuple(dict.fromkeys(visible(f) for f in flags)), seconds=_number(data.get("seconds")),
        notebooks={name: _run(entry) for name, entry in (notebooks.items() if isinstance(notebooks, dict) else ())
                   if isinstance(entry, dict)},
        submission_digest=digests[0], assignment_digest=digests[1])


def read(folder: Path) -> GradingRecord:
    """The record in `folder`/grading.json (an autograded submission folder): an empty GradingRecord when there is
    none, NOT_READABLE when it cannot be read (see `parse`; also a file over MAX_BYTES, not UTF-8, or not a regular
    file). Never raises."""
    path = Path(folder) / GRADING_JSON
    try:
        if not path.is_file():
            return GradingRecord()
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return NOT_READABLE
        return parse(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return NOT_READABLE


def to_json(record: GradingRecord) -> dict:
    """The JSON object of `record`, as `write` puts it in the file (`seconds` and the digests only when recorded)."""
    data: dict = {"flags": list(record.flags)}
    if record.seconds is not None:
        data["seconds"] = record.seconds
    data["notebooks"] = {name: {"flags": list(run.flags), "attempts": list(run.attempts), "seconds": run.seconds,
                                "cell_seconds": run.cell_seconds,
                                "slowest_cells": [[cell, spent] for cell, spent in run.slowest_cells]}
                         for name, run in record.notebooks.items()}
    for key, digest in ((DIGEST_KEY, record.submission_digest), (ASSIGNMENT_DIGEST_KEY, record.assignment_digest)):
        if digest is not None:
            data[key] = digest
    return data


def write(folder: Path, record: GradingRecord) -> None:
    """Make `folder`/grading.json hold `record`: written beside it, then renamed into place (a reader never sees half
    a record; the file may have been left read-only by nbgrader, the folder is writable). Raises OSError when the
    folder cannot be written."""
    path = Path(folder) / GRADING_JSON
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(to_json(record), indent=1), encoding="utf-8")
    tmp.replace(path)


def add_notebook(folder: Path, notebook: str, run: NotebookRun) -> GradingRecord:
    """Record the sandbox's `run` of `notebook` in `folder`'s grading.json, beside the other notebooks' entries (an
    unreadable record is started afresh); the top-level flags and seconds are made again from the entries, and the
    digests are forgotten (the submission is being graded again). Returns the record written."""
    found = read(folder)
    notebooks = {**(found.notebooks if found.readable else {}), notebook: run}
    record = GradingRecord(flags=tuple(sorted({f for r in notebooks.values() for f in r.flags})),
                           seconds=round(sum(r.seconds for r in notebooks.values()), 3), notebooks=notebooks)
    write(folder, record)
    return record


def stamp(folder: Path, *, submission_digest: str, assignment_digest: str | None) -> None:
    """Record in `folder`'s grading.json that the submission whose digest is `submission_digest`, graded against the
    assignment whose digest is `assignment_digest`, is fully recorded (an unreadable record is started afresh). Does
    nothing when `folder` does not exist (nothing was graded)."""
    if not Path(folder).is_dir():
        return
    found = read(folder)
    write(folder, replace(found if found.readable else GradingRecord(), submission_digest=submission_digest,
                          assignment_digest=assignment_digest))


def unstamp(folder: Path) -> None:
    """Forget the submission digest in `folder`'s grading.json (a run killed before the stamp comes back grades the
    submission again); a missing, unreadable or unstamped record is left as it is."""
    found = read(folder)
    if found.readable and found.submission_digest is not None:
        write(folder, replace(found, submission_digest=None))

"""`feedback`: one HTML page per graded submission in feedback/ (nbgrader's generate_feedback), written again only
when what it shows changed.

The page is nbgrader's, made with the preprocessors and the exporter nbgrader_config.py plugs in (plugins/: hidden
tests removed, verdicts in words, outputs cleaned, maths as MathML, a strict Content-Security-Policy). What each page
was made from (`feedback_inputs`) is kept in autograded/feedback.json.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import NamedTuple

from nbgrader.api import Gradebook

from aimath.pipeline import run_records
from aimath.pipeline.digests import assignment_digest, renderer_digest, submission_digest
from aimath.pipeline.nbgrader_session import StepFailed, last_error_line, open_api
from aimath.untrusted_text import visible


# What nbgrader's log says about each submission it failed on while it went on with the others.
FAILED_SUBMISSION = re.compile(r"There was an error processing assignment '(.*)' for student '(.*)'$", re.M)


# The gradebook rows a feedback page shows, per submission: its grades and comments (auto and manual scores, extra
# credit, needs-manual-grade, comments), each notebook's late penalty, the submission's timestamp and extension.
_FEEDBACK_ROWS = {
    "grade": "g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade",
    "comment": "g.auto_comment, g.manual_comment",
}


_FEEDBACK_QUERY = """SELECT a.name, sa.student_id, sa.timestamp, sa.extension, n.name, sn.late_submission_penalty,
    c.name, {fields}
    FROM {table} g JOIN submitted_notebook sn ON g.notebook_id = sn.id
    JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN assignment a ON sa.assignment_id = a.id
    JOIN notebook n ON sn.notebook_id = n.id JOIN base_cell c ON g.cell_id = c.id"""


class Feedback(NamedTuple):
    """What `feedback` did: the (student, assignment) pages written, and one line per submission nbgrader could not
    write a page for."""

    written: list[tuple[str, str]]
    failed: list[str]


def gradebook_feedback_rows(gradebook) -> dict[tuple[str, str], str]:
    """{(student, assignment): sha256 of the gradebook rows its feedback page shows} for every submission of the
    gradebook (two queries, whatever the size of the class). A TA's score or comment in formgrader changes it."""
    from sqlalchemy import text

    rows: dict[tuple[str, str], list] = {}
    for table, fields in _FEEDBACK_ROWS.items():
        for row in gradebook.db.execute(text(_FEEDBACK_QUERY.format(table=table, fields=fields))):
            rows.setdefault((row[1], row[0]), []).append([table, *row[2:]])
    return {key: hashlib.sha256(json.dumps(sorted(found, key=str), default=str).encode()).hexdigest()
            for key, found in rows.items()}


def feedback_inputs(*, root: Path, student: str, assignment: str, renderer: str, version: str | None,
                    rows: str | None) -> str:
    """sha256 of everything a submission's feedback page is made from: the `renderer` (renderer_digest), the
    assignment's `version` in the gradebook (digests.assignment_digest: points, cells, due date), the files of
    autograded/<student>/<assignment>/ and the submission's gradebook `rows` (gradebook_feedback_rows)."""
    graded = submission_digest(root / "autograded" / student / assignment)
    return hashlib.sha256(json.dumps([renderer, version, graded, rows]).encode()).hexdigest()


def _has_pages(root: Path, student: str, assignment: str) -> bool:
    """Whether feedback/<student>/<assignment>/ holds a page for every notebook of its autograded folder."""
    notebooks = (root / "autograded" / student / assignment).glob("*.ipynb")
    return all((root / "feedback" / student / assignment / f"{nb.stem}.html").is_file() for nb in notebooks)


def _raise_if_failed(step: str, result: dict) -> None:
    """Raise StepFailed, with nbgrader's log, when the API call `step` did not succeed."""
    if not result.get("success"):
        raise StepFailed(f"{step} failed:\n{result.get('error') or ''}\n{result.get('log') or ''}")


def feedback(*, root: Path, assignments: list[str] | None = None) -> Feedback:
    """nbgrader's generate_feedback (our preprocessors hide hidden tests) for each autograded submission whose page
    is missing or was made from other inputs (`feedback_inputs`: regraded, a new submission, a TA's hand grade or
    comment, the assignment's points, or the page's code changed); the others are left as they are.

    When every submission of an assignment needs a page, nbgrader makes them in one call for the assignment; else one
    call per submission (`generate_feedback(assignment, student)`, forced). autograded/feedback.json records the
    inputs of each page written. nbgrader goes on past a submission it fails on; each such submission is one line of
    `failed` (the others get their pages) and is tried again next time. StepFailed only when nbgrader failed without
    naming a submission (the whole step's trouble)."""
    api = open_api(root=root)
    autograded = root / "autograded"
    names = assignments or sorted({p.name for p in autograded.glob("*/*") if p.is_dir()})
    record = autograded / run_records.FEEDBACK_JSON
    recorded = run_records.read_record(record)
    renderer = renderer_digest(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        rows = gradebook_feedback_rows(gradebook)
        versions = {name: assignment_digest(gradebook, name) for name in names}
    written, failed = [], []
    for name in names:
        students = sorted(p.parent.name for p in autograded.glob(f"*/{name}")
                          if p.is_dir() and not p.parent.name.startswith("."))  # nbgrader ignores hidden folders
        inputs = {s: feedback_inputs(root=root, student=s, assignment=name, renderer=renderer, version=versions[name],
                                     rows=rows.get((s, name))) for s in students}
        held = recorded.get(name) if isinstance(recorded.get(name), dict) else {}
        stale = [s for s in students if held.get(s) != inputs[s] or not _has_pages(root, s, name)]
        if not stale:
            continue
        if stale == students:
            results = [api.generate_feedback(name, force=True)]
        else:
            results = [api.generate_feedback(name, student, force=True) for student in stale]
        unwritten = set()
        for result in results:
            named = FAILED_SUBMISSION.findall(result.get("log") or "")
            if not result.get("success") and not named:
                _raise_if_failed(f"generate_feedback {name}", result)
            unwritten |= {student for _, student in named}
            failed += [f"{student} / {assignment}: no feedback page (nbgrader could not write it: "
                       f"{last_error_line(result)}); see `nbgrader generate_feedback {assignment} --student "
                       f"{student}`" for assignment, student in named]
        done = [s for s in stale if s not in unwritten]
        written += [(s, name) for s in done]
        kept = {s: digest for s, digest in held.items() if s in inputs and s not in unwritten}
        run_records.update_record(record, {name: {**kept, **{s: inputs[s] for s in done}}})
    return Feedback(written, [visible(line) for line in failed])

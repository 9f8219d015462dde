"""Carry what nbgrader's autograde writes for one submission from a worker's private gradebook to the course's.

A worker (aimath/pipeline/parallel.py) runs nbgrader's whole autograde on a private course whose gradebook is the
course's `skeleton` (assignments, notebooks and cells; no students) plus the TA's own entries for this submission that
autograde reads (`prior`: the extension, manual scores and extra credit, and which answers the TA has scored). nbgrader
then writes, there: the student, the submission and its timestamp, each grade's auto score and needs-manual-grade, each
comment's auto comment, and each notebook's late penalty. `read` takes exactly those fields back out, and `write` puts
them into the course's gradebook, in the session of the one process that writes it: nbgrader decides every value, this
module only carries them, with one exception. nbgrader's SaveAutoGrades marks every cell with a manual score as needing
manual grading again; `keep_reviewed` keeps a hand-graded answer graded when its source is the one the TA graded (a
forced regrade, or a resubmission that changed other cells), so formgrader does not ask for it twice.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

# The tables of students' work, emptied in a skeleton (the rest is the course's structure, which autograde reads).
SUBMISSION_TABLES = ("comment", "grade", "submitted_notebook", "submitted_assignment", "student")


def skeleton(db: Path, to: Path) -> None:
    """Write to `to` a copy of gradebook `db` without students or submissions (about the size of a fresh gradebook,
    whatever the size of the class)."""
    to.unlink(missing_ok=True)
    source, target = sqlite3.connect(db), sqlite3.connect(to)
    try:
        source.backup(target)
        for table in SUBMISSION_TABLES:
            target.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)
        target.commit()
        target.execute("VACUUM")
    finally:
        source.close()
        target.close()


def prior(gradebook: Gradebook, assignment: str, student: str, graded: Path | None = None) -> dict:
    """The TA's entries for this submission that autograde reads: {"extension": seconds or None, "grades":
    {(notebook, grade id): (manual score, extra credit)}} for the grades that have either, and "reviewed":
    {(notebook, grade id): answer_digest} for the hand-graded answers the TA has scored (formgrader cleared their
    needs-manual-grade), as they are in `graded` (the autograded folder the TA graded; None: not known); {} for none.
    """
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return {}
    grades = {(n.name, g.name): (g.manual_score, g.extra_credit) for n in submission.notebooks for g in n.grades
              if g.manual_score is not None or g.extra_credit is not None}
    reviewed = {(n.name, g.name): digest for n in submission.notebooks for g in n.grades
                if graded is not None and g.auto_score is None and g.manual_score is not None
                and not g.needs_manual_grade
                and (digest := answer_digest(graded / f"{n.name}.ipynb", g.name)) is not None}
    extension = submission.extension.total_seconds() if submission.extension is not None else None
    entries = {"extension": extension, "grades": grades, "reviewed": reviewed}
    return entries if grades or extension is not None else {}


def answer_digest(notebook: Path, grade_id: str) -> str | None:
    """sha256 (hex) of the source of the one cell of `notebook` (an autograded .ipynb written by nbgrader) whose
    nbgrader grade id is `grade_id`; None when the file is unreadable or has no such cell, or more than one."""
    try:
        cells = json.loads(notebook.read_bytes()).get("cells")
        found = [c.get("source") for c in cells
                 if isinstance(c, dict) and isinstance(c.get("metadata"), dict)
                 and isinstance(c["metadata"].get("nbgrader"), dict)
                 and c["metadata"]["nbgrader"].get("grade_id") == grade_id]
    except (OSError, ValueError, AttributeError, TypeError):
        return None
    if len(found) != 1:
        return None
    source = "".join(found[0]) if isinstance(found[0], list) else found[0]
    return hashlib.sha256(source.encode()).hexdigest() if isinstance(source, str) else None


def apply_prior(gradebook: Gradebook, assignment: str, student: str, entries: dict) -> None:
    """Put `prior`'s entries into a worker's private gradebook before nbgrader autogrades there."""
    if not entries:
        return
    import datetime

    gradebook.update_or_create_student(student)
    submission = gradebook.update_or_create_submission(assignment, student)
    if entries.get("extension") is not None:
        submission.extension = datetime.timedelta(seconds=entries["extension"])
    for (notebook, grade_id), (manual, extra) in entries.get("grades", {}).items():
        try:
            grade = gradebook.find_grade(grade_id, notebook, assignment, student)
        except MissingEntry:  # the cell is gone from the assignment since the TA graded it
            continue
        grade.manual_score, grade.extra_credit = manual, extra
    gradebook.db.commit()


def keep_reviewed(gradebook: Gradebook, assignment: str, student: str, entries: dict, autograded: Path) -> None:
    """After nbgrader's autograde in a worker's private gradebook: clear needs-manual-grade again on each answer
    `prior` lists as scored by the TA whose source in the new autograded folder `autograded` is the one the TA graded
    (SaveAutoGrades sets it on every grade with a manual score). A changed answer still asks for grading by hand."""
    for (notebook, grade_id), digest in entries.get("reviewed", {}).items():
        try:
            grade = gradebook.find_grade(grade_id, notebook, assignment, student)
        except MissingEntry:
            continue
        if grade.auto_score is None and grade.manual_score is not None \
                and answer_digest(autograded / f"{notebook}.ipynb", grade_id) == digest:
            grade.needs_manual_grade = False
    gradebook.db.commit()


def read(gradebook: Gradebook, assignment: str, student: str) -> dict:
    """What autograde wrote for a submission: {"timestamp": datetime or None, "notebooks": {name: {"late_penalty":
    points or None, "grades": {grade id: (auto score, needs manual grade)}, "comments": {grade id: auto comment}}}}."""
    submission = gradebook.find_submission(assignment, student)
    return {"timestamp": submission.timestamp,
            "notebooks": {n.name: {"late_penalty": n.late_submission_penalty,
                                   "grades": {g.name: (g.auto_score, g.needs_manual_grade) for g in n.grades},
                                   "comments": {c.name: c.auto_comment for c in n.comments}}
                          for n in submission.notebooks}}


def write(gradebook: Gradebook, assignment: str, student: str, rows: dict) -> None:
    """Put `read`'s rows into the course's gradebook, as nbgrader's autograde of this submission would have; the
    caller commits."""
    gradebook.update_or_create_student(student)
    if rows["timestamp"] is not None:
        submission = gradebook.update_or_create_submission(assignment, student, timestamp=rows["timestamp"])
    else:
        submission = gradebook.update_or_create_submission(assignment, student)
    for notebook in submission.notebooks:
        done = rows["notebooks"][notebook.name]
        notebook.late_submission_penalty = done["late_penalty"]
        for grade in notebook.grades:
            grade.auto_score, grade.needs_manual_grade = done["grades"][grade.name]
        for comment in notebook.comments:
            comment.auto_comment = done["comments"][comment.name]


def replace_folder(folder: Path, files: dict[str, tuple[bytes, int]], *, scratch: Path) -> None:
    """Make `folder` hold exactly `files` ({relative path: (bytes, mode)}), as nbgrader's forced autograde leaves
    its output folder. The new folder is written in `scratch` (a folder on the same file system, outside autograded/)
    and swapped in with renames."""
    fresh, old = scratch / "new", scratch / "old"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    fresh.mkdir(parents=True)
    for relative, (data, mode) in files.items():
        path = fresh / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(mode)
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists():
        folder.rename(old)
    fresh.rename(folder)
    shutil.rmtree(old, ignore_errors=True)

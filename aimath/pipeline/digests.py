"""The digests a rerun compares with the ones its records hold, to tell what changed (sha256, hex).

`submission_digest` of a folder (a submission, a release, an autograded folder), `assignment_digest` of an assignment
as the gradebook holds it, `source_digest` of what generate_assignment reads, `renderer_digest` of what makes a
feedback page or the report. The records: aimath/grading_record.py (per submission), aimath/pipeline/run_records.py.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from nbgrader.api import MissingEntry

import aimath
from aimath import submission_files
from aimath.pipeline.intake import GRADER_FILES
from aimath.pipeline.nbgrader_session import CONFIG_FILE


def submission_digest(folder: Path) -> str:
    """sha256 of what a grading copy of the submission folder `folder` (submitted/<student>/<assignment>) holds:
    relative paths and bytes of its files, and what was skipped (submission_files.digest). Never raises."""
    return submission_files.digest(folder, trusted=folder.parent.parent, reserved=GRADER_FILES)


def assignment_digest(gradebook, assignment: str) -> str | None:
    """sha256 over what nbgrader's autograde reads of an assignment from the gradebook: its due date and, for each
    notebook, its kernelspec, graded cells (points, type), solution and task cells, and the source of each recorded
    cell (tests, locked cells). None when the gradebook does not know the assignment."""
    try:
        found = gradebook.find_assignment(assignment)
    except MissingEntry:
        return None
    parts: list = [str(found.duedate)]
    for notebook in sorted(found.notebooks, key=lambda n: n.name):
        parts.append([notebook.name, notebook.kernelspec,
                      sorted([c.name, c.max_score, c.cell_type] for c in notebook.grade_cells),
                      sorted(c.name for c in notebook.solution_cells),
                      sorted([c.name, c.max_score, c.cell_type] for c in notebook.task_cells),
                      sorted([c.name, c.cell_type, c.locked, c.checksum, c.source] for c in notebook.source_cells)])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def source_digest(*, root: Path, assignment: str) -> str:
    """sha256 over nbgrader_config.py and every file of source/<assignment>/ (what generate_assignment reads)."""
    config = hashlib.sha256((root / CONFIG_FILE).read_bytes()).hexdigest()
    return hashlib.sha256((config + submission_digest(root / "source" / assignment)).encode()).hexdigest()


def file_digest(path: Path) -> str | None:
    """sha256 (hex) of the file's bytes; None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def same_files(a: Path, b: Path) -> bool:
    """Whether folders a and b hold the same files with the same bytes."""
    return b.is_dir() and submission_digest(a) == submission_digest(b)


def renderer_digest(*, root: Path) -> str:
    """sha256 over what turns the same grades into the same feedback page: nbgrader_config.py, requirements.txt
    (nbgrader, nbconvert and the rest, pinned) and every file of the aimath package (the page's preprocessors,
    exporter and template)."""
    h = hashlib.sha256()
    package = Path(aimath.__file__).resolve().parent
    files = [root / CONFIG_FILE, root / "requirements.txt"] + sorted(
        p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.relative_to(package).parts)
    for path in files:
        h.update(str(path.relative_to(package) if path.is_relative_to(package) else path.name).encode() + b"\0")
        h.update((file_digest(path) or "missing").encode() + b"\0")
    return h.hexdigest()

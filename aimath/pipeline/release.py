"""`release`: nbgrader's generate_assignment of each assignment whose release/ is not up to date with source/.

Also `update_gradebook`, which autograde runs first: it brings the gradebook's copy of each assignment (notebooks,
cells, points, test code) up to date with source/ the same way, without rewriting release/. Each assignment is
generated in a temporary folder in the course and swapped into release/ only when nbgrader succeeded and the files
changed. When nbgrader refuses (graded cells added or removed once the gradebook holds submissions of the assignment)
release/ and the gradebook stay as they were and ReleaseRefused says why in one line. What each release and update
depended on is kept in autograded/releases.json and sources.json (run_records.py).
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.utils import is_grade, is_locked, is_solution, is_task, temp_attrs

from aimath.pipeline import run_records
from aimath.pipeline.digests import assignment_digest, file_digest, same_files, source_digest, submission_digest
from aimath.pipeline.nbgrader_session import (GradingStopped, last_error_line, open_api, source_assignments,
                                              stop_if_fatal)


RELEASE_SCRATCH = ".release-"  # prefix of the temporary folder (in the course folder) releases are generated in


CELLS_CHANGED = ("Cannot add or remove cells", "Cannot modify existing assignment")  # nbgrader's refusals


MID_TERM = "README, \"Changing an assignment mid-term\""


class ReleaseRefused(GradingStopped):
    """nbgrader would not (or could not) generate an assignment; release/ and the gradebook are as they were."""


def _recorded_cells(nb) -> set[str]:
    """The grade ids of a notebook's cells that generate_assignment records in the gradebook (its SaveCells)."""
    return {cell.metadata.nbgrader["grade_id"] for cell in nb.cells
            if (is_grade(cell) or is_solution(cell) or is_locked(cell) or is_task(cell))
            and cell.metadata.get("nbgrader", {}).get("grade_id")}


def _cell_changes(api: NbGraderAPI, assignment: str) -> str:
    """What source/<assignment>/ adds to or removes from the cells and notebooks the gradebook holds, in words."""
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        held = {n.name: {c.name for c in n.source_cells} for n in gradebook.find_assignment(assignment).notebooks}
    source = {p.stem: _recorded_cells(nbformat.read(p, as_version=4))
              for p in sorted((Path(api.coursedir.root) / "source" / assignment).glob("*.ipynb"))}
    changes = [f"notebook {n} added" for n in sorted(set(source) - set(held))]
    changes += [f"notebook {n} removed" for n in sorted(set(held) - set(source))]
    for name in sorted(set(source) & set(held)):
        changes += [f"cell {c} added" for c in sorted(source[name] - held[name])]
        changes += [f"cell {c} removed" for c in sorted(held[name] - source[name])]
    return ", ".join(changes[:4]) + (" ..." if len(changes) > 4 else "")


def _refusal(api: NbGraderAPI, assignment: str, result: dict) -> str:
    """The one line saying why nbgrader did not generate `assignment`, and what the instructor can do."""
    text = f"{result.get('log') or ''}\n{result.get('error') or ''}"
    if any(refusal in text for refusal in CELLS_CHANGED):
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            submissions = len(gradebook.find_assignment(assignment).submissions)
        return (f"{assignment}: source/{assignment}/ adds or removes graded cells ({_cell_changes(api, assignment)}), "
                f"and nbgrader cannot change an assignment's cells once the gradebook holds submissions of it "
                f"({submissions}); release/ and the gradebook are unchanged. Keep the cells (a new test can go in an "
                f"existing test cell; points and test code may change), or see the {MID_TERM}")
    return f"{assignment}: nbgrader's generate_assignment failed ({last_error_line(result)}); release/ is unchanged"


def _generate(api: NbGraderAPI, assignment: str, into: Path) -> None:
    """nbgrader's generate_assignment of `assignment` with its release written to `into`/<assignment>, not release/
    (it records the assignment's notebooks, cells, points and test code in the gradebook). Raises ReleaseRefused (one
    line) when nbgrader fails, GradingStopped when the gradebook is locked or the disk full."""
    with temp_attrs(api.coursedir, release_directory=str(into)):
        result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        stop_if_fatal(result)
        raise ReleaseRefused(_refusal(api, assignment, result))


def _put_in_place(new: Path, folder: Path) -> bool:
    """Make `folder` hold what `new` holds (swapped in with renames: `new` is on the same file system); a folder that
    already holds the same files is left untouched. Returns whether it changed."""
    if same_files(new, folder):
        return False
    folder.parent.mkdir(parents=True, exist_ok=True)
    old = new.with_name(new.name + ".old")
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return True


def _release_state(root: Path, gradebook, assignment: str) -> list:
    """What a release of `assignment` depends on and leaves: [source digest, the gradebook's digest of the
    assignment, release/<assignment>/'s digest, requirements.txt's digest (the nbgrader that generates it)]."""
    return [source_digest(root=root, assignment=assignment), assignment_digest(gradebook, assignment),
            submission_digest(root / "release" / assignment), file_digest(root / "requirements.txt")]


def release(*, root: Path, assignments: list[str] | None = None) -> list[str]:
    """`nbgrader generate_assignment` for each assignment (all of source/ by default) whose release is not up to date;
    returns the assignments generated.

    An assignment is up to date when its source/ (and nbgrader_config.py), the gradebook's copy of it, its release/
    folder and requirements.txt are as its last release here left them (autograded/releases.json): editing source/,
    changing release/ by hand, a gradebook without the assignment or another nbgrader each make it stale. Each release
    is generated in a temporary folder and swapped into release/<name>/ only when nbgrader succeeded and the files
    changed (an unchanged release is not rewritten). One nbgrader refuses (graded cells added or removed while the
    gradebook holds submissions) or fails on is left as it was, and the others are released; then ReleaseRefused says
    why, one line per assignment.
    """
    api = open_api(root=root)
    names = assignments or source_assignments(root=root)
    released = run_records.record_path(root, run_records.RELEASES_JSON)
    recorded = run_records.read_record(released)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        stale = [name for name in names if recorded.get(name) != _release_state(root, gradebook, name)]
    refused, generated = [], []
    if stale:
        with tempfile.TemporaryDirectory(dir=root, prefix=RELEASE_SCRATCH) as scratch:
            for name in stale:
                try:
                    _generate(api, name, Path(scratch))
                except ReleaseRefused as e:
                    refused.append(str(e))
                    continue
                _put_in_place(Path(scratch) / name, root / "release" / name)
                generated.append(name)
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            states = {name: _release_state(root, gradebook, name) for name in generated}
        run_records.update_record(released, states)
        # the gradebook now holds source/ as it is: autograde need not bring it up to date again (update_gradebook)
        run_records.update_record(run_records.record_path(root, run_records.SOURCES_JSON),
                                  {name: state[:2] for name, state in states.items()})
    if refused:
        raise ReleaseRefused("\n".join(refused))
    return generated


def update_gradebook(*, root: Path, api: NbGraderAPI, assignments: list[str]) -> list[str]:
    """Bring the gradebook's copy of each assignment of source/ (notebooks, cells, points, test code) up to date, as
    `make release` does (nbgrader's generate_assignment), without touching release/ (but for writing a release/<name>/
    that is missing). An assignment whose source and gradebook digests are those recorded after its last update
    (autograded/sources.json) is skipped. Returns the assignments updated; raises ReleaseRefused (graded cells added
    or removed after grading) or GradingStopped (locked gradebook, full disk) with one line."""
    record = run_records.record_path(root, run_records.SOURCES_JSON)
    recorded = run_records.read_record(record)

    def digests(gradebook, name: str) -> list:
        return [source_digest(root=root, assignment=name), assignment_digest(gradebook, name)]

    sources = set(source_assignments(root=root))
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        stale = [a for a in assignments if a in sources and
                 (recorded.get(a) != digests(gradebook, a) or not any((root / "release" / a).glob("*.ipynb")))]
    if not stale:
        return []
    with tempfile.TemporaryDirectory(dir=root, prefix=RELEASE_SCRATCH) as scratch:
        for name in stale:
            _generate(api, name, Path(scratch))
            if not any((root / "release" / name).glob("*.ipynb")):
                _put_in_place(Path(scratch) / name, root / "release" / name)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        run_records.update_record(record, {name: digests(gradebook, name) for name in stale})
    return stale

"""`collect`: an LMS download (a zip) into submitted/, by nbgrader's zip_collect.

File names are read with nbgrader_config.py's FileNameCollectorPlugin.named_regexp (set for Canvas); of a student's
several uploads the latest is taken (plugins/lms.py). The download is unpacked in downloaded/<assignment>/ and each
student's folder is moved into submitted/ whole, so a collect that stops leaves nothing half-done. It never overwrites
a submission.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from aimath.pipeline.plugins import lms
from aimath.pipeline.digests import same_files
from aimath.pipeline.nbgrader_session import GradingStopped, source_assignments, use_this_environment


def zip_assignment(names: list[str], assignments: list[str]) -> str | None:
    """The one assignment whose notebook the file names of an LMS download end with (`..._basic_math-1.ipynb`)."""
    found = {a for a in assignments for n in names if re.search(rf"_{re.escape(a)}(-\d+)?\.ipynb$", n)}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class Collected:
    """What `collect` did: one line per file or student it left out, and a closing line."""

    lines: list[str]
    summary: str


def _zip_collect_lines(log: str) -> list[str]:
    """The lines of nbgrader zip_collect's log a TA should read: the files it skipped, and why (the plugin's own
    line for a file it explains, nbgrader's otherwise), and notebooks under an unexpected name."""
    said = [re.sub(r"^\[[^\]]*\]\s*", "", line).strip() for line in log.splitlines()
            if "WARNING" in line or "ERROR" in line]
    explained = [line for line in said if line.startswith(lms.SKIPPED + " ") and "with no match" not in line]
    unmatched = [os.path.basename(line.rsplit(": ", 1)[-1]) for line in said
                 if line.startswith("Skipped submission with no match")]
    return explained + [f"Skipped {name}: its name does not match FileNameCollectorPlugin.named_regexp "
                        f"(nbgrader_config.py)" for name in unmatched if not any(name in e for e in explained)] + [
        line for line in said if "Invalid submission" in line or "Skipped notebook with invalid name" in line]


def collect(*, root: Path, archive: Path, assignment: str | None = None) -> Collected:
    """nbgrader zip_collect of an LMS download into submitted/ (file names as nbgrader_config.py's regexp says).

    The zip is copied to downloaded/<assignment>/archive/ (which holds only it); the assignment is read off the file
    names when not given. zip_collect puts the submissions in downloaded/<assignment>/collected/, and each student's
    folder is then moved into submitted/ whole: a collect that stops leaves nothing half-done, and a rerun collects
    what is missing. A student whose submitted/ folder already holds other files keeps them (a line says so); of a
    student's several uploads the latest is taken (plugins/lms.py). Raises GradingStopped (one line) when
    zip_collect fails; then nothing is moved into submitted/.
    """
    archive = Path(archive).resolve()
    if not zipfile.is_zipfile(archive):
        raise GradingStopped(f"{archive} is not a zip file")
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
    assignment = assignment or zip_assignment(names, source_assignments(root=root))
    if not assignment:
        raise GradingStopped(f"cannot tell the assignment from the file names in {archive.name}: "
                             "say it, e.g. `make collect ZIP=... ASSIGNMENT=basic_math`")
    downloaded = root / "downloaded" / assignment
    staging = downloaded / "collected"  # zip_collect's submitted/ for this download
    for step in ("archive", "extracted", "collected"):
        if (downloaded / step).exists():
            shutil.rmtree(downloaded / step)
    (downloaded / "archive").mkdir(parents=True)
    shutil.copy(archive, downloaded / "archive" / archive.name)
    use_this_environment()
    done = subprocess.run(["nbgrader", "zip_collect", assignment,
                           f"--CourseDirectory.submitted_directory={staging}"],
                          cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        errors = [line for line in done.stderr.splitlines() if "ERROR" in line or "CRITICAL" in line]
        raise GradingStopped(f"zip_collect {assignment} failed: {(errors or ['see its log'])[-1]}; nothing was "
                             f"collected into submitted/")
    lines, moved, already = _zip_collect_lines(done.stderr), 0, 0
    for folder in sorted(staging.glob(f"*/{assignment}")):
        student = folder.parent.name
        target = root / "submitted" / student / assignment
        if target.exists():
            if same_files(folder, target):
                already += 1
            else:
                lines.append(f"{student}: submitted/{student}/{assignment}/ already holds another submission, kept; "
                             f"to take the download's, move that folder away and rerun `make collect`")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        folder.rename(target)
        moved += 1
    shutil.rmtree(staging, ignore_errors=True)
    there = f" ({already} already there)" if already else ""
    return Collected(lines, f"collected {moved} submissions of {assignment} into submitted/{there} "
                            f"(now run `make autograde`)")

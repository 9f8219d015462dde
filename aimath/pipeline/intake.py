"""Intake: look at every submission before autograding and say, in one line each, what is wrong with it.

A submission that cannot be graded (no notebook under its released name, a file that is not UTF-8 JSON or not a
notebook, copied graded cells, an unreadable timestamp.txt) is left out of grading; one that can be graded but
differs from the release (a wrong kernel, graded cells stripped of their nbgrader metadata or moved, extra files, an
old nbformat) is graded and the TA is told. Nothing here writes to submitted/: the checks read bytes, and each is a
small pure function of what it reads.

The problems of a run are kept in `autograded/intake.json` (`{"student/assignment": [problem, ...]}`), where the
summary and the report read them.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Mapping

import nbformat

from aimath.pipeline.late import TimestampError, read_timestamp

INTAKE_JSON = "intake.json"  # in autograded/
TIMESTAMP = "timestamp.txt"
# Past this size a notebook is almost always saved outputs (cleared before grading); the TA hears of it.
LARGE_NOTEBOOK_BYTES = 20 * 2**20
RESUBMIT = "not graded: fix it or ask the student to resubmit, then rerun `make autograde`"


@dataclass(frozen=True)
class Problem:
    """Something about one submission a TA should know; `graded` False means it was left out of grading."""

    student: str
    assignment: str
    kind: str
    message: str
    graded: bool

    @property
    def line(self) -> str:
        """The TA's one line: `student / assignment: message`."""
        return f"{self.student} / {self.assignment}: {self.message}"


@dataclass(frozen=True)
class Finding:
    """A check's verdict before it is tied to a submission."""

    kind: str
    message: str
    graded: bool


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


def folder_findings(files: Iterable[str], expected: Iterable[str]) -> list[Finding]:
    """What the file list of a submission folder (paths relative to it) says against the released notebook names."""
    files, expected = sorted(files), sorted(expected)
    notebooks = [f for f in files if f.endswith(".ipynb") and "/" not in f and ".ipynb_checkpoints" not in f]
    found: list[Finding] = []
    missing = [e for e in expected if e not in notebooks]
    strangers = [n for n in notebooks if n not in expected]
    if not files:
        return [Finding("empty", f"the folder is empty (expected {', '.join(expected)}); {RESUBMIT}", False)]
    if missing and len(missing) == len(expected):
        seen = f"found {', '.join(strangers)} (renamed?)" if strangers else f"found no notebook ({', '.join(files)})"
        return [Finding("renamed" if strangers else "no-notebook",
                        f"no {' or '.join(missing)}; {seen}; not graded: rename it to the released name (or ask the "
                        f"student to resubmit), then rerun `make autograde`", False)]
    if missing:
        found.append(Finding("missing-notebook", f"{', '.join(missing)} not handed in: it scores 0", True))
    if strangers:
        found.append(Finding("extra-notebook", f"also holds {', '.join(strangers)}, which is not graded "
                                               f"(only {', '.join(e for e in expected if e in notebooks)} is)", True))
    others = [f for f in files if not f.endswith(".ipynb") and f != TIMESTAMP and ".ipynb_checkpoints" not in f]
    if others:
        found.append(Finding("extra-files", f"extra files, not graded: {', '.join(others)}", True))
    return found


def text_finding(name: str, data: bytes) -> tuple[str | None, Finding | None]:
    """The notebook's text, or why it cannot be read as UTF-8 JSON."""
    if not data.strip():
        return None, Finding("empty-file", f"{name} is an empty file; {RESUBMIT}", False)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, Finding("not-utf8", f"{name} is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                                         f"{RESUBMIT}", False)
    try:
        json.loads(text)
    except ValueError as e:
        where = f" (line {e.lineno} column {e.colno})" if hasattr(e, "lineno") else ""
        return None, Finding("invalid-json", f"{name} is not valid JSON{where}; {RESUBMIT}", False)
    return text, None


def read_notebook(name: str, text: str):
    """(notebook as nbformat 4, findings): why the JSON is not a notebook, or that it was converted from an older one."""
    try:
        with warnings.catch_warnings():  # nbformat's repairs (duplicate cell ids, ...) are the student's file's noise
            warnings.simplefilter("ignore")
            original = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
            version = original.get("nbformat")
            notebook = nbformat.reads(text, as_version=4, capture_validation_error={})
    except Exception as e:  # nbformat raises many kinds for JSON that is not a notebook
        return None, [Finding("not-a-notebook", f"{name} is JSON but not a Jupyter notebook ({type(e).__name__}: "
                                                f"{str(e).splitlines()[0][:100] if str(e) else ''}); {RESUBMIT}", False)]
    found = []
    if version != 4:
        found.append(Finding("old-nbformat", f"{name} is nbformat {version}: converted to 4 for grading", True))
    return notebook, found


def graded_ids(notebook) -> list[str]:
    """The nbgrader grade ids of a notebook's cells, in cell order (a copied cell appears twice)."""
    ids = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict) and meta.get("grade_id"):
            ids.append(meta["grade_id"])
    return ids


def cell_findings(name: str, submitted: list[str], released: list[str]) -> list[Finding]:
    """Graded cells copied, stripped of their nbgrader metadata (or deleted), or moved, against the release."""
    found = []
    copies = sorted({i for i in submitted if submitted.count(i) > 1})
    if copies:
        found.append(Finding("duplicated-cells", f"{name} has copies of graded cells ({', '.join(copies[:5])}); "
                                                 f"nbgrader cannot grade it; {RESUBMIT}", False))
    lost = [i for i in released if i not in submitted]
    if lost:
        found.append(Finding("missing-cells", f"{name}: graded cells deleted or stripped of their nbgrader metadata: "
                                              f"{', '.join(lost[:5])}{' ...' if len(lost) > 5 else ''} "
                                              f"({len(lost)}; their tests score 0)", True))
    order = [i for i in dict.fromkeys(submitted) if i in released]
    if not copies and order != [i for i in released if i in order]:
        moved = next(i for i, r in zip(order, [i for i in released if i in order]) if i != r)
        found.append(Finding("reordered-cells", f"{name}: graded cells are not in the release's order (first out of place: "
                                                f"{moved}); graded in the submitted order (a test placed before its code fails)", True))
    return found


def kernel_finding(name: str, notebook, course_kernel: str) -> Finding | None:
    """A missing or foreign kernelspec (nbgrader grades with the course's kernel anyway)."""
    spec = notebook.metadata.get("kernelspec")
    kernel = spec.get("name") if isinstance(spec, dict) else None
    if kernel == course_kernel:
        return None
    said = f"kernel '{kernel}'" if kernel else "no kernelspec"
    return Finding("kernelspec", f"{name} has {said}: graded with the course's {course_kernel} kernel", True)


def timestamp_finding(text: str) -> Finding | None:
    """Why a timestamp.txt cannot be read unambiguously (late.read_timestamp, which the pipeline's nbgrader reads it
    with), or None."""
    if not text.strip():
        return None  # nbgrader ignores an empty one
    try:
        read_timestamp(text)
    except TimestampError as e:
        said = ", not a date" if str(e).startswith("it is not a date") else f": {e}"
        return Finding("bad-timestamp", f"{TIMESTAMP} holds '{text.strip()[:40]}'{said}; {RESUBMIT}", False)
    return None


def check_notebook(name: str, data: bytes, release) -> list[Finding]:
    """Every finding about one submitted notebook's bytes, against its released notebook."""
    found = []
    if len(data) > LARGE_NOTEBOOK_BYTES:
        found.append(Finding("large-notebook", f"{name} is {_mb(len(data))} (saved outputs are cleared before "
                                               f"grading)", True))
    text, unreadable = text_finding(name, data)
    if unreadable:
        return found + [unreadable]
    notebook, read = read_notebook(name, text)
    found += read
    if notebook is None:
        return found
    course_kernel = release.metadata.get("kernelspec", {}).get("name", "python3")
    kernel = kernel_finding(name, notebook, course_kernel)
    return found + ([kernel] if kernel else []) + cell_findings(name, graded_ids(notebook), graded_ids(release))


def check_submission(folder: Path, releases: Mapping[str, object]) -> list[Finding]:
    """Every finding about one submission folder; `releases` maps each released notebook file name to its notebook."""
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    found = folder_findings(files, releases)
    if any(not f.graded for f in found):
        return found
    stamp = folder / TIMESTAMP
    late = timestamp_finding(stamp.read_text(encoding="utf-8", errors="replace")) if stamp.is_file() else None
    found += [late] if late else []
    for name, release in releases.items():
        if (folder / name).is_file():
            found += check_notebook(name, (folder / name).read_bytes(), release)
    return found


def released_notebooks(root: Path, assignment: str) -> dict[str, object]:
    """{file name: notebook} of an assignment's release/ folder (what the students were given)."""
    return {p.name: nbformat.read(p, as_version=4) for p in sorted((root / "release" / assignment).glob("*.ipynb"))}


def check_assignment(root: Path, assignment: str, students: Iterable[str]) -> dict[tuple[str, str], list[Problem]]:
    """{(student, assignment): problems} for the given students' submissions of one assignment (clean ones left out)."""
    releases = released_notebooks(root, assignment)
    problems = {}
    for student in students:
        found = check_submission(root / "submitted" / student / assignment, releases)
        if found:
            problems[(student, assignment)] = [Problem(student, assignment, f.kind, f.message, f.graded) for f in found]
    return problems


def blocked(problems: Mapping[tuple[str, str], list[Problem]]) -> set[tuple[str, str]]:
    """The submissions left out of grading."""
    return {key for key, found in problems.items() if any(not p.graded for p in found)}


def intake_path(root: Path) -> Path:
    return root / "autograded" / INTAKE_JSON


def read(path: Path) -> dict[tuple[str, str], list[Problem]]:
    """The problems an intake.json records, by (student, assignment) (empty when absent or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {tuple(key.split("/", 1)): [Problem(**p) for p in found] for key, found in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def load(root: Path) -> dict[tuple[str, str], list[Problem]]:
    """The problems the autograde runs recorded in the course at `root`."""
    return read(intake_path(root))


def _write(root: Path, problems: Mapping[tuple[str, str], list[Problem]]) -> None:
    path = intake_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({f"{s}/{a}": [asdict(p) for p in found] for (s, a), found in sorted(problems.items())},
                              indent=1), encoding="utf-8")
    tmp.replace(path)


def save(root: Path, problems: Mapping[tuple[str, str], list[Problem]], checked: Iterable[tuple[str, str]]) -> None:
    """Replace what intake.json says about the `checked` submissions by `problems`; forget submissions that are gone."""
    checked = set(checked)
    kept = {key: found for key, found in load(root).items()
            if key not in checked and (root / "submitted" / key[0] / key[1]).is_dir()}
    _write(root, {**kept, **problems})


def add(root: Path, problems: Iterable[Problem]) -> None:
    """Add problems found while grading (nbgrader failed on a submission) to intake.json."""
    problems = list(problems)
    if problems:
        merged = load(root)
        for p in problems:
            merged[(p.student, p.assignment)] = [q for q in merged.get((p.student, p.assignment), []) if q != p] + [p]
        _write(root, merged)

"""Intake: look at every submission before autograding and say, in one line each, what is wrong with it.

A submission that cannot be graded (a student id or folder nbgrader cannot use, no notebook under its released
name, a file that is not UTF-8 JSON or not a valid notebook, nbgrader metadata nbgrader cannot read, copied graded
cells, an unreadable timestamp.txt) is left out of grading; one that can be graded but differs from the release (a
wrong kernel, graded cells stripped of their nbgrader metadata or moved, extra files, links or special files, an
old nbformat) is graded and the TA is told. Nothing here writes to submitted/: the folder is read through
aimath.submission_files (no link followed, bounded), the notebook decoded within MAX_JSON_DEPTH and
MAX_JSON_CONTAINERS, and each check is a small pure function of what it reads. Whatever a submission holds, its
check ends in findings, never in an exception: a check that fails names the submission in one line.

The problems of a run are kept in `autograded/intake.json` (`{"student/assignment": [problem, ...]}`), where the
summary and the report read them. Every text in a problem is printable (`untrusted_text.visible`): names that are
not UTF-8 or hold control characters are shown escaped.
"""
from __future__ import annotations

import copy
import difflib
import json
import re
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import nbformat

from aimath import grading_record, submission_files
from aimath.pipeline import run_records
from aimath.pipeline.plugins.check_metadata import CompiledMetadataValidator, schema_errors
from aimath.pipeline.plugins.late import MAX_TIMESTAMP_BYTES, TimestampError, read_timestamp
from aimath.untrusted_text import visible

TIMESTAMP = "timestamp.txt"
# Top-level names of a submission folder the grader writes in its autograded copy: a student's file of that name is
# never copied (it would be read as the grader's record).
GRADER_FILES = frozenset({grading_record.GRADING_JSON})
# Past this size a notebook is almost always saved outputs (cleared before grading); the TA hears of it.
LARGE_NOTEBOOK_BYTES = 20 * 2**20
# Decoding bounds of a notebook: nesting of JSON lists and objects, and how many there are (a real notebook has a
# depth of about 5 and a few hundred; each costs the grader about 100 bytes of memory per decoding).
MAX_JSON_DEPTH = 64
MAX_JSON_CONTAINERS = 1_000_000
# Cells of a notebook: the course's notebooks have 12-45, a student adds a few dozen at most; nbgrader's own steps and
# the feedback page cost time per cell, outside the sandbox's limits (a notebook of 300,000 empty cells cost minutes).
MAX_CELLS = 2_000
MAX_ID_CHARS = 128           # a student id (folder name) nbgrader's gradebook keeps
MAX_NAMES_LISTED = 5         # names one line lists before "and N more"
MAX_QUOTED_CHARS = 100       # how much of a student's text (an error message, a timestamp) a line quotes
RESUBMIT = "not graded: fix it or ask the student to resubmit, then rerun `make autograde`"
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
# nbgrader reads a student id as a file glob (CourseDirectory.student_id) and strips spaces at either end
_GLOB_CHARACTERS = "*?[]\\"


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


def listed(names: Sequence[str], limit: int = MAX_NAMES_LISTED) -> str:
    """Names (shown with `visible`) joined by commas, at most `limit` of them, then `and N more`."""
    shown = ", ".join(visible(n, MAX_QUOTED_CHARS) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _quoted(text: str) -> str:
    """The first line of a student-controlled text (an error message, a value), short and printable."""
    lines = str(text).strip().splitlines()
    return visible(lines[0] if lines else "", MAX_QUOTED_CHARS)


def id_problem(name: str, *, assignment: bool = False) -> str | None:
    """Why a folder name cannot be an nbgrader id (of a student, or of an assignment), or None when it can: it must
    be UTF-8, printable, at most MAX_ID_CHARS long, without spaces, not hidden (a leading dot), and without the
    characters nbgrader reads as a file glob (`* ? [ ] \\`); an assignment's, without `+` (nbgrader refuses it)."""
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in name):
        return "its name is not UTF-8"
    if not name or len(name) > MAX_ID_CHARS:
        return f"its name is empty or longer than {MAX_ID_CHARS} characters"
    if not name.isprintable():
        return "its name holds control or invisible characters"
    if any(c.isspace() for c in name):
        return "its name holds spaces"
    if name.startswith("."):
        return "its name starts with a dot (a hidden folder)"
    if name in run_records.AUTOGRADED_RECORDS:
        return f"{name} is the name of a file the grading pipeline keeps in autograded/"
    if any(c in _GLOB_CHARACTERS for c in name):
        return "its name holds * ? [ ] or \\, which nbgrader reads as a file pattern"
    if assignment and "+" in name:
        return "nbgrader refuses + in an assignment name"
    return None


def folder_findings(files: Iterable[str], expected: Iterable[str],
                    skipped: Sequence[submission_files.Skipped] = ()) -> list[Finding]:
    """What the file list of a submission folder (paths relative to it, as submission_files.scan lists them, and
    the entries it skipped) says against the released notebook names."""
    files, expected = sorted(files), sorted(expected)
    notebooks = [f for f in files if f.endswith(".ipynb") and "/" not in f and ".ipynb_checkpoints" not in f]
    found: list[Finding] = []
    missing = [e for e in expected if e not in notebooks]
    strangers = [n for n in notebooks if n not in expected]
    not_files = [s for s in skipped if s.path in missing]
    if not_files:
        return [Finding("notebook-not-a-file", f"{listed([s.path for s in not_files])} is left unopened "
                                               f"({not_files[0].why}); {RESUBMIT}", False)]
    if not files and not skipped:
        return [Finding("empty", f"the folder is empty (expected {', '.join(expected)}); {RESUBMIT}", False)]
    if missing and len(missing) == len(expected):
        held = files or [f"{s.path} ({s.why}, never opened)" for s in skipped]
        seen = f"found {listed(strangers)} (renamed?)" if strangers else f"found no notebook ({listed(held)})"
        return [Finding("renamed" if strangers else "no-notebook",
                        f"no {' or '.join(missing)}; {seen}; not graded: rename it to the released name (or ask the "
                        f"student to resubmit), then rerun `make autograde`", False)]
    if missing:
        found.append(Finding("missing-notebook", f"{', '.join(missing)} not handed in: it scores 0", True))
    if strangers:
        found.append(Finding("extra-notebook", f"also holds {listed(strangers)}, which is not graded "
                                               f"(only {', '.join(e for e in expected if e in notebooks)} is)", True))
    others = [f for f in files if not f.endswith(".ipynb") and f != TIMESTAMP and ".ipynb_checkpoints" not in f]
    if others:
        found.append(Finding("extra-files", f"extra files, not graded: {listed(others)}", True))
    if skipped:
        found.append(Finding("skipped-entries", "left out of the grading copy, never opened: " + listed(
            [f"{visible(s.path, MAX_QUOTED_CHARS)} ({s.why})" for s in skipped]), True))
    return found


def _containers(data: bytes) -> int:
    """How many JSON lists and objects `data` holds, at most (brackets inside strings are not counted when the
    quick count, which counts them, is over the bound)."""
    quick = data.count(b"[") + data.count(b"{")
    if quick <= MAX_JSON_CONTAINERS:
        return quick
    outside = _JSON_STRING.sub(b'""', data)
    return outside.count(b"[") + outside.count(b"{")


def json_depth(value) -> int:
    """How deeply lists and objects nest in a decoded JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def text_finding(name: str, data: bytes) -> tuple[str | None, Finding | None]:
    """The notebook's text, or why it cannot be read as UTF-8 JSON within the decoding bounds."""
    if not data.strip():
        return None, Finding("empty-file", f"{name} is an empty file; {RESUBMIT}", False)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, Finding("not-utf8", f"{name} is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                                         f"{RESUBMIT}", False)
    if _containers(data) > MAX_JSON_CONTAINERS:
        return None, Finding("too-large-json", f"{name} holds more than {MAX_JSON_CONTAINERS:,} JSON lists and "
                                               f"objects; {RESUBMIT}", False)
    deep = Finding("too-deep-json", f"{name} nests JSON values more than {MAX_JSON_DEPTH} levels deep; {RESUBMIT}",
                   False)
    try:
        value = json.loads(text)
    except RecursionError:
        return None, deep
    except ValueError as e:
        where = f" (line {e.lineno} column {e.colno})" if hasattr(e, "lineno") else ""
        return None, Finding("invalid-json", f"{name} is not valid JSON{where}; {RESUBMIT}", False)
    if json_depth(value) > MAX_JSON_DEPTH:
        return None, deep
    if isinstance(value, dict) and isinstance(value.get("cells"), list) and len(value["cells"]) > MAX_CELLS:
        return None, Finding("too-many-cells", f"{name} has {len(value['cells']):,} cells, more than {MAX_CELLS:,} "
                                               f"(the released notebook has a few dozen); {RESUBMIT}", False)
    return text, None


def read_notebook(name: str, text: str):
    """(notebook as nbformat 4, findings): why the JSON is not a valid notebook, or that it was converted from an
    older one. Valid means nbformat's schema of the notebook's version (a 4.0-4.4 notebook with cell ids, as some
    editors write, is checked as the 4.5 it would be upgraded to)."""
    captured: dict = {}
    try:
        with warnings.catch_warnings():  # nbformat's repairs (duplicate cell ids, ...) are the student's file's noise
            warnings.simplefilter("ignore")
            original = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
            version = original.get("nbformat")
            notebook = nbformat.reads(text, as_version=4, capture_validation_error=captured)
            invalid = captured.get("ValidationError")
            if invalid is not None and version == 4 and isinstance(notebook.get("nbformat_minor"), int) \
                    and notebook.nbformat_minor < 5:
                upgraded = nbformat.v4.upgrade(copy.deepcopy(notebook), from_version=4,
                                               from_minor=notebook.nbformat_minor)
                invalid = None if nbformat.validator.isvalid(upgraded) else invalid
    except Exception as e:  # nbformat raises many kinds for JSON that is not a notebook
        return None, [Finding("not-a-notebook", f"{name} is JSON but not a Jupyter notebook ({type(e).__name__}: "
                                                f"{_quoted(e)}); {RESUBMIT}", False)]
    if invalid is not None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in invalid.absolute_path).lstrip(".")
        return None, [Finding("invalid-notebook", f"{name} is not a valid notebook ({where or 'the notebook'} does not "
                                                  f"follow the nbformat schema: {_quoted(invalid.message)}); "
                                                  f"{RESUBMIT}", False)]
    found = []
    if version != 4:
        found.append(Finding("old-nbformat", f"{name} is nbformat {_quoted(version)}: converted to 4 for grading", True))
    return notebook, found


def metadata_error(cell, validator) -> str | None:
    """Why nbgrader cannot read a cell's nbgrader metadata (its schema first, naming the field, then the checks of
    nbgrader's own validator, such as the schema version), or None."""
    errors = schema_errors(cell.metadata["nbgrader"])
    if errors:
        path = ".".join(str(p) for p in errors[0].absolute_path)
        return f"{path}: {errors[0].message}" if path else errors[0].message
    try:
        validator.validate_cell(cell)
    except Exception as e:  # jsonschema's ValidationError, nbgrader's schema version errors, a TypeError ...
        return str(getattr(e, "message", e))
    return None


def metadata_finding(name: str, notebook) -> Finding | None:
    """The first cell whose nbgrader metadata nbgrader's own validator (the schema and its checks of one cell)
    rejects, or None. Copies of graded cells are cell_findings' to name."""
    validator = CompiledMetadataValidator()
    for number, cell in enumerate(notebook.cells, 1):
        why = metadata_error(cell, validator) if "nbgrader" in cell.metadata else None
        if why:
            return Finding("invalid-nbgrader-metadata", f"{name}: cell {number} has nbgrader metadata nbgrader cannot "
                                                        f"read ({_quoted(why)}); {RESUBMIT}", False)
    return None


def graded_ids(notebook) -> list[str]:
    """The nbgrader grade ids of a notebook's cells, in cell order (a copied cell appears twice)."""
    ids = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str) and meta["grade_id"]:
            ids.append(meta["grade_id"])
    return ids


def cell_findings(name: str, submitted: list[str], released: list[str]) -> list[Finding]:
    """Graded cells copied, stripped of their nbgrader metadata (or deleted), or moved, against the release."""
    found = []
    copies = sorted({i for i in submitted if submitted.count(i) > 1})
    if copies:
        found.append(Finding("duplicated-cells", f"{name} has copies of graded cells ({listed(copies)}); "
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
    said = f"kernel '{visible(str(kernel), MAX_QUOTED_CHARS)}'" if kernel else "no kernelspec"
    return Finding("kernelspec", f"{name} has {said}: graded with the course's {course_kernel} kernel", True)


def timestamp_finding(data: bytes | str) -> Finding | None:
    """Why a timestamp.txt's bytes (or text) cannot be read unambiguously (late.read_timestamp, which the pipeline's
    nbgrader reads it with), or None."""
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogateescape")
    text = data[:MAX_TIMESTAMP_BYTES + 1].decode("utf-8", errors="surrogateescape")
    if len(data) > MAX_TIMESTAMP_BYTES:
        return Finding("bad-timestamp", f"{TIMESTAMP} holds '{visible(text.strip()[:40])}', longer than "
                                        f"{MAX_TIMESTAMP_BYTES} bytes, not a date; {RESUBMIT}", False)
    if not text.strip():
        return None  # nbgrader ignores an empty one
    try:
        data.decode("utf-8")
        read_timestamp(text)
    except (UnicodeDecodeError, TimestampError) as e:
        said = f": {e}" if isinstance(e, TimestampError) and not str(e).startswith("it is not a date") else ", not a date"
        return Finding("bad-timestamp", f"{TIMESTAMP} holds '{visible(text.strip()[:40])}'{said}; {RESUBMIT}", False)
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
    invalid = metadata_finding(name, notebook)
    if invalid:
        return found + [invalid]
    course_kernel = release.metadata.get("kernelspec", {}).get("name", "python3")
    kernel = kernel_finding(name, notebook, course_kernel)
    return found + ([kernel] if kernel else []) + cell_findings(name, graded_ids(notebook), graded_ids(release))


def check_submission(folder: Path, releases: Mapping[str, object], *, trusted: Path | None = None) -> list[Finding]:
    """Every finding about one submission folder; `releases` maps each released notebook file name to its notebook.
    No component of `folder` below `trusted` (default: its parent) may be a link."""
    try:
        listing = submission_files.scan(folder, trusted=trusted, reserved=GRADER_FILES)
    except submission_files.NotAFolder as e:
        return [Finding("not-a-folder", f"the submission folder is not a folder ({e.why}); {RESUBMIT}", False)]
    found = folder_findings(listing.names, releases, listing.skipped)
    if any(not f.graded for f in found):
        return found
    if TIMESTAMP in listing.names:
        late = timestamp_finding(submission_files.read_file(folder, TIMESTAMP, trusted=trusted,
                                                            limit=MAX_TIMESTAMP_BYTES + 1))
        found += [late] if late else []
    for name, release in releases.items():
        if name in listing.names:
            found += check_notebook(name, submission_files.read_file(folder, name, trusted=trusted), release)
    return found


def released_notebooks(root: Path, assignment: str) -> dict[str, object]:
    """{file name: notebook} of an assignment's release/ folder (what the students were given)."""
    return {p.name: nbformat.read(p, as_version=4) for p in sorted((root / "release" / assignment).glob("*.ipynb"))}


def check_student(root: Path, student: str, assignment: str, releases: Mapping[str, object]) -> list[Finding]:
    """Every finding about `student`'s submission of `assignment`: the folder names first (nbgrader must be able to
    use them as ids), then the folder. Never raises: a check that fails is itself the finding."""
    try:
        for what, name in (("student folder", student), ("assignment folder", assignment)):
            why = id_problem(name, assignment=what == "assignment folder")
            if why:
                return [Finding("bad-folder-name", f"the {what} cannot be used as an nbgrader id ({why}); not "
                                                   f"graded: rename the folder, then rerun `make autograde`", False)]
        return check_submission(root / "submitted" / student / assignment, releases, trusted=root / "submitted")
    except Exception as e:  # a check that broke on what it read: the submission is named, the batch goes on
        return [Finding("intake-failed", f"intake could not read it ({type(e).__name__}: {_quoted(e)}); {RESUBMIT}",
                        False)]


def check_assignment(root: Path, assignment: str, students: Iterable[str]) -> dict[tuple[str, str], list[Problem]]:
    """{(student, assignment): problems} for the given students' submissions of one assignment (clean ones left out).
    Problems name the student and the assignment as `visible` shows them."""
    releases = released_notebooks(root, assignment)
    problems = {}
    for student in students:
        found = check_student(root, student, assignment, releases)
        if found:
            shown = (visible(student), visible(assignment))
            problems[shown] = [Problem(*shown, f.kind, f.message, f.graded) for f in found]
    return problems


def blocked(problems: Mapping[tuple[str, str], list[Problem]]) -> set[tuple[str, str]]:
    """The submissions left out of grading."""
    return {key for key, found in problems.items() if any(not p.graded for p in found)}


def intake_path(root: Path) -> Path:
    """Where the course at `root` keeps intake.json."""
    return run_records.record_path(root, run_records.INTAKE_JSON)


def read(path: Path) -> dict[tuple[str, str], list[Problem]]:
    """The problems an intake.json records, by (student, assignment) (empty when absent or unreadable); every text
    in them `visible` (what a run wrote is so already; a file edited by hand may not be)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = {tuple(key.split("/", 1)): [Problem(**p) for p in listed] for key, listed in data.items()}
        return {tuple(map(visible, key)): [Problem(visible(p.student), visible(p.assignment), visible(p.kind),
                                                   visible(p.message), p.graded) for p in listed]
                for key, listed in found.items()}
    except (OSError, ValueError, TypeError, AttributeError, RecursionError):
        return {}


def load(root: Path) -> dict[tuple[str, str], list[Problem]]:
    """The problems the autograde runs recorded in the course at `root`."""
    return read(intake_path(root))


def _write(root: Path, problems: Mapping[tuple[str, str], list[Problem]]) -> None:
    run_records.write_if_changed(intake_path(root), json.dumps(
        {f"{s}/{a}": [asdict(p) for p in found] for (s, a), found in sorted(problems.items())}, indent=1).encode())


def save(root: Path, problems: Mapping[tuple[str, str], list[Problem]], checked: Iterable[tuple[str, str]]) -> None:
    """Replace what intake.json says about the `checked` submissions by `problems`; forget submissions that are gone."""
    checked = {(visible(s), visible(a)) for s, a in checked}
    kept = {key: found for key, found in load(root).items()
            if key not in checked and (root / "submitted" / key[0] / key[1]).is_dir()}
    _write(root, {**kept, **problems})


def add(root: Path, problems: Iterable[Problem]) -> None:
    """Add problems found while grading (nbgrader failed on a submission) to intake.json (names and message made
    `visible`)."""
    problems = [Problem(visible(p.student), visible(p.assignment), p.kind, visible(p.message), p.graded)
                for p in problems]
    if problems:
        merged = load(root)
        for p in problems:
            merged[(p.student, p.assignment)] = [q for q in merged.get((p.student, p.assignment), []) if q != p] + [p]
        _write(root, merged)


# ------------------------------------------------------------------ folders of submitted/<student>/ that name no assignment

def closest_assignment(folder: str, assignments: list[str]) -> str | None:
    """The assignment a misnamed folder most likely means (`basic-math`, `Basic Math` -> `basic_math`), or None."""
    def plain(name: str) -> str:
        return re.sub(r"[\s.-]+", "_", name.strip().lower())

    by_plain = {plain(a): a for a in assignments}
    found = difflib.get_close_matches(plain(folder), list(by_plain), n=1, cutoff=0.6)
    return by_plain[found[0]] if found else None


# intake kinds of a folder of submitted/<student>/ that names no assignment: one close to an assignment's name (the
# problem is listed under that assignment), and one close to none (listed under the folder's own name)
MISNAMED_FOLDER, UNKNOWN_FOLDER = "misnamed-folder", "unknown-assignment"


MISNAMED = (MISNAMED_FOLDER, UNKNOWN_FOLDER)


def misnamed_folders(*, root: Path, assignments: list[str]) -> list[Problem]:
    """One problem per folder submitted/<student>/<folder>/ whose name is not one of the course's `assignments`:
    under the assignment it most likely means (the summary and report show it there), else under the folder's name;
    then the `loose_notebooks`."""
    problems = []
    for folder in sorted(p for p in (root / "submitted").glob("*/*") if p.is_dir() and p.name not in assignments):
        student, where = folder.parent.name, f"submitted/{folder.parent.name}/{folder.name}/"
        meant = closest_assignment(folder.name, assignments)
        if meant is None:
            problems.append(Problem(
                student, folder.name, UNKNOWN_FOLDER, f"{where} is not an assignment of this course (they are "
                f"{', '.join(assignments)}); not graded: move it to the right one's folder, then rerun "
                f"`make autograde`", False))
        elif (root / "submitted" / student / meant).is_dir():
            problems.append(Problem(
                student, meant, MISNAMED_FOLDER, f"also has {where} (not an assignment of this course; {meant}/ is "
                f"graded): not graded", True))
        else:
            problems.append(Problem(
                student, meant, MISNAMED_FOLDER, f"the submission is in {where}, not submitted/{student}/{meant}/; not "
                f"graded: move it there, then rerun `make autograde`", False))
    return problems + loose_notebooks(root=root, assignments=assignments)


def loose_notebooks(*, root: Path, assignments: list[str]) -> list[Problem]:
    """One problem per notebook handed in as submitted/<student>/<name>.ipynb, in no assignment's folder (nbgrader
    never looks there): under the assignment its name most likely means, else under its own name. Only names are
    read."""
    problems = []
    for notebook in sorted(p for p in (root / "submitted").glob("*/*.ipynb")
                           if not p.name.startswith(".") and not p.parent.name.startswith(".")):
        student, where = notebook.parent.name, f"submitted/{notebook.parent.name}/{notebook.name}"
        meant = closest_assignment(notebook.stem, assignments)
        if meant is None:
            problems.append(Problem(
                student, notebook.stem, UNKNOWN_FOLDER, f"{where} is in no assignment's folder (they are "
                f"{', '.join(assignments)}); not graded: move it into the right one's folder, then rerun "
                f"`make autograde`", False))
        else:
            graded = (root / "submitted" / student / meant).is_dir()
            problems.append(Problem(
                student, meant, MISNAMED_FOLDER, f"also has {where}, in no assignment's folder ({meant}/ is graded): "
                f"not graded" if graded else f"the notebook {where} is in no assignment's folder; not graded: move "
                f"it into submitted/{student}/{meant}/, then rerun `make autograde`", graded))
    return problems


def record_misnamed(root: Path, found: list[Problem]) -> None:
    """Make intake.json list exactly `found` of the misnamed folders (those moved since are forgotten)."""
    recorded = load(root)
    keys = {key for key, problems in recorded.items() if any(p.kind in MISNAMED for p in problems)}
    keys |= {(p.student, p.assignment) for p in found}
    if not keys:
        return
    merged = {key: [p for p in recorded.get(key, []) if p.kind not in MISNAMED] +
              [p for p in found if (p.student, p.assignment) == key] for key in keys}
    save(root, {key: problems for key, problems in merged.items() if problems}, keys)

"""Property-based tests (hypothesis) of hostile submissions: any JSON value of any type in any field of a notebook,
any bytes as a name, links, hard links, FIFOs and sockets, huge and deeply nested values.

- Intake and the folder readers (cheap, many examples): they never raise, never block, never follow a link, and
  speak in printable one-line findings.
- The whole pipeline (few examples, the TA's commands in one batch with an honest student, in the sandbox):
  every step completes, the honest student keeps full marks, no terminal line carries a control character a
  submission chose, no CSV cell is a formula, and nothing outside the submissions changes (the course's files,
  the gradebook's assignment and cells and the honest student's grades), nor the submission folders.

Examples are derandomized and hypothesis keeps no database, so CI runs the same examples every time; the pipeline
examples are not shrunk (a failure is reported as generated).
"""
from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from nbgrader.api import Gradebook

from aimath import submission_files
from aimath.pipeline import export, intake, nbgrader_session
from aimath.report import summary
from tests.test_faults import ASSIGNMENT, FULL, NOTEBOOK, new_course, solved_notebook
from tests.attacks.test_hostile_submissions import CONTROL, run_step, snapshot
from tests.test_pipeline import ROOT

RELEASE = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
RELEASE_JSON = json.loads(nbformat.writes(RELEASE))
SECRET = "TOP-SECRET-7f3a"
HANG_S = 60  # a folder reader that blocks (a FIFO opened for reading) fails the example instead of hanging CI

# ---------------------------------------------------------------- strategies

ODD_CHARACTERS = ["\x1b", "\r", "\n", "\x00", "\x07", "\x9b", "\u202e", "\u200b", "\udcff", "\ufeff", "=", "@", "'",
                  '"', ",", "\\", "/", "*", "[", "<", ">", "&"]
texts = st.text(st.one_of(st.characters(), st.sampled_from(ODD_CHARACTERS)), max_size=12)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                         st.floats(allow_nan=False, allow_infinity=False), texts)
json_values = st.recursive(json_scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(texts, children, max_size=4)), max_leaves=12)


def _nested(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


# huge and deeply nested values, each a distinct bound of intake or of what nbgrader copes with
big_values = st.sampled_from(["x" * 2**20, _nested(40), _nested(200), [[] for _ in range(20000)],
                              {str(i): i for i in range(5000)}])
any_value = st.one_of(json_values, json_values, json_values, big_values)

CELL_FIELDS = ["cell_type", "source", "outputs", "id", "metadata", "execution_count", "attachments"]
NBGRADER_FIELDS = ["grade_id", "points", "schema_version", "grade", "solution", "locked", "task", "checksum"]
TOP_FIELDS = [("metadata", "kernelspec"), ("metadata", "kernelspec", "name"), ("metadata", "language_info"),
              ("nbformat",), ("nbformat_minor",), ("cells",), ("metadata",), ("metadata", "nbgrader")]


@st.composite
def mutation(draw):
    """(path in the notebook's JSON, value): a path may name a cell by index, or "+" for a new cell."""
    where = draw(st.sampled_from(["cell", "nbgrader", "top", "new-cell"]))
    index = draw(st.integers(0, len(RELEASE_JSON["cells"]) - 1))
    if where == "cell":
        return ("cells", index, draw(st.sampled_from(CELL_FIELDS))), draw(any_value)
    if where == "nbgrader":
        return ("cells", index, "metadata", "nbgrader", draw(st.sampled_from(NBGRADER_FIELDS))), draw(any_value)
    if where == "top":
        return draw(st.sampled_from(TOP_FIELDS)), draw(any_value)
    cell = {"cell_type": draw(st.sampled_from(["markdown", "code", "raw"]) | json_values),
            "metadata": draw(st.fixed_dictionaries({"nbgrader": json_values}) | json_values),
            "source": draw(texts | json_values)}
    return ("cells", "+"), cell


def mutate(notebook: dict, mutations) -> dict:
    """The notebook's JSON with each mutation applied where its path still leads somewhere."""
    notebook = copy.deepcopy(notebook)
    for path, value in mutations:
        target = notebook
        for key in path[:-1]:
            if isinstance(target, list) and isinstance(key, int) and key < len(target):
                target = target[key]
            elif isinstance(target, dict):
                target = target.setdefault(key, {})
            else:
                break
        else:
            if path[-1] == "+" and isinstance(target, list):
                target.append(value)
            elif isinstance(target, dict):
                target[path[-1]] = value
            elif isinstance(target, list) and isinstance(path[-1], int) and path[-1] < len(target):
                target[path[-1]] = value
    return notebook


@st.composite
def free_form_mutation(draw):
    """A hostile value where the notebook format lets a student put anything (free-form metadata, text), so the
    notebook stays gradable: what reaches nbgrader, the sandbox, the feedback and the report."""
    index = draw(st.integers(0, len(RELEASE_JSON["cells"]) - 1))
    where = draw(st.sampled_from(["notebook-metadata", "cell-metadata", "kernel-name", "markdown"]))
    if where == "notebook-metadata":
        return ("metadata", draw(texts.filter(lambda t: t not in ("kernelspec", "language_info")))), draw(any_value)
    if where == "cell-metadata":
        return ("cells", index, "metadata", draw(texts.filter(lambda t: t != "nbgrader"))), draw(any_value)
    if where == "kernel-name":
        return ("metadata", "kernelspec", "name"), draw(texts)
    return ("cells", "+"), {"cell_type": "markdown", "metadata": {}, "source": draw(texts), "id": "hostile"}


hostile_notebooks = st.lists(mutation(), min_size=1, max_size=4).map(lambda m: mutate(RELEASE_JSON, m))
names = st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\0" not in b
                                                   and b not in (b".", b"..") and not b.startswith(b"."))
ENTRY_KINDS = ["file", "folder", "link-to-secret", "link-to-folder", "hard-link-to-secret", "fifo", "socket"]
entries = st.lists(st.tuples(st.lists(names, min_size=1, max_size=3), st.sampled_from(ENTRY_KINDS)), max_size=8)


# ---------------------------------------------------------------- building folders

def _make_entries(folder: bytes, secret: bytes, made) -> list:
    """Create each (path, kind) under `folder`, where it does not clash; returns the sockets (to close)."""
    sockets = []
    for parts, kind in made:
        parent = os.path.join(folder, *parts[:-1])
        path = os.path.join(parent, parts[-1])
        try:
            os.makedirs(parent, exist_ok=True)
            if os.path.lexists(path):
                continue
            if kind == "file":
                with open(path, "wb") as handle:
                    handle.write(b"data " + parts[-1])
            elif kind == "folder":
                os.mkdir(path)
            elif kind == "link-to-secret":
                os.symlink(secret, path)
            elif kind == "link-to-folder":
                os.symlink(os.path.dirname(secret), path)
            elif kind == "hard-link-to-secret":
                os.link(secret, path)
            elif kind == "fifo":
                os.mkfifo(path)
            elif kind == "socket" and len(path) < 100:
                listener = socket.socket(socket.AF_UNIX)
                listener.bind(path)
                sockets.append(listener)
        except (FileExistsError, NotADirectoryError, OSError):
            continue  # a name under a file, a path too long: the folder just lacks that entry
    return sockets


@contextmanager
def _no_hang(seconds: int = HANG_S):
    def hung(*_):
        raise TimeoutError(f"a folder reader blocked for {seconds} s")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _printable_one_liners(findings) -> None:
    for finding in findings:
        assert finding.message.isprintable() and finding.kind.isprintable(), finding
        assert len(finding.message) < 1500, finding


# ---------------------------------------------------------------- intake and folder readers: many examples

@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_notebooks)
def test_intake_takes_any_notebook_and_names_it_in_printable_lines(notebook):
    data = json.dumps(notebook).encode()
    findings = intake.check_notebook(NOTEBOOK, data, RELEASE)
    _printable_one_liners(findings)
    if all(f.graded for f in findings):  # what intake lets through, nbformat and nbgrader can read
        read = nbformat.reads(data.decode(), as_version=4)
        nbformat.validate(nbformat.v4.upgrade(read, from_version=4, from_minor=read.nbformat_minor)
                          if read.nbformat_minor < 5 else read)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(entries, st.binary(min_size=1, max_size=8).filter(lambda b: b"/" not in b and b"\0" not in b))
def test_folder_readers_take_any_names_and_entries_and_follow_nothing(made, student):
    with tempfile.TemporaryDirectory() as tmp:
        root = os.fsencode(tmp)
        secret = os.path.join(root, b"secret.txt")
        with open(secret, "w") as handle:
            handle.write(SECRET)
        if student in (b".", b".."):
            student = b"s"
        folder = os.path.join(root, b"submitted", student, ASSIGNMENT.encode())
        os.makedirs(folder)
        with open(os.path.join(folder, NOTEBOOK.encode()), "w") as handle:
            handle.write(nbformat.writes(RELEASE))
        sockets = _make_entries(folder, secret, made)
        try:
            before = snapshot(Path(os.fsdecode(folder)))
            path, trusted = Path(os.fsdecode(folder)), Path(os.fsdecode(root)) / "submitted"
            with _no_hang():
                listing = submission_files.scan(path, trusted=trusted)
                assert submission_files.digest(path, trusted=trusted) == submission_files.digest(path, trusted=trusted)
                copied = submission_files.copy(path, Path(tmp) / "copy", trusted=trusted)
                findings = intake.check_student(Path(tmp), os.fsdecode(student), ASSIGNMENT, {NOTEBOOK: RELEASE})
            assert copied.names == listing.names
            for parent, dirs, files in os.walk(os.path.join(root, b"copy")):
                for name in dirs + files:
                    mode = os.lstat(os.path.join(parent, name)).st_mode
                    assert os.path.isdir(os.path.join(parent, name)) or os.path.isfile(os.path.join(parent, name))
                    assert not os.path.islink(os.path.join(parent, name)), mode
                for name in files:
                    with open(os.path.join(parent, name), "rb") as handle:
                        assert SECRET.encode() not in handle.read()
            _printable_one_liners(findings)
            assert snapshot(path) == before
        finally:
            for listener in sockets:
                listener.close()


# ---------------------------------------------------------------- the whole pipeline: few examples

@pytest.fixture(scope="module")
def released_course(tmp_path_factory):
    """A released basic_math course and the honest solution, built once and copied for each example."""
    root = new_course(tmp_path_factory.mktemp("hostile-template") / "course")
    return root, solved_notebook(root)


@st.composite
def hostile_student(draw):
    """(student id, notebook JSON, folder entries) of one hostile student."""
    student = draw(st.one_of(st.from_regex(r"[a-z][a-z0-9=+@-]{0,8}", fullmatch=True), names,
                             st.sampled_from([b"=2+5", b"@cmd", b"\x1b[2Kerase", b"stud\xffent", b"-1+1"])))
    student = student.encode() if isinstance(student, str) else student
    base = draw(st.sampled_from(["release", "solution"]))
    changes = draw(st.lists(free_form_mutation(), max_size=3)) + draw(st.lists(mutation(), max_size=1))
    return student, base, changes, draw(entries)


def _gradebook_cells(root: Path) -> tuple:
    """The gradebook's cells of the assignment: source and checksum of each, points of each graded one."""
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        notebook = gradebook.find_notebook(ASSIGNMENT, ASSIGNMENT)
        return (sorted((c.name, c.source, c.checksum) for c in notebook.source_cells),
                sorted((c.name, c.max_score) for c in notebook.grade_cells))


def _grades(root: Path, student: str) -> dict:
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        return {g.name: (g.score, g.max_score) for g in
                gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).grades}


def _course_files(root: Path) -> dict:
    paths = [p for p in sorted((root / "source").rglob("*")) + sorted((root / "release").rglob("*")) if p.is_file()]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in paths + [root / nbgrader_session.CONFIG_FILE, root / "secret.txt"]}


@pytest.mark.pipeline
@pytest.mark.xdist_group("hostile-property")
@settings(max_examples=2, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(st.lists(hostile_student(), min_size=3, max_size=3, unique_by=lambda s: s[0]))
@example([  # every kind at once, gradable: free-form metadata of any type and size, escapes, links, odd names
    (b"ok=1", "solution", [(("metadata", "deep"), _nested(40)), (("metadata", "huge"), "x" * 2**20),
                           (("cells", 3, "metadata", "custom"), {"\x1b[2K": [None, 1.5, "\u202e"]}),
                           (("metadata", "kernelspec", "name"), "python3\x1b[2K\x1b[1A\r"),
                           (("cells", "+"), {"cell_type": "markdown", "metadata": {}, "source": "<script>x</script>\x1b",
                                             "id": "hostile"})],
     [([b"\xff.txt"], "file"), ([b"gb.db"], "link-to-secret"), ([b"hard"], "hard-link-to-secret"),
      ([b"up"], "link-to-folder"), ([b"pipe"], "fifo"), ([b"sock"], "socket"), ([b"d\xfe", b"\x1b[2K"], "file")]),
    (b"=2+5", "solution", [], []),
    (b"stud\xffent", "solution", [(("cells", 0, "metadata", "nbgrader", "grade_id"), ["x"])], []),
])
def test_a_batch_with_hostile_students_completes_and_changes_nothing_else(released_course, students):
    template, solved = released_course
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "course"
        shutil.copytree(template, root, symlinks=True)
        (root / "secret.txt").write_text(SECRET)
        honest = "honest"
        folder = root / "submitted" / honest / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_text(nbformat.writes(solved))
        sockets = []
        for student, base, mutations, made in students:
            if student in (b"honest", b".", b".."):
                continue
            start = json.loads(nbformat.writes(solved if base == "solution" else RELEASE))
            path = os.path.join(os.fsencode(root), b"submitted", student, ASSIGNMENT.encode())
            os.makedirs(path)
            with open(os.path.join(path, NOTEBOOK.encode()), "wb") as handle:
                handle.write(json.dumps(mutate(start, mutations)).encode())
            sockets += _make_entries(path, os.path.join(os.fsencode(root), b"secret.txt"), made)
        try:
            before, files_before, cells_before = snapshot(root / "submitted"), _course_files(root), _gradebook_cells(root)
            steps = {step: run_step(root, step) for step in ("autograde", "feedback", "export", "summary", "report")}
        finally:
            for listener in sockets:
                listener.close()
        for step, done in steps.items():
            assert done.returncode == 0, (step, done.stderr[-3000:].decode(errors="backslashreplace"))
            for stream in (done.stdout, done.stderr):
                text = re.sub(r"\rgraded \d+/\d+ notebooks", "", stream.decode("utf-8", errors="backslashreplace"))
                assert not CONTROL.search(text), (step, text[-2000:])
        assert summary.scores(root=root)[honest][ASSIGNMENT][0] == FULL
        assert _gradebook_cells(root) == cells_before
        assert all(score == top for score, top in _grades(root, honest).values() if top), _grades(root, honest)
        assert snapshot(root / "submitted") == before
        assert _course_files(root) == files_before
        for csv_file in (root / export.GRADES_CSV, root / "report" / "grades_wide.csv"):
            with open(csv_file, newline="", encoding="utf-8") as handle:
                cells_written = [c for row in csv.reader(handle) for c in row]
            assert not [c for c in cells_written if c.startswith(("=", "+", "-", "@", "\t", "\r"))
                        and not re.fullmatch(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?", c)], cells_written
        for path in (root / "autograded").rglob("*"):
            if path.is_file() and path.suffix in (".ipynb", ".html", ".json"):
                assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path

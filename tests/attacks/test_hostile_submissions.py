"""Hostile submission folders (issue 18 cases 3-5, issue 19 cases 1 and 3), graded in one batch in the sandbox.

One basic_math course, graded by the TA's commands (`python -m aimath autograde|feedback|export|summary|
report`, as the Makefile runs them) with an honest student beside:
- `linker`: the solution, links to the gradebook and to a secret file outside its folder (symbolic, hard, a
  linked folder), a FIFO and a socket, and a cell printing whatever it can read through them (case 3);
- `bytes` (file and folder names that are not UTF-8) and a student folder whose own name is not UTF-8 (case 4);
- `meta`: a markdown cell with `"nbgrader": {"grade_id": ["x"]}` (case 5);
- `escfile` and `esckernel`: terminal escapes in a file name and in the kernelspec's name (issue 19, case 1);
- `=2+5`: a student id that a spreadsheet reads as a formula (issue 19, case 3).
The batch must complete, every gradable student keep full marks, every odd one get its one line, and no terminal
line, CSV cell or page carry what the student chose unescaped.
"""
from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import re
import socket
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from aimath.pipeline import export, nbgrader_session, run_records
from aimath.report import summary
from tests.test_faults import ASSIGNMENT, FULL, NOTEBOOK, new_course, solved_notebook

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("hostile")]

SECRET = "TOP-SECRET-7f3a"  # in a file outside every submission folder
ESCAPES = "\x1b[2K\x1b[1A\x1b[2K\r"
BAD_ID = b"stud\xffent"
STEP_TIMEOUT_S = 600  # a step that hangs (a FIFO opened for reading) fails the test instead of the suite
# Any C0 or C1 control character but the newline (ESC included).
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
READ_THROUGH_LINKS = """
import os
for name in ["gb.db", "hard.txt", "up/secret.txt", "fifo", "sock"]:
    try:
        with open(name, "rb") as handle:
            print(name, handle.read(300))
    except Exception as error:
        print(name, "unreadable:", type(error).__name__)
print("home:", sorted(os.listdir(".")))
"""


def _with_cell(nb, cell):
    nb = copy.deepcopy(nb)
    nb.cells.append(cell)
    return nb


def _folder(root: Path, student: bytes) -> bytes:
    folder = os.path.join(os.fsencode(root), b"submitted", student, ASSIGNMENT.encode())
    os.makedirs(folder, exist_ok=True)
    return folder


def _put(root: Path, student: bytes, nb) -> bytes:
    folder = _folder(root, student)
    with open(os.path.join(folder, NOTEBOOK.encode()), "wb") as handle:
        handle.write(nbformat.writes(nb).encode())
    return folder


def snapshot(folder: Path) -> dict:
    """{relative path as bytes: (type, link target or sha256 of the bytes)} of everything under `folder`, read with
    lstat (a link is recorded, not followed; a FIFO or socket is never opened)."""
    found = {}
    top = os.fsencode(folder)
    for parent, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(parent, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                found[os.path.relpath(path, top)] = ("link", os.readlink(path))
            elif stat.S_ISREG(mode):
                with open(path, "rb") as handle:
                    found[os.path.relpath(path, top)] = ("file", hashlib.sha256(handle.read()).hexdigest())
            else:
                found[os.path.relpath(path, top)] = (stat.S_IFMT(mode), None)
    return found


def _committed(root: Path) -> dict:
    """sha256 of the course's own files: source/, release/, nbgrader_config.py and the secret beside them."""
    paths = [p for p in sorted((root / "source").rglob("*")) + sorted((root / "release").rglob("*")) if p.is_file()]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in paths + [root / nbgrader_session.CONFIG_FILE, root / "secret.txt"]}


def run_step(root: Path, step: str) -> subprocess.CompletedProcess:
    """One step of the TA's pipeline, as the Makefile runs it."""
    command = [sys.executable, "-m", "aimath", step, "--root", str(root)]
    try:
        return subprocess.run(command, capture_output=True, timeout=STEP_TIMEOUT_S, env={**os.environ})
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(command, -1, e.stdout or b"", (e.stderr or b"") + b"\n(step timed out)")


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    """(root, {step: CompletedProcess}, snapshot of submitted/ before and after, course files before and after)."""
    root = new_course(tmp_path_factory.mktemp("hostile") / "course")
    (root / "secret.txt").write_text(SECRET)
    solved = solved_notebook(root)
    _put(root, b"honest", solved)

    linker = _put(root, b"linker", _with_cell(solved, nbformat.v4.new_code_cell(READ_THROUGH_LINKS)))
    os.symlink(b"../../../gradebook.db", os.path.join(linker, b"gb.db"))
    os.link(root / "secret.txt", os.path.join(linker, b"hard.txt"))
    os.symlink(b"../../..", os.path.join(linker, b"up"))
    os.mkfifo(os.path.join(linker, b"fifo"))
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(os.path.join(linker, b"sock"))

    folder = _put(root, b"bytes", solved)
    with open(os.path.join(folder, b"\xff.txt"), "wb") as handle:
        handle.write(b"notes")
    os.mkdir(os.path.join(folder, b"dir\xfe"))
    with open(os.path.join(folder, b"dir\xfe", b"\x80data"), "wb") as handle:
        handle.write(b"1,2\n")
    _put(root, BAD_ID, solved)

    markdown = nbformat.v4.new_markdown_cell("an extra note")
    markdown.metadata["nbgrader"] = {"grade_id": ["x"]}
    _put(root, b"meta", _with_cell(solved, markdown))

    folder = _put(root, b"escfile", solved)
    with open(os.path.join(folder, f"{ESCAPES}notes.txt".encode()), "wb") as handle:
        handle.write(b"notes")
    escaped_kernel = copy.deepcopy(solved)
    escaped_kernel.metadata.kernelspec["name"] = f"python3{ESCAPES}"
    _put(root, b"esckernel", escaped_kernel)
    _put(root, b"=2+5", solved)

    before, files_before = snapshot(root / "submitted"), _committed(root)
    steps = {}
    try:
        for step in ("autograde", "feedback", "export", "summary", "report"):
            steps[step] = run_step(root, step)
    finally:
        listener.close()
    yield root, steps, (before, snapshot(root / "submitted")), (files_before, _committed(root))


def _summary(steps) -> str:
    return steps["summary"].stdout.decode("utf-8", errors="backslashreplace")


def _lines(steps, student: str) -> list[str]:
    return [line.strip() for line in _summary(steps).splitlines() if line.strip().startswith(f"{student} / {ASSIGNMENT}: ")]


def _score(root: Path, student: str):
    return summary.scores(root=root).get(student, {}).get(ASSIGNMENT)


def _written_text(root: Path, student: str) -> str:
    """Every autograded and feedback file of a student, as text."""
    text = []
    for top in ("autograded", "feedback"):
        for path in sorted((root / top / student).rglob("*")):
            if path.is_file():
                text.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(text)


def test_the_batch_completes_every_step(hostile_class):
    _, steps, _, _ = hostile_class
    for step, done in steps.items():
        assert done.returncode == 0, (step, done.stderr[-3000:])


@pytest.mark.parametrize("student", ["honest", "linker", "bytes", "escfile", "esckernel", "=2+5"])
def test_every_gradable_student_keeps_full_marks(hostile_class, student):
    root, _, _, _ = hostile_class
    score = _score(root, student)
    assert score is not None and score[0] == FULL, (student, score)


def test_links_and_special_files_never_reach_the_sandbox(hostile_class):
    """Case 3: nothing the links point to is copied or read; the line names what was skipped."""
    root, steps, _, _ = hostile_class
    written = _written_text(root, "linker")
    assert "gb.db unreadable" in written  # the student's cell ran, and found nothing behind the names
    assert SECRET not in written and "SQLite format" not in written
    [home] = re.findall(r"home: \[(.*?)\]", written)[:1]  # the kernel's home: no link and no special file
    assert "basic_math.ipynb" in home and not {"'gb.db'", "'hard.txt'", "'up'", "'fifo'", "'sock'"} & set(home.split(", "))
    [line] = [line for line in _lines(steps, "linker") if "never opened" in line]
    assert line == (f"linker / {ASSIGNMENT}: left out of the grading copy, never opened: fifo (FIFO), gb.db (symbolic "
                     f"link), hard.txt (hard link), sock (socket), up (symbolic link)")


def test_names_that_are_not_utf8_are_handled_by_every_step(hostile_class):
    """Case 4: graded, named escaped; a student folder named with such bytes is left out with one line."""
    root, steps, _, _ = hostile_class
    assert _lines(steps, "bytes") == [f"bytes / {ASSIGNMENT}: extra files, not graded: dir\\xfe/\\x80data, \\xff.txt"]
    assert _lines(steps, "stud\\xffent") == [
        f"stud\\xffent / {ASSIGNMENT}: the student folder cannot be used as an nbgrader id (its name is not UTF-8); "
        "not graded: rename the folder, then rerun `make autograde`"]
    assert _score(root, "stud\\xffent") is None
    page = (root / "report" / "index.html").read_text(encoding="utf-8")
    assert 'data-student="stud\\xffent"' in page


def test_metadata_of_an_unexpected_type_leaves_only_that_submission_out(hostile_class):
    """Case 5: one line naming the cell, not graded; the others are graded."""
    root, steps, _, _ = hostile_class
    [line] = _lines(steps, "meta")
    assert line.startswith(f"meta / {ASSIGNMENT}: {NOTEBOOK}: cell ") and "has nbgrader metadata nbgrader cannot read" in line
    assert "(grade_id: ['x'] is not of type 'string')" in line and line.endswith("then rerun `make autograde`")
    assert _score(root, "meta") is None


def test_terminal_lines_show_control_characters_escaped(hostile_class):
    """Issue 19, case 1: no step prints a control character a submission chose (the progress line's \\r is ours)."""
    _, steps, _, _ = hostile_class
    for step, done in steps.items():
        for stream in (done.stdout, done.stderr):
            text = stream.decode("utf-8", errors="backslashreplace")
            text = re.sub(r"\rgraded \d+/\d+ notebooks", "", text)
            assert not CONTROL.search(text), (step, CONTROL.findall(text), text[-2000:])
    assert _lines(steps, "escfile") == [f"escfile / {ASSIGNMENT}: extra files, not graded: "
                                        "\\x1b[2K\\x1b[1A\\x1b[2K\\x0dnotes.txt"]
    assert _lines(steps, "esckernel") == [f"esckernel / {ASSIGNMENT}: {NOTEBOOK} has kernel "
                                          "'python3\\x1b[2K\\x1b[1A\\x1b[2K\\x0d': graded with the course's python3 kernel"]


def _cells(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_no_csv_cell_is_a_formula(hostile_class):
    """Issue 19, case 3: grades.csv (nbgrader's export, `make export` and the report's copy) and grades_wide.csv."""
    root, _, _, _ = hostile_class
    for path in (root / export.GRADES_CSV, root / "report" / export.GRADES_CSV, root / "report" / "grades_wide.csv"):
        cells = _cells(path)
        assert "'=2+5" in cells, path
        formulas = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))
                    and not re.fullmatch(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?", c)]
        assert not formulas, (path, formulas)


def test_submissions_and_course_files_are_unchanged(hostile_class):
    _, _, (before, after), (files_before, files_after) = hostile_class
    assert after == before
    assert files_after == files_before


def test_intake_json_holds_only_printable_text(hostile_class):
    root, _, _, _ = hostile_class
    for key, problems in json.loads((root / "autograded" / run_records.INTAKE_JSON).read_text()).items():
        for problem in problems:
            assert all(str(v).isprintable() for v in (key, *problem.values())), problem

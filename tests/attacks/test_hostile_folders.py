"""Each step's own defence against a hostile submission folder, without grading (fast; the batch through every step
is tests/attacks/test_hostile_submissions.py, the property tests tests/attacks/test_hostile_property.py).

Issue 18: links and special files (case 3), names that are not UTF-8 (case 4), metadata of any type (case 5);
issue 19: terminal escapes (case 1) and spreadsheet formulas (case 3), and the report's HTML.
"""
from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from aimath.pipeline import digests, export, intake, nbgrader_session, parallel
from aimath.report import summary
from tests.test_pipeline import ROOT

ASSIGNMENT = "basic_math"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
SECRET = "TOP-SECRET-7f3a"
RELEASE = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
CODE = next(i for i, cell in enumerate(RELEASE.cells) if cell.cell_type == "code")  # the first code cell


def _course(root: Path) -> Path:
    """A course folder with the config only (no grading here)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    return root


def _submission(root: Path, student: bytes = b"s1") -> bytes:
    folder = os.path.join(os.fsencode(root), b"submitted", student, ASSIGNMENT.encode())
    os.makedirs(folder)
    with open(os.path.join(folder, NOTEBOOK.encode()), "wb") as handle:
        handle.write(nbformat.writes(RELEASE).encode())
    return folder


def _linked_folder(root: Path) -> bytes:
    """A submission holding every kind of entry that must never be followed or opened."""
    (root / "secret.txt").write_text(SECRET)
    folder = _submission(root)
    os.symlink(b"../../../secret.txt", os.path.join(folder, b"gb.db"))
    os.link(root / "secret.txt", os.path.join(folder, b"hard.txt"))
    os.symlink(b"../../..", os.path.join(folder, b"up"))
    os.mkfifo(os.path.join(folder, b"fifo"))
    return folder


def _findings(root: Path, student: str = "s1") -> list:
    return intake.check_submission(root / "submitted" / student / ASSIGNMENT, {NOTEBOOK: RELEASE})


def test_intake_names_links_and_special_files_in_one_line_and_opens_none(tmp_path):
    """Issue 18, case 3 at intake: each is skipped and named; the submission is graded."""
    _linked_folder(tmp_path)
    found = _findings(tmp_path)
    assert [(f.kind, f.message) for f in found] == [
        ("skipped-entries", "left out of the grading copy, never opened: fifo (FIFO), gb.db (symbolic link), "
                            "hard.txt (hard link), up (symbolic link)")]
    assert all(f.graded for f in found)


def test_the_digest_never_opens_a_fifo(tmp_path):
    """Issue 18, case 3: reading a FIFO blocks for ever; the digest (which tells a changed submission) must not."""
    _linked_folder(tmp_path)
    code = ("import sys; from pathlib import Path; from aimath.pipeline.parallel import submission_digest; "
            "print(submission_digest(Path(sys.argv[1])))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "submitted" / "s1" / ASSIGNMENT)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and len(done.stdout.strip()) == 64, done.stderr[-2000:]


def test_the_grading_copy_holds_regular_files_only(tmp_path):
    """Issue 18, case 3: what a worker (and nbgrader, and the kernel's home) gets."""
    _linked_folder(tmp_path)
    (tmp_path / "submitted" / "s1" / ASSIGNMENT / "grading.json").write_text('{"flags": []}')  # the grader's name
    copied = parallel.copy_submission(tmp_path, "s1", ASSIGNMENT, tmp_path / "copy")
    assert sorted(os.listdir(tmp_path / "copy")) == [NOTEBOOK]
    assert {s.path: s.why for s in copied.skipped}["grading.json"] == "a name the grader writes itself"


def test_a_student_folder_that_is_a_link_is_left_out(tmp_path):
    """Issue 18, case 3: submitted/<student> pointing elsewhere (another student, outside the course)."""
    _submission(tmp_path, b"real")
    os.symlink(tmp_path / "submitted" / "real", tmp_path / "submitted" / "alias")
    found = intake.check_student(tmp_path, "alias", ASSIGNMENT, {NOTEBOOK: RELEASE})
    assert [(f.kind, f.graded) for f in found] == [("not-a-folder", False)], found
    assert "symbolic link" in found[0].message
    assert intake.check_student(tmp_path, "real", ASSIGNMENT, {NOTEBOOK: RELEASE}) == []


def test_names_that_are_not_utf8_are_digested_and_named_escaped(tmp_path):
    """Issue 18, case 4: the digest and intake take any bytes as a name, at any depth."""
    folder = _submission(tmp_path)
    os.makedirs(os.path.join(folder, b"dir\xfe"))
    for name in (b"\xff.txt", b"dir\xfe/\x80"):
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(b"x")
    digest = digests.submission_digest(tmp_path / "submitted" / "s1" / ASSIGNMENT)
    assert digest == digests.submission_digest(tmp_path / "submitted" / "s1" / ASSIGNMENT)
    [found] = _findings(tmp_path)
    assert found.message == "extra files, not graded: dir\\xfe/\\x80, \\xff.txt"


@pytest.mark.parametrize("name, why", [
    (b"stud\xffent", "its name is not UTF-8"),
    (b"a\x1b[2Kb", "its name holds control or invisible characters"),
    (b"ann*", "its name holds * ? [ ] or \\, which nbgrader reads as a file pattern"),
    (b"ann lee", "its name holds spaces"),
    # red team: a student folder named like a file the pipeline keeps in autograded/ could never be recorded
    (b"intake.json", "intake.json is the name of a file the grading pipeline keeps in autograded/"),
    (b"report.json", "report.json is the name of a file the grading pipeline keeps in autograded/"),
])
def test_a_student_id_nbgrader_cannot_use_is_left_out_with_one_escaped_line(tmp_path, name, why):
    """Issue 18, case 4: the student id itself."""
    _submission(tmp_path, name)
    (tmp_path / "release" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(ROOT / "release" / ASSIGNMENT / NOTEBOOK, tmp_path / "release" / ASSIGNMENT)
    [(key, [problem])] = intake.check_assignment(tmp_path, ASSIGNMENT, [os.fsdecode(name)]).items()
    assert key[0].isprintable() and not problem.graded
    assert problem.line == (f"{key[0]} / {ASSIGNMENT}: the student folder cannot be used as an nbgrader id ({why}); "
                            "not graded: rename the folder, then rerun `make autograde`")


def test_an_assignment_folder_nbgrader_cannot_use_is_left_out_with_one_line(tmp_path):
    """A stray folder beside the assignment's in a student's folder, named so nbgrader would refuse it."""
    os.makedirs(tmp_path / "submitted" / "s1" / "a+b")
    [finding] = intake.check_student(tmp_path, "s1", "a+b", {})
    assert (finding.kind, finding.graded) == ("bad-folder-name", False)
    assert "the assignment folder cannot be used as an nbgrader id (nbgrader refuses + in an assignment name)" in \
        finding.message


def _nb_with(change) -> bytes:
    nb = json.loads(nbformat.writes(RELEASE))
    change(nb)
    return json.dumps(nb).encode()


def _markdown_with_nbgrader(value):
    def change(nb):
        nb["cells"].append({"cell_type": "markdown", "metadata": {"nbgrader": value}, "source": "x", "id": "extra"})
    return change


def _set(path, value):
    def change(nb):
        target = nb
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


HOSTILE_FIELDS = {
    "grade_id-list": _markdown_with_nbgrader({"grade_id": ["x"]}),
    "nbgrader-number": _markdown_with_nbgrader(5),
    "nbgrader-points-text": _markdown_with_nbgrader({"grade": True, "solution": True, "locked": False,
                                                     "grade_id": "mine", "points": "ten", "schema_version": 3}),
    "cell-type-list": _set(["cells", 0, "cell_type"], ["code"]),
    "cell-type-unknown": _set(["cells", 0, "cell_type"], "heading"),
    "kernelspec-string": _set(["metadata", "kernelspec"], "python3"),
    "nbformat-text": _set(["nbformat"], "four"),
    "nbformat-minor-list": _set(["nbformat_minor"], [5]),
    "outputs-dict": _set(["cells", CODE, "outputs"], {"a": 1}),
    "cell-id-number": _set(["cells", 1, "id"], 7),
    "source-number": _set(["cells", 1, "source"], 7),
    "source-list-of-numbers": _set(["cells", 1, "source"], [1, 2]),
    "cells-object": _set(["cells"], {"0": {}}),
    "metadata-list": _set(["cells", 1, "metadata"], []),
}


@pytest.mark.parametrize("field", sorted(HOSTILE_FIELDS))
def test_metadata_of_any_type_gives_a_line_never_an_exception(field):
    """Issue 18, case 5: intake names the problem in one printable line; it never raises."""
    found = intake.check_notebook(NOTEBOOK, _nb_with(HOSTILE_FIELDS[field]), RELEASE)
    assert found, field
    for finding in found:
        assert finding.message.isprintable() and len(finding.message) < 500, finding
    assert any(not f.graded for f in found), (field, found)


def test_deep_and_numerous_json_values_are_refused_before_they_are_decoded():
    deep = _nb_with(_set(["metadata", "deep"], json.loads("[" * 200 + "]" * 200)))
    assert [f.kind for f in intake.check_notebook(NOTEBOOK, deep, RELEASE)] == ["too-deep-json"]
    deeper = nbformat.writes(RELEASE).replace('"metadata": {', '"metadata": {"x": ' + "[" * 100000 + "]" * 100000 + ",", 1)
    assert [f.kind for f in intake.check_notebook(NOTEBOOK, deeper.encode(), RELEASE)] == ["too-deep-json"]
    many = nbformat.writes(RELEASE).replace('"metadata": {', '"metadata": {"x": [' + "[]," * intake.MAX_JSON_CONTAINERS
                                            + "[]],", 1)
    assert [f.kind for f in intake.check_notebook(NOTEBOOK, many.encode(), RELEASE)] == ["too-large-json"]
    text = nbformat.writes(_with_output(RELEASE, "[" * (intake.MAX_JSON_CONTAINERS + 1)))  # brackets in a string
    assert intake.check_notebook(NOTEBOOK, text.encode(), RELEASE) == []


def _with_output(nb, text):
    nb = copy.deepcopy(nb)
    nb.cells[CODE].outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return nb


ESCAPES = "\x1b[2K\x1b[1A\x1b[2K\r"


def test_the_summary_prints_what_submissions_chose_with_escapes_visible(tmp_path):
    """Issue 19, case 1: file names, kernelspecs, exception text and the sandbox's audit entries."""
    root = _course(tmp_path / "course")
    folder = _submission(root, b"escfile")
    with open(os.path.join(folder, f"{ESCAPES}notes.txt".encode()), "wb") as handle:
        handle.write(b"x")
    kernel = copy.deepcopy(RELEASE)
    kernel.metadata.kernelspec["name"] = f"python3{ESCAPES}"
    esckernel = os.path.join(_submission(root, b"esckernel"), NOTEBOOK.encode())
    with open(esckernel, "wb") as handle:
        handle.write(nbformat.writes(kernel).encode())
    found = {}
    for student in ("escfile", "esckernel"):
        found[(student, ASSIGNMENT)] = [intake.Problem(student, ASSIGNMENT, f.kind, f.message, f.graded)
                                        for f in _findings(root, student)]
    intake.save(root, found, found)
    flagged = root / "autograded" / "escaudit" / ASSIGNMENT
    flagged.mkdir(parents=True)
    (flagged / "grading.json").write_text(json.dumps({"flags": [f"forbidden-access{ESCAPES}"], "notebooks": {
        NOTEBOOK: {"attempts": [f"open {ESCAPES}hidden", "\u202egnp.exe"]}}}))
    text = summary.summary(root=root)
    assert not any(c in text for c in "\x1b\r\u202e"), text
    assert "escfile / basic_math: extra files, not graded: \\x1b[2K\\x1b[1A\\x1b[2K\\x0dnotes.txt" in text
    assert "has kernel 'python3\\x1b[2K\\x1b[1A\\x1b[2K\\x0d'" in text
    assert "escaudit / basic_math: forbidden-access\\x1b[2K\\x1b[1A\\x1b[2K\\x0d; e.g. open \\x1b[2K" in text


FORMULAS = ["=2+5", "+1+1", "-cmd", "@SUM(A1)", "\tx", "a,b", 'q"uote']


def _csv_cells(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _is_formula(cell: str) -> bool:
    return cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not cell.lstrip("+-").replace(".", "", 1).isdigit()


def test_nbgraders_csv_export_writes_no_formula(tmp_path):
    """Issue 19, case 3: `make export` (nbgrader's CsvExportPlugin, configured to our protected subclass)."""
    root = _course(tmp_path / "course")
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT)
        for student in FORMULAS:
            gradebook.update_or_create_student(student, first_name="=HYPERLINK(1)", email="@evil")
    cells = _csv_cells(export.export(root=root))
    assert not [c for c in cells if _is_formula(c)], cells
    assert {"'=2+5", "'+1+1", "'-cmd", "'@SUM(A1)", "'\\x09x", "a,b", 'q"uote', "'=HYPERLINK(1)", "'@evil"} <= set(cells)
    with open(root / export.GRADES_CSV, newline="", encoding="utf-8") as handle:
        assert all(len(row) == 11 for row in csv.reader(handle))


def test_the_wide_csv_writes_no_formula():
    from aimath.report.records import Assignment, ClassGrades, Submission
    from aimath.report.wide_csv import wide_rows

    grades = ClassGrades("c", tuple(FORMULAS), (Assignment("=hw", 3.0, None, ()),),
                         {(s, "=hw"): Submission(s, "=hw", -1.0, 3.0, False, 0.0, 0.0, {}) for s in FORMULAS})
    cells = [cell for row in wide_rows(grades) for cell in row]
    assert not [c for c in cells if _is_formula(c)], cells
    # a negative raw score counts 0, as in nbgrader's grades.csv: a number, never text such as '-1
    assert "'=2+5" in cells and "'=hw" in cells and "0" in cells and "'-1" not in cells


def test_the_report_escapes_what_submissions_named(tmp_path):
    """The report page: a student id or message that is markup, control characters or bytes that are not UTF-8."""
    from aimath.report.build import build_report

    root = _course(tmp_path / "course")
    intake.add(root, [intake.Problem("<b_onmouseover=alert(1)>", ASSIGNMENT, "intake-failed",
                                     "intake could not read it (<img src=x onerror=alert(1)>)", False),
                      intake.Problem("stud\udcffent", ASSIGNMENT, "bad-folder-name", f"name {ESCAPES}", False)])
    page = build_report(root=root).read_text(encoding="utf-8")
    assert "<b_onmouseover" not in page and "<img src=x" not in page and "\x1b" not in page
    assert "&lt;b_onmouseover=alert(1)&gt;" in page and 'data-student="stud\\xffent"' in page


def test_a_notebook_handed_in_outside_any_assignment_folder_gets_one_line(tmp_path):
    """A new user's submission: submitted/newkid/basic_math.ipynb (no folder) was ignored without a word."""
    for path in ("newkid/basic_math.ipynb", "kim/Basic Math.ipynb", "kim/basic_math/basic_math.ipynb",
                 "lee/notes.ipynb", "lee/notes.txt", "lee/.hidden.ipynb"):
        (tmp_path / "submitted" / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "submitted" / path).write_text("{}")
    found = {(p.student, p.assignment): p for p in intake.misnamed_folders(root=tmp_path, assignments=["basic_math",
                                                                                                     "mle"])}
    assert set(found) == {("newkid", "basic_math"), ("kim", "basic_math"), ("lee", "notes")}
    assert found["newkid", "basic_math"].message == (
        "the notebook submitted/newkid/basic_math.ipynb is in no assignment's folder; not graded: move it into "
        "submitted/newkid/basic_math/, then rerun `make autograde`")
    assert found["kim", "basic_math"].message.startswith("also has submitted/kim/Basic Math.ipynb")
    assert found["lee", "notes"].kind == intake.UNKNOWN_FOLDER

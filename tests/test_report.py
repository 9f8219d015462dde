"""The grade report: its pure parts on made-up records, then the real thing on a small graded course, opened in
headless Chromium.

The course holds basic_math and five students: `solved` (the instructor's solution), `mistaken` (one catalogued,
diagnosed mistake, handed in after the due date), `stub` (the untouched release; the sandbox's grading.json says it hit
the time limit and reached for a forbidden file), `hostile` (the solution plus cells that try to run script in the
pages we write, tests/hostile_outputs.py, and a grading.json of its own) and `absent` (on the roster, no submission).
"""
import csv
import json
import shutil
import statistics
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from nbgrader.api import Gradebook
from PIL import Image

from aimath import verdict
from aimath.pipeline import autograde, export, feedback, nbgrader_session, release
from aimath.pipeline.demo_class import Answer, graded_solution_cells, submission
from aimath.report.analysis import (
    LATE, MISSING, class_max_total, flags_of, item_analysis, mistake_table, timing_of)
from aimath.report.build import INDEX_HTML, build_report
from aimath.report.mistakes import diagnosed_mistakes
from aimath.report.plots import histogram_png
from aimath.report.records import Assignment, ClassGrades, Evidence, Item, Submission
from aimath.grading_record import GRADING_JSON, UNREADABLE, parse as parse_grading_json
from aimath.report.timing import execution_seconds
from aimath.report.wide_csv import WIDE_CSV, wide_rows
from aimath.pipeline.plugins.feedback_page import with_csp
from aimath.untrusted_text import CONTENT_SECURITY_POLICY
from tests import hostile_outputs
from aimath.sandbox.grader_side import error_output
from tests.browser import visit
from aimath.catalogue import all_catalogues

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "build" / "test-artifacts" / "report.png"
ASSIGNMENT = "basic_math"
SOLVED, MISTAKEN, STUB, HOSTILE, ABSENT = "solved", "mistaken", "stub", "hostile", "absent"
DUE = datetime(2026, 1, 15, 12, 0)
LATE_BY = timedelta(hours=5)
# What the grading sandbox (aimath/sandbox/execute.py) writes to grading.json for a notebook that misbehaved.
ATTEMPT = "open /course/gradebook.db"
SANDBOX = {"flags": ["forbidden-access", "time-limit"], "seconds": 1.5,
           "notebooks": {ASSIGNMENT: {"flags": ["time-limit", "forbidden-access"], "attempts": [ATTEMPT], "seconds": 1.5}}}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A flag in the grading.json the hostile student hands in: grading must not take it for the sandbox's.
PLANTED_FLAG = "planted-by-the-student"



def in_course(test):
    """Mark a test of the graded course: slow (pipeline), and run in the one xdist worker that builds the course."""
    return pytest.mark.pipeline(pytest.mark.xdist_group("report")(test))


# ---------------------------------------------------------------- pure parts, on made-up records

def _records(scores):
    """A ClassGrades of one assignment with items a (1 point) and b (2 points); `scores` = {student: (a, b)}."""
    items = (Item("a", 1.0), Item("b", 2.0))
    assignment = Assignment("hw", 3.0, None, items)
    submissions = {(s, "hw"): Submission(s, "hw", a + b, 3.0, False, 0.0, 0.0, {"a": a, "b": b})
                   for s, (a, b) in scores.items()}
    return ClassGrades("course", tuple(sorted(scores) + ["zoe"]), (assignment,), submissions)


def _cell(outputs, grade_id, *, grade=True, solution=False):
    meta = {"grade": grade, "solution": solution, "grade_id": grade_id, "points": 1, "locked": not solution}
    return nbformat.v4.new_code_cell("check(f)", metadata={"nbgrader": meta}, outputs=outputs)


def test_diagnoses_are_read_from_the_graders_verdict_data_in_test_cells_only():
    seeded = verdict.Mistake("max-seeded-at-zero", "seed with the first element.")
    forged = verdict.to_output(verdict.CellVerdict((verdict.Mistake("forged-display", "from a student's cell"),)))
    unreadable = verdict.to_output(verdict.CellVerdict())
    unreadable["data"][verdict.MIME_TYPE] = {"version": 1, "mistakes": [{"tag": "Bad Tag!", "advice": "x"}]}
    notebook = nbformat.v4.new_notebook(cells=[
        _cell([error_output("CheckFailed", verdict.mistake_line(seeded)), verdict.to_output(verdict.CellVerdict((seeded,)))],
              "test_a"),
        _cell([error_output("ValueError", "Likely mistake [forged-tag]: written by the student's code")], "test_b"),
        _cell([forged], "answer", grade=False, solution=True),
        nbformat.v4.new_code_cell("display(...)", outputs=[forged]),
        _cell([unreadable], "test_c"),
    ])
    nbformat.validate(notebook)
    assert diagnosed_mistakes(notebook, assignment="hw", notebook_name="hw") == {"test_a": ("max-seeded-at-zero",)}


def test_grading_json_gives_flags_and_seconds_and_a_broken_one_is_flagged():
    record = parse_grading_json(json.dumps(SANDBOX))
    assert (record.flags, record.seconds, record.attempts) == (tuple(SANDBOX["flags"]), SANDBOX["seconds"], (ATTEMPT,))
    assert parse_grading_json("{}").flags == () and parse_grading_json("{}").seconds is None
    for broken in ("{not json", "[]", '{"flags": "timeout"}', '{"flags": [1]}'):
        assert parse_grading_json(broken).flags == (UNREADABLE,), broken


def test_items_come_most_failed_first_with_their_diagnosed_mistakes():
    grades = _records({"ann": (1.0, 0.0), "bob": (1.0, 0.0), "cy": (0.0, 2.0)})
    evidence = {"ann": Evidence({"b": ("off-by-one",)}), "bob": Evidence({"b": ("off-by-one", "sign")})}
    items = item_analysis(grades.assignments[0], list(grades.submissions.values()), evidence)
    assert [(i.label, i.passed, i.graded) for i in items] == [("b", 1, 3), ("a", 2, 3)]
    assert items[0].mistakes == (("off-by-one", 2), ("sign", 1))
    assert mistake_table(items) == (("off-by-one", 2, ("b",)), ("sign", 1, ("b",)))


def test_missing_late_and_sandbox_flags():
    on_time = Submission("ann", "hw", 3.0, 3.0, False, 0.0, 0.0)
    late = Submission("bob", "hw", 3.0, 3.0, False, LATE_BY.total_seconds(), 0.0)
    assert [f.kind for f in flags_of("zoe", None, None)] == [MISSING]
    assert flags_of("ann", on_time, Evidence()) == ()
    assert [f.kind for f in flags_of("bob", late, Evidence(sandbox_flags=("memory-limit",)))] == [LATE, "memory-limit"]
    [tampering] = flags_of("ann", on_time, Evidence(sandbox_flags=("forbidden-access",), sandbox_attempts=(ATTEMPT,)))
    assert ATTEMPT in tampering.detail
    assert "5.0 h late" in flags_of("bob", late, Evidence())[0].detail


def test_timing_totals_and_names_the_slowest_notebook():
    timing = timing_of({"ann": Evidence(seconds=2.0, timing_source="x"), "bob": Evidence(seconds=4.0, timing_source="x"),
                        "cy": Evidence()})
    assert (timing.timed, timing.total, timing.mean, timing.slowest_student) == (2, 6.0, 3.0, "bob")


def test_execution_seconds_spans_the_cells_timestamps():
    cells = [{"metadata": {"execution": {"iopub.execute_input": f"2026-01-01T00:00:0{i}.000000Z",
                                         "shell.execute_reply": f"2026-01-01T00:00:0{i}.500000Z"}}} for i in (1, 2, 4)]
    assert execution_seconds({"cells": cells}) == 3.5
    assert execution_seconds({"cells": [{"metadata": {}}]}) is None


def test_wide_table_has_one_row_per_student_and_leaves_a_missing_submission_empty():
    grades = _records({"ann": (1.0, 2.0), "bob": (0.5, 0.0)})
    assert wide_rows(grades) == [["student_id", "hw", "total"], ["ann", "3", "3"], ["bob", "0.5", "0.5"],
                                 ["zoe", "", "0"]]
    assert class_max_total(grades) == 3.0


def test_the_histogram_is_a_png_and_the_same_scores_draw_the_same_bytes():
    first = histogram_png([1.0, 2.5, 3.0], 3.0, title="hw")
    assert first.startswith(PNG_SIGNATURE) and first == histogram_png([1.0, 2.5, 3.0], 3.0, title="hw")
    assert first != histogram_png([1.0, 2.5, 2.0], 3.0, title="hw")


# ---------------------------------------------------------------- the real report of a small graded course

def _diagnosed_mistake():
    """The first catalogued basic_math mistake that the hidden checks name."""
    return next(e for e in all_catalogues()[ASSIGNMENT].mistakes() if e.diagnosis and e.demo)


def _gradebook(root):
    coursedir = nbgrader_session.open_api(root=root).coursedir
    return Gradebook(coursedir.db_url, coursedir.course_id)


def _submit(root, student, nb):
    path = root / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path.parent


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """A released, autograded course with feedback and the report built (see the module's docstring)."""
    root = tmp_path_factory.mktemp("report_course")
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    shutil.copytree(ROOT / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    release.release(root=root)
    with _gradebook(root) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
        gradebook.update_or_create_student(ABSENT)
    release_nb = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solutions = graded_solution_cells(nbformat.read(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4))
    mistake = _diagnosed_mistake()
    solved = [Answer(g, "solution", code) for g, code in solutions.items()]
    mistaken = [a if a.graded != mistake.graded else Answer(a.graded, "mistake", mistake.source_as(), mistake.diagnosis)
                for a in solved]
    _submit(root, SOLVED, submission(release_nb, solved))
    folder = _submit(root, MISTAKEN, submission(release_nb, mistaken))
    (folder / "timestamp.txt").write_text(f"{DUE + LATE_BY:%Y-%m-%d %H:%M:%S.%f} UTC")
    _submit(root, STUB, release_nb)
    hostile = submission(release_nb, solved)
    hostile.cells += hostile_outputs.hostile_cells()
    folder = _submit(root, HOSTILE, hostile)
    (folder / GRADING_JSON).write_text(json.dumps({"flags": [PLANTED_FLAG], "notebooks": {
        "planted": {"flags": [PLANTED_FLAG], "attempts": [], "seconds": 1.0}}}))
    autograde.autograde(root=root)
    (root / "autograded" / STUB / ASSIGNMENT / GRADING_JSON).write_text(json.dumps(SANDBOX))
    feedback.feedback(root=root)
    build_report(root=root)
    return root


# Everything the tests read off the rendered page, as plain data.
READ_PAGE = """(() => {
  const near = (e, attr) => { const c = e.closest('[' + attr + ']'); return c ? c.getAttribute(attr) : null; };
  return {
    keyed: [...document.querySelectorAll('[data-key]')].map(e => ({key: e.dataset.key, text: e.innerText.trim(),
      assignment: near(e, 'data-assignment'), student: near(e, 'data-student'), item: near(e, 'data-item'),
      mistake: near(e, 'data-mistake'), flag: near(e, 'data-flag')})),
    items: [...document.querySelectorAll('tr[data-item]')].map(e => [near(e, 'data-assignment'), e.dataset.item]),
    flags: [...document.querySelectorAll('tr[data-flag]')].map(e => [near(e, 'data-assignment'), e.dataset.student,
      e.dataset.flag]),
    links: [...document.querySelectorAll('a[href]')].map(a => ({url: a.href, text: a.innerText.trim(),
      student: near(a, 'data-student'), assignment: near(a, 'data-assignment')})),
    images: [...document.images].map(i => ({alt: i.alt, width: i.naturalWidth, shown: i.getBoundingClientRect().width})),
    title: document.title, pwned: window.pwned ?? null,
    csp: [...document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]')].map(m => m.content),
  };
})()"""


@pytest.fixture(scope="module")
def page(graded_course, tmp_path_factory):
    """The report as headless Chromium rendered it; the screenshot is kept at build/test-artifacts/report.png."""
    seen = visit((graded_course / "report" / INDEX_HTML).as_uri(), expression=READ_PAGE,
                 profile=tmp_path_factory.mktemp("chromium-profile"))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.write_bytes(seen.screenshot)
    return seen


@pytest.fixture(scope="module")
def gradebook_view(graded_course):
    """Straight from nbgrader's gradebook: students, {student: score}, {test: (passed, graded)}, {student: failed}."""
    with _gradebook(graded_course) as gradebook:
        students = [s.id for s in gradebook.students]
        assignment = gradebook.find_assignment(ASSIGNMENT)
        scores = {s.student.id: s.score for s in assignment.submissions}
        answers = {c.name for nb in assignment.notebooks for c in nb.solution_cells}
        passes, failed = {}, {}
        for sub in assignment.submissions:
            for grade in sub.notebooks[0].grades:
                if grade.cell_type == "code" and grade.name not in answers:
                    passed, graded = passes.get(grade.name, (0, 0))
                    passes[grade.name] = (passed + (grade.score >= grade.max_score), graded + 1)
                    if grade.score < grade.max_score:
                        failed.setdefault(sub.student.id, set()).add(grade.name)
    return students, scores, passes, failed


def _shown(page, key, **where):
    """The texts of the page's elements marked data-key=`key` within the given student/assignment/item/mistake/flag."""
    return [k["text"] for k in page.value["keyed"] if k["key"] == key and all(k[f] == v for f, v in where.items())]


@in_course
def test_the_page_renders_with_no_console_error_and_its_plot_shows(page):
    assert page.complaints == []
    assert page.value["images"] and all(i["width"] > 0 and i["shown"] > 0 for i in page.value["images"])
    assert page.screenshot.startswith(PNG_SIGNATURE) and SCREENSHOT.read_bytes() == page.screenshot
    with Image.open(SCREENSHOT) as shot:
        low, high = shot.convert("L").getextrema()
        assert shot.width > 0 and shot.height > 0 and low < high, "the screenshot is blank"


@in_course
def test_the_key_numbers_are_the_gradebooks(page, gradebook_view):
    students, scores, _, _ = gradebook_view
    assert _shown(page, "students") == [str(len(students))]
    assert _shown(page, "submitted", assignment=ASSIGNMENT) == [str(len(scores))]
    assert _shown(page, "mean", assignment=ASSIGNMENT) == [f"{statistics.fmean(scores.values()):.2f}"]
    for student in students:
        assert _shown(page, "total", student=student) == [f"{scores.get(student, 0):g}"], student
    for student, score in scores.items():
        assert _shown(page, "score", student=student, assignment=ASSIGNMENT) == [f"{score:g}"], student


@in_course
def test_pass_rates_are_the_gradebooks_and_the_most_failed_come_first(page, gradebook_view):
    _, _, passes, _ = gradebook_view
    shown = [item for assignment, item in page.value["items"] if assignment == ASSIGNMENT]
    assert sorted(shown) == sorted(passes)
    rates = [passes[item][0] / passes[item][1] for item in shown]
    assert rates == sorted(rates) and rates[0] < rates[-1]
    for item, (passed, graded) in passes.items():
        assert _shown(page, "pass-rate", item=item) == [f"{100 * passed / graded:.0f}%"], item


@in_course
def test_the_diagnosed_mistake_is_counted_once_in_the_tests_it_failed(page, gradebook_view):
    _, _, _, failed = gradebook_view
    tag = _diagnosed_mistake().diagnosis
    assert _shown(page, "times", assignment=ASSIGNMENT, mistake=tag) == ["1"]
    [tests] = _shown(page, "tests", assignment=ASSIGNMENT, mistake=tag)
    assert tests and set(tests.split(", ")) <= failed[MISTAKEN]


@in_course
def test_missing_late_and_sandbox_flags_are_shown_and_nothing_else(page):
    flags = sorted((student, kind) for assignment, student, kind in page.value["flags"] if assignment == ASSIGNMENT)
    # the hostile student's grading.json is left out of the grading copy, as every file of that name (intake's flag);
    # missing work is one line apart from the flagged submissions, and counted apart
    assert flags == sorted([(MISTAKEN, LATE), (HOSTILE, "skipped-entries")] + [(STUB, f) for f in SANDBOX["flags"]])
    assert _shown(page, "flagged") == [str(len({student for student, _ in flags}))]
    assert _shown(page, "missing-work", assignment=ASSIGNMENT) == [f"{MISSING} no submission from 1 of 5 students: "
                                                                   f"{ABSENT}"]
    assert _shown(page, "missing") == ["1"]
    [tampering] = _shown(page, "detail", assignment=ASSIGNMENT, student=STUB, flag="forbidden-access")
    assert ATTEMPT in tampering


@in_course
def test_each_submission_links_to_its_own_feedback_which_hides_the_hidden_tests(page, graded_course):
    links = {(link["student"], link["assignment"]): Path(unquote(urlparse(link["url"]).path))
             for link in page.value["links"] if link["text"] == "feedback"}
    submitted = {(s, ASSIGNMENT) for s in (SOLVED, MISTAKEN, STUB, HOSTILE)}
    assert set(links) == submitted
    for (student, assignment), target in links.items():
        assert target == graded_course / "feedback" / student / assignment / f"{assignment}.html"
        assert "BEGIN HIDDEN TESTS" not in target.read_text()
    page = links[(MISTAKEN, ASSIGNMENT)].read_text()
    assert f"Likely mistake [{_diagnosed_mistake().diagnosis}]" in page
    assert verdict.MIME_TYPE not in page and "Diagnosed by the grader" not in page, "the verdict's data shows"


@in_course
def test_the_wide_csv_is_the_gradebooks_and_nbgraders_export_sits_beside_it(graded_course, gradebook_view):
    students, scores, _, _ = gradebook_view
    with open(graded_course / "report" / WIDE_CSV, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["student_id", ASSIGNMENT, "total"]
    expected = [[s, f"{scores[s]:g}" if s in scores else "", f"{scores.get(s, 0):g}"] for s in sorted(students)]
    assert rows[1:] == expected
    assert all(s in (graded_course / "report" / export.GRADES_CSV).read_text() for s in scores)


@in_course
def test_the_same_gradebook_gives_the_same_report(graded_course):
    again = build_report(root=graded_course, out=graded_course / "report-again")
    first = graded_course / "report"
    for name in (INDEX_HTML, WIDE_CSV):
        assert (again.parent / name).read_bytes() == (first / name).read_bytes(), name


@in_course
def test_the_browser_check_catches_console_errors_uncaught_exceptions_and_missing_pictures(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text('<img src="missing.png"><script>console.error("boom"); undefinedName();</script>')
    seen = visit(broken.as_uri(), expression="document.images[0].naturalWidth", profile=tmp_path / "profile")
    assert seen.value == 0
    assert any("boom" in c for c in seen.complaints)
    assert any("undefinedName" in c for c in seen.complaints)
    assert any("missing.png" in c for c in seen.complaints)


# ---------------------------------------------------------------- no script from a submission runs in a page we write

# nbgrader's feedback template inlines Bootstrap 3, whose CSS declares the Glyphicons web font that nbgrader does not
# ship: Chromium asks for it (the page's CSP refuses it; without a CSP the file is missing). Nothing else may complain.
BOOTSTRAP_FONT = "glyphicons-halflings-regular"
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'

# Everything the feedback tests read off a feedback page, as plain data.
READ_FEEDBACK = """(() => {
  const box = e => e.getBoundingClientRect();
  const href = e => (e.getAttribute('href') || e.getAttribute('src') || '').trim().toLowerCase();
  return {
    title: document.title, pwned: window.pwned ?? null,
    csp: [...document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]')].map(m => m.content),
    firstInHead: document.head.firstElementChild.outerHTML,
    scripts: document.scripts.length,
    handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
      .filter(a => a.name.startsWith('on')).map(a => `${e.tagName} ${a.name}`)),
    scriptUrls: [...document.querySelectorAll('[href], [src]')].filter(e => href(e).startsWith('javascript:')).length,
    embedders: document.querySelectorAll('iframe, object, embed, frame, base, form, body meta').length,
    studentStyles: document.querySelectorAll('#notebook-container style, #notebook-container [style], #overlay').length,
    shown: [...document.querySelectorAll('.output_area, .text_cell_render')].map(e => e.innerText).join(' '),
    code: [...document.querySelectorAll('.input_area')].map(e => e.innerText).join(' '),
    pngs: [...document.images].filter(i => i.src.startsWith('data:image/png')).map(i => i.naturalWidth),
    svgs: [...document.images].filter(i => i.src.startsWith('data:image/svg+xml')).map(i => i.naturalWidth),
    htmlOutputs: [...document.querySelectorAll('.output_html b')].map(b => b.innerText),
    fractions: [...document.querySelectorAll('mfrac')].map(f => [box(f.children[0]).bottom, box(f.children[1]).top,
      box(f).width]),
    toc: [...document.querySelectorAll('#toc li[data-grade-id]')].map(li => [li.dataset.gradeId,
      li.querySelector('a').innerText.trim()]),
  };
})()"""


@pytest.fixture(scope="module")
def feedback_pages(graded_course, tmp_path_factory):
    """{student: the Visit of their feedback page in headless Chromium}, for every student with a feedback page."""
    pages = sorted((graded_course / "feedback").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.html"))
    return {path.parent.parent.name: visit(path.as_uri(), expression=READ_FEEDBACK,
                                           profile=tmp_path_factory.mktemp("chromium-feedback"))
            for path in pages}


@in_course
def test_no_script_from_a_submission_runs_in_any_feedback_page(feedback_pages):
    assert set(feedback_pages) == {SOLVED, MISTAKEN, STUB, HOSTILE}
    for student, seen in feedback_pages.items():
        page = seen.value
        assert (page["title"], page["pwned"]) == (ASSIGNMENT, None), student
        assert page["csp"] == [CONTENT_SECURITY_POLICY] and page["firstInHead"] == CSP_META, student
        assert (page["scripts"], page["handlers"], page["scriptUrls"], page["embedders"]) == (0, [], 0, 0), student
        assert page["studentStyles"] == 0, student
        assert hostile_outputs.RAW_JSON_SECRET not in page["shown"], student
        assert [c for c in seen.complaints if BOOTSTRAP_FONT not in c] == [], student


@in_course
def test_the_hostile_students_page_still_shows_their_code_outputs_plot_and_maths(feedback_pages):
    page = feedback_pages[HOSTILE].value
    assert "def get_greatest" in page["code"] and "import matplotlib.pyplot as plt" in page["code"]
    assert hostile_outputs.HTML_OUTPUT_TEXT in page["htmlOutputs"]
    assert "a verdict, as text" in page["shown"] and "ValueError" in page["shown"]
    assert any(width > 100 for width in page["pngs"]), "the student's matplotlib plot is not shown"
    assert page["svgs"] and all(width > 0 for width in page["svgs"])
    # basic_math's own \frac, the student's display equation and their text/latex output: drawn as fractions
    # (numerator above denominator), not shown as TeX source.
    assert len(page["fractions"]) >= 3 and "\\frac" not in page["shown"]
    for numerator_bottom, denominator_top, width in page["fractions"]:
        assert numerator_bottom <= denominator_top + 1 and width > 0


@in_course
def test_each_test_cell_is_named_by_what_it_tests_in_the_feedback_header(feedback_pages):
    toc = dict(feedback_pages[SOLVED].value["toc"])
    assert toc["test_get_greatest_hidden"] == "get_greatest (hidden tests)"
    assert toc["test_get_greatest_visible"] == "get_greatest (visible tests)"
    assert "Test cell" not in toc.values() and len(toc) == len(set(toc.values()))


@in_course
def test_the_report_runs_no_script_and_carries_the_csp(page):
    assert (page.value["title"], page.value["pwned"]) == ("aimath: grade report", None)
    assert page.value["csp"] == [CONTENT_SECURITY_POLICY]


@in_course
def test_the_csp_alone_stops_every_payload_that_runs_without_it(tmp_path):
    """The sanitiser aside: the same payloads, unsanitised, run in a page without the CSP and not in one with it."""
    payloads = hostile_outputs.HOSTILE_HTML.replace(hostile_outputs.HTML_PAYLOADS["meta-refresh"], "")
    bare = f"<!DOCTYPE html><html><head><title>t</title></head><body>{payloads}</body></html>"
    for name, html, runs in (("bare", bare, True), ("guarded", with_csp(bare), False)):
        path = tmp_path / f"{name}.html"
        path.write_text(html)
        seen = visit(path.as_uri(), expression="window.pwned ?? null", profile=tmp_path / f"profile-{name}")
        assert (seen.value is not None) == runs, (name, seen.value)
    assert any("Content Security Policy" in c for c in seen.complaints)


@in_course
def test_feedback_folders_hold_the_page_and_not_the_graders_record(graded_course):
    assert (graded_course / "autograded" / STUB / ASSIGNMENT / GRADING_JSON).exists()
    for folder in (graded_course / "feedback").glob(f"*/{ASSIGNMENT}"):
        assert {p.name for p in folder.iterdir()} <= {f"{ASSIGNMENT}.html", "timestamp.txt"}, folder
    record = parse_grading_json((graded_course / "autograded" / HOSTILE / ASSIGNMENT / GRADING_JSON).read_text())
    assert PLANTED_FLAG not in record.flags

"""Honest submissions get identical grades in the sandbox and from stock nbgrader.

Part of the demo class (the alternative solutions of demo03 and a mixed student, every assignment: right and
wrong answers, visible and hidden tests, written answers) is graded twice, once with AIMATH_SANDBOX=off, and every
graded cell's score must match. The solution and the stub of every assignment are covered by test_pipeline.py.
"""
import shutil

import pytest
from nbgrader.api import Gradebook

from aimath.pipeline import autograde, nbgrader_session, release
from aimath.pipeline.demo_class import write_demo_class
from tests.test_pipeline import ROOT

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("equivalence")]

STUDENTS = ("demo03", "demo06")


def _cell_scores(root):
    """{(student, assignment, cell): auto score} for every autograded cell in the gradebook."""
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        return {(s.student.id, a.name, g.name): g.auto_score for a in gradebook.assignments
                for s in a.submissions for n in s.notebooks for g in n.grades}


def _graded_course(root, sandbox, monkeypatch):
    root.mkdir()
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    shutil.copytree(ROOT / "source", root / "source")
    release.release(root=root)
    write_demo_class(root=root)
    for folder in (root / "submitted").iterdir():
        if folder.name not in STUDENTS:
            shutil.rmtree(folder)
    with monkeypatch.context() as patch:
        patch.setenv("AIMATH_SANDBOX", "on" if sandbox else "off")
        autograde.autograde(root=root)
    return _cell_scores(root)


def test_honest_demo_students_get_the_same_grades_as_with_stock_nbgrader(tmp_path, monkeypatch):
    sandboxed = _graded_course(tmp_path / "sandbox", True, monkeypatch)
    stock = _graded_course(tmp_path / "stock", False, monkeypatch)
    assert len(sandboxed) > 50 and set(sandboxed) == set(stock)
    assert 0 < sum(v or 0 for v in stock.values())  # the class scores something, and misses something
    assert any(v == 0 for v in stock.values())
    differences = {cell: (stock[cell], sandboxed[cell]) for cell in stock if stock[cell] != sandboxed[cell]}
    assert not differences, f"(stock, sandbox) scores differ: {differences}"

"""Feedback step: name each graded test cell by what it tests, for the feedback page's header and the cell's heading.

nbgrader's template calls every graded cell "Test cell". The course's grade ids say what a test cell checks
(`test_get_greatest_hidden`: the hidden tests of `get_greatest`, docs/ASSIGNMENT_PATTERN.md); another cell is
named by its first comment line, else by its grade id. The name goes to `cell.metadata.feedback_name`.
"""
from __future__ import annotations

import re

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

COURSE_TEST_ID = re.compile(r"test_(?P<graded>\w+?)_(?P<kind>visible|hidden)\Z")
# How long a name taken from a comment may be before it is cut (with an ellipsis).
MAX_NAME_CHARS = 80


def graded_cell_name(grade_id: str, source: str) -> str:
    """What a test cell checks, in words: `get_greatest (hidden tests)` for grade id `test_get_greatest_hidden`,
    else the cell's first comment line (nbgrader's `### BEGIN ...` markers are not comments), else the grade id."""
    course = COURSE_TEST_ID.match(grade_id)
    if course:
        return f"{course['graded']} ({course['kind']} tests)"
    for line in source.splitlines():
        text = line.strip()
        if text.startswith("#") and not text.startswith("###"):
            words = text.lstrip("#").strip()
            if words:
                return words if len(words) <= MAX_NAME_CHARS else words[:MAX_NAME_CHARS - 1] + "…"
    return grade_id


class NameGradedCells(NbGraderPreprocessor):
    """Set `metadata.feedback_name` of every graded cell that is not an answer to `graded_cell_name(...)`, and remove
    it from every other cell (a submission may have written one)."""

    def preprocess_cell(self, cell, resources, cell_index):
        """Set `feedback_name` in a test cell's metadata (graded_cell_name); drop one that any other cell carries."""
        cell.metadata.pop("feedback_name", None)
        if utils.is_grade(cell) and not utils.is_solution(cell):
            cell.metadata["feedback_name"] = graded_cell_name(cell.metadata.nbgrader["grade_id"], cell.source)
        return cell, resources

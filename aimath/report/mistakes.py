"""Step 2a: the named mistakes the hidden checks diagnosed, read from the verdicts in an autograded notebook.

When a check names mistakes, the grader writes them as data among the test cell's outputs (aimath/verdict.py). Only
test cells are read: their outputs are written by the grader alone (aimath/sandbox/grader_side.py), whereas a
student's own cell can display anything. Text is never parsed for tags: an exception raised by a student's code
can say "Likely mistake [...]" too.
"""
from __future__ import annotations

from aimath import verdict
from aimath.report.records import item_label


def diagnosed_mistakes(notebook, *, assignment: str, notebook_name: str) -> dict[str, tuple[str, ...]]:
    """{item label: mistake tags} for each test cell of the (nbformat) notebook whose verdict names a mistake."""
    found = {}
    for cell in notebook.cells:
        if not verdict.is_test_cell(cell):
            continue
        read = verdict.from_outputs(cell.get("outputs", []))
        if read is not None and read.tags:
            found[item_label(assignment, notebook_name, cell["metadata"]["nbgrader"]["grade_id"])] = read.tags
    return found

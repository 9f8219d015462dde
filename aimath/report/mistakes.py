"""Step 2a: the named mistakes the hidden checks diagnosed, read from an autograded notebook's error outputs.

A check that recognises a wrong result ends its CheckFailed message with `Likely mistake [tag]: advice`
(aimath/judge.py); nbgrader keeps that message in the test cell's error output.
"""
from __future__ import annotations

import re

from nbgrader.utils import is_grade, is_solution

from aimath.report.records import item_label

MISTAKE_TAG = re.compile(r"Likely mistake \[([a-z0-9-]+)\]")


def _is_test_cell(cell) -> bool:
    """An autograded test cell: graded code that is not an answer (nbgrader's own cell predicates)."""
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def _error_text(output) -> str:
    """An error output's message (its traceback only when the message is empty)."""
    return output.get("evalue") or "\n".join(output.get("traceback", []))


def tags_in(text: str) -> tuple[str, ...]:
    """The mistake tags named in a failure message, in order, each once."""
    return tuple(dict.fromkeys(MISTAKE_TAG.findall(text)))


def diagnosed_mistakes(notebook, *, assignment: str, notebook_name: str) -> dict[str, tuple[str, ...]]:
    """{item label: mistake tags} for each test cell of the (nbformat) notebook whose error output names a mistake."""
    found = {}
    for cell in notebook.cells:
        if not _is_test_cell(cell):
            continue
        text = "\n".join(_error_text(o) for o in cell.get("outputs", []) if o.get("output_type") == "error")
        tags = tags_in(text)
        if tags:
            found[item_label(assignment, notebook_name, cell["metadata"]["nbgrader"]["grade_id"])] = tags
    return found

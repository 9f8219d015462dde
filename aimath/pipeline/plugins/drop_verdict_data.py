"""Feedback step: drop the verdict data the grader wrote among a test cell's outputs (aimath/verdict.py).

The student reads the diagnosis in the error message above it; the data is for the report. Without this step the
feedback page would show its `text/plain` form, a repeat of the tags. A student's own cell that displays the same
MIME type keeps its output (SanitizeOutputs then shows only its plain text).
"""
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

from aimath.verdict import is_verdict_output


class DropVerdictData(NbGraderPreprocessor):
    """Remove every output `aimath.verdict.is_verdict_output` recognises from the test cells (graded code cells that
    are not answers, the cells the grader writes)."""

    def preprocess_cell(self, cell, resources, cell_index):
        """Remove the verdict outputs (aimath.verdict's MIME data) from a test cell; other cells keep theirs."""
        if cell.get("cell_type") == "code" and is_grade(cell) and not is_solution(cell):
            cell["outputs"] = [o for o in cell.get("outputs", []) if not is_verdict_output(o)]
        return cell, resources

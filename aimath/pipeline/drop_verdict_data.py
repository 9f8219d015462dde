"""Feedback step: drop the verdict data the grader wrote among a test cell's outputs (aimath/verdict.py).

The student reads the diagnosis in the error message above it; the data is for the report. Without this step the
feedback page would show its `text/plain` form, a repeat of the tags.
"""
from nbgrader.preprocessors import NbGraderPreprocessor

from aimath.verdict import is_verdict_output


class DropVerdictData(NbGraderPreprocessor):
    """Remove every output `aimath.verdict.is_verdict_output` recognises, from every code cell."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", []) if not is_verdict_output(o)]
        return cell, resources

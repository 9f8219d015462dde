"""Feedback step: replace every error's traceback by its one-line verdict `Name: message`.

A traceback can quote hidden test source and the grader's file paths; the verdict (a CheckFailed message written for
the student) is all the feedback needs.
"""
from nbgrader.preprocessors import NbGraderPreprocessor


class ShortenTracebacks(NbGraderPreprocessor):
    """For each error output: traceback = [f"{ename}: {evalue}"]."""

    def preprocess_cell(self, cell, resources, cell_index):
        """Replace each error output's traceback by its one line `ename: evalue`."""
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources

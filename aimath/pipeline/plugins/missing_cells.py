"""Graded cells missing from a submission score 0 and wait for nobody (an nbgrader autograde preprocessor).

nbgrader creates a grade for every graded cell of the assignment when it creates a submission, with
`needs_manual_grade` True until SaveAutoGrades scores the cell; SaveAutoGrades scores only the cells the notebook
holds. A graded cell the student deleted (or stripped of its nbgrader metadata) thus keeps "needs manual grading"
forever, and the submission shows `*` although formgrader has nothing to show for it. nbgrader's own rule for a
missing notebook (Autograde.init_assignment) is auto score 0, no manual grading: this step applies it to missing
cells. It runs after SaveAutoGrades (nbgrader_config.py) and leaves a grade a person has already scored alone.
"""
from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade


def present_grade_ids(nb: NotebookNode) -> set[str]:
    """The grade ids of the notebook's graded cells (those SaveAutoGrades scores)."""
    return {cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells
            if is_grade(cell) and cell.metadata["nbgrader"].get("grade_id")}


class ScoreMissingCells(NbGraderPreprocessor):
    """Give each graded cell missing from the notebook an auto score of 0 and no manual grading, unless a person
    already scored it."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        """Score 0 in the gradebook each graded cell the submission lacks (deleted by the student) and that holds
        no score yet; the notebook itself is left as it is."""
        info = resources["nbgrader"]
        present = present_grade_ids(nb)
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            for grade in notebook.grades:
                if grade.name not in present and grade.auto_score is None and grade.manual_score is None:
                    self.log.warning("Graded cell %s is missing from the submission: it scores 0", grade.name)
                    grade.auto_score, grade.needs_manual_grade = 0.0, False
            gradebook.db.commit()
        return nb, resources

"""Feedback step: nbgrader's GetGrades, also saying which graded cells a TA has still to grade by hand.

nbgrader scores an answer that awaits hand grading (the mle assignment's written derivation) as 0 until a TA grades
it, so its feedback read `0.0 / 4.0`. The gradebook knows better (`Grade.needs_manual_grade`): the template shows such
a cell as "to be graded by hand" and the header the points still pending.
"""
from nbgrader.preprocessors import GetGrades


class GetGradesWithPending(GetGrades):
    """GetGrades, plus `metadata.nbgrader.needs_manual_grade` (bool, from the gradebook) in every graded cell; the
    key is removed from every other cell (a submission may have written one)."""

    def preprocess_cell(self, cell, resources, cell_index):
        """nbgrader's GetGrades for one cell, after removing any needs_manual_grade the submission wrote."""
        if isinstance(cell.metadata.get("nbgrader"), dict):
            cell.metadata.nbgrader.pop("needs_manual_grade", None)
        return super().preprocess_cell(cell, resources, cell_index)

    def _get_score(self, cell, resources):
        super()._get_score(cell, resources)
        grade = self.gradebook.find_grade(cell.metadata.nbgrader["grade_id"], self.notebook_id, self.assignment_id,
                                          self.student_id)
        cell.metadata.nbgrader["needs_manual_grade"] = bool(grade.needs_manual_grade)

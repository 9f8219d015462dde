"""Step 1: read the scores from nbgrader's gradebook (never from the notebooks) into `ClassGrades`."""
from __future__ import annotations

from pathlib import Path

from nbgrader.api import Gradebook

from aimath.pipeline.nbgrader_session import open_api
from aimath.report.records import Assignment, ClassGrades, Item, Submission, item_label


def _items(assignment) -> tuple[Item, ...]:
    """The assignment's autograded test cells: code grade cells that are not also answer (solution) cells."""
    items = []
    for notebook in assignment.notebooks:
        answers = {cell.name for cell in notebook.solution_cells}
        items += [Item(item_label(assignment.name, notebook.name, cell.name), cell.max_score)
                  for cell in notebook.grade_cells if cell.cell_type == "code" and cell.name not in answers]
    return tuple(items)


def _submission(assignment, submission, items: tuple[Item, ...]) -> Submission:
    """A gradebook submission as plain data, with the score of each of the assignment's test cells."""
    labels = {item.label for item in items}
    scores = {}
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            label = item_label(assignment.name, notebook.name, grade.name)
            if label in labels:
                scores[label] = grade.score
    return Submission(
        student=submission.student.id,
        assignment=assignment.name,
        score=submission.score,
        max_score=submission.max_score,
        needs_manual_grade=bool(submission.needs_manual_grade),
        seconds_late=submission.total_seconds_late,
        late_penalty=submission.late_submission_penalty,
        item_scores=scores,
    )


def read_grades(*, root: Path) -> ClassGrades:
    """Every student, assignment and submission of the course's gradebook."""
    api = open_api(root=root)
    assignments, submissions = [], {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        students = tuple(sorted(student.id for student in gradebook.students))
        for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
            items = _items(assignment)
            assignments.append(Assignment(assignment.name, assignment.max_score, assignment.duedate, items))
            for submission in assignment.submissions:
                submissions[(submission.student.id, assignment.name)] = _submission(assignment, submission, items)
    return ClassGrades(api.coursedir.course_id, students, tuple(assignments), submissions)

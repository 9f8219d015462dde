"""The demo class: reproducible synthetic submissions, so a fresh clone has a realistic class to grade.

Each demo student answers every graded function of every assignment with one of: the instructor's solution, an
alternative correct solution, a catalogued mistake (aimath/catalogue), or nothing (the release stub). Two students
are always correct, one always answers with alternatives and one submits the untouched release; the others draw
their answers from a seeded random generator. Submissions start from the release notebook, as a student's would.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

DEMO_SEED = 2026
N_STUDENTS = 12
# How the randomly drawn students answer each graded function.
ANSWER_WEIGHTS = {"solution": 0.45, "alternative": 0.2, "mistake": 0.3, "stub": 0.05}
FIXED_PROFILES = {"demo01": "solution", "demo02": "solution", "demo03": "alternative", "demo04": "stub"}

_SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


@dataclass(frozen=True)
class Answer:
    """What a student wrote for one graded function: `kind` and the code (None keeps the release stub)."""

    graded: str
    kind: str
    code: str | None
    mistake: str | None = None


def _catalogues():
    # Imported when seeding only: the catalogue imports scipy and sympy (about a second) that other commands don't need.
    from aimath.catalogue import all_catalogues
    return all_catalogues()


def graded_solution_cells(notebook) -> dict[str, str]:
    """{grade_id: solution source without the solution markers} for each answer cell.

    Answer cells are autograded code answers and manually graded written (markdown) answers.
    """
    found = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and (cell.cell_type == "markdown" or not meta.get("grade")):
            found[meta["grade_id"]] = "\n".join(
                line for line in cell.source.splitlines() if not _SOLUTION_MARKER.match(line))
    return found


def choose_answers(rng: random.Random, profile: str, solutions: dict[str, str], catalogue) -> list[Answer]:
    """One Answer per graded solution cell, following the profile ('solution', 'alternative', 'stub' or 'mixed')."""
    answers = []
    for graded, solution in solutions.items():
        entries = [e for e in (catalogue.entries if catalogue else []) if e.graded == graded and e.demo]
        options = {
            "solution": [solution],
            "alternative": [e for e in entries if not e.is_mistake],
            "mistake": [e for e in entries if e.is_mistake],
            "stub": [None],
        }
        kind = profile
        if profile == "mixed":
            kinds = [k for k in ANSWER_WEIGHTS if options[k]]
            kind = rng.choices(kinds, weights=[ANSWER_WEIGHTS[k] for k in kinds])[0]
        if not options.get(kind):
            kind = "solution"
        picked = rng.choice(options[kind])
        if kind in ("solution", "stub"):
            answers.append(Answer(graded, kind, picked))
        else:
            answers.append(Answer(graded, kind, picked.source_as(), picked.diagnosis if picked.is_mistake else None))
    return answers


def submission(release_nb, answers: list[Answer]):
    """A copy of the release notebook with each graded cell replaced by the student's answer."""
    nb = nbformat.from_dict(release_nb)
    by_id = {a.graded: a for a in answers}
    for cell in nb.cells:
        answer = by_id.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if answer is not None and answer.code is not None:
            cell.source = answer.code
    return nb


def demo_students(n_students: int = N_STUDENTS) -> list[tuple[str, str]]:
    """[(student id, profile)] for the whole demo class (a larger synthetic class with `n_students`)."""
    width = max(2, len(str(n_students)))
    return [(f"demo{i:0{width}d}", FIXED_PROFILES.get(f"demo{i:02d}", "mixed")) for i in range(1, n_students + 1)]


def write_demo_class(*, root: Path, seed: int = DEMO_SEED,
                     n_students: int = N_STUDENTS) -> dict[str, dict[str, list[Answer]]]:
    """Write submitted/<student>/<assignment>/<assignment>.ipynb for every released assignment; returns the plan."""
    catalogues = _catalogues()
    plan: dict[str, dict[str, list[Answer]]] = {}
    for release_path in sorted((root / "release").glob("*/*.ipynb")):
        assignment = release_path.parent.name
        source_path = root / "source" / assignment / release_path.name
        if not source_path.exists():
            continue
        release_nb = nbformat.read(release_path, as_version=4)
        solutions = graded_solution_cells(nbformat.read(source_path, as_version=4))
        for student, profile in demo_students(n_students):
            rng = random.Random(f"{seed}/{student}/{assignment}")
            answers = choose_answers(rng, profile, solutions, catalogues.get(assignment))
            out = root / "submitted" / student / assignment / release_path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(submission(release_nb, answers), out)
            plan.setdefault(student, {})[assignment] = answers
    return plan


def seed_if_empty(*, root: Path, seed: int = DEMO_SEED) -> int:
    """Write the demo class when submitted/ holds no notebook; returns the number of notebooks written."""
    if any((root / "submitted").glob("*/*/*.ipynb")):
        return 0
    plan = write_demo_class(root=root, seed=seed)
    return sum(len(assignments) for assignments in plan.values())

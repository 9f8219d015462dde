"""The demo class is reproducible, covers every kind of answer, and starts from the release like a real student."""
import shutil
from pathlib import Path

import nbformat
import pytest

from aimath.pipeline import demo_class

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def course_copy(tmp_path):
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def _notebooks(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted((root / "submitted").glob("*/*/*.ipynb"))}


def test_the_same_seed_writes_the_same_class_and_another_seed_a_different_one(course_copy, tmp_path_factory):
    plan = demo_class.write_demo_class(root=course_copy)
    first = _notebooks(course_copy)
    assert len(plan) == demo_class.N_STUDENTS
    assert len(first) == demo_class.N_STUDENTS * len(list((ROOT / "release").glob("*/*.ipynb")))
    shutil.rmtree(course_copy / "submitted")
    demo_class.write_demo_class(root=course_copy)
    assert _notebooks(course_copy) == first
    shutil.rmtree(course_copy / "submitted")
    demo_class.write_demo_class(root=course_copy, seed=demo_class.DEMO_SEED + 1)
    assert _notebooks(course_copy) != first


def test_profiles_and_the_mixed_students_cover_every_kind_of_answer(course_copy):
    plan = demo_class.write_demo_class(root=course_copy)
    for student, kind in demo_class.FIXED_PROFILES.items():
        kinds = {a.kind for answers in plan[student].values() for a in answers}
        assert kinds == {kind} or (kind == "alternative" and kinds <= {"alternative", "solution"}), (student, kinds)
    mixed = {a.kind for s, p in demo_class.demo_students() if p == "mixed" for answers in plan[s].values() for a in answers}
    assert {"solution", "alternative", "mistake"} <= mixed


def test_the_unanswered_student_hands_in_the_release_and_seeding_never_overwrites(course_copy):
    assert demo_class.seed_if_empty(root=course_copy) > 0
    for release in (course_copy / "release").glob("*/*.ipynb"):
        submitted = course_copy / "submitted" / "demo04" / release.parent.name / release.name
        assert nbformat.read(submitted, 4) == nbformat.read(release, 4)
    before = _notebooks(course_copy)
    assert demo_class.seed_if_empty(root=course_copy) == 0
    assert _notebooks(course_copy) == before

"""Each submission meets its own random hidden inputs, each regrade the same ones (aimath/sandbox/inputs_salt.py).

Pure parts first: the salted draws, the digest of a submission folder. Then the property every check must keep
under any salt: the source solution and every alternative pass, every catalogued mistake fails. Last, issue 18's
case 7 end to end: inputs harvested from one grading do not fit the next submission.
"""
import importlib
import json
import os
import shutil
import warnings
from functools import cache
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell

from aimath.checks.basic_math import _vector_cases
from aimath.judge import CheckFailed, seeded_rng
from aimath.pipeline import autograde, nbgrader_session, release
from aimath.pipeline.demo_class import graded_solution_cells
from aimath.sandbox.inputs_salt import current_salt, folder_digest, salted_inputs, submission_salt
from tests.attacks.catalogue import Attack, attacked_notebook
from aimath.catalogue import all_catalogues

ROOT = Path(__file__).resolve().parents[1]
SALTS = st.binary(min_size=32, max_size=32)
CATALOGUES = all_catalogues()
IDS = dict(course_secret="c0ffee", student="ann", assignment="hw", notebook="hw")


# ---------------------------------------------------------------- salted draws

def test_without_a_salt_the_draws_are_those_of_the_checks_name():
    assert current_salt() == b""
    assert np.array_equal(seeded_rng("l2_norm").normal(size=5), np.random.default_rng([0, *b"l2_norm"]).normal(size=5))


@given(SALTS, SALTS)
@settings(max_examples=20)
def test_the_same_salt_draws_the_same_inputs_and_another_salt_others(salt, other):
    with salted_inputs(salt):
        first = seeded_rng("l2_norm").normal(size=8)
        again = seeded_rng("l2_norm").normal(size=8)
    with salted_inputs(other):
        theirs = seeded_rng("l2_norm").normal(size=8)
    assert np.array_equal(first, again)
    assert np.array_equal(first, theirs) == (salt == other)
    assert current_salt() == b""


def test_the_salt_is_restored_when_a_check_raises():
    with pytest.raises(CheckFailed), salted_inputs(b"x" * 32):
        raise CheckFailed("wrong")
    assert current_salt() == b""


# ---------------------------------------------------------------- the salt of a submission folder

FILES = st.dictionaries(st.sampled_from(["a.ipynb", "notes.txt", "data/answers.json", "b\udcff.bin"]),
                        st.binary(max_size=64), min_size=1)


def _write(folder: Path, files: dict) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


@given(FILES, st.data())
@settings(max_examples=30, deadline=None)
def test_any_change_to_what_was_handed_in_changes_the_salt_and_nothing_else_does(tmp_path_factory, files, data):
    root = tmp_path_factory.mktemp("salt")
    salt = submission_salt(_write(root / "one", files), **IDS)
    assert salt == submission_salt(_write(root / "two", files), **IDS), "the same files, elsewhere: the same salt"
    name = data.draw(st.sampled_from(sorted(files)))
    changed = dict(files, **{name: files[name] + b"\0"})
    assert salt != submission_salt(_write(root / "two", changed), **IDS)
    assert salt != submission_salt(_write(root / "two", dict(files, **{"extra.txt": b""})), **IDS)
    for key in IDS:
        assert salt != submission_salt(root / "one", **dict(IDS, **{key: IDS[key] + "x"})), key


def test_links_are_not_followed_and_special_files_not_opened(tmp_path):
    outside = tmp_path / "gradebook.db"
    outside.write_bytes(b"secret")
    folder = _write(tmp_path / "submitted", {"hw.ipynb": b"{}"})
    (folder / "gb.db").symlink_to(outside)
    os.mkfifo(folder / "pipe")  # opening it would block
    before = folder_digest(folder)
    outside.write_bytes(b"changed")
    assert folder_digest(folder) == before
    (folder / "gb.db").unlink()
    (folder / "gb.db").symlink_to(tmp_path / "elsewhere")
    assert folder_digest(folder) != before


# ---------------------------------------------------------------- the checks under any salt

def _checks(assignment):
    return importlib.import_module(f"aimath.checks.{assignment}").CHECKS


@cache
def _solution_namespace(assignment):
    """The source notebook's imports, instructor helpers and solutions, run as a student's kernel would run them."""
    nb = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = graded_solution_cells(nb)
    namespace = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if cell.cell_type != "code" or not grade_id or (meta.get("grade") and not meta.get("solution")):
            continue
        source = answers.get(grade_id, cell.source if meta.get("locked") else "")
        exec("\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%")), namespace)
    return namespace


@pytest.mark.parametrize("assignment", sorted(CATALOGUES))
@given(salt=SALTS)
@settings(max_examples=3, deadline=None, derandomize=True)
def test_under_any_salt_solutions_pass_and_mistakes_fail(assignment, salt):
    checks = _checks(assignment)
    solutions = _solution_namespace(assignment)
    with salted_inputs(salt), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for graded, check in checks.items():
            check(solutions[graded])
        for entry in CATALOGUES[assignment].entries:
            if entry.is_mistake:
                with pytest.raises(CheckFailed):
                    checks[entry.graded](entry.obj)
            else:
                checks[entry.graded](entry.obj)


# ---------------------------------------------------------------- harvesting hidden inputs (issue 18, case 7)

HARVEST = Attack("harvester", "harvest hidden inputs", "stub", code="_seen = []", replace={"l2_norm": """
def l2_norm(x):
    _seen.append(np.asarray(x).tolist())
    return 0
"""}, edit=lambda nb: nb.cells.append(new_code_cell("import json\nprint(json.dumps(_seen))")) or nb)
WRONG = Attack("wrong", "honest wrong answer", "stub", replace={"l2_norm": "def l2_norm(x):\n    return 0"})
HIDDEN_TEST = "test_l2_norm_hidden"


def _hard_coded(harvested):
    """The resubmission: the norms of the harvested inputs, computed elsewhere, and the wrong answer otherwise."""
    table = {json.dumps(x): float(np.linalg.norm(x)) for x in harvested}
    return Attack("harvester", "harvest hidden inputs", "stub", replace={"l2_norm": f"""
import json
ANSWERS = {table!r}
def l2_norm(x):
    return ANSWERS.get(json.dumps(np.asarray(x).tolist()), 0)
"""})


def _submit(root, attack, release_nb, source_nb):
    path = root / "submitted" / attack.name / "basic_math" / "basic_math.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(attacked_notebook(attack, release_nb, source_nb), path)


def _graded(root, student):
    """What the student's last cell printed (the harvested inputs) and the score of every graded cell."""
    nb = nbformat.read(root / "autograded" / student / "basic_math" / "basic_math.ipynb", as_version=4)
    printed = "".join(o.text for o in nb.cells[-1].get("outputs", []) if o.get("name") == "stdout")
    api = nbgrader_session.open_api(root=root)
    from nbgrader.api import Gradebook
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        scores = {g.name: g.score for g in gb.find_submission_notebook("basic_math", "basic_math", student).grades}
    return printed, scores


@pytest.mark.pipeline
@pytest.mark.xdist_group("harvest")
def test_harvested_hidden_inputs_do_not_fit_the_next_submission(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, root)
    shutil.copytree(ROOT / "source" / "basic_math", root / "source" / "basic_math")
    release.release(root=root, assignments=["basic_math"])
    release_nb = nbformat.read(root / "release" / "basic_math" / "basic_math.ipynb", as_version=4)
    source_nb = nbformat.read(root / "source" / "basic_math" / "basic_math.ipynb", as_version=4)
    for attack in (HARVEST, WRONG):
        _submit(root, attack, release_nb, source_nb)
    autograde.autograde(root=root)
    printed, scores = _graded(root, HARVEST.name)
    harvested = json.loads(printed)
    unsalted = [np.asarray(c.args[0]).tolist() for c in _vector_cases("l2_norm")]
    assert len(harvested) > len(unsalted) and harvested[-len(unsalted):] != unsalted, "the inputs were not salted"

    autograde.autograde(root=root, force=True)
    assert _graded(root, HARVEST.name) == (printed, scores), "a regrade of the same bytes met other inputs"

    _submit(root, _hard_coded(harvested), release_nb, source_nb)
    autograde.autograde(root=root)
    _, resubmitted = _graded(root, HARVEST.name)
    _, wrong = _graded(root, WRONG.name)
    assert resubmitted[HIDDEN_TEST] <= wrong[HIDDEN_TEST] == 0, (resubmitted, wrong)

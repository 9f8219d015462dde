"""The attack suite: dishonest basic_math submissions, graded in the sandbox in one batch.

Every attack must score no more than the honest answer it started from, leave the gradebook, source/ and
nbgrader_config.py untouched, write nothing outside its folder, reach no network and not stop the batch. Honest
controls keep their marks, including correct code that writes to stderr (stock nbgrader scores that cell 0).
tests/attacks/vs_stock.py runs the same suite against stock nbgrader and prints both side by side.
"""
import json

import nbformat
import pytest

from aimath.pipeline import intake
from aimath.report.evidence import read_evidence
from tests.attacks import harness
from tests.attacks.catalogue import ASSIGNMENT, ATTACKS, FORGED_TAGS

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("attacks")]

# What the TA summary must flag for these attacks (grading.json beside the autograded notebook).
EXPECTED_FLAGS = {
    "read-hidden-tests": "forbidden-access",
    "gradebook-rewrite-tests": "forbidden-access",
    "config-code-injection": "forbidden-access",
    "copy-other-student": "forbidden-access",
    "background-process-edits-gradebook": "forbidden-access",
    "network-exfiltration": "forbidden-access",
    "endless-loop-in-graded-function": "time-limit",
    "endless-loop-ignoring-interrupts": "time-limit",
    "kernel-exits-midway": "kernel-died",
    "huge-output": "output-limit",
    "patch-builtins-assert-import": "agent-misbehaved",
    "huge-reply-of-empty-lists": "agent-misbehaved",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("attacks")
    return root, {r.attack.name: r for r in harness.run(root, sandbox=True)}


def test_the_suite_is_large_and_varied():
    assert len(ATTACKS) >= 20
    assert len({a.kind for a in ATTACKS}) >= 7


@pytest.mark.parametrize("name", [a.name for a in ATTACKS])
def test_attack_gains_nothing(graded, name):
    root, results = graded
    result = results[name]
    if result.score is None:  # nbgrader refused it: the TA must be told why, and it scores nothing
        lines = [p.message for p in intake.load(root).get((name, ASSIGNMENT), []) if not p.graded]
        assert lines and "not graded" in lines[0], "a submission left ungraded needs a line for the TA"
        assert result.harms == ["not graded"], result.describe()
    else:
        assert not result.succeeded, result.describe()


def test_honest_controls_keep_their_marks(graded):
    _, results = graded
    full = results["honest-solution"].score
    assert full and full > 0
    assert results["honest-stub"].score == 0
    assert results["honest-but-noisy-stderr"].score == full, "stderr noise from correct code must not cost points"


@pytest.mark.parametrize("name, flag", sorted(EXPECTED_FLAGS.items()))
def test_the_ta_sees_a_flag(graded, name, flag):
    root, _ = graded
    record = json.loads((root / "autograded" / name / ASSIGNMENT / "grading.json").read_text())
    assert flag in record["flags"], record


def test_the_report_counts_no_diagnosis_a_student_wrote(graded):
    """The report's diagnoses come from the grader's verdict data, never from text or outputs a student produced."""
    root, _ = graded
    counted = {tag for folder in (root / "autograded").glob(f"*/{ASSIGNMENT}")
               for tags in read_evidence(folder, assignment=ASSIGNMENT).mistakes.values() for tag in tags}
    assert not counted & set(FORGED_TAGS), counted
    autograded = nbformat.read(root / "autograded" / "forged-diagnoses" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    assert "Likely mistake [forged-tag]" in json.dumps(autograded), "the forged text never reached the notebook"


def test_honest_submissions_are_not_flagged(graded):
    root, _ = graded
    for name in ("honest-solution", "honest-stub", "honest-but-noisy-stderr"):
        record = json.loads((root / "autograded" / name / ASSIGNMENT / "grading.json").read_text())
        assert record["flags"] == [], (name, record)

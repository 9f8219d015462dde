"""A hidden test's verdict travels as data: written by the grader beside the test cell's error, read back by the
report, dropped from the feedback; the "Likely mistake" line is worded in one place (aimath/verdict.py)."""
import json

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aimath import verdict
from aimath.judge import CheckFailed, Diagnosis, check_cases
from aimath.pipeline.plugins.drop_verdict_data import DropVerdictData
from aimath.sandbox.grader_side import run_test_cell

TAGS = st.from_regex(verdict.TAG, fullmatch=True).filter(lambda t: len(t) <= verdict.MAX_TAG_CHARS)
MISTAKES = st.builds(verdict.Mistake, TAGS, st.text(max_size=200))
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=20)


@given(st.lists(MISTAKES, max_size=verdict.MAX_MISTAKES))
def test_a_verdict_survives_the_notebook_and_comes_back_the_same(mistakes):
    sent = verdict.CellVerdict(tuple(mistakes))
    cell = nbformat.v4.new_code_cell("check(f)", outputs=[verdict.to_output(sent)])
    notebook = nbformat.reads(nbformat.writes(nbformat.v4.new_notebook(cells=[cell])), as_version=4)
    nbformat.validate(notebook)
    assert verdict.from_outputs(notebook.cells[0].outputs) == sent


@given(JSON | st.fixed_dictionaries({"version": st.just(1), "mistakes": st.lists(JSON, max_size=3)}))
def test_any_other_data_reads_as_no_verdict(data):
    output = nbformat.v4.new_output("display_data", data={verdict.MIME_TYPE: data})
    try:
        read = verdict.CellVerdict.from_data(data)
    except ValueError:
        assert verdict.from_outputs([output]) is None
    else:
        assert verdict.from_outputs([output]) == read and all(verdict.TAG.fullmatch(t) for t in read.tags)


def test_a_mistake_has_a_tag_and_one_wording():
    mistake = verdict.Mistake("max-seeded-at-zero", "start from the first element.")
    assert verdict.mistake_line(mistake) == "Likely mistake [max-seeded-at-zero]: start from the first element."
    for bad in ("", "two words", "tag]: x", "x" * (verdict.MAX_TAG_CHARS + 1), None):
        with pytest.raises(ValueError):
            verdict.Mistake(bad, "advice")
    with pytest.raises(TypeError):
        CheckFailed("a bare tag is not a mistake", ["max-seeded-at-zero"])


def test_the_grader_writes_a_checks_mistakes_beside_its_error_and_nothing_for_text():
    from aimath.sandbox.inside.probe import Case

    diagnosis = Diagnosis("returned-smallest", "this is the smallest element; check the comparison.", min)
    namespace = {"check_cases": check_cases, "Case": Case, "diagnosis": diagnosis}
    outputs = run_test_cell("check_cases('get_greatest', min, max, [Case(([3, 1, 2],))], diagnoses=[diagnosis])",
                            namespace)
    assert [o.output_type for o in outputs] == ["error", "display_data"]
    assert verdict.mistake_line(diagnosis.mistake) in outputs[0].evalue
    assert verdict.from_outputs(outputs) == verdict.CellVerdict((diagnosis.mistake,))
    for forged in ("raise ValueError('Likely mistake [forged-tag]: x')",
                   "assert False, 'Likely mistake [forged-tag]: x'",
                   "print('Likely mistake [forged-tag]: x'); raise CheckFailed('no mistakes named')"):
        outputs = run_test_cell(forged, {"CheckFailed": CheckFailed})
        assert verdict.from_outputs(outputs) is None and "forged-tag" not in json.dumps(
            [o.get("data") for o in outputs]), forged


def test_feedback_drops_the_verdict_data_and_keeps_everything_else():
    data = verdict.to_output(verdict.CellVerdict((verdict.Mistake("sign", "flip it."),)))
    student_display = nbformat.v4.new_output("display_data", data={"text/plain": "a plot"})
    error = nbformat.v4.new_output("error", ename="CheckFailed", evalue="wrong", traceback=[])
    test_cell = {"grade": True, "solution": False, "grade_id": "test_f", "points": 1}
    cell = nbformat.v4.new_code_cell("check(f)", outputs=[error, data, student_display],
                                     metadata={"nbgrader": test_cell})
    cell, _ = DropVerdictData().preprocess_cell(cell, {}, 0)
    assert cell.outputs == [error, student_display]
    # a student's own cell displaying the same MIME type is the student's output: kept (SanitizeOutputs shows its text)
    own = nbformat.v4.new_code_cell("display(...)", outputs=[data])
    assert DropVerdictData().preprocess_cell(own, {}, 0)[0].outputs == [data]

"""Hidden-test strength: every catalogued mistake fails its check, every alternative solution passes.

Calls the check functions directly (no notebook), so it is fast and runs for every assignment that has a catalogue.
"""
import functools
import importlib
import warnings
from pathlib import Path

import nbformat
import pytest

from aimath.judge import CheckFailed
from aimath.sandbox.remote import local_remote
from aimath.catalogue import all_catalogues

MIN_MISTAKES = 6
MIN_ALTERNATIVES = 2

CATALOGUES = all_catalogues()

# A check gets the student's object either directly (grading without the sandbox) or as a handle on an object in
# the sandbox (the default); the in-process stand-in uses the same pickling, agent and codec as the real sandbox.
WHERE = {"here": lambda obj: obj, "sandboxed": local_remote}
where = pytest.mark.parametrize("where", sorted(WHERE))


def checks_of(assignment):
    return importlib.import_module(f"aimath.checks.{assignment}").CHECKS


def entries(is_mistake):
    return [pytest.param(e, id=e.id) for c in CATALOGUES.values() for e in c.entries if e.is_mistake == is_mistake]


@where
@pytest.mark.parametrize("entry", entries(is_mistake=True))
def test_mistake_fails_its_check_with_words(entry, where):
    check = checks_of(entry.assignment)[entry.graded]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a wrong answer may well warn; it must still fail cleanly
        with pytest.raises(CheckFailed) as failure:
            check(WHERE[where](entry.obj))
    message = str(failure.value)
    assert entry.graded in message and len(message) > 40, message
    # the feedback names the mistake, and only that one: no catch-all, no second guess (issue 22)
    assert entry.diagnosis, f"{entry.id} must say which mistake its feedback names (diagnosis=...)"
    assert f"[{entry.diagnosis}]" in message, message
    assert set(failure.value.tags) == {entry.diagnosis}, message


@where
@pytest.mark.parametrize("entry", entries(is_mistake=False))
def test_alternative_passes_its_check_silently(entry, where):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a correct answer must not warn either: warnings land on stderr
        checks_of(entry.assignment)[entry.graded](WHERE[where](entry.obj))


@pytest.mark.parametrize("assignment", sorted(CATALOGUES))
def test_entry_ids_are_unique_across_the_parts_of_a_catalogue(assignment):
    """Tests and benchmarks name entries by id; two parts of a package may not reuse a name."""
    ids = [e.id for e in CATALOGUES[assignment].entries]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("assignment", sorted(CATALOGUES))
def test_every_graded_name_has_enough_mistakes_and_alternatives(assignment):
    catalogue = CATALOGUES[assignment]
    for graded in checks_of(assignment):
        assert len(catalogue.mistakes(graded)) >= MIN_MISTAKES, graded
        assert len(catalogue.alternatives(graded)) >= MIN_ALTERNATIVES, graded


@where
@pytest.mark.parametrize("assignment", sorted(CATALOGUES))
def test_an_unanswered_stub_is_told_it_is_not_implemented(assignment, where):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    for graded, check in checks_of(assignment).items():
        with pytest.raises(CheckFailed, match="not implemented yet"):
            check(WHERE[where](stub))


@functools.cache
def _imports_cell(assignment):
    path = Path(__file__).resolve().parents[1] / "source" / assignment / f"{assignment}.ipynb"
    cell = next(c for c in nbformat.read(path, as_version=4).cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "imports")
    return "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))


def notebook_imports(assignment):
    """A fresh namespace as the source notebook's imports cell creates it (IPython magics left out)."""
    namespace = {}
    exec(_imports_cell(assignment), namespace)
    return namespace


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.id) for c in CATALOGUES.values() for e in c.entries if e.demo])
def test_entry_pasted_into_its_notebook_gets_the_same_verdict(entry):
    """The demo class pastes `entry.source_as()` into a notebook that has only run its imports cell."""
    namespace = notebook_imports(entry.assignment)
    exec(compile(entry.source_as(), entry.id, "exec"), namespace)
    check = checks_of(entry.assignment)[entry.graded]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore" if entry.is_mistake else "error")
        if entry.is_mistake:
            with pytest.raises(CheckFailed) as failure:
                check(namespace[entry.graded])
            assert set(failure.value.tags) == {entry.diagnosis}, str(failure.value)
        else:
            check(namespace[entry.graded])

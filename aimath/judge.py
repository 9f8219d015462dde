"""The judge every hidden test uses: generate inputs, call the student's code, compare with the reference.

A check is a list of `Case`s. Each case is *probed* twice: once with the student's object and once with the
reference. A probe only calls the object with generated inputs and returns plain data (numbers, strings, float64
arrays, and tuples/lists/dicts of those): that is all that ever crosses from student code to the verdict. When the
student's object is a `Remote` (it lives in the grading sandbox) the probe runs there and only its outcome comes
back (aimath/sandbox/remote.py); the reference, the comparison and the diagnosis stay here. `judge()` then compares the two outcomes and, on a mismatch, names the
mistake when one of the check's `Diagnosis`es recognises the wrong output.

Every failure raises `CheckFailed` (an `AssertionError`, so nbgrader scores the cell 0) whose message is written
for the student: which input, what was expected, what came back, and the likely mistake; the mistakes it names also
travel as data (`aimath.verdict`).

Random inputs come from `seeded_rng`: the same draws at every run, except while grading a submission, when they
also depend on that submission (aimath/sandbox/inputs_salt.py).
"""
from __future__ import annotations

import copy
import math
import reprlib
import sys
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from aimath import gradcheck
from aimath.sandbox.inputs_salt import current_salt
from aimath.sandbox.inside.probe import ABS_TOL, REL_TOL, Case, Outcome, call, to_plain
from aimath.sandbox.inside.probe import probe as _probe_here
from aimath.sandbox.remote import Remote, send_by_value
from aimath.verdict import CheckFailed, Mistake, mistake_line, naming

# The judge's own helpers and the gradient checker run inside the sandbox as parts of a check's probes: they travel
# there by value, as the checks do (aimath/checks/__init__.py).
send_by_value(sys.modules[__name__], gradcheck)

# How many failing cases a message lists before it stops.
MAX_FAILURES_SHOWN = 2

_short = reprlib.Repr()
_short.maxstring = 120
_short.maxother = 120
_short.maxlist = 12
_short.maxtuple = 12
_short.maxdict = 8


@dataclass(frozen=True)
class Diagnosis:
    """A recognisable mistake: `wrong(*args, **kwargs)` is what that mistake returns for a case.

    `name` is a short stable tag (shown in brackets and counted in the report); `advice` says what went wrong
    and how to fix it, in words a student understands. `symptom` marks a `wrong` that describes what the failing
    results look like (a run-away, a loop that never stops) rather than what the mistaken code returns on every
    input: it is then not held against the cases the student got right (see `diagnose`).
    """

    name: str
    advice: str
    wrong: Callable[..., Any]
    symptom: bool = False

    @property
    def mistake(self) -> Mistake:
        """The mistake this diagnosis names."""
        return Mistake(self.name, self.advice)


def probe(obj: Any, case: Case, how: Callable = call) -> Outcome:
    """Run `how(obj, *case.args, **case.kwargs)` where `obj` lives (in the sandbox for a `Remote`); see `probes`."""
    return probes(obj, [case], how)[0]


def probes(obj: Any, cases: Sequence[Case], how: Callable = call) -> list[Outcome]:
    """`probe` each case; for an object in the sandbox all cases go in one request."""
    if isinstance(obj, Remote):
        return obj.probe_all(cases, how)
    return [_probe_here(obj, case, how) for case in cases]


def same(expected: Any, actual: Any, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> bool:
    """True when plain-data `actual` matches `expected`: exact for str/bool/None and structure, close for floats."""
    return mismatch(expected, actual, rel_tol, abs_tol) is None


def mismatch(expected: Any, actual: Any, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> str | None:
    """Describe the first way `actual` differs from `expected` (both plain data), or None when they match."""
    if isinstance(expected, str) or expected is None or isinstance(expected, bool):
        if type(actual) is not type(expected) or actual != expected:
            return "different value" if type(actual) is type(expected) else f"a {type(actual).__name__}, expected a {type(expected).__name__}"
        return None
    if isinstance(expected, (int, float)):
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            if isinstance(actual, np.ndarray) and actual.shape == ():
                actual = float(actual)
            else:
                return f"a {type(actual).__name__}, expected a number"
        if math.isnan(expected) and math.isnan(actual):
            return None
        if not math.isclose(expected, actual, rel_tol=rel_tol, abs_tol=abs_tol):
            return "different value"
        return None
    if isinstance(expected, complex):
        if not isinstance(actual, (int, float, complex)) or not abs(expected - actual) <= max(abs_tol, rel_tol * abs(expected)):
            return "different value"
        return None
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray):
            return f"a {type(actual).__name__}, expected a numpy array"
        if actual.shape != expected.shape:
            return f"shape {actual.shape}, expected shape {expected.shape}"
        if expected.dtype.kind in "bU":
            return None if np.array_equal(expected, actual) else "different values"
        if actual.dtype.kind not in "f":
            return f"an array of dtype {actual.dtype}, expected numbers"
        if not np.allclose(actual, expected, rtol=rel_tol, atol=abs_tol, equal_nan=True):
            gap = np.abs(actual - expected)
            worst = np.unravel_index(np.argmax(np.where(np.isnan(gap), np.inf, gap)), expected.shape)
            return f"different values (largest difference at index {tuple(int(i) for i in worst)})"
        return None
    if isinstance(expected, (list, tuple)):
        if type(actual) is not type(expected):
            return f"a {type(actual).__name__}, expected a {type(expected).__name__}"
        if len(actual) != len(expected):
            return f"length {len(actual)}, expected length {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            why = mismatch(e, a, rel_tol, abs_tol)
            if why:
                return f"item {i}: {why}"
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"a {type(actual).__name__}, expected a dict"
        if set(actual) != set(expected):
            return f"keys {sorted(map(str, actual))}, expected keys {sorted(map(str, expected))}"
        for k in expected:
            why = mismatch(expected[k], actual[k], rel_tol, abs_tol)
            if why:
                return f"key {k!r}: {why}"
        return None
    raise TypeError(f"cannot compare expected value of type {type(expected).__name__}")


def show(value: Any) -> str:
    """A short, readable rendering of a value for a failure message (strings quoted, so whitespace shows)."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=6, threshold=20, edgeitems=3, suppress=True):
            text = np.array2string(value, separator=", ")
        return text if len(text) <= 300 else text[:300] + " ..."
    return _short.repr(value)


def describe_inputs(case: Case, parameter_names: Sequence[str] = ()) -> str:
    """`name = value` for each input of the case (positional arguments named when names are given)."""
    parts = []
    for i, arg in enumerate(case.args):
        name = parameter_names[i] if i < len(parameter_names) else f"argument {i + 1}"
        parts.append(f"{name} = {show(arg)}")
    parts += [f"{k} = {show(v)}" for k, v in case.kwargs.items()]
    return ", ".join(parts) if parts else "(no inputs)"


def explains(d: Diagnosis, case: Case, actual: Any) -> bool:
    """True when the mistake `d` returns the student's result `actual` on `case` (False when `d.wrong` raises)."""
    try:
        wrong = to_plain(d.wrong(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))
    except Exception:
        return False
    return same(wrong, actual, case.rel_tol, case.abs_tol)


def contradicts(d: Diagnosis, case: Case, actual: Any) -> bool:
    """True when the mistake `d` would have returned something else than the student's (right) result on `case`.

    A symptom, or a `wrong` that raises (the mistake says nothing about that input), contradicts nothing."""
    if d.symptom:
        return False
    try:
        wrong = to_plain(d.wrong(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))
    except Exception:
        return False
    return not same(wrong, actual, case.rel_tol, case.abs_tol)


def diagnose(failures: Sequence[tuple[Case, Any]], diagnoses: Sequence[Diagnosis],
             passes: Sequence[tuple[Case, Any]] = ()) -> Diagnosis | None:
    """The first diagnosis that explains the student's result on every failing `(case, result)` and contradicts
    none of the `passes` (the cases the student got right, with their results).

    A mistake that would have shown on a case the student got right is not theirs: a maximum taken by absolute
    value fails only where the smallest value is the largest in size, and is not told it returns the smallest.
    Models of a mistake are tried before symptoms (which say what happened, not why).
    """
    if not failures:
        return None
    ordered = [d for d in diagnoses if not d.symptom] + [d for d in diagnoses if d.symptom]
    return next((d for d in ordered if all(explains(d, c, a) for c, a in failures)
                 and not any(contradicts(d, c, a) for c, a in passes)), None)


MUTATES_INPUT = Mistake("mutates-input", "work on a copy (for example sorted(x) rather than x.sort()).")


@dataclass(frozen=True)
class Verdict:
    """One failing case, ready to show. `wrong_value` marks a returned-but-wrong result (open to diagnosis)."""

    text: str
    mistake: Mistake | None = None
    wrong_value: bool = False


def judge(
    name: str,
    case: Case,
    expected: Outcome,
    actual: Outcome,
    parameter_names: Sequence[str] = (),
    extra: Callable[[Case, Any], str | None] | None = None,
) -> Verdict | None:
    """Compare the student's outcome with the reference's for one case; None when it passes.

    The inputs are only formatted for a failing case: on the common, passing path that would cost more than comparing.
    """
    def where() -> str:
        return f"  Input:    {describe_inputs(case, parameter_names)}" + (f"  ({case.label})" if case.label else "")

    if expected.error:
        raise RuntimeError(f"reference failed on {case}: {expected.error}")
    if actual.not_implemented:
        return Verdict(f"{name} is not implemented yet: it still raises NotImplementedError.")
    if actual.error:
        return Verdict(f"{name} failed when called:\n{where()}\n  Problem:  {actual.error}")
    if actual.mutated:
        names = [parameter_names[i] if i < len(parameter_names) else f"argument {i + 1}" for i in actual.mutated]
        return Verdict(
            f"{name} changed its input {', '.join(names)}; the caller's data must be left as it was.\n{where()}\n"
            f"  {mistake_line(MUTATES_INPUT)}",
            MUTATES_INPUT,
        )
    why = mismatch(expected.result, actual.result, case.rel_tol, case.abs_tol)
    if why is None and extra is not None:
        why = extra(case, actual.result)
    if why is None:
        return None
    text = f"{name} returned the wrong result.\n{where()}\n  Expected: {show(expected.result)}\n  Got:      {show(actual.result)}"
    if why not in ("different value", "different values"):
        text += f"\n  Problem:  {why}"
    return Verdict(text, wrong_value=True)


def check_cases(
    name: str,
    student: Any,
    reference: Any,
    cases: Sequence[Case],
    *,
    how: Callable = call,
    parameter_names: Sequence[str] = (),
    diagnoses: Sequence[Diagnosis] = (),
    extra: Callable[[Case, Any], str | None] | None = None,
) -> None:
    """Probe `student` and `reference` on every case and raise `CheckFailed` listing the first failures.

    `how(obj, *args, **kwargs)` is the probe (default: call the object); `extra(case, result)` may add a property
    check (a gradient check, a likelihood that must be maximal) returning a sentence when the property fails.
    A diagnosis is named when it explains every result, the wrong ones and the right ones.
    """
    __tracebackhide__ = True
    if not callable(student):
        raise CheckFailed(f"{name} should be a function (or class), but it is a {type(student).__name__}.")
    verdicts, wrong_results, right_results = [], [], []
    for case, actual in zip(cases, probes(student, cases, how)):
        verdict = judge(name, case, probe(reference, case, how), actual, parameter_names, extra)
        if verdict is None:
            right_results.append((case, actual.result))
            continue
        verdicts.append(verdict)
        if verdict.wrong_value:
            wrong_results.append((case, actual.result))
        if actual.not_implemented:
            break
    if not verdicts:
        return
    shown = verdicts[:MAX_FAILURES_SHOWN]
    more = len(verdicts) - len(shown)
    text = "\n\n".join(v.text for v in shown)
    if more:
        text += f"\n\n... and {more} more failing case{'s' if more > 1 else ''}."
    mistakes = {v.mistake for v in verdicts if v.mistake}
    found = diagnose(wrong_results, diagnoses, right_results) if len(wrong_results) == len(verdicts) else None
    if found:
        text += "\n\n" + mistake_line(found.mistake)
        mistakes.add(found.mistake)
    raise CheckFailed(text, sorted(mistakes))


def name_raised(run: Callable[[], None], raised: str, tag: str, advice: str) -> None:
    """Run a check (`run()`); when it failed naming no mistake and the student's code raised the exception named
    `raised` (e.g. "RecursionError") on some case, raise the same failure naming mistake `tag` with `advice`."""
    __tracebackhide__ = True
    try:
        run()
    except CheckFailed as failure:
        if failure.mistakes or f"it raised {raised}" not in str(failure):
            raise
        raise naming(failure, Mistake(tag, advice)) from None


def seeded_rng(name: str, seed: int = 0) -> np.random.Generator:
    """A random generator seeded from a check's name and the inputs salt (aimath/sandbox/inputs_salt.py: grading
    sets the submission's; none outside grading).

    The same name, seed and salt always give the same draws; without a salt they are those of
    `np.random.default_rng([seed, *name.encode()])`.
    """
    entropy = [seed, *name.encode()]
    salt = current_salt()
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=tuple(salt)) if salt else entropy)

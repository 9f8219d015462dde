"""The judge every hidden test uses: generate inputs, call the student's code, compare with the reference.

A check is a list of `Case`s. Each case is *probed* twice: once with the student's object and once with the
reference. A probe only calls the object with generated inputs and returns plain data (numbers, strings, float64
arrays, and tuples/lists/dicts of those): that is all that ever crosses from student code to the verdict. When the
student's object is a `Remote` (it lives in the grading sandbox) the probes run there, all cases in one request, and
only their outcomes come back (aimath/sandbox/remote.py); the reference, the comparison and the diagnosis stay here.

`check_cases` judges a student against a reference; `check_property` judges each result by a property instead (an
estimate must maximise the likelihood). Every failure raises `CheckFailed` (an `AssertionError`, so nbgrader scores
the cell 0) whose message is written for the student: which input, what was expected, what came back, and the
likely mistake; the mistakes it names also travel as data, and their line is worded by `aimath.verdict` alone.

A failure is named by the first of these hooks that recognises it, in this order:
1. the student's code changed its input (`MUTATES_INPUT`);
2. `diagnoses`: models of a mistake (`Diagnosis`), then symptoms (`Diagnosis(symptom=True)`: what the wrong
   results look like); only when every failing case returned a wrong value;
3. `hints`: advice recognised from the failing cases themselves (`Hint`: an error the student's code raised, a
   kind of input every failing case shares);
4. `afterwards`: after-the-fact diagnoses that probe the student's own runs again (`Failed` -> `Mistake`), e.g.
   `wrong_only_on`.
An unnamed failure gets `uses` (what the graded object calls may be at fault) and `otherwise` (advice); every
failure then gets its `evidence` (`Failed` -> a sentence, e.g. `worst_gradient`). Property checks of right results
go in `extra(case, result)`; `gradient_property` is the one for gradients (central differences, aimath.gradcheck).
`quiet=True` runs the probes with quiet numerics (`quietly`); diagnoses always run quietly.

Random inputs come from `seeded_rng`: the same draws at every run, except while grading a submission, when they
also depend on that submission (aimath/sandbox/inputs_salt.py).
"""
from __future__ import annotations

import copy
import math
import reprlib
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from aimath import gradcheck
from aimath.gradcheck import GRAD_ABS_TOL, GRAD_REL_TOL, gradients_agree, relative_error
from aimath.sandbox.inputs_salt import current_salt
from aimath.sandbox.inside.probe import ABS_TOL, REL_TOL, Case, Outcome, call, to_plain
from aimath.sandbox.inside.probe import probe as _probe_here
from aimath.sandbox.remote import Remote, send_by_value
from aimath.verdict import CheckFailed, Mistake, mistake_line

# The judge's own helpers (quietly, own_central_differences) and the gradient checker run inside the sandbox as
# parts of a check's probes: they travel there by value, as the checks do (aimath/checks/__init__.py).
send_by_value(sys.modules[__name__], gradcheck)

# How many failing cases a message lists before it stops.
MAX_FAILURES_SHOWN = 2

NAN_CAME_BACK = "nan (not a number) came back: an overflow or 0 / 0 somewhere"

_short = reprlib.Repr()
_short.maxstring = 120
_short.maxother = 120
_short.maxlist = 12
_short.maxtuple = 12
_short.maxdict = 8


# ---------------------------------------------------------------- what a check is made of

@dataclass(frozen=True)
class Diagnosis:
    """A recognisable mistake: `wrong(*args, **kwargs)` is what that mistake returns for a case.

    `name` is a short stable tag (shown in brackets and counted in the report); `advice` says what went wrong
    and how to fix it, in words a student understands. `symptom` marks a `wrong` that describes what the failing
    results look like (a run-away, a loop that never stops) rather than what the mistaken code returns on every
    input: it is then tried after the models and not held against the cases the student got right (see `diagnose`).
    """

    name: str
    advice: str
    wrong: Callable[..., Any]
    symptom: bool = False

    @property
    def mistake(self) -> Mistake:
        """The mistake this diagnosis names."""
        return Mistake(self.name, self.advice)


@dataclass(frozen=True)
class Hint:
    """Advice for a failure no diagnosis named, recognised from the failing cases themselves.

    It applies when the error text of some failing case (`"it raised IndexError: ..."`) contains one of the
    fragments in `raised` ("RecursionError", "could not be broadcast"), or when the label of EVERY failing case
    contains the word `labels` (the failures share a kind of input: "large", "integer labels").
    """

    name: str
    advice: str
    raised: tuple[str, ...] = ()
    labels: str = ""

    @property
    def mistake(self) -> Mistake:
        """The mistake this hint names."""
        return Mistake(self.name, self.advice)

    def seen_in(self, failed: Failed) -> bool:
        """True when the failing cases of `failed` show this hint's error or all bear its label word."""
        if self.labels and all(self.labels in case.label for case, _, _ in failed.failing):
            return True
        errors = " ".join(actual.error for _, actual, _ in failed.failing if actual.error)
        return any(fragment in errors for fragment in self.raised)


@dataclass(frozen=True)
class Failed:
    """What a failed check saw, for the hooks that name or explain the failure afterwards.

    `student` is the object judged (a `Remote` when grading); `failing` holds `(case, student's outcome,
    reference's outcome)` for each failing case, in case order (the reference's is None for `check_property`);
    `passing` holds `(case, student's result)` for each case the student got right.
    """

    student: Any
    failing: tuple[tuple[Case, Outcome, Outcome | None], ...]
    passing: tuple[tuple[Case, Any], ...] = ()

    @property
    def all_wrong_values(self) -> bool:
        """True when every failing case returned a value (no error, no changed input): open to diagnosis."""
        return all(actual.error is None and not actual.mutated for _, actual, _ in self.failing)

    def explained_by(self, diagnosis: Diagnosis) -> bool:
        """True when `diagnosis` names this failure by the rule of `diagnose` (every failing case returned a value
        that it explains, and it contradicts none of the passing cases)."""
        wrong = [(case, actual.result) for case, actual, _ in self.failing]
        return self.all_wrong_values and diagnose(wrong, [diagnosis], self.passing) is diagnosis


MUTATES_INPUT = Mistake("mutates-input", "work on a copy (for example sorted(x) rather than x.sort()).")


# ---------------------------------------------------------------- probing

def quietly(fn: Callable) -> Callable:
    """`fn` run with quiet numerics: numpy's floating-point errors ignored and RuntimeWarnings silenced, so an
    overflow gives inf or nan (which the judge then explains) instead of a warning on stderr. Any callable; returns a
    callable with the same arguments and result."""
    def run(*args, **kwargs):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)
    return run


def probe(obj: Any, case: Case, how: Callable = call) -> Outcome:
    """Run `how(obj, *case.args, **case.kwargs)` where `obj` lives and return its `Outcome` (see `probes`)."""
    return probes(obj, [case], how)[0]


def probes(obj: Any, cases: Sequence[Case], how: Callable = call) -> list[Outcome]:
    """`Outcome`s of `how(obj, *case.args, **case.kwargs)` for each case, in order: the result as plain data, or the
    error the call raised, and which positional inputs it changed. Each call gets copies of the inputs.

    For an object in the sandbox (a `Remote`) every case goes in one request and `how` travels by value (it must
    not use aimath.reference: the request is refused with RuntimeError); raises remote.SandboxError when the sandbox
    does not answer, codec.AnswerRefused when its answer is over the limits."""
    if isinstance(obj, Remote):
        return obj.probe_all(cases, how)
    return [_probe_here(obj, case, how) for case in cases]


# ---------------------------------------------------------------- comparing plain data

def same(expected: Any, actual: Any, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> bool:
    """True when plain-data `actual` matches `expected` by the rules of `mismatch`."""
    return mismatch(expected, actual, rel_tol, abs_tol) is None


def mismatch(expected: Any, actual: Any, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> str | None:
    """Describe the first way plain-data `actual` differs from `expected`, or None when they match.

    str, bool and None compare exactly (type too); numbers with math.isclose(rel_tol, abs_tol) (nan matches nan);
    arrays by shape, then exactly for bool/str dtypes and with np.allclose for numbers; lists, tuples and dicts item
    by item (same type, length, keys). Raises TypeError when `expected` is none of these types.
    """
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


def _nan_throughout(expected: Any, actual: Any) -> bool:
    """True when the student's array differs from the expected one by nan everywhere (nan came back throughout)."""
    return (isinstance(expected, np.ndarray) and isinstance(actual, np.ndarray) and actual.shape == expected.shape
            and actual.size > 0 and bool(np.all(np.isnan(actual - expected))))


def show(value: Any) -> str:
    """A short, readable rendering of any value for a failure message (strings quoted, so whitespace shows; arrays
    with 6 significant digits; at most about 300 characters)."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=6, threshold=20, edgeitems=3, suppress=True):
            text = np.array2string(value, separator=", ")
        return text if len(text) <= 300 else text[:300] + " ..."
    return _short.repr(value)


def describe_inputs(case: Case, parameter_names: Sequence[str] = ()) -> str:
    """`name = value, ...` for each input of `case` (positional arguments named by `parameter_names` where given,
    else "argument i"); "(no inputs)" for none."""
    parts = []
    for i, arg in enumerate(case.args):
        name = parameter_names[i] if i < len(parameter_names) else f"argument {i + 1}"
        parts.append(f"{name} = {show(arg)}")
    parts += [f"{k} = {show(v)}" for k, v in case.kwargs.items()]
    return ", ".join(parts) if parts else "(no inputs)"


def _where(case: Case, parameter_names: Sequence[str]) -> str:
    return f"  Input:    {describe_inputs(case, parameter_names)}" + (f"  ({case.label})" if case.label else "")


# ---------------------------------------------------------------- diagnosing

def _models(d: Diagnosis, case: Case) -> Any:
    """What the mistake `d` returns on `case`, as plain data (run quietly, on copies of the inputs)."""
    return to_plain(quietly(d.wrong)(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))


def explains(d: Diagnosis, case: Case, actual: Any) -> bool:
    """True when the mistake `d` returns the student's result `actual` (plain data) on `case`, within the case's
    tolerances; False when `d.wrong` raises."""
    try:
        wrong = _models(d, case)
    except Exception:
        return False
    return same(wrong, actual, case.rel_tol, case.abs_tol)


def contradicts(d: Diagnosis, case: Case, actual: Any) -> bool:
    """True when the mistake `d` would have returned something else than the student's (right) result on `case`.

    A symptom, or a `wrong` that raises (the mistake says nothing about that input), contradicts nothing."""
    if d.symptom:
        return False
    try:
        wrong = _models(d, case)
    except Exception:
        return False
    return not same(wrong, actual, case.rel_tol, case.abs_tol)


def diagnose(failures: Sequence[tuple[Case, Any]], diagnoses: Sequence[Diagnosis],
             passes: Sequence[tuple[Case, Any]] = ()) -> Diagnosis | None:
    """The first diagnosis that explains the student's result on every failing `(case, result)` and contradicts
    none of the `passes` (the cases the student got right, with their results); None when none does or there is no
    failure.

    A mistake that would have shown on a case the student got right is not theirs: a maximum taken by absolute
    value fails only where the smallest value is the largest in size, and is not told it returns the smallest.
    Models of a mistake are tried before symptoms (which say what happened, not why).
    """
    if not failures:
        return None
    ordered = [d for d in diagnoses if not d.symptom] + [d for d in diagnoses if d.symptom]
    return next((d for d in ordered if all(explains(d, c, a) for c, a in failures)
                 and not any(contradicts(d, c, a) for c, a in passes)), None)


def wrong_only_on(trigger: Case, controls: Sequence[Case], mistake: Mistake, reference: Any,
                  how: Callable = call) -> Callable[[Failed], Mistake | None]:
    """An `afterwards` hook: `mistake` when the student's code gets every control case right (as `reference` does,
    no error, inputs unchanged) but not `trigger`. The controls hold what the check tests besides, so the mistake is
    not named for a different one that also breaks the trigger. Costs one probe of the student (one request)."""
    cases = [trigger, *controls]

    def right(case: Case, actual: Outcome, expected: Outcome) -> bool:
        return (actual.error is None and not actual.mutated
                and same(expected.result, actual.result, case.rel_tol, case.abs_tol))

    def seen(failed: Failed) -> Mistake | None:
        theirs, expected = probes(failed.student, cases, how), probes(reference, cases, how)
        rights = [right(case, a, e) for case, a, e in zip(cases, theirs, expected)]
        return mistake if not rights[0] and all(rights[1:]) else None
    return seen


# ---------------------------------------------------------------- gradients

class GradientUnavailable(Exception):
    """The numerical gradient could not be computed (the student's forward pass raised while being perturbed)."""


def own_central_differences(student: Any, how: Callable) -> Callable[[Case], dict]:
    """`numeric_of` for `gradient_property`: `how(student, *case.args, **case.kwargs)` computes central differences
    of the student's OWN forward pass (aimath.gradcheck) and returns {key: numerical gradient}.

    It runs where the student's code lives (in the grading sandbox: one request per case; perturbing parameters in
    place changes the student's real objects there), quietly; only the gradients come back. Raises
    GradientUnavailable with the error when the student's code raised."""
    def numeric(case: Case) -> dict:
        outcome = probe(student, case, how=quietly(how))
        if outcome.error:
            raise GradientUnavailable(outcome.error)
        return outcome.result
    return numeric


def gradient_property(numeric_of: Callable[[Case], Mapping], keys: Sequence[Any] = (None,), *, of: str,
                      rel_tol: float = GRAD_REL_TOL, abs_tol: float = GRAD_ABS_TOL,
                      only: Callable[[Case], bool] | None = None, pick: Callable[[Any], Mapping] | None = None,
                      ask: str = "") -> Callable[[Case, Any], str | None]:
    """An `extra` property: the student's gradients agree with central differences (aimath.gradcheck).

    numeric_of(case) -> {key: numerical gradient} (of the reference's function, or of the student's own forward pass:
    `own_central_differences`, which runs quietly); it may raise GradientUnavailable. The analytic gradients are
    pick(result) -> {key: gradient}, by default result[key] for each key (None: the whole result). Agreement is
    `gradcheck.gradients_agree(analytic, numeric, rel_tol, abs_tol)` for every key; otherwise the sentence names
    the gradient of largest relative error (the worst offender, when there are several) and, for at most three
    numbers, what central differences give, then `ask`. `of` names what was differentiated ("the loss"); only(case)
    picks the cases that get this (costlier) check.
    """
    def extra(case: Case, result: Any) -> str | None:
        if only is not None and not only(case):
            return None
        try:
            numeric = numeric_of(case)
        except GradientUnavailable as exc:
            return f"calling forward again for the gradient check failed: {exc}"
        analytic = pick(result) if pick is not None else {k: (result if k is None else result[k]) for k in keys}
        if all(gradients_agree(analytic[k], numeric[k], rel_tol, abs_tol) for k in keys):
            return None
        errors = {k: relative_error(analytic[k], numeric[k]) for k in keys}
        worst = max(errors, key=errors.get)
        label = "the gradient" if worst is None else worst
        text = (f"{label} disagrees with central differences of {of}: relative error {errors[worst]:.3g} "
                f"({'worst offender; ' if len(keys) > 1 else ''}allowed {rel_tol:g})")
        if np.size(numeric[worst]) <= 3:
            text += f"; central differences give {show(_plain_numbers(numeric[worst]))}"
        return text + "." + (f" {ask}" if ask else "")
    return extra


def _plain_numbers(value: Any) -> Any:
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else array


def worst_gradient(keys: Sequence[Any]) -> Callable[[Failed], str | None]:
    """An `evidence` hook: on the first failing case that returned a value, the gradient (result[key]; None: the whole
    result) furthest from the reference's, with its relative error (cs231n style), or which are missing or of the
    wrong shape, or that the gradients are right and the forward output is not."""
    keys = tuple(keys)

    def report(failed: Failed) -> str | None:
        first = next(((a, e) for _, a, e in failed.failing if not a.error and not a.mutated and e is not None), None)
        if first is None:
            return None
        student, expected = first[0].result, first[1].result
        errors, bad_shape = {}, []
        for key in keys:
            s = student if key is None else (student.get(key) if isinstance(student, dict) else None)
            e = expected if key is None else expected[key]
            s = np.asarray(s, dtype=float) if isinstance(s, (int, float, np.ndarray)) else None
            if s is None or s.shape != np.shape(e):
                bad_shape.append("the gradient" if key is None else key)
            else:
                errors[key] = relative_error(s, e) if np.all(np.isfinite(s)) else float("inf")
        where = "Gradient check on the first failing case:"
        if bad_shape:
            return f"{where} {', '.join(bad_shape)} missing or of the wrong shape."
        if max(errors.values()) <= GRAD_REL_TOL:
            return f"{where} the gradients are right; the forward output is not."
        if keys == (None,):
            return f"{where} relative error {errors[None]:.3g} against the correct gradient (0 is exact, 1 unrelated)."
        worst = max(errors, key=errors.get)
        others = ", ".join(f"{k} {v:.2g}" for k, v in errors.items() if k != worst)
        return (f"{where} the worst-offending gradient is {worst}, relative error {errors[worst]:.3g} against the "
                f"correct gradient (0 is exact, 1 unrelated; others: {others or 'none'}).")
    return report


# ---------------------------------------------------------------- judging

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
    """Compare the student's outcome with the reference's for one case: None when it passes, else the `Verdict`
    (not implemented, raised, changed its input: `MUTATES_INPUT`, or a wrong value, which `extra(case, result)` may
    also declare with a sentence). Raises RuntimeError when the reference itself failed on the case.

    The inputs are only formatted for a failing case: on the common, passing path that would cost more than comparing.
    """
    if expected.error:
        raise RuntimeError(f"reference failed on {case}: {expected.error}")
    if actual.not_implemented:
        return Verdict(f"{name} is not implemented yet: it still raises NotImplementedError.")
    if actual.error:
        return Verdict(f"{name} failed when called:\n{_where(case, parameter_names)}\n  Problem:  {actual.error}")
    if actual.mutated:
        names = [parameter_names[i] if i < len(parameter_names) else f"argument {i + 1}" for i in actual.mutated]
        return Verdict(
            f"{name} changed its input {', '.join(names)}; the caller's data must be left as it was.\n"
            f"{_where(case, parameter_names)}\n  {mistake_line(MUTATES_INPUT)}",
            MUTATES_INPUT,
        )
    why = mismatch(expected.result, actual.result, case.rel_tol, case.abs_tol)
    if why is None and extra is not None:
        why = extra(case, actual.result)
    if why is None:
        return None
    if _nan_throughout(expected.result, actual.result):
        why = NAN_CAME_BACK
    text = (f"{name} returned the wrong result.\n{_where(case, parameter_names)}\n  Expected: {show(expected.result)}"
            f"\n  Got:      {show(actual.result)}")
    if why not in ("different value", "different values"):
        text += f"\n  Problem:  {why}"
    return Verdict(text, wrong_value=True)


def _not_implemented(verdict: Verdict, uses: str) -> CheckFailed:
    return CheckFailed(verdict.text + (f" It calls your {uses}: the NotImplementedError may come from one of those."
                                       if uses else ""))


def _named(
    verdicts: Sequence[Verdict],
    failed: Failed,
    *,
    diagnoses: Sequence[Diagnosis] = (),
    hints: Sequence[Hint] = (),
    afterwards: Sequence[Callable[[Failed], Mistake | None]] = (),
    evidence: Sequence[Callable[[Failed], str | None]] = (),
    uses: str = "",
    otherwise: str = "",
) -> CheckFailed:
    """The verdict of a failed check: its first failing cases, the mistake the first hook recognises (see the
    module's docstring for the order), the notes of an unnamed failure and the evidence."""
    text = "\n\n".join(v.text for v in verdicts[:MAX_FAILURES_SHOWN])
    more = len(verdicts) - MAX_FAILURES_SHOWN
    if more > 0:
        text += f"\n\n... and {more} more failing case{'s' if more > 1 else ''}."
    mistakes = {v.mistake for v in verdicts if v.mistake}
    named = None
    if failed.all_wrong_values:
        found = diagnose([(case, actual.result) for case, actual, _ in failed.failing], diagnoses, failed.passing)
        named = found.mistake if found else None
    if named is None and not mistakes:
        named = next((hint.mistake for hint in hints if hint.seen_in(failed)), None)
    if named is None and not mistakes:
        named = next((m for m in (hook(failed) for hook in afterwards) if m is not None), None)
    if named is not None:
        text += "\n\n" + mistake_line(named)
        mistakes.add(named)
    if not mistakes:
        if uses:
            text += (f"\n\nIt calls your {uses}: if one of their tests failed, fix that first; the mistake may be "
                     f"there rather than here.")
        if otherwise:
            text += f"\n\n{otherwise}"
    for sentence in (e(failed) for e in evidence):
        if sentence:
            text += f"\n\n{sentence}"
    return CheckFailed(text, sorted(mistakes))


def check_cases(
    name: str,
    student: Any,
    reference: Any,
    cases: Sequence[Case],
    *,
    how: Callable = call,
    reference_how: Callable | None = None,
    parameter_names: Sequence[str] = (),
    diagnoses: Sequence[Diagnosis] = (),
    extra: Callable[[Case, Any], str | None] | None = None,
    hints: Sequence[Hint] = (),
    afterwards: Sequence[Callable[[Failed], Mistake | None]] = (),
    evidence: Sequence[Callable[[Failed], str | None]] = (),
    uses: str = "",
    otherwise: str = "",
    quiet: bool = False,
) -> None:
    """Probe `student` and `reference` on every case and raise `CheckFailed` when a result differs.

    `student`: the graded function or class (or a `Remote` on it); `reference`: what it must match; `how(obj, *args,
    **kwargs)`: the probe (default: call the object), run quietly when `quiet`; `reference_how`: the reference's own
    probe when it is a stand-in that computes the expected result directly (default: `how`; the student's probe then
    never refers to grader-side code, which would travel into the sandbox with it); `parameter_names` name the positional
    inputs in messages; `extra(case, result)` may declare a result that matches the reference wrong with a sentence
    (a gradient check: `gradient_property`). The message lists the first MAX_FAILURES_SHOWN failing cases and names
    at most one mistake besides `MUTATES_INPUT`, found by `diagnoses`, `hints` and `afterwards` (in that order; see
    the module's docstring); `uses`, `otherwise` and `evidence` add notes. A case that raises NotImplementedError
    ends the check at once ("not implemented yet", naming `uses`). Raises CheckFailed also when `student` is not
    callable, and RuntimeError when the reference fails on a case.
    """
    __tracebackhide__ = True
    if not callable(student):
        raise CheckFailed(f"{name} should be a function (or class), but it is a {type(student).__name__}.")
    run = quietly(how) if quiet else how
    reference_run = run if reference_how is None else quietly(reference_how) if quiet else reference_how
    verdicts, failing, passing = [], [], []
    for case, actual in zip(cases, probes(student, cases, run)):
        expected = probe(reference, case, reference_run)
        verdict = judge(name, case, expected, actual, parameter_names, extra)
        if verdict is None:
            passing.append((case, actual.result))
            continue
        if actual.not_implemented:
            raise _not_implemented(verdict, uses)
        verdicts.append(verdict)
        failing.append((case, actual, expected))
    if verdicts:
        raise _named(verdicts, Failed(student, tuple(failing), tuple(passing)), diagnoses=diagnoses, hints=hints,
                     afterwards=afterwards, evidence=evidence, uses=uses, otherwise=otherwise)


def check_property(
    name: str,
    student: Any,
    cases: Sequence[Case],
    violation: Callable[[Case, Any], str | None],
    *,
    headline: str,
    how: Callable = call,
    parameter_names: Sequence[str] = (),
    diagnoses: Sequence[Diagnosis] = (),
    afterwards: Sequence[Callable[[Failed], Mistake | None]] = (),
) -> None:
    """Judge each result by a property rather than against a reference (an estimate must maximise the likelihood).

    violation(case, result) -> a sentence saying how the student's result breaks the property, or None. The first
    case in order that breaks it fails the check: CheckFailed("<name> <headline>." with its input, result and that
    sentence), naming a mistake found by `diagnoses` (judged on that case, against the cases before it) or
    `afterwards`. A case whose call raises or changes its inputs (or a student that is not callable) ends this
    check quietly: run `check_cases` next, which reports it in its standard words.
    """
    __tracebackhide__ = True
    if not callable(student):
        return
    passing = []
    for case, outcome in zip(cases, probes(student, cases, how)):
        if outcome.error or outcome.mutated:
            return
        why = violation(case, outcome.result)
        if not why:
            passing.append((case, outcome.result))
            continue
        where = f"  Input:    {describe_inputs(case, parameter_names)}  ({case.label})"
        verdict = Verdict(f"{name} {headline}.\n{where}\n  Got:      {show(outcome.result)}\n  Problem:  {why}.",
                          wrong_value=True)
        raise _named([verdict], Failed(student, ((case, outcome, None),), tuple(passing)), diagnoses=diagnoses,
                     afterwards=afterwards)


def seeded_rng(name: str, seed: int = 0) -> np.random.Generator:
    """A random generator seeded from a check's name and the inputs salt (aimath/sandbox/inputs_salt.py: grading
    sets the submission's; none outside grading).

    The same name, seed and salt always give the same draws; without a salt they are those of
    `np.random.default_rng([seed, *name.encode()])`.
    """
    entropy = [seed, *name.encode()]
    salt = current_salt()
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=tuple(salt)) if salt else entropy)


"""Probing: call a student's object on a case's inputs and reduce what happened to plain data.

This runs wherever the student's code lives (inside the sandbox when grading). It never sees a reference result:
it returns an `Outcome` of plain data (numbers, strings, float64 arrays, and tuples/lists/dicts of those), and
the judging (aimath.judge) happens in the grader's own process.
"""
from __future__ import annotations

import copy
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

# Tolerances for floating-point comparisons. A check that needs looser ones (iterative methods, finite
# differences, Monte Carlo) derives them from the problem and passes them explicitly.
REL_TOL = 1e-7
ABS_TOL = 1e-9


class NotPlainData(TypeError):
    """The student's code returned something that is not a number, string, array or container of those."""


@dataclass(frozen=True)
class Case:
    """One graded call. `args`/`kwargs` are passed to the probe; `label` names the case for the student."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    rel_tol: float = REL_TOL
    abs_tol: float = ABS_TOL


@dataclass(frozen=True)
class Outcome:
    """What a probe saw: the plain-data result, or the error raised, and whether the inputs were changed."""

    result: Any = None
    error: str | None = None
    not_implemented: bool = False
    mutated: tuple = ()

    def as_plain(self) -> tuple:
        """(result, error, not_implemented, mutated): the form that crosses the sandbox boundary."""
        return (self.result, self.error, self.not_implemented, tuple(self.mutated))


def call(obj: Callable, *args, **kwargs):
    """The default probe: call the graded function with the case's inputs."""
    return obj(*args, **kwargs)


def to_plain(value: Any) -> Any:
    """Convert a returned value to plain data, or raise `NotPlainData`.

    Numbers become float/int/bool/complex, numpy arrays become float64 (or str/bool) copies, containers are
    converted element by element. Anything else (including objects with a custom `__eq__`) is refused.
    """
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, numbers.Complex):
        return complex(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            return np.array(value, dtype=np.float64, copy=True)
        if value.dtype.kind in "bU":
            return np.array(value, copy=True)
        if value.dtype.kind == "O":
            return np.array([to_plain(v) for v in value.ravel()], dtype=np.float64).reshape(value.shape)
        raise NotPlainData(f"a numpy array of dtype {value.dtype}")
    if type(value) in (list, tuple):
        return type(value)(to_plain(v) for v in value)
    if type(value) is dict:
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    raise NotPlainData(f"an object of type {type(value).__name__}")


def identical(before: Any, after: Any) -> bool:
    """True when two plain values are exactly equal (same structure, types and bits; NaN equals NaN)."""
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        return (isinstance(before, np.ndarray) and isinstance(after, np.ndarray) and before.shape == after.shape
                and before.dtype == after.dtype and np.array_equal(before, after, equal_nan=before.dtype.kind == "f"))
    if type(before) is not type(after):
        return False
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(identical(b, a) for b, a in zip(before, after))
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(identical(before[k], after[k]) for k in before)
    if isinstance(before, float) and before != before:
        return after != after
    return before == after


def _snapshot(values: Any) -> Any:
    try:
        return to_plain(copy.deepcopy(values))
    except Exception:  # an uncopyable or non-plain input is never mutation-checked
        return None


def changed(before: Any, after: Any) -> bool:
    """True when `after` (any value) no longer equals the plain snapshot `before`; False when either is not plain."""
    if before is None:
        return False
    try:
        return not identical(before, to_plain(after))
    except NotPlainData:
        return False


def probe(obj: Any, case: Case, how: Callable = call) -> Outcome:
    """Run `how(obj, *case.args, **case.kwargs)` on copies of the inputs and record what happened."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    before = [_snapshot(a) for a in args]
    try:
        result = to_plain(how(obj, *args, **kwargs))
    except NotImplementedError:
        return Outcome(error="NotImplementedError", not_implemented=True)
    except NotPlainData as exc:
        return Outcome(error=f"it returned {exc}, not a number, string or numpy array")
    except Exception as exc:  # the student's error, reported in words
        return Outcome(error=f"it raised {type(exc).__name__}: {exc}")
    mutated = tuple(i for i, (b, a) in enumerate(zip(before, args)) if changed(b, a))
    return Outcome(result=result, mutated=mutated)


def probe_all(obj: Any, cases: Sequence[Case], how: Callable = call) -> list[tuple]:
    """`probe` every case, in order, as plain tuples (see `Outcome.as_plain`): one round trip for a whole check."""
    return [probe(obj, case, how).as_plain() for case in cases]

"""The one finite-difference gradient checker (cs231n style): central differences and relative error, float64.

Used by the judge's gradient checks (`judge.gradient_property`, for the backprop, rnn_bptt and mle checks) and by the
test suite, to judge analytic gradients.
"""
from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

# Central-difference step: the truncation error is O(h**2) and the rounding error O(eps / h); 1e-5 balances the two
# for float64 functions of order one.
FD_STEP = 1e-5

# An analytic gradient agrees with central differences when ||a - n|| <= max(GRAD_ABS_TOL, GRAD_REL_TOL (||a|| + ||n||)).
# The relative part covers the O(h**2) truncation error; the absolute part covers rounding noise (~eps |f| / h) of
# gradients that are (nearly) zero.
GRAD_REL_TOL = 1e-6
GRAD_ABS_TOL = 1e-8


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = FD_STEP) -> np.ndarray:
    """Central-difference gradient of scalar `f` at `x` (any shape): df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / 2h.

    `f(array of x's shape) -> number`, evaluated 2 * x.size times on a private float64 copy, so `x` is never changed.
    Returns a float64 array of x's shape. Raises what `f` raises, and TypeError or ValueError when its result is not
    a number (float() of it).
    """
    point = np.array(x, dtype=np.float64, copy=True)
    grad = np.zeros_like(point)
    flat, out = point.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        plus = float(f(point))
        flat[i] = saved - h
        minus = float(f(point))
        flat[i] = saved
        out[i] = (plus - minus) / (2 * h)
    return grad


def numerical_gradient_params(loss: Callable[[], float], params: Mapping[str, np.ndarray], h: float = FD_STEP) -> dict:
    """Central-difference gradient of `loss()` with respect to every array in `params` (perturbed in place, restored).

    For models whose loss reads its parameters from a dict (e.g. `net.params`, float arrays the loss uses in place):
    returns `{key: float64 gradient of the array's shape}`. Each array is restored even when `loss` raises (which
    propagates).
    """
    grads = {}
    for key, value in params.items():
        def loss_at(v, value=value):
            value[...] = v
            return loss()

        saved = np.array(value, copy=True)
        try:
            grads[key] = numerical_gradient(loss_at, saved, h)
        finally:
            value[...] = saved
    return grads


def relative_error(analytic, numeric) -> float:
    """||a - n|| / (||a|| + ||n||) over the whole array (numbers or arrays, as float64): 0 for identical gradients
    (and for two zero ones), ~1 for unrelated ones. Raises ValueError when the shapes differ."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"gradient shape {a.shape} does not match the numerical gradient's shape {n.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / scale) if scale > 0 else 0.0


def gradients_agree(analytic, numeric, rel_tol: float = GRAD_REL_TOL, abs_tol: float = GRAD_ABS_TOL) -> bool:
    """True when ||a - n|| <= max(abs_tol, rel_tol (||a|| + ||n||)) for analytic `a` and numerical `n` (numbers or
    arrays, as float64); False when their shapes differ."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        return False
    return bool(np.linalg.norm(a - n) <= max(abs_tol, rel_tol * (np.linalg.norm(a) + np.linalg.norm(n))))


def worst_offender(analytic: Mapping[str, np.ndarray], numeric: Mapping[str, np.ndarray]) -> tuple[str, float]:
    """`(key, relative error)` of the parameter whose analytic gradient is furthest from the numerical one; both are
    dicts of arrays, `analytic` holding every key of `numeric`. Raises KeyError for a missing key, ValueError for a
    shape that differs."""
    errors = {key: relative_error(analytic[key], numeric[key]) for key in numeric}
    key = max(errors, key=errors.get)
    return key, errors[key]

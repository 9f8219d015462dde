"""gradient_descent checks, part 1 (symbolic): func, func_gradient and gradient_descent on sympy polynomials.

sympy results are turned into plain data by custom probes (a number and a list of polynomial coefficients). The
descent is judged by where it must end up (the minimiser, within epsilon / f''), and the number of steps it takes, on
quadratics started a million away and on curvatures of 2e-6 and 2e6, so a hard-coded step, tolerance or gradient clip
does not slip by.
"""
import numpy as np
import sympy as sym
from sympy.abc import x as X_SYMBOL

from aimath.checks.gradient_descent.results import as_number, pair, poly_coefficients
from aimath.judge import Case, Diagnosis, Hint, check_cases
from aimath.reference import gradient_descent as ref


# ---------------------------------------------------------------- sympy stand-ins


class PolyFun:
    """A stand-in for `func`: `fun(val)` returns `(p(val), p)` for a fixed sympy polynomial p in x.

    It counts its calls and raises `TooManyCalls` past `budget`, so a descent that never stops is cut short.
    """

    def __init__(self, coeffs, budget=None):
        self.coeffs = tuple(coeffs)
        self.budget = budget
        self.calls = 0
        self._poly = None

    @property
    def poly(self):
        """The polynomial as a sympy Poly in x (built on first use: building it costs about a millisecond)."""
        if self._poly is None:
            self._poly = sym.Poly(list(self.coeffs), X_SYMBOL)
        return self._poly

    def __call__(self, val):
        self.calls += 1
        if self.budget is not None and self.calls > self.budget:
            raise TooManyCalls()
        # the value by Horner's rule in Python numbers: Poly.eval on a float builds a sympy RealField (~1 ms)
        value = 0
        for c in self.coeffs:
            value = value * val + c
        return value, self.poly

    def __deepcopy__(self, memo):
        twin = PolyFun(self.coeffs, self.budget)
        twin._poly = self._poly
        return twin

    def __repr__(self):
        return f"<function returning (p(val), p) with p = {self.poly.as_expr()}>"


class TooManyCalls(Exception):
    """Raised by a `PolyFun` called more often than any correct descent needs."""


# ---------------------------------------------------------------- func


COURSE_POLY = (1, 2, 3)  # x**2 + 2x + 3


VALUE_ONLY = "it returned only the value f(val)"
SWAPPED = "it returned (poly, value)"


def func_probe(func, val):
    """The judge's probe (run in the sandbox): `func(val)` for a number val, as {"value": float, "polynomial
    coefficients": floats, highest power first}. Raises TypeError when it returns a lone value, the pair swapped,
    or items that are not a number and a polynomial in x."""
    result = func(val)
    if isinstance(result, (int, float, sym.Expr)) and not isinstance(result, sym.Poly) and not \
            getattr(result, "free_symbols", None):
        raise TypeError(f"{VALUE_ONLY} ({result!r}), not the pair (value, poly)")
    value, poly = pair(result, "(value, poly)")
    if isinstance(poly, (int, float, sym.Number)) and isinstance(value, (sym.Poly, sym.Expr)) and \
            not isinstance(value, sym.Number):
        raise TypeError(f"{SWAPPED}: the pair is (value, poly), value first")
    return {"value": as_number(value, "the first item (the value f(val))"),
            "polynomial coefficients": poly_coefficients(poly, "the second item (the polynomial)")}


def _func_summary(coeffs, value_of=None):
    def wrong(val):
        value = np.polyval(coeffs, float(val)) if value_of is None else value_of(float(val))
        return {"value": float(value), "polynomial coefficients": [float(c) for c in coeffs]}
    return wrong


def check_func(func):
    """`func(val) -> (value, poly)`: x**2 + 2x + 3 at val (a number) and as a sympy polynomial in x, for integer,
    float, negative and large val. Raises CheckFailed naming the mistake when a model explains it (constant missing,
    x*2, the derivative's value, rounded, f(0)), or returned-value-only / swapped-order when the result is only the
    value or the pair the other way round."""
    cases = [Case((v,), label=label) for v, label in [
        (3, "integer"), (0, "zero: the constant term"), (-1, "the minimum"), (2.5, "float"), (-7.25, "negative float"),
        (1000, "large")]]
    check_cases("func", func, ref.func, cases, how=func_probe, parameter_names=("val",), diagnoses=[
        Diagnosis("missing-constant", "the polynomial is x**2 + 2*x + 3: the constant 3 is missing.",
                  _func_summary((1, 2, 0))),
        Diagnosis("times-not-power", "`x*2` is 2x; write the square as `x**2`.", _func_summary((4, 3))),
        Diagnosis("value-of-derivative", "the first item is f(val) itself, not the derivative 2*val + 2.",
                  _func_summary(COURSE_POLY, lambda v: 2 * v + 2)),
        Diagnosis("value-rounded", "return the value as sympy gives it; do not convert it to int.",
                  _func_summary(COURSE_POLY, lambda v: int(np.polyval(COURSE_POLY, v)))),
        Diagnosis("value-at-zero", "substitute val for x (fun.subs(x, val)); this is f(0).",
                  _func_summary(COURSE_POLY, lambda v: 3.0)),
    ], hints=[
        Hint("returned-value-only", "return BOTH the value and the polynomial: `return fun.subs(x, val), fun`.",
             raised=(f"TypeError: {VALUE_ONLY}",)),
        Hint("swapped-order", "return the value first and the polynomial second: `return fun.subs(x, val), fun`.",
             raised=(f"TypeError: {SWAPPED}",)),
    ])


# ---------------------------------------------------------------- func_gradient

def func_gradient_probe(func_gradient, fun, val):
    """The judge's probe (run in the sandbox): `func_gradient(fun, val)` for `fun` a PolyFun and val a number, as
    {"derivative value": float, "derivative coefficients": floats, highest power first}. Raises TypeError when the
    result is not a pair of a number and a polynomial in x."""
    value, derivative = pair(func_gradient(fun, val), "(derivative value, derivative expression)")
    return {"derivative value": as_number(value, "the first item (f'(val))"),
            "derivative coefficients": poly_coefficients(derivative, "the second item (the derivative)")}


def _gradient_summary(value_of=None, coeffs_of=None):
    """What a mistaken func_gradient returns, from the true polynomial's coefficients."""
    def wrong(fun, val):
        c = np.array(fun.coeffs, dtype=np.float64)
        d = np.polyder(c) if len(c) > 1 else np.zeros(1)
        coeffs = d if coeffs_of is None else coeffs_of(c, d)
        value = np.polyval(coeffs, float(val)) if value_of is None else value_of(c, d, float(val))
        return {"derivative value": float(value), "derivative coefficients": [float(v) for v in np.atleast_1d(coeffs)]}
    return wrong


def _second(c, d):
    return np.polyder(d) if len(d) > 1 else np.zeros(1)


def check_func_gradient(func_gradient):
    """`func_gradient(fun, val) -> (derivative value, derivative expression)`: for `fun` a stand-in of `func` returning
    (p(val), p) for polynomials of degree 1 to 4 (not only the course's), compared as a number and the derivative's
    coefficients. Raises CheckFailed naming the mistake when a model explains it (f(val), the function itself, a
    fixed polynomial, the value differentiated, the second derivative, the sign, f'(0))."""
    cases = [Case((PolyFun(c), v), label=label) for c, v, label in [
        (COURSE_POLY, 3, "the course polynomial"), (COURSE_POLY, -1, "the course polynomial at its minimum"),
        (COURSE_POLY, 0.5, "the course polynomial, float"), ((3, 0, -1, 5), 2, "a cubic: use fun, not func"),
        ((3, 0, -1, 5), -0.5, "a cubic at a negative point"), ((4, -1), 10, "a line"),
        ((1, 0, -2, 0, 1), 1.5, "a quartic")]]
    check_cases("func_gradient", func_gradient, ref.func_gradient, cases, how=func_gradient_probe,
                parameter_names=("fun", "val"), diagnoses=[
                    Diagnosis("value-not-derivative", "the first item is the derivative at val, not f(val).",
                              _gradient_summary(lambda c, d, v: np.polyval(c, v))),
                    Diagnosis("returned-the-function",
                              "this is fun(val) itself: the function's value and polynomial. Differentiate the "
                              "polynomial (d = sym.diff(function, x)) and return (d.subs(x, val), d).",
                              _gradient_summary(lambda c, d, v: np.polyval(c, v), lambda c, d: c)),
                    Diagnosis("ignores-fun",
                              "differentiate the polynomial that fun returns (fun(val)[1]), not a fixed x**2 + 2x + 3.",
                              _gradient_summary(lambda c, d, v: 2 * v + 2, lambda c, d: np.array([2.0, 2.0]))),
                    Diagnosis("differentiated-the-value",
                              "fun(val) returns (value, polynomial); differentiate the polynomial (item 1), not the "
                              "number (item 0).",
                              _gradient_summary(lambda c, d, v: 0.0, lambda c, d: np.zeros(1))),
                    Diagnosis("second-derivative", "differentiate once: sym.diff(function, x).",
                              _gradient_summary(None, _second)),
                    Diagnosis("sign-flipped", "the derivative has the wrong sign.",
                              _gradient_summary(None, lambda c, d: -d)),
                    Diagnosis("evaluated-at-zero", "substitute val for x in the derivative; this is f'(0).",
                              _gradient_summary(lambda c, d, v: np.polyval(d, 0.0))),
                ])


# ---------------------------------------------------------------- gradient_descent

# A correct descent in these cases takes at most 9 steps and calls fun about once per step; a few calls per step
# (value and polynomial fetched separately) stay far below this. Past it the descent is judged never to stop.
MAX_FUN_CALLS = 60
NEVER_STOPS = f"did not stop within {MAX_FUN_CALLS} evaluations of fun (a correct descent needs at most 9 steps here)"


def descent_probe(gradient_descent, fun, init_point, **kwargs):
    """The judge's probe (run in the sandbox): `gradient_descent(fun, init_point, **kwargs)` for `fun` a PolyFun
    with a call budget, as {"minimum point": float, "iterations": int}, or NEVER_STOPS when it calls fun more than
    MAX_FUN_CALLS times. Raises TypeError when the result is not a pair (number, int)."""
    try:
        point, steps = pair(gradient_descent(fun, init_point, **kwargs), "(minimum_point, n_iterations)")
    except TooManyCalls:
        return NEVER_STOPS
    if isinstance(steps, float) or not isinstance(steps, (int, np.integer, sym.Integer)):
        raise TypeError(f"the number of iterations should be an int, but it is {steps!r}")
    return {"minimum point": as_number(point, "the minimum point"), "iterations": int(steps)}


def _float_descent(fun, init_point, lr_rate=1e-2, epsilon=1e-5, *, keep_going=None, step_first=False,
                   max_steps=MAX_FUN_CALLS, clip=None):
    """A float64 descent on fun's polynomial with a pluggable stopping test, for describing mistakes."""
    d = np.polyder(np.array(fun.coeffs, dtype=np.float64))
    keep_going = keep_going or (lambda g: abs(g) > epsilon)
    point, steps = float(init_point), 0
    grad = np.polyval(d, point)
    if step_first:
        point, steps = point - lr_rate * grad, 1
        grad = np.polyval(d, point)
    while keep_going(grad):
        step = grad if clip is None else min(max(grad, -clip), clip)
        point, steps = point - lr_rate * step, steps + 1
        grad = np.polyval(d, point)
        if steps > max_steps:
            return None
    return point, steps


def _descent_summary(**variant):
    def wrong(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
        kw = dict(variant)
        transform = kw.pop("transform", None)
        if "keep_going" in kw:
            kw["keep_going"] = kw["keep_going"](lr_rate, epsilon)
        out = _float_descent(fun, init_point, lr_rate, epsilon, **kw)
        if out is None:
            return NEVER_STOPS
        point, steps = out if transform is None else transform(fun, *out)
        return {"minimum point": float(point), "iterations": int(steps)}
    return wrong


def _descent_cases():
    """Quadratics whose step factor 1 - lr f'' is 0, 1/2 or 1/4 (few, exact steps), starts on both sides of the
    minimum, one start at the minimum, and one case with the default lr and epsilon started 5.5e-6 left of it.

    The point is compared with tolerance epsilon / f'': the stopping test |f'(x)| <= epsilon bounds |x - x*| so.
    """
    specs = [  # coefficients, f'', init_point, kwargs, label
        (COURSE_POLY, 2, 3, dict(lr_rate=0.5, epsilon=1e-3), "lr = 1/f'': one step lands on the minimum"),
        (COURSE_POLY, 2, -3, dict(lr_rate=0.25, epsilon=0.1), "start left of the minimum (negative gradient)"),
        (COURSE_POLY, 2, -1, dict(lr_rate=0.25, epsilon=1e-3), "start at the minimum: no step needed"),
        (COURSE_POLY, 2, -1 - 5.5e-6, {}, "default lr_rate and epsilon, start just left of the minimum"),
        ((3, -12, 13), 6, 5, dict(lr_rate=0.125, epsilon=0.01), "another polynomial, 3x^2 - 12x + 13: use fun"),
        (COURSE_POLY, 2, 1e6, dict(lr_rate=0.5, epsilon=1e-3), "start a million away: one step of lr = 1/f''"),
        ((1e-6, 2e-6, 3), 2e-6, 3, dict(lr_rate=5e5, epsilon=1e-12),
         "tiny curvature (1e-6 x^2 + 2e-6 x + 3), tiny epsilon, large lr_rate"),
        ((1e6, 2e6, 3), 2e6, 3, dict(lr_rate=5e-7), "huge curvature (1e6 x^2 + 2e6 x + 3): gradients in the millions"),
    ]
    return [Case((PolyFun(c, MAX_FUN_CALLS), init), kw, label, rel_tol=0.0,
                 abs_tol=kw.get("epsilon", 1e-5) / curvature)
            for c, curvature, init, kw, label in specs]


def check_gradient_descent(gradient_descent):
    """`gradient_descent(fun, init_point, lr_rate=1e-2, epsilon=1e-5) -> (minimum_point, n_iterations)`: on quadratics
    whose steps are exact, started on both sides of, at, and a million away from the minimum, with curvatures 2e-6
    to 2e6; the point within epsilon / f'', the step count exactly; `fun` stops answering after MAX_FUN_CALLS calls
    (a descent that never stops). Raises CheckFailed naming the mistake when a model explains it (no abs, step
    before the test, one extra count, a test on the step, the value returned, a fixed epsilon, a clipped gradient)
    or the never-stops symptom."""
    check_cases("gradient_descent", gradient_descent, ref.gradient_descent, _descent_cases(), how=descent_probe,
                parameter_names=("fun", "init_point"), diagnoses=[
                    Diagnosis("never-stops",
                              "the iteration never meets the stopping test: step AGAINST the gradient "
                              "(x = x - lr_rate * gradient), use the lr_rate you are given, and stop when "
                              "abs(gradient) <= epsilon.", lambda *a, **k: NEVER_STOPS, symptom=True),
                    Diagnosis("no-abs-in-stopping-test",
                              "left of the minimum the gradient is negative: loop while abs(gradient) > epsilon.",
                              _descent_summary(keep_going=lambda lr, eps: (lambda g: g > eps))),
                    Diagnosis("step-before-test",
                              "test the gradient BEFORE the first step: at a minimum no step is taken.",
                              _descent_summary(step_first=True)),
                    Diagnosis("counted-one-extra",
                              "count the update steps only (0 when init_point is already a minimum).",
                              _descent_summary(transform=lambda fun, p, n: (p, n + 1))),
                    Diagnosis("step-size-stopping-test",
                              "the stopping test is on the gradient itself, abs(gradient) > epsilon, not on the "
                              "step lr_rate * gradient.",
                              _descent_summary(keep_going=lambda lr, eps: (lambda g: abs(lr * g) > eps))),
                    Diagnosis("returned-value-not-point",
                              "return the minimum POINT x, not the function value f(x) there.",
                              _descent_summary(transform=lambda fun, p, n: (np.polyval(fun.coeffs, p), n))),
                    *[Diagnosis("ignores-epsilon",
                                f"use the epsilon you are given in the stopping test (a fixed {eps:g} is far too "
                                f"coarse or too fine for some problems): loop while abs(gradient) > epsilon.",
                                _descent_summary(keep_going=lambda lr, e, eps=eps: (lambda g: abs(g) > eps)))
                      for eps in (1e-3, 1e-4, 1e-5, 1e-6, 1e-8)],
                    *[Diagnosis("gradient-clipped",
                                f"the gradient is clipped to [-{c:g}, {c:g}], so far from the minimum (or on a steep "
                                f"function) every step is tiny: step by lr_rate * gradient as it is.",
                                _descent_summary(clip=c)) for c in (1.0, 10.0, 100.0, 1e3)],
                ])

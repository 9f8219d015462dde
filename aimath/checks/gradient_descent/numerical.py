"""gradient_descent checks, part 2 (numerical): difference_quotient and numerical_gradient.

Each case's tolerance is derived from the rounding of two correct schemes (a few ulps of f and x over the step), so
the forward and central differences are told apart by their truncation error, on steps from 1e-9 to 1 and values up
to 1e52.
"""
import numpy as np

from aimath.judge import Case, Diagnosis, check_cases, seeded_rng
from aimath.reference import gradient_descent as ref


# ---------------------------------------------------------------- difference_quotient


EPS = np.finfo(np.float64).eps


class ScalarFn:
    """A scalar test function with its derivative (for tolerances); repr is its formula."""

    def __init__(self, text, f, df):
        self.text, self.f, self.df = text, f, df

    def __call__(self, v):
        return self.f(v)

    def __repr__(self):
        return self.text


SQUARE = ScalarFn("lambda x: x**2", lambda v: v**2, lambda v: 2 * v)
CUBIC = ScalarFn("lambda x: x**3 - 2*x", lambda v: v**3 - 2 * v, lambda v: 3 * v**2 - 2)
SINE = ScalarFn("np.sin", np.sin, np.cos)
EXP3 = ScalarFn("lambda x: np.exp(3*x)", lambda v: np.exp(3 * v), lambda v: 3 * np.exp(3 * v))


def quotient_tolerance(fn, at, h):
    """Two correct forward differences differ only by rounding: f(x), f(x + h) and x + h each carry a few ulps,
    divided by h. (Truncation, h f''/2, is the same for both, so the large steps below tell the schemes apart.)"""
    return 8 * EPS * (abs(fn(at)) + abs(fn(at + h)) + abs(at + h) * abs(fn.df(at))) / h


def _quotient_cases():
    specs = [(SQUARE, 1.0, 0.5, "big step: the forward difference is 2x + h"), (CUBIC, -2.0, 0.1, "cubic"),
             (SINE, 0.3, 1e-3, "sine"), (SQUARE, 3.0, None, "default h"), (EXP3, 0.2, None, "default h, exp(3x)"),
             (CUBIC, 1.5, 1e-6, "small step"), (SQUARE, 1e6, 1.0, "large x, step 1: the difference is 2x + 1"),
             (EXP3, 40.0, 1e-6, "huge values: exp(3x) at x = 40 is about 1e52")]
    return [Case((fn, at) if h is None else (fn, at, h), label=label, rel_tol=1e-12,
                 abs_tol=quotient_tolerance(fn, at, 1e-9 if h is None else h)) for fn, at, h, label in specs]


def check_difference_quotient(difference_quotient):
    """`difference_quotient(f, x, h=1e-9) -> float`: the forward difference (f(x + h) - f(x)) / h, for scalar functions
    (x**2, a cubic, sin, exp(3x)) at steps from 1e-6 to 1 and the default, within the rounding of two correct
    schemes (`quotient_tolerance`). Raises CheckFailed naming the mistake when a model explains it (central or
    backward difference, divided by 2h, the sign, h ignored, not divided by h)."""
    check_cases("difference_quotient", difference_quotient, ref.difference_quotient, _quotient_cases(),
                parameter_names=("f", "x", "h"), diagnoses=[
                    Diagnosis("central-difference",
                              "this asks for the FORWARD difference (f(x + h) - f(x)) / h, not the central one.",
                              lambda f, x, h=1e-9: (f(x + h) - f(x - h)) / (2 * h)),
                    Diagnosis("backward-difference", "use f(x + h) - f(x), not f(x) - f(x - h).",
                              lambda f, x, h=1e-9: (f(x) - f(x - h)) / h),
                    Diagnosis("divided-by-2h", "the forward difference divides by h, not 2h.",
                              lambda f, x, h=1e-9: (f(x + h) - f(x)) / (2 * h)),
                    Diagnosis("sign-flipped", "subtract in the order f(x + h) - f(x).",
                              lambda f, x, h=1e-9: (f(x) - f(x + h)) / h),
                    Diagnosis("ignores-h", "use the step h you are given (1e-9 is only its default).",
                              lambda f, x, h=1e-9: (f(x + 1e-9) - f(x)) / 1e-9),
                    Diagnosis("not-divided-by-h", "divide the difference f(x + h) - f(x) by h.",
                              lambda f, x, h=1e-9: f(x + h) - f(x)),
                ])


# ---------------------------------------------------------------- numerical_gradient

class ArrayFn:
    """A scalar function of an array with its gradient (for tolerances); repr is its formula."""

    def __init__(self, text, f, grad):
        self.text, self.f, self.grad = text, f, grad

    def __call__(self, v):
        return self.f(v)

    def __repr__(self):
        return self.text


SUM_SQUARES = ArrayFn("lambda v: np.sum(v**2)", lambda v: np.sum(v**2), lambda v: 2 * v)
SIN_TIMES_SQUARE = ArrayFn("lambda v: np.sum(np.sin(v) * v**2)", lambda v: np.sum(np.sin(v) * v**2),
                           lambda v: np.cos(v) * v**2 + 2 * v * np.sin(v))
COUPLED = ArrayFn("lambda v: np.sum(v**3) / 3 + np.sum(v)**2", lambda v: np.sum(v**3) / 3 + np.sum(v) ** 2,
                  lambda v: v**2 + 2 * np.sum(v))


def gradient_tolerance(fn, at, h):
    """Two correct central differences differ by rounding only: a few ulps of f and of x +- h, over 2h."""
    at = np.asarray(at, dtype=np.float64)
    return 8 * EPS * (abs(float(fn(at))) + float(np.max(np.abs(at))) * float(np.max(np.abs(fn.grad(at))))) / h + 1e-12


def _gradient_cases():
    rng = seeded_rng("numerical_gradient")
    specs = [(SUM_SQUARES, rng.normal(0, 1, 3), None, "vector"),
             (SIN_TIMES_SQUARE, rng.normal(0, 1, (2, 3)), None, "matrix: keep x's shape"),
             (COUPLED, rng.normal(0, 1, (2, 2, 2)), None, "3-d array, coordinates coupled"),
             (COUPLED, rng.normal(0, 1, 4), 1e-3, "given step h"),
             (SUM_SQUARES, np.array([7.5]), None, "one entry"),
             (COUPLED, np.array([1, -2, 3]), None, "integer array: compute on a float64 copy"),
             (SUM_SQUARES, np.array([2.5e3, -4e3, 1e3]), 1e-2, "large entries (thousands), given step h"),
             (SIN_TIMES_SQUARE, np.array([3e-4, -2e-4]), 1e-7, "tiny entries, tiny step h")]
    return [Case((fn, at) if h is None else (fn, at, h), label=label, rel_tol=1e-9,
                 abs_tol=gradient_tolerance(fn, at, 1e-5 if h is None else h)) for fn, at, h, label in specs]


def _forward_gradient(f, x, h=1e-5):
    point = np.array(x, dtype=np.float64)
    grad = np.zeros_like(point)
    for idx in np.ndindex(point.shape):
        step = np.zeros_like(point)
        step[idx] = h
        grad[idx] = (f(point + step) - f(point)) / h
    return grad


def _integer_copy_gradient(f, x, h=1e-5):
    """Central differences on perturbed copies that keep x's dtype: an integer x +- h is truncated toward zero."""
    x = np.asarray(x)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        step = np.zeros(x.shape)
        step[idx] = h
        grad[idx] = (f((x + step).astype(x.dtype)) - f((x - step).astype(x.dtype))) / (2 * h)
    return grad


def check_numerical_gradient(numerical_gradient):
    """`numerical_gradient(f, x, h=1e-5) -> array of x's shape`: central differences of a scalar function of an array x
    of any shape (vector, matrix, 3-D, one entry, integers, entries in the thousands and around 1e-4), within the
    rounding of two correct schemes (`gradient_tolerance`); x must be left unchanged. Raises CheckFailed naming the
    mistake when a model explains it (forward difference, divided by h, flattened, all coordinates at once, an
    integer copy) or x changed in place (mutates-input)."""
    check_cases("numerical_gradient", numerical_gradient, ref.numerical_gradient, _gradient_cases(),
                parameter_names=("f", "x", "h"), diagnoses=[
                    Diagnosis("forward-difference",
                              "use the CENTRAL difference (f(x + h e_i) - f(x - h e_i)) / (2h); it is accurate to "
                              "O(h**2), the forward one only to O(h).", _forward_gradient),
                    Diagnosis("divided-by-h", "the central difference spans 2h: divide by 2 * h.",
                              lambda f, x, h=1e-5: 2 * ref.numerical_gradient(f, x, h)),
                    Diagnosis("flattened", "return an array of the same shape as x (np.zeros_like(x, dtype=float)).",
                              lambda f, x, h=1e-5: ref.numerical_gradient(f, x, h).ravel()),
                    Diagnosis("perturbed-all-at-once",
                              "perturb ONE coordinate at a time (x + h e_i), not every coordinate together.",
                              lambda f, x, h=1e-5: np.full(np.shape(x), (f(x + h) - f(x - h)) / (2 * h))),
                    Diagnosis("integer-copy",
                              "x.copy() of an integer array stays integer, so x + h rounds back to x: copy it as "
                              "floats (x.astype(float)).", _integer_copy_gradient),
                ])

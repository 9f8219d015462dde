"""Hidden-test checks for basic_math. Each `check_*` takes the student's function and raises `CheckFailed`.

Inputs span magnitudes: besides hand-picked and seeded lists and vectors of ordinary size, every function meets
values beyond any sentinel a running minimum or maximum might start from (999999, 1e9, 2**31 - 1, sys.maxsize), far
below ABS_TOL, and mixed; those cases compare relatively only (MAGNITUDE_ABS_TOL), so a tiny wrong answer is not
"close enough to 0".
"""
import math

import numpy as np

from aimath.judge import Case, Diagnosis, Hint, check_cases, seeded_rng
from aimath.reference import basic_math as ref

RANDOM_CASES = 6
# Cases whose values are far from 1 are compared by relative error only: an absolute tolerance of ABS_TOL would
# call any answer below 1e-9 right for a list of numbers around 1e-12.
MAGNITUDE_ABS_TOL = 0.0

# Constants a running maximum or minimum is often seeded with instead of the first element (the minimum's seed;
# the maximum's is its negative). A hidden case has values beyond every one of them, and a result equal to one of
# them is recognised: 99..9 and 10**k, the 32- and 64-bit integer limits, and a few "random" large numbers.
SENTINELS = tuple(sorted({*(10**k for k in range(2, 19)), *(10**k - 1 for k in range(2, 19)),
                          2**15 - 1, 2**16, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64,
                          123456789, 987654321, 1e100, 1e300}))


# ---------------------------------------------------------------- Part 1: lists

def _list_cases(name):
    """Hand-picked lists (all negative, floats, one element, duplicates, even/odd length) plus seeded random ones."""
    rng = seeded_rng(name)
    hand = [
        Case(([54, 56, 30, 12, 58, 25, 17, 48, 80, 23],), label="example from the assignment"),
        Case(([39, 54, 32, 11, 99, 5],), label="even length"),
        Case(([-7, -3, -12, -5],), label="all negative"),
        Case(([3, 8, 1, 9, 4],), label="all positive, odd length"),
        Case(([2.5, -1.25, 7.75, 0.5],), label="floats"),
        Case(([42],), label="one element"),
        Case(([5, 1, 5, 5, 3],), label="duplicates"),
        Case(([-0.5, -0.25, -0.75],), label="negative floats between -1 and 0"),
        Case(([4, -2, 7, 1, 9],), label="largest last"),
        Case(([6, 3, 8, 5, -4],), label="smallest last"),
    ]
    magnitudes = [
        Case(([3.5e20, 1.25e21, 8e19, 4.75e20],), label="huge values, above 999999, 1e9, 2**31 - 1 and sys.maxsize"),
        Case(([-2.5e20, -9e19, -1.5e21],), label="huge negative values, below -999999, -1e9 and -sys.maxsize"),
        Case(([2.5e306, 7e305, 4e306],), label="values near the largest float (about 1.8e308)"),
        Case(([-6e305, -3.5e306, -1.5e306, -2e306],), label="negative values near the largest float"),
        Case(([1.6e308],), label="one value near the largest float"),
        Case(([-1.6e308],), label="one negative value near the largest float"),
        Case(([3e-12, 1.5e-12, 7.25e-12, 5e-12, 2e-12],), label="tiny positive values"),
        Case(([-4e-13, -1e-13, -2.5e-13, -8e-13],), label="tiny negative values"),
        Case(([2.5e15, -4.5e12, 1e-9, 6e8, -3e-7, 7.5e16],), label="mixed magnitudes"),
    ]
    hand += [Case(c.args, label=c.label, abs_tol=MAGNITUDE_ABS_TOL) for c in magnitudes]
    random = []
    for i in range(RANDOM_CASES):
        n = int(rng.integers(1, 12))
        values = rng.integers(-100, 100, n).tolist() if i % 2 else np.round(rng.normal(0, 50, n), 3).tolist()
        random.append(Case((values,), label="random list"))
    return hand + random


LIST_PARAMS = ("number_list",)


def check_get_greatest(get_greatest):
    """`get_greatest(number_list) -> number`: the largest element, on hand-picked lists (all negative, floats, one
    element, duplicates, largest last), values beyond every sentinel in SENTINELS and near the largest float, tiny
    and mixed magnitudes (compared relatively), and seeded random lists. Raises CheckFailed naming the mistake when
    a model explains it (seeded at 0, a constant or +inf, an index, the smallest, the second largest, the first
    element, by absolute value, int() conversion, the last element skipped) or the list changed in place
    (mutates-input)."""
    check_cases("get_greatest", get_greatest, ref.get_greatest, _list_cases("get_greatest"),
                parameter_names=LIST_PARAMS, diagnoses=[
                    Diagnosis("max-seeded-at-zero",
                              "the running maximum starts at 0, so it is wrong when every number is negative. "
                              "Start from the first element instead.",
                              lambda xs: max([0] + list(xs))),
                    Diagnosis("returned-index", "this is the position of the largest element, not the element.",
                              lambda xs: int(np.argmax(xs))),
                    Diagnosis("returned-smallest", "this is the smallest element; check the comparison.",
                              min),
                    Diagnosis("last-element-skipped", "the loop never looks at the last element (off by one).",
                              lambda xs: max(xs[:-1]) if len(xs) > 1 else xs[0]),
                    *[Diagnosis("max-seeded-at-constant",
                                f"the running maximum starts at a fixed number ({-c!r} here), so it is wrong when "
                                f"every number is below it. Start from the first element, number_list[0].",
                                lambda xs, c=c: max([-c, *xs])) for c in SENTINELS],
                    Diagnosis("max-seeded-at-plus-infinity",
                              "the running maximum starts at +infinity, and no number is larger. Start from the "
                              "first element (or from float('-inf')).", lambda xs: math.inf),
                    Diagnosis("returned-second-largest",
                              "this is the second largest element: the largest of the sorted values is s[-1].",
                              lambda xs: sorted(xs)[-2] if len(xs) > 1 else xs[0]),
                    Diagnosis("returned-first-element",
                              "this is the first element: the `return` is inside the loop, so the function stops "
                              "after one comparison. Return after the loop has seen every number.",
                              lambda xs: xs[0]),
                    Diagnosis("compared-absolute-values",
                              "this is the element largest in absolute value; compare the numbers themselves "
                              "(-10 is smaller than 3).", lambda xs: max(xs, key=abs)),
                    Diagnosis("converted-to-int",
                              "int() drops the fractional part; keep the numbers as they are.",
                              _running_extreme(lambda n, best: n > best, int)),
                ])


def _running_extreme(better, convert):
    """A running maximum or minimum that converts every kept value with `convert` (e.g. int)."""
    def run(xs):
        best = convert(xs[0])
        for n in xs:
            if better(n, best):
                best = convert(n)
        return best
    return run


def check_get_smallest(get_smallest):
    """`get_smallest(number_list) -> number`: the smallest element, on the lists of `check_get_greatest`. Raises
    CheckFailed naming the mistake when a model explains it (seeded at 0, a constant or -inf, an index, the largest,
    the second smallest, the first element, by absolute value, the last element skipped) or the list changed in
    place."""
    check_cases("get_smallest", get_smallest, ref.get_smallest, _list_cases("get_smallest"),
                parameter_names=LIST_PARAMS, diagnoses=[
                    Diagnosis("min-seeded-at-zero",
                              "the running minimum starts at 0, so it is wrong when every number is positive. "
                              "Start from the first element instead.",
                              lambda xs: min([0] + list(xs))),
                    Diagnosis("returned-index", "this is the position of the smallest element, not the element.",
                              lambda xs: int(np.argmin(xs))),
                    Diagnosis("returned-greatest", "this is the largest element; check the comparison.", max),
                    Diagnosis("last-element-skipped", "the loop never looks at the last element (off by one).",
                              lambda xs: min(xs[:-1]) if len(xs) > 1 else xs[0]),
                    *[Diagnosis("min-seeded-at-constant",
                                f"the running minimum starts at a fixed number ({c!r} here), so it is wrong when "
                                f"every number is above it. Start from the first element, number_list[0].",
                                lambda xs, c=c: min([c, *xs])) for c in SENTINELS],
                    Diagnosis("min-seeded-at-minus-infinity",
                              "the running minimum starts at -infinity, and no number is smaller. Start from the "
                              "first element (or from float('inf')).", lambda xs: -math.inf),
                    Diagnosis("returned-second-smallest",
                              "this is the second smallest element: the smallest of the sorted values is s[0].",
                              lambda xs: sorted(xs)[1] if len(xs) > 1 else xs[0]),
                    Diagnosis("returned-first-element",
                              "this is the first element: the `return` is inside the loop, so the function stops "
                              "after one comparison. Return after the loop has seen every number.",
                              lambda xs: xs[0]),
                    Diagnosis("compared-absolute-values",
                              "this is the element smallest in absolute value; compare the numbers themselves "
                              "(-10 is smaller than 3).", lambda xs: min(xs, key=abs)),
                ])


def check_get_mean(get_mean):
    """`get_mean(number_list) -> float`: sum / n, on the lists of `check_get_greatest`. Raises CheckFailed naming the
    mistake when a model explains it (integer division, n - 1, a fixed length, rounded, the median or midrange, the
    first element skipped, distinct values only) or the list changed in place."""
    check_cases("get_mean", get_mean, ref.get_mean, _list_cases("get_mean"),
                parameter_names=LIST_PARAMS, diagnoses=[
                    Diagnosis("integer-division", "use `/`, not `//`: the mean is a float.",
                              lambda xs: sum(xs) // len(xs)),
                    Diagnosis("divided-by-n-minus-1", "divide the sum by n, the number of elements, not n - 1.",
                              lambda xs: sum(xs) / (len(xs) - 1)),
                    Diagnosis("fixed-length", "divide by len(number_list); the list can have any length.",
                              lambda xs: sum(xs) / 10),
                    *[Diagnosis("rounded", "return the mean itself; do not round it.",
                                lambda xs, d=d: round(sum(xs) / len(xs), d)) for d in ROUNDINGS],
                    Diagnosis("returned-median",
                              "this is the median (the middle of the sorted values); the mean is sum / n.",
                              lambda xs: _upper_middle(xs) if len(xs) % 2 else (_lower_middle(xs) + _upper_middle(xs)) / 2),
                    Diagnosis("returned-midrange",
                              "this is (largest + smallest) / 2; the mean adds ALL the numbers and divides by n.",
                              lambda xs: (max(xs) + min(xs)) / 2),
                    Diagnosis("first-element-skipped",
                              "the sum leaves out the first element (a loop starting at index 1); add every number.",
                              lambda xs: sum(xs[1:]) / len(xs)),
                    Diagnosis("distinct-values-only",
                              "repeated numbers count every time they occur: do not turn the list into a set.",
                              lambda xs: sum(set(xs)) / len(set(xs))),
                ])


# round(x) and round(x, 1) .. round(x, 6): what "rounded" results are recognised as
ROUNDINGS = (None, 1, 2, 3, 4, 5, 6)


def _lower_middle(xs):
    s = sorted(xs)
    return s[(len(s) - 1) // 2]


def _upper_middle(xs):
    s = sorted(xs)
    return s[len(s) // 2]


def check_get_median(get_median):
    """`get_median(number_list) -> number`: the middle of the sorted values (the mean of the two middle ones for an
    even length), on the lists of `check_get_greatest`. Raises CheckFailed naming the mistake when a model explains
    it (even length not averaged or the lower middle, not sorted, integer division, the mean, the wrong middle pair)
    or the list changed in place (sorted in place: mutates-input)."""
    check_cases("get_median", get_median, ref.get_median, _list_cases("get_median"),
                parameter_names=LIST_PARAMS, diagnoses=[
                    Diagnosis("even-length-not-averaged",
                              "for an even number of elements the median is the mean of the two middle values.",
                              _upper_middle),
                    Diagnosis("even-length-lower-middle",
                              "for an even number of elements the median is the mean of the two middle values.",
                              _lower_middle),
                    Diagnosis("not-sorted", "sort the values first; the median is the middle of the SORTED list.",
                              lambda xs: xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2),
                    Diagnosis("integer-division", "average the two middle values with `/ 2`, not `// 2`.",
                              lambda xs: _upper_middle(xs) if len(xs) % 2 else (_lower_middle(xs) + _upper_middle(xs)) // 2),
                    Diagnosis("returned-mean", "this is the mean; the median is the middle of the sorted values.",
                              lambda xs: sum(xs) / len(xs)),
                    Diagnosis("wrong-middle-pair",
                              "for an even number n of elements the two middle ones are at indices n//2 - 1 and "
                              "n//2 of the sorted list.",
                              lambda xs: _upper_middle(xs) if len(xs) % 2 else
                              (sorted(xs)[len(xs) // 2] + sorted(xs)[min(len(xs) // 2 + 1, len(xs) - 1)]) / 2),
                ])


# ---------------------------------------------------------------- Part 2: vectors and matrices

def _vector_cases(name):
    rng = seeded_rng(name)
    hand = [
        Case((np.array([3.0, -4.0]),), label="3-4-5 triangle"),
        Case((np.array([-1.0, -2.0, -3.0]),), label="all negative"),
        Case((np.array([0.0, 0.0, 0.0]),), label="zero vector"),
        Case((np.array([7.5]),), label="one entry"),
        Case((np.array([3e100, -4e100, 1.2e101]),), label="huge entries", abs_tol=MAGNITUDE_ABS_TOL),
        Case((np.array([-3e-100, 4e-100, 1.2e-99]),), label="tiny entries", abs_tol=MAGNITUDE_ABS_TOL),
        Case((np.array([1e-5, -2e-4, 3e-5, 1e-4]),), label="short vector, entries around 1e-4",
             abs_tol=MAGNITUDE_ABS_TOL),
    ]
    return hand + [Case((rng.normal(0, 3, int(rng.integers(2, 9))),), label="random vector")
                   for _ in range(RANDOM_CASES)]


VECTOR_PARAMS = ("x",)
# "Safety" constants students add to a norm or a denominator: what epsilon-added diagnoses recognise.
EPSILONS = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15)


def _l2_float32(x):
    with np.errstate(over="ignore"):
        x32 = np.asarray(x, dtype=np.float32)
        return float(np.sqrt(np.sum(x32 * x32)))


def check_l1_norm(l1_norm):
    """`l1_norm(x) -> float`: sum |x_i| of a 1-D float array, on hand-picked vectors (negative, zero, one entry,
    entries around 1e100, 1e-100 and 1e-4, compared relatively) and seeded ones. Raises CheckFailed naming the
    mistake when a model explains it (no abs, L2, max norm, |sum|, divided by n, first entry skipped, squares,
    rounded)."""
    check_cases("l1_norm", l1_norm, ref.l1_norm, _vector_cases("l1_norm"), parameter_names=VECTOR_PARAMS,
                diagnoses=[
                    Diagnosis("missing-abs", "take the absolute value of each entry before summing.",
                              lambda x: float(np.sum(x))),
                    Diagnosis("computed-l2", "this is the L2 norm; L1 is the sum of absolute values.", ref.l2_norm),
                    Diagnosis("computed-max-norm", "this is the largest |x_i|; L1 adds all of them.",
                              lambda x: float(np.max(np.abs(x)))),
                    Diagnosis("abs-of-sum", "take the absolute value of EACH entry, then sum: |x_1| + |x_2| + ..., "
                              "not |x_1 + x_2 + ...|.", lambda x: abs(float(np.sum(x)))),
                    Diagnosis("divided-by-n", "do not divide by the number of entries: L1 is the SUM of |x_i|.",
                              lambda x: float(np.mean(np.abs(x)))),
                    Diagnosis("first-entry-skipped", "the loop leaves out the first entry (it starts at index 1).",
                              lambda x: float(np.sum(np.abs(x[1:])))),
                    Diagnosis("summed-squares", "square entries belong to L2; L1 sums the absolute values.",
                              lambda x: float(np.sum(x ** 2))),
                    *[Diagnosis("rounded", "return the norm itself; do not round it.",
                                lambda x, d=d: round(float(np.sum(np.abs(x))), d)) for d in ROUNDINGS],
                ])


def check_l2_norm(l2_norm):
    """`l2_norm(x) -> float`: sqrt(sum x_i**2) of a 1-D float array, on the vectors of `check_l1_norm`. Raises
    CheckFailed naming the mistake when a model explains it (no sqrt, L1, divided by n, sqrt of L1, |sum|, last
    entry skipped, x * 2, an epsilon added, float32)."""
    check_cases("l2_norm", l2_norm, ref.l2_norm, _vector_cases("l2_norm"), parameter_names=VECTOR_PARAMS,
                diagnoses=[
                    Diagnosis("missing-sqrt", "this is the SQUARED norm; take the square root of the sum.",
                              lambda x: float(np.sum(x ** 2))),
                    Diagnosis("computed-l1", "this is the L1 norm; L2 is the square root of the sum of squares.",
                              ref.l1_norm),
                    Diagnosis("divided-by-n", "do not divide by the number of entries.",
                              lambda x: float(np.sqrt(np.mean(x ** 2)))),
                    Diagnosis("sqrt-of-l1", "square each entry before summing: sqrt(x_1**2 + x_2**2 + ...).",
                              lambda x: float(np.sqrt(np.sum(np.abs(x))))),
                    Diagnosis("abs-of-sum", "square each entry, sum, then take the square root; this is |sum of x|.",
                              lambda x: abs(float(np.sum(x)))),
                    Diagnosis("last-entry-skipped", "the loop never looks at the last entry (off by one).",
                              lambda x: float(np.sqrt(np.sum(x[:-1] ** 2)))),
                    Diagnosis("times-2-not-squared", "`x * 2` doubles; the square is `x ** 2`.",
                              lambda x: float(np.sqrt(abs(np.sum(x * 2))))),
                    *[Diagnosis("epsilon-added",
                                f"a small constant ({eps:g}) was added; it is far from small for a short vector. "
                                f"The norm of the zero vector is simply 0: sqrt(sum of squares), nothing added.",
                                lambda x, eps=eps: float(np.sqrt(np.sum(x ** 2) + eps))) for eps in EPSILONS],
                    Diagnosis("single-precision",
                              "float32 keeps about 7 digits and overflows above 3.4e38: compute in float64 "
                              "(numpy's default; do not convert with np.float32).", _l2_float32),
                ])


# arccos is ill-conditioned near +-1: a cosine one rounding step below 1 gives an angle of about 2e-8, so angles
# are compared with an absolute tolerance above sqrt(2 * machine epsilon).
ANGLE_ABS_TOL = 1e-7


def _vector_pair_cases():
    rng = seeded_rng("angle_between")
    hand = [
        Case((np.array([1.0, 0.0]), np.array([0.0, 1.0])), label="perpendicular"),
        Case((np.array([1.0, 1.0]), np.array([-1.0, -1.0])), label="opposite directions"),
        Case((np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])), label="parallel"),
        Case((np.array([0.4, 4.4, 3.2]), np.array([0.2, 2.2, 1.6])), label="parallel, cosine rounds above 1"),
        Case((np.array([2.0, 0.0]), np.array([-1.0, 1.0])), label="obtuse angle"),
    ]
    random = []
    for _ in range(RANDOM_CASES):
        d = int(rng.integers(2, 7))
        random.append(Case((rng.normal(0, 2, d), rng.normal(0, 2, d)), label="random vectors"))
    magnitudes = [
        Case((np.array([3e-5, -1e-5, 2e-5]), np.array([-1e-5, 4e-5, 1e-5])), label="short vectors (around 1e-5)"),
        Case((np.array([2e-120, 5e-120]), np.array([-3e-120, 1e-120])), label="tiny vectors (around 1e-120)"),
        Case((np.array([4e150, -1e150, 2e150]), np.array([1e150, 3e150, -2e150])), label="huge vectors (around 1e150)"),
    ]
    return [Case(c.args, label=c.label, abs_tol=ANGLE_ABS_TOL) for c in hand + random + magnitudes]


def _angle_from(cosine):
    return float(np.arccos(np.clip(cosine, -1.0, 1.0)))


def _unclipped_angle(x, y):
    with np.errstate(invalid="ignore"):
        return float(np.arccos(np.inner(x, y) / (np.linalg.norm(x) * np.linalg.norm(y))))


def check_angle_between(angle_between):
    """`angle_between(x, y) -> float`: the angle in radians, arccos(<x, y> / (|x| |y|)), of two non-zero 1-D arrays of
    the same length (perpendicular, opposite, parallel with a cosine that rounds past 1, obtuse, seeded, and around
    1e-5, 1e-120 and 1e150), within ANGLE_ABS_TOL. Raises CheckFailed naming the mistake when a model explains it
    (the cosine, degrees, not clipped, not normalised, L1 norms, arcsin, |<x, y>|, an epsilon in the denominator)."""
    check_cases("angle_between", angle_between, ref.angle_between, _vector_pair_cases(), parameter_names=("x", "y"),
                diagnoses=[
                    Diagnosis("returned-cosine", "this is cos(theta); apply np.arccos to get the angle.",
                              lambda x, y: float(np.inner(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)))),
                    Diagnosis("degrees", "return radians, not degrees.",
                              lambda x, y: float(np.degrees(ref.angle_between(x, y)))),
                    Diagnosis("not-clipped",
                              "for (anti-)parallel vectors rounding can push the cosine just outside [-1, 1], and "
                              "arccos then gives nan; clip it with np.clip(cos, -1, 1).",
                              _unclipped_angle),
                    Diagnosis("not-normalised", "divide the inner product by the product of the two L2 norms.",
                              lambda x, y: float(np.arccos(np.clip(np.inner(x, y), -1, 1)))),
                    Diagnosis("l1-norms", "divide by the L2 (Euclidean) norms, not the L1 norms.",
                              lambda x, y: _angle_from(np.inner(x, y) / (ref.l1_norm(x) * ref.l1_norm(y)))),
                    Diagnosis("arcsin", "the inner product gives the COSINE of the angle: use np.arccos.",
                              lambda x, y: float(np.arcsin(np.clip(np.cos(ref.angle_between(x, y)), -1, 1)))),
                    Diagnosis("abs-inner-product",
                              "keep the sign of the inner product: a negative one means an obtuse angle (> pi/2).",
                              lambda x, y: _angle_from(abs(np.inner(x, y)) / (ref.l2_norm(x) * ref.l2_norm(y)))),
                    *[Diagnosis("epsilon-in-denominator",
                                f"a small constant ({eps:g}) was added to the denominator; for short vectors it is "
                                f"not small at all. The vectors are non-zero: divide by the norms as they are.",
                                lambda x, y, eps=eps: _angle_from(
                                    np.inner(x, y) / (ref.l2_norm(x) * ref.l2_norm(y) + eps))) for eps in EPSILONS],
                ])


def _regression_cases():
    rng = seeded_rng("fit_linear_regression")
    cases = []
    for n, d in [(20, 1), (30, 3), (12, 5)]:
        X = rng.normal(0, 1, (n, d))
        beta = rng.normal(0, 2, d + 1)
        y = X @ beta[:-1] + beta[-1] + rng.normal(0, 0.1, n)
        cases.append(Case((X, y), label=f"{n} samples, {d} features, noisy"))
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    cases.insert(0, Case((X, 2.0 * X[:, 0] + 1.0), label="exact line y = 2x + 1"))
    x = rng.normal(0, 1, (15, 1))
    cases.append(Case((np.hstack([x, x]), 3.0 * x[:, 0] - 1.0),
                      label="two identical columns: pinv gives the minimum-norm solution"))
    X = rng.uniform(9e4, 1.1e5, (25, 2))
    cases.append(Case((X, X @ np.array([3e-3, -2e-3]) + 40.0 + rng.normal(0, 0.01, 25)),
                      label="large feature values (around 1e5)", abs_tol=MAGNITUDE_ABS_TOL))
    X = rng.normal(0, 1e-6, (20, 2))
    cases.append(Case((X, X @ np.array([3e5, -2e5]) + 0.5 + rng.normal(0, 0.01, 20)),
                      label="tiny feature values (around 1e-6)", abs_tol=MAGNITUDE_ABS_TOL))
    return cases


def check_fit_linear_regression(fit_linear_regression):
    """`fit_linear_regression(X, y) -> beta`: least squares with the intercept last, beta = pinv([X, 1]) @ y, for X (n,
    d) and y (n,) (an exact line, noisy fits, two identical columns, features around 1e5 and 1e-6). Raises
    CheckFailed naming the mistake when a model explains it (intercept first, missing or zero or mean(y), X^T y / n,
    predictions, halved, the normal equations with inv, ridge epsilons) or normal-equations-inverse when
    np.linalg.inv raised LinAlgError on the singular case."""
    check_cases("fit_linear_regression", fit_linear_regression, ref.fit_linear_regression, _regression_cases(),
                parameter_names=("X", "y"), hints=[SINGULAR_HINT], diagnoses=[
                    Diagnosis("intercept-first", "the intercept goes LAST: append the column of ones on the right.",
                              lambda X, y: np.roll(ref.fit_linear_regression(X, y), 1)),
                    Diagnosis("no-intercept", "append a column of ones to X so the model has an intercept.",
                              lambda X, y: np.linalg.pinv(X) @ y),
                    Diagnosis("intercept-forced-to-zero",
                              "the intercept came out as 0: append a column of ONES (not zeros) to X and fit the "
                              "intercept with the slopes, beta = pinv([X, 1]) @ y.",
                              lambda X, y: np.append(np.linalg.pinv(X) @ y, 0.0)),
                    Diagnosis("intercept-is-mean-of-y",
                              "fit the intercept together with the slopes (a column of ones in X); mean(y) is the "
                              "intercept only when every feature has mean 0.",
                              lambda X, y: np.append(np.linalg.pinv(X) @ y, np.mean(y))),
                    Diagnosis("not-pseudo-inverse",
                              "X^T y / n equals the least-squares solution only for orthonormal columns; use the "
                              "pseudo-inverse, beta = np.linalg.pinv(X_with_ones) @ y.",
                              lambda X, y: _with_ones(X).T @ y / len(y)),
                    Diagnosis("returned-predictions",
                              "these are the fitted values X beta, one per sample; return the coefficients beta.",
                              lambda X, y: _with_ones(X) @ ref.fit_linear_regression(X, y)),
                    Diagnosis("coefficients-halved", "the coefficients are half of the least-squares ones: no "
                              "factor 1/2 in beta = pinv([X, 1]) @ y.", lambda X, y: ref.fit_linear_regression(X, y) / 2),
                    Diagnosis("normal-equations-inverse",
                              "np.linalg.inv(X^T X) fails or is inaccurate when the columns of X are (nearly) "
                              "dependent; np.linalg.pinv(X_with_ones) @ y handles every case.", _normal_equations),
                    *[Diagnosis("epsilon-added",
                                f"a small constant ({eps:g}) was added to X^T X \"for stability\"; that is ridge "
                                f"regression, and for features near 1e-6 it swamps X^T X. Use "
                                f"np.linalg.pinv(X_with_ones) @ y, which needs no constant.",
                                lambda X, y, eps=eps: _ridge(X, y, eps)) for eps in EPSILONS],
                ])


SINGULAR_HINT = Hint("normal-equations-inverse", "np.linalg.inv(X^T X) fails when the columns of X are dependent (here "
                     "two are identical), so X^T X is singular; the pseudo-inverse handles it: "
                     "beta = np.linalg.pinv(X_with_ones) @ y.", raised=("LinAlgError",))


def _ridge(X, y, eps):
    A = _with_ones(X)
    return np.linalg.inv(A.T @ A + eps * np.eye(A.shape[1])) @ A.T @ y


def _with_ones(X):
    return np.hstack([X, np.ones((len(X), 1))])


def _normal_equations(X, y):
    A = _with_ones(X)
    return np.linalg.inv(A.T @ A) @ A.T @ y


CHECKS = {
    "get_greatest": check_get_greatest,
    "get_smallest": check_get_smallest,
    "get_mean": check_get_mean,
    "get_median": check_get_median,
    "l1_norm": check_l1_norm,
    "l2_norm": check_l2_norm,
    "angle_between": check_angle_between,
    "fit_linear_regression": check_fit_linear_regression,
}

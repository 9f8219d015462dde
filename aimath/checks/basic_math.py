"""Hidden-test checks for basic_math. Each `check_*` takes the student's function and raises `CheckFailed`."""
import numpy as np

from aimath.judge import Case, Diagnosis, check_cases, seeded_rng
from aimath.reference import basic_math as ref

RANDOM_CASES = 6


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
    random = []
    for i in range(RANDOM_CASES):
        n = int(rng.integers(1, 12))
        values = rng.integers(-100, 100, n).tolist() if i % 2 else np.round(rng.normal(0, 50, n), 3).tolist()
        random.append(Case((values,), label="random list"))
    return hand + random


LIST_PARAMS = ("number_list",)


def check_get_greatest(get_greatest):
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
                ])


def check_get_smallest(get_smallest):
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
                ])


def check_get_mean(get_mean):
    check_cases("get_mean", get_mean, ref.get_mean, _list_cases("get_mean"),
                parameter_names=LIST_PARAMS, diagnoses=[
                    Diagnosis("integer-division", "use `/`, not `//`: the mean is a float.",
                              lambda xs: sum(xs) // len(xs)),
                    Diagnosis("divided-by-n-minus-1", "divide the sum by n, the number of elements, not n - 1.",
                              lambda xs: sum(xs) / (len(xs) - 1)),
                    Diagnosis("fixed-length", "divide by len(number_list); the list can have any length.",
                              lambda xs: sum(xs) / 10),
                    Diagnosis("rounded", "return the mean itself; do not round it.",
                              lambda xs: round(sum(xs) / len(xs))),
                ])


def _lower_middle(xs):
    s = sorted(xs)
    return s[(len(s) - 1) // 2]


def _upper_middle(xs):
    s = sorted(xs)
    return s[len(s) // 2]


def check_get_median(get_median):
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
                              lambda xs: (_lower_middle(xs) + _upper_middle(xs)) // 2),
                    Diagnosis("returned-mean", "this is the mean; the median is the middle of the sorted values.",
                              lambda xs: sum(xs) / len(xs)),
                ])


# ---------------------------------------------------------------- Part 2: vectors and matrices

def _vector_cases(name):
    rng = seeded_rng(name)
    hand = [
        Case((np.array([3.0, -4.0]),), label="3-4-5 triangle"),
        Case((np.array([-1.0, -2.0, -3.0]),), label="all negative"),
        Case((np.array([0.0, 0.0, 0.0]),), label="zero vector"),
        Case((np.array([7.5]),), label="one entry"),
    ]
    return hand + [Case((rng.normal(0, 3, int(rng.integers(2, 9))),), label="random vector")
                   for _ in range(RANDOM_CASES)]


VECTOR_PARAMS = ("x",)


def check_l1_norm(l1_norm):
    check_cases("l1_norm", l1_norm, ref.l1_norm, _vector_cases("l1_norm"), parameter_names=VECTOR_PARAMS,
                diagnoses=[
                    Diagnosis("missing-abs", "take the absolute value of each entry before summing.",
                              lambda x: float(np.sum(x))),
                    Diagnosis("computed-l2", "this is the L2 norm; L1 is the sum of absolute values.", ref.l2_norm),
                    Diagnosis("computed-max-norm", "this is the largest |x_i|; L1 adds all of them.",
                              lambda x: float(np.max(np.abs(x)))),
                ])


def check_l2_norm(l2_norm):
    check_cases("l2_norm", l2_norm, ref.l2_norm, _vector_cases("l2_norm"), parameter_names=VECTOR_PARAMS,
                diagnoses=[
                    Diagnosis("missing-sqrt", "this is the SQUARED norm; take the square root of the sum.",
                              lambda x: float(np.sum(x ** 2))),
                    Diagnosis("computed-l1", "this is the L1 norm; L2 is the square root of the sum of squares.",
                              ref.l1_norm),
                    Diagnosis("divided-by-n", "do not divide by the number of entries.",
                              lambda x: float(np.sqrt(np.mean(x ** 2)))),
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
    return [Case(c.args, label=c.label, abs_tol=ANGLE_ABS_TOL) for c in hand + random]


def check_angle_between(angle_between):
    check_cases("angle_between", angle_between, ref.angle_between, _vector_pair_cases(), parameter_names=("x", "y"),
                diagnoses=[
                    Diagnosis("returned-cosine", "this is cos(theta); apply np.arccos to get the angle.",
                              lambda x, y: float(np.inner(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)))),
                    Diagnosis("degrees", "return radians, not degrees.",
                              lambda x, y: float(np.degrees(ref.angle_between(x, y)))),
                    Diagnosis("not-clipped",
                              "for (anti-)parallel vectors rounding can push the cosine just outside [-1, 1], and "
                              "arccos then gives nan; clip it with np.clip(cos, -1, 1).",
                              lambda x, y: float("nan")),
                    Diagnosis("not-normalised", "divide the inner product by the product of the two L2 norms.",
                              lambda x, y: float(np.arccos(np.clip(np.inner(x, y), -1, 1)))),
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
    return cases


def check_fit_linear_regression(fit_linear_regression):
    check_cases("fit_linear_regression", fit_linear_regression, ref.fit_linear_regression, _regression_cases(),
                parameter_names=("X", "y"), diagnoses=[
                    Diagnosis("intercept-first", "the intercept goes LAST: append the column of ones on the right.",
                              lambda X, y: np.roll(ref.fit_linear_regression(X, y), 1)),
                    Diagnosis("no-intercept", "append a column of ones to X so the model has an intercept.",
                              lambda X, y: np.linalg.pinv(X) @ y),
                ])


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

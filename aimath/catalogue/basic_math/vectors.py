"""basic_math, Part 2 (vectors and matrices): plausible student mistakes and alternative correct
solutions, written as students write them.
"""
import math

import numpy as np

from aimath.catalogue import Catalogue

catalogue = Catalogue("basic_math")
mistake, alternative = catalogue.mistake, catalogue.alternative


# ------------------------------------------------------------------ l1_norm

@mistake("l1_norm", diagnosis="missing-abs")
def l1_missing_abs(x):
    """Sums the entries without absolute values."""
    return np.sum(x)


@mistake("l1_norm", diagnosis="computed-l2")
def l1_is_l2(x):
    """Computes the L2 norm."""
    return np.sqrt(np.sum(x * x))


@mistake("l1_norm", diagnosis="computed-max-norm")
def l1_is_max(x):
    """Computes the largest absolute entry."""
    return np.max(np.abs(x))


@mistake("l1_norm", diagnosis="abs-of-sum")
def l1_abs_of_sum(x):
    """Takes the absolute value of the sum instead of summing absolute values."""
    return abs(np.sum(x))


@mistake("l1_norm", diagnosis="divided-by-n")
def l1_mean_abs(x):
    """Averages instead of summing."""
    return np.mean(np.abs(x))


@mistake("l1_norm", diagnosis="first-entry-skipped")
def l1_skips_first(x):
    """Loop starts at index 1."""
    total = 0.0
    for i in range(1, len(x)):
        total += abs(x[i])
    return total


@mistake("l1_norm", diagnosis="summed-squares")
def l1_sum_of_squares(x):
    """Sums squares."""
    return np.sum(x ** 2)


@mistake("l1_norm", diagnosis="rounded")
def l1_rounded(x):
    """Rounds the norm to four decimal places."""
    return round(float(np.sum(np.abs(x))), 4)


@alternative("l1_norm")
def l1_loop(x):
    """Pure Python loop."""
    total = 0.0
    for value in x:
        total += abs(value)
    return total


@alternative("l1_norm")
def l1_numpy_norm(x):
    """np.linalg.norm with ord=1."""
    return np.linalg.norm(x, ord=1)


# ------------------------------------------------------------------ l2_norm

@mistake("l2_norm", diagnosis="missing-sqrt")
def l2_missing_sqrt(x):
    """Forgets the square root."""
    return np.sum(x ** 2)


@mistake("l2_norm", diagnosis="computed-l1")
def l2_is_l1(x):
    """Computes the L1 norm."""
    return np.sum(np.abs(x))


@mistake("l2_norm", diagnosis="divided-by-n")
def l2_root_mean_square(x):
    """Root mean square instead of the norm."""
    return np.sqrt(np.mean(x ** 2))


@mistake("l2_norm", diagnosis="sqrt-of-l1")
def l2_sqrt_of_abs_sum(x):
    """Square root of the sum of absolute values."""
    return np.sqrt(np.sum(np.abs(x)))


@mistake("l2_norm", diagnosis="abs-of-sum")
def l2_abs_of_sum(x):
    """Absolute value of the sum."""
    return abs(np.sum(x))


@mistake("l2_norm", diagnosis="last-entry-skipped")
def l2_skips_last(x):
    """Loop stops one entry early."""
    total = 0.0
    for i in range(len(x) - 1):
        total += x[i] ** 2
    return math.sqrt(total)


@mistake("l2_norm", diagnosis="times-2-not-squared")
def l2_doubles(x):
    """Squares with `* 2` instead of `** 2`."""
    return np.sqrt(np.abs(np.sum(x * 2)))


@mistake("l2_norm", diagnosis="epsilon-added")
def l2_epsilon_inside_sqrt(x):
    """Adds a small epsilon under the square root "for numerical safety"."""
    return np.sqrt(np.sum(x ** 2) + 1e-8)


@mistake("l2_norm", diagnosis="single-precision")
def l2_float32(x):
    """Computes in float32 to save memory: overflows for large entries and loses digits."""
    x32 = np.asarray(x, dtype=np.float32)
    return float(np.sqrt(np.sum(x32 * x32)))


@alternative("l2_norm")
def l2_loop(x):
    """Pure Python loop and math.sqrt."""
    return math.sqrt(sum(v * v for v in x))


@alternative("l2_norm")
def l2_numpy_norm(x):
    """np.linalg.norm."""
    return np.linalg.norm(x)


@alternative("l2_norm")
def l2_inner(x):
    """Square root of the inner product with itself."""
    return np.sqrt(np.inner(x, x))


# ------------------------------------------------------------------ angle_between

@mistake("angle_between", diagnosis="returned-cosine")
def angle_is_cosine(x, y):
    """Returns the cosine, not the angle."""
    return np.clip(np.inner(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)), -1, 1)


@mistake("angle_between", diagnosis="degrees")
def angle_in_degrees(x, y):
    """Returns degrees."""
    v = np.inner(x, y) / (np.linalg.norm(x) * np.linalg.norm(y))
    return np.degrees(np.arccos(np.clip(v, -1, 1)))


@mistake("angle_between", diagnosis="not-clipped")
def angle_not_clipped(x, y):
    """No clipping: nan when rounding puts the cosine just above 1."""
    with np.errstate(invalid="ignore"):
        return np.arccos(np.inner(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)))


@mistake("angle_between", diagnosis="not-normalised")
def angle_not_normalised(x, y):
    """Forgets to divide by the norms."""
    return np.arccos(np.clip(np.inner(x, y), -1, 1))


@mistake("angle_between", diagnosis="l1-norms")
def angle_l1_norms(x, y):
    """Normalises with L1 norms."""
    v = np.inner(x, y) / (np.sum(np.abs(x)) * np.sum(np.abs(y)))
    return np.arccos(np.clip(v, -1, 1))


@mistake("angle_between", diagnosis="arcsin")
def angle_arcsin(x, y):
    """Uses arcsin instead of arccos."""
    v = np.inner(x, y) / (np.linalg.norm(x) * np.linalg.norm(y))
    return np.arcsin(np.clip(v, -1, 1))


@mistake("angle_between", diagnosis="abs-inner-product")
def angle_abs_inner(x, y):
    """Takes |<x, y>|, so obtuse angles come out acute."""
    v = abs(np.inner(x, y)) / (np.linalg.norm(x) * np.linalg.norm(y))
    return np.arccos(np.clip(v, -1, 1))


@mistake("angle_between", diagnosis="epsilon-in-denominator")
def angle_epsilon_in_denominator(x, y):
    """Adds 1e-8 to the denominator "to avoid dividing by zero": wrong for short vectors."""
    v = np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-8)
    return np.arccos(np.clip(v, -1, 1))


@alternative("angle_between")
def angle_loops(x, y):
    """Pure Python inner product and norms, clipped with min/max."""
    dot = sum(a * b for a, b in zip(x, y))
    nx = math.sqrt(sum(a * a for a in x))
    ny = math.sqrt(sum(b * b for b in y))
    return math.acos(max(-1.0, min(1.0, dot / (nx * ny))))


@alternative("angle_between")
def angle_numpy(x, y):
    """np.dot and np.linalg.norm."""
    cos = np.dot(x, y) / np.linalg.norm(x) / np.linalg.norm(y)
    return np.arccos(np.clip(cos, -1.0, 1.0))


@alternative("angle_between")
def angle_atan2(x, y):
    """atan2 of the parallel and perpendicular parts: no clipping needed."""
    dot = np.dot(x, y)
    perpendicular = np.linalg.norm(np.asarray(y) - dot / np.dot(x, x) * np.asarray(x)) * np.linalg.norm(x)
    return np.arctan2(perpendicular, dot)


# ------------------------------------------------------------------ fit_linear_regression

@mistake("fit_linear_regression", diagnosis="intercept-first")
def regression_intercept_first(X, y):
    """Appends the column of ones on the left."""
    X_ = np.hstack([np.ones((X.shape[0], 1)), X])
    return np.linalg.pinv(X_) @ y


@mistake("fit_linear_regression", diagnosis="no-intercept")
def regression_no_intercept(X, y):
    """Forgets the intercept column."""
    return np.linalg.pinv(X) @ y


@mistake("fit_linear_regression", diagnosis="intercept-forced-to-zero")
def regression_zeros_column(X, y):
    """Appends a column of zeros instead of ones."""
    X_ = np.hstack([X, np.zeros((X.shape[0], 1))])
    return np.linalg.pinv(X_) @ y


@mistake("fit_linear_regression", diagnosis="coefficients-halved")
def regression_transposed(X, y):
    """Uses pinv(X.T) @ ... with the wrong shapes fixed by transposing."""
    X_ = np.hstack([X, np.ones((X.shape[0], 1))])
    return np.linalg.pinv(X_.T @ X_) @ X_.T @ y * 0.5


@mistake("fit_linear_regression", diagnosis="returned-predictions")
def regression_returns_predictions(X, y):
    """Returns the fitted values instead of the coefficients."""
    X_ = np.hstack([X, np.ones((X.shape[0], 1))])
    return X_ @ (np.linalg.pinv(X_) @ y)


@mistake("fit_linear_regression", diagnosis="intercept-is-mean-of-y")
def regression_mean_as_intercept(X, y):
    """Fits without intercept and appends mean(y) as the intercept."""
    return np.append(np.linalg.pinv(X) @ y, np.mean(y))


@mistake("fit_linear_regression", diagnosis="normal-equations-inverse")
def regression_normal_equations_inverse(X, y):
    """Normal equations with np.linalg.inv: breaks on rank-deficient X."""
    X_ = np.hstack([X, np.ones((X.shape[0], 1))])
    return np.linalg.inv(X_.T @ X_) @ X_.T @ y


@mistake("fit_linear_regression", diagnosis="intercept-forced-to-zero")
def regression_zero_intercept(X, y):
    """Fits through the origin and appends 0 as the intercept."""
    return np.append(np.linalg.pinv(X) @ y, 0.0)


@mistake("fit_linear_regression", diagnosis="not-pseudo-inverse")
def regression_transpose_over_n(X, y):
    """X^T y / n in place of the pseudo-inverse (right only for orthonormal columns)."""
    X_ = np.hstack([X, np.ones((X.shape[0], 1))])
    return X_.T @ y / len(y)


@mistake("fit_linear_regression", diagnosis="epsilon-added")
def regression_ridge_for_stability(X, y):
    """Adds 1e-8 * I to X^T X "for numerical stability" before inverting (ridge regression)."""
    X_ = np.hstack([X, np.ones((X.shape[0], 1))])
    return np.linalg.inv(X_.T @ X_ + 1e-8 * np.eye(X_.shape[1])) @ X_.T @ y


@alternative("fit_linear_regression")
def regression_lstsq(X, y):
    """np.linalg.lstsq (minimum-norm like pinv)."""
    X_ = np.column_stack([X, np.ones(len(X))])
    return np.linalg.lstsq(X_, y, rcond=None)[0]


@alternative("fit_linear_regression")
def regression_pinv_concatenate(X, y):
    """pinv with np.concatenate and explicit matmul."""
    ones = np.ones(X.shape[0]).reshape(-1, 1)
    X_ = np.concatenate((X, ones), axis=1)
    return np.matmul(np.linalg.pinv(X_), y)

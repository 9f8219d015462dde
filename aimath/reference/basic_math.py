"""basic_math: statistics of a list, then vectors and matrices (AI Math lectures 1-2)."""
import numpy as np


def get_greatest(number_list):
    """list[number] (non-empty) -> its largest element."""
    return max(number_list)


def get_smallest(number_list):
    """list[number] (non-empty) -> its smallest element."""
    return min(number_list)


def get_mean(number_list):
    """list[number] (non-empty) -> float, sum(x) / n."""
    return float(np.mean(np.asarray(number_list, dtype=np.float64)))


def get_median(number_list):
    """list[number] (non-empty) -> float: middle of the sorted values, or the mean of the two middle ones."""
    return float(np.median(np.asarray(number_list, dtype=np.float64)))


def l1_norm(x):
    """x: (d,) -> float, sum_i |x_i|."""
    return float(np.sum(np.abs(np.asarray(x, dtype=np.float64))))


def l2_norm(x):
    """x: (d,) -> float, sqrt(sum_i x_i^2)."""
    return float(np.sqrt(np.sum(np.asarray(x, dtype=np.float64) ** 2)))


def angle_between(x, y):
    """x, y: (d,), non-zero -> float in [0, pi], arccos(<x, y> / (||x|| ||y||)).

    The cosine is clipped to [-1, 1]: rounding can push it just outside for (anti-)parallel vectors.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    cosine = np.inner(x, y) / (l2_norm(x) * l2_norm(y))
    return float(np.arccos(np.clip(cosine, -1.0, 1.0)))


def fit_linear_regression(X, y):
    """X: (n, d), y: (n,) -> beta: (d + 1,), least squares for y ~ [X, 1] @ beta (intercept LAST).

    beta = pinv([X, 1]) @ y, the minimum-norm solution when [X, 1] is rank deficient.
    """
    X = np.asarray(X, dtype=np.float64)
    X_aug = np.hstack([X, np.ones((X.shape[0], 1))])
    return np.linalg.pinv(X_aug) @ np.asarray(y, dtype=np.float64)

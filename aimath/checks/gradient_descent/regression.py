"""gradient_descent checks, part 3 (regression): linear_regression_gd, linear_regression_gd_matrix and
sgd_linear_regression.

Iterative methods are judged by where they must end up (the problem's minimiser), with tolerances derived from the
problem, so that legitimate variations (1/n or 2/n in the MSE gradient, sampling with or without replacement, any
random generator) pass, and every case is small. Targets span 1e-6 to 1e9 (compared relatively), so a hard-coded
tolerance, threshold or gradient clip does not slip by.
"""
import math

import numpy as np

from aimath.checks.gradient_descent.results import as_number, pair
from aimath.judge import Case, Diagnosis, check_cases, probes, same, seeded_rng
from aimath.reference import gradient_descent as ref
from aimath.verdict import Mistake


# ---------------------------------------------------------------- linear regression by gradient descent


DIVERGED = "diverged: the loss grew instead of shrinking"

# Descent on the MSE contracts each mode of the Hessian H (of MSE / 2) by |1 - s lr lambda| per step, where s is 2
# for the MSE gradient and 1 for the (also accepted) gradient of MSE / 2. With lr = LR_FRACTION / lambda_max every
# factor lies in [0, 1 - LR_FRACTION / condition number] for both, so the loss falls monotonically and fast; and n_iter
# is chosen so the slower (s = 1) run ends CONVERGED_REL below |theta*|.
LR_FRACTION = 0.5
CONVERGED_REL = 1e-11
# Both runs are then within CONVERGED_REL |theta*| of the minimiser; parameters are compared with this margin.
PARAM_REL_TOL = 1e-8


def _schedule(H, scale):
    """(lr, n_iter) for Hessian H of MSE / 2 (smallest POSITIVE eigenvalue sets the speed) and |theta*| ~ scale."""
    eig = np.linalg.eigvalsh(H)
    positive = eig[eig > 1e-9 * eig[-1]]
    lr = float(f"{LR_FRACTION / eig[-1]:.3g}")
    rho = 1 - lr * positive[0]
    n_iter = math.ceil(math.log(CONVERGED_REL / max(scale, 1.0)) / math.log(rho)) + 1
    return lr, n_iter


def _finite_or_diverged(values):
    return all(np.all(np.isfinite(np.asarray(v, dtype=np.float64))) for v in values)


def gd_summary(w, b, errors):
    """Plain-data summary of linear_regression_gd's result `(w, b, errors)` (two numbers, a 1-d sequence of the
    losses per step): w, b, the number of losses, the first and last, whether they never increase; DIVERGED when a
    value is not finite or the last loss is above the first. Raises TypeError when `errors` is not 1-d or w or b is
    not a number."""
    errors = np.asarray(errors, dtype=np.float64)
    if errors.ndim != 1:
        raise TypeError(f"errors should be a list of numbers, got an array of shape {errors.shape}")
    w, b = as_number(w, "w"), as_number(b, "b")
    if not _finite_or_diverged([w, b, errors]) or (errors.size and errors[-1] > errors[0]):
        return DIVERGED
    return {"w": w, "b": b, "len(errors)": int(errors.size),
            "errors[0]": float(errors[0]) if errors.size else None,
            "errors[-1]": float(errors[-1]) if errors.size else None,
            "errors never increase": bool(np.all(np.diff(errors) <= 1e-12 * errors[0])) if errors.size else True}


def gd_probe(linear_regression_gd, train_x, train_y, **kwargs):
    """The judge's probe (run in the sandbox): calls `linear_regression_gd(train_x, train_y, **kwargs)` (1-d float
    arrays of one length n) and returns `gd_summary` of its `(w, b, errors)`. Raises TypeError when the result is not
    a triple (or as gd_summary does)."""
    result = linear_regression_gd(train_x, train_y, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise TypeError(f"it should return (w, b, errors), but it returned {result!r}")
    with np.errstate(all="ignore"):
        return gd_summary(*result)


def _gd_variant(scale=2.0, errors_after=False, x_in_w=True, n_range=None, error_fn=None, x_in_b=False,
                stop_below=None):
    """linear_regression_gd with one mistake (or the 1/n gradient, scale=1), summarised like the probe."""
    def run(train_x, train_y, lr_rate=1e-2, n_iter=1000):
        x_, y_ = np.asarray(train_x, dtype=np.float64), np.asarray(train_y, dtype=np.float64)
        n, w, b, errors = len(x_), 0.0, 0.0, []
        mult = scale(n) if callable(scale) else scale
        with np.errstate(all="ignore"):
            for _ in (n_range(n_iter) if n_range else range(n_iter)):
                r = w * x_ + b - y_
                if not errors_after:
                    errors.append(error_fn(r) if error_fn else float(np.mean(r**2)))
                    if stop_below is not None and errors[-1] < stop_below:
                        break
                w_step = lr_rate * mult * float(r @ x_ if x_in_w else np.sum(r)) / n
                b -= lr_rate * mult * float(r @ x_ if x_in_b else np.sum(r)) / n
                w -= w_step
                if errors_after:
                    r = w * x_ + b - y_
                    errors.append(float(np.mean(r**2)))
            return gd_summary(w, b, errors)
    return run


def _line_data(rng, n, w, b, noise, low, high):
    x_ = rng.uniform(low, high, n)
    return x_, w * x_ + b + rng.normal(0, noise, n) if noise else w * x_ + b


def _line_case(train_x, train_y, label):
    Z = np.vstack([train_x, np.ones_like(train_x)])
    H = Z @ Z.T / len(train_x)  # Hessian of MSE / 2: [[E x^2, E x], [E x, 1]]
    scale = float(np.linalg.norm(ref.least_squares_line(train_x, train_y)))
    lr, n_iter = _schedule(H, scale)
    return Case((train_x, train_y), dict(lr_rate=lr, n_iter=n_iter), label,
                rel_tol=PARAM_REL_TOL, abs_tol=PARAM_REL_TOL * max(scale, 1.0))


def _gd_cases():
    rng = seeded_rng("linear_regression_gd")
    return [_line_case(*_line_data(rng, 30, 7.0, 2.0, 0.0, -2, 2), "exact line y = 7x + 2"),
            _line_case(*_line_data(rng, 25, -1.5, 0.5, 0.3, -1, 2), "noisy line, x not centred"),
            _line_case(np.array([-1.0, 0.0, 1.0]), np.array([0.5, 1.0, 3.0]), "three points"),
            _line_case(*_line_data(rng, 40, 0.3, -4.0, 1.0, -1.5, 1.5), "noisy, large intercept"),
            _line_case(*_line_data(rng, 30, 3e5, -2e5, 1e3, -1, 1.5), "targets around 1e6"),
            _line_case(*_line_data(rng, 30, 2e-6, -1e-6, 1e-8, -1, 1.5), "targets around 1e-6")]


def check_linear_regression_gd(linear_regression_gd):
    """`linear_regression_gd(train_x, train_y, lr_rate, n_iter) -> (w, b, errors)`: gradient descent on the MSE of y =
    w x + b from w = b = 0, judged by where it must end (the least-squares line within PARAM_REL_TOL, with lr_rate
    and n_iter chosen so that 1/n and 2/n gradients both get there) and by errors (n_iter MSEs, never increasing),
    on exact and noisy lines with targets from 1e-6 to 1e6. Raises CheckFailed naming the mistake when a model
    explains it (not divided by n, errors after the update, not the MSE, n_iter, the x factor, stopped early) or the
    diverged symptom."""
    check_cases("linear_regression_gd", linear_regression_gd, ref.linear_regression_gd, _gd_cases(), how=gd_probe,
                parameter_names=("train_x", "train_y"), diagnoses=[
                    Diagnosis("not-divided-by-n",
                              "the MSE gradient is an AVERAGE over the n samples: divide the sums by n (here the "
                              "steps grow with n and blow up).", _gd_variant(scale=lambda n: n)),
                    Diagnosis("diverged",
                              "the parameters ran away. Step AGAINST the gradient (w = w - lr_rate * dL/dw) with "
                              "dL/dw = 2/n * sum((w x + b - y) x): check its sign and the division by n.",
                              lambda *a, **k: DIVERGED, symptom=True),
                    *[Diagnosis("errors-after-update",
                                "append the MSE of the CURRENT w, b before updating them: errors[0] is the loss at "
                                "w = b = 0, mean(y**2).", _gd_variant(scale=s, errors_after=True)) for s in (2, 1)],
                    Diagnosis("error-not-mse", "errors holds the MEAN squared error, mean((w x + b - y)**2).",
                              _gd_variant(error_fn=lambda r: float(np.sum(r**2)))),
                    Diagnosis("error-not-mse", "errors holds the MEAN squared error, without a square root.",
                              _gd_variant(error_fn=lambda r: float(np.sqrt(np.mean(r**2))))),
                    Diagnosis("iteration-count", "run exactly n_iter updates: for _ in range(n_iter).",
                              _gd_variant(n_range=lambda k: range(1, k))),
                    *[Diagnosis("w-gradient-missing-x", "dL/dw = 2/n * sum((w x + b - y) * x): multiply by x.",
                                _gd_variant(scale=s, x_in_w=False)) for s in (2, 1)],
                    *[Diagnosis("b-gradient-times-x",
                                "dL/db = 2/n * sum(w x + b - y): no factor x (that belongs to dL/dw only).",
                                _gd_variant(scale=s, x_in_b=True)) for s in (2, 1)],
                    *[Diagnosis("stopped-early",
                                f"run all n_iter updates: stopping once the error is below a fixed {t:g} stops at "
                                f"once when the targets are small (here the error starts below it).",
                                _gd_variant(scale=s, stop_below=t)) for t in STOP_THRESHOLDS for s in (2, 1)],
                ])


# Fixed error thresholds a run stops at "when the error is small enough": what stopped-early recognises.
STOP_THRESHOLDS = (1e-3, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10)


# Probes run where the student's code lives (the grading sandbox), which cannot see aimath.reference: the two small
# helpers they need are spelled out here.
def _ones_last(X):
    """X (n, d) -> (n, d + 1) with a column of ones appended last."""
    X = np.asarray(X, dtype=np.float64)
    return np.hstack([X, np.ones((X.shape[0], 1))])


def _mean_square(residual):
    return float(np.mean(np.asarray(residual, dtype=np.float64) ** 2))


def _grew(loss_end, loss_start):
    """Descent never raises the loss; a loss above the starting one (or not finite) means the run diverged."""
    return not math.isfinite(loss_end) or loss_end > loss_start * (1 + 1e-9)


def matrix_probe(linear_regression_gd_matrix, X, y, beta_init, **kwargs):
    """The judge's probe (run in the sandbox): `linear_regression_gd_matrix(X, y, beta_init, **kwargs)` for X of
    shape (n, d), y of shape (n,), beta_init of shape (d + 1,) (intercept last), returned as an array; DIVERGED when
    a numeric result of beta_init's shape lies more than ten times further from the least-squares solution than the
    start could. Whatever else it returns is judged as returned."""
    with np.errstate(all="ignore"):
        beta = np.asarray(linear_regression_gd_matrix(X, y, beta_init, **kwargs))
        if beta.dtype.kind in "iuf" and beta.shape == np.shape(beta_init):
            # descent never moves further from the minimiser than it started (up to the part of beta_init in the
            # null space of X when columns repeat); ten times that is a run-away
            best = np.linalg.pinv(_ones_last(X)) @ y
            reach = np.linalg.norm(np.asarray(beta_init, float) - best) + np.linalg.norm(best)
            distance = np.linalg.norm(beta.astype(np.float64) - best)
            if not math.isfinite(distance) or distance > 10 * reach:
                return DIVERGED
    return beta


def _matrix_variant(intercept_first=False, from_zero=False, fixed_iter=None, clip=None):
    def run(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
        X = np.asarray(X, dtype=np.float64)
        X_ = np.hstack([np.ones((len(X), 1)), X]) if intercept_first else ref.with_intercept(X)
        beta = np.zeros(X_.shape[1]) if from_zero else np.array(beta_init, dtype=np.float64)
        for _ in range(n_iter if fixed_iter is None else fixed_iter):
            grad = 2 / len(y) * (X_.T @ (X_ @ beta - y))
            beta = beta - lr_rate * (grad if clip is None else np.clip(grad, -clip, clip))
        return beta
    return run


def _matrix_case(X, y, beta_init, label, n_iter=None):
    X_ = ref.with_intercept(X)
    scale = float(np.linalg.norm(np.linalg.pinv(X_) @ y)) + float(np.linalg.norm(beta_init))
    lr, needed = _schedule(X_.T @ X_ / len(y), scale)
    return Case((X, y, beta_init), dict(lr_rate=lr, n_iter=needed if n_iter is None else n_iter), label,
                rel_tol=PARAM_REL_TOL, abs_tol=PARAM_REL_TOL * max(scale, 1.0))


def _matrix_cases():
    rng = seeded_rng("linear_regression_gd_matrix")
    cases = []
    for n, d in [(20, 1), (30, 3)]:
        X = rng.normal(0, 1, (n, d))
        beta = rng.normal(0, 2, d + 1)
        cases.append(_matrix_case(X, X @ beta[:-1] + beta[-1] + rng.normal(0, 0.1, n), rng.normal(0, 1, d + 1),
                                  f"{n} samples, {d} features, noisy"))
    X = np.array([[1.0, -1.0], [-1.0, 2.0], [0.5, 0.5], [-0.5, -1.5], [0.0, 1.0]])
    cases.append(_matrix_case(X, X @ np.array([1.0, 2.0]) + 3.0, np.array([10.1, 15.1, -6.5]),
                              "exact fit: beta = [1, 2, 3]"))
    col = rng.normal(0, 1, (15, 1))
    cases.append(_matrix_case(np.hstack([col, col]), 3.0 * col[:, 0] - 1.0, np.array([2.0, -1.0, 0.5]),
                              "two identical columns: where GD ends depends on beta_init"))
    cases.append(_matrix_case(X, X @ np.array([1.0, 2.0]) + 3.0, [0, 1, 5], "n_iter = 0: beta_init as floats",
                              n_iter=0))
    X = rng.normal(0, 1, (25, 2))
    cases.append(_matrix_case(X, X @ np.array([4e8, -3e8]) + 1e9 + rng.normal(0, 1e6, 25), np.zeros(3),
                              "targets around 1e9"))
    cases.append(_matrix_case(X, X @ np.array([4e-6, -3e-6]) + 1e-6 + rng.normal(0, 1e-8, 25), np.zeros(3),
                              "targets around 1e-6"))
    return cases


NO_INTERCEPT = Mistake("no-intercept-column", "the column of ones is missing: with it appended LAST "
                       "(np.hstack([X, np.ones((n, 1))])), your code gives the right beta. beta_init and the result "
                       "have d + 1 entries, the intercept last.")


def _raw_beta_probe(linear_regression_gd_matrix, X, y, beta_init, **kwargs):
    """beta as the student's function returns it (as float64), with no judgement of divergence."""
    with np.errstate(all="ignore"):
        return np.asarray(linear_regression_gd_matrix(X, y, beta_init, **kwargs), dtype=np.float64)


def _fits_with_ones_added(student, cases):
    """True when the student's function, handed X with the ones column already appended, gives the reference's
    beta for X on every full-rank case that runs: the student's own code never appends it."""
    full_rank = [c for c in cases if c.kwargs.get("n_iter") and np.linalg.matrix_rank(ref.with_intercept(c.args[0]))
                 == np.shape(c.args[0])[1] + 1]
    given_ones = [Case((ref.with_intercept(c.args[0]), *c.args[1:]), c.kwargs, rel_tol=c.rel_tol, abs_tol=c.abs_tol)
                  for c in full_rank]
    outcomes = probes(student, given_ones, _raw_beta_probe)
    expected = probes(ref.linear_regression_gd_matrix, full_rank, matrix_probe)
    return all(o.error is None and e.error is None and same(e.result, o.result, c.rel_tol, c.abs_tol)
               for o, e, c in zip(outcomes, expected, full_rank))


def _ones_column_missing(cases):
    """After the fact: no-intercept-column when the student's code gives the right beta once handed X with the ones
    column already appended."""
    def seen(failed):
        return NO_INTERCEPT if _fits_with_ones_added(failed.student, cases) else None
    return seen


def check_linear_regression_gd_matrix(linear_regression_gd_matrix):
    """`linear_regression_gd_matrix(X, y, beta_init, lr_rate, n_iter) -> beta`: gradient descent on the MSE with a
    column of ones appended LAST, from beta_init, judged by where it must end (within PARAM_REL_TOL), on noisy and
    exact fits, identical columns (the end depends on beta_init), n_iter = 0, targets around 1e9 and 1e-6. Raises
    CheckFailed naming the mistake when a model explains it (intercept first, n_iter or beta_init ignored, a clipped
    gradient), the diverged symptom, or, after the fact, no-intercept-column when the code gives the right beta once
    handed X with the ones column."""
    cases = _matrix_cases()
    check_cases("linear_regression_gd_matrix", linear_regression_gd_matrix, ref.linear_regression_gd_matrix,
                cases, how=matrix_probe, parameter_names=("X", "y", "beta_init"),
                afterwards=[_ones_column_missing(cases)], diagnoses=[
                    Diagnosis("intercept-first",
                              "append the column of ones LAST (np.hstack([X, ones])), so the intercept is beta[-1].",
                              _matrix_variant(intercept_first=True)),
                    Diagnosis("diverged",
                              "beta ran away. The MSE gradient is 2/n * X^T (X beta - y) (X with the ones column): "
                              "step against it (beta = beta - lr_rate * grad) and divide by n.",
                              lambda *a, **k: DIVERGED, symptom=True),
                    Diagnosis("ignores-n-iter", "run exactly n_iter updates (for _ in range(n_iter)).",
                              _matrix_variant(fixed_iter=5000)),
                    Diagnosis("ignores-beta-init", "start from beta_init (as a float copy), not from zeros.",
                              _matrix_variant(from_zero=True)),
                    *[Diagnosis("gradient-clipped",
                                f"the gradient is clipped to [-{c:g}, {c:g}], so with large targets beta crawls and "
                                f"never gets there: step by lr_rate * gradient as it is.",
                                lambda *a, c=c, **k: matrix_probe(_matrix_variant(clip=c), *a, **k))
                      for c in (1.0, 10.0, 100.0, 1e3, 1e4)],
                ])


# ---------------------------------------------------------------- mini-batch SGD

# Noise-free line: every mini-batch gradient vanishes at the true line, so SGD converges to it linearly; with
# lr = 0.2 and |x| <= 1.5 every batch contracts, and after 200 steps the distance is below 1e-11 (measured on
# hundreds of seeds, both gradient scalings, with and without replacement); 1e-8 leaves a wide margin.
SGD_EXACT_TOL = 1e-8
# Noisy data: SGD with a constant step ends in a cloud around the least-squares line of per-coordinate standard
# deviation sigma * sqrt(s lr / (2 batch)) (s = 2 for the MSE gradient). It must end within SGD_Z of those, a miss
# of probability below 1e-5; a batch drawn once is off by about sigma / sqrt(batch), many times that.
SGD_Z = 5.0
# Lines (w, b) of the noisy cases. A batch drawn once lands within the tolerance of one case about one time in four
# (measured over random inputs), so six cases let it through about once in 4000 sets of inputs.
SGD_NOISY_LINES = [(0.8, -0.5), (-0.4, 0.6), (1.2, 0.3), (-0.9, -0.7), (0.5, 1.0), (-1.1, 0.2)]
# Enough steps of lr = 0.01 to forget the start (0, 0): the transient left, 0.99**300 |theta*| ~ 0.05 |theta*|, is
# added to the tolerance.
SGD_NOISY_STEPS = 300


def sgd_probe(sgd, train_x, train_y, **kwargs):
    """The judge's probe (run in the sandbox): `sgd(train_x, train_y, **kwargs)` (1-d float arrays of one length)
    as {"w", "b"} floats, or DIVERGED when the final mean square error is above that of predicting 0 (or not
    finite). Raises TypeError when the result is not a pair of numbers."""
    with np.errstate(all="ignore"):
        w, b = pair(sgd(train_x, train_y, **kwargs), "(w, b)")
        w, b = as_number(w, "w"), as_number(b, "b")
        if _grew(_mean_square(w * np.asarray(train_x) + b - train_y), _mean_square(train_y)):
            return DIVERGED
    return {"w": w, "b": b}


def sgd_target(train_x, train_y, **kwargs):
    """Where SGD must end: the least-squares line (the probe's expected result)."""
    w, b = ref.least_squares_line(train_x, train_y)
    return w, b


def _sgd_cases():
    rng = seeded_rng("sgd_linear_regression")
    cases = []
    for seed, (w, b) in enumerate([(-1.5, 2.0), (3.0, -0.5), (2e5, -3e5)]):
        x_, y_ = _line_data(rng, 64, w, b, 0.0, -1.5, 1.5)
        cases.append(Case((x_, y_), dict(lr_rate=0.2, n_iter=200, batch_size=16, seed=seed),
                          "noise-free line: every batch agrees at the optimum, so SGD must land on it"
                          + (" (targets around 1e5)" if abs(b) > 1e3 else ""),
                          rel_tol=0.0, abs_tol=SGD_EXACT_TOL * max(1.0, math.hypot(w, b))))
    lr, batch, sigma = 0.01, 10, 1.0
    spread = sigma * math.sqrt(2 * lr / (2 * batch))
    for seed, (w, b) in enumerate(SGD_NOISY_LINES):
        x_, y_ = _line_data(rng, 200, w, b, sigma, -math.sqrt(3), math.sqrt(3))
        # what is left of the start (0, 0) after n_iter steps of the slower (s = 1) descent
        Z = np.vstack([x_, np.ones_like(x_)])
        transient = (1 - lr * np.linalg.eigvalsh(Z @ Z.T / len(x_))[0]) ** SGD_NOISY_STEPS * math.hypot(w, b)
        tol = SGD_Z * spread + transient
        cases.append(Case((x_, y_), dict(lr_rate=lr, n_iter=SGD_NOISY_STEPS, batch_size=batch, seed=seed),
                          f"noisy data: SGD should end within {tol:.2f} of the least-squares line",
                          rel_tol=0.0, abs_tol=tol))
    return cases


def repeat_probe(sgd, train_x, train_y, **kwargs):
    """The judge's probe for seeding: runs `sgd(train_x, train_y, **kwargs)` twice with the same arguments (and
    seed) and says whether both runs returned the same (w, b), NaN equal to NaN. Raises TypeError when the first
    result is not a pair."""
    with np.errstate(all="ignore"):
        first = np.asarray(pair(sgd(train_x, train_y, **kwargs), "(w, b)"), dtype=np.float64)
        second = np.asarray(sgd(train_x, train_y, **kwargs), dtype=np.float64)
    return {"same (w, b) for the same seed": bool(np.array_equal(first, second, equal_nan=True))}


SGD_HINT = ("Hint: draw a NEW mini-batch inside the loop at every step (from one generator made once from seed, "
            "before the loop), and average the gradient over the batch.")

# Symptoms of SGD mistakes, read from the student's own runs on purpose-made data (see _sgd_symptom): with
# batch_size 1 and SYMPTOM_STEPS steps of lr SYMPTOM_LR, descent on ONE sample converges (factor
# 1 - 2 lr (x**2 + 1) in (-0.3, 0.6) for |x| <= 1.5) to that sample's minimum-norm solution.
SYMPTOM_LR, SYMPTOM_STEPS = 0.1, 300
SAME_BATCH_ADVICE = ("every step used the same single sample: the result is the line fitted to one point. Make the "
                     "generator ONCE before the loop (rng = np.random.default_rng(seed)) and draw a new batch from "
                     "it inside the loop.")
SUMMED_ADVICE = ("with batch_size 1 it lands on the line, with larger batches it overshoots: the batch gradient is "
                 "summed. Average it over the batch (np.mean, or divide by batch_size).")
CLIPPED_ADVICE = ("it lands on a noise-free line with small targets but not on the same line scaled up: something "
                  "caps the step or the gradient (np.clip, a maximum step). Step by lr_rate * gradient as it is.")
TARGETS_ADVICE = ("the result does not depend on the targets after the first batch_size: index train_y with the "
                  "same batch indices as train_x (train_y[idx]), not train_y[:batch_size].")


def sgd_raw_probe(sgd, train_x, train_y, **kwargs):
    """(w, b) as the student's function returns them, with no judgement of divergence."""
    with np.errstate(all="ignore"):
        w, b = pair(sgd(train_x, train_y, **kwargs), "(w, b)")
        return {"w": as_number(w, "w"), "b": as_number(b, "b")}


def _single_sample_solutions(train_x, train_y):
    """(w, b) where descent from (0, 0) on each single sample (x_i, y_i) ends: y_i / (x_i**2 + 1) * (x_i, 1)."""
    scale = train_y / (train_x**2 + 1)
    return np.column_stack([scale * train_x, scale])


def _sgd_symptom(student, exact_case, large_case):
    """The SGD mistake the student's own runs show, or None. `exact_case` is a noise-free case with ordinary targets,
    `large_case` one with targets around 1e5."""
    rng = seeded_rng("sgd_linear_regression symptoms")
    x_, y_ = _line_data(rng, 20, 0.8, -0.5, 1.0, -1.5, 1.5)
    one = dict(lr_rate=SYMPTOM_LR, n_iter=SYMPTOM_STEPS, batch_size=1, seed=3)
    y_changed = y_.copy()
    y_changed[4:] += rng.normal(0, 1.0, len(y_) - 4)
    runs = [Case((x_, y_), one),
            Case(exact_case.args, exact_case.kwargs | {"batch_size": 1}),
            Case(exact_case.args, exact_case.kwargs),
            Case((x_, y_), dict(lr_rate=SYMPTOM_LR, n_iter=50, batch_size=4, seed=3)),
            Case((x_, y_changed), dict(lr_rate=SYMPTOM_LR, n_iter=50, batch_size=4, seed=3)),
            Case((large_case.args[0], large_case.args[1] / SCALED_DOWN), large_case.kwargs),
            Case(large_case.args, large_case.kwargs)]
    same_sample, batch_one, batch_many, targets, targets_changed, small, large = [
        o.result if o.error is None else None for o in probes(student, runs, sgd_raw_probe)]
    if isinstance(same_sample, dict):
        found = np.array([same_sample["w"], same_sample["b"]])
        if np.any(np.all(np.isclose(_single_sample_solutions(x_, y_), found, rtol=1e-6, atol=1e-9), axis=1)):
            return Mistake("same-batch-every-step", SAME_BATCH_ADVICE)
    target = sgd_target(*exact_case.args)
    if isinstance(batch_one, dict) and same({"w": target[0], "b": target[1]}, batch_one, 0.0, exact_case.abs_tol) \
            and not same({"w": target[0], "b": target[1]}, batch_many, 0.0, exact_case.abs_tol):
        return Mistake("batch-gradient-summed", SUMMED_ADVICE)
    if isinstance(targets, dict) and targets == targets_changed:
        return Mistake("targets-not-batched", TARGETS_ADVICE)
    w, b = sgd_target(*large_case.args)
    if same({"w": w / SCALED_DOWN, "b": b / SCALED_DOWN}, small, 0.0, large_case.abs_tol / SCALED_DOWN) and \
            not same({"w": w, "b": b}, large, 0.0, large_case.abs_tol):
        return Mistake("gradient-clipped", CLIPPED_ADVICE)
    return None


# The large noise-free case scaled down by this much has ordinary targets (the same line, 1e5 times smaller).
SCALED_DOWN = 1e5


SGD_DIVERGED = Diagnosis("diverged", "(w, b) ran away. Step against the batch gradient (w = w - lr_rate * dw) and "
                         "average it over the batch (divide by batch_size).", lambda *a, **k: DIVERGED, symptom=True)


def _sgd_afterwards(failed):
    """After the fact: the mistake the student's own runs show (`_sgd_symptom`), else a run-away (SGD_DIVERGED)."""
    cases = _sgd_cases()
    found = _sgd_symptom(failed.student, cases[0], cases[2])
    if found is None and failed.explained_by(SGD_DIVERGED):
        found = SGD_DIVERGED.mistake
    return found


def check_sgd_linear_regression(sgd_linear_regression):
    """`sgd_linear_regression(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None) -> (w, b)`: mini-batch SGD
    judged by where it must end: exactly on noise-free lines (also with targets around 1e5), within SGD_Z standard
    deviations of the least-squares line on noisy data; then the same seed must give the same (w, b). Raises
    CheckFailed naming ignores-seed, or, after the fact, the mistake the student's own runs on purpose-made data
    show (the same batch every step, a summed batch gradient, targets not batched, a clipped step), else the
    diverged symptom, else SGD_HINT."""
    explain = dict(afterwards=[_sgd_afterwards], otherwise=SGD_HINT)
    check_cases("sgd_linear_regression", sgd_linear_regression, sgd_target, _sgd_cases(), how=sgd_probe,
                parameter_names=("train_x", "train_y"), **explain)
    rng = seeded_rng("sgd_linear_regression determinism")
    x_, y_ = _line_data(rng, 50, 2.0, 1.0, 0.5, -1, 1)
    check_cases("sgd_linear_regression", sgd_linear_regression, ref.sgd_linear_regression,
                [Case((x_, y_), dict(lr_rate=0.1, n_iter=20, batch_size=5, seed=7),
                      "called twice with the same seed")],
                how=repeat_probe, parameter_names=("train_x", "train_y"), **explain, diagnoses=[
                    Diagnosis("ignores-seed",
                              "make the generator from the seed (rng = np.random.default_rng(seed)) so the same "
                              "seed gives the same batches.",
                              lambda *a, **k: {"same (w, b) for the same seed": False})])

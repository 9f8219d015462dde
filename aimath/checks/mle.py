"""Hidden-test checks for mle. Each `check_*` takes the student's object and raises `CheckFailed`.

Beyond equality with the reference:
- estimators (mle_normal, mle_categorical) are first judged by the likelihood itself on seeded samples: the estimate
  must score at least as high as the optimum scipy.optimize finds and higher than every nearby point;
- the closed-form derivatives must agree with central finite differences (aimath.gradcheck) of the reference
  log-likelihood, and a failure also reports the finite-difference slope of the student's OWN log-likelihood when
  the hidden test passes it (`check_dloglik_dmu(dloglik_dmu, gaussian_log_likelihood)`);
- Monte Carlo is judged against the exact integral with a tolerance of MC_SIGMAS standard errors for the given n,
  and for its sampling protocol (exactly n points, all in [a, b], same seed -> same estimate, new seed -> new one);
- the three-densities plot (graded name `plot_normal_densities`) is judged from the figure's data: its curves are
  read back and compared with N(x | mu, 1) near each mean, its markers at x0 with the likelihoods N(x0 | mu, 1).

Inputs span magnitudes where mistakes depend on them: a sample whose density underflows, densities whose product
overflows, samples around 1e6 and 1e8 (where mean(x**2) - mean(x)**2 cancels), likelihoods around 1e-200 and 1e5.
"""
import copy
import math
import sys

import numpy as np
from scipy import integrate, optimize

from aimath.gradcheck import gradients_agree, numerical_gradient
from aimath.judge import (ABS_TOL, Case, CheckFailed, Diagnosis, Hint, check_cases, check_property, gradient_property,
                          probe, probes, quietly, same, seeded_rng, show)
from aimath.reference import mle as ref
from aimath.verdict import Mistake, naming

RANDOM_CASES = 4


def _arr(x):
    return np.atleast_1d(np.asarray(x, dtype=np.float64))


def _pdf(x, mu, sigma):
    return np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))


# ---------------------------------------------------------------- gaussian_log_likelihood

def _loglik_cases(name):
    rng = seeded_rng(name)
    hand = [
        Case((np.array([1.0, 2.0, 3.0]), 2.0, 1.0), label="small example"),
        Case((np.array([0.5]), 0.0, 1.0), label="one sample"),
        Case((np.array([-3.0, -1.0, 4.0, 0.25]), 1.5, 0.3), label="sigma below 1"),
        Case(([2.0, 2.5, 1.0],), {"mu": -1.0, "sigma": 2.5}, label="a list of samples"),
        Case((rng.normal(0.0, 1.0, 800), 0.0, 1.0),
             label="800 samples: the product of the densities underflows to 0, the sum of their logs does not"),
        Case((np.array([0.5, 40.0]), 0.0, 1.0),
             label="a sample 40 standard deviations away: its density underflows to 0, its log-density is -800"),
        Case((0.5 + rng.normal(0.0, 1e-4, 150), 0.5, 1e-4),
             label="sigma = 1e-4: each density is about 4000 and their product overflows"),
        Case((1e6 + rng.normal(0.0, 1e3, 20), 1e6, 1e3), label="samples around 1e6, sigma = 1e3"),
    ]
    random = []
    for _ in range(RANDOM_CASES):
        mu, sigma = float(rng.normal(0, 3)), float(rng.uniform(0.5, 3))
        x = rng.normal(mu + rng.normal(0, 1), sigma * rng.uniform(0.5, 2), int(rng.integers(2, 30)))
        random.append(Case((x, mu, sigma), label="random samples"))
    return hand + random


def check_gaussian_log_likelihood(gaussian_log_likelihood):
    def pdfs(x, mu, sigma):
        return _pdf(_arr(x), mu, sigma)

    check_cases("gaussian_log_likelihood", gaussian_log_likelihood, ref.gaussian_log_likelihood,
                _loglik_cases("gaussian_log_likelihood"), parameter_names=("x", "mu", "sigma"), diagnoses=[
                    Diagnosis("log-of-sum", "this is the log of the SUM of the densities; the log-likelihood is the "
                              "sum of the LOGS: log prod_i p(x_i) = sum_i log p(x_i).",
                              lambda x, mu, sigma: float(np.log(np.sum(pdfs(x, mu, sigma))))),
                    Diagnosis("product-not-log", "this is the likelihood itself (the product of the densities); "
                              "return its logarithm, computed as a sum of logs.",
                              lambda x, mu, sigma: float(np.prod(pdfs(x, mu, sigma)))),
                    Diagnosis("log-of-product-underflow",
                              "with many samples the product of the densities underflows to 0 (or overflows to inf) "
                              "and its log is -inf (or inf): add the logs of the densities instead of multiplying the "
                              "densities.",
                              lambda x, mu, sigma: float(np.log(np.prod(pdfs(x, mu, sigma))))),
                    Diagnosis("log-of-density-underflow",
                              "far from mu the density exp(-(x - mu)**2 / (2 sigma**2)) underflows to 0, and log(0) "
                              "is -inf: write the log-density out, -1/2 log(2 pi sigma**2) - (x - mu)**2 / "
                              "(2 sigma**2), instead of taking the log of the density.",
                              lambda x, mu, sigma: float(np.sum(np.log(pdfs(x, mu, sigma))))),
                    Diagnosis("sigma-as-variance", "sigma is the standard deviation: the variance is sigma**2.",
                              lambda x, mu, sigma: ref.gaussian_log_likelihood(x, mu, math.sqrt(sigma))),
                    Diagnosis("missing-normalising-constant",
                              "the term -n/2 * log(2 pi sigma**2) from the normalising constant is missing.",
                              lambda x, mu, sigma: float(-np.sum((_arr(x) - mu) ** 2) / (2 * sigma**2))),
                    Diagnosis("sigma-not-squared-in-constant",
                              "the normalising constant is 1 / sqrt(2 pi sigma**2): its log is "
                              "-1/2 log(2 pi) - log(sigma), per sample.",
                              lambda x, mu, sigma: float(-0.5 * _arr(x).size * (ref.LOG_2PI + math.log(sigma))
                                                         - np.sum((_arr(x) - mu) ** 2) / (2 * sigma**2))),
                    Diagnosis("averaged", "this is the MEAN log-density; the log-likelihood is the SUM over samples.",
                              lambda x, mu, sigma: ref.gaussian_log_likelihood(x, mu, sigma) / _arr(x).size),
                    Diagnosis("negative-log-likelihood", "the sign is flipped: this is the NEGATIVE log-likelihood.",
                              lambda x, mu, sigma: -ref.gaussian_log_likelihood(x, mu, sigma)),
                    Diagnosis("log10", "use the natural logarithm (np.log), not log10.",
                              lambda x, mu, sigma: float(np.sum(np.log10(pdfs(x, mu, sigma))))),
                ])


# ---------------------------------------------------------------- mle_normal

# A log-likelihood that is lower than another one by more than this is really lower: rounding in a sum of <= 60
# terms of size <= 1e3 is below 1e-10, while moving off the optimum by DELTA (below) costs at least DELTA**2 / 2.
LOGLIK_TOL = 1e-9
# Nearby points: mu moved by DELTA standard errors, sigma2 scaled by (1 +- DELTA).
DELTA = 1e-3


def _normal_loglik(x, mu, sigma2):
    if not (sigma2 > 0 and math.isfinite(sigma2) and math.isfinite(mu)):
        return -math.inf
    return ref.gaussian_log_likelihood(x, mu, math.sqrt(sigma2))


def _scipy_normal_mle(x):
    """Maximise the normal log-likelihood over (mu, log sigma) with BFGS from a deliberately rough start."""
    x = _arr(x)

    def negative(theta):
        mu, log_sigma = theta
        sigma = math.exp(log_sigma)
        return (-ref.gaussian_log_likelihood(x, mu, sigma),
                -np.array([ref.dloglik_dmu(x, mu, sigma), ref.dloglik_dsigma(x, mu, sigma) * sigma]))

    start = np.array([float(np.median(x)), math.log(float(np.ptp(x)) / 2 + 0.1)])
    res = optimize.minimize(negative, start, jac=True, method="BFGS", options={"gtol": 1e-10})
    return float(res.x[0]), float(math.exp(2 * res.x[1]))


def _as_pair(result):
    """(mu_hat, sigma2_hat) as two floats, or a sentence saying why the result is not such a pair."""
    try:
        mu, sigma2 = result
        return float(mu), float(sigma2)
    except (TypeError, ValueError):
        return f"it returned {show(result)}, not a pair (mu_hat, sigma2_hat)"


def _normal_probe(mle, x):
    """Plain-data probe: any length-2 result (tuple, list, array) becomes a tuple of two floats."""
    pair = _as_pair(mle(x))
    if isinstance(pair, str):
        raise TypeError(pair)
    return pair


def _normal_diagnoses():
    def n_minus_1(x):
        x = _arr(x)
        return float(np.mean(x)), (float(np.sum((x - x.mean()) ** 2) / (x.size - 1)) if x.size > 1 else math.nan)

    return [
        Diagnosis("n-minus-1", "the maximum-likelihood variance divides by n, not n - 1 (that is the unbiased "
                  "sample variance, which does not maximise the likelihood).", n_minus_1),
        Diagnosis("returned-std", "return the VARIANCE sigma**2, not the standard deviation sigma.",
                  lambda x: (ref.mle_normal(x)[0], math.sqrt(ref.mle_normal(x)[1]))),
        Diagnosis("swapped-order", "return (mu_hat, sigma2_hat) in that order.",
                  lambda x: ref.mle_normal(x)[::-1]),
        Diagnosis("uncentred-variance", "subtract the mean before squaring: sigma2_hat = mean((x - mu_hat)**2).",
                  lambda x: (ref.mle_normal(x)[0], float(np.mean(_arr(x) ** 2)))),
        Diagnosis("median", "the maximum-likelihood estimate of mu is the sample MEAN, not the median.",
                  lambda x: (float(np.median(_arr(x))), float(np.mean((_arr(x) - np.median(_arr(x))) ** 2)))),
        Diagnosis("sum-not-mean", "divide the sums by n: mu_hat and sigma2_hat are averages.",
                  lambda x: (float(np.sum(_arr(x))), float(np.sum((_arr(x) - np.mean(_arr(x))) ** 2)))),
    ]


def _maximality_failure(x, estimate):
    """A sentence when `estimate` does not maximise the normal likelihood of `x`, else None."""
    mu, sigma2 = estimate
    score = _normal_loglik(x, mu, sigma2)
    best = _scipy_normal_mle(x)
    best_score = _normal_loglik(x, *best)
    if score < best_score - LOGLIK_TOL:
        return (f"its log-likelihood is {score:.6g}, but scipy.optimize.minimize finds (mu, sigma2) = "
                f"({best[0]:.6g}, {best[1]:.6g}) with a higher log-likelihood {best_score:.6g}")
    step = DELTA * math.sqrt(sigma2 / _arr(x).size)
    for nearby in [(mu + step, sigma2), (mu - step, sigma2), (mu, sigma2 * (1 + DELTA)), (mu, sigma2 * (1 - DELTA))]:
        if _normal_loglik(x, *nearby) > score + LOGLIK_TOL:
            return (f"the nearby point (mu, sigma2) = ({nearby[0]:.6g}, {nearby[1]:.6g}) has a higher "
                    f"log-likelihood ({_normal_loglik(x, *nearby):.6g} > {score:.6g})")
    return None


NOT_MAXIMAL = "does not maximise the likelihood"


def _normal_cases():
    rng = seeded_rng("mle_normal")
    hand = [
        Case((np.array([1.0, 2.0, 3.0, 4.0]),), label="small example: (2.5, 1.25)"),
        Case((np.array([3.5]),), label="one sample: the variance estimate is 0"),
        Case((np.array([2.0, 2.0, 2.0]),), label="constant samples"),
        Case(([4.0, -1.0, 0.5, 2.5, -3.0],), label="a list of samples"),
        Case((LARGE_MEAN + SPREAD_ONE,), label="samples around 1e8, spread about 1: (1e8 + 0.0125, 1.8003125)"),
        Case((1e-8 * SPREAD_ONE,), label="samples around 1e-8", abs_tol=0.0),
    ]
    random = [Case((rng.normal(rng.normal(0, 5), rng.uniform(0.3, 4), int(rng.integers(5, 60))),),
                   label="seeded normal samples") for _ in range(RANDOM_CASES)]
    return hand, random


# Samples with a mean of order 1 and a spread of about 1, shifted to LARGE_MEAN: mean(x**2) - mean(x)**2 subtracts two
# numbers near 1e16, whose rounding error (about 2) is as large as the variance itself.
SPREAD_ONE = np.array([0.5, -1.25, 2.0, 0.75, -0.5, 1.5, -2.25, 1.0, -1.75, 0.125])
LARGE_MEAN = 1e8
MOMENTS_ADVICE = ("mean(x**2) - mean(x)**2 subtracts two nearly equal large numbers when the mean is large compared "
                  "with the spread, and loses every digit (here around 1e8: 1e16 - 1e16). Subtract the mean first: "
                  "sigma2_hat = mean((x - mu_hat)**2).")


def _cancels_at_large_mean(student):
    """True when the student's estimator is right on SPREAD_ONE but its variance is wrong once the samples are moved
    to LARGE_MEAN: a formula that cancels catastrophically."""
    cases = [Case((SPREAD_ONE,)), Case((LARGE_MEAN + SPREAD_ONE,))]
    small, large = probes(student, cases, _normal_probe)
    expected_small, expected_large = (ref.mle_normal(c.args[0]) for c in cases)
    return (small.error is None and same(expected_small, small.result) and large.error is None
            and isinstance(large.result, tuple) and not same(expected_large[1], large.result[1]))


def _variance_by_moments(failed):
    """After the fact: variance-by-moments when the student's variance cancels catastrophically at LARGE_MEAN."""
    return Mistake("variance-by-moments", MOMENTS_ADVICE) if _cancels_at_large_mean(failed.student) else None


def check_mle_normal(mle_normal):
    __tracebackhide__ = True
    hand, random = _normal_cases()
    diagnoses = _normal_diagnoses()
    check_property("mle_normal", mle_normal, random, lambda case, est: _maximality_failure(case.args[0], est),
                   headline=NOT_MAXIMAL, how=_normal_probe, parameter_names=("x",), diagnoses=diagnoses,
                   afterwards=[_variance_by_moments])
    check_cases("mle_normal", mle_normal, ref.mle_normal, hand + random, how=_normal_probe, parameter_names=("x",),
                diagnoses=diagnoses, afterwards=[_variance_by_moments])


# ---------------------------------------------------------------- derivatives of the log-likelihood

def _derivative_cases(name):
    """Seeded samples with mu and sigma at, below and above the estimate; sigma >= 0.5 keeps the central-difference
    truncation error (~ h**2 n / sigma**4) far below GRAD_REL_TOL."""
    rng = seeded_rng(name)
    x0 = np.array([1.0, 2.0, 3.0, 4.0])
    cases = [
        Case((x0, 1.0, 1.0), label="small example"),
        Case((x0, 2.5, math.sqrt(1.25)), label="at the maximum-likelihood estimate: the derivative is 0"),
        Case((np.array([0.7]), -1.0, 0.5), label="one sample"),
        Case(([0.5, -2.0, 1.5],), {"mu": 0.25, "sigma": 2.0}, label="a list of samples"),
    ]
    for _ in range(RANDOM_CASES):
        x = rng.normal(rng.normal(0, 2), rng.uniform(0.5, 2), int(rng.integers(3, 40)))
        cases.append(Case((x, float(rng.normal(x.mean(), 1)), float(rng.uniform(0.5, 3))), label="random samples"))
    cases.append(Case((1e4 + rng.normal(0, 1e3, 10), 1.05e4, 1.2e3), label="samples around 1e4, sigma about 1e3"))
    return cases


def _bind(case):
    """(x, mu, sigma) of a case, whichever of them were given by keyword."""
    values = dict(zip(("x", "mu", "sigma"), case.args)) | case.kwargs
    return values["x"], values["mu"], values["sigma"]


def _fd_slope(loglik, x, mu, sigma, wrt):
    if wrt == "mu":
        return float(numerical_gradient(lambda v: loglik(copy.deepcopy(x), float(v[0]), sigma), np.array([mu]))[0])
    return float(numerical_gradient(lambda v: loglik(copy.deepcopy(x), mu, float(v[0])), np.array([sigma]))[0])


def _check_derivative(name, wrt, student, reference, diagnoses, own_loglik):
    __tracebackhide__ = True
    agrees = gradient_property(lambda case: {name: _fd_slope(ref.gaussian_log_likelihood, *_bind(case), wrt)}, (name,),
                               of=f"the log-likelihood in {wrt}", pick=lambda result: {name: result})
    check_cases(name, student, reference, _derivative_cases(name), parameter_names=("x", "mu", "sigma"),
                diagnoses=diagnoses, extra=agrees, evidence=[_slopes_note(name, wrt, own_loglik)])


def _slopes_note(name, wrt, own_loglik):
    """Evidence: finite differences for the first case the student gets wrong, the reference's slope, and the slope
    of the student's own gaussian_log_likelihood when the hidden test passed it."""
    def note(failed):
        for case, outcome, _ in failed.failing:
            x, mu, sigma = _bind(case)
            slope = _fd_slope(ref.gaussian_log_likelihood, x, mu, sigma, wrt)
            if outcome.error or outcome.mutated:
                return None
            if isinstance(outcome.result, float) and gradients_agree(outcome.result, slope):
                continue
            text = (f"Finite differences (central, step 1e-5) of log L at x = {show(x)}, mu = {mu:g}, sigma = {sigma:g}: "
                    f"the true slope d log L / d{wrt} is {slope:.8g}; your {name} gives {show(outcome.result)}.")
            if own_loglik is None:
                return text
            try:
                own = quietly(_fd_slope)(own_loglik, x, mu, sigma, wrt)
            except Exception as exc:  # the student's log-likelihood is graded by its own check
                return text + f"\nYour gaussian_log_likelihood could not be differentiated here ({type(exc).__name__})."
            if isinstance(outcome.result, float) and math.isfinite(own) and gradients_agree(outcome.result, own):
                return text + (f"\nIt does match the slope of YOUR gaussian_log_likelihood ({own:.8g}): the derivative "
                               f"is consistent with your log-likelihood, so fix the log-likelihood's formula first.")
            return text + f"\nThe slope of YOUR gaussian_log_likelihood here is {own:.8g}."
        return None
    return note


def check_dloglik_dmu(dloglik_dmu, gaussian_log_likelihood=None):
    """Graded against the closed form and central finite differences of the reference log-likelihood."""
    __tracebackhide__ = True

    def residual_sum(x, mu):
        return float(np.sum(_arr(x) - mu))

    _check_derivative("dloglik_dmu", "mu", dloglik_dmu, ref.dloglik_dmu, [
        Diagnosis("sign-error", "the sign is flipped: d/dmu of -(x - mu)**2 / (2 sigma**2) is +(x - mu) / sigma**2.",
                  lambda x, mu, sigma: -ref.dloglik_dmu(x, mu, sigma)),
        Diagnosis("not-divided-by-variance", "divide the sum of residuals by sigma**2.",
                  lambda x, mu, sigma: residual_sum(x, mu)),
        Diagnosis("divided-by-sigma", "divide by the variance sigma**2, not by sigma.",
                  lambda x, mu, sigma: residual_sum(x, mu) / sigma),
        Diagnosis("factor-half", "the 2 from differentiating (x - mu)**2 cancels the 1/2: the result is "
                  "sum(x - mu) / sigma**2, not sum(x - mu) / (2 sigma**2).",
                  lambda x, mu, sigma: residual_sum(x, mu) / (2 * sigma**2)),
        Diagnosis("mean-not-sum", "the log-likelihood is a SUM over samples, so is its derivative: do not divide by n.",
                  lambda x, mu, sigma: residual_sum(x, mu) / (_arr(x).size * sigma**2)),
        Diagnosis("squared-residuals", "differentiate (x - mu)**2 / (2 sigma**2) with respect to mu: the residual is "
                  "no longer squared.", lambda x, mu, sigma: float(np.sum((_arr(x) - mu) ** 2)) / sigma**2),
    ], gaussian_log_likelihood)


def check_dloglik_dsigma(dloglik_dsigma, gaussian_log_likelihood=None):
    """Graded against the closed form and central finite differences of the reference log-likelihood."""
    __tracebackhide__ = True

    def ss(x, mu):
        return float(np.sum((_arr(x) - mu) ** 2))

    _check_derivative("dloglik_dsigma", "sigma", dloglik_dsigma, ref.dloglik_dsigma, [
        Diagnosis("sign-error", "the signs are flipped: d log L / d sigma = -n / sigma + sum (x - mu)**2 / sigma**3.",
                  lambda x, mu, sigma: -ref.dloglik_dsigma(x, mu, sigma)),
        Diagnosis("derivative-wrt-variance", "this is d log L / d(sigma**2); the question asks for the derivative "
                  "with respect to sigma (chain rule: multiply by 2 sigma).",
                  lambda x, mu, sigma: -_arr(x).size / (2 * sigma**2) + ss(x, mu) / (2 * sigma**4)),
        Diagnosis("missing-n", "the normalising constant contributes -log(sigma) PER SAMPLE: the first term is -n / sigma.",
                  lambda x, mu, sigma: -1 / sigma + ss(x, mu) / sigma**3),
        Diagnosis("power-rule", "d/dsigma of sigma**-2 is -2 sigma**-3: the second term is sum (x - mu)**2 / sigma**3.",
                  lambda x, mu, sigma: -_arr(x).size / sigma + ss(x, mu) / sigma**2),
        Diagnosis("missing-normaliser-term", "the term -n / sigma from -n log(sigma) is missing.",
                  lambda x, mu, sigma: ss(x, mu) / sigma**3),
        Diagnosis("factor-half", "the 2 from differentiating sigma**-2 cancels the 1/2: the second term is "
                  "sum (x - mu)**2 / sigma**3.", lambda x, mu, sigma: -_arr(x).size / sigma + ss(x, mu) / (2 * sigma**3)),
        Diagnosis("mean-not-sum", "the log-likelihood is a SUM over samples, so is its derivative: do not divide by n.",
                  lambda x, mu, sigma: ref.dloglik_dsigma(x, mu, sigma) / _arr(x).size),
    ], gaussian_log_likelihood)


# ---------------------------------------------------------------- plot_normal_densities (the three-densities plot)

# A curve is a line with at least this many points; fewer points are markers.
MIN_CURVE_POINTS = 20
# Where the curves are read back: offsets from each mean, inside the required range [mu - 3, mu + 3].
READ_OFFSETS = np.array([-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5])
# Linear interpolation of a curve sampled every h misreads the density by at most h**2 / 8 * max|phi''| =
# 0.05 h**2; the docstring asks for >= 100 points over [mu - 3, mu + 3] (h <= 0.06, error <= 2e-4), so 1e-3 is safe.
PLOT_ABS_TOL = 1e-3


class _ExpectedPlot:
    """Stands in for the reference in the plot probe: its description is computed directly, without drawing
    (tests/test_mle.py proves it equals the description of the reference's real figure)."""

    def __init__(self, density=_pdf, markers="at x0", centred=True, curves=None):
        self.density, self.markers, self.centred, self.curves = density, markers, centred, curves

    def describe(self, mus, x0):
        mus = sorted(float(m) for m in mus)
        curve_mus = mus if self.curves is None else mus[-self.curves:]
        centres = curve_mus if self.centred else [0.0] * len(curve_mus)
        # like describe_figure: the k curves are read at the first k sorted means, whichever means they show
        values = np.array([self.density(m + READ_OFFSETS, c, 1.0) for m, c in zip(mus, centres)])
        if self.markers == "at x0":
            heights = np.sort([float(self.density(x0, c, 1.0)) for c in centres])
        elif self.markers == "at peaks":
            heights = np.sort([float(self.density(m, c, 1.0)) for m, c in zip(curve_mus, centres) if m == x0])
        else:
            heights = np.zeros(0)
        return {"number of density curves": len(curve_mus), "curve heights near each mean": values.reshape(len(curve_mus), -1),
                "likelihood markers at x0": np.asarray(heights, dtype=np.float64)}


EXPECTED_PLOT = _ExpectedPlot()


def describe_figure(fig, mus, x0):
    """What a figure shows, as plain data: the number of curves, each curve's heights at mu + READ_OFFSETS (curves
    ordered by the x of their peak, means sorted; nan where the curve does not reach), and the sorted heights of the
    markers drawn at x = x0 (lines of fewer than MIN_CURVE_POINTS points, or scatter points, in data coordinates)."""
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"the function returned {type(fig).__name__}, but it must return the matplotlib Figure "
                        "(for example `fig, ax = plt.subplots()` ... `return fig`)")
    curves, points = [], []
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_transform() != ax.transData:  # axvline / axhline guides are not data
                continue
            xy = np.asarray(line.get_xydata(), dtype=np.float64).reshape(-1, 2)
            (curves if len(xy) >= MIN_CURVE_POINTS else points).append(xy)
        for coll in ax.collections:
            if isinstance(coll, PathCollection) and coll.get_offset_transform() == ax.transData:
                points.append(np.asarray(coll.get_offsets(), dtype=np.float64).reshape(-1, 2))
    curves.sort(key=lambda xy: xy[np.nanargmax(xy[:, 1]), 0] if np.isfinite(xy[:, 1]).any() else 0.0)
    mus = sorted(float(m) for m in mus)
    heights = []
    for xy, mu in zip(curves, mus):
        order = np.argsort(xy[:, 0], kind="stable")
        heights.append(np.interp(mu + READ_OFFSETS, xy[order, 0], xy[order, 1], left=np.nan, right=np.nan))
    at_x0 = np.concatenate(points + [np.zeros((0, 2))])
    at_x0 = at_x0[np.isclose(at_x0[:, 0], x0, rtol=0, atol=1e-9)]
    return {"number of density curves": len(curves),
            "curve heights near each mean": np.array(heights, dtype=np.float64).reshape(len(heights), len(READ_OFFSETS)),
            "likelihood markers at x0": np.sort(at_x0[:, 1])}


def _plot_probe(obj, mus, x0):
    if isinstance(obj, _ExpectedPlot):
        return obj.describe(mus, x0)
    plt = sys.modules.get("matplotlib.pyplot")
    before = set(plt.get_fignums()) if plt is not None else set()
    fig = None
    try:
        fig = obj(mus, x0)
        return describe_figure(fig, mus, x0)
    finally:
        # free every figure the call opened, returned or not: pyplot warns once more than 20 figures are open
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            if _is_figure(fig):
                plt.close(fig)


def _is_figure(fig):
    from matplotlib.figure import Figure
    return isinstance(fig, Figure)


def _plot_cases():
    rng = seeded_rng("plot_normal_densities")
    mus = np.round(np.sort(rng.uniform(-2, 2, 1)) + np.array([0.0, 1.75]), 2)
    return [Case(([-1.0, 0.0, 1.0], 1.0), label="the example: likelihoods 0.0540, 0.2420, 0.3989", abs_tol=PLOT_ABS_TOL),
            Case((mus.tolist(), float(np.round(rng.uniform(-1, 1), 2))), label="other means and x0", abs_tol=PLOT_ABS_TOL)]


def _cdf(x, mu, sigma):
    from scipy.special import ndtr
    return ndtr((np.asarray(x, dtype=np.float64) - mu) / sigma)


def _figure_data(plot_normal_densities, mus, x0):
    """A probe: every line's and scatter's data, in drawing order, of the figure the function returns."""
    plt = sys.modules.get("matplotlib.pyplot")
    before = set(plt.get_fignums()) if plt is not None else set()
    fig = None
    try:
        fig = plot_normal_densities(mus, x0)
        return [np.asarray(line.get_xydata(), dtype=np.float64) for ax in fig.axes for line in ax.get_lines()] + \
            [np.asarray(c.get_offsets(), dtype=np.float64) for ax in fig.axes for c in ax.collections]
    finally:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            if _is_figure(fig):
                plt.close(fig)


def _ignores_its_inputs(student):
    """True when the figure is the same for the two cases' different means and x0: the example is hard-coded."""
    figures = probes(student, _plot_cases(), _figure_data)
    return all(f.error is None for f in figures) and same(figures[0].result, figures[1].result, 0.0, 0.0)


HARD_CODED_ADVICE = ("the figure is the same whatever mus and x0 are: the example's means -1, 0, 1 and x0 = 1 are "
                     "written into the code. Draw one curve per mu in mus and the markers at the x0 you are given.")


def _hard_coded(failed):
    """After the fact: hard-coded-example when the figure is the same for the two cases' different inputs."""
    return Mistake("hard-coded-example", HARD_CODED_ADVICE) if _ignores_its_inputs(failed.student) else None


RETURNED_NOTHING = Hint("returned-nothing", "the function draws but returns None: end it with `return fig`.",
                        raised=("TypeError: the function returned NoneType",))


def check_plot_normal_densities(plot_normal_densities):
    """Judged from the returned Figure's data (never by eye): one curve per mean, markers at (x0, likelihood)."""
    __tracebackhide__ = True
    wrong = lambda **kw: _ExpectedPlot(**kw).describe  # noqa: E731
    check_cases("plot_normal_densities", plot_normal_densities, EXPECTED_PLOT, _plot_cases(), how=_plot_probe,
                parameter_names=("mus", "x0"), hints=[RETURNED_NOTHING], afterwards=[_hard_coded], diagnoses=[
                    Diagnosis("plotted-cdf", "plot the density (norm.pdf), not the cumulative distribution (norm.cdf).",
                              wrong(density=_cdf)),
                    Diagnosis("plotted-log-density", "plot the density itself, not its logarithm (norm.logpdf).",
                              wrong(density=lambda x, m, s: np.log(_pdf(x, m, s)))),
                    Diagnosis("missing-normalising-constant",
                              "the normal density has the factor 1 / sqrt(2 pi): its peak is 0.3989, not 1.",
                              wrong(density=lambda x, m, s: _pdf(x, m, s) * math.sqrt(2 * math.pi))),
                    Diagnosis("mean-ignored", "every curve is centred at 0: pass loc=mu (the mean) to the density.",
                              wrong(centred=False)),
                    Diagnosis("markers-at-peaks", "mark the likelihood of the OBSERVATION: the point (x0, N(x0 | mu, 1)) "
                              "on each curve, not the curve's peak.", wrong(markers="at peaks")),
                    Diagnosis("no-likelihood-markers", "mark each likelihood with a marker at (x0, N(x0 | mu, 1)), e.g. "
                              "ax.plot(x0, likelihood, 'o').", wrong(markers="none")),
                    Diagnosis("new-figure-per-curve", "only the last curve is in the returned figure: create the figure "
                              "once, before the loop, and draw every curve on the same axes.",
                              wrong(curves=1)),
                ])


# ---------------------------------------------------------------- mle_categorical

# Probabilities must sum to 1 up to rounding of a sum of <= 10 terms.
SIMPLEX_TOL = 1e-9


def _categorical_loglik(counts, p):
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(counts > 0, counts * np.log(np.where(p > 0, p, 1.0)), 0.0)
        return float(np.sum(terms)) if np.all((p > 0) | (counts == 0)) else -math.inf


def _scipy_categorical_mle(counts):
    """Maximise sum_k c_k log softmax(z)_k over the logits z with BFGS."""
    n = counts.sum()

    def negative(z):
        z = z - z.max()
        logp = z - math.log(np.sum(np.exp(z)))
        return -float(counts @ logp), -(counts - n * np.exp(logp))

    res = optimize.minimize(negative, np.zeros(counts.size), jac=True, method="BFGS", options={"gtol": 1e-9})
    z = res.x - res.x.max()
    return np.exp(z) / np.sum(np.exp(z))


def _categorical_failure(samples, n_categories, p):
    p = np.asarray(p, dtype=np.float64)
    if p.shape != (n_categories,):
        return f"the result has shape {p.shape}; it must have one probability per category, shape ({n_categories},)"
    if not (np.all(p >= 0) and abs(p.sum() - 1.0) <= SIMPLEX_TOL):
        return f"the result is not a probability vector: its entries must be >= 0 and sum to 1 (they sum to {p.sum():.6g})"
    counts = np.bincount(np.asarray(samples, dtype=np.int64), minlength=n_categories).astype(np.float64)
    score = _categorical_loglik(counts, p)
    best = _scipy_categorical_mle(counts)
    if score < _categorical_loglik(counts, best) - LOGLIK_TOL:
        return (f"its log-likelihood is {score:.6g}, but scipy.optimize.minimize finds {show(best)} with a higher "
                f"log-likelihood {_categorical_loglik(counts, best):.6g}")
    for j in range(n_categories):
        for k in range(n_categories):
            if j != k and p[j] >= DELTA:
                nearby = p.copy()
                nearby[j] -= DELTA
                nearby[k] += DELTA
                if _categorical_loglik(counts, nearby) > score + LOGLIK_TOL:
                    return f"moving probability {DELTA} from category {j} to category {k} raises the log-likelihood"
    return None


def _categorical_cases():
    rng = seeded_rng("mle_categorical")
    hand = [
        Case(([0, 1, 1, 2, 1, 0],), {"n_categories": 3}, label="small example: [1/3, 1/2, 1/6]"),
        Case((np.array([1, 0, 1, 1, 0, 1, 1, 1]), 2), label="Bernoulli (coin flips): [1 - p, p] with p = 6/8"),
        Case((np.array([0, 0, 2, 0]), 4), label="categories 1 and 3 never occur: probability 0"),
        Case((np.array([3]), 5), label="one sample"),
        Case((np.array([0, 3, 3, 7, 11, 3, 0, 7, 3]), 12), label="12 categories, most never occur (the last one does)"),
        Case((np.array([1, 0, 1, 1]), 5), label="the last categories never occur: probability 0"),
    ]
    random = []
    for _ in range(RANDOM_CASES):
        k = int(rng.integers(2, 7))
        random.append(Case((rng.choice(k, int(rng.integers(5, 80)), p=rng.dirichlet(np.ones(k))), k),
                           label="seeded samples"))
    return hand, random


def _counts(samples, k):
    return np.bincount(np.asarray(samples, dtype=np.int64), minlength=k).astype(np.float64)


def check_mle_categorical(mle_categorical):
    __tracebackhide__ = True
    hand, random = _categorical_cases()
    diagnoses = [
        Diagnosis("counts-not-normalised", "these are the counts; divide them by the number of samples n.",
                  lambda s, n_categories: _counts(s, n_categories)),
        Diagnosis("empty-categories-dropped", "categories that never occur must still get an entry (probability 0): "
                  "use np.bincount(samples, minlength=n_categories).",
                  lambda s, n_categories: np.unique(np.asarray(s), return_counts=True)[1] / len(s)),
        Diagnosis("empty-categories-dropped", "categories above the largest one seen must still get an entry "
                  "(probability 0): np.bincount needs minlength=n_categories.",
                  lambda s, n_categories: np.bincount(np.asarray(s, dtype=np.int64)) / len(s)),
        Diagnosis("divided-by-n-categories", "divide the counts by the number of SAMPLES, not of categories.",
                  lambda s, n_categories: _counts(s, n_categories) / n_categories),
        Diagnosis("add-one-smoothing", "that is Laplace (add-one) smoothing; the maximum-likelihood estimate is "
                  "counts / n.", lambda s, n_categories: (_counts(s, n_categories) + 1) / (len(s) + n_categories)),
        Diagnosis("normalised-by-max", "divide by the total count n, not by the largest count.",
                  lambda s, n_categories: _counts(s, n_categories) / _counts(s, n_categories).max()),
        Diagnosis("off-by-one-categories", "categories are numbered 0 .. n_categories - 1; category k's count goes "
                  "to entry k.", lambda s, n_categories: np.append(_counts(s, n_categories)[1:], 0.0) / len(s)),
    ]
    params = ("samples", "n_categories")

    def failure_of(samples, n_categories, result):
        return _categorical_failure(samples, n_categories, np.asarray(result, dtype=np.float64)
                                    if not isinstance(result, (str, dict)) else np.zeros(0))

    check_property("mle_categorical", mle_categorical, [Case(c.args, label=c.label) for c in random],
                   lambda case, result: failure_of(*case.args, result), headline=NOT_MAXIMAL, parameter_names=params,
                   diagnoses=diagnoses)
    check_cases("mle_categorical", mle_categorical, ref.mle_categorical, hand + random, parameter_names=params,
                diagnoses=diagnoses)


# ---------------------------------------------------------------- posterior

def _posterior_cases():
    rng = seeded_rng("posterior")
    hand = [
        Case(([0.4, 0.6], [0.75, 0.25]), label="noodle shop: P(woman | bibim) = 2/3"),
        Case((np.array([0.5, 0.5]), np.array([0.9, 0.3])), label="uniform prior"),
        Case((np.array([0.2, 0.0, 0.8]), np.array([0.5, 0.9, 0.1])), label="a hypothesis with prior 0 stays at 0"),
        Case((np.array([0.1, 0.3, 0.6]), np.array([2e-3, 5e-4, 1e-4])), label="small likelihoods (densities)"),
        Case((np.array([0.3, 0.7]), np.array([2e-200, 5e-201])), label="tiny likelihoods (about 1e-200)"),
        Case((np.array([0.5, 0.25, 0.25]), np.array([3e5, 1e5, 2e4])), label="large likelihoods (narrow densities)"),
    ]
    random = []
    for _ in range(RANDOM_CASES):
        k = int(rng.integers(2, 7))
        random.append(Case((rng.dirichlet(np.ones(k)), rng.uniform(0.01, 1.0, k)), label="random prior and likelihood"))
    return hand + random


def check_posterior(posterior):
    __tracebackhide__ = True

    def norm(v):
        v = np.asarray(v, dtype=np.float64)
        return v / v.sum()

    joint = lambda p, l: np.asarray(p, dtype=np.float64) * np.asarray(l, dtype=np.float64)  # noqa: E731
    check_cases("posterior", posterior, ref.posterior, _posterior_cases(), parameter_names=("prior", "likelihood"),
                diagnoses=[
                    Diagnosis("prior-ignored", "multiply the likelihood by the prior before normalising: "
                              "P(H | D) is proportional to P(D | H) P(H).", lambda p, l: norm(l)),
                    Diagnosis("not-normalised", "divide prior * likelihood by its sum P(D), so the posterior sums to 1.",
                              joint),
                    Diagnosis("divided-by-likelihood-sum", "the evidence P(D) is sum_j prior_j * likelihood_j, not the "
                              "sum of the likelihoods.", lambda p, l: joint(p, l) / np.sum(l)),
                    Diagnosis("likelihood-ignored", "this is the prior; multiply it by the likelihood of the data.",
                              lambda p, l: norm(p)),
                    Diagnosis("divided-by-prior", "Bayes' rule MULTIPLIES the likelihood by the prior.",
                              lambda p, l: norm(np.asarray(l, dtype=np.float64) / np.asarray(p, dtype=np.float64))),
                    Diagnosis("added-not-multiplied", "combine prior and likelihood by multiplying, not adding.",
                              lambda p, l: norm(np.asarray(p, dtype=np.float64) + np.asarray(l, dtype=np.float64))),
                    *[Diagnosis("epsilon-in-denominator",
                                f"a small constant ({eps:g}) was added to the evidence P(D); when the likelihoods "
                                f"are tiny it is not small at all. P(D) > 0 here: divide by it as it is.",
                                lambda p, l, eps=eps: joint(p, l) / (np.sum(joint(p, l)) + eps)) for eps in EPSILONS],
                ])


# "Safety" constants added to a denominator: what epsilon-in-denominator recognises.
EPSILONS = (1e-4, 1e-6, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15, 1e-20)


# ---------------------------------------------------------------- monte_carlo_integral

# A correct estimate lies within this many standard errors of the integral (a 5-sigma miss has probability 6e-7).
MC_SIGMAS = 5
MC_SAMPLES = 1000
PROTOCOL_SAMPLES = 200


class Integrand:
    """A test integrand that works on floats and arrays, prints as its formula, and records where it was evaluated."""

    def __init__(self, text, fn):
        self.text, self.fn = text, fn
        self.points, self.low, self.high = 0, math.inf, -math.inf

    def __call__(self, x):
        values = np.asarray(x, dtype=np.float64)
        self.points += values.size
        if values.size:
            self.low, self.high = min(self.low, float(values.min())), max(self.high, float(values.max()))
        return self.fn(x)

    def __repr__(self):
        return self.text


INTEGRANDS = [
    ("lambda x: np.exp(-x**2)", lambda x: np.exp(-x**2), -1.0, 1.0),
    ("lambda x: x**2", lambda x: x**2, 0.0, 3.0),
    ("np.sin", np.sin, 0.0, math.pi),
    ("lambda x: 1 / (1 + x**2)", lambda x: 1 / (1 + x**2), -3.0, -0.5),
    ("lambda x: 5.0 + 0 * x", lambda x: 5.0 + 0 * x, 2.0, 4.0),
]


def _exact(f, a, b):
    return integrate.quad(lambda t: float(f.fn(t)), a, b, epsabs=1e-13, epsrel=1e-13)[0]


def standard_error(f, a, b, n):
    """(b - a) std(f(U)) / sqrt(n) for U ~ Uniform(a, b), from exact integrals of f and f**2."""
    mean = _exact(f, a, b) / (b - a)
    second = integrate.quad(lambda t: float(f.fn(t)) ** 2, a, b, epsabs=1e-13, epsrel=1e-13)[0] / (b - a)
    return (b - a) * math.sqrt(max(second - mean**2, 0.0)) / math.sqrt(n)


def _mc_cases():
    cases = []
    for seed, (text, fn, a, b) in enumerate(INTEGRANDS):
        f = Integrand(text, fn)
        exact, se = _exact(f, a, b), standard_error(f, a, b, MC_SAMPLES)
        cases.append(Case((f, a, b, MC_SAMPLES), {"seed": seed},
                          label=f"exact integral {exact:.6g}; an estimate from n = {MC_SAMPLES} samples must be within "
                                f"{MC_SIGMAS} standard errors ({MC_SIGMAS * se:.3g})",
                          rel_tol=MC_SIGMAS * se / abs(exact), abs_tol=max(MC_SIGMAS * se, ABS_TOL)))
    return cases


def _exact_integral(f, a, b, n, seed=None):
    return _exact(f, a, b)


def _mc_protocol_runs(monte_carlo_integral):
    """The estimator run with seeds 7, 7, 8 and None on counting integrands: plain data about each run.

    A probe: it runs where the student's code lives, so the counting integrands are the ones the student's code saw.
    """
    text, fn, a, b = INTEGRANDS[0]
    runs = []
    for seed in (7, 7, 8, None):
        f = Integrand(text, fn)
        value = monte_carlo_integral(f, a, b, PROTOCOL_SAMPLES, **({} if seed is None else {"seed": seed}))
        finite_float = isinstance(value, (float, np.floating)) and math.isfinite(value)
        runs.append({"value": float(value) if finite_float else repr(value)[:100], "finite float": finite_float,
                     "points": f.points, "low": float(f.low), "high": float(f.high)})
    return runs


def _mc_protocol_failure(runs):
    """(sentence, tag, advice) when the estimator's sampling (seen in `_mc_protocol_runs`) is wrong, else None."""
    text, fn, a, b = INTEGRANDS[0]
    first, again, other, unseeded = runs
    where = f"  Input:    f = {text}, a = {a:g}, b = {b:g}, n = {PROTOCOL_SAMPLES}"
    if first["points"] != PROTOCOL_SAMPLES:
        return (f"f was evaluated at {first['points']} points; a Monte Carlo estimate with n = {PROTOCOL_SAMPLES} uses "
                f"exactly n uniform samples.\n{where}, seed = 7", "wrong-number-of-samples",
                "draw exactly n samples (check the range of your loop or the size argument).")
    if first["low"] < a or first["high"] > b:
        return (f"f was evaluated at points from {first['low']:.4g} to {first['high']:.4g}, outside [a, b].\n{where}, "
                f"seed = 7", "samples-outside-interval", "draw the samples uniformly from [a, b]: rng.uniform(a, b, n).")
    if not first["value"] == again["value"]:
        return (f"the same seed gave two different estimates ({first['value']!r} and {again['value']!r}).\n{where}, "
                f"seed = 7 twice", "not-reproducible", "create the generator from the seed: rng = np.random.default_rng(seed).")
    if first["value"] == other["value"]:
        return (f"seeds 7 and 8 gave exactly the same estimate {first['value']!r}: the seed is ignored.\n{where}",
                "ignores-seed", "use the seed argument: rng = np.random.default_rng(seed), not a fixed seed.")
    if not unseeded["finite float"]:
        return (f"with seed=None it returned {unseeded['value']}, not a finite float.\n{where}", "seed-none",
                "seed=None must work too: np.random.default_rng(None) draws fresh randomness.")
    return None


def check_monte_carlo_integral(monte_carlo_integral):
    """Judged against the exact integral within MC_SIGMAS standard errors, then for its sampling protocol."""
    __tracebackhide__ = True

    def scaled(factor):
        return lambda f, a, b, n, seed=None: _exact(f, a, b) * factor(a, b, n)

    check_cases("monte_carlo_integral", monte_carlo_integral, _exact_integral, _mc_cases(),
                parameter_names=("f", "a", "b", "n"), diagnoses=[
                    Diagnosis("missing-interval-length", "the mean of f(U) estimates the AVERAGE of f on [a, b]; "
                              "multiply it by the length (b - a) to get the integral.", scaled(lambda a, b, n: 1 / (b - a))),
                    Diagnosis("divided-by-interval-length", "multiply the mean by (b - a); do not divide by it.",
                              scaled(lambda a, b, n: 1 / (b - a) ** 2)),
                    Diagnosis("sum-not-mean", "average f over the n samples (np.mean), do not just add them up.",
                              scaled(lambda a, b, n: n)),
                    Diagnosis("sampled-unit-interval", "the samples must be uniform on [a, b], not on [0, 1].",
                              lambda f, a, b, n, seed=None: (b - a) * _exact(f, 0.0, 1.0)),
                    Diagnosis("interval-from-zero", "u * b is uniform on [0, b], not on [a, b]: use a + (b - a) * u "
                              "or rng.uniform(a, b, n).",
                              lambda f, a, b, n, seed=None: (b - a) * _exact(f, 0.0, b) / b),
                ])
    runs = probe(monte_carlo_integral, Case(), how=_mc_protocol_runs)
    if runs.error:
        raise CheckFailed(f"monte_carlo_integral failed when called:\n  Problem:  {runs.error}")
    failure = _mc_protocol_failure(runs.result)
    if failure:
        text, tag, advice = failure
        raise naming(CheckFailed(f"monte_carlo_integral samples incorrectly: {text}"), Mistake(tag, advice))


CHECKS = {
    "gaussian_log_likelihood": check_gaussian_log_likelihood,
    "mle_normal": check_mle_normal,
    "dloglik_dmu": check_dloglik_dmu,
    "dloglik_dsigma": check_dloglik_dsigma,
    "plot_normal_densities": check_plot_normal_densities,
    "mle_categorical": check_mle_categorical,
    "posterior": check_posterior,
    "monte_carlo_integral": check_monte_carlo_integral,
}

"""mle checks, part 1: the normal distribution, gaussian_log_likelihood, mle_normal, dloglik_dmu and dloglik_dsigma.

Beyond equality with the reference: mle_normal is first judged by the likelihood itself on seeded samples (the
estimate must score at least as high as the optimum scipy.optimize finds and higher than every nearby point); the
closed-form derivatives must agree with central finite differences (aimath.gradcheck) of the reference
log-likelihood, and a failure also reports the finite-difference slope of the student's OWN log-likelihood when the
hidden test passes it (`check_dloglik_dmu(dloglik_dmu, gaussian_log_likelihood)`).

Inputs span magnitudes where mistakes depend on them: a sample whose density underflows, densities whose product
overflows, samples around 1e6 and 1e8 (where mean(x**2) - mean(x)**2 cancels).
"""
import copy
import math

import numpy as np
from scipy import optimize

from aimath.gradcheck import gradients_agree, numerical_gradient
from aimath.judge import (Case, Diagnosis, check_cases, check_property, gradient_property, probes, quietly, same,
                          seeded_rng, show)
from aimath.reference import mle as ref
from aimath.verdict import Mistake


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
    """`gaussian_log_likelihood(x, mu, sigma) -> float`: sum_i log N(x_i | mu, sigma**2) for samples x (array or list),
    including a product of densities that underflows or overflows, a sample 40 sigma away and samples around 1e6.
    Raises CheckFailed naming the mistake when a model explains it (log of the sum, the product, the log of an
    underflowing product or density, sigma as the variance, the constant missing or not squared, the mean, the sign,
    log10)."""
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
    """`mle_normal(x) -> (mu_hat, sigma2_hat)` (any pair of numbers): first, on seeded samples, the estimate must
    maximise the normal likelihood (no lower than scipy.optimize's optimum, above every nearby point); then equality
    with (mean, biased variance) on hand-picked samples (one sample, constant, a list, around 1e8 and 1e-8). Raises
    CheckFailed naming the mistake when a model explains it (n - 1, the std, swapped, uncentred, the median, sums)
    or, after the fact, variance-by-moments when the variance cancels at a large mean."""
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
    """`dloglik_dmu(x, mu, sigma) -> float`: sum(x - mu) / sigma**2, against the closed form and central differences of
    the reference log-likelihood in mu, on seeded samples with mu at, below and above the estimate.
    `gaussian_log_likelihood` (the student's, optional) only adds evidence: the slope of the student's own
    log-likelihood. Raises CheckFailed naming the mistake when a model explains it (sign, not divided by the
    variance or by sigma, factor 1/2, the mean, squared residuals), with the finite-difference slopes of the first
    wrong case."""
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
    """`dloglik_dsigma(x, mu, sigma) -> float`: -n / sigma + sum (x - mu)**2 / sigma**3, against the closed form and
    central differences of the reference log-likelihood in sigma, on the cases of `check_dloglik_dmu`; the student's
    `gaussian_log_likelihood` (optional) only adds evidence. Raises CheckFailed naming the mistake when a model
    explains it (sign, derivative in sigma**2, n missing, power rule, normaliser term missing, factor 1/2, the
    mean), with the finite-difference slopes of the first wrong case."""
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

"""mle checks, part 4: monte_carlo_integral.

Judged against the exact integral with a tolerance of MC_SIGMAS standard errors for the given n, then for its
sampling protocol (exactly n points, all in [a, b], same seed -> same estimate, new seed -> new one).
"""
import math

import numpy as np
from scipy import integrate

from aimath.judge import ABS_TOL, Case, CheckFailed, Diagnosis, check_cases, probe
from aimath.verdict import Mistake, naming


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
    """`monte_carlo_integral(f, a, b, n, seed=None) -> float`: within MC_SIGMAS standard errors of the exact integral
    for five integrands with n = MC_SAMPLES; then its sampling protocol, run on counting integrands: exactly n
    points, all in [a, b], the same seed gives the same estimate, another seed another one, seed=None works. Raises
    CheckFailed naming the mistake when a model explains the estimate (interval length missing or divided, a sum,
    [0, 1], [0, b]) or the protocol that fails (wrong-number-of-samples, samples-outside-interval, not-reproducible,
    ignores-seed, seed-none)."""
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

"""mle checks, part 3: discrete distributions, mle_categorical and posterior (Bayes' rule).

mle_categorical is first judged by the likelihood itself on seeded samples, as mle_normal is; posterior meets
likelihoods around 1e-200 and 1e5, so a "safety" constant in the evidence does not slip by.
"""
import math

import numpy as np
from scipy import optimize

from aimath.checks.mle.normal import DELTA, LOGLIK_TOL, NOT_MAXIMAL, RANDOM_CASES
from aimath.judge import Case, Diagnosis, check_cases, check_property, seeded_rng, show
from aimath.reference import mle as ref


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
    """`mle_categorical(samples, n_categories) -> probabilities (n_categories,)`: counts / n; first, on seeded samples,
    the result must maximise the categorical likelihood (a probability vector, no lower than scipy.optimize's
    optimum, no gain moving DELTA between categories); then equality on hand-picked samples (Bernoulli, categories
    never seen, one sample, 12 categories). Raises CheckFailed naming the mistake when a model explains it (counts,
    empty categories dropped, divided by the categories, add-one smoothing, by the maximum, off by one)."""
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
    """`posterior(prior, likelihood) -> array`: prior * likelihood / sum(prior * likelihood), for the noodle-shop
    example, uniform and zero priors, likelihoods around 1e-200 and 1e5, and seeded ones. Raises CheckFailed naming
    the mistake when a model explains it (prior or likelihood ignored, not normalised, divided by the likelihoods'
    sum or by the prior, added, an epsilon in the evidence)."""
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

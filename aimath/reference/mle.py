"""mle: likelihood, maximum likelihood estimation, Bayes' rule and Monte Carlo integration (AI Math lecture 6).

Graded names (contract section 7): gaussian_log_likelihood, mle_normal, dloglik_dmu, dloglik_dsigma,
mle_categorical, posterior, monte_carlo_integral, and plot_normal_densities (the three-densities plot, judged from
the figure's data).
"""
import math

import numpy as np

LOG_2PI = math.log(2.0 * math.pi)


def _samples(x):
    return np.atleast_1d(np.asarray(x, dtype=np.float64))


def gaussian_log_likelihood(x, mu, sigma):
    """x: (n,) samples, mu: float, sigma: float > 0 -> float, sum_i log N(x_i | mu, sigma**2).

    = -n/2 log(2 pi sigma**2) - sum_i (x_i - mu)**2 / (2 sigma**2), computed as a sum of logs, so it stays finite
    where the product of the densities underflows to 0.
    """
    x = _samples(x)
    return float(-0.5 * x.size * (LOG_2PI + 2.0 * math.log(sigma)) - np.sum((x - mu) ** 2) / (2.0 * sigma**2))


def mle_normal(x):
    """x: (n,) samples, n >= 1 -> (mu_hat, sigma2_hat) floats: the sample mean and the BIASED variance (1/n).

    mu_hat = sum_i x_i / n,  sigma2_hat = sum_i (x_i - mu_hat)**2 / n.
    """
    x = _samples(x)
    mu = float(np.mean(x))
    return mu, float(np.mean((x - mu) ** 2))


def dloglik_dmu(x, mu, sigma):
    """x: (n,), mu, sigma > 0 -> float, d/dmu log L = sum_i (x_i - mu) / sigma**2."""
    x = _samples(x)
    return float(np.sum(x - mu) / sigma**2)


def dloglik_dsigma(x, mu, sigma):
    """x: (n,), mu, sigma > 0 -> float, d/dsigma log L = -n / sigma + sum_i (x_i - mu)**2 / sigma**3."""
    x = _samples(x)
    return float(-x.size / sigma + np.sum((x - mu) ** 2) / sigma**3)


def normal_densities_at(x0, mus, sigma=1.0):
    """x0: float, mus: (k,) -> (k,) likelihoods N(x0 | mu, sigma**2) for each mu (0.0540, 0.2420, 0.3989 at x0 = 1)."""
    mus = np.asarray(mus, dtype=np.float64)
    return np.exp(-((x0 - mus) ** 2) / (2.0 * sigma**2)) / (sigma * math.sqrt(2.0 * math.pi))


def plot_normal_densities(mus, x0):
    """mus: sequence of k means, x0: float -> a matplotlib Figure with one Axes showing:

    one curve per mu, the density N(x | mu, 1) over [min(mus) - 4, max(mus) + 4] (400 points), and one marker per mu
    at (x0, N(x0 | mu, 1)): the likelihood of the observation x0 under each mean.
    """
    from matplotlib.figure import Figure  # no pyplot: the reference figure is never shown

    mus = [float(m) for m in mus]
    xs = np.linspace(min(mus) - 4.0, max(mus) + 4.0, 400)
    fig = Figure()
    ax = fig.add_subplot()
    for mu in mus:
        ax.plot(xs, np.exp(-((xs - mu) ** 2) / 2.0) / math.sqrt(2.0 * math.pi), label=f"mu = {mu:g}")
    ax.plot(np.full(len(mus), float(x0)), normal_densities_at(x0, mus), "o", color="black", label="likelihood of x0")
    ax.axvline(x0, color="grey", linestyle=":")
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.legend()
    return fig


def mle_categorical(samples, n_categories):
    """samples: (n,) ints in 0..n_categories-1, n >= 1 -> (n_categories,) float64 probabilities counts / n.

    Categories that never occur get probability 0. Bernoulli is the case n_categories = 2: [1 - p_hat, p_hat].
    """
    samples = np.asarray(samples, dtype=np.int64).ravel()
    return np.bincount(samples, minlength=n_categories).astype(np.float64) / samples.size


def posterior(prior, likelihood):
    """prior: (k,) P(H_j), likelihood: (k,) P(D | H_j) -> (k,) float64 P(H_j | D) = prior * likelihood / P(D).

    P(D) = sum_j prior_j likelihood_j (must be > 0). Noodle shop: posterior([0.4, 0.6], [0.75, 0.25]) -> [2/3, 1/3].
    """
    joint = np.asarray(prior, dtype=np.float64) * np.asarray(likelihood, dtype=np.float64)
    return joint / np.sum(joint)


def monte_carlo_integral(f, a, b, n, seed=None):
    """f: vectorised function, a < b, n >= 1 samples, seed -> float estimate of the integral of f over [a, b].

    (b - a) * mean_i f(u_i) with u_i ~ Uniform(a, b) drawn by np.random.default_rng(seed): the same seed gives
    the same estimate; the standard error is (b - a) std(f(U)) / sqrt(n).
    """
    u = np.random.default_rng(seed).uniform(a, b, n)
    return float((b - a) * np.mean(f(u)))

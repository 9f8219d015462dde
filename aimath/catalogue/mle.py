"""mle: plausible student mistakes and alternative correct solutions, written as students write them.

Entries use only the notebook's imports (math, np, plt); those that use scipy.stats.norm import it, as a student would.
"""
import math

import matplotlib.pyplot as plt
import numpy as np

from aimath.catalogue import Catalogue

catalogue = Catalogue("mle")
mistake, alternative = catalogue.mistake, catalogue.alternative


# ------------------------------------------------------------------ gaussian_log_likelihood

@mistake("gaussian_log_likelihood", diagnosis="log-of-sum")
def loglik_log_of_sum(x, mu, sigma):
    """Log of the sum of the densities instead of the sum of their logs."""
    from scipy.stats import norm

    return np.log(np.sum(norm.pdf(x, mu, sigma)))


@mistake("gaussian_log_likelihood", diagnosis="product-not-log")
def loglik_returns_likelihood(x, mu, sigma):
    """Returns the likelihood (product of densities), forgetting the log."""
    from scipy.stats import norm

    return np.prod(norm.pdf(x, loc=mu, scale=sigma))


@mistake("gaussian_log_likelihood", diagnosis="log-of-product-underflow")
def loglik_log_of_product(x, mu, sigma):
    """Log of the product of the densities: underflows to log(0) = -inf for many samples."""
    from scipy.stats import norm

    return np.log(np.prod(norm.pdf(x, mu, sigma)))


@mistake("gaussian_log_likelihood", diagnosis="sigma-as-variance")
def loglik_sigma_as_variance(x, mu, sigma):
    """Uses sigma where the variance belongs."""
    x = np.asarray(x, dtype=float)
    return np.sum(-0.5 * np.log(2 * np.pi * sigma) - (x - mu) ** 2 / (2 * sigma))


@mistake("gaussian_log_likelihood", diagnosis="missing-normalising-constant")
def loglik_no_constant(x, mu, sigma):
    """Drops the normalising constant (fine for argmax, wrong as a value)."""
    x = np.asarray(x, dtype=float)
    return -np.sum((x - mu) ** 2) / (2 * sigma**2)


@mistake("gaussian_log_likelihood", diagnosis="sigma-not-squared-in-constant")
def loglik_constant_without_square(x, mu, sigma):
    """Normalising constant written as log(2 pi sigma) / 2."""
    x = np.asarray(x, dtype=float)
    return np.sum(-0.5 * np.log(2 * np.pi * sigma) - (x - mu) ** 2 / (2 * sigma**2))


@mistake("gaussian_log_likelihood", diagnosis="averaged")
def loglik_mean(x, mu, sigma):
    """Averages the log-densities instead of summing them."""
    from scipy.stats import norm

    return np.mean(norm.logpdf(x, mu, sigma))


@mistake("gaussian_log_likelihood", diagnosis="negative-log-likelihood")
def loglik_negative(x, mu, sigma):
    """Returns the negative log-likelihood (the loss)."""
    from scipy.stats import norm

    return -np.sum(norm.logpdf(x, mu, sigma))


@mistake("gaussian_log_likelihood", diagnosis="log10")
def loglik_log10(x, mu, sigma):
    """Base-10 logarithm."""
    from scipy.stats import norm

    return np.sum(np.log10(norm.pdf(x, mu, sigma)))


@mistake("gaussian_log_likelihood", diagnosis="log-of-density-underflow")
def loglik_log_of_each_density(x, mu, sigma):
    """Sum of the logs of the densities, but each density computed first: log(0) = -inf far from mu."""
    x = np.asarray(x, dtype=float)
    density = np.exp(-(x - mu) ** 2 / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2)
    return np.sum(np.log(density))


@alternative("gaussian_log_likelihood")
def loglik_scipy(x, mu, sigma):
    """scipy's logpdf, summed."""
    from scipy.stats import norm

    return norm.logpdf(x, loc=mu, scale=sigma).sum()


@alternative("gaussian_log_likelihood")
def loglik_loop(x, mu, sigma):
    """Pure Python loop over the samples."""
    total = 0.0
    for xi in x:
        total += -0.5 * math.log(2 * math.pi * sigma**2) - (xi - mu) ** 2 / (2 * sigma**2)
    return total


@alternative("gaussian_log_likelihood")
def loglik_closed_form(x, mu, sigma):
    """The closed form -n/2 log(2 pi sigma^2) - SS / (2 sigma^2)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    return -n / 2 * np.log(2 * np.pi) - n * np.log(sigma) - np.sum((x - mu) ** 2) / (2 * sigma**2)


# ------------------------------------------------------------------ mle_normal

@mistake("mle_normal", diagnosis="n-minus-1")
def mle_normal_unbiased(x):
    """Unbiased variance (divides by n - 1)."""
    x = np.asarray(x, dtype=float)
    return np.mean(x), np.var(x, ddof=1)


@mistake("mle_normal", diagnosis="returned-std")
def mle_normal_std(x):
    """Returns the standard deviation instead of the variance."""
    return np.mean(x), np.std(x)


@mistake("mle_normal", diagnosis="swapped-order")
def mle_normal_swapped(x):
    """Returns (sigma2, mu)."""
    x = np.asarray(x, dtype=float)
    return np.var(x), np.mean(x)


@mistake("mle_normal", diagnosis="uncentred-variance")
def mle_normal_uncentred(x):
    """Squares the samples without subtracting the mean."""
    x = np.asarray(x, dtype=float)
    return x.mean(), (x**2).mean()


@mistake("mle_normal", diagnosis="variance-by-moments")
def mle_normal_shortcut_variance(x):
    """The "shortcut" variance E[x^2] - E[x]^2: cancels catastrophically when the mean is large."""
    n = len(x)
    mu = sum(x) / n
    return mu, sum(v * v for v in x) / n - mu * mu


@mistake("mle_normal", diagnosis="median")
def mle_normal_median(x):
    """Uses the median as the location estimate."""
    m = np.median(x)
    return m, np.mean((np.asarray(x) - m) ** 2)


@mistake("mle_normal", diagnosis="sum-not-mean")
def mle_normal_sums(x):
    """Forgets to divide by n."""
    x = np.asarray(x, dtype=float)
    return np.sum(x), np.sum((x - x.mean()) ** 2)


@mistake("mle_normal", diagnosis="mutates-input")
def mle_normal_centres_in_place(x):
    """Centres the caller's array in place."""
    mu = np.mean(x)
    x -= mu
    return mu, np.mean(x**2)


@alternative("mle_normal")
def mle_normal_loop(x):
    """Two passes in pure Python."""
    n = len(x)
    mu = sum(x) / n
    return mu, sum((xi - mu) ** 2 for xi in x) / n


@alternative("mle_normal")
def mle_normal_numpy_list(x):
    """np.var (ddof=0 is the MLE), returned as a list."""
    return [np.mean(x), np.var(x)]


@alternative("mle_normal")
def mle_normal_moments(x):
    """E[x^2] - E[x]^2 as an array (same value up to rounding for these samples)."""
    x = np.asarray(x, dtype=float)
    mu = x.mean()
    return np.array([mu, np.mean((x - mu) * (x - mu))])


# ------------------------------------------------------------------ dloglik_dmu

@mistake("dloglik_dmu", diagnosis="sign-error")
def dmu_sign(x, mu, sigma):
    """Sign error: sum(mu - x) / sigma^2."""
    return np.sum(mu - np.asarray(x)) / sigma**2


@mistake("dloglik_dmu", diagnosis="not-divided-by-variance")
def dmu_no_variance(x, mu, sigma):
    """Forgets to divide by sigma^2."""
    return np.sum(np.asarray(x) - mu)


@mistake("dloglik_dmu", diagnosis="divided-by-sigma")
def dmu_divides_by_sigma(x, mu, sigma):
    """Divides by sigma instead of sigma^2."""
    return np.sum(np.asarray(x) - mu) / sigma


@mistake("dloglik_dmu", diagnosis="factor-half")
def dmu_keeps_half(x, mu, sigma):
    """Keeps the 1/2 of the exponent (forgot the chain-rule factor 2)."""
    return np.sum(np.asarray(x) - mu) / (2 * sigma**2)


@mistake("dloglik_dmu", diagnosis="mean-not-sum")
def dmu_mean(x, mu, sigma):
    """Averages instead of summing."""
    return np.mean(np.asarray(x) - mu) / sigma**2


@mistake("dloglik_dmu", diagnosis="squared-residuals")
def dmu_squared(x, mu, sigma):
    """Keeps the residuals squared."""
    return np.sum((np.asarray(x) - mu) ** 2) / sigma**2


@alternative("dloglik_dmu")
def dmu_loop(x, mu, sigma):
    """Pure Python loop."""
    total = 0.0
    for xi in x:
        total += (xi - mu) / sigma**2
    return total


@alternative("dloglik_dmu")
def dmu_from_mean(x, mu, sigma):
    """n (mean(x) - mu) / sigma^2."""
    x = np.asarray(x, dtype=float)
    return len(x) * (x.mean() - mu) / sigma**2


# ------------------------------------------------------------------ dloglik_dsigma

@mistake("dloglik_dsigma", diagnosis="sign-error")
def dsigma_sign(x, mu, sigma):
    """Both signs flipped."""
    x = np.asarray(x, dtype=float)
    return len(x) / sigma - np.sum((x - mu) ** 2) / sigma**3


@mistake("dloglik_dsigma", diagnosis="derivative-wrt-variance")
def dsigma_wrt_variance(x, mu, sigma):
    """Differentiates with respect to sigma^2 instead of sigma."""
    x = np.asarray(x, dtype=float)
    return -len(x) / (2 * sigma**2) + np.sum((x - mu) ** 2) / (2 * sigma**4)


@mistake("dloglik_dsigma", diagnosis="missing-n")
def dsigma_missing_n(x, mu, sigma):
    """-1/sigma instead of -n/sigma."""
    x = np.asarray(x, dtype=float)
    return -1 / sigma + np.sum((x - mu) ** 2) / sigma**3


@mistake("dloglik_dsigma", diagnosis="power-rule")
def dsigma_power_rule(x, mu, sigma):
    """d/dsigma sigma^-2 taken as sigma^-2."""
    x = np.asarray(x, dtype=float)
    return -len(x) / sigma + np.sum((x - mu) ** 2) / sigma**2


@mistake("dloglik_dsigma", diagnosis="missing-normaliser-term")
def dsigma_no_normaliser(x, mu, sigma):
    """Differentiates only the exponent."""
    x = np.asarray(x, dtype=float)
    return np.sum((x - mu) ** 2) / sigma**3


@mistake("dloglik_dsigma", diagnosis="factor-half")
def dsigma_keeps_half(x, mu, sigma):
    """Keeps the 1/2 of the exponent."""
    x = np.asarray(x, dtype=float)
    return -len(x) / sigma + np.sum((x - mu) ** 2) / (2 * sigma**3)


@mistake("dloglik_dsigma", diagnosis="mean-not-sum")
def dsigma_mean(x, mu, sigma):
    """Per-sample average instead of the sum."""
    x = np.asarray(x, dtype=float)
    return np.mean(-1 / sigma + (x - mu) ** 2 / sigma**3)


@alternative("dloglik_dsigma")
def dsigma_loop(x, mu, sigma):
    """Pure Python loop, one term per sample."""
    total = 0.0
    for xi in x:
        total += -1 / sigma + (xi - mu) ** 2 / sigma**3
    return total


@alternative("dloglik_dsigma")
def dsigma_factored(x, mu, sigma):
    """Factored: (SS / sigma^2 - n) / sigma."""
    x = np.asarray(x, dtype=float)
    return (np.sum((x - mu) ** 2) / sigma**2 - x.size) / sigma


# ------------------------------------------------------------------ plot_normal_densities

@mistake("plot_normal_densities", diagnosis="plotted-cdf")
def plot_cdf(mus, x0):
    """Plots the cumulative distribution function."""
    from scipy.stats import norm

    fig, ax = plt.subplots()
    xs = np.linspace(min(mus) - 4, max(mus) + 4, 300)
    for mu in mus:
        ax.plot(xs, norm.cdf(xs, mu, 1))
        ax.plot(x0, norm.cdf(x0, mu, 1), "o")
    return fig


@mistake("plot_normal_densities", diagnosis="plotted-log-density")
def plot_logpdf(mus, x0):
    """Plots the log-density."""
    from scipy.stats import norm

    fig, ax = plt.subplots()
    xs = np.linspace(min(mus) - 4, max(mus) + 4, 300)
    for mu in mus:
        ax.plot(xs, norm.logpdf(xs, mu, 1))
        ax.plot(x0, norm.logpdf(x0, mu, 1), "o")
    return fig


@mistake("plot_normal_densities", diagnosis="missing-normalising-constant")
def plot_unnormalised(mus, x0):
    """Gaussian bump without 1/sqrt(2 pi)."""
    fig, ax = plt.subplots()
    xs = np.linspace(min(mus) - 4, max(mus) + 4, 300)
    for mu in mus:
        ax.plot(xs, np.exp(-((xs - mu) ** 2) / 2))
        ax.scatter([x0], [np.exp(-((x0 - mu) ** 2) / 2)])
    return fig


@mistake("plot_normal_densities", diagnosis="mean-ignored")
def plot_loc_ignored(mus, x0):
    """Forgets loc=mu: every curve is the standard normal."""
    from scipy.stats import norm

    fig, ax = plt.subplots()
    xs = np.linspace(min(mus) - 4, max(mus) + 4, 300)
    for mu in mus:
        ax.plot(xs, norm.pdf(xs), label=f"mu={mu}")
        ax.plot(x0, norm.pdf(x0), "ko")
    return fig


@mistake("plot_normal_densities", diagnosis="markers-at-peaks")
def plot_markers_at_peaks(mus, x0):
    """Marks each curve's peak instead of the likelihood of x0."""
    from scipy.stats import norm

    fig, ax = plt.subplots()
    xs = np.linspace(min(mus) - 4, max(mus) + 4, 300)
    for mu in mus:
        ax.plot(xs, norm.pdf(xs, mu, 1))
        ax.plot(mu, norm.pdf(mu, mu, 1), "o")
    return fig


@mistake("plot_normal_densities", diagnosis="no-likelihood-markers")
def plot_without_markers(mus, x0):
    """Draws the curves and a guide line at x0, but no likelihood markers."""
    from scipy.stats import norm

    fig, ax = plt.subplots()
    xs = np.linspace(min(mus) - 4, max(mus) + 4, 300)
    for mu in mus:
        ax.plot(xs, norm.pdf(xs, mu, 1))
    ax.axvline(x0, linestyle="--")
    return fig


@mistake("plot_normal_densities", diagnosis="new-figure-per-curve")
def plot_figure_per_curve(mus, x0):
    """Creates a new figure inside the loop and returns the last one."""
    from scipy.stats import norm

    xs = np.linspace(min(mus) - 4, max(mus) + 4, 300)
    for mu in mus:
        fig, ax = plt.subplots()
        ax.plot(xs, norm.pdf(xs, mu, 1))
        ax.plot(x0, norm.pdf(x0, mu, 1), "o")
    return fig


@mistake("plot_normal_densities", diagnosis="hard-coded-example")
def plot_hard_coded(mus, x0):
    """Hard-codes the example's means and x0 = 1."""
    from scipy.stats import norm

    fig, ax = plt.subplots()
    xs = np.linspace(-5, 5, 300)
    for mu in [-1, 0, 1]:
        ax.plot(xs, norm.pdf(xs, mu, 1))
        ax.plot(1, norm.pdf(1, mu, 1), "o")
    return fig


@mistake("plot_normal_densities", diagnosis="returned-nothing")
def plot_returns_nothing(mus, x0):
    """Draws correctly but returns nothing."""
    from scipy.stats import norm

    fig, ax = plt.subplots()
    xs = np.linspace(min(mus) - 4, max(mus) + 4, 300)
    for mu in mus:
        ax.plot(xs, norm.pdf(xs, mu, 1))
        ax.plot(x0, norm.pdf(x0, mu, 1), "o")
    plt.close(fig)


@alternative("plot_normal_densities")
def plot_scatter_markers(mus, x0):
    """Curves with ax.plot, all markers with one ax.scatter, a legend and a guide line."""
    from scipy.stats import norm

    fig, ax = plt.subplots(figsize=(6, 4))
    xs = np.linspace(min(mus) - 3, max(mus) + 3, 500)
    for mu in mus:
        ax.plot(xs, norm.pdf(xs, loc=mu, scale=1), label=f"N({mu}, 1)")
    ax.scatter([x0] * len(mus), norm.pdf(x0, loc=np.array(mus), scale=1), color="k", zorder=3)
    ax.axvline(x0, color="grey", linestyle=":")
    ax.legend()
    return fig


@alternative("plot_normal_densities")
def plot_formula_reversed_order(mus, x0):
    """The density formula by hand, drawn in reverse order on per-curve grids (100 points each)."""
    fig = plt.figure()
    ax = fig.add_subplot(1, 1, 1)
    for mu in reversed(list(mus)):
        xs = np.linspace(mu - 3, mu + 3, 100)
        ax.plot(xs, np.exp(-((xs - mu) ** 2) / 2) / math.sqrt(2 * math.pi))
        ax.plot([x0], [math.exp(-((x0 - mu) ** 2) / 2) / math.sqrt(2 * math.pi)], marker="o", color="red")
    ax.set_title("likelihood of x0")
    return fig


# ------------------------------------------------------------------ mle_categorical

@mistake("mle_categorical", diagnosis="counts-not-normalised")
def categorical_counts(samples, n_categories):
    """Returns the counts."""
    return np.bincount(samples, minlength=n_categories).astype(float)


@mistake("mle_categorical", diagnosis="empty-categories-dropped")
def categorical_unique(samples, n_categories):
    """np.unique counts: categories that never occur disappear."""
    values, counts = np.unique(samples, return_counts=True)
    return counts / len(samples)


@mistake("mle_categorical", diagnosis="divided-by-n-categories")
def categorical_divides_by_k(samples, n_categories):
    """Divides by the number of categories."""
    return np.bincount(samples, minlength=n_categories) / n_categories


@mistake("mle_categorical", diagnosis="add-one-smoothing")
def categorical_laplace(samples, n_categories):
    """Laplace smoothing."""
    counts = np.bincount(samples, minlength=n_categories)
    return (counts + 1) / (len(samples) + n_categories)


@mistake("mle_categorical", diagnosis="normalised-by-max")
def categorical_by_max(samples, n_categories):
    """Divides by the largest count."""
    counts = np.bincount(samples, minlength=n_categories)
    return counts / counts.max()


@mistake("mle_categorical", diagnosis="off-by-one-categories")
def categorical_one_based(samples, n_categories):
    """Treats categories as 1-based."""
    probs = np.zeros(n_categories)
    for s in samples:
        if s >= 1:
            probs[s - 1] += 1
    return probs / len(samples)


@mistake("mle_categorical", diagnosis="mutates-input")
def categorical_sorts_in_place(samples, n_categories):
    """Sorts the caller's samples in place before counting."""
    samples.sort()
    return np.array([samples.count(k) if isinstance(samples, list) else np.sum(samples == k)
                     for k in range(n_categories)]) / len(samples)


@mistake("mle_categorical", diagnosis="empty-categories-dropped")
def categorical_bincount_without_minlength(samples, n_categories):
    """np.bincount without minlength: categories above the largest one seen disappear."""
    return np.bincount(samples) / len(samples)


@alternative("mle_categorical")
def categorical_loop(samples, n_categories):
    """Pure Python counting loop."""
    counts = [0] * n_categories
    for s in samples:
        counts[s] += 1
    return np.array([c / len(samples) for c in counts])


@alternative("mle_categorical")
def categorical_one_hot(samples, n_categories):
    """Mean of one-hot rows."""
    return np.eye(n_categories)[np.asarray(samples)].mean(axis=0)


# ------------------------------------------------------------------ posterior

@mistake("posterior", diagnosis="prior-ignored")
def posterior_no_prior(prior, likelihood):
    """Normalises the likelihood, ignoring the prior."""
    likelihood = np.asarray(likelihood, dtype=float)
    return likelihood / likelihood.sum()


@mistake("posterior", diagnosis="not-normalised")
def posterior_joint(prior, likelihood):
    """Returns prior * likelihood without dividing by the evidence."""
    return np.asarray(prior) * np.asarray(likelihood)


@mistake("posterior", diagnosis="divided-by-likelihood-sum")
def posterior_wrong_evidence(prior, likelihood):
    """Evidence taken as the sum of the likelihoods."""
    return np.asarray(prior) * np.asarray(likelihood) / np.sum(likelihood)


@mistake("posterior", diagnosis="likelihood-ignored")
def posterior_is_prior(prior, likelihood):
    """Returns the (normalised) prior."""
    prior = np.array(prior, dtype=float)
    return prior / prior.sum()


@mistake("posterior", diagnosis="divided-by-prior")
def posterior_divides(prior, likelihood):
    """Divides the likelihood by the prior."""
    ratio = np.asarray(likelihood, dtype=float) / np.asarray(prior, dtype=float)
    return ratio / ratio.sum()


@mistake("posterior", diagnosis="added-not-multiplied")
def posterior_adds(prior, likelihood):
    """Adds prior and likelihood."""
    s = np.asarray(prior, dtype=float) + np.asarray(likelihood, dtype=float)
    return s / s.sum()


@mistake("posterior", diagnosis="epsilon-in-denominator")
def posterior_epsilon(prior, likelihood):
    """Adds 1e-10 to the evidence "to avoid dividing by zero"."""
    joint = np.asarray(prior, dtype=float) * np.asarray(likelihood, dtype=float)
    return joint / (joint.sum() + 1e-10)


@mistake("posterior", diagnosis="mutates-input")
def posterior_in_place(prior, likelihood):
    """Multiplies into the caller's prior array."""
    prior = np.asarray(prior, dtype=float)
    prior *= likelihood
    prior /= prior.sum()
    return prior


@alternative("posterior")
def posterior_loop(prior, likelihood):
    """Pure Python: joint probabilities, evidence, then division."""
    joint = [p * l for p, l in zip(prior, likelihood)]
    evidence = sum(joint)
    return np.array([j / evidence for j in joint])


@alternative("posterior")
def posterior_log_space(prior, likelihood):
    """In log space with the log-sum-exp trick."""
    with np.errstate(divide="ignore"):
        logs = np.log(np.asarray(prior, dtype=float)) + np.log(np.asarray(likelihood, dtype=float))
    logs -= logs.max()
    w = np.exp(logs)
    return w / w.sum()


# ------------------------------------------------------------------ monte_carlo_integral

@mistake("monte_carlo_integral", diagnosis="missing-interval-length")
def mc_no_length(f, a, b, n, seed=None):
    """Forgets the (b - a) factor."""
    rng = np.random.default_rng(seed)
    return np.mean(f(rng.uniform(a, b, n)))


@mistake("monte_carlo_integral", diagnosis="divided-by-interval-length")
def mc_divides_length(f, a, b, n, seed=None):
    """Divides by (b - a) (density of the uniform) instead of multiplying."""
    rng = np.random.default_rng(seed)
    return np.mean(f(rng.uniform(a, b, n))) / (b - a)


@mistake("monte_carlo_integral", diagnosis="sum-not-mean")
def mc_sum(f, a, b, n, seed=None):
    """Sums f over the samples instead of averaging."""
    rng = np.random.default_rng(seed)
    return (b - a) * np.sum(f(rng.uniform(a, b, n)))


@mistake("monte_carlo_integral", diagnosis="sampled-unit-interval")
def mc_unit_interval(f, a, b, n, seed=None):
    """Samples on [0, 1] whatever the interval."""
    rng = np.random.default_rng(seed)
    return (b - a) * np.mean(f(rng.random(n)))


@mistake("monte_carlo_integral", diagnosis="not-reproducible")
def mc_unseeded(f, a, b, n, seed=None):
    """Ignores the seed and draws fresh randomness every call."""
    u = np.random.uniform(a, b, n)
    return (b - a) * np.mean(f(u))


@mistake("monte_carlo_integral", diagnosis="ignores-seed")
def mc_fixed_seed(f, a, b, n, seed=None):
    """Hard-codes seed 0."""
    rng = np.random.default_rng(0)
    return (b - a) * np.mean(f(rng.uniform(a, b, n)))


@mistake("monte_carlo_integral", diagnosis="wrong-number-of-samples")
def mc_off_by_one(f, a, b, n, seed=None):
    """Loop runs n - 1 times."""
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(n - 1):
        total += f(rng.uniform(a, b))
    return (b - a) * total / (n - 1)


@mistake("monte_carlo_integral", diagnosis="interval-from-zero")
def mc_from_zero(f, a, b, n, seed=None):
    """Samples u * b, i.e. on [0, b], ignoring a (but scales by b - a)."""
    rng = np.random.default_rng(seed)
    u = rng.random(n) * b
    return (b - a) * np.mean(f(u))


@alternative("monte_carlo_integral")
def mc_loop_random_module(f, a, b, n, seed=None):
    """Pure Python loop with numpy's legacy RandomState, seeded."""
    rs = np.random.RandomState(seed)
    total = 0.0
    for _ in range(n):
        total += f(a + (b - a) * rs.random_sample())
    return (b - a) * total / n


@alternative("monte_carlo_integral")
def mc_global_seed(f, a, b, n, seed=None):
    """Seeds the global generator, then the mean of f on uniform samples."""
    np.random.seed(seed)
    x = a + (b - a) * np.random.rand(n)
    return float(np.mean(f(x)) * (b - a))


@alternative("monte_carlo_integral")
def mc_generator_random(f, a, b, n, seed=None):
    """default_rng(seed).random, shifted and scaled."""
    u = np.random.default_rng(seed).random(n)
    return (b - a) * f(a + (b - a) * u).mean()

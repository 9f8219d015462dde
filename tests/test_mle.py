"""mle: the reference against known values and independent methods, and the properties the checks rely on."""
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402

from aimath.checks import mle as checks  # noqa: E402
from aimath.checks.mle import discrete, monte_carlo, normal, plot  # noqa: E402
from aimath.gradcheck import GRAD_REL_TOL, numerical_gradient, relative_error  # noqa: E402
from aimath.judge import CheckFailed  # noqa: E402
from aimath.reference import mle as ref  # noqa: E402

RNG = np.random.default_rng(20261123)
SAMPLES = [RNG.normal(RNG.normal(0, 3), RNG.uniform(0.5, 3), int(RNG.integers(2, 50))) for _ in range(6)]


def test_contract_values():
    assert np.allclose(ref.normal_densities_at(1.0, [-1, 0, 1]), [0.0540, 0.2420, 0.3989], atol=5e-5)
    assert ref.mle_normal([1.0, 2.0, 3.0, 4.0]) == (2.5, 1.25)
    assert ref.posterior([0.4, 0.6], [0.75, 0.25])[0] == pytest.approx(2 / 3)
    assert np.allclose(ref.mle_categorical([1, 0, 1, 1], 2), [0.25, 0.75])
    estimate = ref.monte_carlo_integral(lambda x: np.exp(-x**2), -1, 1, 10_000, seed=0)
    assert estimate == pytest.approx(1.4936, abs=0.03)


@pytest.mark.parametrize("x", SAMPLES)
def test_log_likelihood_matches_scipy_and_derivatives_match_finite_differences(x):
    mu, sigma = float(np.mean(x)) + 0.3, float(np.std(x)) * 1.2
    assert ref.gaussian_log_likelihood(x, mu, sigma) == pytest.approx(stats.norm.logpdf(x, mu, sigma).sum(), rel=1e-12)
    fd = numerical_gradient(lambda v: ref.gaussian_log_likelihood(x, v[0], v[1]), np.array([mu, sigma]))
    assert relative_error([ref.dloglik_dmu(x, mu, sigma), ref.dloglik_dsigma(x, mu, sigma)], fd) < GRAD_REL_TOL


@pytest.mark.parametrize("x", SAMPLES)
def test_reference_estimate_is_the_maximum_scipy_finds(x):
    mu, sigma2 = ref.mle_normal(x)
    best_mu, best_sigma2 = normal._scipy_normal_mle(x)
    assert best_mu == pytest.approx(mu, abs=1e-5 * math.sqrt(sigma2)) and best_sigma2 == pytest.approx(sigma2, rel=1e-5)
    assert normal._maximality_failure(x, (mu, sigma2)) is None
    assert normal._maximality_failure(x, (mu, sigma2 * (1 + 1e-2))) is not None


def test_categorical_maximum_and_its_failures():
    samples = RNG.choice(4, 60, p=[0.1, 0.2, 0.3, 0.4])
    p = ref.mle_categorical(samples, 4)
    assert discrete._categorical_failure(samples, 4, p) is None
    assert "probability vector" in discrete._categorical_failure(samples, 4, p * 2)
    assert "shape" in discrete._categorical_failure(samples, 4, p[:3])
    assert "log-likelihood" in discrete._categorical_failure(samples, 4, np.full(4, 0.25))


def test_expected_plot_description_is_the_reference_figures():
    for case in plot._plot_cases():
        fig = ref.plot_normal_densities(*case.args)
        drawn = plot.describe_figure(fig, *case.args)
        expected = plot.EXPECTED_PLOT.describe(*case.args)
        assert drawn["number of density curves"] == expected["number of density curves"]
        assert np.allclose(drawn["curve heights near each mean"], expected["curve heights near each mean"],
                           atol=plot.PLOT_ABS_TOL / 10, rtol=0)
        assert np.allclose(drawn["likelihood markers at x0"], expected["likelihood markers at x0"], rtol=1e-12)


def test_plot_check_reads_scatter_ignores_guides_and_closes_every_figure():
    before = plt.get_fignums()
    fig, ax = plt.subplots()
    xs = np.linspace(-4, 4, 200)
    ax.plot(xs, stats.norm.pdf(xs, 0.5, 1))
    ax.scatter([2.0], [stats.norm.pdf(2.0, 0.5, 1)])
    ax.axvline(2.0)
    ax.axhline(0.1)
    drawn = plot.describe_figure(fig, [0.5], 2.0)
    plt.close(fig)
    assert drawn["number of density curves"] == 1
    assert np.allclose(drawn["likelihood markers at x0"], [stats.norm.pdf(2.0, 0.5, 1)])
    checks.check_plot_normal_densities(ref.plot_normal_densities)
    with pytest.raises(CheckFailed, match="must return the matplotlib Figure"):
        checks.check_plot_normal_densities(lambda mus, x0: plt.subplots()[1])
    assert plt.get_fignums() == before


def test_monte_carlo_tolerance_is_five_standard_errors():
    f = monte_carlo.Integrand("exp(-x^2)", lambda x: np.exp(-x**2))
    se = monte_carlo.standard_error(f, -1.0, 1.0, 1000)
    estimates = [ref.monte_carlo_integral(lambda x: np.exp(-x**2), -1, 1, 1000, seed=s) for s in range(200)]
    # the standard error derived by quadrature is the spread the estimator really has
    assert np.std(estimates) == pytest.approx(se, rel=0.15)
    biased = lambda f, a, b, n, seed=None: 1.1 * ref.monte_carlo_integral(f, a, b, n, seed)  # noqa: E731
    with pytest.raises(CheckFailed, match="standard errors"):
        checks.check_monte_carlo_integral(biased)


def test_monte_carlo_protocol_catches_points_outside_the_interval_and_a_non_float():
    def outside(f, a, b, n, seed=None):
        u = np.random.default_rng(seed).uniform(a - 0.1, b + 0.1, n)
        return (b - a) * float(np.mean(f(u)))

    def array_when_unseeded(f, a, b, n, seed=None):
        value = ref.monte_carlo_integral(f, a, b, n, seed)
        return value if seed is not None else np.array([value])

    def failure(estimator):
        return monte_carlo._mc_protocol_failure(monte_carlo._mc_protocol_runs(estimator))

    assert failure(outside)[1] == "samples-outside-interval"
    assert failure(array_when_unseeded)[1] == "seed-none"
    assert failure(ref.monte_carlo_integral) is None


def test_derivative_failure_reports_the_students_own_log_likelihood():
    def negative_loglik(x, mu, sigma):
        return -ref.gaussian_log_likelihood(x, mu, sigma)

    def dmu_of_negative(x, mu, sigma):
        return -ref.dloglik_dmu(x, mu, sigma)

    with pytest.raises(CheckFailed) as failure:
        checks.check_dloglik_dmu(dmu_of_negative, negative_loglik)
    assert "consistent with your log-likelihood" in str(failure.value)
    assert "sign-error" in failure.value.tags
    checks.check_dloglik_dsigma(ref.dloglik_dsigma, negative_loglik)  # a wrong log-likelihood never fails the derivative


def test_check_inputs_are_deterministic():
    """(The checks' cost is measured by benchmarks/check_cost.py.)"""
    assert [c.args for c in plot._plot_cases()] == [c.args for c in plot._plot_cases()]


def test_source_notebook_imports_what_the_catalogue_uses():
    from pathlib import Path

    import nbformat

    notebook = nbformat.read(Path(__file__).resolve().parents[1] / "source" / "mle" / "mle.ipynb", as_version=4)
    imports = next(c.source for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "imports")
    for line in ("import math", "import numpy as np", "import matplotlib.pyplot as plt"):
        assert line in imports, line
    assert "scipy" not in imports, "importing scipy.stats costs ~1.2 s per graded notebook: import it where it is used"

"""Hidden-test checks for mle, by part: the normal distribution, the densities plot, discrete distributions and
Bayes, Monte Carlo. Each `check_*` takes the student's object and raises `CheckFailed`.

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
from aimath.checks.mle.discrete import check_mle_categorical, check_posterior
from aimath.checks.mle.monte_carlo import check_monte_carlo_integral
from aimath.checks.mle.normal import (check_dloglik_dmu, check_dloglik_dsigma, check_gaussian_log_likelihood,
                                     check_mle_normal)
from aimath.checks.mle.plot import check_plot_normal_densities

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

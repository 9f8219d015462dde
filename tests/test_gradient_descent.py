"""gradient_descent: the reference keeps the contract's numbers, agrees with the shared gradient checker and with
sympy, and the checks' tolerances hold for legitimate solutions on any seed while staying cheap."""

import numpy as np
import pytest
import sympy as sym
from sympy.abc import x

from aimath import gradcheck
from aimath.checks import gradient_descent as checks
from aimath.checks.gradient_descent import regression
from aimath.reference import basic_math
from aimath.reference import gradient_descent as ref
from aimath.catalogue.gradient_descent import catalogue


def test_descent_from_3_takes_673_steps_to_about_minus_one():
    point, steps = ref.gradient_descent(ref.func, 3)
    assert steps == 673
    # the loop stops once |2x + 2| <= 1e-5, i.e. within 5e-6 of -1, and from the right
    assert -1 < point <= -1 + 5e-6 and point == pytest.approx(-0.999995, abs=1e-7)


def test_float_descent_equals_sympy_arithmetic_step_for_step():
    """The reference iterates in float64; a descent done entirely in sympy (as students write it) lands on the same
    point after the same number of steps (a cheap case: lr 0.1, epsilon 1e-2)."""
    val, steps = 3, 0
    diff = ref.func_gradient(ref.func, val)[0]
    while abs(diff) > 1e-2:
        val, steps = val - 0.1 * diff, steps + 1
        diff = ref.func_gradient(ref.func, val)[0]
    assert (float(val), steps) == ref.gradient_descent(ref.func, 3, lr_rate=0.1, epsilon=1e-2)


def test_func_and_its_gradient_known_values():
    value, poly = ref.func(3)
    assert value == 18 and poly == sym.poly(x**2 + 2 * x + 3)
    slope, derivative = ref.func_gradient(ref.func, 3)
    assert slope == 8 and sym.Poly(derivative, x).all_coeffs() == [2, 2]


@pytest.mark.parametrize("shape", [(1,), (4,), (2, 3), (2, 2, 2)])
def test_numerical_gradient_agrees_with_the_analytic_one_and_the_shared_checker(shape):
    point = np.random.default_rng(len(shape)).normal(size=shape)
    before = point.copy()
    f = lambda v: np.sum(np.sin(v) * v**2) + np.sum(v) ** 2
    grad = ref.numerical_gradient(f, point)
    assert grad.shape == shape and np.array_equal(point, before)
    assert gradcheck.gradients_agree(np.cos(point) * point**2 + 2 * point * np.sin(point) + 2 * np.sum(point), grad)
    assert np.allclose(grad, gradcheck.numerical_gradient(f, point), rtol=0, atol=1e-9)


def test_forward_difference_error_is_half_h_times_the_curvature():
    h = 1e-3
    assert ref.difference_quotient(lambda v: v**2, 3.0, h) - 6.0 == pytest.approx(h, rel=1e-6)
    assert ref.difference_quotient(lambda v: v**2, 3.0) == pytest.approx(6.0, abs=1e-5)


def test_linear_regression_gd_reaches_least_squares_and_its_loss_only_falls():
    rng = np.random.default_rng(0)
    train_x = (rng.random(1000) - 0.5) * 10
    train_y = 7 * train_x + 2
    w, b, errors = ref.linear_regression_gd(train_x, train_y, lr_rate=1e-2, n_iter=1000)
    assert (w, b) == pytest.approx((7, 2), abs=1e-6)
    assert len(errors) == 1000 and errors[0] == pytest.approx(np.mean(train_y**2))
    assert np.all(np.diff(errors) <= 0)


def test_matrix_gd_matches_the_pseudo_inverse_and_the_lecture_example():
    X = np.array([[1.0, 1.0], [1.0, 2.0], [2.0, 2.0], [2.0, 3.0]])
    y = X @ np.array([1.0, 2.0]) + 3.0
    beta = ref.linear_regression_gd_matrix(X, y, np.array([10.1, 15.1, -6.5]), lr_rate=0.05, n_iter=5000)
    assert np.allclose(beta, basic_math.fit_linear_regression(X, y), atol=1e-6)
    assert np.allclose(beta, [1, 2, 3], atol=1e-6)


def test_sgd_is_reproducible_and_lands_on_a_noise_free_line():
    rng = np.random.default_rng(1)
    train_x = rng.uniform(-1.5, 1.5, 64)
    train_y = -1.5 * train_x + 2.0
    first = ref.sgd_linear_regression(train_x, train_y, 0.2, 200, batch_size=16, seed=3)
    assert first == ref.sgd_linear_regression(train_x, train_y, 0.2, 200, batch_size=16, seed=3)
    assert first == pytest.approx((-1.5, 2.0), abs=1e-9)


def _within(sgd, case, seed):
    result = regression.sgd_probe(sgd, *case.args, **dict(case.kwargs, seed=seed))
    target = regression.sgd_target(*case.args)
    return not isinstance(result, str) and all(abs(a - t) <= case.abs_tol
                                                for a, t in zip((result["w"], result["b"]), target))


SGD_SOLUTIONS = [ref.sgd_linear_regression] + [e.obj for e in catalogue.alternatives("sgd_linear_regression")]


@pytest.mark.parametrize("sgd", SGD_SOLUTIONS, ids=lambda f: f.__name__)
def test_sgd_tolerances_hold_for_correct_solutions_on_any_seed(sgd):
    """The checks use seeds 0 and 1; a correct solution must pass with any other seed too (measured: 0 misses in
    200 seeds for each of these)."""
    misses = [(case.label, seed) for case in regression._sgd_cases() for seed in range(100, 120)
              if not _within(sgd, case, seed)]
    assert not misses


def test_a_batch_drawn_once_rarely_slips_through_the_noisy_cases():
    """A fixed batch ends near ITS OWN least-squares line; both noisy cases together catch it for most seeds
    (measured: about 94% of 200 seeds)."""
    fixed = next(e.obj for e in catalogue.mistakes("sgd_linear_regression") if e.obj.__name__ == "sgd_batch_drawn_once")
    noisy = regression._sgd_cases()[2:]
    slipped = [seed for seed in range(40) if all(_within(fixed, case, seed) for case in noisy)]
    assert len(slipped) <= 8


def test_the_reference_passes_every_check():
    for name, check in checks.CHECKS.items():
        check(getattr(ref, name))

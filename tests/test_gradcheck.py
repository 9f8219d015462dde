"""The shared gradient checker: exact on known gradients, loud on wrong ones, and never changes its input."""
import numpy as np
import pytest

from aimath.gradcheck import (GRAD_REL_TOL, gradients_agree, numerical_gradient, numerical_gradient_params, relative_error,
                              worst_offender)


def test_central_difference_matches_a_known_gradient_of_any_shape():
    x = np.random.default_rng(0).normal(size=(3, 4))
    grad = numerical_gradient(lambda v: np.sum(np.sin(v) * v**2), x)
    assert grad.shape == x.shape
    assert relative_error(np.cos(x) * x**2 + 2 * x * np.sin(x), grad) < GRAD_REL_TOL


def test_input_is_left_unchanged_and_integers_are_promoted():
    x = np.array([1, 2, 3])
    before = x.copy()
    grad = numerical_gradient(lambda v: np.sum(v**3), x)
    assert np.array_equal(x, before)
    assert relative_error(3 * before.astype(float) ** 2, grad) < GRAD_REL_TOL


def test_relative_error_flags_a_wrong_gradient_and_a_shape_mismatch():
    assert relative_error([1.0, 2.0], [-1.0, -2.0]) == pytest.approx(1.0)
    assert gradients_agree([0.0, 0.0], [0.0, 1e-12]) and not gradients_agree([0.0, 0.0], [0.0, 1e-3])
    assert not gradients_agree(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="shape"):
        relative_error(np.zeros(3), np.zeros((3, 1)))


def test_params_gradient_restores_the_params_and_names_the_worst_offender():
    params = {"W": np.array([[1.0, -2.0]]), "b": np.array([0.5])}
    saved = {k: v.copy() for k, v in params.items()}
    loss = lambda: float(np.sum(params["W"] ** 2) + 3 * params["b"][0])
    numeric = numerical_gradient_params(loss, params)
    assert all(np.array_equal(params[k], saved[k]) for k in params)
    analytic = {"W": 2 * saved["W"], "b": np.array([-3.0])}
    key, error = worst_offender(analytic, numeric)
    assert key == "b" and error > 0.5
    assert relative_error(analytic["W"], numeric["W"]) < GRAD_REL_TOL

"""rnn_bptt reference: known values, agreement with finite differences, and the cost and determinism of its checks."""

import numpy as np
import pytest

from aimath.checks import rnn_bptt as checks
from aimath.gradcheck import gradients_agree, numerical_gradient
from aimath.reference import rnn_bptt as ref

# Hand-worked example: X = [[1, 0, 1]], wx = 1, wRec = 0.5, t = 2 -> S = [0, 1, 0.5, 1.25], grad_out = -1.5.
X_SMALL = np.array([[1.0, 0.0, 1.0]])
T_SMALL = np.array([2.0])


def test_forward_states_of_the_worked_example_and_of_the_exact_counter():
    assert np.array_equal(ref.forward_states(X_SMALL, 1.0, 0.5), [[0.0, 1.0, 0.5, 1.25]])
    X, t = ref.count_ones_data(6, 7, np.random.default_rng(0))
    S = ref.forward_states(X, 1.0, 1.0)
    assert S.dtype == np.float64 and S.shape == (6, 8)
    assert np.array_equal(S[:, 1:], np.cumsum(X, axis=1)) and np.array_equal(S[:, -1], t)


def test_integer_bits_give_float_states():
    X = np.array([[1, 0, 1, 1]])
    assert np.allclose(ref.forward_states(X, 1.0, 0.5), ref.forward_states(X.astype(float), 1.0, 0.5))


def test_backward_gradient_of_the_worked_example():
    S = ref.forward_states(X_SMALL, 1.0, 0.5)
    grad_out = ref.output_gradient(S[:, -1], T_SMALL)
    assert np.array_equal(grad_out, [-1.5])
    (wx_grad, wRec_grad), grad_over_time = ref.backward_gradient(X_SMALL, S, grad_out, 0.5)
    # wx: g3 X3 + g2 X2 + g1 X1 = -1.5 - 0 - 0.375; wRec: g3 S2 + g2 S1 + g1 S0 = -0.75 - 0.75 + 0.
    assert (wx_grad, wRec_grad) == (-1.875, -1.5)
    assert np.array_equal(grad_over_time, [[-0.1875, -0.375, -0.75, -1.5]])


@pytest.mark.parametrize("n, L, wx, wRec", [(1, 1, 0.3, 0.0), (5, 4, 1.2, 0.7), (12, 9, -0.8, 1.25),
                                            (8, 6, 0.9, -1.1), (20, 3, 1.0, 1.0)])
def test_weight_gradients_agree_with_finite_differences_of_the_loss(n, L, wx, wRec):
    X, t = ref.count_ones_data(n, L, np.random.default_rng(n * L))
    (wx_grad, wRec_grad), _ = ref.gradients(X, t, wx, wRec)
    numeric = numerical_gradient(lambda w: ref.loss_at(X, t, w[0], w[1]), np.array([wx, wRec]))
    assert gradients_agree([wx_grad, wRec_grad], numeric), (wx_grad, wRec_grad, numeric)


def _loss_from_state(X, t, wx, wRec, k, state):
    """sum_i (t_i - y_i)**2 when the states at step k are replaced by `state` and the network runs on from there."""
    s = state
    for j in range(k + 1, X.shape[1] + 1):
        s = ref.update_state(X[:, j - 1], s, wx, wRec)
    return float(np.sum((t - s) ** 2))


@pytest.mark.parametrize("n, L, wx, wRec", [(3, 5, 1.1, 0.8), (4, 6, -0.6, 1.3)])
def test_grad_over_time_is_the_per_sample_gradient_with_respect_to_each_state(n, L, wx, wRec):
    X, t = ref.count_ones_data(n, L, np.random.default_rng(7))
    S = ref.forward_states(X, wx, wRec)
    _, grad_over_time = ref.gradients(X, t, wx, wRec)
    for k in range(L + 1):
        numeric = numerical_gradient(lambda s: _loss_from_state(X, t, wx, wRec, k, s), S[:, k])
        assert gradients_agree(grad_over_time[:, k], numeric), k


def test_loss_and_output_gradient():
    y, t = np.array([2.5, 0.0, 3.0]), np.array([2.0, 1.0, 3.0])
    assert ref.loss(y, t) == pytest.approx(1.25 / 3, rel=1e-15)
    assert ref.loss(t, t) == 0.0
    assert np.array_equal(ref.output_gradient(y, t), [1.0, -2.0, 0.0])
    numeric = numerical_gradient(lambda v: np.sum((t - v) ** 2), y)
    assert gradients_agree(ref.output_gradient(y, t), numeric)


def test_reference_leaves_its_inputs_alone():
    X, t = ref.count_ones_data(4, 5, np.random.default_rng(1))
    S = ref.forward_states(X, 0.9, 1.1)
    grad_out = ref.output_gradient(S[:, -1], t)
    saved = [a.copy() for a in (X, S, grad_out)]
    ref.backward_gradient(X, S, grad_out, 1.1)
    assert all(np.array_equal(a, b) for a, b in zip((X, S, grad_out), saved))


def test_checks_draw_the_same_inputs_every_time():
    first, _ = checks._backward_cases()
    again, _ = checks._backward_cases()
    assert [c.label for c in first] == [c.label for c in again]
    assert all(np.array_equal(a, b) for c, d in zip(first, again) for a, b in zip(c.args[:3], d.args[:3]))
    assert len({c.label for c in first}) == len(first), "labels identify the finite-difference problem"


def test_backward_cases_cover_several_sizes_lengths_and_regimes():
    cases, _ = checks._backward_cases()
    shapes = {c.args[0].shape for c in cases}
    assert len({n for n, _ in shapes}) >= 4 and len({L for _, L in shapes}) >= 4
    w = [c.args[3] for c in cases]
    assert min(map(abs, w)) == 0 and any(abs(v) == 1 for v in w) and any(abs(v) > 1 for v in w)


"""backprop: the reference against known values and central differences, and the checks' own properties."""
import warnings

import numpy as np
import pytest

from aimath.checks import backprop as checks
from aimath.checks.backprop import activations, layers, network
from aimath.gradcheck import GRAD_REL_TOL, gradients_agree, numerical_gradient, numerical_gradient_params
from aimath.judge import CheckFailed
from aimath.reference import backprop as ref


def test_known_values_from_the_textbook():
    assert ref.sigmoid(0.0) == 0.5 and ref.sigmoid_grad(0.0) == 0.25
    assert np.allclose(ref.softmax(np.array([0.3, 2.9, 4.0])), [0.01821127, 0.24519181, 0.73659691])
    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    assert ref.cross_entropy_error(y, np.eye(10)[2]) == pytest.approx(0.510825457099338, abs=activations.LOSS_ABS_TOL)
    assert ref.cross_entropy_error(y[[0, 1, 7, 3, 4, 5, 6, 2, 8, 9]], np.eye(10)[2]) == pytest.approx(2.302584092994546,
                                                                                                    abs=activations.LOSS_ABS_TOL)


def test_softmax_is_stable_shift_invariant_and_rows_sum_to_one():
    x = np.random.default_rng(1).normal(0, 3, (4, 5))
    big = x + np.array([[1000.0], [-1000.0], [0.0], [700.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.allclose(ref.softmax(big), ref.softmax(x))
    assert np.allclose(ref.softmax(x).sum(axis=1), 1.0)
    assert np.allclose(ref.softmax(x[0]), ref.softmax(x)[0])


def test_labels_and_one_hot_give_the_same_loss_and_gradient():
    rng = np.random.default_rng(2)
    x, labels = rng.normal(size=(6, 4)), rng.integers(0, 4, 6)
    a, b = ref.SoftmaxWithLoss(), ref.SoftmaxWithLoss()
    assert a.forward(x, labels) == pytest.approx(b.forward(x, np.eye(4)[labels]))
    assert np.allclose(a.backward(), b.backward())
    assert np.allclose(a.backward(), (ref.softmax(x) - np.eye(4)[labels]) / 6)


@pytest.mark.parametrize("n, d, m", [(1, 3, 2), (7, 4, 5)])
def test_reference_layers_agree_with_central_differences(n, d, m):
    rng = np.random.default_rng([n, d, m])
    W, b, x, dout = rng.normal(size=(d, m)), rng.normal(size=m), rng.normal(size=(n, d)), rng.normal(size=(n, m))
    layer = ref.Affine(W, b)
    layer.forward(x)
    dx = layer.backward(dout)
    assert gradients_agree(dx, numerical_gradient(lambda v: np.sum(ref.Affine(W, b).forward(v) * dout), x))
    assert gradients_agree(layer.dW, numerical_gradient(lambda v: np.sum(ref.Affine(v, b).forward(x) * dout), W))
    assert gradients_agree(layer.db, numerical_gradient(lambda v: np.sum(ref.Affine(W, v).forward(x) * dout), b))
    h = layers._away_from_kink(rng, (n, m))
    for cls in (ref.Relu, ref.Sigmoid):
        layer = cls()
        layer.forward(h)
        assert gradients_agree(layer.backward(dout.copy()),
                               numerical_gradient(lambda v: np.sum(cls().forward(v) * dout), h)), cls.__name__
    labels = rng.integers(0, m, n)
    loss = ref.SoftmaxWithLoss()
    loss.forward(x @ W, labels)
    assert gradients_agree(loss.backward(), numerical_gradient(lambda v: ref.SoftmaxWithLoss().forward(v, labels), x @ W))
    assert gradients_agree(ref.sigmoid_grad(x), numerical_gradient(lambda v: np.sum(ref.sigmoid(v)), x))


def test_reference_network_gradient_agrees_with_central_differences_and_keeps_params_shared():
    for case in network._net_cases():
        x, t, params = case.args
        net = network._net_with(ref.TwoLayerNet, params)
        analytic = net.gradient(x, t)
        numeric = numerical_gradient_params(lambda: net.loss(x, t), net.params)
        assert all(gradients_agree(analytic[k], numeric[k], rel_tol=GRAD_REL_TOL) for k in network.NET_KEYS), case.label
        assert net.layers["Affine1"].W is net.params["W1"]


def test_reference_network_learns_separable_blobs():
    rng = np.random.default_rng(3)
    centres = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    labels = np.repeat(np.arange(3), 30)
    x = centres[labels] + rng.normal(0, 0.7, (90, 2))
    np.random.seed(0)
    net = ref.TwoLayerNet(2, 10, 3, weight_init_std=0.5)
    first = net.loss(x, labels)
    for _ in range(200):
        grads = net.gradient(x, labels)
        for key in network.NET_KEYS:
            net.params[key] -= 0.5 * grads[key]
    assert net.loss(x, labels) < 0.2 * first and net.accuracy(x, labels) > 0.95


def test_checks_leave_numpy_random_alone():
    """(Their cost is measured by benchmarks/check_cost.py.)"""
    state = np.random.get_state()
    for name, check in checks.CHECKS.items():
        check(getattr(ref, name))
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2:] == after[2:]


def test_an_overflowing_softmax_fails_in_words_even_when_warnings_are_errors():
    def softmax(x):
        e = np.exp(x)
        return e / e.sum(axis=-1, keepdims=True)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(CheckFailed, match=r"softmax-overflow") as first:
            checks.check_softmax(softmax)
        with pytest.raises(CheckFailed) as second:
            checks.check_softmax(softmax)
    assert str(first.value) == str(second.value)
    assert "nan" in str(first.value)


def test_a_network_whose_loss_ignores_param_changes_fails_the_finite_difference_check():
    class CachedLoss(ref.TwoLayerNet):
        """The loss is computed once and cached: backprop is right, but the loss no longer depends on params."""

        def loss(self, x, t):
            if not hasattr(self, "cached"):
                self.cached = super().loss(x, t)
            return self.cached

    with pytest.raises(CheckFailed, match="central differences of your own forward pass") as failure:
        checks.check_TwoLayerNet(CachedLoss)
    assert "worst offender" in str(failure.value)


def test_a_gradient_message_names_the_worst_offending_parameter():
    class BiasNotSummed(ref.Affine):
        def backward(self, dout):
            dx = super().backward(dout)
            self.db = dout
            return dx

    with pytest.raises(CheckFailed, match=r"\[bias-not-summed\]") as failure:
        checks.check_Affine(BiasNotSummed)
    assert "db missing or of the wrong shape" in str(failure.value)

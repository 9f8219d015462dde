"""backprop checks, part 2: the layers Affine, Relu, Sigmoid and SoftmaxWithLoss.

A layer is judged through probes: construct it (with seeded parameters), run forward, run backward with a seeded
upstream gradient `dout`, and return the outputs and gradients as a dict of arrays. Every gradient is compared with
the reference AND with central differences of the student's own forward pass (aimath.gradcheck).
"""
from dataclasses import replace

import numpy as np

from aimath.checks.backprop.activations import (LABELS_HINT, LARGE_HINT, LOSS_ABS_TOL, ONE_HOT_HINT, ZERO_PROB_HINT,
                                                _naive_softmax, _one_hot, _scores_and_labels)
from aimath.gradcheck import numerical_gradient
from aimath.judge import (Case, Diagnosis, Hint, check_cases, gradient_property, own_central_differences, seeded_rng,
                          worst_gradient)
from aimath.reference import backprop as ref

# The textbook's delta inside the log (see LOSS_ABS_TOL) changes the derivative of the loss by a relative
# 1e-7 / MIN_TRUE_PROB = 2e-6, so a backward pass is compared with central differences of a student's LOSS with this
# tolerance (other layers use GRAD_REL_TOL).
LOSS_FD_REL_TOL = 1e-5

# ReLU inputs (and the hidden pre-activations of the network) stay at least this far from the kink at 0, far more
# than a central-difference step FD_STEP times the input scale can move them.
KINK_MARGIN = 0.1

SHAPE_HINT = Hint("shape-mismatch", "check every shape: for x (N, D) and W (D, M), dx = dout @ W.T is (N, D), "
                  "dW = x.T @ dout is (D, M) and db = dout summed over the batch (axis=0) is (M,).",
                  raised=("could not be broadcast", "not aligned", "mismatch in its core dimension"))


def _own_gradients(student, how, keys, **options):
    """An `extra` property: the gradients agree with central differences of the student's own forward pass, which
    how(student, *case.args) computes where the student's code lives (`judge.own_central_differences`)."""
    return gradient_property(own_central_differences(student, how), keys, of="your own forward pass",
                             ask="Does forward give the same result every time it is called?", **options)


def _away_from_kink(rng, shape, scale=1.0):
    """Normal draws pushed at least KINK_MARGIN away from 0 (ReLU is not differentiable there)."""
    z = rng.normal(0.0, scale, shape)
    return np.sign(z) * (KINK_MARGIN + np.abs(z))


# ---------------------------------------------------------------- Affine

def _affine_probe(cls, W, b, x, dout):
    layer = cls(W, b)
    out = layer.forward(x)
    dx = layer.backward(np.array(dout, copy=True))
    return {"out": out, "dx": dx, "dW": layer.dW, "db": layer.db}


def _affine_cases():
    rng = seeded_rng("Affine")
    cases = []
    for n, d, m in [(1, 3, 2), (5, 4, 3), (3, 3, 3), (8, 6, 4), (2, 5, 7)]:
        cases.append(Case((rng.normal(0, 1, (d, m)), rng.normal(0, 1, m), rng.normal(0, 1, (n, d)),
                           rng.normal(0, 1, (n, m))), label=f"batch of {n}, {d} inputs -> {m} outputs"))
    return cases


def _affine_fd(Affine, W, b, x, dout):
    def L(W_, b_, x_):
        return float(np.sum(Affine(W_, b_).forward(x_) * dout))
    return {"dx": numerical_gradient(lambda v: L(W.copy(), b.copy(), v), x),
            "dW": numerical_gradient(lambda v: L(v, b.copy(), x.copy()), W),
            "db": numerical_gradient(lambda v: L(W.copy(), v, x.copy()), b)}


def _affine_variant(forward=None, backward=None):
    class Variant(ref.Affine):
        def forward(self, x):
            self.x = np.asarray(x, dtype=float)
            return forward(self, self.x) if forward else super().forward(x)

        def backward(self, dout):
            dx = super().backward(dout)
            return backward(self, dout, dx) if backward else dx
    return lambda *args: _affine_probe(Variant, *args)


def _set(**values):
    """backward hook: overwrite dW/db of the layer with values computed from (layer, dout)."""
    def hook(layer, dout, dx):
        for key, fn in values.items():
            setattr(layer, key, fn(layer, dout))
        return dx
    return hook


def check_Affine(Affine):
    """Affine(W, b): forward x @ W + b, backward dx = dout @ W.T with dW = x.T @ dout and db = dout summed over the
    batch, for batches of 1 to 8 samples (x (N, D), W (D, M), b (M,), dout (N, M)): compared with the reference and
    with central differences of the student's own forward pass. Raises CheckFailed naming the worst-offending
    gradient and a model of the mistake (transposes, bias not summed or summed on the wrong axis, keepdims, divided
    by the batch, missing bias, dout returned) or shape-mismatch when a shape error was raised."""
    check_cases("Affine", Affine, ref.Affine, _affine_cases(), how=_affine_probe,
                parameter_names=("W", "b", "x", "dout"), quiet=True, evidence=[worst_gradient(("dx", "dW", "db"))],
                extra=_own_gradients(Affine, _affine_fd, ("dx", "dW", "db")), diagnoses=[
        Diagnosis("transposes-swapped", "dW = x.T @ dout, which has W's shape (D, M); dout.T @ x is its transpose.",
                  _affine_variant(backward=_set(dW=lambda s, d: d.T @ s.x))),
        Diagnosis("bias-not-summed", "b is shared by every sample, so db = np.sum(dout, axis=0) adds the gradients "
                  "of the whole batch; it has b's shape (M,).", _affine_variant(backward=_set(db=lambda s, d: d.copy()))),
        Diagnosis("bias-not-summed", "db = dout[0] is the first sample's gradient only: b is shared by every sample, "
                  "so db = np.sum(dout, axis=0) adds the gradients of the whole batch.",
                  _affine_variant(backward=_set(db=lambda s, d: np.array(d[0], dtype=float)))),
        Diagnosis("bias-summed-wrong-axis", "sum dout over the BATCH, axis=0, to get db of shape (M,).",
                  _affine_variant(backward=_set(db=lambda s, d: np.sum(d, axis=1)))),
        Diagnosis("db-keepdims", "db must have b's shape (M,): np.sum(dout, axis=0) without keepdims=True.",
                  _affine_variant(backward=_set(db=lambda s, d: np.sum(d, axis=0, keepdims=True)))),
        Diagnosis("divided-by-batch-in-affine", "do not divide by the batch size in Affine: the loss layer "
                  "(SoftmaxWithLoss) already divides by N once.",
                  _affine_variant(backward=_set(dW=lambda s, d: s.x.T @ d / len(d),
                                                db=lambda s, d: np.sum(d, axis=0) / len(d)))),
        Diagnosis("missing-bias", "forward is x @ W + b: add the bias.",
                  _affine_variant(forward=lambda s, x: x @ s.W)),
        Diagnosis("returned-dout", "backward must return dx = dout @ W.T (the gradient for the layer's input).",
                  _affine_variant(backward=lambda s, dout, dx: dout)),
    ], hints=[replace(SHAPE_HINT, raised=SHAPE_HINT.raised + ("shapes",))])


# ---------------------------------------------------------------- Relu and Sigmoid

def _elementwise_probe(cls, x, dout):
    layer = cls()
    out = layer.forward(x)
    dx = layer.backward(np.array(dout, copy=True))  # backward may overwrite dout (the textbook Relu does)
    return {"out": out, "dx": dx}


def _elementwise_cases(name, relu):
    rng = seeded_rng(name)
    draw = (lambda shape: _away_from_kink(rng, shape)) if relu else (lambda shape: rng.normal(0, 2, shape))
    cases = [Case((np.array([[-1.5, 0.5, 2.0], [1.0, -0.25, -3.0]]), np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])),
                  label="small example")]
    for shape in [(1, 4), (5, 3), (3, 6)]:
        cases.append(Case((draw(shape), rng.normal(0, 1, shape)), label=f"random {shape} batch"))
    cases.append(Case((draw(5), rng.normal(0, 1, 5)), label="a 1-D input"))
    return cases


def _elementwise_fd(layer, x, dout):
    return {"dx": numerical_gradient(lambda v: float(np.sum(layer().forward(v) * dout)), x)}


def _elementwise_variant(base, forward=None, backward=None):
    class Variant(base):
        def forward(self, x):
            self.x = np.asarray(x, dtype=float)
            out = super().forward(x)
            return forward(self, self.x, out) if forward else out

        def backward(self, dout):
            dx = super().backward(dout)
            return backward(self, np.asarray(dout, dtype=float), dx) if backward else dx
    return lambda *args: _elementwise_probe(Variant, *args)


def check_Relu(Relu):
    """Relu(): forward max(0, x), backward dout where x > 0 and 0 elsewhere, for a small example, random batches and
    a 1-D input kept KINK_MARGIN away from 0: compared with the reference and with central differences of the
    student's own forward pass. Raises CheckFailed naming the mistake (mask taken after the overwrite or inverted,
    dout forgotten, mask returned, leaky ReLU, gradient times the output)."""
    check_cases("Relu", Relu, ref.Relu, _elementwise_cases("Relu", relu=True), how=_elementwise_probe,
                parameter_names=("x", "dout"), quiet=True, evidence=[worst_gradient(("dx",))],
                extra=_own_gradients(Relu, _elementwise_fd, ("dx",)), diagnoses=[
        Diagnosis("relu-mask-after-overwrite", "take the mask from the input BEFORE setting its negative entries "
                  "to 0: afterwards nothing is negative, so the mask is empty and every gradient passes through. "
                  "self.mask = (x <= 0) first, then out = x.copy(); out[self.mask] = 0.",
                  _elementwise_variant(ref.Relu, backward=lambda s, dout, dx: dout)),
        Diagnosis("relu-mask-inverted", "the gradient passes where x > 0 and is 0 where x <= 0; your mask is the "
                  "other way round.", _elementwise_variant(ref.Relu, backward=lambda s, dout, dx: dout * (s.x <= 0))),
        Diagnosis("forgot-dout", "backward returns dout times the local gradient (1 where x > 0, else 0), not the "
                  "local gradient alone.", _elementwise_variant(ref.Relu, backward=lambda s, dout, dx: (s.x > 0) * 1.0)),
        Diagnosis("relu-returned-mask", "forward returns max(0, x), the values themselves, not a True/False mask.",
                  _elementwise_variant(ref.Relu, forward=lambda s, x, out: x > 0)),
        Diagnosis("leaky-relu", "this is a leaky ReLU: negative inputs give exactly 0 (and gradient 0).",
                  _elementwise_variant(ref.Relu, forward=lambda s, x, out: np.where(x > 0, x, 0.01 * x),
                                       backward=lambda s, dout, dx: np.where(s.x > 0, dout, 0.01 * dout))),
        Diagnosis("relu-grad-times-output", "the local gradient of ReLU is 1 where x > 0 (not x itself): "
                  "dx = dout where x > 0, else 0.",
                  _elementwise_variant(ref.Relu, backward=lambda s, dout, dx: dout * np.maximum(s.x, 0))),
    ])


def check_Sigmoid(Sigmoid):
    """Sigmoid(): forward 1 / (1 + exp(-x)), backward dout * out (1 - out), for a small example, random batches and a
    1-D input: compared with the reference and with central differences of the student's own forward pass. Raises
    CheckFailed naming the mistake (sign, dout forgotten, input used instead of the output, tanh's derivative, the
    1 - out factor missing)."""
    check_cases("Sigmoid", Sigmoid, ref.Sigmoid, _elementwise_cases("Sigmoid", relu=False), how=_elementwise_probe,
                parameter_names=("x", "dout"), quiet=True, evidence=[worst_gradient(("dx",))],
                extra=_own_gradients(Sigmoid, _elementwise_fd, ("dx",)), diagnoses=[
        Diagnosis("sigmoid-grad-plus", "the local gradient is out (1 - out), with a MINUS: dx = dout * out * (1 - out).",
                  _elementwise_variant(ref.Sigmoid, backward=lambda s, dout, dx: dout * s.out * (1 + s.out))),
        Diagnosis("forgot-dout", "multiply the local gradient out (1 - out) by the upstream gradient dout.",
                  _elementwise_variant(ref.Sigmoid, backward=lambda s, dout, dx: s.out * (1 - s.out))),
        Diagnosis("used-input-not-output", "out (1 - out) uses the OUTPUT sigmoid(x) stored in forward, "
                  "not the input x.", _elementwise_variant(ref.Sigmoid, backward=lambda s, dout, dx: dout * s.x * (1 - s.x))),
        Diagnosis("sigmoid-sign", "forward is 1 / (1 + exp(-x)): the exponent is MINUS x.",
                  _elementwise_variant(ref.Sigmoid, forward=lambda s, x, out: 1 - out,
                                       backward=lambda s, dout, dx: dx)),
        Diagnosis("tanh-derivative", "1 - out**2 is the derivative of tanh; for sigmoid it is out (1 - out).",
                  _elementwise_variant(ref.Sigmoid, backward=lambda s, dout, dx: dout * (1 - s.out ** 2))),
        Diagnosis("missing-1-minus-out", "the local gradient is out * (1 - out), not out alone.",
                  _elementwise_variant(ref.Sigmoid, backward=lambda s, dout, dx: dout * s.out)),
    ])


# ---------------------------------------------------------------- SoftmaxWithLoss

def _loss_forward_probe(cls, x, t):
    return cls().forward(x, t)


def _loss_backward_probe(cls, x, t):
    layer = cls()
    layer.forward(x, t)
    return layer.backward(1)


def _loss_cases(name):
    rng = seeded_rng(name)
    cases = [Case((np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1002.0, -1001.0]]), np.array([2, 1])),
                  label="large scores (exp overflows unless the row maximum is subtracted), integer labels t"),
             Case((np.array([[0.0, -800.0, -805.0]]), np.array([[1.0, 0.0, 0.0]])),
                  label="scores 800 apart: two probabilities are exactly 0, t = [[1, 0, 0]]")]
    for n, c, one_hot in [(1, 3, True), (4, 3, False), (5, 4, True), (3, 6, False), (6, 2, True)]:
        x, labels = _scores_and_labels(rng, n, c)
        t = _one_hot(labels, c) if one_hot else labels
        cases.append(Case((x, t), label=f"batch of {n}, {c} classes, {'one-hot t' if one_hot else 'integer labels t'}"))
    return cases


def _loss_fd(layer, x, t):
    return {None: numerical_gradient(lambda v: float(layer().forward(v, np.array(t, copy=True))), x)}


class _LossVariant(ref.SoftmaxWithLoss):
    def forward(self, x, t):
        self.x = np.asarray(x, dtype=float)
        return super().forward(x, t)


def _loss_variant(probe_fn, forward=None, backward=None):
    class Variant(_LossVariant):
        def forward(self, x, t):
            loss = super().forward(x, t)
            return forward(self, self.x, t, loss) if forward else loss

        def backward(self, dout=1):
            dx = super().backward(dout)
            return backward(self, dx) if backward else dx
    return lambda *args: probe_fn(Variant, *args)


def _ce_of(y, t):
    return ref.cross_entropy_error(y, t)


def check_SoftmaxWithLoss(SoftmaxWithLoss):
    """SoftmaxWithLoss(): forward(x, t) is the mean cross-entropy of softmax(x) (within LOSS_ABS_TOL), backward(1)
    is (softmax(x) - t) / N, for scores (N, C) including scores in the thousands and probabilities that are exactly
    0, with t as integer labels or one-hot: compared with the reference, and backward with central differences of
    the student's own loss (LOSS_FD_REL_TOL). Raises CheckFailed naming the mistake (overflow, not averaged, wrong
    axis, sign; no batch division, divided by N * C, scores used) or a hint from the failing inputs; when it names
    none, it says the student's softmax and cross_entropy_error may be at fault."""
    cases = _loss_cases("SoftmaxWithLoss")
    forward_cases = [Case(c.args, label=c.label, abs_tol=LOSS_ABS_TOL) for c in cases]
    check_cases("SoftmaxWithLoss (forward: the loss)", SoftmaxWithLoss, ref.SoftmaxWithLoss, forward_cases,
                how=_loss_forward_probe, parameter_names=("x", "t"), quiet=True,
                uses="softmax and cross_entropy_error", diagnoses=[
        Diagnosis("softmax-overflow", "np.exp overflows for scores above about 709 (inf / inf = nan). Subtract each "
                  "row's maximum before np.exp; the softmax is unchanged.",
                  _loss_variant(_loss_forward_probe, forward=lambda s, x, t, loss: _ce_of(_naive_softmax(x), t))),
        Diagnosis("loss-not-averaged", "the loss is the MEAN cross-entropy over the batch: divide by N.",
                  _loss_variant(_loss_forward_probe, forward=lambda s, x, t, loss: loss * len(x))),
        *[Diagnosis("softmax-wrong-axis", "softmax normalises each ROW (one sample per row): sum over axis=-1.",
                    _loss_variant(_loss_forward_probe, forward=lambda s, x, t, loss, d=delta: _ce_of(
                        np.exp(x - x.max(axis=0)) / np.exp(x - x.max(axis=0)).sum(axis=0) + d, t)))
          for delta in (0.0, 1e-7)],  # with or without the textbook's log(y + 1e-7): some y are exactly 0
        Diagnosis("missing-minus", "the loss is MINUS the mean log-probability of the correct class (it is >= 0).",
                  _loss_variant(_loss_forward_probe, forward=lambda s, x, t, loss: -loss)),
    ], hints=[ZERO_PROB_HINT, LARGE_HINT, LABELS_HINT, ONE_HOT_HINT])
    check_cases("SoftmaxWithLoss (backward: dx)", SoftmaxWithLoss, ref.SoftmaxWithLoss, cases,
                how=_loss_backward_probe, parameter_names=("x", "t"), quiet=True,
                uses="softmax and cross_entropy_error", evidence=[worst_gradient((None,))],
                extra=_own_gradients(SoftmaxWithLoss, _loss_fd, (None,), rel_tol=LOSS_FD_REL_TOL), diagnoses=[
        Diagnosis("missing-batch-division", "the loss is a mean over the batch, so dx = (y - t) / N: divide by the "
                  "batch size.", _loss_variant(_loss_backward_probe, backward=lambda s, dx: dx * len(s.x))),
        Diagnosis("sign-flipped", "dx = (y - t) / N: softmax output MINUS the one-hot target.",
                  _loss_variant(_loss_backward_probe, backward=lambda s, dx: -dx)),
        Diagnosis("divided-by-size", "divide by the batch size N = x.shape[0], not by the number of entries N * C.",
                  _loss_variant(_loss_backward_probe, backward=lambda s, dx: dx / s.x.shape[1])),
        Diagnosis("used-scores-not-softmax", "dx = (y - t) / N uses the softmax OUTPUT y stored in forward, not "
                  "the scores x.", _loss_variant(_loss_backward_probe, backward=lambda s, dx: dx + (s.x - s.y) / len(s.x))),
    ], hints=[LABELS_HINT, ONE_HOT_HINT])

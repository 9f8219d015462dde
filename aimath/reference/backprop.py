"""backprop: activations, a stable softmax with cross-entropy, layers with forward/backward, a two-layer network.

Shapes: a batch is (N, D) (N samples in rows); scores and probabilities are (N, C); labels are (N,) integers or an
(N, C) one-hot array. Every layer keeps what its backward pass needs from the forward pass (the micrograd/cs231n
pattern), and backward(dout) returns the gradient of the final loss with respect to the layer's input.
"""
from collections import OrderedDict

import numpy as np


def sigmoid(x):
    """x: number or array (any shape) -> same shape, 1 / (1 + exp(-x)) elementwise, in (0, 1).

    For x below about -709, exp(-x) overflows to inf and 1 / inf = 0 is the correct limit: the overflow is silenced.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def sigmoid_grad(x):
    """x: number or array -> same shape, d sigmoid / dx = sigmoid(x) (1 - sigmoid(x)), evaluated at the INPUT x."""
    s = sigmoid(x)
    return (1.0 - s) * s


def softmax(x):
    """x: (N, C) scores (or one row (C,)) -> same shape, exp(x_ij - m_i) / sum_k exp(x_ik - m_i) per row.

    m_i = max_k x_ik: subtracting it leaves the result unchanged and keeps exp from overflowing for large scores.
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def to_labels(t, y_shape):
    """t: one-hot (same shape as y) or integer labels -> integer labels (N,), for y of shape (N, C) or (C,)."""
    t = np.asarray(t)
    if t.shape == tuple(y_shape):  # one-hot
        return np.argmax(t.reshape(-1, y_shape[-1]), axis=1)
    return t.reshape(-1).astype(np.intp)


def cross_entropy_error(y, t):
    """y: (N, C) probabilities (or one row (C,)), t: one-hot like y or labels (N,) -> float.

    E = -(1/N) sum_n log y[n, t_n]: the mean over the batch of minus the log-probability of the correct class.
    """
    y = np.asarray(y, dtype=np.float64)
    labels = to_labels(t, y.shape)
    y = y.reshape(-1, y.shape[-1])
    return float(-np.mean(np.log(y[np.arange(y.shape[0]), labels]))) + 0.0  # + 0.0 turns -0.0 into 0.0


class Affine:
    """out = x W + b for x: (N, D), W: (D, M), b: (M,). backward: dx = dout W^T, dW = x^T dout, db = sum_n dout."""

    def __init__(self, W, b):
        self.W, self.b = W, b  # shared with the caller (TwoLayerNet.params), so in-place updates reach the layer
        self.x = self.dW = self.db = None

    def forward(self, x):
        """x: (N, D) -> x W + b: (N, M), float64; keeps x for backward."""
        self.x = np.asarray(x, dtype=np.float64)
        return self.x @ self.W + self.b

    def backward(self, dout):
        """dout: (N, M) -> dx: (N, D); sets dW: (D, M) and db: (M,). Call forward first."""
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return dout @ self.W.T


class Relu:
    """out = max(0, x) elementwise. backward: dout where x > 0, else 0 (the mask is taken BEFORE anything changes)."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        """x: array of any shape -> max(0, x) of that shape (a copy: x is left as it is); keeps the mask x <= 0."""
        x = np.asarray(x, dtype=np.float64)
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0.0
        return out

    def backward(self, dout):
        """dout: x's shape -> dx: dout with 0 where x <= 0 (a copy). Call forward first."""
        dx = np.array(dout, dtype=np.float64, copy=True)
        dx[self.mask] = 0.0
        return dx


class Sigmoid:
    """out = sigmoid(x). backward: dout * out (1 - out), reusing the stored OUTPUT."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """x: array of any shape -> sigmoid(x) of that shape; keeps the output for backward."""
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        """dout: x's shape -> dout * out (1 - out). Call forward first."""
        return dout * (1.0 - self.out) * self.out


class SoftmaxWithLoss:
    """forward(x, t): loss = cross_entropy_error(softmax(x), t). backward(dout=1): dx = dout (y - t_onehot) / N."""

    def __init__(self):
        self.loss = self.y = self.t = None

    def forward(self, x, t):
        """x: scores (N, C) (or (C,)); t: labels (N,) or one-hot (N, C) -> the mean cross-entropy, a float."""
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, t)
        return self.loss

    def backward(self, dout=1):
        """dout: a number -> dx of x's shape, dout (softmax(x) - one-hot t) / N. Call forward first."""
        y = self.y.reshape(-1, self.y.shape[-1])
        n = y.shape[0]
        dx = y.copy()
        dx[np.arange(n), to_labels(self.t, self.y.shape)] -= 1.0
        return (dout * dx / n).reshape(self.y.shape)


class TwoLayerNet:
    """Affine(W1, b1) -> Relu -> Affine(W2, b2) -> SoftmaxWithLoss.

    params: W1 (input_size, hidden_size), b1 (hidden_size,), W2 (hidden_size, output_size), b2 (output_size,);
    weights ~ weight_init_std * N(0, 1), biases 0. predict(x) gives the scores (N, output_size) BEFORE softmax;
    loss(x, t) the mean cross-entropy; accuracy(x, t) the fraction of argmax hits; gradient(x, t) the backprop
    gradients of loss(x, t) as a dict with the keys of params.
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        """x: (N, input_size) -> scores (N, output_size) before softmax."""
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        """x: (N, input_size); t: labels (N,) or one-hot (N, output_size) -> the mean cross-entropy, a float."""
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        """x, t as for loss -> the fraction of rows whose argmax score is the label, a float in [0, 1]."""
        y = np.argmax(self.predict(x), axis=1)
        return float(np.mean(y == to_labels(t, (np.shape(x)[0], len(self.params["b2"])))))

    def gradient(self, x, t):
        """x, t as for loss -> {"W1", "b1", "W2", "b2"}: d loss / d each parameter, shaped as params, by
        backpropagation."""
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        a1, a2 = self.layers["Affine1"], self.layers["Affine2"]
        return {"W1": a1.dW, "b1": a1.db, "W2": a2.dW, "b2": a2.db}

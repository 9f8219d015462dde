"""backprop: plausible student mistakes and alternative correct solutions, written as students write them.

Entries use only numpy (np) and math, so they can be pasted into the notebook under the graded name. The layer
and network entries are complete classes for the same reason.
"""
import math

import numpy as np

from aimath.catalogue import Catalogue

catalogue = Catalogue("backprop")
mistake, alternative = catalogue.mistake, catalogue.alternative


# ------------------------------------------------------------------ sigmoid

@mistake("sigmoid", diagnosis="sigmoid-sign")
def sigmoid_plus_x(x):
    """exp(x) instead of exp(-x)."""
    return 1 / (1 + np.exp(x))


@mistake("sigmoid", diagnosis="missing-parentheses")
def sigmoid_precedence(x):
    """1 / 1 + exp(-x): the division happens first."""
    return 1 / 1 + np.exp(-x)


@mistake("sigmoid", diagnosis="sigmoid-sign")
def sigmoid_complement(x):
    """exp(-x) / (1 + exp(-x)), which is 1 - sigmoid(x)."""
    return np.exp(-x) / (1 + np.exp(-x))


@mistake("sigmoid", diagnosis="used-tanh")
def sigmoid_tanh(x):
    """Uses tanh as 'the' squashing function."""
    return np.tanh(x)


@mistake("sigmoid", diagnosis="lost-sign-of-x")
def sigmoid_abs(x):
    """A stability attempt with exp(-|x|) that loses the sign of x."""
    return 1 / (1 + np.exp(-np.abs(x)))


@mistake("sigmoid", diagnosis="math-on-array")
def sigmoid_math_exp(x):
    """math.exp, which works for one number only."""
    return 1 / (1 + math.exp(-x))


@mistake("sigmoid", diagnosis="returned-derivative")
def sigmoid_derivative(x):
    """Returns the derivative instead of the function."""
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


@alternative("sigmoid")
def sigmoid_power_of_e(x):
    """np.e ** -x."""
    return 1 / (1 + np.e ** -x)


@alternative("sigmoid")
def sigmoid_via_tanh(x):
    """sigmoid(x) = (1 + tanh(x / 2)) / 2, never overflows."""
    return 0.5 * (1 + np.tanh(0.5 * x))


@alternative("sigmoid")
def sigmoid_vectorized_math(x):
    """math.exp wrapped in np.vectorize."""
    return np.vectorize(lambda v: 1 / (1 + math.exp(-v)))(x)


# ------------------------------------------------------------------ sigmoid_grad

@mistake("sigmoid_grad", diagnosis="sigmoid-grad-plus")
def sigmoid_grad_plus(x):
    """s (1 + s) instead of s (1 - s)."""
    s = 1 / (1 + np.exp(-x))
    return s * (1 + s)


@mistake("sigmoid_grad", diagnosis="applied-to-input")
def sigmoid_grad_of_input(x):
    """x (1 - x): the formula applied to the input instead of sigmoid(x)."""
    return x * (1 - x)


@mistake("sigmoid_grad", diagnosis="sign-flipped")
def sigmoid_grad_negative(x):
    """-exp(-x) / (1 + exp(-x))**2: the chain rule's minus sign kept twice."""
    return -np.exp(-x) / (1 + np.exp(-x)) ** 2


@mistake("sigmoid_grad", diagnosis="missing-factor")
def sigmoid_grad_one_minus(x):
    """Only the (1 - s) factor."""
    return 1 - 1 / (1 + np.exp(-x))


@mistake("sigmoid_grad", diagnosis="returned-sigmoid")
def sigmoid_grad_is_sigmoid(x):
    """Returns sigmoid(x), as if it were its own derivative (like exp)."""
    return 1 / (1 + np.exp(-x))


@mistake("sigmoid_grad", diagnosis="tanh-derivative")
def sigmoid_grad_tanh_rule(x):
    """1 - s**2, the rule for tanh."""
    s = 1 / (1 + np.exp(-x))
    return 1 - s ** 2


@mistake("sigmoid_grad", diagnosis="missing-factor")
def sigmoid_grad_unsquared(x):
    """Quotient rule with the denominator not squared."""
    return np.exp(-x) / (1 + np.exp(-x))


@alternative("sigmoid_grad")
def sigmoid_grad_quotient_rule(x):
    """exp(-x) / (1 + exp(-x))**2 from the quotient rule."""
    return np.exp(-x) / (1 + np.exp(-x)) ** 2


@alternative("sigmoid_grad")
def sigmoid_grad_symmetry(x):
    """sigmoid(x) * sigmoid(-x), since 1 - sigmoid(x) = sigmoid(-x)."""
    return 1 / (1 + np.exp(-x)) * (1 / (1 + np.exp(x)))


# ------------------------------------------------------------------ softmax

@mistake("softmax", diagnosis="softmax-overflow")
def softmax_naive(x):
    """No max subtraction: exp overflows for large scores."""
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


@mistake("softmax", diagnosis="softmax-global-max")
def softmax_global_max(x):
    """Subtracts the maximum of the whole array instead of each row's."""
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=-1, keepdims=True)


@mistake("softmax", diagnosis="normalised-whole-batch")
def softmax_whole_sum(x):
    """Divides by the sum of the whole batch (the 1-D textbook version used on a batch)."""
    c = np.max(x)
    e = np.exp(x - c)
    return e / np.sum(e)


@mistake("softmax", diagnosis="normalised-columns")
def softmax_columns(x):
    """Normalises over axis 0, the batch."""
    e = np.exp(x - np.max(x, axis=0))
    return e / np.sum(e, axis=0)


@mistake("softmax", diagnosis="max-not-keepdims")
def softmax_no_keepdims(x):
    """Row maximum without keepdims, so it broadcasts along the wrong axis."""
    if x.ndim == 1:
        e = np.exp(x - np.max(x))
        return e / np.sum(e)
    e = np.exp(x - np.max(x, axis=1))
    return e / np.sum(e, axis=1, keepdims=True)


@mistake("softmax", diagnosis="one-row-not-handled")
def softmax_2d_only(x):
    """axis=1 everywhere: a 1-D vector fails."""
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


@mistake("softmax", diagnosis="mutates-input")
def softmax_in_place(x):
    """Subtracts the maximum in place, changing the caller's array."""
    x -= np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


@alternative("softmax")
def softmax_textbook(x):
    """The textbook version: transpose so the row maxima broadcast, and a separate 1-D branch."""
    if x.ndim == 2:
        x = x.T
        x = x - np.max(x, axis=0)
        y = np.exp(x) / np.sum(np.exp(x), axis=0)
        return y.T
    x = x - np.max(x)
    return np.exp(x) / np.sum(np.exp(x))


@alternative("softmax")
def softmax_log_sum_exp(x):
    """exp(x - logsumexp(x)) per row."""
    m = np.max(x, axis=-1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))
    return np.exp(x - lse)


@alternative("softmax")
def softmax_row_loop(x):
    """One row at a time."""
    rows = np.atleast_2d(np.asarray(x, dtype=float))
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out.reshape(np.shape(x))


# ------------------------------------------------------------------ cross_entropy_error

@mistake("cross_entropy_error", diagnosis="not-averaged")
def ce_summed(y, t):
    """Sum over the batch instead of the mean."""
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    return -np.sum(np.log(y[np.arange(y.shape[0]), t] + 1e-7))


@mistake("cross_entropy_error", diagnosis="missing-minus")
def ce_no_minus(y, t):
    """Forgets the minus sign."""
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    return np.sum(np.log(y[np.arange(y.shape[0]), t] + 1e-7)) / y.shape[0]


@mistake("cross_entropy_error", diagnosis="log-zero-nan")
def ce_no_delta(y, t):
    """t * log(y) without a delta: 0 * log(0) is nan."""
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size != y.size:
        t = np.eye(y.shape[1])[t]
    return -np.sum(t * np.log(y)) / y.shape[0]


@mistake("cross_entropy_error", diagnosis="divided-by-size")
def ce_mean_of_all(y, t):
    """np.mean over the whole (N, C) array divides by N * C."""
    if t.size != y.size:
        t = np.eye(y.shape[-1])[t]
    return -np.mean(t * np.log(y + 1e-7))


@mistake("cross_entropy_error", diagnosis="one-row-divided-by-classes")
def ce_1d_not_reshaped(y, t):
    """A 1-D y is not reshaped, so y.shape[0] is the number of classes."""
    if t.size != y.size:
        t = np.eye(y.shape[-1])[t]
    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]


@mistake("cross_entropy_error", diagnosis="wrong-log-base")
def ce_log10(y, t):
    """log10 instead of the natural log."""
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    return -np.mean(np.log10(y[np.arange(y.shape[0]), t]))


@mistake("cross_entropy_error", diagnosis="log-of-mean")
def ce_log_of_mean(y, t):
    """Averages the probabilities before taking the log."""
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:
        t = t.argmax(axis=1)
    return -np.log(np.mean(y[np.arange(y.shape[0]), t]))


@mistake("cross_entropy_error", diagnosis="labels-vs-one-hot")
def ce_one_hot_only(y, t):
    """Assumes t is one-hot; integer labels are multiplied as if they were."""
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]


@alternative("cross_entropy_error")
def ce_textbook(y, t):
    """The textbook version, with log(y + 1e-7)."""
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


@alternative("cross_entropy_error")
def ce_loop(y, t):
    """Pure Python loop over the samples with math.log."""
    y = np.atleast_2d(y)
    t = np.asarray(t)
    labels = t.reshape(y.shape).argmax(axis=1) if t.size == y.size else t.reshape(-1)
    total = 0.0
    for row, label in zip(y, labels):
        total -= math.log(row[label])
    return total / len(y)


@alternative("cross_entropy_error")
def ce_one_hot_masked(y, t):
    """Converts labels to one-hot and sums log(y) only where t is 1."""
    y = np.atleast_2d(y)
    t = np.asarray(t)
    t = t.reshape(y.shape) if t.size == y.size else np.eye(y.shape[1])[t.reshape(-1)]
    return -np.sum(np.log(y[t == 1])) / y.shape[0]


# ------------------------------------------------------------------ Affine

@mistake("Affine", diagnosis="transposes-swapped")
class affine_dW_transposed:
    """dW = dout.T @ x, the transpose of the right gradient."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = dout.T @ self.x
        self.db = np.sum(dout, axis=0)
        return dout @ self.W.T


@mistake("Affine", diagnosis="shape-mismatch")
class affine_dx_not_transposed:
    """dx = dout @ W without the transpose."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return dout @ self.W


@mistake("Affine", diagnosis="bias-not-summed")
class affine_db_not_summed:
    """db = dout: the bias gradient is not summed over the batch."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = dout
        return np.dot(dout, self.W.T)


@mistake("Affine", diagnosis="bias-not-summed")
class affine_db_first_sample:
    """db = dout[0]: the first sample's bias gradient instead of the batch sum."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = dout[0]
        return np.dot(dout, self.W.T)


@mistake("Affine", diagnosis="bias-summed-wrong-axis")
class affine_db_axis_1:
    """Sums dout over axis 1 instead of the batch axis 0."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=1)
        return np.dot(dout, self.W.T)


@mistake("Affine", diagnosis="db-keepdims")
class affine_db_keepdims:
    """db keeps the summed axis: shape (1, M) instead of (M,)."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0, keepdims=True)
        return np.dot(dout, self.W.T)


@mistake("Affine", diagnosis="divided-by-batch-in-affine")
class affine_divides_by_batch:
    """Averages dW and db over the batch, although the loss already did."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        n = dout.shape[0]
        self.dW = np.dot(self.x.T, dout) / n
        self.db = np.sum(dout, axis=0) / n
        return np.dot(dout, self.W.T)


@mistake("Affine", diagnosis="missing-bias")
class affine_no_bias:
    """Forward forgets the bias."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W)

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)


@mistake("Affine", diagnosis="returned-dout")
class affine_returns_dout:
    """Backward stores dW and db but returns dout unchanged."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dout


@alternative("Affine")
class affine_textbook:
    """The textbook version, which also flattens image-shaped input."""

    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.x = x
        return np.dot(self.x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)


@alternative("Affine")
class affine_einsum:
    """np.einsum with explicit indices."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.einsum("nd,dm->nm", x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.einsum("nd,nm->dm", self.x, dout)
        self.db = np.einsum("nm->m", dout)
        return np.einsum("nm,dm->nd", dout, self.W)


@alternative("Affine")
class affine_loops:
    """Explicit loops over the batch: dW and db accumulate one sample at a time."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.array([row @ self.W + self.b for row in x])

    def backward(self, dout):
        self.dW = np.zeros_like(self.W, dtype=float)
        self.db = np.zeros_like(self.b, dtype=float)
        for xi, gi in zip(self.x, dout):
            self.dW += np.outer(xi, gi)
            self.db += gi
        return np.array([self.W @ gi for gi in dout])


# ------------------------------------------------------------------ Relu

@mistake("Relu", diagnosis="relu-mask-after-overwrite")
class relu_mask_after_overwrite:
    """Sets the negatives to 0 first, then takes the mask: nothing is negative any more."""

    def forward(self, x):
        out = x.copy()
        out[out < 0] = 0
        self.mask = out < 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


@mistake("Relu", diagnosis="mutates-input")
class relu_in_place:
    """Overwrites the caller's x in place."""

    def forward(self, x):
        self.mask = x <= 0
        x[self.mask] = 0
        return x

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


@mistake("Relu", diagnosis="relu-mask-inverted")
class relu_mask_inverted:
    """Zeroes the gradient where x > 0 instead of x <= 0."""

    def forward(self, x):
        self.mask = x > 0
        return np.maximum(0, x)

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


@mistake("Relu", diagnosis="forgot-dout")
class relu_local_gradient_only:
    """Returns the local gradient (x > 0) without multiplying by dout."""

    def forward(self, x):
        self.x = x
        return np.maximum(0, x)

    def backward(self, dout):
        return (self.x > 0).astype(float)


@mistake("Relu", diagnosis="relu-returned-mask")
class relu_returns_mask:
    """Forward returns the True/False mask instead of the values."""

    def forward(self, x):
        self.mask = x > 0
        return self.mask

    def backward(self, dout):
        return dout * self.mask


@mistake("Relu", diagnosis="leaky-relu")
class relu_leaky:
    """A leaky ReLU with slope 0.01 for negative inputs."""

    def forward(self, x):
        self.x = x
        return np.where(x > 0, x, 0.01 * x)

    def backward(self, dout):
        return np.where(self.x > 0, dout, 0.01 * dout)


@mistake("Relu", diagnosis="relu-grad-times-output")
class relu_grad_times_output:
    """Multiplies dout by the output instead of by the 0/1 mask."""

    def forward(self, x):
        self.out = np.maximum(0, x)
        return self.out

    def backward(self, dout):
        return dout * self.out


@alternative("Relu")
class relu_textbook:
    """The textbook version: mask before copying, and backward overwrites dout in place."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        dx = dout
        return dx


@alternative("Relu")
class relu_where:
    """np.maximum forward, np.where backward on the stored input."""

    def forward(self, x):
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        return np.where(self.x > 0, dout, 0.0)


@alternative("Relu")
class relu_multiply_mask:
    """Multiplies by a 0/1 float mask in both directions."""

    def forward(self, x):
        self.positive = (x > 0).astype(float)
        return x * self.positive

    def backward(self, dout):
        return dout * self.positive


# ------------------------------------------------------------------ Sigmoid (layer)

@mistake("Sigmoid", diagnosis="sigmoid-grad-plus")
class sigmoid_layer_plus:
    """dout * out * (1 + out)."""

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * self.out * (1 + self.out)


@mistake("Sigmoid", diagnosis="forgot-dout")
class sigmoid_layer_no_dout:
    """Returns the local gradient without multiplying by dout."""

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return self.out * (1 - self.out)


@mistake("Sigmoid", diagnosis="used-input-not-output")
class sigmoid_layer_uses_input:
    """Uses the stored input x in x (1 - x)."""

    def forward(self, x):
        self.x = x
        return 1 / (1 + np.exp(-x))

    def backward(self, dout):
        return dout * self.x * (1 - self.x)


@mistake("Sigmoid", diagnosis="sigmoid-sign")
class sigmoid_layer_sign:
    """Forward with exp(x)."""

    def forward(self, x):
        self.out = 1 / (1 + np.exp(x))
        return self.out

    def backward(self, dout):
        return dout * self.out * (1 - self.out)


@mistake("Sigmoid", diagnosis="tanh-derivative")
class sigmoid_layer_tanh_rule:
    """Backward with 1 - out**2, the tanh rule."""

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out ** 2)


@mistake("Sigmoid", diagnosis="missing-1-minus-out")
class sigmoid_layer_out_only:
    """Backward with dout * out."""

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * self.out


@alternative("Sigmoid")
class sigmoid_layer_textbook:
    """The textbook version: stores the output."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        out = 1 / (1 + np.exp(-x))
        self.out = out
        return out

    def backward(self, dout):
        dx = dout * (1.0 - self.out) * self.out
        return dx


@alternative("Sigmoid")
class sigmoid_layer_quotient_rule:
    """Stores the input and uses exp(-x) / (1 + exp(-x))**2."""

    def forward(self, x):
        self.x = x
        return 0.5 * (1 + np.tanh(0.5 * x))

    def backward(self, dout):
        e = np.exp(-self.x)
        return dout * e / (1 + e) ** 2


# ------------------------------------------------------------------ SoftmaxWithLoss

@mistake("SoftmaxWithLoss", diagnosis="softmax-overflow")
class swl_naive_softmax:
    """Softmax without subtracting the row maximum."""

    def forward(self, x, t):
        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]
        e = np.exp(x)
        self.y = e / e.sum(axis=1, keepdims=True)
        return -np.sum(self.t * np.log(self.y + 1e-7)) / x.shape[0]

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.t.shape[0]


@mistake("SoftmaxWithLoss", diagnosis="loss-not-averaged")
class swl_loss_summed:
    """The loss is summed over the batch, not averaged."""

    def forward(self, x, t):
        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return -np.sum(self.t * np.log(self.y + 1e-7))

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.t.shape[0]


@mistake("SoftmaxWithLoss", diagnosis="softmax-wrong-axis")
class swl_softmax_axis_0:
    """Softmax over axis 0 (the batch)."""

    def forward(self, x, t):
        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]
        e = np.exp(x - x.max(axis=0))
        self.y = e / e.sum(axis=0)
        return -np.sum(self.t * np.log(self.y + 1e-7)) / x.shape[0]

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.t.shape[0]


@mistake("SoftmaxWithLoss", diagnosis="missing-batch-division")
class swl_no_batch_division:
    """Backward returns y - t without dividing by the batch size."""

    def forward(self, x, t):
        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return -np.sum(self.t * np.log(self.y + 1e-7)) / x.shape[0]

    def backward(self, dout=1):
        return dout * (self.y - self.t)


@mistake("SoftmaxWithLoss", diagnosis="sign-flipped")
class swl_sign_flipped:
    """Backward returns (t - y) / N."""

    def forward(self, x, t):
        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return -np.sum(self.t * np.log(self.y + 1e-7)) / x.shape[0]

    def backward(self, dout=1):
        return dout * (self.t - self.y) / self.t.shape[0]


@mistake("SoftmaxWithLoss", diagnosis="divided-by-size")
class swl_divided_by_size:
    """Backward divides by y.size (N * C) instead of N."""

    def forward(self, x, t):
        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return -np.sum(self.t * np.log(self.y + 1e-7)) / x.shape[0]

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.y.size


@mistake("SoftmaxWithLoss", diagnosis="used-scores-not-softmax")
class swl_uses_scores:
    """Backward uses the scores x instead of the softmax output y."""

    def forward(self, x, t):
        self.x = x
        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return -np.sum(self.t * np.log(self.y + 1e-7)) / x.shape[0]

    def backward(self, dout=1):
        return dout * (self.x - self.t) / self.t.shape[0]


@mistake("SoftmaxWithLoss", diagnosis="labels-vs-one-hot")
class swl_backward_assumes_one_hot:
    """The loss handles integer labels, but backward subtracts t as if it were one-hot."""

    def forward(self, x, t):
        self.t = t
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        labels = t.argmax(axis=1) if t.ndim == 2 else t
        return -np.mean(np.log(self.y[np.arange(x.shape[0]), labels] + 1e-7))

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.y.shape[0]


@mistake("SoftmaxWithLoss", diagnosis="log-zero-nan")
class swl_log_of_zero:
    """Cross-entropy as -sum(t * log(y)) without a delta: 0 * log(0) is nan when a probability underflows to 0."""

    def forward(self, x, t):
        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return -np.sum(self.t * np.log(self.y)) / x.shape[0]

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.t.shape[0]


@alternative("SoftmaxWithLoss")
class swl_textbook:
    """The textbook version (labels indexed, log(y + 1e-7)); backward ignores dout = 1."""

    def __init__(self):
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        x = x - np.max(x, axis=-1, keepdims=True)
        self.y = np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
        y, tt = self.y, t
        if y.ndim == 1:
            tt = tt.reshape(1, tt.size)
            y = y.reshape(1, y.size)
        if tt.size == y.size:
            tt = tt.argmax(axis=1)
        batch_size = y.shape[0]
        self.loss = -np.sum(np.log(y[np.arange(batch_size), tt] + 1e-7)) / batch_size
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        if self.t.size == self.y.size:
            dx = (self.y - self.t) / batch_size
        else:
            dx = self.y.copy()
            dx[np.arange(batch_size), self.t] -= 1
            dx = dx / batch_size
        return dx


@alternative("SoftmaxWithLoss")
class swl_log_softmax:
    """Log-softmax via logsumexp, labels turned into one-hot with np.eye."""

    def forward(self, x, t):
        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]
        shifted = x - x.max(axis=1, keepdims=True)
        log_y = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.y = np.exp(log_y)
        return -np.sum(self.t * log_y) / x.shape[0]

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.y.shape[0]


@alternative("SoftmaxWithLoss")
class swl_loop:
    """Per-sample loop with math.log; backward multiplies by dout."""

    def forward(self, x, t):
        self.n = x.shape[0]
        self.labels = t.argmax(axis=1) if t.ndim == 2 else t
        self.y = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = self.y / self.y.sum(axis=1, keepdims=True)
        return -sum(math.log(self.y[i, self.labels[i]]) for i in range(self.n)) / self.n

    def backward(self, dout=1):
        dx = self.y.copy()
        for i in range(self.n):
            dx[i, self.labels[i]] -= 1
        return dout * dx / self.n


# ------------------------------------------------------------------ TwoLayerNet


@alternative("TwoLayerNet")
class net_by_hand:
    """Forward and backward written out by hand, log-softmax loss."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="missing-batch-division")
class net_no_batch_division:
    """The gradient at the scores is y - t, not divided by the batch size."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = y - t
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="transposes-swapped")
class net_transposed_dW:
    """dW = dout.T @ input: both weight gradients transposed."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": dh.T @ x, "b1": dh.sum(axis=0), "W2": ds.T @ z, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="bias-not-summed")
class net_bias_not_summed:
    """The bias gradients are not summed over the batch."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh, "W2": z.T @ ds, "b2": ds}


@mistake("TwoLayerNet", diagnosis="bias-not-summed")
class net_bias_first_sample:
    """The bias gradients are the first sample's: db = dout[0]."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh[0], "W2": z.T @ ds, "b2": ds[0]}


@mistake("TwoLayerNet", diagnosis="softmax-overflow")
class net_gradient_naive_softmax:
    """loss is stable, but gradient computes its own softmax without subtracting the row maximum."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s)
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="relu-gradient-not-masked")
class net_relu_not_masked:
    """The ReLU mask is forgotten in backward."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = ds @ p["W2"].T
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="divided-by-batch-twice")
class net_divides_twice:
    """Divides by the batch size in the loss gradient AND again for every parameter."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh / len(x), "b1": dh.sum(axis=0) / len(x), "W2": z.T @ ds / len(x), "b2": ds.sum(axis=0) / len(x)}


@mistake("TwoLayerNet", diagnosis="predict-returned-probabilities")
class net_predict_softmax:
    """predict applies the softmax (the loss then takes the log of it directly)."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        scores = np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def loss(self, x, t):
        scores = self.predict(x)
        scores = np.log(scores)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="used-sigmoid-hidden")
class net_sigmoid_hidden:
    """The hidden activation in predict is a sigmoid, not a ReLU."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return 1 / (1 + np.exp(-(x @ p["W1"] + p["b1"]))) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="loss-not-averaged")
class net_loss_summed:
    """The loss sums over the batch instead of averaging."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.sum(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="softmax-overflow")
class net_loss_overflows:
    """The loss exponentiates the raw scores (no max subtraction)."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="labels-vs-one-hot")
class net_gradient_assumes_one_hot:
    """gradient subtracts t as if it were always one-hot."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="labels-vs-one-hot")
class net_accuracy_assumes_labels:
    """accuracy compares the predicted classes with t as if t were always integer labels."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="uniform-init")
class net_uniform_init:
    """Weights drawn uniformly from [0, weight_init_std)."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.rand(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.rand(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="weight-init-std-ignored")
class net_init_std_ignored:
    """Weights are standard normal: weight_init_std is never used."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="weight-init-std-hard-coded")
class net_init_std_hard_coded:
    """Weights scaled by the number 0.01 instead of the argument."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": 0.01 * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": 0.01 * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@mistake("TwoLayerNet", diagnosis="bias-not-zero")
class net_random_biases:
    """The biases are random like the weights."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": weight_init_std * np.random.randn(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": weight_init_std * np.random.randn(output_size),
        }

    def predict(self, x):
        p = self.params
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, x, t):
        scores = self.predict(x)
        scores = scores - scores.max(axis=1, keepdims=True)
        log_y = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return -np.mean(log_y[np.arange(len(x)), t])

    def accuracy(self, x, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(self.predict(x).argmax(axis=1) == t)

    def gradient(self, x, t):
        p = self.params
        h = x @ p["W1"] + p["b1"]
        z = np.maximum(h, 0)
        s = z @ p["W2"] + p["b2"]
        y = np.exp(s - s.max(axis=1, keepdims=True))
        y = y / y.sum(axis=1, keepdims=True)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        ds = (y - t) / len(x)
        dh = (ds @ p["W2"].T) * (h > 0)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z.T @ ds, "b2": ds.sum(axis=0)}


@alternative("TwoLayerNet", demo=False)
class net_textbook_layers:
    """The textbook version: an OrderedDict of layers sharing the params arrays (uses the reference layers)."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        from collections import OrderedDict

        from aimath.reference.backprop import Affine, Relu, SoftmaxWithLoss
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.lastLayer.forward(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        grads = {}
        grads["W1"], grads["b1"] = self.layers["Affine1"].dW, self.layers["Affine1"].db
        grads["W2"], grads["b2"] = self.layers["Affine2"].dW, self.layers["Affine2"].db
        return grads


@alternative("TwoLayerNet")
class net_delta_loss_normal_init:
    """np.random.normal initialisation, a loss with log(y + 1e-7), and gradients that read params on every call."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {"W1": np.random.normal(0, weight_init_std, (input_size, hidden_size)),
                       "b1": np.zeros(hidden_size),
                       "W2": np.random.normal(0, weight_init_std, (hidden_size, output_size)),
                       "b2": np.zeros(output_size)}

    def _forward(self, x):
        p = self.params
        self.x = x
        self.h = x @ p["W1"] + p["b1"]
        self.z = np.where(self.h > 0, self.h, 0.0)
        return self.z @ p["W2"] + p["b2"]

    def predict(self, x):
        return self._forward(x)

    def _softmax(self, s):
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def loss(self, x, t):
        y = self._softmax(self._forward(x))
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        return -np.sum(t * np.log(y + 1e-7)) / x.shape[0]

    def accuracy(self, x, t):
        labels = t if t.ndim == 1 else np.argmax(t, axis=1)
        return float(np.sum(np.argmax(self.predict(x), axis=1) == labels)) / len(x)

    def gradient(self, x, t):
        y = self._softmax(self._forward(x))
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        grads = {}
        ds = (y - t) / x.shape[0]
        grads["W2"] = np.dot(self.z.T, ds)
        grads["b2"] = np.sum(ds, axis=0)
        dz = np.dot(ds, self.params["W2"].T)
        dh = dz.copy()
        dh[self.h <= 0] = 0
        grads["W1"] = np.dot(self.x.T, dh)
        grads["b1"] = np.sum(dh, axis=0)
        return grads


@mistake("TwoLayerNet", diagnosis="layers-copy-params", demo=False)
class net_layers_copy_params(net_by_hand):
    """Keeps private copies of the weights, so updates to net.params never reach predict."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, output_size, weight_init_std)
        self.frozen = {k: v.copy() for k, v in self.params.items()}

    def predict(self, x):
        p = self.frozen
        return np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]


@mistake("TwoLayerNet", diagnosis="params-changed-by-gradient", demo=False)
class net_gradient_takes_a_step(net_by_hand):
    """gradient also performs an SGD step on the parameters."""

    def gradient(self, x, t):
        grads = super().gradient(x, t)
        for key in self.params:
            self.params[key] -= 0.1 * grads[key]
        return grads

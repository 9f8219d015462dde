"""backprop, Parts 2 and 3 (activation functions, softmax and the cross-entropy error): plausible student
mistakes and alternative correct solutions, written as students write them.

Entries use only numpy (np) and math, so they can be pasted into the notebook under the graded name.
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

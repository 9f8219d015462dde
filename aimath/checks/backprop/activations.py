"""backprop checks, part 1: the functions sigmoid, sigmoid_grad, softmax and cross_entropy_error.

Also the inputs and hints the layer and network checks share: seeded scores with a safe probability of the correct
class, one-hot targets, and the advice about labels, one-hot targets and overflow.
"""
import numpy as np

from aimath.gradcheck import numerical_gradient
from aimath.judge import Case, Diagnosis, Hint, check_cases, gradient_property, seeded_rng, worst_gradient
from aimath.reference import backprop as ref

# Students may add a small delta inside the log (the textbook uses log(y + 1e-7)) to avoid log(0). With the
# probability of the correct class >= MIN_TRUE_PROB in every case this moves the loss by at most
# 1e-7 / MIN_TRUE_PROB = 2e-6, so losses are compared with an absolute tolerance five times that.
MIN_TRUE_PROB = 0.05
LOSS_ABS_TOL = 1e-5


def _one_hot(labels, n_classes):
    return np.eye(n_classes)[np.asarray(labels)]


def _scores_and_labels(rng, n, c, scale=1.5):
    """Scores (n, c) and labels whose softmax probability is >= MIN_TRUE_PROB (see LOSS_ABS_TOL)."""
    while True:
        x = rng.normal(0.0, scale, (n, c))
        labels = rng.integers(0, c, n)
        if np.min(ref.softmax(x)[np.arange(n), labels]) >= MIN_TRUE_PROB:
            return x, labels


# ---------------------------------------------------------------- sigmoid and sigmoid_grad

def _activation_cases(name):
    rng = seeded_rng(name)
    return [
        Case((np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),), label="a few values around 0"),
        Case((0.0,), label="a single number: sigmoid(0) = 0.5"),
        Case((np.array([[-40.0, 40.0], [-10.0, 10.0]]),), label="large |x|: saturated"),
        Case((np.array([-3, 0, 3]),), label="integer array"),
        Case((rng.normal(0, 3, (4, 3)),), label="random (4, 3) array"),
        Case((rng.normal(0, 2, 7),), label="random vector"),
    ]


ARRAY_HINT = Hint("math-on-array", "math.exp works on one number only; np.exp works elementwise on whole arrays.",
                  raised=("only length-1 arrays", "only size-1 arrays", "only 0-dimensional", "only integer scalar"))


def check_sigmoid(sigmoid):
    """sigmoid(x) = 1 / (1 + exp(-x)) elementwise: a number, or an array of any shape (integer arrays too), of
    values up to |x| = 40 (saturated), compared with the reference. Raises CheckFailed naming a model of the mistake
    (sign, parentheses, tanh, |x|, the derivative instead) or math-on-array when math.exp met an array."""
    check_cases("sigmoid", sigmoid, ref.sigmoid, _activation_cases("sigmoid"), parameter_names=("x",), quiet=True,
                diagnoses=[
        Diagnosis("sigmoid-sign", "sigmoid(x) = 1 / (1 + exp(-x)): the exponent is MINUS x (sigmoid(2) > 0.5).",
                  lambda x: 1.0 / (1.0 + np.exp(np.asarray(x, dtype=float)))),
        Diagnosis("missing-parentheses", "1 / 1 + np.exp(-x) divides 1 by 1 first: write 1 / (1 + np.exp(-x)).",
                  lambda x: 1.0 / 1.0 + np.exp(-np.asarray(x, dtype=float))),
        Diagnosis("used-tanh", "tanh is a different activation with values in (-1, 1); sigmoid is "
                  "1 / (1 + exp(-x)) with values in (0, 1).", lambda x: np.tanh(x)),
        Diagnosis("lost-sign-of-x", "exp(-|x|) loses the sign of x, so sigmoid(-x) comes out as sigmoid(x). "
                  "Use 1 / (1 + np.exp(-x)).", lambda x: 1.0 / (1.0 + np.exp(-np.abs(np.asarray(x, dtype=float))))),
        Diagnosis("returned-derivative", "this is the derivative sigmoid(x) (1 - sigmoid(x)); return sigmoid(x).",
                  ref.sigmoid_grad),
    ], hints=[ARRAY_HINT])


def _sigmoid_fd(case):
    return {None: numerical_gradient(lambda v: np.sum(ref.sigmoid(v)), np.asarray(case.args[0], dtype=float))}


def check_sigmoid_grad(sigmoid_grad):
    """sigmoid_grad(x) = sigmoid(x) (1 - sigmoid(x)) elementwise, on the inputs of `check_sigmoid`: compared with
    the reference and with central differences of sigmoid (aimath.gradcheck). Raises CheckFailed with the gradient's
    relative error, naming a model of the mistake (sign, applied to x, sigmoid itself, tanh's derivative...) or
    math-on-array."""
    s = ref.sigmoid
    check_cases("sigmoid_grad", sigmoid_grad, ref.sigmoid_grad, _activation_cases("sigmoid_grad"),
                parameter_names=("x",), quiet=True, evidence=[worst_gradient((None,))],
                extra=gradient_property(_sigmoid_fd, of="sigmoid"), diagnoses=[
        Diagnosis("sigmoid-grad-plus", "the derivative is sigmoid(x) (1 - sigmoid(x)), with a MINUS: "
                  "it is largest (0.25) at x = 0 and goes to 0 for large |x|.", lambda x: s(x) * (1 + s(x))),
        Diagnosis("applied-to-input", "apply the formula to sigmoid(x), not to x: s = sigmoid(x); s (1 - s).",
                  lambda x: np.asarray(x, dtype=float) * (1 - np.asarray(x, dtype=float))),
        Diagnosis("sign-flipped", "the derivative of sigmoid is positive: sigmoid(x) (1 - sigmoid(x)).",
                  lambda x: s(x) * (s(x) - 1)),
        Diagnosis("missing-factor", "the derivative is the PRODUCT sigmoid(x) * (1 - sigmoid(x)); from the quotient "
                  "rule that is e^-x / (1 + e^-x)**2, with the denominator squared.",
                  lambda x: 1 - s(x)),
        Diagnosis("returned-sigmoid", "this is sigmoid(x) itself; return its derivative s (1 - s).", s),
        Diagnosis("tanh-derivative", "1 - s**2 is the derivative of tanh; for sigmoid it is s (1 - s).",
                  lambda x: 1 - s(x) ** 2),
    ], hints=[ARRAY_HINT])


# ---------------------------------------------------------------- softmax and cross_entropy_error

def _softmax_cases():
    rng = seeded_rng("softmax")
    cases = [
        Case((np.array([[0.3, 2.9, 4.0]]),), label="one row"),
        Case((np.array([0.3, 2.9, 4.0]),), label="a 1-D vector is one row"),
        Case((np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1002.0, -1001.0]]),),
             label="large scores: exp overflows unless the row maximum is subtracted"),
        Case((np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]]),),
             label="rows on very different scales: subtract each ROW's maximum"),
        Case((np.array([[2.0, 2.0, 2.0, 2.0], [-1.0, 0.0, 1.0, 0.5]]),), label="equal scores give equal probabilities"),
    ]
    for n, c in [(4, 3), (3, 5), (6, 6), (1, 2)]:
        cases.append(Case((rng.normal(0, 2, (n, c)),), label=f"random ({n}, {c}) scores"))
    return cases


def _naive_softmax(x):
    e = np.exp(np.asarray(x, dtype=float))
    return e / np.sum(e, axis=-1, keepdims=True)


def check_softmax(softmax):
    """softmax(x) row by row (over the last axis) for scores (N, C) or one row (C,), including scores in the
    thousands and rows on very different scales, compared with the reference. Raises CheckFailed naming a model of
    the mistake (overflow, global maximum, normalised over the batch or the columns, maximum along the wrong axis),
    or a hint from the failing inputs (1-D rows, scales) or the error raised (keepdims, axis 1 of a vector)."""
    check_cases("softmax", softmax, ref.softmax, _softmax_cases(), parameter_names=("x",), quiet=True, diagnoses=[
        Diagnosis("softmax-overflow", "np.exp overflows for scores above about 709 (inf / inf = nan). Subtract each "
                  "row's maximum first: np.exp(x - np.max(x, axis=-1, keepdims=True)); the result is unchanged.",
                  _naive_softmax),
        Diagnosis("softmax-global-max", "subtracting the maximum of the WHOLE array underflows rows whose scores are "
                  "much smaller (exp(-1000) = 0, and 0 / 0 = nan). Subtract each row's own maximum (axis=-1, "
                  "keepdims=True).", lambda x: _naive_softmax(np.asarray(x) - np.max(x))),
        Diagnosis("normalised-whole-batch", "each ROW must sum to 1: divide by the sum over the last axis "
                  "(axis=-1, keepdims=True), not by the sum of the whole array.",
                  lambda x: np.exp(x - np.max(x)) / np.sum(np.exp(x - np.max(x)))),
        Diagnosis("normalised-columns", "each ROW (one sample) must sum to 1; you normalised each column (axis=0).",
                  lambda x: np.exp(x - np.max(x, axis=0)) / np.sum(np.exp(x - np.max(x, axis=0)), axis=0)),
        Diagnosis("max-wrong-axis", "subtract each ROW's maximum (axis=-1); subtracting a per-column maximum "
                  "changes the ratios within a row.",
                  lambda x: _naive_softmax(np.asarray(x) - np.max(x, axis=0))),
    ], hints=[
        Hint("softmax-global-max", "subtract each ROW's maximum (np.max(x, axis=-1, keepdims=True)), not the "
             "maximum of the whole array: a row far below the global maximum underflows to 0 / 0.", labels="scale"),
        Hint("one-row-not-handled", "a 1-D vector is one row: use axis=-1 (the last axis) with keepdims=True so "
             "the same code works for (C,) and (N, C).", labels="1-D"),
        Hint("max-not-keepdims", "np.max(x, axis=1) has shape (N,), which does not line up with x (N, C): keep the "
             "axis with keepdims=True.", raised=("could not be broadcast",)),
        Hint("one-row-not-handled", "a 1-D vector is one row: use axis=-1 (the last axis) so the same code works "
             "for (C,) and (N, C).", raised=("axis 1 is out of bounds",)),
    ])


TEXTBOOK_Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])


def _ce_cases():
    rng = seeded_rng("cross_entropy_error")
    cases = [Case((TEXTBOOK_Y, _one_hot(2, 10)), label="one sample, one-hot t (some y are exactly 0)"),
             Case((np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]), np.array([0, 2])), label="integer labels t"),
             Case((np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]), np.array([[1.0, 0, 0], [0, 0, 1.0]])),
                  label="the same batch with one-hot t")]
    for n, c, one_hot in [(4, 3, True), (5, 4, False), (1, 5, False), (7, 2, True), (3, 6, False)]:
        x, labels = _scores_and_labels(rng, n, c)
        y = ref.softmax(x)
        if one_hot:
            cases.append(Case((y, _one_hot(labels, c)), label=f"random batch of {n}, one-hot t"))
        else:
            cases.append(Case((y, labels), label=f"random batch of {n}, integer labels t"))
    return [Case(c.args, label=c.label, abs_tol=LOSS_ABS_TOL) for c in cases]


def _one_hot_like(y, t):
    y = np.asarray(y, dtype=float)
    return _one_hot(ref.to_labels(t, y.shape), y.shape[-1]).reshape(y.shape)


def _batch(y):
    return 1 if np.ndim(y) == 1 else np.shape(y)[0]


LABELS_HINT = Hint("labels-vs-one-hot", "t can be integer labels (N,) as well as one-hot (N, C): pick the probability "
                   "of the correct class with y[np.arange(N), t], or turn labels into one-hot first (one-hot t can be "
                   "turned into labels with t.argmax(axis=1)).", labels="integer labels")
ONE_HOT_HINT = Hint("labels-vs-one-hot", "t can be one-hot (N, C) as well as integer labels (N,): turn one-hot t into "
                    "labels with t.argmax(axis=1) before comparing or indexing.", labels="one-hot")
ZERO_PROB_HINT = Hint("log-zero-nan", "softmax can give probabilities that are exactly 0, and t * np.log(y) is then "
                      "0 * (-inf) = nan: add a tiny delta inside the log (np.log(y + 1e-7)) or take only the correct "
                      "class's probability, y[np.arange(N), labels].", labels="exactly 0")
LARGE_HINT = Hint("softmax-overflow", "with scores in the thousands np.exp overflows unless each row's maximum is "
                  "subtracted first, and the other probabilities come out as exactly 0, so the cross-entropy must not "
                  "take log(0) either (np.log(y + 1e-7), or index the correct class).", labels="large")


def check_cross_entropy_error(cross_entropy_error):
    """cross_entropy_error(y, t): the batch mean of -log(probability of the correct class), for probabilities y
    (N, C) or one sample (C,) and targets t as integer labels or one-hot, some probabilities exactly 0; compared with
    the reference within LOSS_ABS_TOL (a textbook delta inside the log passes). Raises CheckFailed naming a model of
    the mistake (not averaged, sign, log(0), divided by the wrong count, log base, log of the mean) or a hint when
    only the label or one-hot cases fail."""
    def ce(y, t):
        return -np.log(_true_probs_of(y, t))

    def _true_probs_of(y, t):
        yy = np.asarray(y, dtype=float)
        return yy.reshape(-1, yy.shape[-1])[np.arange(_batch(yy)), ref.to_labels(t, yy.shape)]

    check_cases("cross_entropy_error", cross_entropy_error, ref.cross_entropy_error, _ce_cases(),
                parameter_names=("y", "t"), quiet=True, diagnoses=[
        Diagnosis("not-averaged", "the error is the MEAN over the batch: divide the sum by the batch size N.",
                  lambda y, t: float(np.sum(ce(y, t)))),
        Diagnosis("missing-minus", "log of a probability is negative: the error is MINUS the mean log-probability.",
                  lambda y, t: -float(np.mean(ce(y, t)))),
        Diagnosis("log-zero-nan", "t * np.log(y) is 0 * (-inf) = nan where y is exactly 0. Add a tiny delta inside "
                  "the log (np.log(y + 1e-7)) or take only the correct class's probability, y[np.arange(N), t].",
                  lambda y, t: -np.sum(_one_hot_like(y, t) * np.log(np.asarray(y, dtype=float))) / _batch(y)),
        Diagnosis("one-row-divided-by-classes", "a 1-D y is ONE sample: its batch size is 1, not len(y). Reshape "
                  "y and t to (1, C) first.",
                  lambda y, t: float(np.sum(ce(y, t)) / np.shape(y)[0])),
        Diagnosis("divided-by-size", "divide by the batch size N, not by the number of entries N * C (np.mean over "
                  "the whole array does that).", lambda y, t: float(np.sum(ce(y, t)) / np.size(y))),
        Diagnosis("wrong-log-base", "use the natural log np.log, not log2 or log10.",
                  lambda y, t: float(np.mean(ce(y, t)) / np.log(10))),
        Diagnosis("log-of-mean", "average the LOG-probabilities, not the probabilities: "
                  "-mean(log y_correct), not -log(mean y_correct).", lambda y, t: -float(np.log(np.mean(_true_probs_of(y, t))))),
    ], hints=[LABELS_HINT, ONE_HOT_HINT])

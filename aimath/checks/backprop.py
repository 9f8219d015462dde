"""Hidden-test checks for backprop. Each `check_*` takes the student's function or class and raises `CheckFailed`.

Classes are judged through probes: construct the layer (or network) with seeded parameters, run forward, run
backward with a seeded upstream gradient `dout`, and return the outputs and gradients as a dict of arrays. Every
gradient is compared with the reference AND with central differences of the student's own forward pass
(aimath.gradcheck); when a gradient is wrong the message names the worst-offending one and its relative error.

Student code runs with numpy's floating-point warnings silenced: an overflowing softmax gives nan, which the check
then explains, instead of a warning on stderr.
"""
import copy
import warnings

import numpy as np

from aimath.gradcheck import GRAD_REL_TOL, gradients_agree, numerical_gradient, numerical_gradient_params, relative_error
from aimath.judge import (MAX_FAILURES_SHOWN, Case, CheckFailed, Diagnosis, Verdict, call, contradicts, describe_inputs,
                          probe, same, seeded_rng, show, to_plain)
from aimath.judge import judge as judge_case
from aimath.verdict import Mistake, mistake_line
from aimath.reference import backprop as ref

# Students may add a small delta inside the log (the textbook uses log(y + 1e-7)) to avoid log(0). With the
# probability of the correct class >= MIN_TRUE_PROB in every case this moves the loss by at most
# 1e-7 / MIN_TRUE_PROB = 2e-6, so losses are compared with an absolute tolerance five times that.
MIN_TRUE_PROB = 0.05
LOSS_ABS_TOL = 1e-5

# The same delta changes the derivative of the loss by a relative 1e-7 / MIN_TRUE_PROB = 2e-6, so a backward
# pass is compared with central differences of a student's LOSS with this tolerance (other layers use GRAD_REL_TOL).
LOSS_FD_REL_TOL = 1e-5

# ReLU inputs (and the hidden pre-activations of the network) stay at least this far from the kink at 0, far more
# than a central-difference step FD_STEP times the input scale can move them.
KINK_MARGIN = 0.1

# The weight-initialisation check measures std / weight_init_std and mean / weight_init_std of n >= 4800 normal
# draws per matrix: their sampling errors are about 1 / sqrt(2n) = 1 % and 1 / sqrt(n) = 1.4 %, so 10 % is far from
# chance and far from every initialisation mistake (uniform draws give std 0.29 and mean 0.5).
INIT_TOL = 0.1
INIT_SEED = 20240521

# The large-input network case has a score at least this large: np.exp overflows float64 above about 709.8.
LARGE_SCORE = 1000.0

SHAPE_HINT = ("shape-mismatch", "check every shape: for x (N, D) and W (D, M), dx = dout @ W.T is (N, D), "
              "dW = x.T @ dout is (D, M) and db = dout summed over the batch (axis=0) is (M,).")


# ---------------------------------------------------------------- the judging machinery shared by all checks

def _quietly(fn):
    """fn with numpy floating-point warnings silenced (overflow in exp, log of 0, 0/0): nan/inf come back instead."""
    def run(*args, **kwargs):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)
    return run


def _relative_errors(student, expected, keys):
    """{key: relative error} for the gradients of the right shape, and the keys missing or of the wrong shape."""
    errors, bad_shape = {}, []
    for key in keys:
        s = student if key is None else (student.get(key) if isinstance(student, dict) else None)
        e = expected if key is None else expected[key]
        s = np.asarray(s, dtype=float) if isinstance(s, (int, float, np.ndarray)) else None
        if s is None or s.shape != np.shape(e):
            bad_shape.append("the gradient" if key is None else key)
        else:
            errors[key] = relative_error(s, e) if np.all(np.isfinite(s)) else float("inf")
    return errors, bad_shape


def _gradient_report(student, expected, keys):
    """One sentence naming the worst-offending gradient (cs231n style) on the first failing case."""
    errors, bad_shape = _relative_errors(student, expected, keys)
    where = "Gradient check on the first failing case:"
    if bad_shape:
        return f"{where} {', '.join(bad_shape)} missing or of the wrong shape."
    if max(errors.values()) <= GRAD_REL_TOL:
        return f"{where} the gradients are right; the forward output is not."
    if keys == (None,):
        return f"{where} relative error {errors[None]:.3g} against the correct gradient (0 is exact, 1 unrelated)."
    worst = max(errors, key=errors.get)
    others = ", ".join(f"{k} {v:.2g}" for k, v in errors.items() if k != worst)
    return (f"{where} the worst-offending gradient is {worst}, relative error {errors[worst]:.3g} against the correct "
            f"gradient (0 is exact, 1 unrelated; others: {others or 'none'}).")


def _all_nan_gap(expected, actual):
    """True when the student's array differs from the expected one by nan everywhere (nan came back throughout)."""
    return (isinstance(expected, np.ndarray) and isinstance(actual, np.ndarray) and actual.shape == expected.shape
            and actual.size > 0 and bool(np.all(np.isnan(actual - expected))))


def _verdict(name, case, expected, actual, parameter_names, extra):
    """judge.judge for one case, with a result that is nan throughout worded as an overflow or 0 / 0."""
    verdict = judge_case(name, case, expected, actual, parameter_names, extra)
    if verdict is None or not verdict.wrong_value or not _all_nan_gap(expected.result, actual.result):
        return verdict
    where = f"  Input:    {describe_inputs(case, parameter_names)}" + (f"  ({case.label})" if case.label else "")
    return Verdict(f"{name} returned the wrong result.\n{where}\n  Expected: {show(expected.result)}\n"
                   f"  Got:      {show(actual.result)}\n  Problem:  nan (not a number) came back: an overflow or "
                   f"0 / 0 somewhere", wrong_value=True)


def _explains(diagnosis, case, actual):
    """True when the diagnosis' wrong output equals the student's result (never raises)."""
    try:
        wrong = to_plain(_quietly(diagnosis.wrong)(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))
        return same(wrong, actual, case.rel_tol, case.abs_tol)
    except Exception:
        return False


def _judge(name, student, reference, cases, *, how=call, parameter_names=(), diagnoses=(), extra=None,
           gradients=(), label_hints=(), error_hints=(), uses=""):
    """judge.check_cases with quiet probes and nan-safe comparisons, plus advice from the failing cases' labels,
    error texts and gradients.

    gradients: keys of the result dict that are gradients ((None,) when the whole result is one) for the
    worst-offender sentence; label_hints: (word, tag, advice), used when EVERY failing case's label contains word;
    error_hints: (substrings, tag, advice), used when an error raised by the student's code contains one of them.
    A hint is only added when no diagnosis named the mistake. uses: what the graded class calls, named when it
    raises NotImplementedError (the stub may be one of those).
    """
    __tracebackhide__ = True
    if not callable(student):
        raise CheckFailed(f"{name} should be a function (or class), but it is a {type(student).__name__}.")
    how = _quietly(how)
    verdicts, failing, passing = [], [], []
    for case in cases:
        actual, expected = probe(student, case, how), probe(reference, case, how)
        verdict = _verdict(name, case, expected, actual, parameter_names, extra)
        if verdict is None:
            passing.append((case, actual.result))
            continue
        if actual.not_implemented:
            raise CheckFailed(verdict.text + (f" It calls your {uses}: the NotImplementedError may come from one "
                                              f"of those." if uses else ""))
        verdicts.append(verdict)
        failing.append((case, actual, expected))
    if not verdicts:
        return
    text = "\n\n".join(v.text for v in verdicts[:MAX_FAILURES_SHOWN])
    more = len(verdicts) - MAX_FAILURES_SHOWN
    if more > 0:
        text += f"\n\n... and {more} more failing case{'s' if more > 1 else ''}."
    tags = {v.mistake for v in verdicts if v.mistake}
    wrong = [(case, actual.result) for (case, actual, _), v in zip(failing, verdicts) if v.wrong_value]
    found = None
    if len(wrong) == len(verdicts):
        found = next((d for d in diagnoses if all(_explains(d, c, r) for c, r in wrong)
                      and not any(_quietly(contradicts)(d, c, r) for c, r in passing)), None)
    if found:
        text += "\n\n" + mistake_line(found.mistake)
        tags.add(found.mistake)
    if not tags:
        for word, tag, advice in label_hints:
            if all(word in case.label for case, _, _ in failing):
                text += "\n\n" + mistake_line(Mistake(tag, advice))
                tags.add(Mistake(tag, advice))
                break
    if not tags:
        errors = " ".join(actual.error for _, actual, _ in failing if actual.error)
        for needles, tag, advice in error_hints:
            if any(needle in errors for needle in needles):
                text += "\n\n" + mistake_line(Mistake(tag, advice))
                tags.add(Mistake(tag, advice))
                break
    if not tags and uses:
        text += (f"\n\nIt calls your {uses}: if one of their tests failed, fix that first; the mistake may be "
                 f"there rather than here.")
    if gradients:
        first = next(((a, e) for _, a, e in failing if not a.error and not a.mutated), None)
        if first is not None:
            text += "\n" + _gradient_report(first[0].result, first[1].result, tuple(gradients))
    raise CheckFailed(text, sorted(tags))


def _fd_property(numeric_of, keys, rel_tol=GRAD_REL_TOL, only=lambda case: True):
    """extra= check: the student's gradients agree with central differences of the student's own forward pass.

    numeric_of(case) -> {key: numerical gradient} (see `_own_fd`); the message names the worst offender (gradcheck
    style). only(case) picks the cases that get the (costlier) finite-difference check.
    """
    def extra(case, result):
        if not only(case):
            return None
        try:
            numeric = _quietly(numeric_of)(case)
        except _ForwardFailed as exc:
            return f"calling forward again for the gradient check failed: {exc}"
        analytic = {k: (result if k is None else result[k]) for k in keys}
        if all(gradients_agree(analytic[k], numeric[k], rel_tol=rel_tol) for k in keys):
            return None
        errors = {k: relative_error(analytic[k], numeric[k]) for k in keys}
        worst = max(errors, key=errors.get)
        label = "the gradient" if worst is None else worst
        return (f"{label} disagrees with central differences of your own forward pass: relative error "
                f"{errors[worst]:.3g} (worst offender; allowed {rel_tol:g}). Does forward give the same result "
                f"every time it is called?")
    return extra


class _ForwardFailed(Exception):
    """The student's forward pass raised while being differentiated numerically."""


def _own_fd(student, how):
    """numeric_of for `_fd_property`: how(student, *case.args) differentiates the student's forward pass.

    It runs where the student's code lives (in the grading sandbox: one request per case, the perturbed parameters
    change the student's real objects there); only the resulting gradients come back.
    """
    def numeric(case):
        outcome = probe(student, case, how=_quietly(how))
        if outcome.error:
            raise _ForwardFailed(outcome.error)
        return outcome.result
    return numeric


def _away_from_kink(rng, shape, scale=1.0):
    """Normal draws pushed at least KINK_MARGIN away from 0 (ReLU is not differentiable there)."""
    z = rng.normal(0.0, scale, shape)
    return np.sign(z) * (KINK_MARGIN + np.abs(z))


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


ARRAY_HINT = (("only length-1 arrays", "only size-1 arrays", "only 0-dimensional", "only integer scalar"),
              "math-on-array", "math.exp works on one number only; np.exp works elementwise on whole arrays.")


def check_sigmoid(sigmoid):
    _judge("sigmoid", sigmoid, ref.sigmoid, _activation_cases("sigmoid"), parameter_names=("x",), diagnoses=[
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
    ], error_hints=[ARRAY_HINT])


def _sigmoid_fd(case):
    return {None: numerical_gradient(lambda v: np.sum(ref.sigmoid(v)), np.asarray(case.args[0], dtype=float))}


def check_sigmoid_grad(sigmoid_grad):
    s = ref.sigmoid
    _judge("sigmoid_grad", sigmoid_grad, ref.sigmoid_grad, _activation_cases("sigmoid_grad"), parameter_names=("x",),
           gradients=(None,), extra=_fd_property(_sigmoid_fd, (None,)), diagnoses=[
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
    ], error_hints=[ARRAY_HINT])


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
    _judge("softmax", softmax, ref.softmax, _softmax_cases(), parameter_names=("x",), diagnoses=[
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
    ], label_hints=[
        ("scale", "softmax-global-max", "subtract each ROW's maximum (np.max(x, axis=-1, keepdims=True)), not the "
         "maximum of the whole array: a row far below the global maximum underflows to 0 / 0."),
        ("1-D", "one-row-not-handled", "a 1-D vector is one row: use axis=-1 (the last axis) with keepdims=True so "
         "the same code works for (C,) and (N, C)."),
    ], error_hints=[
        (("could not be broadcast",), "max-not-keepdims", "np.max(x, axis=1) has shape (N,), which does not line up "
         "with x (N, C): keep the axis with keepdims=True."),
        (("axis 1 is out of bounds",), "one-row-not-handled", "a 1-D vector is one row: use axis=-1 (the last axis) "
         "so the same code works for (C,) and (N, C)."),
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


LABELS_HINT = ("integer labels", "labels-vs-one-hot", "t can be integer labels (N,) as well as one-hot (N, C): "
               "pick the probability of the correct class with y[np.arange(N), t], or turn labels into one-hot "
               "first (one-hot t can be turned into labels with t.argmax(axis=1)).")
ONE_HOT_HINT = ("one-hot", "labels-vs-one-hot", "t can be one-hot (N, C) as well as integer labels (N,): turn "
                "one-hot t into labels with t.argmax(axis=1) before comparing or indexing.")


ZERO_PROB_HINT = ("exactly 0", "log-zero-nan", "softmax can give probabilities that are exactly 0, and "
                  "t * np.log(y) is then 0 * (-inf) = nan: add a tiny delta inside the log (np.log(y + 1e-7)) or take "
                  "only the correct class's probability, y[np.arange(N), labels].")
LARGE_HINT = ("large", "softmax-overflow", "with scores in the thousands np.exp overflows unless each row's maximum is "
              "subtracted first, and the other probabilities come out as exactly 0, so the cross-entropy must not take "
              "log(0) either (np.log(y + 1e-7), or index the correct class).")


def check_cross_entropy_error(cross_entropy_error):
    def ce(y, t):
        return -np.log(_true_probs_of(y, t))

    def _true_probs_of(y, t):
        yy = np.asarray(y, dtype=float)
        return yy.reshape(-1, yy.shape[-1])[np.arange(_batch(yy)), ref.to_labels(t, yy.shape)]

    _judge("cross_entropy_error", cross_entropy_error, ref.cross_entropy_error, _ce_cases(),
           parameter_names=("y", "t"), diagnoses=[
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
    ], label_hints=[LABELS_HINT, ONE_HOT_HINT])


# ---------------------------------------------------------------- layers: Affine, Relu, Sigmoid

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
    _judge("Affine", Affine, ref.Affine, _affine_cases(), how=_affine_probe, parameter_names=("W", "b", "x", "dout"),
           gradients=("dx", "dW", "db"), extra=_fd_property(_own_fd(Affine, _affine_fd), ("dx", "dW", "db")), diagnoses=[
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
    ], error_hints=[(("could not be broadcast", "not aligned", "mismatch in its core dimension", "shapes"),) + SHAPE_HINT])


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
    _judge("Relu", Relu, ref.Relu, _elementwise_cases("Relu", relu=True), how=_elementwise_probe,
           parameter_names=("x", "dout"), gradients=("dx",), extra=_fd_property(_own_fd(Relu, _elementwise_fd), ("dx",)),
           diagnoses=[
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
    _judge("Sigmoid", Sigmoid, ref.Sigmoid, _elementwise_cases("Sigmoid", relu=False), how=_elementwise_probe,
           parameter_names=("x", "dout"), gradients=("dx",), extra=_fd_property(_own_fd(Sigmoid, _elementwise_fd), ("dx",)),
           diagnoses=[
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
    cases = _loss_cases("SoftmaxWithLoss")
    forward_cases = [Case(c.args, label=c.label, abs_tol=LOSS_ABS_TOL) for c in cases]
    common = dict(parameter_names=("x", "t"), label_hints=[LABELS_HINT, ONE_HOT_HINT])
    _judge("SoftmaxWithLoss (forward: the loss)", SoftmaxWithLoss, ref.SoftmaxWithLoss, forward_cases,
           how=_loss_forward_probe, uses="softmax and cross_entropy_error", diagnoses=[
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
    ], label_hints=[ZERO_PROB_HINT, LARGE_HINT, LABELS_HINT, ONE_HOT_HINT], parameter_names=("x", "t"))
    _judge("SoftmaxWithLoss (backward: dx)", SoftmaxWithLoss, ref.SoftmaxWithLoss, cases,
           how=_loss_backward_probe, uses="softmax and cross_entropy_error", gradients=(None,),
           extra=_fd_property(_own_fd(SoftmaxWithLoss, _loss_fd), (None,), rel_tol=LOSS_FD_REL_TOL), diagnoses=[
        Diagnosis("missing-batch-division", "the loss is a mean over the batch, so dx = (y - t) / N: divide by the "
                  "batch size.", _loss_variant(_loss_backward_probe, backward=lambda s, dx: dx * len(s.x))),
        Diagnosis("sign-flipped", "dx = (y - t) / N: softmax output MINUS the one-hot target.",
                  _loss_variant(_loss_backward_probe, backward=lambda s, dx: -dx)),
        Diagnosis("divided-by-size", "divide by the batch size N = x.shape[0], not by the number of entries N * C.",
                  _loss_variant(_loss_backward_probe, backward=lambda s, dx: dx / s.x.shape[1])),
        Diagnosis("used-scores-not-softmax", "dx = (y - t) / N uses the softmax OUTPUT y stored in forward, not "
                  "the scores x.", _loss_variant(_loss_backward_probe, backward=lambda s, dx: dx + (s.x - s.y) / len(s.x))),
    ], **common)


# ---------------------------------------------------------------- TwoLayerNet

NET_KEYS = ("W1", "b1", "W2", "b2")


def _init_probe(cls, input_size, hidden_size, output_size, weight_init_std):
    """Construct under a fixed np.random seed (restored afterwards) and summarise the initial params."""
    state = np.random.get_state()
    np.random.seed(INIT_SEED)
    try:
        net = cls(input_size, hidden_size, output_size, weight_init_std=weight_init_std)
    finally:
        np.random.set_state(state)
    params = _params_of(net, input_size, hidden_size, output_size)
    summary = {}
    for key in NET_KEYS:
        value = np.asarray(params[key], dtype=float)
        if key.startswith("b"):
            summary[f"{key} is all zero"] = bool(np.all(value == 0))
        else:
            summary[f"{key} std / weight_init_std"] = float(np.std(value) / weight_init_std)
            summary[f"{key} mean / weight_init_std"] = float(np.mean(value) / weight_init_std)
    return summary


def _params_of(net, input_size, hidden_size, output_size):
    params = getattr(net, "params", None)
    if not isinstance(params, dict):
        raise TypeError(f"net.params should be a dict with keys W1, b1, W2, b2, but it is {type(params).__name__}")
    if set(params) != set(NET_KEYS):
        raise KeyError(f"net.params has keys {sorted(map(str, params))}; expected exactly W1, b1, W2, b2")
    shapes = {"W1": (input_size, hidden_size), "b1": (hidden_size,), "W2": (hidden_size, output_size),
              "b2": (output_size,)}
    for key, shape in shapes.items():
        if np.shape(params[key]) != shape:
            raise ValueError(f"net.params[{key!r}] has shape {np.shape(params[key])}, expected {shape} for "
                             f"TwoLayerNet({input_size}, {hidden_size}, {output_size})")
    return params


def _net_with(cls, params):
    """A student network whose params are overwritten IN PLACE with the case's (so layers sharing them see it)."""
    (input_size, hidden_size), output_size = params["W1"].shape, params["b2"].shape[0]
    state = np.random.get_state()  # the random initial weights are overwritten: leave np.random as it was
    try:
        net = cls(input_size, hidden_size, output_size)
    finally:
        np.random.set_state(state)
    own = _params_of(net, input_size, hidden_size, output_size)
    for key in NET_KEYS:
        own[key][...] = params[key]
    return net


def _net_forward_probe(cls, x, t, params):
    net = _net_with(cls, params)
    return {"predict": net.predict(x), "loss": net.loss(x, t), "accuracy": net.accuracy(x, t)}


def _net_gradient_probe(cls, x, t, params):
    net = _net_with(cls, params)
    grads = net.gradient(x, t)
    if any(not np.array_equal(net.params[k], params[k]) for k in NET_KEYS):
        raise ValueError("gradient(x, t) changed net.params; it must only compute the gradients (the training loop "
                         "updates the parameters)")
    return grads


class _Params(dict):
    """The network's parameters for one case; shown to the student by their shapes only (the values are seeded)."""

    def __repr__(self):
        return "seeded " + ", ".join(f"{k} {np.shape(v)}" for k, v in self.items())


def _net_problem(rng, input_size, hidden_size, output_size, n):
    """x, labels and params with every hidden pre-activation >= KINK_MARGIN from 0 and p(correct) >= MIN_TRUE_PROB."""
    while True:
        params = _Params(W1=rng.normal(0, 0.8, (input_size, hidden_size)), b1=rng.normal(0, 0.3, hidden_size),
                         W2=rng.normal(0, 0.8, (hidden_size, output_size)), b2=rng.normal(0, 0.3, output_size))
        x = rng.normal(0, 1, (n, input_size))
        labels = rng.integers(0, output_size, n)
        hidden = x @ params["W1"] + params["b1"]
        scores = np.maximum(hidden, 0) @ params["W2"] + params["b2"]
        if (np.min(np.abs(hidden)) >= KINK_MARGIN
                and np.min(ref.softmax(scores)[np.arange(n), labels]) >= MIN_TRUE_PROB):
            return x, labels, params


NET_SIZES = [(3, 4, 2, 1, True), (4, 5, 3, 6, False), (2, 6, 4, 5, True), (5, 3, 3, 8, False)]


def _net_cases():
    rng = seeded_rng("TwoLayerNet")
    cases = []
    for i, h, o, n, one_hot in NET_SIZES:
        x, labels, params = _net_problem(rng, i, h, o, n)
        t = _one_hot(labels, o) if one_hot else labels
        cases.append(Case((x, t, params), label=f"TwoLayerNet({i}, {h}, {o}), batch of {n}, "
                          f"{'one-hot t' if one_hot else 'integer labels t'}"))
    return cases


def _large_net_case():
    rng = seeded_rng("TwoLayerNet large")
    while True:  # until some score is in the thousands (ReLU can leave every row's scores small)
        x, _, params = _net_problem(rng, 3, 4, 3, 4)
        x = 1000.0 * x
        scores = np.maximum(x @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"]
        if np.max(scores) >= LARGE_SCORE:
            break
    return Case((x, np.argmax(scores, axis=1), params),
                label="large inputs (scores in the thousands: exp overflows unless the row maximum is subtracted), "
                      "integer labels t")


def _net_variant(probe_fn, **overrides):
    """A reference network with some methods replaced (each override receives the network as its first argument)."""
    Variant = type("Variant", (ref.TwoLayerNet,), overrides)
    return lambda *args: probe_fn(Variant, *args)


def _init_variant(change):
    class Variant(ref.TwoLayerNet):
        def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
            super().__init__(input_size, hidden_size, output_size, weight_init_std)
            change(self.params, weight_init_std)
    return lambda *args: _init_probe(Variant, *args)


def _redo_init(random, scale):
    """Re-draw W1, W2 (after the same seed) as scale(weight_init_std) * random(shape)."""
    def change(params, std):
        np.random.seed(INIT_SEED)
        params["W1"][...] = scale(std) * random(*params["W1"].shape)
        params["W2"][...] = scale(std) * random(*params["W2"].shape)
    return change


def _set_biases(params, std):
    np.random.seed(INIT_SEED)
    params["b1"][...] = std * np.random.randn(*params["b1"].shape)
    params["b2"][...] = std * np.random.randn(*params["b2"].shape)


def _check_net_init(TwoLayerNet):
    cases = [Case((100, 80, 60, 0.01), label="default weight_init_std", rel_tol=INIT_TOL, abs_tol=INIT_TOL),
             Case((80, 100, 50, 0.5), label="weight_init_std = 0.5", rel_tol=INIT_TOL, abs_tol=INIT_TOL)]
    _judge("TwoLayerNet (initial params)", TwoLayerNet, ref.TwoLayerNet, cases, how=_init_probe,
           parameter_names=("input_size", "hidden_size", "output_size", "weight_init_std"), diagnoses=[
        Diagnosis("uniform-init", "np.random.rand draws uniformly from [0, 1); the weights are "
                  "weight_init_std * np.random.randn(...), normal with mean 0.",
                  _init_variant(_redo_init(np.random.rand, lambda std: std))),
        Diagnosis("weight-init-std-ignored", "multiply the random weights by weight_init_std.",
                  _init_variant(_redo_init(np.random.randn, lambda std: 1.0))),
        Diagnosis("weight-init-std-hard-coded", "use the argument weight_init_std, not the number 0.01.",
                  _init_variant(_redo_init(np.random.randn, lambda std: 0.01))),
        Diagnosis("bias-not-zero", "the biases b1 and b2 start at 0 (np.zeros); only the weights are random.",
                  _init_variant(_set_biases)),
    ], error_hints=[(("net.params",), "params-contract", "net.params is a dict with exactly the keys W1, b1, W2, "
                     "b2: W1 (input_size, hidden_size), b1 (hidden_size,), W2 (hidden_size, output_size), "
                     "b2 (output_size,).")])


def _responds_to_params(cls, x, params):
    net = _net_with(cls, params)
    before = np.array(net.predict(x), dtype=float, copy=True)
    for key in NET_KEYS:
        net.params[key][...] = -2.0 * params[key] + 0.5
    return not np.allclose(before, np.array(net.predict(x), dtype=float))


def _check_net_uses_params(TwoLayerNet):
    x, _, params = _net_problem(seeded_rng("TwoLayerNet params"), 3, 4, 2, 3)
    outcome = probe(TwoLayerNet, Case((x, params)), _quietly(_responds_to_params))
    if outcome.result is False:
        copied = Mistake("layers-copy-params", "the "
            "layers must use the SAME arrays as net.params (Affine(self.params['W1'], self.params['b1']), no "
            ".copy() or np.array(...)), or read net.params on every call; otherwise the training loop's "
            "net.params[key] -= lr * grad[key] never reaches the layers.")
        raise CheckFailed(
            "TwoLayerNet ignores changes to net.params: after net.params['W1'][...] = new values (and the same for "
            "b1, W2, b2), predict(x) gave the same scores as before.\n\n" + mistake_line(copied), [copied])


NET_LABEL_HINTS = [LARGE_HINT, LABELS_HINT, ONE_HOT_HINT]


def _probabilities(net, x):
    return ref.softmax(ref.TwoLayerNet.predict(net, x))


def _sigmoid_hidden_predict(net, x):
    p = net.params
    return ref.sigmoid(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]


def _net_fd_case(case):
    """Finite differences on two of the four network cases (labels and one-hot t, batches of 6 and 5): they cost
    two loss evaluations per parameter; the reference comparison covers every case."""
    return "batch of 6" in case.label or "batch of 5" in case.label


def _net_fd(cls, x, t, params):
    net = _net_with(cls, params)
    return numerical_gradient_params(lambda: float(net.loss(x.copy(), np.array(t, copy=True))), net.params)


class _NoBatchDivision(ref.SoftmaxWithLoss):
    def backward(self, dout=1):
        return super().backward(dout) * self.y.shape[0]


class _UnmaskedRelu(ref.Relu):
    def backward(self, dout):
        return np.array(dout, dtype=float)


def _net_with_layers(change):
    """A reference network whose layers are changed by change(net) after construction."""
    class Variant(ref.TwoLayerNet):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            change(self)
    return lambda *args: _net_gradient_probe(Variant, *args)


def _replace_layer(key, layer_factory):
    def change(net):
        if key == "last_layer":
            net.last_layer = layer_factory(net)
        else:
            net.layers[key] = layer_factory(net)
    return change


def _affine_with(W, b, backward_hook):
    class Variant(ref.Affine):
        def backward(self, dout):
            dx = super().backward(dout)
            backward_hook(self, dout)
            return dx
    return Variant(W, b)


def _both_affines(hook):
    def change(net):
        net.layers["Affine1"] = _affine_with(net.params["W1"], net.params["b1"], hook)
        net.layers["Affine2"] = _affine_with(net.params["W2"], net.params["b2"], hook)
    return change


NET_USES = "Affine, Relu and SoftmaxWithLoss layers (and softmax, cross_entropy_error)"


def check_TwoLayerNet(TwoLayerNet):
    _check_net_init(TwoLayerNet)
    _check_net_uses_params(TwoLayerNet)
    cases = _net_cases()
    forward_cases = [Case(c.args, label=c.label, abs_tol=LOSS_ABS_TOL) for c in cases + [_large_net_case()]]
    error_hints = [(("net.params",), "params-contract", "net.params is a dict with exactly the keys W1, b1, W2, b2 "
                    "holding arrays of shapes (input_size, hidden_size), (hidden_size,), (hidden_size, "
                    "output_size), (output_size,).")]
    _judge("TwoLayerNet (predict, loss, accuracy)", TwoLayerNet, ref.TwoLayerNet, forward_cases,
           how=_net_forward_probe, parameter_names=("x", "t", "params"), uses=NET_USES, diagnoses=[
        Diagnosis("predict-returned-probabilities", "predict returns the SCORES of the last Affine layer (before "
                  "softmax); the softmax is applied only inside the loss layer.",
                  _net_variant(_net_forward_probe, predict=_probabilities,
                               loss=lambda net, x, t: net.last_layer.forward(ref.TwoLayerNet.predict(net, x), t),
                               accuracy=lambda net, x, t: ref.TwoLayerNet.accuracy(net, x, t))),
        Diagnosis("used-sigmoid-hidden", "the hidden layer is a ReLU: Affine -> Relu -> Affine -> SoftmaxWithLoss.",
                  _net_variant(_net_forward_probe, predict=_sigmoid_hidden_predict)),
        Diagnosis("loss-not-averaged", "the loss is the MEAN cross-entropy over the batch: divide by N.",
                  _net_variant(_net_forward_probe,
                               loss=lambda net, x, t: len(x) * ref.TwoLayerNet.loss(net, x, t))),
        Diagnosis("accuracy-as-count", "accuracy is the FRACTION of correct predictions: divide the count by N.",
                  _net_variant(_net_forward_probe,
                               accuracy=lambda net, x, t: len(x) * ref.TwoLayerNet.accuracy(net, x, t))),
    ], label_hints=NET_LABEL_HINTS, error_hints=error_hints)
    _judge("TwoLayerNet.gradient", TwoLayerNet, ref.TwoLayerNet, cases + [_large_net_case()], how=_net_gradient_probe,
           uses=NET_USES,
           parameter_names=("x", "t", "params"), gradients=NET_KEYS,
           extra=_fd_property(_own_fd(TwoLayerNet, _net_fd), NET_KEYS, rel_tol=LOSS_FD_REL_TOL, only=_net_fd_case), diagnoses=[
        Diagnosis("missing-batch-division", "the loss is a mean over the batch, so the gradient at the scores is "
                  "(y - t) / N: divide by the batch size once (in SoftmaxWithLoss.backward).",
                  _net_with_layers(_replace_layer("last_layer", lambda net: _NoBatchDivision()))),
        Diagnosis("transposes-swapped", "dW = x.T @ dout has W's shape; dout.T @ x is its transpose.",
                  _net_with_layers(_both_affines(lambda s, d: setattr(s, "dW", d.T @ s.x)))),
        Diagnosis("bias-not-summed", "db = np.sum(dout, axis=0): the bias is shared by the whole batch.",
                  _net_with_layers(_both_affines(lambda s, d: setattr(s, "db", np.array(d, dtype=float))))),
        Diagnosis("bias-not-summed", "db = dout[0] is the first sample's gradient only: db = np.sum(dout, axis=0) "
                  "adds the gradients of the whole batch, since the bias is shared by every sample.",
                  _net_with_layers(_both_affines(lambda s, d: setattr(s, "db", np.array(d[0], dtype=float))))),
        Diagnosis("relu-gradient-not-masked", "the gradient must be 0 where the hidden pre-activation was <= 0: "
                  "the ReLU mask is missing (or was taken after the negatives were already set to 0).",
                  _net_with_layers(_replace_layer("Relu1", lambda net: _UnmaskedRelu()))),
        Diagnosis("divided-by-batch-twice", "divide by the batch size only once (in the loss layer), not again in "
                  "the Affine layers.", _net_with_layers(_both_affines(lambda s, d: (
                      setattr(s, "dW", s.dW / len(d)), setattr(s, "db", s.db / len(d)))))),
    ], label_hints=NET_LABEL_HINTS, error_hints=[
        (("changed net.params",), "params-changed-by-gradient", "gradient(x, t) only computes the gradients; "
         "the training loop updates the parameters."),
        (("could not be broadcast", "not aligned", "mismatch in its core dimension"),) + SHAPE_HINT] + error_hints)


CHECKS = {
    "sigmoid": check_sigmoid,
    "sigmoid_grad": check_sigmoid_grad,
    "softmax": check_softmax,
    "cross_entropy_error": check_cross_entropy_error,
    "Affine": check_Affine,
    "Relu": check_Relu,
    "Sigmoid": check_Sigmoid,
    "SoftmaxWithLoss": check_SoftmaxWithLoss,
    "TwoLayerNet": check_TwoLayerNet,
}

"""Hidden-test checks for rnn_bptt. Each `check_*` takes the student's function and raises `CheckFailed`.

Inputs are "count the ones" sequences (0/1 bits, also as an integer array) and real-valued sequences of several
sizes and lengths, with recurrent weights below, at and above 1 (vanishing, stable, exploding). The BPTT check
compares wx_grad, wRec_grad AND grad_over_time with the reference, and the two weight gradients with central finite
differences of the loss (aimath.gradcheck).

Inputs also span magnitudes: real-valued sequences around 1e4 and 1e-4 (states, losses and gradients then reach
about 1e8 and 1e-8), compared with an absolute tolerance scaled down with them, so that clipping a state or a
gradient "against explosion", or a fixed threshold, does not slip by.
"""
import numpy as np

from aimath.gradcheck import numerical_gradient
from aimath.judge import ABS_TOL, Case, Diagnosis, Hint, check_cases, gradient_property, seeded_rng
from aimath.reference import rnn_bptt as ref

# Sizes (n_samples, seq_len) of the random cases: one sample, one step, and longer sequences.
RANDOM_SIZES = [(1, 4), (4, 1), (5, 3), (10, 6), (7, 10)]

# Weights (wx, wRec) of the hand-picked cases: wRec = 0 (no memory), 1 (a running sum), |wRec| < 1 (vanishing),
# |wRec| > 1 (exploding), negative (alternating).
HAND_WEIGHTS = [(1.0, 1.0), (0.5, 0.0), (1.0, 0.5), (0.8, 1.3), (-0.7, -0.9), (1.2, 1.0)]
# For the gradients the first pair moves off the exact solution (1, 1), which has its own case with zero gradients.
BACKWARD_WEIGHTS = [(1.1, 0.9)] + HAND_WEIGHTS[1:]

# Input scales beyond the ordinary ones: each gets one real-valued sequence (see _sequences).
MAGNITUDES = (1e4, 1e-4)
# Clip bounds students put on states or gradients "against exploding values": what the clipped diagnoses recognise.
CLIPS = (1.0, 5.0, 10.0, 100.0, 1e3, 1e4)


def scaled_abs_tol(scale, power=1):
    """ABS_TOL shrunk for values of size scale**power below 1 (so tiny results are not "close enough to 0")."""
    return ABS_TOL * min(1.0, scale) ** power


# When the student's code indexed past the end of an array: the X / S column offset.
INDEX_HINT = Hint("index-out-of-range", "X has seq_len columns but S and grad_over_time have seq_len + 1 (column 0 is "
                  "the initial state), so step k (k = 1 .. seq_len) reads the input X[:, k-1] and the previous state "
                  "S[:, k-1].", raised=("IndexError",))


def _sequences(name):
    """(label, X) pairs: count-the-ones bits (float and int dtype) and real-valued inputs of several sizes."""
    rng = seeded_rng(name)
    out = [("count the ones, 3 samples of length 4", ref.count_ones_data(3, 4, rng)[0]),
           ("one sample of length 1", np.array([[1.0]])),
           ("count the ones with an INTEGER array X", rng.integers(0, 2, (4, 5)))]
    for n, L in RANDOM_SIZES:
        X = ref.count_ones_data(n, L, rng)[0] if L % 2 else np.round(rng.normal(0, 1, (n, L)), 3)
        out.append((f"{'bits' if L % 2 else 'real inputs'}, {n} samples of length {L}", X))
    for scale in MAGNITUDES:
        out.append((f"real inputs around {scale:g}, 6 samples of length 5", rng.normal(0, scale, (6, 5))))
    return out, rng


def _scale_of(label):
    """The input scale a case's label names (1 for the ordinary cases)."""
    return next((scale for scale in MAGNITUDES if f"around {scale:g}," in label), 1.0)


# ---------------------------------------------------------------- update_state

def _update_cases():
    rng = seeded_rng("update_state")
    cases = [Case((1.0, 2.0, 1.0, 1.0), label="numbers, wx = wRec = 1: 1 + 2"),
             Case((1.0, 3.0, 2.0, 0.5), label="numbers: 1 * 2 + 3 * 0.5"),
             Case((np.array([1.0, 0.0, 1.0]), np.array([0.0, 2.0, -1.5]), 1.5, 0.0), label="wRec = 0: no memory"),
             Case((np.array([0.0, 1.0]), np.array([3.0, 4.0]), 0.8, 1.3), label="wRec > 1")]
    for n in (1, 4, 9):
        cases.append(Case((rng.normal(0, 1, n), rng.normal(0, 2, n), float(rng.uniform(-2, 2)),
                           float(rng.uniform(-1.5, 1.5))), label=f"random, {n} samples"))
    for scale in MAGNITUDES:
        cases.append(Case((rng.normal(0, scale, 5), rng.normal(0, scale, 5), 1.5, 0.9), label=f"values around {scale:g}",
                          abs_tol=scaled_abs_tol(scale)))
    return cases


def check_update_state(update_state):
    """`update_state(xk, sk, wx, wRec) -> S_k = xk * wx + sk * wRec`: for numbers and arrays of samples, wRec = 0, 1
    and above, seeded values and values around 1e4 and 1e-4. Raises CheckFailed naming the mistake when a model
    explains it (weights swapped, no recurrence, wRec missing, grouping, an activation, summed over samples, weights
    added, the state clipped)."""
    check_cases("update_state", update_state, ref.update_state, _update_cases(),
                parameter_names=("xk", "sk", "wx", "wRec"), diagnoses=[
                    Diagnosis("swapped-weights", "the input is multiplied by wx and the previous state by wRec.",
                              lambda xk, sk, wx, wRec: xk * wRec + sk * wx),
                    Diagnosis("no-recurrence", "add the previous state times wRec: S_k = X_k wx + S_(k-1) wRec.",
                              lambda xk, sk, wx, wRec: xk * wx),
                    Diagnosis("missing-wRec", "the previous state is multiplied by wRec before it is added.",
                              lambda xk, sk, wx, wRec: xk * wx + sk),
                    Diagnosis("wrong-grouping", "only the previous state is multiplied by wRec, not the sum: "
                              "xk * wx + sk * wRec.", lambda xk, sk, wx, wRec: (xk * wx + sk) * wRec),
                    Diagnosis("added-nonlinearity", "this RNN is LINEAR: no tanh or other activation.",
                              lambda xk, sk, wx, wRec: np.tanh(xk * wx + sk * wRec)),
                    Diagnosis("summed-over-samples", "return one new state per sample (same shape as xk), "
                              "not their sum.", lambda xk, sk, wx, wRec: np.sum(xk * wx + sk * wRec)),
                    Diagnosis("weights-added", "the weights MULTIPLY: xk * wx + sk * wRec, not (xk + wx) + (sk + wRec).",
                              lambda xk, sk, wx, wRec: (xk + wx) + (sk + wRec)),
                    *[Diagnosis("state-clipped", STATE_CLIPPED_ADVICE.format(c=c),
                                lambda xk, sk, wx, wRec, c=c: np.clip(xk * wx + sk * wRec, -c, c)) for c in CLIPS],
                ])


STATE_CLIPPED_ADVICE = ("the state is clipped to [-{c:g}, {c:g}]: this linear RNN's state is exactly X_k wx + S_(k-1) "
                        "wRec, however large it grows (exploding states are what the assignment looks at).")


# ---------------------------------------------------------------- forward_states

def _forward_cases():
    sequences, rng = _sequences("forward_states")
    weights = HAND_WEIGHTS + [(float(rng.uniform(-1.5, 1.5)), float(rng.uniform(-1.5, 1.5)))
                              for _ in range(len(sequences) - len(HAND_WEIGHTS))]
    return [Case((X, wx, wRec), label=f"{label}, wx = {wx:g}, wRec = {wRec:g}", abs_tol=scaled_abs_tol(_scale_of(label)))
            for (label, X), (wx, wRec) in zip(sequences, weights)]


def _forward_from(X, wx, wRec, s0=0.0, dtype=np.float64, steps=None, reverse=False, previous=True, clip=None):
    """The forward pass with one thing changed (initial state, dtype, number of steps, time order, recurrence,
    states clipped)."""
    X = np.asarray(X)
    L = X.shape[1]
    S = np.zeros((X.shape[0], L + 1), dtype=dtype)
    S[:, 0] = s0
    for k in range(1, (L if steps is None else steps) + 1):
        xk = X[:, L - k] if reverse else X[:, k - 1]
        S[:, k] = xk * wx + (S[:, k - 1] if previous else S[:, k]) * wRec
        if clip is not None:
            S[:, k] = np.clip(S[:, k], -clip, clip)
    return S


def check_forward_states(forward_states):
    """`forward_states(X, wx, wRec) -> S (n_samples, seq_len + 1)`: S[:, 0] = 0 and S[:, k] = X[:, k-1] wx + S[:, k-1]
    wRec, for count-the-ones bits (also an integer X), one step, real inputs of several sizes and around 1e4 and
    1e-4, with wRec below, at and above 1. Raises CheckFailed naming the mistake when a model explains it (integer
    states, initial state missing or not 0, only the final state, last step missing, previous state not used,
    weights swapped, reversed time, clipped states, float32) or index-out-of-range when an IndexError was raised."""
    check_cases(
        "forward_states", forward_states, ref.forward_states, _forward_cases(),
        parameter_names=("X", "wx", "wRec"), hints=[INDEX_HINT], diagnoses=[
            # First: it only explains failures on integer X, where other diagnoses can coincide with it.
            Diagnosis("integer-states", "S got the integer dtype of X, so every state was truncated to a whole "
                      "number. Create S as floats: np.zeros((n_samples, seq_len + 1)).",
                      lambda X, wx, wRec: _forward_from(X, wx, wRec, dtype=np.asarray(X).dtype)),
            Diagnosis("missing-initial-state", "S has seq_len + 1 columns: column 0 is the initial state S_0 = 0, "
                      "then one column per time step.", lambda X, wx, wRec: ref.forward_states(X, wx, wRec)[:, 1:]),
            Diagnosis("returned-final-state-only", "return every state S (n_samples, seq_len + 1), not only the "
                      "output S[:, -1].", lambda X, wx, wRec: ref.forward_states(X, wx, wRec)[:, -1]),
            Diagnosis("initial-state-not-zero", "the initial state S[:, 0] must be 0 (start from np.zeros).",
                      lambda X, wx, wRec: _forward_from(X, wx, wRec, s0=1.0)),
            Diagnosis("last-step-missing", "the loop stops one step early: k must run from 1 to seq_len "
                      "inclusive, i.e. range(1, seq_len + 1).",
                      lambda X, wx, wRec: _forward_from(X, wx, wRec, steps=np.shape(X)[1] - 1)),
            Diagnosis("previous-state-not-used", "each step adds the PREVIOUS state S[:, k-1] times wRec; "
                      "S[:, k] is still empty when you compute it.",
                      lambda X, wx, wRec: _forward_from(X, wx, wRec, previous=False)),
            Diagnosis("swapped-weights", "the input is multiplied by wx and the previous state by wRec.",
                      lambda X, wx, wRec: ref.forward_states(X, wRec, wx)),
            Diagnosis("reversed-time", "read the inputs in time order: step k uses X[:, k-1], from the first "
                      "column to the last.", lambda X, wx, wRec: _forward_from(X, wx, wRec, reverse=True)),
            *[Diagnosis("state-clipped", STATE_CLIPPED_ADVICE.format(c=c),
                        lambda X, wx, wRec, c=c: _forward_from(X, wx, wRec, clip=c)) for c in CLIPS],
            Diagnosis("single-precision", "S is float32, which keeps only about 7 digits: create it as float64 "
                      "(np.zeros's default).", lambda X, wx, wRec: _forward_from(X, wx, wRec, dtype=np.float32)),
        ])


# ---------------------------------------------------------------- loss and output_gradient

def _output_cases(name):
    """(y, t) pairs: network outputs against count-the-ones targets (also integer targets), one sample, y == t."""
    rng = seeded_rng(name)
    cases = [Case((np.array([2.5, 0.0, 3.0]), np.array([2.0, 1.0, 3.0])), label="small example"),
             Case((np.array([1.75]), np.array([2.0])), label="one sample"),
             Case((np.array([1.0, 2.0, 0.0, 4.0]), np.array([1.0, 2.0, 0.0, 4.0])), label="perfect outputs y == t"),
             Case((np.array([0.5, 2.25, 3.0, -1.0]), np.array([1, 2, 3, 0])), label="integer targets t")]
    for n in (2, 5, 12):
        X, t = ref.count_ones_data(n, int(rng.integers(2, 8)), rng)
        y = ref.forward_states(X, float(rng.uniform(0.5, 1.5)), float(rng.uniform(0.5, 1.5)))[:, -1]
        cases.append(Case((y, t), label=f"{n} samples, outputs of the network"))
    for scale in MAGNITUDES:
        t = rng.normal(0, scale, 6)
        cases.append(Case((t + rng.normal(0, scale / 10, 6), t), label=f"outputs and targets around {scale:g}",
                          abs_tol=scaled_abs_tol(scale, 2)))
    return cases


def check_loss(loss):
    """`loss(y, t) -> float`: mean((t - y)**2) for outputs y and targets t (n_samples,) (one sample, y == t, integer t,
    network outputs, values around 1e4 and 1e-4). Raises CheckFailed naming the mistake when a model explains it
    (sum, no square, absolute error, root, halved, n - 1, the mean squared)."""
    check_cases("loss", loss, ref.loss, _output_cases("loss"), parameter_names=("y", "t"), diagnoses=[
        Diagnosis("summed-not-averaged", "the loss is the MEAN of the squared errors: divide the sum by n_samples.",
                  lambda y, t: np.sum((t - y) ** 2)),
        Diagnosis("missing-square", "square each error before averaging, (t - y)**2.",
                  lambda y, t: np.mean(t - y)),
        Diagnosis("absolute-error", "this is the mean ABSOLUTE error; the loss squares the errors.",
                  lambda y, t: np.mean(np.abs(t - y))),
        Diagnosis("root-mean-square", "do not take the square root: the loss is the mean squared error.",
                  lambda y, t: np.sqrt(np.mean((t - y) ** 2))),
        Diagnosis("halved", "no factor 1/2 here: the loss is mean((t - y)**2).",
                  lambda y, t: 0.5 * np.mean((t - y) ** 2)),
        Diagnosis("divided-by-n-minus-1", "divide by n_samples, not n_samples - 1.",
                  lambda y, t: np.sum((t - y) ** 2) / np.float64(len(y) - 1)),
        Diagnosis("squared-the-mean", "square each error first, then average: mean((t - y)**2), "
                  "not mean(t - y)**2.", lambda y, t: np.mean(t - y) ** 2),
    ])


def check_output_gradient(output_gradient):
    """`output_gradient(y, t) -> 2 (y - t)` per sample (not divided by n), on the inputs of `check_loss`. Raises
    CheckFailed naming the mistake when a model explains it (sign, factor 2, divided by n, averaged, the squared
    error, parentheses, the L1 gradient)."""
    check_cases("output_gradient", output_gradient, ref.output_gradient, _output_cases("output_gradient"),
                parameter_names=("y", "t"), diagnoses=[
                    Diagnosis("sign-flipped", "the derivative of (t - y)**2 with respect to y is 2 (y - t), "
                              "not 2 (t - y).", lambda y, t: 2.0 * (t - y)),
                    Diagnosis("missing-factor-2", "d/dy (t - y)**2 = 2 (y - t): keep the factor 2.",
                              lambda y, t: y - t),
                    Diagnosis("divided-by-n", "do NOT divide by n_samples here: backward_gradient averages over "
                              "the samples, so dividing here too counts 1/n twice.",
                              lambda y, t: 2.0 * (y - t) / len(y)),
                    Diagnosis("averaged-over-samples", "return one gradient per sample (shape (n_samples,)), "
                              "not their mean.", lambda y, t: np.mean(2.0 * (y - t))),
                    Diagnosis("returned-squared-error", "this is the squared error (t - y)**2 itself; return its "
                              "derivative with respect to y, 2 (y - t).", lambda y, t: (t - y) ** 2),
                    Diagnosis("missing-parentheses", "2 * y - t multiplies only y by 2: write 2 * (y - t).",
                              lambda y, t: 2 * y - t),
                    Diagnosis("l1-gradient", "this is the gradient of |t - y|; for (t - y)**2 it is 2 (y - t).",
                              lambda y, t: 2.0 * np.sign(y - t)),
                ])


# ---------------------------------------------------------------- backward_gradient

def _backward_problems():
    """(label, X, t, wx, wRec) for every case: the sequences above with the weights below, at and above 1."""
    sequences, rng = _sequences("backward_gradient")
    weights = BACKWARD_WEIGHTS + [(float(rng.uniform(-1.5, 1.5)), float(rng.uniform(-1.5, 1.5)))
                                  for _ in range(len(sequences) - len(BACKWARD_WEIGHTS))]
    problems = []
    for (label, X), (wx, wRec) in zip(sequences, weights):
        # the count of ones; for real inputs, their sum (at another scale, the targets are off by a few percent)
        t = np.sum(X, axis=1, dtype=np.float64) * (1.0 if _scale_of(label) == 1.0 else 1.05)
        problems.append((f"{label}, wx = {wx:g}, wRec = {wRec:g}", np.asarray(X, dtype=np.float64), t, wx, wRec))
    # The exact solution of the counting task: zero loss, so every gradient is 0. Hand-picked: at a zero gradient the
    # finite differences' O(h**2) error is all there is, and ones early in long rows push it past GRAD_ABS_TOL.
    X = np.array([[0.0, 0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0, 1.0]])
    problems.append(("count the ones at the solution wx = wRec = 1: all gradients 0", X, X.sum(axis=1), 1.0, 1.0))
    return problems


def _backward_cases():
    """Cases (X, S, grad_out, wRec) built from a real forward pass, and the (X, t, wx) behind each one by label."""
    cases, behind = [], {}
    for label, X, t, wx, wRec in _backward_problems():
        S = ref.forward_states(X, wx, wRec)
        cases.append(Case((X, S, ref.output_gradient(S[:, -1], t), wRec), label=label,
                          abs_tol=scaled_abs_tol(_scale_of(label), 2)))
        behind[label] = (X, t, wx)
    return cases, behind


def _named(result):
    """((wx_grad, wRec_grad), grad_over_time) -> a dict, so a failure message names the part that is wrong."""
    try:
        (wx_grad, wRec_grad), grad_over_time = result
    except (TypeError, ValueError):
        raise TypeError("backward_gradient must return ((wx_grad, wRec_grad), grad_over_time), "
                        f"but it returned {type(result).__name__} {result!r:.80}") from None
    return {"wx_grad": wx_grad, "wRec_grad": wRec_grad, "grad_over_time": grad_over_time}


def _run_backward(backward_gradient, X, S, grad_out, wRec):
    """The probe: call backward_gradient and name the three parts of its result."""
    return _named(backward_gradient(X, S, grad_out, wRec))


def _wrong(backward):
    """A diagnosis from a wrong backward pass written like the student's, returning the probe's named parts."""
    return lambda X, S, grad_out, wRec: _named(backward(X, S, grad_out, wRec))


WEIGHT_GRADIENTS = "(wx_grad, wRec_grad)"


def _agrees_with_the_loss(behind):
    """extra= property: (wx_grad, wRec_grad) agree with central differences of the loss in (wx, wRec)."""
    def numeric_of(case):
        X, t, wx = behind[case.label]
        wRec = case.args[3]
        return {WEIGHT_GRADIENTS: numerical_gradient(lambda w: ref.loss_at(X, t, w[0], w[1]), np.array([wx, wRec]))}

    return gradient_property(numeric_of, (WEIGHT_GRADIENTS,), of="the loss in (wx, wRec)", pick=lambda result: {
        WEIGHT_GRADIENTS: np.array([result["wx_grad"], result["wRec_grad"]], dtype=np.float64)})


def _bptt(X, S, grad_out, wRec, steps=None, state_offset=1, last_only=False, forward_order=False, clip=None):
    """The BPTT loop with one thing changed: which k it visits, which state column it reads, what propagates,
    whether each propagated gradient is clipped."""
    X, S = np.asarray(X, dtype=np.float64), np.asarray(S, dtype=np.float64)
    L = X.shape[1]
    g = np.zeros((X.shape[0], L + 1))
    g[:, -1] = grad_out
    wx_grad = wRec_grad = 0.0
    ks = range(L, 0, -1) if steps is None else steps(L)
    if forward_order:
        ks = range(1, L + 1)
    for k in ks:
        wx_grad += np.mean(g[:, k] * X[:, k - 1])
        wRec_grad += np.mean(g[:, k] * S[:, k - state_offset])
        if last_only:
            break
        g[:, k - 1] = g[:, k] * wRec if clip is None else np.clip(g[:, k] * wRec, -clip, clip)
    return (wx_grad, wRec_grad), g


def _input_shifted(X, S, grad_out, wRec, first=0):
    """BPTT that pairs grad_over_time[:, j] with X[:, j] (the input one step late) for j = first .. seq_len - 1."""
    (_, wRec_grad), g = ref.backward_gradient(X, S, grad_out, wRec)
    X = np.asarray(X, dtype=np.float64)
    return (float(np.mean(np.sum(g[:, first:-1] * X[:, first:], axis=1))), wRec_grad), g


def _scaled(scale_grads, scale_g):
    def wrong(X, S, grad_out, wRec):
        (a, b), g = ref.backward_gradient(X, S, grad_out, wRec)
        n = np.shape(X)[0]
        return (a * scale_grads(n), b * scale_grads(n)), g * scale_g(n)
    return wrong


def _per_sample(X, S, grad_out, wRec):
    (_, _), g = ref.backward_gradient(X, S, grad_out, wRec)
    return (np.sum(g[:, 1:] * X, axis=1), np.sum(g[:, 1:] * np.asarray(S)[:, :-1], axis=1)), g


def _swapped(X, S, grad_out, wRec):
    (wx_grad, wRec_grad), g = ref.backward_gradient(X, S, grad_out, wRec)
    return (wRec_grad, wx_grad), g


def _grad_over_time_left(fill):
    def wrong(X, S, grad_out, wRec):
        grads, g = ref.backward_gradient(X, S, grad_out, wRec)
        empty = np.zeros_like(g)
        if fill:
            empty[:, -1] = grad_out
        return grads, empty
    return wrong


def check_backward_gradient(backward_gradient):
    """`backward_gradient(X, S, grad_out, wRec) -> ((wx_grad, wRec_grad), grad_over_time)`: BPTT from a real forward
    pass, on the sequences of `check_forward_states` and the exact solution (all gradients 0); the two weight
    gradients and grad_over_time (n_samples, seq_len + 1) against the reference, and (wx_grad, wRec_grad) against
    central differences of the loss (aimath.gradcheck). Raises CheckFailed naming the mistake when a model explains
    it (summed or not averaged over samples, divided twice, the loop's range or direction, the current state, wRec
    missing, not propagated, swapped, grad_over_time not filled or shifted or without its first column, clipped
    gradients) or index-out-of-range when an IndexError was raised."""
    cases, behind = _backward_cases()
    check_cases(
        "backward_gradient", backward_gradient, ref.backward_gradient, cases, how=_run_backward,
        parameter_names=("X", "S", "grad_out", "wRec"), extra=_agrees_with_the_loss(behind), hints=[INDEX_HINT],
        diagnoses=[
            Diagnosis("summed-over-samples", "average over the samples with np.mean: the loss is a mean, so its "
                      "gradient is n_samples times smaller than the sum you returned.",
                      _wrong(_scaled(lambda n: n, lambda n: 1.0))),
            Diagnosis("not-averaged-over-samples", "wx_grad and wRec_grad are single numbers: the MEAN over the "
                      "samples of each step's contribution (np.mean), added over the time steps.",
                      _wrong(_per_sample)),
            Diagnosis("divided-by-n-twice", "grad_out = 2 (y - t) is not divided by n_samples, and the mean over "
                      "samples divides once; dividing grad_out by n_samples again makes everything n times too "
                      "small.", _wrong(_scaled(lambda n: 1.0 / n, lambda n: 1.0 / n))),
            Diagnosis("loop-skips-last-step", "the loop must start at k = seq_len (range(seq_len, 0, -1)); starting "
                      "at seq_len - 1 never uses grad_out.",
                      _wrong(lambda X, S, g, w: _bptt(X, S, g, w, steps=lambda L: range(L - 1, 0, -1)))),
            Diagnosis("loop-skips-first-step", "the loop must go down to k = 1 inclusive (range(seq_len, 0, -1)); "
                      "stopping at 2 misses the first input and leaves grad_over_time[:, 0] empty.",
                      _wrong(lambda X, S, g, w: _bptt(X, S, g, w, steps=lambda L: range(L, 1, -1)))),
            Diagnosis("loop-runs-to-zero", "the loop must stop at k = 1 (range(seq_len, 0, -1)); at k = 0, X[:, -1] "
                      "and S[:, -1] wrap round to the LAST column and grad_over_time[:, -1] is overwritten.",
                      _wrong(lambda X, S, g, w: _bptt(X, S, g, w, steps=lambda L: range(L, -1, -1)))),
            Diagnosis("used-current-state", "dS_k/dwRec is the PREVIOUS state S[:, k-1], not S[:, k].",
                      _wrong(lambda X, S, g, w: _bptt(X, S, g, w, state_offset=0))),
            Diagnosis("not-multiplied-by-wRec", "going back one step multiplies the gradient by wRec: "
                      "grad_over_time[:, k-1] = grad_over_time[:, k] * wRec.",
                      _wrong(lambda X, S, g, w: _bptt(X, S, g, 1.0))),
            Diagnosis("gradient-not-propagated", "the gradient must flow back through EVERY time step, not only "
                      "the last one: loop k from seq_len down to 1.",
                      _wrong(lambda X, S, g, w: _bptt(X, S, g, w, last_only=True))),
            Diagnosis("loop-runs-forward", "backpropagation runs BACKWARD in time: k from seq_len down to 1, so "
                      "grad_over_time[:, k] is known before it is used.",
                      _wrong(lambda X, S, g, w: _bptt(X, S, g, w, forward_order=True))),
            Diagnosis("swapped-gradients", "wx_grad comes from the inputs X, wRec_grad from the previous states S; "
                      "return them in the order (wx_grad, wRec_grad).",
                      _wrong(_swapped)),
            Diagnosis("grad-over-time-not-filled", "grad_over_time is graded too: fill every column, "
                      "grad_over_time[:, k-1] = grad_over_time[:, k] * wRec.", _wrong(_grad_over_time_left(fill=True))),
            Diagnosis("grad-over-time-not-filled", "grad_over_time is graded too: its last column is grad_out and "
                      "each earlier column is the next one times wRec.", _wrong(_grad_over_time_left(fill=False))),
            *[Diagnosis("input-column-shifted", INPUT_SHIFTED_ADVICE, _wrong(lambda X, S, g, w, first=first:
                                                                             _input_shifted(X, S, g, w, first)))
              for first in (0, 1)],
            Diagnosis("grad-over-time-missing-initial-column",
                      "grad_over_time has seq_len + 1 columns, like S: column 0 is the gradient with respect to the "
                      "initial state S_0, grad_over_time[:, 0] = grad_over_time[:, 1] * wRec.",
                      _wrong(lambda X, S, g, w: (ref.backward_gradient(X, S, g, w)[0],
                                                 ref.backward_gradient(X, S, g, w)[1][:, 1:]))),
            *[Diagnosis("gradient-clipped",
                        f"the propagated gradient is clipped to [-{c:g}, {c:g}]: BPTT must return the exact gradient "
                        f"(growing like wRec**k is what exploding gradients are); multiply by wRec and nothing else.",
                        _wrong(lambda X, S, g, w, c=c: _bptt(X, S, g, w, clip=c))) for c in CLIPS],
        ])


INPUT_SHIFTED_ADVICE = ("step k (k = seq_len .. 1) pairs grad_over_time[:, k] with the input that entered at that "
                        "step, X[:, k-1]: X has seq_len columns and grad_over_time seq_len + 1, so X[:, k] is the NEXT "
                        "step's input.")


CHECKS = {
    "update_state": check_update_state,
    "forward_states": check_forward_states,
    "loss": check_loss,
    "output_gradient": check_output_gradient,
    "backward_gradient": check_backward_gradient,
}

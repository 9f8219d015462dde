"""backprop checks, part 3: TwoLayerNet (its initial parameters, predict, loss, accuracy and gradient).

The network is judged through probes: construct it, overwrite its params IN PLACE with seeded values (so layers
that share them see them), and return what its methods give as plain data. Its gradient is compared with the
reference AND with central differences of the student's own loss (aimath.gradcheck).
"""
import numpy as np

from aimath.checks.backprop.activations import (LABELS_HINT, LARGE_HINT, LOSS_ABS_TOL, MIN_TRUE_PROB, ONE_HOT_HINT,
                                                _one_hot)
from aimath.checks.backprop.layers import KINK_MARGIN, LOSS_FD_REL_TOL, SHAPE_HINT, _own_gradients
from aimath.gradcheck import numerical_gradient_params
from aimath.judge import Case, CheckFailed, Diagnosis, Hint, check_cases, probe, quietly, seeded_rng, worst_gradient
from aimath.reference import backprop as ref
from aimath.verdict import Mistake, naming

# The weight-initialisation check measures std / weight_init_std and mean / weight_init_std of n >= 4800 normal
# draws per matrix: their sampling errors are about 1 / sqrt(2n) = 1 % and 1 / sqrt(n) = 1.4 %, so 10 % is far from
# chance and far from every initialisation mistake (uniform draws give std 0.29 and mean 0.5).
INIT_TOL = 0.1
INIT_SEED = 20240521

# The large-input network case has a score at least this large: np.exp overflows float64 above about 709.8.
LARGE_SCORE = 1000.0

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


PARAMS_CONTRACT = Hint("params-contract", "net.params is a dict with exactly the keys W1, b1, W2, b2: W1 (input_size, "
                       "hidden_size), b1 (hidden_size,), W2 (hidden_size, output_size), b2 (output_size,).",
                       raised=("net.params",))


def _check_net_init(TwoLayerNet):
    cases = [Case((100, 80, 60, 0.01), label="default weight_init_std", rel_tol=INIT_TOL, abs_tol=INIT_TOL),
             Case((80, 100, 50, 0.5), label="weight_init_std = 0.5", rel_tol=INIT_TOL, abs_tol=INIT_TOL)]
    check_cases("TwoLayerNet (initial params)", TwoLayerNet, ref.TwoLayerNet, cases, how=_init_probe, quiet=True,
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
    ], hints=[PARAMS_CONTRACT])


def _responds_to_params(cls, x, params):
    net = _net_with(cls, params)
    before = np.array(net.predict(x), dtype=float, copy=True)
    for key in NET_KEYS:
        net.params[key][...] = -2.0 * params[key] + 0.5
    return not np.allclose(before, np.array(net.predict(x), dtype=float))


LAYERS_COPY_PARAMS = Mistake("layers-copy-params", "the layers must use the SAME arrays as net.params "
                             "(Affine(self.params['W1'], self.params['b1']), no .copy() or np.array(...)), or read "
                             "net.params on every call; otherwise the training loop's net.params[key] -= lr * grad[key] "
                             "never reaches the layers.")


def _check_net_uses_params(TwoLayerNet):
    x, _, params = _net_problem(seeded_rng("TwoLayerNet params"), 3, 4, 2, 3)
    outcome = probe(TwoLayerNet, Case((x, params)), quietly(_responds_to_params))
    if outcome.result is False:
        raise naming(CheckFailed(
            "TwoLayerNet ignores changes to net.params: after net.params['W1'][...] = new values (and the same for "
            "b1, W2, b2), predict(x) gave the same scores as before."), LAYERS_COPY_PARAMS)


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
PARAMS_SHAPES = Hint("params-contract", "net.params is a dict with exactly the keys W1, b1, W2, b2 holding arrays of "
                     "shapes (input_size, hidden_size), (hidden_size,), (hidden_size, output_size), (output_size,).",
                     raised=("net.params",))


def check_TwoLayerNet(TwoLayerNet):
    """TwoLayerNet(input_size, hidden_size, output_size, weight_init_std=0.01), in four steps: the initial params
    (normal weights of std weight_init_std, zero biases, the params contract); that the layers use net.params
    itself; predict, loss and accuracy on seeded params for batches with integer labels or one-hot t and scores in
    the thousands; gradient(x, t) against the reference and central differences of the student's own loss (which
    must not change net.params). Raises CheckFailed naming the first failing step's mistake (initialisation,
    layers-copy-params, forward and backward models, hints from the inputs or errors); when it names none, it says
    the layers the network uses may be at fault."""
    _check_net_init(TwoLayerNet)
    _check_net_uses_params(TwoLayerNet)
    cases = _net_cases()
    forward_cases = [Case(c.args, label=c.label, abs_tol=LOSS_ABS_TOL) for c in cases + [_large_net_case()]]
    check_cases("TwoLayerNet (predict, loss, accuracy)", TwoLayerNet, ref.TwoLayerNet, forward_cases,
                how=_net_forward_probe, parameter_names=("x", "t", "params"), quiet=True, uses=NET_USES, diagnoses=[
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
    ], hints=[*NET_LABEL_HINTS, PARAMS_SHAPES])
    check_cases("TwoLayerNet.gradient", TwoLayerNet, ref.TwoLayerNet, cases + [_large_net_case()],
                how=_net_gradient_probe, parameter_names=("x", "t", "params"), quiet=True, uses=NET_USES,
                evidence=[worst_gradient(NET_KEYS)],
                extra=_own_gradients(TwoLayerNet, _net_fd, NET_KEYS, rel_tol=LOSS_FD_REL_TOL, only=_net_fd_case),
                diagnoses=[
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
    ], hints=[*NET_LABEL_HINTS,
              Hint("params-changed-by-gradient", "gradient(x, t) only computes the gradients; the training loop "
                   "updates the parameters.", raised=("changed net.params",)),
              SHAPE_HINT, PARAMS_SHAPES])

"""backprop, Part 6 (a two-layer network): plausible student mistakes and alternative correct solutions, written
as students write them.

Entries use only numpy (np) and are complete classes, so they can be pasted into the notebook under the graded
name (an entry kept out of the demo class, demo=False, may import more inside itself).
"""
import numpy as np

from aimath.catalogue import Catalogue

catalogue = Catalogue("backprop")
mistake, alternative = catalogue.mistake, catalogue.alternative


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

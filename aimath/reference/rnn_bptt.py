"""rnn_bptt: a linear recurrent network S_k = X_k wx + S_{k-1} wRec and backpropagation through time.

Shapes: X is (n_samples, seq_len); S is (n_samples, seq_len + 1) with S[:, 0] = 0 and the output y = S[:, -1].
The loss is the mean squared error over samples, and the gradients are those of that mean.
"""
import numpy as np


def update_state(xk, sk, wx, wRec):
    """xk, sk: (n_samples,) or numbers; wx, wRec: numbers -> the next state xk * wx + sk * wRec."""
    return xk * wx + sk * wRec


def forward_states(X, wx, wRec):
    """X: (n_samples, seq_len) -> S: float64 (n_samples, seq_len + 1) with S[:, 0] = 0 and
    S[:, k] = update_state(X[:, k-1], S[:, k-1], wx, wRec) for k = 1 .. seq_len."""
    X = np.asarray(X)
    S = np.zeros((X.shape[0], X.shape[1] + 1), dtype=np.float64)
    for k in range(1, X.shape[1] + 1):
        S[:, k] = update_state(X[:, k - 1], S[:, k - 1], wx, wRec)
    return S


def loss(y, t):
    """y, t: (n_samples,) -> float, mean((t - y)**2)."""
    y, t = np.asarray(y, dtype=np.float64), np.asarray(t, dtype=np.float64)
    return float(np.mean((t - y) ** 2))


def output_gradient(y, t):
    """y, t: (n_samples,) -> (n_samples,), the per-sample derivative 2 (y - t) of (t - y)**2 (NOT divided by n)."""
    return 2.0 * (np.asarray(y, dtype=np.float64) - np.asarray(t, dtype=np.float64))


def backward_gradient(X, S, grad_out, wRec):
    """X: (n, L), S: (n, L + 1), grad_out: (n,), wRec: number -> ((wx_grad, wRec_grad), grad_over_time).

    grad_over_time: (n, L + 1), column k holds the per-sample gradient with respect to S[:, k]; its last column is
    grad_out and column k-1 is column k times wRec. The parameter gradients add, for k = L down to 1, the mean over
    samples of grad_over_time[:, k] * X[:, k-1] (for wx) and grad_over_time[:, k] * S[:, k-1] (for wRec).
    """
    X, S = np.asarray(X, dtype=np.float64), np.asarray(S, dtype=np.float64)
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0.0
    for k in range(X.shape[1], 0, -1):
        wx_grad += float(np.mean(grad_over_time[:, k] * X[:, k - 1]))
        wRec_grad += float(np.mean(grad_over_time[:, k] * S[:, k - 1]))
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


def count_ones_data(n_samples, seq_len, rng):
    """The "count the ones" task: X of random 0.0/1.0 bits (n_samples, seq_len) and targets t = X.sum(axis=1).

    wx = wRec = 1 solves it exactly: the state is then a running count.
    """
    X = rng.integers(0, 2, (n_samples, seq_len)).astype(np.float64)
    return X, X.sum(axis=1)


def loss_at(X, t, wx, wRec):
    """The loss of the network with weights (wx, wRec) on data (X, t): what the gradients differentiate."""
    return loss(forward_states(X, wx, wRec)[:, -1], t)


def gradients(X, t, wx, wRec):
    """The full gradient step: forward pass, output gradient, BPTT -> ((wx_grad, wRec_grad), grad_over_time)."""
    S = forward_states(X, wx, wRec)
    return backward_gradient(X, S, output_gradient(S[:, -1], t), wRec)

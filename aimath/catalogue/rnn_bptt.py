"""rnn_bptt: plausible student mistakes and alternative correct solutions, written as students write them."""
import numpy as np

from aimath.catalogue import Catalogue

catalogue = Catalogue("rnn_bptt")
mistake, alternative = catalogue.mistake, catalogue.alternative


# ------------------------------------------------------------------ update_state

@mistake("update_state", diagnosis="swapped-weights")
def update_swapped(xk, sk, wx, wRec):
    """Multiplies the input by wRec and the state by wx."""
    return xk * wRec + sk * wx


@mistake("update_state", diagnosis="no-recurrence")
def update_no_recurrence(xk, sk, wx, wRec):
    """Forgets the previous state altogether."""
    return xk * wx


@mistake("update_state", diagnosis="missing-wRec")
def update_missing_wrec(xk, sk, wx, wRec):
    """Adds the previous state without its weight."""
    return xk * wx + sk


@mistake("update_state", diagnosis="wrong-grouping")
def update_wrong_grouping(xk, sk, wx, wRec):
    """Parenthesises the sum, so wRec multiplies the input term too."""
    return (xk * wx + sk) * wRec


@mistake("update_state", diagnosis="added-nonlinearity")
def update_tanh(xk, sk, wx, wRec):
    """Adds a tanh activation (a vanilla RNN habit); this RNN is linear."""
    return np.tanh(xk * wx + sk * wRec)


@mistake("update_state", diagnosis="summed-over-samples")
def update_summed(xk, sk, wx, wRec):
    """Sums the new states over the samples."""
    return np.sum(xk * wx + sk * wRec)


@mistake("update_state", diagnosis="mutates-input")
def update_in_place(xk, sk, wx, wRec):
    """Updates the caller's state array in place with *= and +=."""
    sk *= wRec
    sk += xk * wx
    return sk


@mistake("update_state", diagnosis="weights-added")
def update_weights_added(xk, sk, wx, wRec):
    """Adds the weights instead of multiplying by them."""
    return (xk + wx) + (sk + wRec)


@mistake("update_state", diagnosis="state-clipped")
def update_clipped(xk, sk, wx, wRec):
    """Clips the new state to [-100, 100] "so it cannot explode"."""
    return np.clip(xk * wx + sk * wRec, -100, 100)


@alternative("update_state")
def update_numpy_ufuncs(xk, sk, wx, wRec):
    """np.add and np.multiply."""
    return np.add(np.multiply(xk, wx), np.multiply(sk, wRec))


@alternative("update_state")
def update_per_sample_loop(xk, sk, wx, wRec):
    """A pure Python loop over the samples (numbers handled on their own)."""
    if np.ndim(xk) == 0:
        return xk * wx + sk * wRec
    return np.array([x * wx + s * wRec for x, s in zip(xk, sk)])


@alternative("update_state")
def update_state_first(xk, sk, wx, wRec):
    """Writes the recurrent term first, on fresh arrays."""
    new_state = wRec * np.asarray(sk, dtype=float)
    new_state = new_state + wx * np.asarray(xk, dtype=float)
    return new_state if np.ndim(new_state) else float(new_state)


# ------------------------------------------------------------------ forward_states

@mistake("forward_states", diagnosis="missing-initial-state")
def forward_no_initial_column(X, wx, wRec):
    """Allocates one column per input, so there is no S_0 column."""
    S = np.zeros(X.shape)
    s = np.zeros(X.shape[0])
    for k in range(X.shape[1]):
        s = X[:, k] * wx + s * wRec
        S[:, k] = s
    return S


@mistake("forward_states", diagnosis="returned-final-state-only")
def forward_final_only(X, wx, wRec):
    """Returns only the output y = S[:, -1]."""
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(1, X.shape[1] + 1):
        S[:, k] = X[:, k - 1] * wx + S[:, k - 1] * wRec
    return S[:, -1]


@mistake("forward_states", diagnosis="initial-state-not-zero")
def forward_starts_at_one(X, wx, wRec):
    """Allocates S with np.ones, so the initial state is 1."""
    S = np.ones((X.shape[0], X.shape[1] + 1))
    for k in range(1, X.shape[1] + 1):
        S[:, k] = X[:, k - 1] * wx + S[:, k - 1] * wRec
    return S


@mistake("forward_states", diagnosis="last-step-missing")
def forward_stops_early(X, wx, wRec):
    """range(1, seq_len) stops one step early, leaving the last column 0."""
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(1, X.shape[1]):
        S[:, k] = X[:, k - 1] * wx + S[:, k - 1] * wRec
    return S


@mistake("forward_states", diagnosis="previous-state-not-used")
def forward_current_column(X, wx, wRec):
    """Uses S[:, k] (still zero) instead of the previous state S[:, k-1]."""
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(1, X.shape[1] + 1):
        S[:, k] = X[:, k - 1] * wx + S[:, k] * wRec
    return S


@mistake("forward_states", diagnosis="index-out-of-range")
def forward_input_column_k(X, wx, wRec):
    """Reads X[:, k] instead of X[:, k-1]: runs off the end of X."""
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(1, X.shape[1] + 1):
        S[:, k] = X[:, k] * wx + S[:, k - 1] * wRec
    return S


@mistake("forward_states", diagnosis="integer-states")
def forward_dtype_of_x(X, wx, wRec):
    """Allocates S with X's dtype, so states are truncated when X holds integer bits."""
    S = np.zeros((X.shape[0], X.shape[1] + 1), dtype=X.dtype)
    for k in range(1, X.shape[1] + 1):
        S[:, k] = X[:, k - 1] * wx + S[:, k - 1] * wRec
    return S


@mistake("forward_states", diagnosis="swapped-weights")
def forward_swapped(X, wx, wRec):
    """Swaps the weights."""
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(1, X.shape[1] + 1):
        S[:, k] = X[:, k - 1] * wRec + S[:, k - 1] * wx
    return S


@mistake("forward_states", diagnosis="reversed-time")
def forward_reversed(X, wx, wRec):
    """Walks the inputs from the last column to the first."""
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(1, X.shape[1] + 1):
        S[:, k] = X[:, -k] * wx + S[:, k - 1] * wRec
    return S



@mistake("forward_states", diagnosis="state-clipped")
def forward_clipped_states(X, wx, wRec):
    """Clips every state to [-1000, 1000] against exploding values."""
    S = np.zeros((X.shape[0], X.shape[1] + 1))
    for k in range(1, X.shape[1] + 1):
        S[:, k] = np.clip(X[:, k - 1] * wx + S[:, k - 1] * wRec, -1000, 1000)
    return S


@mistake("forward_states", diagnosis="single-precision")
def forward_float32(X, wx, wRec):
    """Stores the states in float32 "to save memory"."""
    S = np.zeros((X.shape[0], X.shape[1] + 1), dtype=np.float32)
    for k in range(1, X.shape[1] + 1):
        S[:, k] = X[:, k - 1] * wx + S[:, k - 1] * wRec
    return S

@alternative("forward_states")
def forward_append_columns(X, wx, wRec):
    """Builds a list of state columns and stacks them."""
    states = [np.zeros(X.shape[0])]
    for k in range(X.shape[1]):
        states.append(X[:, k] * wx + states[-1] * wRec)
    return np.stack(states, axis=1)


@alternative("forward_states")
def forward_closed_form(X, wx, wRec):
    """Closed form S_k = wx sum_{j<=k} wRec**(k-j) X_j, as a matrix product with a lower-triangular matrix."""
    L = X.shape[1]
    k = np.arange(1, L + 1)
    powers = np.where(k[:, None] >= k[None, :], float(wRec) ** np.maximum(k[:, None] - k[None, :], 0), 0.0)
    S = np.zeros((X.shape[0], L + 1))
    S[:, 1:] = wx * (X.astype(float) @ powers.T)
    return S


@alternative("forward_states")
def forward_pure_python(X, wx, wRec):
    """Pure Python per sample, converted to a float array at the end."""
    rows = []
    for sample in X.tolist():
        s, row = 0.0, [0.0]
        for x in sample:
            s = x * wx + s * wRec
            row.append(s)
        rows.append(row)
    return np.array(rows, dtype=float)


# ------------------------------------------------------------------ loss

@mistake("loss", diagnosis="summed-not-averaged")
def loss_sum(y, t):
    """Sums the squared errors."""
    return np.sum((t - y) ** 2)


@mistake("loss", diagnosis="missing-square")
def loss_no_square(y, t):
    """Averages the raw errors."""
    return np.mean(t - y)


@mistake("loss", diagnosis="absolute-error")
def loss_absolute(y, t):
    """Mean absolute error."""
    return np.mean(np.abs(t - y))


@mistake("loss", diagnosis="root-mean-square")
def loss_rmse(y, t):
    """Takes the square root (RMSE)."""
    return np.sqrt(np.mean((t - y) ** 2))


@mistake("loss", diagnosis="halved")
def loss_halved(y, t):
    """Puts the 1/2 of "half squared error" in front."""
    return 0.5 * np.mean((t - y) ** 2)


@mistake("loss", diagnosis="divided-by-n-minus-1")
def loss_n_minus_1(y, t):
    """Divides by n - 1 (the sample-variance habit)."""
    return np.sum((t - y) ** 2) / (len(y) - 1)


@mistake("loss", diagnosis="squared-the-mean")
def loss_square_of_mean(y, t):
    """Squares the mean error instead of averaging the squared errors."""
    return np.mean(t - y) ** 2


@alternative("loss")
def loss_loop(y, t):
    """Pure Python running total."""
    total = 0.0
    for yi, ti in zip(y, t):
        total += (ti - yi) ** 2
    return total / len(y)


@alternative("loss")
def loss_dot(y, t):
    """Inner product of the error with itself."""
    error = np.asarray(t, dtype=float) - y
    return error @ error / error.size


@alternative("loss")
def loss_square_ufunc(y, t):
    """np.square and .mean()."""
    return np.square(np.subtract(y, t)).mean()


# ------------------------------------------------------------------ output_gradient

@mistake("output_gradient", diagnosis="sign-flipped")
def output_gradient_sign(y, t):
    """Differentiates with respect to t instead of y."""
    return 2 * (t - y)


@mistake("output_gradient", diagnosis="missing-factor-2")
def output_gradient_no_two(y, t):
    """Drops the factor 2."""
    return y - t


@mistake("output_gradient", diagnosis="divided-by-n")
def output_gradient_over_n(y, t):
    """Divides by the number of samples (the mean's 1/n is applied in backward_gradient)."""
    return 2 * (y - t) / y.shape[0]


@mistake("output_gradient", diagnosis="averaged-over-samples")
def output_gradient_mean(y, t):
    """Averages the gradient over the samples."""
    return np.mean(2 * (y - t))


@mistake("output_gradient", diagnosis="returned-squared-error")
def output_gradient_is_error(y, t):
    """Returns the squared errors instead of their derivative."""
    return (t - y) ** 2


@mistake("output_gradient", diagnosis="missing-parentheses")
def output_gradient_precedence(y, t):
    """2 * y - t: operator precedence."""
    return 2 * y - t


@mistake("output_gradient", diagnosis="l1-gradient")
def output_gradient_sign_only(y, t):
    """Uses the sign of the error (the gradient of the absolute error)."""
    return 2 * np.sign(y - t)


@mistake("output_gradient", diagnosis="mutates-input")
def output_gradient_in_place(y, t):
    """Subtracts in place, changing the caller's y."""
    y -= t
    return 2 * y


@alternative("output_gradient")
def output_gradient_expanded(y, t):
    """2y - 2t (multiplying by 2 is exact, so this equals 2 (y - t) to the last bit)."""
    return 2.0 * y - 2.0 * t


@alternative("output_gradient")
def output_gradient_loop(y, t):
    """A list comprehension turned into an array."""
    return np.array([2.0 * (yi - ti) for yi, ti in zip(y, t)])


@alternative("output_gradient")
def output_gradient_ufuncs(y, t):
    """np.subtract and np.multiply."""
    return np.multiply(2.0, np.subtract(y, t))


# ------------------------------------------------------------------ backward_gradient

@mistake("backward_gradient", diagnosis="summed-over-samples")
def backward_sum(X, S, grad_out, wRec):
    """Sums over the samples instead of averaging (n_samples times too large)."""
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.sum(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.sum(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="loop-skips-last-step")
def backward_starts_at_L_minus_1(X, S, grad_out, wRec):
    """range(L - 1, 0, -1): the loop never visits k = L, so grad_out is never used."""
    L = X.shape[1]
    grad_over_time = np.zeros((X.shape[0], L + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(L - 1, 0, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="loop-runs-to-zero")
def backward_down_to_zero(X, S, grad_out, wRec):
    """range(L, -1, -1): one step too many, where X[:, -1] and S[:, -1] wrap round."""
    L = X.shape[1]
    grad_over_time = np.zeros((X.shape[0], L + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(L, -1, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="loop-skips-first-step")
def backward_stops_at_two(X, S, grad_out, wRec):
    """range(L, 1, -1): stops before k = 1, missing the first input."""
    L = X.shape[1]
    grad_over_time = np.zeros((X.shape[0], L + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(L, 1, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="index-out-of-range")
def backward_input_column_k(X, S, grad_out, wRec):
    """X[:, k] instead of X[:, k-1]: X has one column fewer than S, so k = L is out of range."""
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="used-current-state")
def backward_current_state(X, S, grad_out, wRec):
    """S[:, k] instead of S[:, k-1] in the wRec gradient."""
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="not-multiplied-by-wRec")
def backward_not_through_wrec(X, S, grad_out, wRec):
    """Copies the gradient to the previous step without multiplying by wRec."""
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k]
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="gradient-not-propagated")
def backward_last_step_only(X, S, grad_out, wRec):
    """Treats the network as one layer: only the last time step contributes."""
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = np.mean(grad_out * X[:, -1])
    wRec_grad = np.mean(grad_out * S[:, -2])
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="grad-over-time-not-filled")
def backward_closed_form_empty_history(X, S, grad_out, wRec):
    """Closed form for the weight gradients that returns grad_over_time still all zeros."""
    L = X.shape[1]
    powers = wRec ** np.arange(L - 1, -1, -1)
    wx_grad = np.mean(grad_out * (X @ powers))
    wRec_grad = np.mean(grad_out * (S[:, :L] @ powers))
    return (wx_grad, wRec_grad), np.zeros((X.shape[0], L + 1))


@mistake("backward_gradient", diagnosis="grad-over-time-not-filled")
def backward_closed_form_only_output(X, S, grad_out, wRec):
    """Closed form that fills only the last column of grad_over_time."""
    L = X.shape[1]
    powers = wRec ** np.arange(L - 1, -1, -1)
    grad_over_time = np.zeros((X.shape[0], L + 1))
    grad_over_time[:, L] = grad_out
    return (np.mean(grad_out * (X @ powers)), np.mean(grad_out * (S[:, :L] @ powers))), grad_over_time


@mistake("backward_gradient", diagnosis="divided-by-n-twice")
def backward_divides_grad_out_by_n(X, S, grad_out, wRec):
    """Divides grad_out by n before averaging, so the 1/n is applied twice."""
    n = X.shape[0]
    grad_over_time = np.zeros((n, X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out / n
    wx_grad = wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="swapped-gradients")
def backward_swapped(X, S, grad_out, wRec):
    """Returns (wRec_grad, wx_grad)."""
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wRec_grad, wx_grad), grad_over_time


@mistake("backward_gradient", diagnosis="loop-runs-forward")
def backward_forward_order(X, S, grad_out, wRec):
    """Loops k = 1 .. L, forward in time, so grad_over_time[:, k] is used before it is set."""
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(1, X.shape[1] + 1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="mutates-input")
def backward_scales_grad_out_in_place(X, S, grad_out, wRec):
    """Propagates with grad *= wRec on an alias of grad_out, changing the caller's array."""
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad = grad_out
    wx_grad = wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        grad_over_time[:, k] = grad
        wx_grad += np.mean(grad * X[:, k - 1])
        wRec_grad += np.mean(grad * S[:, k - 1])
        grad *= wRec
    grad_over_time[:, 0] = grad
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="not-averaged-over-samples")
def backward_per_sample(X, S, grad_out, wRec):
    """Forgets the mean over samples: returns per-sample weight gradients."""
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        wx_grad = wx_grad + grad_over_time[:, k] * X[:, k - 1]
        wRec_grad = wRec_grad + grad_over_time[:, k] * S[:, k - 1]
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="grad-over-time-missing-initial-column")
def backward_history_without_s0(X, S, grad_out, wRec):
    """grad_over_time with only seq_len columns (no gradient for the initial state)."""
    L = X.shape[1]
    grad_over_time = np.zeros((X.shape[0], L))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(L - 1, -1, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k])
        if k > 0:
            grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time



@mistake("backward_gradient", diagnosis="input-column-shifted")
def backward_input_padded_at_the_end(X, S, grad_out, wRec):
    """Pads X with a zero column at the END so X[:, k] no longer raises, and reads X[:, k] for X[:, k-1]."""
    n, L = X.shape
    X_padded = np.hstack([X, np.zeros((n, 1))])
    grad_over_time = np.zeros((n, L + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(L, 0, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X_padded[:, k])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="input-column-shifted")
def backward_vectorised_input_misaligned(X, S, grad_out, wRec):
    """Vectorised: multiplies X by the FIRST seq_len columns of grad_over_time instead of the last ones."""
    n, L = X.shape
    grad_over_time = np.outer(grad_out, wRec ** np.arange(L, -1, -1.0))
    wx_grad = np.mean(np.sum(grad_over_time[:, :L] * X, axis=1))
    wRec_grad = np.mean(np.sum(grad_over_time[:, 1:] * S[:, :L], axis=1))
    return (wx_grad, wRec_grad), grad_over_time


@mistake("backward_gradient", diagnosis="gradient-clipped")
def backward_clipped(X, S, grad_out, wRec):
    """Clips the propagated gradient to [-5, 5] against exploding gradients."""
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.mean(grad_over_time[:, k] * X[:, k - 1])
        wRec_grad += np.mean(grad_over_time[:, k] * S[:, k - 1])
        grad_over_time[:, k - 1] = np.clip(grad_over_time[:, k] * wRec, -5, 5)
    return (wx_grad, wRec_grad), grad_over_time

@alternative("backward_gradient")
def backward_running_gradient(X, S, grad_out, wRec):
    """One running gradient vector, stored into grad_over_time as it goes (no aliasing of grad_out)."""
    n, L = X.shape
    grad_over_time = np.zeros((n, L + 1))
    grad = np.array(grad_out, dtype=float)
    grad_over_time[:, L] = grad
    wx_grad, wRec_grad = 0.0, 0.0
    for k in range(L, 0, -1):
        wx_grad += (grad * X[:, k - 1]).mean()
        wRec_grad += (grad * S[:, k - 1]).mean()
        grad = grad * wRec
        grad_over_time[:, k - 1] = grad
    return (wx_grad, wRec_grad), grad_over_time


@alternative("backward_gradient")
def backward_closed_form(X, S, grad_out, wRec):
    """Closed form: grad_over_time[:, k] = grad_out * wRec**(L - k), then all steps at once."""
    L = X.shape[1]
    grad_over_time = np.outer(grad_out, float(wRec) ** np.arange(L, -1, -1))
    wx_grad = np.mean(np.sum(grad_over_time[:, 1:] * X, axis=1))
    wRec_grad = np.mean(np.sum(grad_over_time[:, 1:] * S[:, :-1], axis=1))
    return (wx_grad, wRec_grad), grad_over_time


@alternative("backward_gradient")
def backward_list_return(X, S, grad_out, wRec):
    """Indexes time with negative offsets from the end and returns lists instead of tuples."""
    n, L = X.shape
    grad_over_time = np.zeros((n, L + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = wRec_grad = 0.0
    for j in range(1, L + 1):
        wx_grad += np.mean(grad_over_time[:, -j] * X[:, -j])
        wRec_grad += np.mean(grad_over_time[:, -j] * S[:, -j - 1])
        grad_over_time[:, -j - 1] = grad_over_time[:, -j] * wRec
    return [[wx_grad, wRec_grad], grad_over_time]

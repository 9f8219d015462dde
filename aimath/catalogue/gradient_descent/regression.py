"""gradient_descent, Part 3 (linear regression by gradient descent): plausible student mistakes
and alternative correct solutions, written as students write them.

Entries use only what the notebook's imports cell provides: np, sym (sympy) and the symbol x (sympy.abc.x).
"""
import numpy as np

from aimath.catalogue import Catalogue

catalogue = Catalogue("gradient_descent")
mistake, alternative = catalogue.mistake, catalogue.alternative


# ------------------------------------------------------------------ linear_regression_gd

@mistake("linear_regression_gd", diagnosis="not-divided-by-n")
def lr_gd_sum_not_mean(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """Sums the gradient over the samples without dividing by n."""
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        _y = w * train_x + b
        errors.append(np.mean((_y - train_y) ** 2))
        w -= lr_rate * np.sum((_y - train_y) * train_x)
        b -= lr_rate * np.sum(_y - train_y)
    return w, b, errors


@mistake("linear_regression_gd", diagnosis="diverged")
def lr_gd_sign_flipped(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """Residual taken as y - prediction, but still subtracted."""
    n = len(train_x)
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        error = train_y - (w * train_x + b)
        errors.append(np.mean(error**2))
        w -= lr_rate * 2 * np.sum(error * train_x) / n
        b -= lr_rate * 2 * np.sum(error) / n
    return w, b, errors


@mistake("linear_regression_gd", diagnosis="diverged")
def lr_gd_plus_update(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """Updates with + instead of -."""
    n = len(train_x)
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        _y = w * train_x + b
        errors.append(np.mean((_y - train_y) ** 2))
        w += lr_rate * 2 * np.sum((_y - train_y) * train_x) / n
        b += lr_rate * 2 * np.sum(_y - train_y) / n
    return w, b, errors


@mistake("linear_regression_gd", diagnosis="errors-after-update")
def lr_gd_error_after_update(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """Records the loss after the update instead of before."""
    n = len(train_x)
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        _y = w * train_x + b
        w -= lr_rate * 2 * np.sum((_y - train_y) * train_x) / n
        b -= lr_rate * 2 * np.sum(_y - train_y) / n
        errors.append(np.mean((w * train_x + b - train_y) ** 2))
    return w, b, errors


@mistake("linear_regression_gd", diagnosis="error-not-mse")
def lr_gd_sse(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """Records the sum of squared errors instead of the mean."""
    n = len(train_x)
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        _y = w * train_x + b
        errors.append(np.sum((_y - train_y) ** 2))
        w -= lr_rate * 2 * np.sum((_y - train_y) * train_x) / n
        b -= lr_rate * 2 * np.sum(_y - train_y) / n
    return w, b, errors


@mistake("linear_regression_gd", diagnosis="iteration-count")
def lr_gd_off_by_one(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """range(1, n_iter): one update short."""
    n = len(train_x)
    w, b, errors = 0.0, 0.0, []
    for _ in range(1, n_iter):
        _y = w * train_x + b
        errors.append(np.mean((_y - train_y) ** 2))
        w -= lr_rate * 2 * np.sum((_y - train_y) * train_x) / n
        b -= lr_rate * 2 * np.sum(_y - train_y) / n
    return w, b, errors


@mistake("linear_regression_gd", diagnosis="w-gradient-missing-x")
def lr_gd_w_gradient_without_x(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """Forgets the factor x in dL/dw."""
    n = len(train_x)
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        _y = w * train_x + b
        errors.append(np.mean((_y - train_y) ** 2))
        w -= lr_rate * 2 * np.sum(_y - train_y) / n
        b -= lr_rate * 2 * np.sum(_y - train_y) / n
    return w, b, errors


@mistake("linear_regression_gd", diagnosis="b-gradient-times-x")
def lr_gd_b_gradient_times_x(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """Copies the w update for b, factor x included."""
    n = len(train_x)
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        _y = w * train_x + b
        errors.append(np.mean((_y - train_y) ** 2))
        dw = 2 * np.sum((_y - train_y) * train_x) / n
        db = 2 * np.sum((_y - train_y) * train_x) / n
        w -= lr_rate * dw
        b -= lr_rate * db
    return w, b, errors


@mistake("linear_regression_gd", diagnosis="stopped-early")
def lr_gd_stops_when_small(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """Stops as soon as the error is below 1e-6, "close enough"."""
    n = len(train_x)
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        _y = w * train_x + b
        errors.append(np.mean((_y - train_y) ** 2))
        if errors[-1] < 1e-6:
            break
        w -= lr_rate * 2 * np.sum((_y - train_y) * train_x) / n
        b -= lr_rate * 2 * np.sum(_y - train_y) / n
    return w, b, errors


@alternative("linear_regression_gd")
def lr_gd_half_mse(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """The lecture's 1/n gradient (of MSE / 2)."""
    n_data = len(train_x)
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        _y = w * train_x + b
        gradient_w = np.sum((_y - train_y) * train_x) / n_data
        gradient_b = np.sum(_y - train_y) / n_data
        w -= lr_rate * gradient_w
        b -= lr_rate * gradient_b
        errors.append(np.sum((_y - train_y) ** 2) / n_data)
    return w, b, errors


@alternative("linear_regression_gd")
def lr_gd_pure_python(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """Pure Python loops over the samples."""
    n = len(train_x)
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        loss = grad_w = grad_b = 0.0
        for xi, yi in zip(train_x, train_y):
            r = w * xi + b - yi
            loss += r * r
            grad_w += 2 * r * xi
            grad_b += 2 * r
        errors.append(loss / n)
        w, b = w - lr_rate * grad_w / n, b - lr_rate * grad_b / n
    return w, b, errors


@alternative("linear_regression_gd")
def lr_gd_matrix_form(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """theta = [w, b] with a design matrix; errors as a numpy array."""
    A = np.column_stack([train_x, np.ones(len(train_x))])
    theta = np.zeros(2)
    errors = np.empty(n_iter)
    for k in range(n_iter):
        r = A @ theta - train_y
        errors[k] = r @ r / len(r)
        theta = theta - lr_rate * 2 * A.T @ r / len(r)
    return theta[0], theta[1], errors


# ------------------------------------------------------------------ linear_regression_gd_matrix

@mistake("linear_regression_gd_matrix", diagnosis="intercept-first")
def matrix_intercept_first(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """Puts the column of ones first."""
    X_ = np.hstack([np.ones((len(X), 1)), X])
    beta = np.array(beta_init, dtype=float)
    for _ in range(n_iter):
        beta = beta - lr_rate * 2 / len(y) * X_.T @ (X_ @ beta - y)
    return beta


@mistake("linear_regression_gd_matrix", diagnosis="diverged")
def matrix_not_divided_by_n(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """The lecture's unnormalised gradient X^T (X beta - y), not divided by n."""
    X_ = np.array([np.append(row, [1]) for row in X])
    beta = np.array(beta_init, dtype=float)
    for _ in range(n_iter):
        error = y - X_ @ beta
        grad = -np.transpose(X_) @ error
        beta = beta - lr_rate * grad
    return beta


@mistake("linear_regression_gd_matrix", diagnosis="diverged")
def matrix_sign_flipped(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """Gradient written with y - X beta but still subtracted."""
    X_ = np.hstack([X, np.ones((len(X), 1))])
    beta = np.array(beta_init, dtype=float)
    for _ in range(n_iter):
        beta = beta - lr_rate * 2 / len(y) * X_.T @ (y - X_ @ beta)
    return beta


@mistake("linear_regression_gd_matrix", diagnosis="mutates-input")
def matrix_updates_beta_init(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """beta = beta_init aliases the caller's array; -= then changes it."""
    X_ = np.hstack([X, np.ones((len(X), 1))])
    beta = beta_init
    for _ in range(n_iter):
        beta -= lr_rate * 2 / len(y) * X_.T @ (X_ @ beta - y)
    return beta


@mistake("linear_regression_gd_matrix", diagnosis="ignores-beta-init")
def matrix_from_zeros(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """Starts from zeros instead of beta_init."""
    X_ = np.hstack([X, np.ones((len(X), 1))])
    beta = np.zeros(X_.shape[1])
    for _ in range(n_iter):
        beta = beta - lr_rate * 2 / len(y) * X_.T @ (X_ @ beta - y)
    return beta


@mistake("linear_regression_gd_matrix", diagnosis="ignores-n-iter")
def matrix_fixed_iterations(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """Always runs 5000 steps."""
    X_ = np.hstack([X, np.ones((len(X), 1))])
    beta = np.array(beta_init, dtype=float)
    for _ in range(5000):
        beta = beta - lr_rate * 2 / len(y) * X_.T @ (X_ @ beta - y)
    return beta


@mistake("linear_regression_gd_matrix", diagnosis="no-intercept-column")
def matrix_without_ones(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """Uses X as it is, without the column of ones (X @ beta then fails: beta has one entry more)."""
    beta = np.array(beta_init, dtype=float)
    for _ in range(n_iter):
        beta = beta - lr_rate * 2 / len(y) * X.T @ (X @ beta - y)
    return beta


@mistake("linear_regression_gd_matrix", diagnosis="no-intercept-column")
def matrix_without_ones_sized_to_x(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """No column of ones; makes the shapes fit by keeping only the first d entries of beta_init."""
    beta = np.array(beta_init[:X.shape[1]], dtype=float)
    for _ in range(n_iter):
        beta = beta - lr_rate * 2 / len(y) * X.T @ (X @ beta - y)
    return beta


@mistake("linear_regression_gd_matrix", diagnosis="gradient-clipped")
def matrix_clipped_gradient(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """Clips the gradient to [-100, 100] "to avoid overflow"."""
    X_ = np.hstack([X, np.ones((len(X), 1))])
    beta = np.array(beta_init, dtype=float)
    for _ in range(n_iter):
        grad = 2 / len(y) * X_.T @ (X_ @ beta - y)
        beta = beta - lr_rate * np.clip(grad, -100, 100)
    return beta


@alternative("linear_regression_gd_matrix")
def matrix_half_mse_append_rows(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """The lecture's np.append per row, with the 1/n gradient of MSE / 2."""
    X_ = np.array([np.append(row, [1]) for row in X])
    beta = np.array(beta_init, dtype=float)
    for _ in range(n_iter):
        error = y - X_ @ beta
        grad = -np.transpose(X_) @ error / len(y)
        beta = beta - lr_rate * grad
    return beta


@alternative("linear_regression_gd_matrix")
def matrix_per_sample_sum(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """Gradient accumulated sample by sample, intercept via np.c_."""
    X_ = np.c_[X, np.ones(len(X))]
    beta = np.asarray(beta_init, dtype=float).copy()
    for _ in range(n_iter):
        grad = np.zeros_like(beta)
        for xi, yi in zip(X_, y):
            grad += 2 * (xi @ beta - yi) * xi
        beta -= lr_rate * grad / len(y)
    return beta


# ------------------------------------------------------------------ sgd_linear_regression

@mistake("sgd_linear_regression", diagnosis="same-batch-every-step")
def sgd_batch_drawn_once(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """Draws the mini-batch once, before the loop."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(train_x), batch_size, replace=False)
    w, b = 0.0, 0.0
    for _ in range(n_iter):
        r = w * train_x[idx] + b - train_y[idx]
        w -= lr_rate * 2 * np.mean(r * train_x[idx])
        b -= lr_rate * 2 * np.mean(r)
    return w, b


@mistake("sgd_linear_regression", diagnosis="same-batch-every-step")
def sgd_generator_in_loop(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """Creates the generator inside the loop, so every step gets the same batch."""
    w, b = 0.0, 0.0
    for _ in range(n_iter):
        idx = np.random.default_rng(seed).integers(0, len(train_x), batch_size)
        r = w * train_x[idx] + b - train_y[idx]
        w -= lr_rate * 2 * np.mean(r * train_x[idx])
        b -= lr_rate * 2 * np.mean(r)
    return w, b


@mistake("sgd_linear_regression", diagnosis="batch-gradient-summed")
def sgd_sum_over_batch(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """Sums the batch gradient without dividing by the batch size."""
    rng = np.random.default_rng(seed)
    w, b = 0.0, 0.0
    for _ in range(n_iter):
        idx = rng.integers(0, len(train_x), batch_size)
        r = w * train_x[idx] + b - train_y[idx]
        w -= lr_rate * 2 * np.sum(r * train_x[idx])
        b -= lr_rate * 2 * np.sum(r)
    return w, b


@mistake("sgd_linear_regression", diagnosis="diverged")
def sgd_plus_update(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """Updates with + instead of -."""
    rng = np.random.default_rng(seed)
    w, b = 0.0, 0.0
    for _ in range(n_iter):
        idx = rng.integers(0, len(train_x), batch_size)
        r = w * train_x[idx] + b - train_y[idx]
        w += lr_rate * 2 * np.mean(r * train_x[idx])
        b += lr_rate * 2 * np.mean(r)
    return w, b


@mistake("sgd_linear_regression", diagnosis="ignores-seed")
def sgd_ignores_seed(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """Never uses the seed: results change from call to call."""
    rng = np.random.default_rng()
    w, b = 0.0, 0.0
    for _ in range(n_iter):
        idx = rng.integers(0, len(train_x), batch_size)
        r = w * train_x[idx] + b - train_y[idx]
        w -= lr_rate * 2 * np.mean(r * train_x[idx])
        b -= lr_rate * 2 * np.mean(r)
    return w, b


@mistake("sgd_linear_regression", diagnosis="mutates-input")
def sgd_shuffles_x_in_place(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """Shuffles train_x in place (and not train_y), then takes consecutive batches."""
    rng = np.random.default_rng(seed)
    w, b = 0.0, 0.0
    for k in range(n_iter):
        start = (k * batch_size) % len(train_x)
        if start == 0:
            rng.shuffle(train_x)
        bx, by = train_x[start:start + batch_size], train_y[start:start + batch_size]
        r = w * bx + b - by
        w -= lr_rate * 2 * np.mean(r * bx)
        b -= lr_rate * 2 * np.mean(r)
    return w, b


@mistake("sgd_linear_regression", diagnosis="targets-not-batched")
def sgd_x_batch_y_head(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """Indexes train_x with the batch but takes the first batch_size targets."""
    rng = np.random.default_rng(seed)
    w, b = 0.0, 0.0
    for _ in range(n_iter):
        idx = rng.integers(0, len(train_x), batch_size)
        r = w * train_x[idx] + b - train_y[:batch_size]
        w -= lr_rate * 2 * np.mean(r * train_x[idx])
        b -= lr_rate * 2 * np.mean(r)
    return w, b


@mistake("sgd_linear_regression", diagnosis="gradient-clipped")
def sgd_clipped_gradient(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """Clips each batch gradient to [-10, 10] "to keep SGD stable"."""
    rng = np.random.default_rng(seed)
    w, b = 0.0, 0.0
    for _ in range(n_iter):
        idx = rng.integers(0, len(train_x), batch_size)
        r = w * train_x[idx] + b - train_y[idx]
        w -= lr_rate * np.clip(2 * np.mean(r * train_x[idx]), -10, 10)
        b -= lr_rate * np.clip(2 * np.mean(r), -10, 10)
    return w, b


@alternative("sgd_linear_regression")
def sgd_without_replacement_half_mse(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """Batches without replacement, 1/B gradient of MSE / 2."""
    rng = np.random.default_rng(seed)
    w, b = 0.0, 0.0
    for _ in range(n_iter):
        idx = rng.choice(len(train_x), batch_size, replace=False)
        mini_x, mini_y = train_x[idx], train_y[idx]
        _y = w * mini_x + b
        w -= lr_rate * np.sum((_y - mini_y) * mini_x) / batch_size
        b -= lr_rate * np.sum(_y - mini_y) / batch_size
    return w, b


@alternative("sgd_linear_regression")
def sgd_epochs_of_permutations(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """Shuffled epochs with RandomState, consecutive batches of a permutation."""
    rng = np.random.RandomState(seed)
    n = len(train_x)
    w, b = 0.0, 0.0
    order, pos = rng.permutation(n), 0
    for _ in range(n_iter):
        if pos + batch_size > n:
            order, pos = rng.permutation(n), 0
        idx = order[pos:pos + batch_size]
        pos += batch_size
        r = w * train_x[idx] + b - train_y[idx]
        w -= lr_rate * 2 * np.mean(r * train_x[idx])
        b -= lr_rate * 2 * np.mean(r)
    return w, b


@alternative("sgd_linear_regression")
def sgd_global_seed(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """The lecture's np.random.seed + np.random.choice."""
    if seed is not None:
        np.random.seed(seed)
    w, b = 0.0, 0.0
    for _ in range(n_iter):
        idx = np.random.choice(len(train_x), batch_size)
        r = w * train_x[idx] + b - train_y[idx]
        w -= lr_rate * 2 * np.mean(r * train_x[idx])
        b -= lr_rate * 2 * np.mean(r)
    return w, b

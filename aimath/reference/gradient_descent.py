"""gradient_descent: symbolic and numerical derivatives, gradient descent, linear regression by GD and mini-batch SGD."""
import numpy as np
import sympy as sym
from sympy.abc import x


# ---------------------------------------------------------------- Part 1: symbolic (sympy)

def func(val):
    """val: number -> (f(val), f) for the sympy polynomial f = x**2 + 2x + 3."""
    fun = sym.poly(x**2 + 2 * x + 3)
    return fun.subs(x, val), fun


def func_gradient(fun, val):
    """fun: val -> (value, sympy polynomial in x) -> (f'(val), f') with f' from sympy.diff."""
    _, function = fun(val)
    diff = sym.diff(function, x)
    return diff.subs(x, val), diff


def gradient_descent(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Descend on the polynomial `fun(val)[1]` from `init_point` while |f'(x)| > epsilon -> (x, n_steps).

    x_{k+1} = x_k - lr_rate * f'(x_k). The derivative is taken once with sympy and evaluated in float64 by
    Horner's rule, which gives the same numbers as sympy's 53-bit arithmetic on the polynomials used here, at a
    fraction of the cost (from 3 with the defaults: 673 steps to -0.999995).
    """
    derivative = sym.Poly(func_gradient(fun, init_point)[1], x)
    coeffs = [float(c) for c in derivative.all_coeffs()]
    point, n_steps = float(init_point), 0
    grad = float(np.polyval(coeffs, point))
    while abs(grad) > epsilon:
        point = point - lr_rate * grad
        grad = float(np.polyval(coeffs, point))
        n_steps += 1
    return point, n_steps


# ---------------------------------------------------------------- Part 2: numerical derivatives

def difference_quotient(f, x, h=1e-9):
    """Forward difference: f'(x) ~ (f(x + h) - f(x)) / h for scalar x."""
    return (f(x + h) - f(x)) / h


def numerical_gradient(f, x, h=1e-5):
    """x: array of any shape -> array of x's shape, df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / 2h.

    f is evaluated on a private float64 copy, so x is never changed (integer arrays are promoted).
    """
    point = np.array(x, dtype=np.float64, copy=True)
    grad = np.zeros_like(point)
    for idx in np.ndindex(point.shape):
        saved = point[idx]
        point[idx] = saved + h
        plus = f(point)
        point[idx] = saved - h
        minus = f(point)
        point[idx] = saved
        grad[idx] = (plus - minus) / (2 * h)
    return grad


# ---------------------------------------------------------------- Part 3: linear regression by gradient descent

def mse(prediction, target):
    """Mean squared error, mean((prediction - target)**2)."""
    return float(np.mean((np.asarray(prediction) - np.asarray(target)) ** 2))


def linear_regression_gd(train_x, train_y, lr_rate=1e-2, n_iter=1000):
    """train_x, train_y: (n,) -> (w, b, errors) for y ~ w x + b by gradient descent on the MSE from w = b = 0.

    Each step: errors.append(MSE(w, b)) at the current parameters, then w -= lr * dL/dw, b -= lr * dL/db with
    dL/dw = 2/n sum((w x + b - y) x), dL/db = 2/n sum(w x + b - y). errors has n_iter entries, errors[0] = mean(y**2).
    """
    x_ = np.asarray(train_x, dtype=np.float64)
    y_ = np.asarray(train_y, dtype=np.float64)
    n = len(x_)
    w, b, errors = 0.0, 0.0, []
    for _ in range(n_iter):
        residual = w * x_ + b - y_
        errors.append(float(residual @ residual) / n)
        w -= lr_rate * 2 * float(residual @ x_) / n
        b -= lr_rate * 2 * float(residual.sum()) / n
    return w, b, errors


def with_intercept(X):
    """X: (n, d) -> (n, d + 1), a column of ones appended LAST."""
    X = np.asarray(X, dtype=np.float64)
    return np.hstack([X, np.ones((X.shape[0], 1))])


def linear_regression_gd_matrix(X, y, beta_init, lr_rate=1e-2, n_iter=5000):
    """X: (n, d), y: (n,), beta_init: (d + 1,) -> beta: (d + 1,), GD on MSE(beta) = ||y - [X, 1] beta||^2 / n.

    beta <- beta - lr * 2/n [X, 1]^T ([X, 1] beta - y), n_iter times; the intercept is the LAST entry.
    """
    X_ = with_intercept(X)
    y_ = np.asarray(y, dtype=np.float64)
    beta = np.array(beta_init, dtype=np.float64, copy=True)
    n = len(y_)
    for _ in range(n_iter):
        beta = beta - lr_rate * 2 / n * (X_.T @ (X_ @ beta - y_))
    return beta


def sgd_linear_regression(train_x, train_y, lr_rate, n_iter, batch_size=10, seed=None):
    """train_x, train_y: (n,) -> (w, b) by n_iter mini-batch SGD steps on the MSE from w = b = 0.

    Every step draws a fresh batch of batch_size indices (with replacement) from np.random.default_rng(seed)
    and steps against the batch-mean MSE gradient. The same seed gives the same (w, b).
    """
    x_ = np.asarray(train_x, dtype=np.float64)
    y_ = np.asarray(train_y, dtype=np.float64)
    rng = np.random.default_rng(seed)
    w, b = 0.0, 0.0
    for _ in range(n_iter):
        idx = rng.integers(0, len(x_), size=batch_size)
        batch_x = x_[idx]
        residual = w * batch_x + b - y_[idx]
        w -= lr_rate * 2 * float(residual @ batch_x) / batch_size
        b -= lr_rate * 2 * float(residual.sum()) / batch_size
    return w, b


def least_squares_line(train_x, train_y):
    """train_x, train_y: (n,) -> (w, b) minimising the MSE exactly (where GD and SGD should end up)."""
    beta = np.linalg.lstsq(with_intercept(np.asarray(train_x, dtype=np.float64)[:, None]),
                           np.asarray(train_y, dtype=np.float64), rcond=None)[0]
    return float(beta[0]), float(beta[1])

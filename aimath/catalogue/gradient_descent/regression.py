"""gradient_descent: plausible student mistakes and alternative correct solutions, written as students write them.

Entries use only what the notebook's imports cell provides: np, sym (sympy) and the symbol x (sympy.abc.x).
"""
import numpy as np
import sympy as sym
from sympy.abc import x

from aimath.catalogue import Catalogue

catalogue = Catalogue("gradient_descent")
mistake, alternative = catalogue.mistake, catalogue.alternative


# ------------------------------------------------------------------ func

@mistake("func", diagnosis="missing-constant")
def func_missing_constant(val):
    """Polynomial typed without its constant term."""
    fun = sym.poly(x**2 + 2 * x)
    return fun.subs(x, val), fun


@mistake("func", diagnosis="times-not-power")
def func_times_not_power(val):
    """Typed x*2 for x**2."""
    fun = sym.poly(x * 2 + 2 * x + 3)
    return fun.subs(x, val), fun


@mistake("func", diagnosis="value-of-derivative")
def func_value_of_derivative(val):
    """Returns the derivative's value instead of the function's."""
    fun = sym.poly(x**2 + 2 * x + 3)
    return sym.diff(fun, x).subs(x, val), fun


@mistake("func", diagnosis="value-rounded")
def func_value_rounded(val):
    """Converts the value to int."""
    fun = sym.poly(x**2 + 2 * x + 3)
    return int(fun.subs(x, val)), fun


@mistake("func", diagnosis="value-at-zero")
def func_value_at_zero(val):
    """Substitutes the wrong thing: evaluates at x = 0."""
    fun = sym.poly(x**2 + 2 * x + 3)
    return fun.subs(x, 0), fun


@mistake("func", diagnosis="swapped-order")
def func_swapped(val):
    """Returns (poly, value) in the wrong order."""
    fun = sym.poly(x**2 + 2 * x + 3)
    return fun, fun.subs(x, val)


@mistake("func", diagnosis="returned-value-only")
def func_value_only(val):
    """Returns only the value."""
    fun = sym.poly(x**2 + 2 * x + 3)
    return fun.subs(x, val)


@alternative("func")
def func_expression(val):
    """A plain sympy expression instead of a Poly."""
    fun = x**2 + 2 * x + 3
    return fun.subs(x, val), fun


@alternative("func")
def func_poly_eval(val):
    """sym.Poly with explicit generator and Poly.eval."""
    fun = sym.Poly(x**2 + 2 * x + 3, x)
    return fun.eval(val), fun


@alternative("func")
def func_python_value(val):
    """Value computed in plain Python, polynomial from sympy."""
    return val**2 + 2 * val + 3, sym.poly(x**2 + 2 * x + 3)


# ------------------------------------------------------------------ func_gradient

@mistake("func_gradient", diagnosis="value-not-derivative")
def gradient_value_not_derivative(fun, val):
    """Returns f(val) where f'(val) is asked."""
    value, function = fun(val)
    return value, sym.diff(function, x)


@mistake("func_gradient", diagnosis="ignores-fun")
def gradient_ignores_fun(fun, val):
    """Differentiates the course polynomial, whatever fun is."""
    diff = sym.diff(sym.poly(x**2 + 2 * x + 3), x)
    return diff.subs(x, val), diff


@mistake("func_gradient", diagnosis="differentiated-the-value")
def gradient_of_the_value(fun, val):
    """Differentiates item 0 (the number) instead of item 1 (the polynomial)."""
    function = fun(val)[0]
    diff = sym.diff(function, x)
    return diff.subs(x, val), diff


@mistake("func_gradient", diagnosis="second-derivative")
def gradient_twice(fun, val):
    """Differentiates twice."""
    _, function = fun(val)
    diff = sym.diff(function, x, x)
    return diff.subs(x, val), diff


@mistake("func_gradient", diagnosis="sign-flipped")
def gradient_negated(fun, val):
    """Returns the negative gradient (the descent direction) instead of the gradient."""
    _, function = fun(val)
    diff = -sym.diff(function, x)
    return diff.subs(x, val), diff


@mistake("func_gradient", diagnosis="evaluated-at-zero")
def gradient_at_zero(fun, val):
    """Evaluates the derivative at 0."""
    _, function = fun(val)
    diff = sym.diff(function, x)
    return diff.subs(x, 0), diff


@mistake("func_gradient", diagnosis="returned-the-function")
def gradient_returns_fun(fun, val):
    """Returns what fun gives, the function's value and polynomial, instead of the derivative's."""
    return fun(val)


@mistake("func_gradient", diagnosis="returned-the-function")
def gradient_differentiates_but_returns_function(fun, val):
    """Computes the derivative but returns the function's value and the function."""
    value, function = fun(val)
    diff = sym.diff(function, x)  # noqa: F841 (computed, then forgotten)
    return value, function


@alternative("func_gradient")
def gradient_method_and_eval(fun, val):
    """function.diff(x) and Poly.eval via a Poly conversion."""
    function = fun(val)[1]
    diff = sym.Poly(function, x).diff(x)
    return diff.eval(val), diff


@alternative("func_gradient")
def gradient_lambdify(fun, val):
    """Expression derivative, evaluated with lambdify."""
    function = sym.sympify(fun(val)[1].as_expr())
    diff = sym.diff(function, x)
    return sym.lambdify(x, diff)(val), diff


# ------------------------------------------------------------------ gradient_descent

@mistake("gradient_descent", diagnosis="no-abs-in-stopping-test")
def descent_no_abs(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Stopping test without abs: never starts left of the minimum."""
    val, cnt = init_point, 0
    diff = sym.diff(fun(val)[1], x).subs(x, val)
    while diff > epsilon:
        val = val - lr_rate * diff
        diff = sym.diff(fun(val)[1], x).subs(x, val)
        cnt += 1
    return val, cnt


@mistake("gradient_descent", diagnosis="never-stops")
def descent_plus_update(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Update with + (gradient ascent)."""
    val, cnt = init_point, 0
    diff = sym.diff(fun(val)[1], x).subs(x, val)
    while abs(diff) > epsilon:
        val = val + lr_rate * diff
        diff = sym.diff(fun(val)[1], x).subs(x, val)
        cnt += 1
    return val, cnt


@mistake("gradient_descent", diagnosis="counted-one-extra")
def descent_counts_from_one(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Counter starts at 1."""
    val, cnt = init_point, 1
    diff = sym.diff(fun(val)[1], x).subs(x, val)
    while abs(diff) > epsilon:
        val = val - lr_rate * diff
        diff = sym.diff(fun(val)[1], x).subs(x, val)
        cnt += 1
    return val, cnt


@mistake("gradient_descent", diagnosis="step-before-test")
def descent_do_while(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Takes a step before the first test (do-while)."""
    val, cnt = init_point, 0
    while True:
        val = val - lr_rate * sym.diff(fun(val)[1], x).subs(x, val)
        cnt += 1
        if abs(sym.diff(fun(val)[1], x).subs(x, val)) <= epsilon:
            return val, cnt


@mistake("gradient_descent", diagnosis="step-size-stopping-test")
def descent_tests_step(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Stops when the step lr * gradient is small, not the gradient."""
    val, cnt = init_point, 0
    step = lr_rate * sym.diff(fun(val)[1], x).subs(x, val)
    while abs(step) > epsilon:
        val = val - step
        step = lr_rate * sym.diff(fun(val)[1], x).subs(x, val)
        cnt += 1
    return val, cnt


@mistake("gradient_descent", diagnosis="returned-value-not-point")
def descent_returns_value(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Returns f at the minimum instead of the minimum point."""
    val, cnt = init_point, 0
    diff = sym.diff(fun(val)[1], x).subs(x, val)
    while abs(diff) > epsilon:
        val = val - lr_rate * diff
        diff = sym.diff(fun(val)[1], x).subs(x, val)
        cnt += 1
    return fun(val)[0], cnt


@mistake("gradient_descent", diagnosis="never-stops")
def descent_fixed_lr(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Ignores lr_rate and always steps 0.01."""
    val, cnt = init_point, 0
    diff = sym.diff(fun(val)[1], x).subs(x, val)
    while abs(diff) > epsilon:
        val = val - 0.01 * diff
        diff = sym.diff(fun(val)[1], x).subs(x, val)
        cnt += 1
    return val, cnt


@mistake("gradient_descent", diagnosis="ignores-epsilon")
def descent_fixed_epsilon(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Stops at a hard-coded 1e-5 instead of epsilon."""
    val, cnt = init_point, 0
    diff = sym.diff(fun(val)[1], x).subs(x, val)
    while abs(diff) > 1e-5:
        val = val - lr_rate * diff
        diff = sym.diff(fun(val)[1], x).subs(x, val)
        cnt += 1
    return val, cnt


@mistake("gradient_descent", diagnosis="gradient-clipped")
def descent_clipped_gradient(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Clips the gradient to [-10, 10] "so the steps stay small"."""
    val, cnt = init_point, 0
    diff = sym.diff(fun(val)[1], x).subs(x, val)
    while abs(diff) > epsilon:
        val = val - lr_rate * max(-10, min(10, diff))
        diff = sym.diff(fun(val)[1], x).subs(x, val)
        cnt += 1
    return val, cnt


@alternative("gradient_descent")
def descent_derivative_once(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """Differentiates once, then iterates in floats with lambdify."""
    grad = sym.lambdify(x, sym.diff(fun(init_point)[1], x).as_expr())
    val, cnt = float(init_point), 0
    while abs(grad(val)) > epsilon:
        val -= lr_rate * grad(val)
        cnt += 1
    return val, cnt


@alternative("gradient_descent")
def descent_for_break(fun, init_point, lr_rate=1e-2, epsilon=1e-5):
    """A counted for-loop with break, sympy all the way."""
    val = init_point
    for cnt in range(10**6):
        diff = sym.diff(fun(val)[1], x).subs(x, val)
        if abs(diff) <= epsilon:
            return val, cnt
        val = val - lr_rate * diff


# ------------------------------------------------------------------ difference_quotient

@mistake("difference_quotient", diagnosis="central-difference")
def quotient_central(f, x, h=1e-9):
    """Central difference where the forward one is asked."""
    return (f(x + h) - f(x - h)) / (2 * h)


@mistake("difference_quotient", diagnosis="backward-difference")
def quotient_backward(f, x, h=1e-9):
    """Backward difference."""
    return (f(x) - f(x - h)) / h


@mistake("difference_quotient", diagnosis="divided-by-2h")
def quotient_over_2h(f, x, h=1e-9):
    """Divides by 2h."""
    return (f(x + h) - f(x)) / (2 * h)


@mistake("difference_quotient", diagnosis="sign-flipped")
def quotient_flipped(f, x, h=1e-9):
    """Subtracts the wrong way round."""
    return (f(x) - f(x + h)) / h


@mistake("difference_quotient", diagnosis="ignores-h")
def quotient_fixed_h(f, x, h=1e-9):
    """Hard-codes the step."""
    return (f(x + 1e-9) - f(x)) / 1e-9


@mistake("difference_quotient", diagnosis="not-divided-by-h")
def quotient_not_divided(f, x, h=1e-9):
    """Forgets to divide by h."""
    return f(x + h) - f(x)


@alternative("difference_quotient")
def quotient_named_steps(f, x, h=1e-9):
    """Intermediate names."""
    rise = f(x + h) - f(x)
    return rise / h


@alternative("difference_quotient")
def quotient_numpy(f, x, h=1e-9):
    """Through numpy float64 and np.subtract/np.divide."""
    x = np.float64(x)
    return np.divide(np.subtract(f(x + h), f(x)), h)


# ------------------------------------------------------------------ numerical_gradient

@mistake("numerical_gradient", diagnosis="forward-difference")
def gradient_forward(f, x, h=1e-5):
    """Forward difference where the central one is asked."""
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x_plus = x.astype(float)
        x_plus[idx] += h
        grad[idx] = (f(x_plus) - f(x)) / h
    return grad


@mistake("numerical_gradient", diagnosis="divided-by-h")
def gradient_over_h(f, x, h=1e-5):
    """Divides the central difference by h instead of 2h."""
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x_plus, x_minus = x.astype(float), x.astype(float)
        x_plus[idx] += h
        x_minus[idx] -= h
        grad[idx] = (f(x_plus) - f(x_minus)) / h
    return grad


@mistake("numerical_gradient", diagnosis="flattened")
def gradient_flat(f, x, h=1e-5):
    """Returns a flat vector for any shape."""
    flat = x.astype(float).ravel()
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        e = np.zeros(flat.size)
        e[i] = h
        grad[i] = (f((flat + e).reshape(x.shape)) - f((flat - e).reshape(x.shape))) / (2 * h)
    return grad


@mistake("numerical_gradient", diagnosis="perturbed-all-at-once")
def gradient_all_at_once(f, x, h=1e-5):
    """Moves every coordinate at once."""
    return np.ones(x.shape) * (f(x + h) - f(x - h)) / (2 * h)


@mistake("numerical_gradient", diagnosis="integer-copy")
def gradient_integer_copy(f, x, h=1e-5):
    """x.copy() keeps an integer dtype, so the perturbation is rounded away."""
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[idx] += h
        x_minus[idx] -= h
        grad[idx] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad


@mistake("numerical_gradient", diagnosis="mutates-input")
def gradient_in_place_no_restore(f, x, h=1e-5):
    """Perturbs x in place and never restores it."""
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        plus = f(x)
        x[idx] -= 2 * h
        minus = f(x)
        grad[idx] = (plus - minus) / (2 * h)
    return grad


@mistake("numerical_gradient", diagnosis="mutates-input")
def gradient_restore_by_subtraction(f, x, h=1e-5):
    """Restores x[i] by adding h back, which rounding does not undo exactly."""
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        plus = f(x)
        x[idx] -= 2 * h
        minus = f(x)
        x[idx] += h
        grad[idx] = (plus - minus) / (2 * h)
    return grad


@alternative("numerical_gradient")
def gradient_save_and_restore(f, x, h=1e-5):
    """cs231n style: perturb a float copy in place, restore the saved value."""
    x = x.astype(np.float64)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        idx = it.multi_index
        saved = x[idx]
        x[idx] = saved + h
        plus = f(x)
        x[idx] = saved - h
        minus = f(x)
        x[idx] = saved
        grad[idx] = (plus - minus) / (2 * h)
        it.iternext()
    return grad


@alternative("numerical_gradient")
def gradient_unit_vectors(f, x, h=1e-5):
    """Flat loop with unit vectors reshaped to x's shape."""
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad.reshape(x.shape)


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

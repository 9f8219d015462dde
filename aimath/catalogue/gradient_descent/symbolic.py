"""gradient_descent, Part 1 (symbolic derivatives and the descent loop): plausible student mistakes
and alternative correct solutions, written as students write them.

Entries use only what the notebook's imports cell provides: np, sym (sympy) and the symbol x (sympy.abc.x).
"""
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

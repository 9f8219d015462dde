"""gradient_descent, Part 2 (numerical derivatives): plausible student mistakes and alternative
correct solutions, written as students write them.

Entries use only what the notebook's imports cell provides: np, sym (sympy) and the symbol x (sympy.abc.x).
"""
import numpy as np

from aimath.catalogue import Catalogue

catalogue = Catalogue("gradient_descent")
mistake, alternative = catalogue.mistake, catalogue.alternative


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

"""gradient_descent checks: what the student's results are, as plain data (a number, a pair, a polynomial's
coefficients), with a TypeError that says what is wrong otherwise. Used inside the probes, in the sandbox."""
import sympy as sym
from sympy.abc import x as X_SYMBOL


def poly_coefficients(p, what):
    """Coefficients (highest power first, as floats) of a sympy Poly or expression in x; TypeError otherwise."""
    try:
        return [float(c) for c in sym.Poly(p, X_SYMBOL).all_coeffs()]
    except Exception:
        raise TypeError(f"{what} should be a sympy polynomial in x, but it is {p!r} ({type(p).__name__})") from None


def as_number(v, what):
    """`v` (any object the student's code returned) as a Python float; `what` names it in the message. Raises
    TypeError when float(v) fails."""
    try:
        return float(v)
    except Exception:
        raise TypeError(f"{what} should be a number, but it is {v!r} ({type(v).__name__})") from None


def pair(result, names):
    """`result` itself when it is a tuple or list of two items; `names` (e.g. "(w, b)") says in the TypeError raised
    otherwise what the pair should hold."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(f"it should return a pair {names}, but it returned {result!r}")
    return result

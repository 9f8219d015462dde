"""gradient_descent's catalogue, as a package (split by part of the notebook next)."""
from aimath.catalogue.gradient_descent.regression import catalogue  # noqa: F401

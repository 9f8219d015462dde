"""backprop's catalogue, as a package (split by part of the notebook next)."""
from aimath.catalogue.backprop.network import catalogue  # noqa: F401

"""basic_math's catalogue, as a package (split by part of the notebook next)."""
from aimath.catalogue.basic_math.lists import catalogue  # noqa: F401

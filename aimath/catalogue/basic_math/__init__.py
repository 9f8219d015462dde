"""basic_math's catalogue, one module per part of the notebook.

lists: get_greatest, get_smallest, get_mean, get_median (Part 1); vectors: l1_norm, l2_norm, angle_between,
fit_linear_regression (Part 2).
"""
from aimath.catalogue import Catalogue
from aimath.catalogue.basic_math import lists, vectors

catalogue = Catalogue.from_parts("basic_math", [lists.catalogue, vectors.catalogue])

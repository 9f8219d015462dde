"""gradient_descent's catalogue, one module per part of the notebook.

symbolic: func, func_gradient, gradient_descent (Part 1); numerical: difference_quotient, numerical_gradient
(Part 2); regression: linear_regression_gd, linear_regression_gd_matrix, sgd_linear_regression (Part 3).
"""
from aimath.catalogue import Catalogue
from aimath.catalogue.gradient_descent import numerical, regression, symbolic

catalogue = Catalogue.from_parts("gradient_descent", [symbolic.catalogue, numerical.catalogue, regression.catalogue])

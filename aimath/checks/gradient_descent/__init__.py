"""Hidden-test checks for gradient_descent, by part: symbolic (sympy), numerical (finite differences), regression.

Each `check_*` takes the student's function and raises `CheckFailed`. sympy results are turned into plain data by
custom probes (a number and a list of polynomial coefficients). Iterative methods are judged by where they must end
up (the problem's minimiser), with tolerances derived from the problem, so that legitimate variations (1/n or 2/n in
the MSE gradient, sampling with or without replacement, any random generator) pass, and every case is small: the
whole assignment is checked in a few tens of milliseconds.

Inputs span scales: a descent started a million away and on curvatures of 2e-6 and 2e6, targets from 1e-6 to 1e9
for the regressions (compared relatively), so a hard-coded step, tolerance, threshold or gradient clip does not
slip by.
"""
from aimath.checks.gradient_descent.numerical import check_difference_quotient, check_numerical_gradient
from aimath.checks.gradient_descent.regression import (check_linear_regression_gd, check_linear_regression_gd_matrix,
                                                       check_sgd_linear_regression)
from aimath.checks.gradient_descent.symbolic import check_func, check_func_gradient, check_gradient_descent

CHECKS = {
    "func": check_func,
    "func_gradient": check_func_gradient,
    "gradient_descent": check_gradient_descent,
    "difference_quotient": check_difference_quotient,
    "numerical_gradient": check_numerical_gradient,
    "linear_regression_gd": check_linear_regression_gd,
    "linear_regression_gd_matrix": check_linear_regression_gd_matrix,
    "sgd_linear_regression": check_sgd_linear_regression,
}

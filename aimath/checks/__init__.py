"""Checks called by hidden test cells, one module per assignment.

Each module exposes `check_<graded name>(student_object)` functions and a `CHECKS` dict mapping graded name to
check, used by the test suite's mistake catalogue.

The probe recipes written here run where the student's code lives, in the grading sandbox, which cannot import
this package: they travel there by value.
"""
import sys

from aimath.judge import send_by_value

send_by_value(sys.modules[__name__])

"""Checks called by hidden test cells, one module (or package, split by part) per assignment.

Each exposes `check_<graded name>(student_object)` functions, imported by the hidden test cells as
`from aimath.checks.<assignment> import check_<graded name>`, and a `CHECKS` dict mapping graded name to check,
used by the test suite's mistake catalogue. Every check judges through `aimath.judge`.

The probe recipes written here run where the student's code lives, in the grading sandbox, which cannot import
this package: they travel there by value.
"""
import sys

from aimath.judge import send_by_value

send_by_value(sys.modules[__name__])

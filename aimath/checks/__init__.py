"""Checks called by hidden test cells, one module per assignment.

Each module exposes `check_<graded name>(student_object)` functions and a `CHECKS` dict mapping graded name to
check, used by the test suite's mistake catalogue.
"""

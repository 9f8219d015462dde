"""Checks called by hidden test cells, one module (or package, split by part) per assignment.

Each exposes `check_<graded name>(student_object)` functions, imported by the hidden test cells as
`from aimath.checks.<assignment> import check_<graded name>`, and a `CHECKS` dict mapping graded name to check,
used by the test suite's mistake catalogue. Every check judges through `aimath.judge`: it takes the student's
function or class (or, when grading, a `Remote` handle on it), returns None when every case passes, and raises
`CheckFailed` (an AssertionError) with a message for the student and the mistakes it names; through the sandbox a
check can also raise remote.SandboxError (no answer: a hang, a dead kernel) or codec.AnswerRefused (an answer over
the limits), which fail the test cell in one line as well.

The probe recipes written here run where the student's code lives, in the grading sandbox, which cannot import
this package: they travel there by value.
"""
import sys

from aimath.judge import send_by_value

send_by_value(sys.modules[__name__])

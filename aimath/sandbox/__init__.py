"""Sandboxed grading: student code runs in a locked-down kernel, verdicts are decided in the grader's process.

See docs/THREAT_MODEL.md. Only `aimath.sandbox.inside` is visible inside the sandbox; nothing here may import it
from a module that the sandbox cannot see.
"""

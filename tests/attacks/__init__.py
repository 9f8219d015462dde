"""Dishonest submissions: what a student might try against the autograder (docs/THREAT_MODEL.md).

Used by tests/attacks/test_attacks.py (which requires that none of them works in the sandbox) and by
tests/attacks/vs_stock.py (which runs them against stock nbgrader too and prints both side by side).
"""

"""Numpy reference implementations, one module per assignment. Checks compare student outputs with these."""

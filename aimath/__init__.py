"""Python & AI Math course: numpy reference implementations, hidden-test checks and the grading pipeline."""

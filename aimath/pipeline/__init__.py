"""The grading pipeline: nbgrader preprocessors and steps configured in nbgrader_config.py, plus the class report."""

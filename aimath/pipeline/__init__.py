"""The grading pipeline: nbgrader's steps on the course (one module per step) and our nbgrader plugins (plugins/),
configured in nbgrader_config.py. The report and the command line sit above it (docs/ARCHITECTURE.md)."""

"""What nbgrader_config.py plugs into nbgrader: one small step per module, as nbgrader's own.

Preprocessors: check_metadata (autograde's metadata check, schema compiled once), missing_cells (a graded cell
missing from a submission scores 0), and for feedback pending_grades, shorten_tracebacks, cell_names,
drop_verdict_data, sanitize_html. Plugins: late (timestamp.txt as intake reads it, a percentage per day late), lms
(zip_collect's latest upload of each student), csv_export (grades.csv safe for a spreadsheet). The feedback page's
exporter and template: feedback_page, templates/aimath_feedback. The sandboxed Execute step is
aimath/sandbox/execute.py.
"""

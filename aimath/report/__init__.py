"""The grade report for instructors and TAs: `build_report(root=...)` writes report/index.html (one static page:
score distributions, item analysis, diagnosed mistakes, flagged submissions, per-student links to feedback, grading
time) with report/grades_wide.csv and nbgrader's report/grades.csv beside it.

One step per module, in order: gradebook (scores) -> evidence (mistakes, timing, and the grader's record
aimath/grading_record.py, from autograded/) -> analysis (pure numbers) -> plots -> page, wide_csv -> build.
"""

"""nbgrader configuration for the Python & AI Math course. The course root is this file's folder."""
import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearOutput,
                                    DeduplicateIds, Execute, IgnorePattern, LimitOutput, OverwriteCells,
                                    OverwriteKernelspec, SaveAutoGrades)

from aimath.grading_record import GRADING_JSON
from aimath.pipeline.plugins import feedback_page
from aimath.pipeline.plugins.cell_names import NameGradedCells
from aimath.pipeline.plugins.check_metadata import CompiledCheckCellMetadata
from aimath.pipeline.plugins.drop_verdict_data import DropVerdictData
from aimath.pipeline.plugins.pending_grades import GetGradesWithPending
from aimath.pipeline.plugins.sanitize_html import SanitizeOutputs
from aimath.pipeline.plugins.missing_cells import ScoreMissingCells
from aimath.pipeline.plugins.shorten_tracebacks import ShortenTracebacks

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "aimath"

# What a student finds in place of each solution region of the release.
c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("not implemented yet: replace this line with your code")'
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Feedback is built from autograded notebooks, which hold the hidden tests: strip them and keep only the verdicts
# in words (their data, written for the report, is dropped), name each test cell, mark answers still to be graded
# by hand, and keep only what a page may safely show of the student's outputs
# (aimath/pipeline/plugins/sanitize_html.py). The page: nbgrader's feedback template with those names, maths as
# MathML, markdown cleaned, and a Content-Security-Policy that runs no script (aimath/pipeline/plugins/feedback_page.py).
c.GenerateFeedback.preprocessors = [GetGradesWithPending, ClearHiddenTests, ShortenTracebacks, NameGradedCells,
                                    DropVerdictData, SanitizeOutputs, CSSHTMLHeaderPreprocessor]
c.GenerateFeedback.exporter_class = feedback_page.FeedbackExporter
c.FeedbackExporter.template_name = feedback_page.TEMPLATE_NAME
c.FeedbackExporter.extra_template_basedirs = feedback_page.TEMPLATE_BASEDIRS
c.FeedbackExporter.extra_template_paths = feedback_page.TEMPLATE_PATHS
# nbgrader copies an autograded folder's other files into the feedback folder: not the sandbox's record (flags, cell
# timings, the resumable run's digest), which is for the TA. Also keeps a grading.json a student hands in out of
# autograded/.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", GRADING_JSON]

# Kernel start-up chatter (e.g. ipykernel's TCP notice) would drown the grading log; kernel errors still show.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]

# Autograding runs each submission in the sandbox (docs/THREAT_MODEL.md): nbgrader's own steps, with its Execute
# replaced by one that runs student cells in a locked-down kernel and test cells in the grader's process, and its
# metadata check by one with the schema compiled once (aimath/pipeline/plugins/check_metadata.py: same decisions,
# about 30 ms a notebook less). `make autograde` runs this autograde in parallel workers (aimath/pipeline/parallel.py).
# AIMATH_SANDBOX=off grades with stock nbgrader instead (student code then runs with the TA's permissions).
# Either way, a graded cell missing from a submission scores 0 without waiting for manual grading
# (aimath/pipeline/plugins/missing_cells.py), as nbgrader scores a missing notebook.
if os.environ.get("AIMATH_SANDBOX", "on") != "off":
    from aimath.sandbox.execute import SandboxedExecute

    c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
                                          CompiledCheckCellMetadata]
    c.Autograde.autograde_preprocessors = [SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                           SaveAutoGrades, ScoreMissingCells, AssignLatePenalties,
                                           CompiledCheckCellMetadata]
else:  # nbgrader's own list, with ScoreMissingCells
    c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                           SaveAutoGrades, ScoreMissingCells, AssignLatePenalties, CheckCellMetadata]

# Late submissions: nbgrader compares timestamp.txt (written by `nbgrader collect`, or by zip_collect when the LMS
# file name carries a time) with the assignment's due date (formgrader's "Manage assignments", or
# `nbgrader db assignment add NAME --duedate="2026-12-01 23:59:00 UTC"`); each started day late costs 10%
# of the notebook's score (aimath/pipeline/plugins/late.py). nbgrader's own alternatives: plugin_class =
# "nbgrader.plugins.LateSubmissionPlugin" with c.LateSubmissionPlugin.penalty_method = "zero" (or "none").
c.AssignLatePenalties.plugin_class = "aimath.pipeline.plugins.late.PercentPerDayLate"
c.PercentPerDayLate.percent_per_day = 10.0

# LMS downloads: `make collect ZIP=download.zip` runs nbgrader's zip_collect. Canvas names each file
# <name>_[late_]<user id>_<submission id>_<uploaded name> (a resubmission's name gets -1, -2, ...), e.g.
# smithjohn_late_12345_67890_basic_math-1.ipynb: the student id is the name part, the notebook basic_math.ipynb.
# Of a student's several uploads, the latest attempt is collected (larger `attempt`, then `resubmission`; see
# aimath/pipeline/plugins/lms.py), the others skipped with a line.
c.ZipCollectApp.collector_plugin = "aimath.pipeline.plugins.lms.LatestAttemptCollector"
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/_]+)_(?:late_)?\d+_(?P<attempt>\d+)_(?P<file_id>[^/]+?)(?:-(?P<resubmission>\d+))?\.ipynb$")

# `nbgrader export` (and `make export`, the report's grades.csv): nbgrader's CsvExportPlugin over a view of the
# gradebook whose text cells (student ids and names, assignment names) no spreadsheet reads as a formula and whose
# commas and quotes are quoted (aimath/pipeline/plugins/csv_export.py).
c.ExportApp.plugin_class = "aimath.pipeline.plugins.csv_export.ProtectedCsvExportPlugin"

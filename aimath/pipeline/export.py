"""`export`: grades.csv, nbgrader's CSV export of the gradebook (one row per student and assignment, scores after the
late penalty), its text cells safe for a spreadsheet (plugins/csv_export.py)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from nbgrader.api import Gradebook

from aimath.pipeline.plugins.csv_export import ProtectedCsvExportPlugin
from aimath.pipeline.nbgrader_session import open_api
from aimath.pipeline.run_records import write_if_changed


GRADES_CSV = "grades.csv"


def export(*, root: Path, to: Path | None = None) -> Path:
    """nbgrader's CSV export of the gradebook (one row per student and assignment), its text cells protected from
    spreadsheet formulas (plugins/csv_export.py), written to `to` (default root/grades.csv) when it changed;
    returns that path."""
    api = open_api(root=root)
    path = Path(to or root / GRADES_CSV)
    with tempfile.TemporaryDirectory() as scratch, \
            Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        exported = Path(scratch) / GRADES_CSV
        ProtectedCsvExportPlugin(to=str(exported)).export(gradebook)
        write_if_changed(path, exported.read_bytes())
    return path

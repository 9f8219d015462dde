"""nbgrader's CSV export with every text cell protected: `ProtectedCsvExportPlugin`.

nbgrader's CsvExportPlugin writes each value as it is, joined by commas: a student id such as `=2+5` (a folder name
the student chose through the LMS) becomes a formula in the TA's spreadsheet, and a comma or a quote shifts the
columns. This plugin runs nbgrader's own export over a read-only view of the gradebook whose text values (student
ids and names, e-mails, assignment names) are already safe CSV cells: `untrusted_text.spreadsheet_cell` (OWASP's
CSV injection guidance), then quoted as RFC 4180 says when they hold a comma or a quote. Numbers and dates are
nbgrader's own. `nbgrader_config.py` makes it the plugin of `nbgrader export` too.
"""
from __future__ import annotations

from nbgrader.plugins import CsvExportPlugin

from aimath.untrusted_text import spreadsheet_cell


class _Cell(str):
    """A protected CSV cell that remembers the gradebook value it stands for."""

    real: str

    def __new__(cls, real: str):
        text = spreadsheet_cell(real)
        if any(c in text for c in ',"'):
            text = '"' + text.replace('"', '""') + '"'
        cell = super().__new__(cls, text)
        cell.real = real
        return cell


class _View:
    """A gradebook row whose `fields` read as protected cells; every other attribute is the row's own."""

    def __init__(self, row, fields: tuple[str, ...]):
        self._row, self._fields = row, fields

    def __getattr__(self, name):
        value = getattr(self._row, name)
        return _Cell(value) if name in self._fields and isinstance(value, str) else value


class _ProtectedGradebook:
    """What CsvExportPlugin.export reads of a Gradebook, with the text values protected."""

    def __init__(self, gradebook):
        self._gradebook = gradebook

    @property
    def assignments(self):
        return [_View(a, ("name",)) for a in self._gradebook.assignments]

    @property
    def students(self):
        return [_View(s, ("id", "first_name", "last_name", "email")) for s in self._gradebook.students]

    def find_submission(self, assignment: str, student: str):
        return self._gradebook.find_submission(getattr(assignment, "real", assignment), getattr(student, "real", student))


class ProtectedCsvExportPlugin(CsvExportPlugin):
    """CsvExportPlugin whose text cells no spreadsheet reads as a formula and whose commas and quotes are quoted."""

    def export(self, gradebook) -> None:
        """nbgrader's CSV export of `gradebook` (an nbgrader Gradebook), every value a student chose written so
        that a spreadsheet shows it as text (no formula runs)."""
        # the --student / --assignment filters name gradebook values: compare them as the cells are written
        self.student = [_Cell(str(s)) for s in self.student]
        self.assignment = [_Cell(str(a)) for a in self.assignment]
        super().export(_ProtectedGradebook(gradebook))

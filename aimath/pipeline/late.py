"""The course's late-submission penalty, an nbgrader late-submission plugin (configured in nbgrader_config.py).

nbgrader compares each submission's timestamp.txt with the assignment's due date and, for a late notebook, asks the
plugin for a penalty in points; it stores it in the gradebook (`late_submission_penalty`) and takes it off the score.
"""
import math

from nbgrader.plugins import BasePlugin
from traitlets import Float


class PercentPerDayLate(BasePlugin):
    """Each started day (24 h) late costs `percent_per_day` percent of the notebook's score, down to zero."""

    percent_per_day = Float(10.0, help="percent of the score taken off per started day late").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        """The penalty in points: score x percent x started days, at most the score."""
        days = math.ceil(total_seconds_late / 86400) if total_seconds_late > 0 else 0
        return min(score, score * self.percent_per_day / 100 * days)

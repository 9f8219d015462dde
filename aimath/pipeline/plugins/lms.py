"""LMS downloads: which file of a student who uploaded twice nbgrader's zip_collect takes (a collector plugin).

nbgrader's zip_collect stops the whole collect ("Duplicate submission file. No timestamps for comparison") when two
files of a download name the same student and notebook and its regular expression reads no time from them, as with
Canvas, whose file names carry none (`smithjohn_12345_67890_text_processing_1.ipynb` and, uploaded again,
`smithjohn_12345_67899_text_processing_1-1.ipynb`). They do carry the order of the attempts: the submission id
(67899 > 67890) and the -1, -2 suffix of a re-uploaded name. `LatestAttemptCollector` collects the latest attempt
and skips the others, each with a line; where nothing orders the files, it skips all of them, with a line naming the
student. It is nbgrader's FileNameCollectorPlugin otherwise (nbgrader_config.py configures both).
"""
from __future__ import annotations

import os
import re

from nbgrader.plugins import FileNameCollectorPlugin

# Named groups of FileNameCollectorPlugin.named_regexp that order one student's attempts: larger is later.
ORDER_GROUPS = ("attempt", "resubmission")
SKIPPED = "Skipped"  # how the lines this plugin logs begin (collect.collect shows them to the TA)


def attempt_order(groups: dict) -> tuple[int, ...] | None:
    """The order of an attempt from its file name's groups (submission id, then re-upload number), or None when
    the name carries no `attempt` group."""
    if not groups.get("attempt"):
        return None
    return tuple(int(groups.get(name) or 0) for name in ORDER_GROUPS)


class LatestAttemptCollector(FileNameCollectorPlugin):
    """FileNameCollectorPlugin that collects, of one student's files for one notebook, only the latest attempt."""

    _attempts: dict | None = None

    def _groups(self, path: str) -> dict | None:
        if os.path.splitext(path)[1] not in self.valid_ext or not self.named_regexp:
            return None
        found = re.match(self.named_regexp, path)
        return found.groupdict() if found else None

    def _index(self, folder: str) -> dict[tuple[str, str], list[str]]:
        """{(student id, file id): the files of the extracted download naming them} (read once)."""
        if self._attempts is None:
            self._attempts = {}
            for where, _, files in os.walk(folder):
                for name in sorted(files):
                    path = os.path.join(where, name)
                    groups = self._groups(path)
                    if groups and groups.get("student_id") and groups.get("file_id"):
                        key = (groups["student_id"], os.path.splitext(groups["file_id"])[0])
                        self._attempts.setdefault(key, []).append(path)
        return self._attempts

    def _extracted_folder(self, submitted_file: str) -> str:
        app = self.parent
        if app is not None and hasattr(app, "_format_collect_path"):
            return app._format_collect_path(app.extracted_directory)
        return os.path.dirname(submitted_file)

    def collect(self, submitted_file: str) -> dict | None:
        """nbgrader's reading of the file name; None (skipped, with a line) for an attempt that is not the latest of
        its student's attempts at the notebook, or for all of them when nothing orders them."""
        info = super().collect(submitted_file)
        if not info or not info.get("student_id") or not info.get("file_id"):
            return info
        key = (info["student_id"], os.path.splitext(info["file_id"])[0])
        attempts = self._index(self._extracted_folder(submitted_file)).get(key, [submitted_file])
        if len(attempts) < 2:
            return info
        orders = {path: attempt_order(self._groups(path) or {}) for path in attempts}
        names = ", ".join(os.path.basename(p) for p in attempts)
        if None in orders.values() or len(set(orders.values())) < len(orders):
            if submitted_file == attempts[0]:  # one line for all of them
                self.log.warning("%s %s's %d uploads of %s (%s): nothing in their names says which is the latest; "
                                 "put the right one in submitted/%s/%s/ by hand", SKIPPED, key[0], len(attempts),
                                 info["file_id"], names, key[0], getattr(getattr(self.parent, "coursedir", None),
                                                                         "assignment_id", "<assignment>"))
            return None
        latest = max(attempts, key=orders.__getitem__)
        if submitted_file != latest:
            self.log.warning("%s %s: an earlier attempt of %s's %s (the latest, %s, is collected)", SKIPPED,
                             os.path.basename(submitted_file), key[0], info["file_id"], os.path.basename(latest))
            return None
        return info

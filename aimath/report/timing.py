"""Step 2b: how long a notebook took to grade, from the execution timestamps nbclient records in each cell.

These cover the cells only (the kernel's start-up is not included); the sandbox's grading.json, when present,
gives the whole run instead (aimath/grading_record.py).
"""
from __future__ import annotations

from datetime import datetime

STARTED, FINISHED = "iopub.execute_input", "shell.execute_reply"


def _times(notebook, key: str) -> list[datetime]:
    """The cells' recorded `key` timestamps."""
    stamps = (cell.get("metadata", {}).get("execution", {}).get(key) for cell in notebook.get("cells", []))
    return [datetime.fromisoformat(s) for s in stamps if s]


def execution_seconds(notebook) -> float | None:
    """Seconds from the first cell's start to the last cell's reply, or None when no cell recorded its timing."""
    starts, ends = _times(notebook, STARTED), _times(notebook, FINISHED)
    if not starts or not ends:
        return None
    return max(0.0, (max(ends) - min(starts)).total_seconds())

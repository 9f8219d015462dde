"""nbgrader's execute step for a notebook a worker has already executed (aimath/pipeline/parallel.py).

A worker ran nbgrader's own autograde on a private copy of the submission and the gradebook; here, in the one
process that writes the gradebook, nbgrader autogrades the submission again with this step in place of Execute: it
takes each code cell's outputs from the worker's notebook (same cells, same sources, or it executes the notebook
itself after all), so SaveAutoGrades records exactly what the worker's sandbox produced.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from aimath.sandbox.execute import FLAGS_FILE


def executed_path(folder: Path, student: str, assignment: str, notebook: str) -> Path:
    return Path(folder) / student / assignment / f"{notebook}.ipynb"


def _same_cells(a, b) -> bool:
    return len(a.cells) == len(b.cells) and all(x.cell_type == y.cell_type and x.source == y.source
                                                 for x, y in zip(a.cells, b.cells))


class PrecomputedExecute(NbGraderPreprocessor):
    """Outputs from the worker's executed copy; executes here only when there is none that matches."""

    folder = Unicode("", help="where parallel workers left executed notebooks").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        path = executed_path(Path(self.folder), info["student"], info["assignment"], info["notebook"])
        done = nbformat.read(path, as_version=4) if path.is_file() else None
        if done is None or not _same_cells(nb, done):
            self.log.warning("no matching executed copy of %s for %s: executing it here", info["notebook"], info["student"])
            if os.environ.get("AIMATH_SANDBOX", "on") == "off":
                from nbgrader.preprocessors import Execute as here
            else:
                from aimath.sandbox.execute import SandboxedExecute as here
            return here(config=self.config, parent=self.parent).preprocess(nb, resources)
        for cell, executed in zip(nb.cells, done.cells):
            if cell.cell_type == "code":
                cell.outputs = executed.outputs
                cell.execution_count = executed.execution_count
        record = path.parent / FLAGS_FILE
        if record.is_file():
            shutil.copy(record, Path(resources["metadata"]["path"]) / FLAGS_FILE)
        return nb, resources

"""Print what autograding costs per notebook: the source notebook run as nbgrader runs it (skip-execution cells
skipped), with the time of each cell from the kernel's own timestamps, and kernel start-up as the baseline.

Usage: .venv/bin/python benchmarks/notebook_cost.py [assignment ...]   (figures, not assertions)
Budget (developers' guide): ~0.2 s of cell work per notebook, never over 1 s.
"""
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from aimath.pipeline.nbgrader_session import source_assignments

ROOT = Path(__file__).resolve().parents[1]
SHOWN = 3  # the costliest cells listed per notebook


def cell_seconds(cell):
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


def measure(assignment):
    nb = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=60, kernel_name="python3", skip_cells_with_tag="skip-execution",
                            allow_errors=True, resources={"metadata": {"path": str(ROOT / "source" / assignment)}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    costs = sorted(((cell_seconds(c), c.metadata.get("nbgrader", {}).get("grade_id") or c.source.splitlines()[0][:40])
                    for c in nb.cells if c.cell_type == "code"), reverse=True)
    total = sum(c for c, _ in costs)
    top = ", ".join(f"{name} {sec:.2f}s" for sec, name in costs[:SHOWN])
    print(f"{assignment:20s} cells {total:5.2f} s   wall with kernel start {wall:5.2f} s   costliest: {top}")


if __name__ == "__main__":
    for name in sys.argv[1:] or source_assignments(root=ROOT):
        measure(name)

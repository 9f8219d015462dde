"""What the sandbox costs per notebook: the same solved notebooks autograded by stock nbgrader and in the sandbox.

    .venv/bin/python benchmarks/sandbox_cost.py [--copies 3] [assignment ...]

For each assignment, a throwaway course holds `copies` students who all submit the instructor's solution; one
nbgrader `autograde` call grades them one at a time with AIMATH_SANDBOX=off, one with the sandbox (same process,
same machine load; parallel workers would blur the per-notebook figure). It
prints seconds per notebook for each, their difference (the sandbox's cost) and, from the sandbox's grading.json,
the cells' own share (student cells in the kernel plus test cells in the grader).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nbformat  # noqa: E402

from aimath import grading_record  # noqa: E402
from aimath.pipeline import nbgrader_session, release  # noqa: E402
from aimath.pipeline.demo_class import Answer, graded_solution_cells, submission  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _course(root: Path, assignment: str, copies: int) -> None:
    root.mkdir(parents=True)
    shutil.copy(REPO / nbgrader_session.CONFIG_FILE, root)
    shutil.copytree(REPO / "source" / assignment, root / "source" / assignment)
    release.release(root=root, assignments=[assignment])
    release_nb = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    source_nb = nbformat.read(root / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    solved = submission(release_nb, [Answer(g, "solution", c) for g, c in graded_solution_cells(source_nb).items()])
    for i in range(copies):
        path = root / "submitted" / f"student{i:03d}" / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(solved, path)


def _seconds_per_notebook(root: Path, assignment: str, copies: int, sandbox: bool) -> float:
    os.environ["AIMATH_SANDBOX"] = "on" if sandbox else "off"
    started = time.perf_counter()
    # nbgrader's own, one at a time
    nbgrader_session.open_api(root=root).autograde(assignment, "*", force=True, create=True)
    return (time.perf_counter() - started) / copies


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--copies", type=int, default=3)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="Object of type <Submitted")  # nbgrader's harmless autoflush notice
    assignments = args.assignments or nbgrader_session.source_assignments(root=REPO)
    work = Path(tempfile.mkdtemp(prefix="aimath-sandbox-cost-"))
    print(f"{'assignment':18} {'stock s/nb':>10} {'sandbox s/nb':>12} {'sandbox cost':>12} {'cells s/nb':>10}")
    for assignment in assignments:
        stock_root, sandbox_root = work / f"{assignment}-stock", work / f"{assignment}-sandbox"
        _course(stock_root, assignment, args.copies)
        _course(sandbox_root, assignment, args.copies)
        stock = _seconds_per_notebook(stock_root, assignment, args.copies, sandbox=False)
        ours = _seconds_per_notebook(sandbox_root, assignment, args.copies, sandbox=True)
        records = [grading_record.read(folder) for folder in sandbox_root.glob(f"autograded/*/{assignment}")]
        cells = statistics.mean(run.cell_seconds for record in records for run in record.notebooks.values())
        print(f"{assignment:18} {stock:10.2f} {ours:12.2f} {ours - stock:+12.2f} {cells:10.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

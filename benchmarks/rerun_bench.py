"""A full `make` against a rerun with nothing new, in the same invocation, on a fresh copy of the course.

    .venv/bin/python benchmarks/rerun_bench.py [--runs 2]

The copy (in a temporary folder) holds what a fresh clone holds for `make`: the Makefile, nbgrader_config.py, source/,
release/, the requirements and the demo class's catalogue (tests/catalogue); its `make` uses this repository's .venv
(VENV=...) and so this repository's aimath package. `make` there seeds the demo class (12 students x 7 assignments),
grades it and writes feedback, grades.csv, the summary and the report; then `make` again with nothing changed, `--runs`
times. Prints the wall-clock seconds of each, what the rerun printed, which files it rewrote (none is expected), and
`make env sandbox` alone (the environment check, a few file-time comparisons). Not a test: the full run takes minutes.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# What a fresh clone's `make` reads, copied with their file times (so .venv's stamp stays newer than the requirements).
COURSE_FILES = ("Makefile", "nbgrader_config.py", "requirements.txt", "requirements-student.txt", "pyproject.toml")
COURSE_FOLDERS = ("source", "release", "tests/catalogue")


def fresh_copy(root: Path) -> None:
    """The course as a fresh clone has it, without the aimath package (the .venv's is used, as in the repository)."""
    root.mkdir()
    for name in COURSE_FILES:
        shutil.copy2(REPO / name, root / name)
    for folder in COURSE_FOLDERS:
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "tests" / "__init__.py", root / "tests" / "__init__.py")


def make(root: Path, *targets: str) -> tuple[float, subprocess.CompletedProcess]:
    """`make TARGETS` in `root` with this repository's .venv; (wall-clock seconds, the finished process)."""
    started = time.perf_counter()
    done = subprocess.run(["make", "-C", str(root), f"VENV={REPO / '.venv'}", *targets], capture_output=True,
                          text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"make {' '.join(targets)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds, done


def mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="no-op reruns to time after the full run (default 2)")
    args = parser.parse_args()
    if not (REPO / ".venv" / "bin" / ".installed").exists():
        sys.exit("no .venv here: run `make env` first")
    with tempfile.TemporaryDirectory(prefix="aimath-rerun-bench-") as tmp:
        root = Path(tmp) / "course"
        fresh_copy(root)
        print(f"course copy: {root}; load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
              flush=True)
        full, _ = make(root)
        notebooks = len(list(root.glob("autograded/*/*/*.ipynb")))
        pages = len(list(root.glob("feedback/*/*/*.html")))
        print(f"full make: {full:.1f} s ({notebooks} notebooks graded, {pages} feedback pages)", flush=True)
        noop = []
        for run in range(args.runs):
            before = mtimes(root)
            seconds, done = make(root)
            noop.append(seconds)
            now = mtimes(root)
            rewritten = sorted(p for p, t in now.items() if before.get(p) != t)
            print(f"no-op make #{run + 1}: {seconds:.1f} s; files rewritten: {len(rewritten)}"
                  + (f" ({', '.join(rewritten[:10])})" if rewritten else ""), flush=True)
        check, _ = make(root, "env", "sandbox")
        print(f"environment check alone (make env sandbox): {check:.2f} s")
        print("\nwhat the no-op make printed (the class table's rows left out):")
        print("\n".join(f"  {line}" for line in done.stdout.splitlines() if not line.startswith("demo")))
        print(f"\nfull make {full:.1f} s, no-op make {' / '.join(f'{s:.1f}' for s in noop)} s "
              f"(load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()

"""Autograding throughput: stock `nbgrader autograde` against ours, then ours on 1, 2 and 4 Dask workers.

    make bench                      # 100 students x every assignment
    .venv/bin/python benchmarks/autograde_bench.py --students 10 [--assignments basic_math ...] [--skip-dask]

A synthetic class comes from the demo-class generator. Stock nbgrader (AIMATH_SANDBOX=off, one notebook at a time,
one `autograde` call per assignment) and ours (sandbox on, parallel local workers) grade copies of the same course
in the same run; every graded cell's score must be identical. Then the same class is graded on a loopback Dask
cluster of 1, 2 and 4 single-threaded workers (steady state: the workers' start-up, preloading the grading stack, is
timed apart). Between the two, the per-notebook breakdown of benchmarks/grading_profile.py (a few students, profiled).
Prints notebooks per second, ratios and scaling efficiency.
Not a test: it takes minutes (about 1.5 s per notebook for stock nbgrader on a 2-core machine).
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from nbgrader.api import Gradebook  # noqa: E402

from aimath.pipeline import autograde, nbgrader_session, release  # noqa: E402
from aimath.pipeline.demo_class import write_demo_class  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def build(root: Path, assignments: list[str], students: int) -> int:
    root.mkdir(parents=True)
    shutil.copy(REPO / nbgrader_session.CONFIG_FILE, root)
    for a in assignments:
        shutil.copytree(REPO / "source" / a, root / "source" / a)
    release.release(root=root)
    write_demo_class(root=root, n_students=students)
    return len(list((root / "submitted").glob("*/*/*.ipynb")))


def cell_scores(root: Path) -> dict:
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        return {(s.student.id, a.name, g.name): g.auto_score for a in gb.assignments for s in a.submissions
                for n in s.notebooks for g in n.grades}


def mean_cell_seconds(root: Path) -> float:
    """The cells' own time per notebook (student cells in the kernel plus test cells), from each grading.json."""
    from aimath import grading_record

    seconds = [run.cell_seconds for folder in root.glob("autograded/*/*") if folder.is_dir()
               for run in grading_record.read(folder).notebooks.values()]
    return sum(seconds) / max(1, len(seconds))


def stock(root: Path, assignments: list[str]) -> float:
    os.environ["AIMATH_SANDBOX"] = "off"
    try:
        started = time.perf_counter()
        for a in assignments:
            nbgrader_session.open_api(root=root).autograde(a, "*", force=True, create=True)
        return time.perf_counter() - started
    finally:
        os.environ.pop("AIMATH_SANDBOX")


def ours(root: Path, **options) -> float:
    started = time.perf_counter()
    autograde.autograde(root=root, force=True, **options)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_cluster(n_workers: int, workdir: Path):
    port = _free_port()
    dask = str(Path(sys.executable).parent / "dask")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    quiet = dict(env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                  **quiet)]
    address = f"tcp://127.0.0.1:{port}"
    processes += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                    "--preload", "aimath.pipeline.warm"], **quiet)
                  for _ in range(n_workers)]
    from distributed import Client
    for _ in range(120):
        try:
            with Client(address, timeout=5) as client:
                client.wait_for_workers(n_workers, timeout=60)
            return address, processes
        except Exception:
            time.sleep(0.5)
    raise RuntimeError("the Dask cluster did not start")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--assignments", nargs="*", default=None)
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--skip-profile", action="store_true")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="Object of type <Submitted")
    assignments = args.assignments or nbgrader_session.source_assignments(root=REPO)
    work = Path(tempfile.mkdtemp(prefix="aimath-bench-"))
    n = build(work / "stock", assignments, args.students)
    build(work / "ours", assignments, args.students)
    t_stock = stock(work / "stock", assignments)
    t_ours = ours(work / "ours")
    same = cell_scores(work / "stock") == cell_scores(work / "ours")
    cores = os.cpu_count() or 1
    print(f"\n{n} notebooks ({args.students} students x {len(assignments)} assignments), {cores} cores")
    print(f"{'grader':34} {'seconds':>8} {'notebooks/s':>12} {'vs stock':>9}")
    print(f"{'stock nbgrader autograde':34} {t_stock:8.1f} {n / t_stock:12.2f} {1.0:9.2f}")
    print(f"{f'ours, sandbox on, {cores} local workers':34} {t_ours:8.1f} {n / t_ours:12.2f} {t_stock / t_ours:9.2f}")
    print(f"scores identical to stock: {same}")
    cells, busy = mean_cell_seconds(work / "ours"), t_ours * cores / n
    print(f"ours, per notebook: {busy:.3f} core-s in all, of which the cells' own {cells:.3f} s (grading.json); "
          f"the rest (kernel, nbgrader's steps, gradebook) {busy - cells:.3f} core-s")
    if not args.skip_profile:
        from grading_profile import profile

        print("\nper notebook, profiled:", *profile(students=min(3, args.students), assignments=assignments),
              sep="\n")
    if not args.skip_dask:
        print(f"\n{'Dask workers':>12} {'start-up s':>10} {'seconds':>8} {'notebooks/s':>12} {'efficiency':>10}")
        base = None
        for k in (1, 2, 4):
            started = time.perf_counter()
            address, processes = dask_cluster(k, work)
            start_up = time.perf_counter() - started
            try:
                seconds = ours(work / "ours", scheduler=address)
            finally:
                for p in processes[::-1]:
                    p.terminate()
                for p in processes:
                    p.wait(timeout=30)
            rate = n / seconds
            base = base or rate
            print(f"{k:12d} {start_up:10.1f} {seconds:8.1f} {rate:12.2f} {rate / (base * k):10.0%}")
        print(f"scores still identical: {cell_scores(work / 'ours') == cell_scores(work / 'stock')}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""Print what each assignment's hidden checks cost: the reference run through every check, best of 5 runs.

Usage: .venv/bin/python benchmarks/check_cost.py   (figures, not assertions; the budget is ~0.2 s per notebook)
The baseline in the same run is a numpy matrix product, so figures can be compared across machines.
"""
import importlib
import time

from pathlib import Path

import numpy as np

from aimath.pipeline.nbgrader_session import source_assignments

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5


def best_of(runs, work):
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main():
    a = np.random.default_rng(0).normal(size=(200, 200))
    baseline = best_of(RUNS, lambda: a @ a)
    print(f"baseline (200x200 matmul): {baseline * 1e3:.2f} ms")
    for assignment in source_assignments(root=ROOT):
        checks = importlib.import_module(f"aimath.checks.{assignment}")
        ref = importlib.import_module(f"aimath.reference.{assignment}")

        def run_all():
            for name, check in checks.CHECKS.items():
                check(getattr(ref, name))

        run_all()  # imports and caches
        cost = best_of(RUNS, run_all)
        print(f"{assignment:20s} {cost * 1e3:8.1f} ms  ({cost / baseline:6.0f} x baseline)")


if __name__ == "__main__":
    main()

"""Print what the sandbox boundary costs the grader: hostile answers (time and peak memory of decoding and rebuilding
them), the largest answers within the limits, and the hot path (every check run through the boundary).

Usage: .venv/bin/python benchmarks/boundary_cost.py [hostile|limits|checks ...]   (figures, not assertions)
Peak memory is tracemalloc's peak of Python allocations during the step (numpy's buffers included), in MB.
"""
import importlib
import sys
import time
import tracemalloc
from pathlib import Path

import sympy

from aimath.pipeline.nbgrader_session import source_assignments
from aimath.sandbox import remote
from aimath.sandbox.inside import agent, codec

ROOT = Path(__file__).resolve().parents[1]


def _outcome(work) -> str:
    try:
        work()
        return "accepted"
    except Exception as exc:  # the point: which refusal, and at what cost
        return f"{type(exc).__name__}: {str(exc)[:70]}"


def measure(work):
    """(seconds, peak MB, what happened) of work(): timed alone, then run again under tracemalloc."""
    start = time.perf_counter()
    outcome = _outcome(work)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    _outcome(work)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, outcome


def answered(data: bytes):
    """A channel whose sandbox answers every request with `data`."""
    return remote.Channel(lambda request: data)


def row(name, data_or_work, size=None):
    work = (lambda: answered(data_or_work).lookup("x")) if isinstance(data_or_work, bytes) else data_or_work
    seconds, peak, outcome = measure(work)
    size = len(data_or_work) if isinstance(data_or_work, bytes) else size
    ratio = f"{peak * 2**20 / size:6.1f}x" if size else "       "
    print(f"  {name:44s} {seconds:8.3f} s {peak:9.1f} MB {ratio}  {outcome}")


def sympy_answer(expression) -> bytes:
    return codec.encode(codec.SympyTree(agent._sympy_tree(expression)))


def hostile():
    print("hostile answers (seconds, peak MB, peak / message size):")
    x = sympy.Symbol("x")
    row("sympy Pow(7, 10**9)", sympy_answer(sympy.Pow(7, 10**9, evaluate=False)))
    row("sympy Pow(x + 1, 10**6)", sympy_answer(sympy.Pow(x + 1, 10**6, evaluate=False)))
    row("sympy (7**100)**100 nested", sympy_answer(sympy.Pow(sympy.Pow(7, 100, evaluate=False), 100, evaluate=False)))
    row("sympy floor(exp(10**4))", sympy_answer(sympy.floor(sympy.exp(10**4, evaluate=False), evaluate=False)))
    row("64 MiB of [[],[],...]", b"[" + b"[]," * ((64 * 2**20 - 2) // 3 - 1) + b"[]]")
    row("4 MiB of [[],[],...]", b"[" + b"[]," * ((4 * 2**20 - 2) // 3 - 1) + b"[]]")
    row("4 MiB of 0,0,0 (2M ints)", b"[" + b"0," * (2 * 2**20 - 2) + b"0]")
    row("nesting 10**6 deep", b"[" * 10**6 + b"]" * 10**6)
    row("4 MiB of an unterminated string of \\\"", b'"' + b'\\"' * (2 * 2**20 - 1))
    row("integer of 4000 digits", b"1" * 4000)


def limits():
    print("largest answers within the limits:")
    n = codec.MAX_ITEMS - 2
    row(f"{n // 2} empty lists", b"[" + b"[]," * (n // 2 - 1) + b"[]]")
    row(f"{n} floats", b"[" + b"0.5," * (n - 1) + b"0.5]")
    row(f"{n // 2} short strings", b"[" + b'"ab",' * (n // 2 - 1) + b'"ab"]')
    row("a 4 MiB string", b'"' + b"a" * (codec.MAX_MESSAGE_BYTES - 2) + b'"')
    import numpy as np
    row("a float64 array of 390,000 values", codec.encode(np.ones(390_000)))
    row("nested 100 deep", b"[" * 100 + b"]" * 100)
    x, y, z = sympy.symbols("x y z")
    widest = sympy.Add(*[sympy.Pow(x + k, 4, evaluate=False) for k in range(1, 90)], evaluate=False)
    for name, expression in [("(x + 1)**100", sympy.Pow(x + 1, 100, evaluate=False)),
                             ("(x + y + z)**12", sympy.Pow(x + y + z, 12, evaluate=False)),
                             ("sum of 89 (x + k)**4", widest)]:
        data = sympy_answer(expression)
        built = answered(data).lookup("x")
        row(f"sympy {name}: rebuild", data)
        for operation, work in [("str", str), ("expand", sympy.expand), ("Poly", lambda e: sympy.Poly(e, x)),
                                ("subs", lambda e: e.subs(x, 3)), ("simplify", sympy.simplify)]:
            row(f"sympy {name}: {operation}", lambda: work(built))


def checks():
    print("hot path: every check of each assignment on the reference, through the boundary (best of 5):")
    for assignment in source_assignments(root=ROOT):
        module = importlib.import_module(f"aimath.checks.{assignment}")
        reference = importlib.import_module(f"aimath.reference.{assignment}")

        def run_all():
            for name, check in module.CHECKS.items():
                check(remote.local_remote(getattr(reference, name), name))

        run_all()
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            run_all()
            timings.append(time.perf_counter() - start)
        print(f"  {assignment:20s} {min(timings) * 1e3:8.1f} ms")


def decoding():
    """The hot path's own share: decoding every answer the checks above receive, best of 20."""
    answers = []
    real = remote.local_transport

    def recording(namespace):
        carry = real(namespace)
        return lambda request: answers.append(carry(request)) or answers[-1]

    remote.local_transport = recording
    for assignment in source_assignments(root=ROOT):
        module = importlib.import_module(f"aimath.checks.{assignment}")
        reference = importlib.import_module(f"aimath.reference.{assignment}")
        for name, check in module.CHECKS.items():
            check(remote.local_remote(getattr(reference, name), name))
    remote.local_transport = real
    size = sum(len(a) for a in answers)
    print(f"the {len(answers)} answers all checks receive ({size / 1024:.0f} KiB), best of 20:")
    for what, work in [("codec.decode", codec.decode),
                       ("a request (pickle, decode, remote objects)", lambda data: answered(data).lookup("x"))]:
        timings = []
        for _ in range(20):
            start = time.perf_counter()
            for data in answers:
                try:
                    work(data)
                except Exception:  # answers that are raised errors (a probe of a mistake)
                    pass
            timings.append(time.perf_counter() - start)
        print(f"  {what:44s} {min(timings) * 1e3:6.2f} ms, {min(timings) / len(answers) * 1e6:5.1f} us per answer")


if __name__ == "__main__":
    for part in sys.argv[1:] or ["hostile", "limits", "checks", "decoding"]:
        globals()[part]()

"""Run the attack suite against stock `nbgrader autograde` and against our sandbox; print which attacks work where.

    .venv/bin/python tests/attacks/vs_stock.py [--workdir DIR]

Not a test: stock nbgrader runs the attacks with your permissions. The script protects the machine anyway: it
grades in a throwaway folder, under prlimit (memory, file size), and runs the attacks marked dangerous (memory and
fork bombs, disk filler, huge output) in a defused form. In the stock run each attack gets a course of its own, so
that one attack's damage (a rewritten gradebook) cannot make another look successful; the sandbox grades them all
in one batch, as a TA would.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.attacks import harness  # noqa: E402
from tests.attacks.catalogue import ATTACKS, HONEST  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("names", nargs="*", help="only these attacks (default: all)")
    args = parser.parse_args(argv)
    attacks = [a for a in ATTACKS if not args.names or a.name in args.names]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="aimath-attacks-"))
    started = time.monotonic()
    stock = {r.attack.name: r for r in harness.run(workdir / "stock", sandbox=False, attacks=attacks, isolated=True)}
    stock_honest = {r.attack.name: r for r in harness.run(workdir / "stock-honest", sandbox=False, attacks=[])}
    stock_seconds = time.monotonic() - started
    started = time.monotonic()
    ours = {r.attack.name: r for r in harness.run(workdir / "sandbox", sandbox=True, attacks=attacks)}
    ours_seconds = time.monotonic() - started
    stock.update(stock_honest)

    width = max(len(a.name) for a in HONEST + ATTACKS)
    print(f"{'attack'.ljust(width)}  {'kind'.ljust(28)}  {'stock nbgrader'.ljust(44)}  sandbox")
    for attack in attacks + HONEST:
        s, o = stock[attack.name], ours[attack.name]
        mark = lambda r: ("WORKS: " if r.succeeded else "fails: ") + r.describe()  # noqa: E731
        defused = " (defused)" if attack.dangerous else ""
        print(f"{attack.name.ljust(width)}  {attack.kind.ljust(28)}  {(mark(s) + defused)[:44].ljust(44)}  {mark(o)}")
    worked = lambda results: sum(results[a.name].succeeded for a in attacks)  # noqa: E731
    print(f"\nattacks that work: stock {worked(stock)} of {len(attacks)}, sandbox {worked(ours)} of {len(attacks)}")
    print(f"honest stderr-noisy solution: stock {stock['honest-but-noisy-stderr'].score:g}, "
          f"sandbox {ours['honest-but-noisy-stderr'].score:g} of {ours['honest-solution'].score:g}")
    print(f"grading time: stock {stock_seconds:.0f} s (one course per attack), sandbox {ours_seconds:.0f} s (one batch)")
    print(f"work folder: {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Print, per assignment, the share of catalogued mistakes whose hidden-test feedback names the expected mistake.

    .venv/bin/python benchmarks/diagnosis_share.py [--list] [--sandboxed] [assignment ...]

Every mistake in aimath/catalogue is run through its assignment's check. An entry counts as *named* when the check
fails and the mistakes it names are exactly the entry's expected diagnosis; otherwise it is *unnamed* (the feedback
shows values only, or the entry declares no diagnosis), *misnamed* (another or an extra mistake is named: misleading
feedback) or *passed* (a false pass: the wrong answer gets full marks). `--list` prints every entry that is not
named; `--sandboxed` hands the checks a handle through the same in-process sandbox boundary the tests use.
Figures, not assertions: tests/test_catalogue.py asserts every entry's diagnosis.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import sys
import warnings
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aimath.judge import CheckFailed  # noqa: E402
from aimath.catalogue import all_catalogues  # noqa: E402

OUTCOMES = ("named", "unnamed", "misnamed", "passed")


def outcome(entry, wrap=lambda obj: obj) -> tuple[str, tuple[str, ...]]:
    """(one of OUTCOMES, the mistakes the feedback named) for one catalogued mistake."""
    check = importlib.import_module(f"aimath.checks.{entry.assignment}").CHECKS[entry.graded]
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):  # some mistakes print
            warnings.simplefilter("ignore")
            check(wrap(entry.obj))
    except CheckFailed as failure:
        named = failure.tags
    else:
        return "passed", ()
    if not named or entry.diagnosis is None:
        return ("misnamed" if named else "unnamed"), named
    return ("named" if set(named) == {entry.diagnosis} else "misnamed"), named


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--list", action="store_true", help="list every entry whose feedback is not as expected")
    parser.add_argument("--sandboxed", action="store_true", help="run the checks through the sandbox boundary")
    args = parser.parse_args(argv)
    wrap = lambda obj: obj  # noqa: E731
    if args.sandboxed:
        from aimath.sandbox.remote import local_remote as wrap
    catalogues = all_catalogues()
    total = Counter()
    print(f"{'assignment':20s} {'mistakes':>8s} {'named':>6s} {'share':>7s}   unnamed misnamed passed")
    for assignment in sorted(args.assignments or catalogues):
        counts, misses = Counter(), []
        for entry in catalogues[assignment].mistakes():
            kind, named = outcome(entry, wrap)
            counts[kind] += 1
            if kind != "named":
                misses.append(f"    {kind:8s} {entry.id}: expected [{entry.diagnosis}], named {list(named)}")
        total += counts
        n = sum(counts.values())
        print(f"{assignment:20s} {n:8d} {counts['named']:6d} {counts['named'] / n:7.1%}   "
              f"{counts['unnamed']:7d} {counts['misnamed']:8d} {counts['passed']:6d}")
        if args.list:
            print("\n".join(misses)) if misses else None
    n = sum(total.values())
    print(f"{'all':20s} {n:8d} {total['named']:6d} {total['named'] / n:7.1%}   "
          f"{total['unnamed']:7d} {total['misnamed']:8d} {total['passed']:6d}")


if __name__ == "__main__":
    main()

"""`python -m aimath STEP [ASSIGNMENT ...] [options]`: the course's command line (the Makefile's targets run it).

Each step calls one keyword-only function (release, collect, autograde, feedback, export: aimath/pipeline/<step>.py;
seed: aimath/pipeline/demo_class.py; summary: aimath/report/summary.py; report: aimath/report/build.py) and prints
what it did in a line or two. Options may come before, between or after the assignment names. `all` runs the steps
`make` runs, in one process (nbgrader and the grading stack are imported once, not once per step).
"""
import argparse
import errno
import os
import sys
import warnings
from pathlib import Path

# The grading stack (nbgrader, nbformat, the sandbox: seconds of imports) is imported by the step that needs it, so
# `--help` and a mistyped step answer at once.

# What each step does, in one line: `--help` lists them, and `make help` begins the line of the Makefile's target of
# the same name with it (tests/test_help.py).
STEPS = {
    "release": "regenerate release/ from source/ (nbgrader generate_assignment)",
    "seed": "write the demo class into submitted/ when it holds no notebook",
    "collect": "copy an LMS download (a zip) into submitted/ (nbgrader zip_collect)",
    "autograde": "grade what is new or changed in submitted/ (nbgrader autograde, in parallel)",
    "feedback": "write an HTML feedback page per graded submission into feedback/",
    "export": "write grades.csv (nbgrader's CSV export of the gradebook)",
    "summary": "print the class table and the submissions to look at",
    "report": "write report/index.html (scores, pass rates, flagged submissions) and its CSVs",
    "all": "release, seed, autograde, feedback, export, summary and report in turn, in one process",
}
# What `all` runs, in order (each skips what is already up to date).
ALL_STEPS = ("release", "seed", "autograde", "feedback", "export", "summary", "report")


def parser() -> argparse.ArgumentParser:
    """The command line: a step, assignment names, and options in any order."""
    parsed = argparse.ArgumentParser(
        prog="python -m aimath", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__ + "\nsteps:\n" + "\n".join(f"  {step:<10} {what}" for step, what in STEPS.items()))
    parsed.add_argument("step", choices=STEPS, metavar="STEP", help="one of the steps above")
    parsed.add_argument("assignments", nargs="*", help="default: every assignment the step applies to")
    parsed.add_argument("--root", type=Path, default=Path.cwd(), help="course root (default: current folder)")
    parsed.add_argument("--workers", type=int, default=None, help="autograde: local worker processes (default: cores)")
    parsed.add_argument("--scheduler", default=None, help="autograde: a Dask scheduler address, e.g. tcp://host:8786")
    parsed.add_argument("--zip", type=Path, default=None, help="collect: an LMS download (zip) to put in submitted/")
    parsed.add_argument("--force", action="store_true", help="autograde: regrade every submission, not only new ones")
    return parsed


def run(args, fail) -> int:
    """Run the step `args` (the argparse.Namespace `parser()` makes) names (`all`: each of ALL_STEPS in turn,
    stopping at the first that fails). `fail(message)` reports a usage error and does not return (argparse's `error`:
    SystemExit 2), e.g. for `all` with assignment names. Returns the exit status: 0, or 1 when a step stopped."""
    if args.step != "all":
        return run_step(args.step, args, fail)
    if args.assignments:
        fail("all runs every step on every assignment: name assignments with a single step (e.g. autograde)")
    for step in ALL_STEPS:
        if step in ("summary", "report"):
            print()  # as `make` did between its steps
        status = run_step(step, args, fail)
        if status:
            return status
    args.finished = True
    return 0


def _mtime(path: Path) -> int | None:
    return path.stat().st_mtime_ns if path.exists() else None


def run_step(step: str, args, fail) -> int:
    """Run `step` (a key of STEPS other than `all`) with the options of `args` on the course at `args.root`; returns
    the exit status (1 when the step stopped with one line on stderr: nbgrader_session.GradingStopped, a full disk).
    `fail` as for `run`."""
    from sqlalchemy.exc import SAWarning

    # nbgrader 0.9.6 autoflushes a half-built submission under SQLAlchemy 2.x: harmless noise in a TA's log
    # (pyproject.toml filters the same warning for the tests).
    warnings.filterwarnings("ignore", message="Object of type <Submitted", category=SAWarning)
    return _RUNNERS[step](args.root.resolve(), args.assignments or None, args, fail)


def _release(root: Path, names, args, fail) -> int:
    from aimath.pipeline import release
    from aimath.pipeline.nbgrader_session import GradingStopped

    try:
        released = release.release(root=root, assignments=names)
    except GradingStopped as e:
        print("\n".join(f"release stopped: {line}" for line in str(e).splitlines()), file=sys.stderr)
        return 1
    print(f"released: {', '.join(released)}" if released else "release/ is up to date with source/")
    return 0


def _seed(root: Path, names, args, fail) -> int:
    from aimath.pipeline import demo_class

    written = demo_class.seed_if_empty(root=root)
    print(f"seeded submitted/ with the demo class ({written} notebooks)" if written
          else "submitted/ already has submissions: left as it is")
    return 0


def _collect(root: Path, names, args, fail) -> int:
    from aimath.pipeline import collect
    from aimath.pipeline.nbgrader_session import GradingStopped
    from aimath.untrusted_text import visible

    if args.zip is None or str(args.zip) in ("", "."):  # `make collect` without ZIP=...
        fail("collect needs --zip PATH (make collect ZIP=path/to/download.zip)")
    try:
        collected = collect.collect(root=root, archive=args.zip, assignment=names[0] if names else None)
    except GradingStopped as e:
        print(f"collect stopped: {e}", file=sys.stderr)
        return 1
    print("\n".join(visible(line) for line in collected.lines + [collected.summary]))
    return 0


def _autograde(root: Path, names, args, fail) -> int:
    from aimath.pipeline import autograde, intake
    from aimath.pipeline.nbgrader_session import DISK_FULL, GradingStopped
    from aimath.untrusted_text import visible

    graded: list[tuple[str, str]] = []
    try:
        autograde.autograde(root=root, assignments=names, workers=args.workers, scheduler=args.scheduler,
                            force=args.force, on_job=graded.append)
    except GradingStopped as e:
        print(f"\nautograde stopped: {e}", file=sys.stderr)  # after the progress line
        return 1
    except OSError as e:
        if e.errno != errno.ENOSPC:
            raise
        print(f"\nautograde stopped: {DISK_FULL}", file=sys.stderr)
        return 1
    args.graded = True
    print(f"autograded: {visible(', '.join(sorted({a for _, a in graded})))}" if graded else "nothing new to grade")
    left_out = sorted(intake.blocked(intake.load(root)))
    if left_out:
        print(f"not graded ({len(left_out)}, see `make summary`):",
              visible(", ".join(f"{s}/{a}" for s, a in left_out)))
    return 0


def _feedback(root: Path, names, args, fail) -> int:
    from aimath.pipeline import feedback
    from aimath.untrusted_text import visible

    done = feedback.feedback(root=root, assignments=names)
    written = sorted({a for _, a in done.written})
    print(f"feedback written for {len(done.written)} submission(s) of: {visible(', '.join(written))}"
          if done.written else "feedback/ is up to date (nothing graded since its pages were written)")
    if done.failed:
        print(f"no feedback page for {len(done.failed)} submission(s):", *(f"  {line}" for line in done.failed),
              sep="\n")
    return 0


def _export(root: Path, names, args, fail) -> int:
    from aimath.pipeline import export

    before = _mtime(root / export.GRADES_CSV)
    path = export.export(root=root)
    print("grades exported to" if _mtime(path) != before else "grades.csv is up to date:", path)
    return 0


def _summary(root: Path, names, args, fail) -> int:
    from aimath.report import summary

    print(summary.summary(root=root))
    return 0


def _report(root: Path, names, args, fail) -> int:
    from aimath.pipeline.export import GRADES_CSV
    from aimath.report.build import INDEX_HTML, REPORT_DIR, build_report
    from aimath.report.wide_csv import WIDE_CSV

    files = [root / REPORT_DIR / name for name in (INDEX_HTML, WIDE_CSV, GRADES_CSV)]
    before = [_mtime(path) for path in files]
    path = build_report(root=root)
    print("report written to" if [_mtime(path) for path in files] != before else "report is up to date:", path)
    return 0


# Each step's runner: (course root, assignment names or None, the parsed arguments, the usage-error callback) -> the
# exit status. The grading stack is imported inside them (see above).
_RUNNERS = {"release": _release, "seed": _seed, "collect": _collect, "autograde": _autograde, "feedback": _feedback,
            "export": _export, "summary": _summary, "report": _report}


def main(argv=None) -> int:
    """Parse `argv` (default: sys.argv[1:]) and run the step it names; returns the exit status (argparse exits with 2
    on a usage error, and 0 after --help)."""
    parsed = parser()
    args = parsed.parse_intermixed_args(argv)
    try:
        status = run(args, parsed.error)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader stopped reading (`make summary | head -1`): what it read is all it wanted. Python would complain
        # again when it flushes stdout at exit, so stdout goes to /dev/null first (the Python documentation's way).
        # Only an autograde cut short (its progress line written to a closed pipe), or an `all` cut short before
        # its last step, has not done its work.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        done = getattr(args, "graded" if args.step == "autograde" else "finished", False)
        return 1 if args.step in ("autograde", "all") and not done else 0
    return status


if __name__ == "__main__":
    raise SystemExit(main())

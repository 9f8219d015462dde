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
import textwrap
import warnings
from pathlib import Path
from typing import Callable, NamedTuple, NoReturn

# The grading stack (nbgrader, nbformat, the sandbox: seconds of imports) is imported by the step that needs it, so
# `--help` and a mistyped step answer at once.

# Which assignment names a step takes (Step.names).
ANY_NAMES, ONE_NAME, NO_NAMES = "any", "one", "none"


class Step(NamedTuple):
    """One step of the command line: `help` says what it does in one line (`--help` lists it, and `make help` begins
    the line of the Makefile's target of the same name with it: tests/test_help.py); `runner(course root, assignment
    names or None, the parsed arguments, the usage-error callback)` runs it and returns the exit status; `names` is
    ANY_NAMES, ONE_NAME or NO_NAMES (what else is a usage error); `in_all`: whether `all` runs it."""

    help: str
    runner: Callable[[Path, "list[str] | None", argparse.Namespace, Callable[[str], NoReturn]], int]
    names: str
    in_all: bool


def names_rule() -> str:
    """Which steps take assignment names, in one line (`--help` and a usage error say it)."""
    taking = {rule: [step for step, what in STEPS.items() if what.names == rule] for rule in (ANY_NAMES, ONE_NAME)}
    listed = {rule: ", ".join(steps[:-1]) + " and " + steps[-1] if len(steps) > 1 else steps[0]
              for rule, steps in taking.items()}
    return (f"{listed[ANY_NAMES]} take any number of assignment names (default: every assignment), "
            f"{listed[ONE_NAME]} at most one, the other steps none")


def parser() -> argparse.ArgumentParser:
    """The command line: a step, assignment names, and options in any order."""
    parsed = argparse.ArgumentParser(
        prog="python -m aimath", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__ + "\nsteps:\n" + "\n".join(f"  {step:<10} {what.help}" for step, what in STEPS.items())
        + "\n\n" + textwrap.fill(names_rule()[0].upper() + names_rule()[1:] + ".", width=116))
    parsed.add_argument("step", choices=STEPS, metavar="STEP", help="one of the steps above")
    parsed.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="for the steps that take names (see above); default: every assignment")
    parsed.add_argument("--root", type=Path, default=Path.cwd(), help="course root (default: current folder)")
    parsed.add_argument("--workers", type=int, default=None, help="autograde: local worker processes (default: cores)")
    parsed.add_argument("--scheduler", default=None, help="autograde: a Dask scheduler address, e.g. tcp://host:8786")
    parsed.add_argument("--zip", type=Path, default=None, help="collect: an LMS download (zip) to put in submitted/")
    parsed.add_argument("--force", action="store_true", help="autograde: regrade every submission, not only new ones")
    return parsed


def run(args, fail) -> int:
    """Run the step `args` (the argparse.Namespace `parser()` makes) names (`all`: each step whose `in_all` is set, in
    the order of STEPS, stopping at the first that fails). `fail(message)` reports a usage error and does not return
    (argparse's `error`: SystemExit 2): assignment names for a step that takes none (`names_rule`), or more than one
    for collect. Returns the exit status: 0, or 1 when a step stopped."""
    rule = STEPS[args.step].names
    if (rule == NO_NAMES and args.assignments) or (rule == ONE_NAME and len(args.assignments) > 1):
        fail(f"{args.step} takes {'no assignment names' if rule == NO_NAMES else 'at most one assignment name'}: "
             f"{names_rule()}")
    return run_step(args.step, args, fail)


def _mtime(path: Path) -> int | None:
    return path.stat().st_mtime_ns if path.exists() else None


def run_step(step: str, args, fail) -> int:
    """Run `step` (a key of STEPS) with the options of `args` on the course at `args.root`; returns the exit status
    (1 when the step stopped with one line on stderr: nbgrader_session.GradingStopped, a full disk). `fail` as for
    `run`."""
    from sqlalchemy.exc import SAWarning

    # nbgrader 0.9.6 autoflushes a half-built submission under SQLAlchemy 2.x: harmless noise in a TA's log
    # (pyproject.toml filters the same warning for the tests).
    warnings.filterwarnings("ignore", message="Object of type <Submitted", category=SAWarning)
    return STEPS[step].runner(args.root.resolve(), args.assignments or None, args, fail)


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


def _all(root: Path, names, args, fail) -> int:
    for step in ALL_STEPS:
        if step in ("summary", "report"):
            print()  # as `make` did between its steps
        status = run_step(step, args, fail)
        if status:
            return status
    args.finished = True
    return 0


# The steps, in the order `all` runs them; the grading stack is imported inside the runners (see above). A new step is
# a line here and a Makefile target of the same name.
STEPS = {
    "release": Step("regenerate release/ from source/ (nbgrader generate_assignment)", _release, ANY_NAMES, True),
    "seed": Step("write the demo class into submitted/ when it holds no notebook", _seed, NO_NAMES, True),
    "collect": Step("copy an LMS download (a zip) into submitted/ (nbgrader zip_collect)", _collect, ONE_NAME, False),
    "autograde": Step("grade what is new or changed in submitted/ (nbgrader autograde, in parallel)", _autograde,
                      ANY_NAMES, True),
    "feedback": Step("write an HTML feedback page per graded submission into feedback/", _feedback, ANY_NAMES, True),
    "export": Step("write grades.csv (nbgrader's CSV export of the gradebook)", _export, NO_NAMES, True),
    "summary": Step("print the class table and the submissions to look at", _summary, NO_NAMES, True),
    "report": Step("write report/index.html (scores, pass rates, flagged submissions) and its CSVs", _report,
                   NO_NAMES, True),
    "all": Step("release, seed, autograde, feedback, export, summary and report in turn, in one process", _all,
                NO_NAMES, False),
}
# What `all` runs, in order (each skips what is already up to date).
ALL_STEPS = tuple(step for step, what in STEPS.items() if what.in_all)


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

"""`autograde`: grade what is new or changed in submitted/ into autograded/ and the gradebook (nbgrader autograde).

In order: the gradebook's copy of each assignment is brought up to date with source/ (release.update_gradebook);
each assignment's pending submissions are screened by intake (intake.py) just before they go to the workers; before
the first notebook goes out, `check_environment` makes sure this machine can grade at all; the workers grade and
this process records what they found (parallel.py); a submission a worker could not grade is graded here; folders of
submitted/ that name no assignment are listed (intake.misnamed_folders). What stops the whole run raises
GradingStopped with one line.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI

import aimath
from aimath.pipeline import intake, parallel
from aimath.pipeline.nbgrader_session import (GradingStopped, check_gradebook_writable, course_assignments,
                                              fatal_message, last_error_line, open_api, stop_if_fatal,
                                              submitted_assignments)
from aimath.pipeline.release import update_gradebook
from aimath.untrusted_text import visible


# What the environment check runs: with the sandbox, in it (as the kernel factory starts there); without, as nbgrader
# starts a kernel (this environment's Python, outside the course folder), importing what the hidden tests import.
SANDBOX_PROBE = ("import os, aimath.sandbox.inside.zygote, aimath.sandbox.inside.agent; "
                 "print(os.path.dirname(aimath.__file__))")


KERNEL_PROBE = "import os, aimath.checks; print(os.path.dirname(aimath.__file__))"


PROBE_TIMEOUT_S = 120.0


NEW_ENVIRONMENT = ("was the course folder moved or copied with its .venv? Make a new one (rm -rf .venv && make env), "
                   "then rerun `make autograde`")


def _sandboxed(api: NbGraderAPI) -> bool:
    """Whether nbgrader_config.py grades in the sandbox (aimath.sandbox.execute.SandboxedExecute)."""
    steps = api.config.Autograde.get("autograde_preprocessors", [])
    return any(getattr(step, "__name__", str(step)).endswith("SandboxedExecute") for step in steps)


def check_environment(api: NbGraderAPI) -> None:
    """Raise GradingStopped (one line) when no notebook could be graded here: the sandbox cannot start, or the Python
    that runs the students' code does not import this course's aimath package (a course folder moved or copied with
    its .venv imports another copy, or none, and every notebook would fail, or score 0, the same way)."""
    here = Path(aimath.__file__).resolve().parent
    with tempfile.TemporaryDirectory(prefix="aimath-probe-") as run_dir:
        if _sandboxed(api):
            from aimath.sandbox import bwrap
            from aimath.sandbox.limits import Limits

            try:
                argv = [*bwrap.command(bwrap.find_bwrap(), run_dir, Limits()), sys.executable, "-c", SANDBOX_PROBE]
            except bwrap.SandboxUnavailable as e:
                raise GradingStopped(str(e)) from None
        else:
            argv = [sys.executable, "-c", KERNEL_PROBE]
        try:
            done = subprocess.run(argv, cwd=run_dir, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise GradingStopped(f"the grading environment does not start ({e}); {NEW_ENVIRONMENT}") from None
    said = done.stdout.strip().splitlines()
    found = Path(said[-1]).resolve() if done.returncode == 0 and said else None
    if found != here:
        why = f"it imports {found}" if found else (done.stderr.strip().splitlines() or ["no error text"])[-1]
        raise GradingStopped(f"the grading environment cannot import this course's aimath package ({here}): "
                             f"{why[:160]}; {NEW_ENVIRONMENT}")


def _pending_submissions(root: Path, assignment: str, students: list[str]) -> list[str]:
    """Run intake on `students`' submissions of `assignment`, record what it found, return those fit to grade."""
    found = intake.check_assignment(root, assignment, students)
    intake.save(root, found, {(s, assignment) for s in students})
    left_out = intake.blocked(found)  # by the names as intake shows them
    return [s for s in students if (visible(s), visible(assignment)) not in left_out]


def autograde(*, root: Path, assignments: list[str] | None = None, workers: int | None = None,
              scheduler: str | None = None, force: bool = False, on_job=None) -> list[str]:
    """`nbgrader autograde` of the new or changed submissions of each assignment (all of them with `force`).

    Submissions are graded by nbgrader in parallel, on `workers` local processes (default: one per core, fewer for a
    handful of notebooks, see `parallel.default_workers`) or on the Dask cluster at `scheduler`; this process writes
    what they found into the gradebook (aimath/pipeline/parallel.py). Returns the assignments looked at;
    `on_job((student, assignment))` hears of each submission graded.

    First the gradebook's copy of each assignment is brought up to date with source/ (`update_gradebook`): a
    submission graded against another version of its assignment (points, tests, due date) is graded again. A folder
    of submitted/ that names no assignment is not graded, and listed (`misnamed_folders`). Before the first notebook
    goes out, `check_environment` makes sure it can be graded here at all.

    Before an assignment's submissions go to the workers, intake (aimath/pipeline/intake.py) looks at each: one that
    cannot be graded is left out and, like one nbgrader fails on, listed in `autograded/intake.json` for the summary
    and the report; the rest of the batch is graded. GradingStopped (one line) stops the run: a locked gradebook, a
    full disk, an environment that cannot grade, an assignment nbgrader cannot update, an unknown assignment asked
    for, or every notebook (two or more) failing the same way.
    """
    api = open_api(root=root)
    check_gradebook_writable(Path(api.coursedir.root) / "gradebook.db")
    known = course_assignments(root=root, api=api)
    for name in assignments or []:
        if name not in known:
            meant = intake.closest_assignment(name, known)
            raise GradingStopped(f"{name} is not an assignment of this course" +
                                 (f" (did you mean {meant}?)" if meant else f" ({', '.join(known)})"))
    names = assignments or [a for a in submitted_assignments(root=root) if a in known]
    failures: list[tuple[intake.Problem, str]] = []
    handed_out: list[tuple[str, str]] = []
    checked = []

    def screen(assignment: str, students: list[str]) -> list[str]:
        fit = _pending_submissions(root, assignment, students)
        if fit and not checked:  # once, just before the first notebook is handed out (not when none is to be graded)
            check_environment(api)
            checked.append(True)
        return fit

    def record(assignment: str, students: list[str]) -> set[str]:
        """nbgrader's autograde, here, of what a worker could not grade (from grading copies of the submissions, as
        in a worker); returns the students it could not grade either."""
        api = open_api(root=root)
        api.coursedir.submitted_directory = parallel.sanitized_submissions(root, assignment, students)
        failed = []
        for student in students:
            result = api.autograde(assignment, student, force=True, create=True)
            if not result.get("success"):
                stop_if_fatal(result)
                cause = last_error_line(result)
                failed.append((intake.Problem(
                    student, assignment, "grading-failed",
                    f"nbgrader could not grade it ({cause}); not graded: look at the notebook (or "
                    f"`nbgrader autograde {assignment} --student {student}` for the whole log)", False),
                    cause.replace(student, "<student>")))
        _forget_half_graded(api, [problem for problem, _ in failed])
        failures.extend(failed)
        return {problem.student for problem, _ in failed}

    def finished(job: tuple[str, str]) -> None:
        handed_out.append(job)
        if on_job is not None:
            on_job(job)

    try:
        update_gradebook(root=root, api=api, assignments=names)
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            parallel.autograde(root=root, assignments=names, gradebook=gradebook, record=record,
                               workers=workers, scheduler=scheduler, force=force, on_job=finished, screen=screen)
        intake.record_misnamed(root, intake.misnamed_folders(root=root, assignments=known))
        if len(failures) >= 2 and len(failures) == len(handed_out) and len({c for _, c in failures}) == 1:
            problem = failures[0][0]
            raise GradingStopped(
                f"all {len(failures)} notebooks failed the same way ({failures[0][1].replace('<student>', '...')}), "
                f"so the fault is not in them: nothing was recorded; fix it, then rerun `make autograde` "
                f"(`nbgrader autograde {problem.assignment} --student {problem.student}` shows the whole log)")
        intake.add(root, [problem for problem, _ in failures])
    except GradingStopped:
        raise
    except Exception as e:  # nbgrader wraps database errors in its own InvalidEntry; the text tells what happened
        message = fatal_message(str(e))
        if message:
            raise GradingStopped(message) from None
        raise
    return names


def _forget_half_graded(api: NbGraderAPI, failed: list[intake.Problem]) -> None:
    """Remove the gradebook rows nbgrader created for submissions it then failed to grade (they would read as 0)."""
    if not failed:
        return
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for problem in failed:
            try:
                gradebook.remove_submission(problem.assignment, problem.student)
            except MissingEntry:
                pass

"""Where one notebook's grading time goes: a step-by-step profile of the whole autograde path, per notebook.

    make bench-profile                                  # 3 students x every assignment
    .venv/bin/python benchmarks/grading_profile.py --students 3 [--assignments backprop ...] [--html profile.html]

A synthetic class (the demo-class generator) is graded by `make autograde`'s own code in one process, with the
grading worker's job run in this process instead of a worker process, under pyinstrument (a sampling profiler), after
one warm-up notebook (the worker's start-up is counted apart, as a real worker pays it once). Prints core-seconds per
notebook:

- the grader's process, by step (each sample is put in the innermost step it ran in; time blocked in a system call
  waiting for the kernel is shown apart, as it is no work of this process): the job's set-up (private course,
  nbgrader's API and config), nbgrader's steps (its preprocessors, the gradebook, reading and writing the notebook),
  the kernel's start and stop, the student cells' loop (nbclient), the test cells (the checks' own work, and their
  requests across the sandbox boundary: encoding and decoding), the record (rows read back, files, the course's
  gradebook written) and intake;
- the sandbox's processes (the kernel factory and every kernel it forked: student cells, the agent answering the test
  cells' requests, the kernel's start), from the kernels' CPU counters in /proc;
- the cells' own work as grading.json records it (student cells plus test cells, wall seconds).

Not a test: it takes a minute or two. Figures are ratios of this machine's time in the same run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from autograde_bench import build, mean_cell_seconds  # noqa: E402

from aimath.pipeline import autograde, nbgrader_session, parallel, warm  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

# (step, how a frame on the sample's stack is recognised: a function name, or a file path fragment); the innermost
# frame that matches decides the sample's step.
STEPS = [
    ("job set-up (private course, API, config)", ("_grade_job",)),
    ("nbgrader's steps (preprocessors, gradebook, notebook I/O)", ("NbGraderAPI.autograde", "autograde")),
    ("student cells' loop (nbclient, messages)", ("SandboxedExecute.preprocess",)),
    ("kernel start and stop", ("_async_start_kernel", "_async_shutdown_kernel", "send_signal", "ForkedKernel.start",
                               "_async_launch_kernel", "cleanup_resources", "_async_cleanup_resources")),
    ("test cells: the checks' own work", ("SandboxedExecute._run_test_cell",)),
    ("test cells: requests across the boundary", ("Channel.request", "Channel.lookup", "RemoteCallable.__call__")),
    ("record: rows and files read back", ("gradebook_rows.read", "read")),
    ("record: the course's gradebook and folders", ("_write_result", "_stamp", "_unstamp")),
    ("intake", ("screen", "_pending_submissions", "check_environment")),
]
BLOCKING = {"select", "poll", "epoll.poll", "recv", "recv_into", "recvfrom", "accept", "sleep", "wait", "read",
            "acquire", "_wait_for_tstate_lock", "waitpid", "readinto", "recv_multipart"}


def _name(frame) -> str:
    return f"{frame.class_name}.{frame.function}" if frame.class_name else frame.function


def _step_of(frame, step: str) -> str:
    name, qualified = frame.function, _name(frame)
    for label, marks in STEPS:
        if name in marks or qualified in marks:
            if label.startswith("record: rows") and "gradebook_rows" not in (frame.file_path or ""):
                continue
            if label.startswith("nbgrader's") and name == "autograde" and "nbgrader" not in (frame.file_path or ""):
                continue
            return label
    return step


def breakdown(root_frame) -> dict[str, float]:
    """Seconds per step (and per step's waiting, '<step> [waiting]') from a pyinstrument frame tree."""
    seconds: dict[str, float] = defaultdict(float)

    def walk(frame, step: str):
        step = _step_of(frame, step)
        if frame.is_synthetic_leaf or not frame.children:
            waiting = any(f is not None and f.function.rsplit(".", 1)[-1] in BLOCKING for f in (frame, frame.parent))
            seconds[f"{step} [waiting]" if waiting else step] += frame.time
            return
        for child in frame.children:
            walk(child, step)
    walk(root_frame, "other (this process)")
    return seconds


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children[int(fields[1])].append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def sandbox_cpu_seconds(pid: int) -> float:
    """CPU seconds of the process `pid` and all its descendants, including their reaped children."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return total / tick


def profile(*, students: int, assignments: list[str], html: Path | None = None) -> list[str]:
    """Grade a synthetic class of `students` x `assignments` under the profiler (see the module's docstring);
    returns the lines of the per-notebook breakdown."""
    from pyinstrument import Profiler

    from aimath.sandbox import zygote
    from aimath.sandbox.limits import Limits

    work = Path(tempfile.mkdtemp(prefix="aimath-profile-"))
    run_local = parallel._run_local
    try:
        root = work / "course"
        n = build(root, assignments, students)
        parallel._run_local = lambda jobs, workers: map(parallel.grade_job, jobs)  # the worker's job, here
        started = time.process_time()
        warm.warm()
        factory_pid = zygote.factory(Limits()).process.pid
        first = sorted((root / "submitted").iterdir())[0].name
        autograde.autograde(root=root, assignments=[assignments[0]], force=True)  # the first notebook's imports
        start_up = time.process_time() - started + sandbox_cpu_seconds(factory_pid)
        sandbox_before, grader_before = sandbox_cpu_seconds(factory_pid), time.process_time()
        profiler = Profiler(interval=0.001)
        profiler.start()
        autograde.autograde(root=root, force=True)
        profiler.stop()
        grader = time.process_time() - grader_before
        sandbox = sandbox_cpu_seconds(factory_pid) - sandbox_before
        steps = breakdown(profiler.last_session.root_frame())
        cells = mean_cell_seconds(root)
    finally:
        parallel._run_local = run_local
        shutil.rmtree(work, ignore_errors=True)
    if html:
        html.write_text(profiler.output_html())
    lines = [f"{n} notebooks ({students} students x {len(assignments)} assignments), graded in this process after "
             f"{first}'s first notebook; a worker's start-up and first notebook, paid once: {start_up:.2f} core-s",
             f"{'the grader process, by step (wall s per notebook)':62} {'work':>7} {'waiting':>8}"]
    for label, _ in [("other (this process)", ())] + STEPS:
        work_s, wait_s = steps.get(label, 0.0) / n, steps.get(f"{label} [waiting]", 0.0) / n
        if work_s or wait_s:
            lines.append(f"  {label:60} {work_s:7.3f} {wait_s:8.3f}")
    total = (grader + sandbox) / n
    lines += [f"{'core-seconds per notebook':62}",
              f"  {'grader process (CPU)':60} {grader / n:7.3f}",
              f"  {'sandbox: kernel factory and its kernels (CPU)':60} {sandbox / n:7.3f}",
              f"  {'in all':60} {total:7.3f}",
              f"  {'of which the cells own work (grading.json, wall)':60} {cells:7.3f}",
              f"  {'overhead beyond the cells':60} {total - cells:7.3f}"]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3)
    parser.add_argument("--assignments", nargs="*", default=None)
    parser.add_argument("--html", type=Path, default=None, help="also write pyinstrument's page here")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="Object of type <Submitted")
    assignments = args.assignments or nbgrader_session.source_assignments(root=REPO)
    print("\n".join(profile(students=args.students, assignments=assignments, html=args.html)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

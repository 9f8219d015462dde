"""nbgrader's Execute step, sandboxed: student cells run in a locked-down kernel, test cells run in the grader.

`SandboxedExecute` replaces nbgrader's `Execute` in `Autograde.autograde_preprocessors` (see nbgrader_config.py);
every other step (OverwriteCells before it, SaveAutoGrades after it) is nbgrader's own, so grades land in the
gradebook exactly as nbgrader puts them there.

For each cell, in order:
- a test cell (autograded, not a solution) runs here (`grader_side.run_test_cell`): the student's names are handles
  on the kernel, served by the agent while the cell runs; the cell's outputs are made here;
- any other code cell runs in the sandboxed kernel, as nbgrader would run it (skip-execution tags honoured).
What happened (limits hit, the kernel stopping, attempts to reach outside) is recorded as flags for the TA.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade, is_solution
from traitlets import Bool, Enum, Instance

from aimath import grading_record
from aimath.sandbox import bwrap, grader_side, inputs_salt, remote, zygote
from aimath.sandbox.inside import codec
from aimath.sandbox.kernel import SandboxKernelManager
from aimath.sandbox.limits import Limits
from aimath.sandbox.remote import Channel, SandboxError, SocketTransport

AGENT_SOCKET = "agent.sock"
_SERVE = "__import__('aimath.sandbox.inside.agent', fromlist=['serve']).serve(get_ipython().user_ns, {path!r})"
_START = "import aimath.sandbox.inside.agent as _aimath_agent\n_aimath_agent.start({prefixes!r}, {path!r})"
# Absolute paths a correct notebook opens inside the sandbox (anything else is recorded as an attempt to look around).
_ALLOWED_PREFIXES = ("/usr", "/etc", "/proc/self", "/dev", "/tmp", bwrap.HOME, "/sys", "/lib",
                     "/lib64", "/bin")


def is_test_cell(cell) -> bool:
    """Whether `cell` (a notebook cell) is one of nbgrader's autograder test cells: a graded code cell that is not
    a solution."""
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def locked_sources(db_url: str, assignment: str, notebook: str, nb) -> list[str]:
    """The instructor's locked, non-graded code cells of this notebook, as the gradebook holds them.

    In the submission's order where the cells are still there, the rest (deleted by the student) after them.
    """
    with Gradebook(db_url) as gb:
        stored = gb.find_notebook(notebook, assignment)
        graded = {c.name for c in stored.grade_cells} | {c.name for c in stored.solution_cells}
        sources = {c.name: c.source for c in stored.source_cells
                   if c.cell_type == "code" and c.locked and c.name not in graded}
    order = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    return [sources[n] for n in sorted(sources, key=lambda n: order.index(n) if n in order else len(order))]


def inputs_salt_of(config, info: dict) -> bytes:
    """The salt of the hidden inputs of the notebook being autograded (aimath/sandbox/inputs_salt.py), from nbgrader's
    configuration (the course's root) and `resources["nbgrader"]`: the course secret is the notebook's id in the
    gradebook, the files are those of the submitted folder."""
    with Gradebook(info["db_url"]) as gb:
        secret = gb.find_notebook(info["notebook"], info["assignment"]).id
    coursedir = CourseDirectory(config=config)
    folder = coursedir.format_path(coursedir.submitted_directory, info["student"], info["assignment"])
    return inputs_salt.submission_salt(folder, course_secret=secret, student=info["student"],
                                       assignment=info["assignment"], notebook=info["notebook"])


class SandboxedExecute(Execute):
    """Execute, with the student's code in the sandbox and the verdicts decided in this process."""

    limits = Instance(Limits, args=(), help="Per-submission limits (aimath.sandbox.limits.Limits)").tag(config=True)
    # A flood of output can take longer to drain than nbclient's iopub timeout; the output limit deals with it.
    raise_on_iopub_timeout = Bool(False).tag(config=True)
    # The sandbox is thrown away with its kernel: kill it at once rather than ask it to shut down and wait.
    shutdown_kernel = Enum(["graceful", "immediate"], default_value="immediate").tag(config=True)

    def preprocess(self, nb, resources):
        """Execute `nb` (one submission's notebook) in a kernel forked in the sandbox, its test cells judged in this
        process through the agent; records the flags and timings in the submission's grading.json, also when
        execution stops. Raises zygote.FactoryError when no kernel can be forked, otherwise as nbclient's
        ExecutePreprocessor does (a cell that fails or a kernel that dies is written into the notebook instead)."""
        info = resources["nbgrader"]
        started = time.monotonic()
        self._flags: list[str] = []
        self._stopped: str | None = None
        self._agent_started = False
        self._output_bytes = 0
        self._cell_seconds = 0.0
        self._cell_times: list[tuple[float, str]] = []
        self._attempt_log: list[str] = []
        self._inputs_salt = inputs_salt_of(self.config, info)
        instructor = locked_sources(info["db_url"], info["assignment"], info["notebook"], nb)
        self._namespace, self._trusted_names = grader_side.trusted_namespace(instructor)
        self._test_names: set[str] = set()
        self._kernel = zygote.factory(self.limits).spawn(submission_dir=resources["metadata"]["path"],
                                                          kernel_arguments=list(self.extra_arguments))
        self._run_dir = self._kernel.job_dir
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(os.path.join(self._run_dir, AGENT_SOCKET))
        os.chmod(os.path.join(self._run_dir, AGENT_SOCKET), 0o777)
        listener.listen(1)
        self._transport = SocketTransport(listener, self.limits.request_timeout_s)
        self._channel = Channel(self._transport)
        watchdog = threading.Timer(self.limits.wall_s, self._over_wall_limit)
        watchdog.daemon = True
        watchdog.start()
        try:
            return super().preprocess(nb, resources)
        finally:
            watchdog.cancel()
            self._transport.close()
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._record(resources, info["notebook"], time.monotonic() - started)

    def create_kernel_manager(self):
        """nbclient's hook: a kernel manager for the kernel already forked in the sandbox for this notebook."""
        name = self.kernel_name or self.nb.metadata.get("kernelspec", {}).get("name") or "python3"
        self.km = SandboxKernelManager(kernel_name=name, config=self.config, kernel=self._kernel)
        return self.km

    # ------------------------------------------------------------------ cells

    def preprocess_cell(self, cell, resources, index):
        """Run one code cell, timed: a test cell is judged in this process through the agent, any other runs in the
        kernel; after a stop each cell shows KernelStopped. After the last cell, asks what the audit hook saw."""
        if cell.cell_type == "code":
            started = time.monotonic()
            cell, resources = self._preprocess_code_cell(cell, resources, index)
            spent = time.monotonic() - started
            self._cell_seconds += spent
            name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index}"
            self._cell_times.append((round(spent, 3), name))
        if index == len(self.nb.cells) - 1:  # the kernel is still up: ask what the audit hook saw
            self._attempt_log = self._attempts()
            if self._attempt_log:
                self._flag("forbidden-access")
        return cell, resources

    def _preprocess_code_cell(self, cell, resources, index):
        if self._stopped:
            cell.outputs = [grader_side.error_output("KernelStopped", self._stopped)]
            return cell, resources
        try:
            if not self._agent_started:
                self._start_agent()
            if is_test_cell(cell):
                cell.outputs = self._run_test_cell(cell)
                return cell, resources
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stop("kernel-died", "your notebook's kernel stopped (it used more memory or CPU time than allowed, "
                                      "or exited); the cells after this one were not run")
            cell.outputs = list(cell.get("outputs", [])) + [grader_side.error_output("KernelStopped", self._stopped)]
        except Exception as exc:  # nbclient gave up on this cell (e.g. its output never finished): the cell fails
            self._flag("kernel-unresponsive")
            cell.outputs = list(cell.get("outputs", [])) + [grader_side.error_output(
                "CellFailed", f"grading could not finish this cell ({type(exc).__name__}: {exc})"[:500])]
        self._flag_limits_in(cell)
        return cell, resources

    def _start_agent(self):
        self._agent_started = True
        path = os.path.join(self._run_dir, AGENT_SOCKET)
        allowed = _ALLOWED_PREFIXES + (self._run_dir,) + tuple(bwrap.python_paths()) + tuple(bwrap.package_inside_paths())
        msg_id = self.kc.execute(_START.format(prefixes=allowed, path=path), silent=True, store_history=False)
        reply = self.wait_for_reply(msg_id, None)
        if reply is None or reply["content"]["status"] != "ok":
            raise SandboxError(f"the grading agent did not start in the sandbox: {reply and reply['content']}")

    def _reply_within(self, msg_id: str, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self._sync_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            except Exception:
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg
        raise TimeoutError

    def _sync_shell_msg(self, timeout: float):
        return run_sync(self.kc.get_shell_msg)(timeout=timeout)

    @contextlib.contextmanager
    def _serving(self):
        """The kernel runs the agent's serve loop while the block talks to it through `self._channel`."""
        msg_id = self.kc.execute(_SERVE.format(path=os.path.join(self._run_dir, AGENT_SOCKET)), silent=True,
                                 store_history=False)
        try:
            yield
        finally:
            self._end_serving(msg_id)

    def _run_test_cell(self, cell) -> list:
        if self._transport.unreachable:
            return [grader_side.error_output("SandboxError", remote.UNREACHABLE)]
        code = grader_side.python_of(cell.source)
        with self._serving():
            try:
                for name in sorted(grader_side.names_read(code) - self._trusted_names - self._test_names):
                    if grader_side.is_builtin(name):
                        continue
                    try:
                        self._namespace[name] = self._channel.lookup(name)
                    except NameError:
                        self._namespace.pop(name, None)
                outputs = grader_side.run_test_cell(code, self._namespace, self._inputs_salt)
            except (SandboxError, codec.BadMessage) as exc:
                outputs = [grader_side.error_output(type(exc).__name__, str(exc))]
            if any(o.get("ename") in ("SandboxError", "BadMessage") for o in outputs):
                self._flag("time-limit" if self._transport.owes_answer else "agent-misbehaved")
        self._test_names |= grader_side.names_bound(code)
        return outputs

    def _end_serving(self, msg_id: str):
        """Return the kernel to its cells: the agent returns when it reads "end", after answering what it was asked.

        Student code that hangs is interrupted first (its late answer is read and dropped); a kernel that cannot be
        interrupted is stopped.
        """
        try:
            self._transport.end()
            self._reply_within(msg_id, 2.0)
            return
        except (OSError, TimeoutError):
            pass
        self.km.interrupt_kernel()
        try:
            self._transport.drain(2.0)
            self._reply_within(msg_id, 2.0)
        except (OSError, TimeoutError, SandboxError):
            self._stop("time-limit", "your code ran for too long and could not be interrupted; the cells after this "
                                     "one were not run")
            self._kill()

    # ------------------------------------------------------------------ limits and flags

    def output(self, outs, msg, display_id, cell_index):
        """nbclient's hook for each output message: counts the bytes the notebook has printed; past the sandbox
        limit's output_bytes, drops the output, flags output-limit and adds a line saying the output was cut (once)."""
        self._output_bytes += len(json.dumps(msg.get("content", {})))
        if self._output_bytes > self.limits.output_bytes:
            if "output-limit" not in self._flags:
                self._flag("output-limit")
                outs.append(grader_side.new_output("stream", name="stdout",
                                                   text=f"\n[output cut: over {self.limits.output_bytes} bytes]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _flag_limits_in(self, cell):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                if output.get("ename") in ("CellTimeoutError", "KeyboardInterrupt"):
                    self._flag("time-limit")
                elif output.get("ename") == "MemoryError":
                    self._flag("memory-limit")

    def _flag(self, flag: str):
        if flag not in self._flags:
            self._flags.append(flag)

    def _stop(self, flag: str, reason: str):
        self._flag(flag)
        self._stopped = self._stopped or reason

    def _kill(self):
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()

    def _over_wall_limit(self):
        self._stop("wall-limit", f"grading your notebook took more than {self.limits.wall_s:.0f} s; the rest was not run")
        self._kill()

    def _attempts(self) -> list[str]:
        """What the audit hook saw (advisory: a student's process can hide its own attempts, never add points)."""
        if self._stopped or not self._agent_started or self.kc is None:
            return []
        with self._serving():
            try:
                events = self._channel.request("events")
            except Exception:  # a sandbox that cannot answer has nothing to report
                events = []
        return remote.attempts(events)

    def _record(self, resources, notebook: str, seconds: float):
        """grading.json beside the autograded notebook: flags for the TA summary and the report."""
        slowest = sorted(self._cell_times)[::-1][:grading_record.SLOWEST_CELLS]
        grading_record.add_notebook(Path(resources["metadata"]["path"]), notebook, grading_record.NotebookRun(
            tuple(self._flags), tuple(self._attempt_log), round(seconds, 3), round(self._cell_seconds, 3),
            tuple((name, spent) for spent, name in slowest)))

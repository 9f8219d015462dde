"""The grader's side of the sandboxed kernel factory (inside/zygote.py): start it once per process, fork kernels.

`factory(limits)` is this process's factory for those limits, started on first use inside bubblewrap
(aimath.sandbox.bwrap) and stopped when the process exits (or dies: bubblewrap dies with its parent).
`Factory.spawn` forks a kernel for one notebook and returns a `ForkedKernel`, which jupyter_client's provisioner
treats as the kernel's process (poll, wait, kill).
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aimath import submission_files
from aimath.sandbox import bwrap
from aimath.sandbox.inside import frames
from aimath.sandbox.limits import Limits

CONTROL_SOCKET = "factory.sock"
START_TIMEOUT_S = 120.0  # importing the scientific stack takes seconds, more on a loaded machine
REQUEST_TIMEOUT_S = 30.0
_MAIN = "from aimath.sandbox.inside.zygote import main; main()"


class FactoryError(RuntimeError):
    """The kernel factory could not start or stopped answering."""


class Factory:
    """One sandbox holding the preloaded factory; every kernel it forks gets its own walls (inside/zygote.py)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.run_root = tempfile.mkdtemp(prefix="aimath-kernels-")
        os.chmod(self.run_root, 0o777)  # the sandbox's unprivileged user makes sockets here
        self._lock = threading.Lock()
        self._log = tempfile.TemporaryFile()
        self._connection: socket.socket | None = None
        prefix = bwrap.command(bwrap.find_bwrap(), self.run_root, limits)
        control = os.path.join(self.run_root, CONTROL_SOCKET)
        self.process = subprocess.Popen([*prefix, sys.executable, "-c", _MAIN, control], stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=self._log)
        self._connection = self._connect(control)

    def _connect(self, path: str) -> socket.socket:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise FactoryError(f"the kernel factory stopped while starting:\n{self._log_tail()}")
            if os.path.exists(path):
                connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    connection.connect(path)
                    return connection
                except OSError:
                    connection.close()
            time.sleep(0.02)
        self.close()
        raise FactoryError(f"the kernel factory did not start within {START_TIMEOUT_S:.0f} s")

    def _log_tail(self) -> str:
        self._log.seek(0)
        return self._log.read()[-2000:].decode(errors="replace")

    def request(self, **message) -> dict:
        """Send `message` (JSON-serialisable keywords, `op` naming the operation: spawn, poll, kill) to the factory
        and return its JSON answer (a dict). Raises FactoryError when the factory stops answering within
        REQUEST_TIMEOUT_S (with the tail of its log) or answers with an error."""
        with self._lock:
            try:
                frames.send(self._connection, json.dumps(message).encode())
                answer = json.loads(frames.receive(self._connection, deadline=time.monotonic() + REQUEST_TIMEOUT_S))
            except (OSError, ValueError) as exc:
                raise FactoryError(f"the kernel factory stopped answering ({exc}):\n{self._log_tail()}") from exc
        if "error" in answer:
            raise FactoryError(answer["error"])
        return answer

    @property
    def alive(self) -> bool:
        """Whether the factory process is still running."""
        return self.process.poll() is None

    def spawn(self, *, submission_dir: str, kernel_arguments: list[str]) -> ForkedKernel:
        """A kernel for one notebook, with a copy of `submission_dir` as its home (regular files only: no link,
        special file or hard link is copied, aimath.submission_files). Its `job_dir` is where its connection sockets
        go; remove it when the kernel is gone."""
        job_dir = tempfile.mkdtemp(prefix="job-", dir=self.run_root)
        os.chmod(job_dir, 0o777)
        submission_files.copy(Path(submission_dir), Path(job_dir) / "submission")
        return ForkedKernel(self, job_dir, kernel_arguments)

    def close(self) -> None:
        """Kill the factory (and so the kernels it forked), close its connection and log, remove its run folder."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self._connection is not None:
            self._connection.close()
        self._log.close()
        shutil.rmtree(self.run_root, ignore_errors=True)


class ForkedKernel:
    """A forked kernel as jupyter_client's provisioner sees a process: `start`, `poll`, `wait`, `kill`."""

    stdin = stdout = stderr = None
    pid = None  # not a process of ours: signals go through the factory (interrupts go as messages)

    def __init__(self, factory: Factory, job_dir: str, kernel_arguments: list[str]):
        self.factory, self.job_dir, self.kernel_arguments = factory, job_dir, kernel_arguments
        self.keeper: int | None = None
        self.returncode: int | None = None

    def start(self, connection_file: str) -> None:
        """Ask the factory to fork a kernel that listens as `connection_file` (a path) says, inside bubblewrap with
        the factory's limits. Raises FactoryError as Factory.request does."""
        self.keeper = self.factory.request(
            op="spawn", job_dir=self.job_dir, run_root=self.factory.run_root, home=bwrap.HOME,
            mpl_cache=bwrap.MPL_CACHE, mpl_config=bwrap.MPL_CONFIG, connection_file=connection_file,
            kernel_arguments=self.kernel_arguments, limits=bwrap.kernel_limits(self.factory.limits),
            keep=[*bwrap.python_paths(), *bwrap.package_inside_paths()])["pid"]

    def poll(self) -> int | None:
        """The kernel's exit status, or None while it runs (-9 once the factory itself is gone)."""
        if self.returncode is None and self.keeper is not None:
            self.returncode = self.factory.request(op="poll", pid=self.keeper)["status"] if self.factory.alive else -9
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """The exit status once the kernel has ended, polling every 20 ms. Raises subprocess.TimeoutExpired after
        `timeout` seconds (None: wait for ever), as Popen.wait does."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("forked kernel", timeout)
            time.sleep(0.02)
        return self.returncode

    def kill(self) -> None:
        """Kill the kernel through the factory (nothing when it has ended or the factory is gone)."""
        if self.returncode is None and self.keeper is not None and self.factory.alive:
            self.returncode = self.factory.request(op="kill", pid=self.keeper)["status"]

    def send_signal(self, signum: int) -> None:
        """Any signal kills the kernel: interrupts go to it as messages, never as signals."""
        self.kill()

    terminate = kill


_factories: dict[Limits, Factory] = {}
_factories_lock = threading.Lock()


def factory(limits: Limits) -> Factory:
    """This process's factory for `limits`, started (again, if it died) on first use."""
    with _factories_lock:
        current = _factories.get(limits)
        if current is None or not current.alive:
            if current is not None:
                current.close()
            current = _factories[limits] = Factory(limits)
        return current


@atexit.register
def _close_all() -> None:
    for each in list(_factories.values()):
        each.close()
    _factories.clear()


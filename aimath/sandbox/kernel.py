"""A Jupyter kernel manager whose kernel starts inside the sandbox (aimath.sandbox.bwrap).

The kernel talks to the grader over Unix sockets in a run folder both sides see (the sandbox has no network, so
ZeroMQ's TCP transport cannot reach it). Interrupts go as messages: a signal would not cross into the sandbox's own
session.
"""
from __future__ import annotations

import subprocess

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets import List, Unicode


class SandboxKernelManager(AsyncKernelManager):
    """`sandbox_prefix` is prepended to the kernel's command line; connection files live in `run_dir`."""

    sandbox_prefix = List(Unicode())
    run_dir = Unicode()

    def __init__(self, **kwargs):
        run_dir = kwargs["run_dir"]
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", f"{run_dir}/kernel")
        kwargs.setdefault("connection_file", f"{run_dir}/connection.json")
        super().__init__(**kwargs)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # the kernel's own console chatter (connection notices) would drown the TA's log
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    def format_kernel_cmd(self, extra_arguments=None):
        return [*self.sandbox_prefix, *super().format_kernel_cmd(extra_arguments)]

    async def _async_interrupt_kernel(self) -> None:
        if self.has_kernel:
            self._connect_control_socket()
            self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    interrupt_kernel = run_sync(_async_interrupt_kernel)

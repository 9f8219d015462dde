"""A Jupyter kernel manager whose kernel is forked by the sandboxed kernel factory (aimath.sandbox.zygote).

The kernel talks to the grader over Unix sockets in its job folder, which both sides see (the sandbox has no
network, so ZeroMQ's TCP transport cannot reach it). Interrupts go as messages: a signal would not cross into the
kernel's own PID namespace.
"""
from __future__ import annotations

import time
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import ensure_async, run_sync
from jupyter_client.manager import AsyncKernelManager
from traitlets import Any, Type, Unicode

STARTUP_POLL_S = 0.01  # how long an idle channel is waited on while the kernel starts (jupyter_client: 0.2 s, 1 s)


class SandboxKernelClient(AsyncKernelClient):
    """jupyter_client's client, waiting for a fresh kernel without its fixed 0.2 s pauses (a forked kernel answers
    within milliseconds; at hundreds of notebooks the pauses were most of the start-up)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.context.setsockopt(zmq.RECONNECT_IVL, 10)  # the kernel binds its sockets just after we connect

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=0.5))
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:  # the reply's status messages prove IOPub is connected; without them, ask again
                    await ensure_async(self.iopub_channel.get_msg(timeout=0.5))
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:  # drop what start-up left on IOPub
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=STARTUP_POLL_S))
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready


class SandboxKernelManager(AsyncKernelManager):
    """`kernel` (a `ForkedKernel`) is started in place of a subprocess; connection files live in its job folder."""

    kernel = Any()
    client_factory = Type(SandboxKernelClient)
    run_dir = Unicode()

    def __init__(self, **kwargs):
        run_dir = kwargs.setdefault("run_dir", kwargs["kernel"].job_dir)
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", f"{run_dir}/kernel")
        kwargs.setdefault("connection_file", f"{run_dir}/connection.json")
        super().__init__(**kwargs)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        self.kernel.start(self.connection_file)
        provisioner = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid = self.kernel, None, None
        self._reconcile_connection_info(provisioner.connection_info)

    async def _async_interrupt_kernel(self) -> None:
        if self.has_kernel:
            self._connect_control_socket()
            self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    interrupt_kernel = run_sync(_async_interrupt_kernel)

"""A kernel factory inside the sandbox: imports the scientific stack once, then forks one fresh kernel per notebook.

Starting ipykernel and importing numpy, matplotlib, scipy and sympy costs about 3 core-seconds; forking a process
that has done it costs milliseconds. Each forked kernel is walled off from the factory and from every other kernel
before any student code runs (`_wall_off`): its own user, mount, PID, IPC and UTS namespaces, fresh tmpfs for its
home and /tmp, the run folder hidden except its own job folder, no capabilities, no new privileges, resource limits.
When the kernel (PID 1 of its namespace) dies, every process it started dies with it, so nothing outlives a notebook.

The grader (aimath/sandbox/zygote.py) talks to the factory over a Unix socket in a folder kernels cannot see, one
JSON message per request (inside/frames.py): spawn, poll, kill.
"""
from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import socket
import sys
import threading
import traceback

from aimath.sandbox.inside import frames

# What a notebook of this course imports, and what the kernel and the grading agent need: imported once, here.
PRELOADED = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "IPython", "IPython.core.completerlib",
             "IPython.core.oinspect", "IPython.extensions.storemagic", "IPython.utils.wildcard", "faulthandler",
             "matplotlib_inline.backend_inline", "numpy", "matplotlib.pyplot", "scipy.optimize", "scipy.stats", "sympy",
             "sympy.abc", "cloudpickle", "aimath.sandbox.inside.agent", "IPython.core.debugger", "sqlite3",
             "tornado.platform.asyncio")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel selects for matplotlib

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID = 0x10000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC = 1, 2, 4, 8, 32, 4096, 8192, 16384
MS_NOATIME, MS_NODIRATIME, MS_PRIVATE, MS_RELATIME = 1024, 2048, 1 << 18, 1 << 21
SCRATCH_FOLDER = ".scratch"  # in the scratch tmpfs's root, which the home's own mount then covers
IPYTHON_DIR = "/tmp/.ipython"  # IPython's profile for the kernel: fresh and empty (not the submission's)
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 1, 24, 38, 47, 4
CAPABILITY_VERSION_3 = 0x20080522
_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda s: None if s is None else s.encode())
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _enter_namespaces() -> None:
    """New user (mapping only our own uid and gid), mount, PID, IPC and UTS namespaces; the next child is PID 1."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def _outermost(paths: list[str]) -> list[str]:
    """`paths` without those inside another of them (a recursive bind of the outer one carries them)."""
    return [p for p in paths if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in paths)]


def _wall_off(job_dir: str, run_root: str, home: str, scratch_bytes: int, keep: list[str]) -> None:
    """Mounts of the kernel's own. One fresh tmpfs of `scratch_bytes` holds every place it can write: the home,
    /tmp and /dev/shm are folders of it (one quota for all three); /proc is of its PID namespace; of the run folder
    only its job folder is left (under a read-only tmpfs that hides the factory's control socket and other jobs),
    and `_seal` makes that read-only too once the kernel's sockets are there. What was mounted under /tmp and must
    stay (`keep`: the Python environment or the course's `inside` package when they live there, and the job folder)
    is carried over onto the fresh /tmp."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", home, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=0755,size={scratch_bytes}")
    scratch = {name: os.path.join(home, SCRATCH_FOLDER, name) for name in ("home", "tmp", "shm", "keep")}
    for name, folder in scratch.items():
        os.makedirs(folder)
        os.chmod(folder, 0o1777 if name in ("tmp", "shm") else 0o755)
    kept = _outermost([p for p in keep if p.startswith("/tmp/") and os.path.exists(p)] + [job_dir])
    for index, path in enumerate(kept):
        staged = os.path.join(scratch["keep"], str(index))
        _mount_point(staged, os.path.isdir(path))
        _mount(path, staged, None, MS_BIND | MS_REC)
    _mount(scratch["tmp"], "/tmp", None, MS_BIND)
    os.makedirs(run_root, exist_ok=True)
    _mount("tmpfs", run_root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    for index, path in enumerate(kept):
        staged = os.path.join(scratch["keep"], str(index))
        _mount_point(path, os.path.isdir(staged))
        _mount(staged, path, None, MS_MOVE)
        (os.rmdir if os.path.isdir(staged) else os.remove)(staged)
    _read_only(run_root)
    _mount(scratch["shm"], "/dev/shm", None, MS_BIND)
    _mount(scratch["home"], home, None, MS_BIND)  # covers the tmpfs's root: only the three folders stay reachable
    _mount("proc", "/proc", "proc", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _read_only(path: str) -> None:
    """Make the mount at `path` read-only, keeping its other flags (a mount's locked flags must be restated)."""
    flags = os.statvfs(path).f_flag
    kept = sum(ms for st, ms in ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
                                 (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME),
                                 (os.ST_RELATIME, MS_RELATIME)) if flags & st)
    _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | kept)


def _mount_point(path: str, is_dir: bool) -> None:
    os.makedirs(path if is_dir else os.path.dirname(path), exist_ok=True)
    if not is_dir and not os.path.exists(path):
        open(path, "w").close()


def _drop_privileges() -> None:
    """No capabilities (bounding, ambient, effective, permitted, inheritable), and none to be gained by exec."""
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last + 1):
        _check(_libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), "drop capability")
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(_libc.capset(header, data), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _set_limits(limits: dict) -> None:
    for name, value in (("RLIMIT_AS", limits["memory_bytes"]), ("RLIMIT_CPU", limits["cpu_s"]),
                        ("RLIMIT_NPROC", limits["tasks"]), ("RLIMIT_FSIZE", limits["file_bytes"]),
                        ("RLIMIT_NOFILE", limits["open_files"]), ("RLIMIT_CORE", 0)):
        kind = getattr(resource, name)
        hard = resource.getrlimit(kind)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)  # a limit can only go down
        resource.setrlimit(kind, (value, value))


def _prepare_home(job_dir: str, home: str, mpl_cache: str, mpl_config: str) -> None:
    """The submission's files in the fresh home, and a writable copy of the ready matplotlib font cache."""
    shutil.copytree(os.path.join(job_dir, "submission"), home, symlinks=True, dirs_exist_ok=True)
    os.makedirs(mpl_config, exist_ok=True)
    for name in os.listdir(mpl_cache):
        shutil.copy(os.path.join(mpl_cache, name), mpl_config)


def _run_kernel(request: dict, seal: "_Seal") -> None:
    """In the forked PID 1: wall off, then serve as the notebook's ipykernel until it is killed or shut down.

    The job folder is sealed (made read-only by the keeper) as soon as ipykernel has bound its sockets there, before
    it runs anything of the submission's: IPython's profile (whose startup files and config it would run) is a fresh
    empty folder, not the one a submission could bring in its home."""
    _wall_off(request["job_dir"], request["run_root"], request["home"], request["limits"]["scratch_bytes"],
              request["keep"])
    _prepare_home(request["job_dir"], request["home"], request["mpl_cache"], request["mpl_config"])
    _drop_privileges()
    _set_limits(request["limits"])
    os.setsid()
    os.chdir(request["home"])
    os.makedirs(IPYTHON_DIR)
    os.environ["IPYTHONDIR"] = IPYTHON_DIR
    sys.argv = ["ipykernel_launcher"]
    _silence()
    from ipykernel.kernelapp import IPKernelApp

    class SealedKernelApp(IPKernelApp):
        def write_connection_file(self, **kwargs):
            super().write_connection_file(**kwargs)
            seal.ask()

        def init_shell(self):
            super().init_shell()
            _show_figures_inline()

    SealedKernelApp.launch_instance(argv=["-f", request["connection_file"], *request["kernel_arguments"]])


def _show_figures_inline() -> None:
    """Make figures display as PNG outputs, as in a stock kernel: the inline backend's hook that does so runs when the
    backend is imported, which here happened in the factory, before any IPython shell existed."""
    from matplotlib_inline import backend_inline

    backend_inline._enable_matplotlib_integration()


class _Seal:
    """The kernel asks its keeper (which holds the capabilities the kernel dropped) to make the job folder read-only,
    and waits until it is: two pipes made before the kernel is forked."""

    def __init__(self):
        self._ask_read, self._ask_write = os.pipe()
        self._done_read, self._done_write = os.pipe()

    def ask(self) -> None:
        """In the kernel: returns once the job folder is read-only; exits the kernel if it could not be made so."""
        if self._ask_write < 0:  # sealed already
            return
        os.write(self._ask_write, b"s")
        answer = os.read(self._done_read, 1)
        os.close(self._ask_write)
        os.close(self._done_read)
        self._ask_write = self._done_read = -1
        if answer != b"1":
            os._exit(72)

    def kernel_side(self) -> None:
        os.close(self._ask_read)
        os.close(self._done_write)

    def serve(self, job_dir: str) -> None:
        """In the keeper: wait for the kernel's request (or its death), seal, answer."""
        os.close(self._ask_write)
        os.close(self._done_read)
        try:
            if os.read(self._ask_read, 1) == b"s":
                try:
                    _read_only(job_dir)
                    os.write(self._done_write, b"1")
                except OSError:  # a file held open for writing there: the kernel does not run
                    traceback.print_exc()
                    os.write(self._done_write, b"0")
        except OSError:
            pass
        finally:
            os.close(self._ask_read)
            os.close(self._done_write)


def _close_inherited_files() -> None:
    """Only stdio stays open (stderr is the factory's log until the kernel starts); the factory's sockets go."""
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.closerange(3, 65536)


def _silence() -> None:
    """The kernel's own console chatter goes nowhere (its outputs travel as messages)."""
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def _spawn(request: dict) -> int:
    """Fork a walled-off kernel; returns the pid of its keeper, which exits with the kernel and kills it on SIGTERM.

    The kernel dies with its keeper (PR_SET_PDEATHSIG), so no kernel can outlive what the factory tracks.
    """
    keeper = os.fork()
    if keeper:
        return keeper
    code = 70
    try:
        _close_inherited_files()
        _enter_namespaces()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        seal = _Seal()
        kernel = os.fork()
        if kernel == 0:
            try:
                _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "death signal")
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
                seal.kernel_side()
                _run_kernel(request, seal)
                os._exit(0)
            except BaseException:
                traceback.print_exc()
                os._exit(71)
        signal.signal(signal.SIGTERM, lambda *_: os.kill(kernel, signal.SIGKILL))
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        seal.serve(request["job_dir"])
        code = os.waitstatus_to_exitcode(os.waitpid(kernel, 0)[1])
    finally:
        os._exit(code if code >= 0 else 128 - code)


def _answer(request: dict, keepers: dict[int, int | None]) -> dict:
    op = request.get("op")
    if op == "spawn":
        pid = _spawn(request)
        keepers[pid] = None
        return {"pid": pid}
    if op in ("poll", "kill"):
        pid = int(request["pid"])
        if pid not in keepers:
            return {"error": f"no kernel {pid}"}
        if op == "kill" and keepers[pid] is None:
            os.kill(pid, signal.SIGTERM)
        if keepers[pid] is None:
            done, status = os.waitpid(pid, 0 if op == "kill" else os.WNOHANG)
            if done:
                keepers[pid] = os.waitstatus_to_exitcode(status)
        return {"status": keepers[pid]}
    return {"error": f"unknown request {op!r}"}


def serve(control_path: str) -> None:
    """Answer the grader's requests on `control_path` (one connection: the grading process's) until it closes."""
    for module in PRELOADED:
        __import__(module)
    if threading.active_count() != 1:  # fork copies only the calling thread: a lock held by another would hang
        raise RuntimeError(f"the kernel factory must not run threads; found {threading.enumerate()}")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(control_path)
    listener.listen(1)
    keepers: dict[int, int | None] = {}
    connection, _ = listener.accept()
    with connection:
        while True:
            try:
                request = json.loads(frames.receive(connection))
            except (ConnectionError, OSError, ValueError):
                return
            frames.send(connection, json.dumps(_answer(request, keepers)).encode())


def main() -> None:
    """The factory process's entry (aimath/sandbox/zygote.py starts it inside bubblewrap): serve fork requests on
    the Unix socket whose path is argv[1] until the grader closes it."""
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger would warn about frozen modules
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    serve(sys.argv[1])


if __name__ == "__main__":
    main()

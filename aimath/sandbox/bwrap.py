"""The sandbox the kernel factory runs in: bubblewrap (namespaces) plus prlimit (resource limits).

It sees a read-only system (/usr and the Python environment) on a read-only root, a writable home and /tmp on
size-limited tmpfs, and one run folder shared with the grader (control and connection sockets). It has no network
(a new network namespace), no view of other processes (a new PID namespace), no capabilities, and an unprivileged
user. The course folder (source/, the gradebook, nbgrader_config.py, other submissions) and the reference package
are not mounted at all. Each kernel forked inside walls itself off further (aimath/sandbox/inside/zygote.py).
"""
from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import aimath
from aimath.sandbox.limits import Limits

HOME = "/home/student"
MPL_CACHE = "/opt/aimath-mplconfig"       # the grader's ready font cache, read-only...
MPL_CONFIG = f"{HOME}/.config/matplotlib"  # ...copied where matplotlib insists on a writable folder
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: sudo apt install bubblewrap; Fedora: sudo dnf install bubblewrap)"
SECCOMP_HINT = "install libseccomp (Debian/Ubuntu: sudo apt install libseccomp2; Fedora: sudo dnf install libseccomp)"


# bubblewrap's own --dev (which mounts devpts) would stop a kernel from mounting a /proc of its own PID namespace.
_DEV = ("--tmpfs", "/dev", *(arg for node in ("null", "zero", "full", "random", "urandom", "tty")
                             for arg in ("--dev-bind", f"/dev/{node}", f"/dev/{node}")),
        "--symlink", "/proc/self/fd", "/dev/fd", "--symlink", "/proc/self/fd/0", "/dev/stdin",
        "--symlink", "/proc/self/fd/1", "/dev/stdout", "--symlink", "/proc/self/fd/2", "/dev/stderr",
        "--tmpfs", "/dev/shm")


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be set up on this machine; grading stops rather than run student code unsandboxed."""


def _probe_bwrap(bwrap: str) -> str | None:
    """None when bubblewrap can create the namespaces we need here, else its complaint."""
    try:
        done = subprocess.run([bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
                              capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return None if done.returncode == 0 else (done.stderr.strip() or f"exit status {done.returncode}")


def find_bwrap() -> str:
    """The bubblewrap executable, checked to work; raises `SandboxUnavailable` with one line saying what to do."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(f"the grading sandbox needs bubblewrap: {INSTALL_HINT}; "
                                 f"or grade without the sandbox with AIMATH_SANDBOX=off (see docs/THREAT_MODEL.md)")
    problem = _probe_bwrap(bwrap)
    if problem:
        raise SandboxUnavailable(f"bubblewrap cannot create namespaces here ({problem}); enable unprivileged user "
                                 f"namespaces (sysctl kernel.unprivileged_userns_clone=1) or run without the sandbox "
                                 f"with AIMATH_SANDBOX=off (see docs/THREAT_MODEL.md)")
    if ctypes.util.find_library("seccomp") is None:  # each kernel's system call filter (inside/zygote.py)
        raise SandboxUnavailable(f"the grading sandbox needs libseccomp: {SECCOMP_HINT}; or grade without the "
                                 f"sandbox with AIMATH_SANDBOX=off (see docs/THREAT_MODEL.md)")
    return bwrap


def _tasks_of_user(uid: int) -> int:
    """Processes and threads the user owns now (RLIMIT_NPROC counts them all, machine-wide)."""
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(entry / "task"))
            except OSError:
                continue
    return count


def python_paths() -> list[str]:
    """Read-only mounts that make this environment's Python (and its packages) work inside."""
    paths = {sys.prefix, sys.base_prefix, sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    return sorted(p for p in paths if p and not p.startswith("/usr/"))


def package_inside_paths() -> list[str]:
    """aimath's two package markers and the `inside` subpackage: the only course code the sandbox may import."""
    root = Path(aimath.__file__).resolve().parent
    return [str(root / "__init__.py"), str(root / "sandbox" / "__init__.py"), str(root / "sandbox" / "inside")]


def mpl_config_dir() -> str:
    """A matplotlib config folder with a ready font cache, mounted read-only at MPL_CACHE (building the cache costs seconds)."""
    folder = Path(sys.prefix) / "var" / "aimath-mplconfig"
    if not any(folder.glob("fontlist-*.json")):
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=True,
                       env={**os.environ, "MPLCONFIGDIR": str(folder)}, capture_output=True)
    return str(folder)


def command(bwrap: str, run_dir: str, limits: Limits) -> list[str]:
    """The prefix that runs a command in the sandbox (append its argv); `run_dir` is the one folder shared with us.

    The kernel factory (inside/zygote.py) runs under it and gives each kernel a fresh home on top.
    """
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", "65534", "--gid", "65534", "--hostname", "sandbox",
            "--ro-bind", "/usr", "/usr", "--proc", "/proc", *_DEV, "--tmpfs", "/tmp"]
    for name in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{name}"):
            args += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
        elif os.path.isdir(f"/{name}"):
            args += ["--ro-bind", f"/{name}", f"/{name}"]
    for path in ["/etc/alternatives", "/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", *python_paths(),
                 *package_inside_paths()]:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    args += ["--ro-bind", mpl_config_dir(), MPL_CACHE,
             "--size", str(limits.scratch_bytes), "--tmpfs", HOME,
             "--bind", run_dir, run_dir,
             # what stays writable is the home, /tmp, /dev/shm and the run folder, each of which a kernel covers
             "--remount-ro", "/", "--remount-ro", "/dev",
             "--chdir", HOME, "--clearenv",
             "--setenv", "HOME", HOME, "--setenv", "PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin",
             "--setenv", "LANG", "C.UTF-8", "--setenv", "MPLCONFIGDIR", MPL_CONFIG,
             "--setenv", "PYTHONDONTWRITEBYTECODE", "1"]
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        args += ["--setenv", var, "1"]
    args += ["--", "prlimit", f"--as={limits.memory_bytes}", f"--fsize={limits.file_bytes}",
             f"--nofile={limits.open_files}", "--core=0", "--",
             "sh", "-c", f'mkdir -p {MPL_CONFIG} && cp {MPL_CACHE}/* {MPL_CONFIG}/ 2>/dev/null; exec "$@"', "sh"]
    return args


def kernel_limits(limits: Limits) -> dict:
    """The resource limits one forked kernel sets on itself (inside/zygote.py), with the task count of now."""
    return {"memory_bytes": limits.memory_bytes, "cpu_s": limits.cpu_s, "file_bytes": limits.file_bytes,
            "open_files": limits.open_files, "scratch_bytes": limits.scratch_bytes,
            "tasks": _tasks_of_user(os.getuid()) + limits.extra_tasks}

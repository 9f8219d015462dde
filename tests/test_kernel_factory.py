"""The sandboxed kernel factory (aimath/sandbox/zygote.py, inside/zygote.py): kernels forked from one preloaded
process are walled off from it and from each other, and nothing a kernel starts or writes outlives it."""
import json
import tempfile
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from aimath.sandbox import zygote
from aimath.sandbox.limits import Limits

pytestmark = pytest.mark.xdist_group("kernel-factory")
MARKER = "aimath-factory-test-lingerer"
# Where a kernel might leave something for the next one: its home, the scratch folders, the sandbox's own root.
PLACES = 'PLACES = ("left.txt", "/tmp/left.txt", "/dev/shm/left.txt", "/left.txt", "/etc/left.txt", "/dev/left.txt")\n'


@pytest.fixture(scope="module")
def factory():
    made = zygote.Factory(Limits())
    yield made
    made.close()


def _kernel(factory, files: dict[str, str]):
    """A started kernel whose submission folder holds `files`, and a client to it."""
    folder = Path(tempfile.mkdtemp())
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    kernel = factory.spawn(submission_dir=str(folder), kernel_arguments=["--IPKernelApp.log_level=ERROR"])
    connection_file, _ = write_connection_file(fname=f"{kernel.job_dir}/connection.json", transport="ipc",
                                               ip=f"{kernel.job_dir}/kernel")
    kernel.start(connection_file)
    client = BlockingKernelClient()
    client.load_connection_file(connection_file)
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return kernel, client


def _run(client, code: str):
    """The value the code prints as JSON on its last line."""
    printed = []
    reply = client.execute_interactive(code, timeout=30, output_hook=lambda m: printed.append(
        m["content"]["text"]) if m["msg_type"] == "stream" and m["content"]["name"] == "stdout" else None)
    assert reply["content"]["status"] == "ok", reply["content"]
    return json.loads("".join(printed).strip().splitlines()[-1])


def _stop(kernel, client):
    client.stop_channels()
    kernel.kill()


def test_a_kernel_sees_its_submission_and_nothing_of_the_factory(factory):
    kernel, client = _kernel(factory, {"data.txt": "mine"})
    try:
        seen = _run(client, f"""
import os, sys, json
print(json.dumps({{"cwd": os.getcwd(), "home": sorted(os.listdir(".")), "data": open("data.txt").read(),
    "pid": os.getpid(), "uid": os.getuid(), "run": os.listdir({factory.run_root!r}),
    "caps": [l.split()[1] for l in open("/proc/self/status") if l.startswith(("CapEff", "CapPrm", "CapBnd"))],
    "processes": sorted(p for p in os.listdir("/proc") if p.isdigit()), "numpy_preloaded": "numpy" in sys.modules}}))
""")
    finally:
        _stop(kernel, client)
    assert seen["cwd"] == "/home/student" and "data.txt" in seen["home"] and seen["data"] == "mine"
    assert seen["pid"] == 1 and seen["uid"] == 65534
    assert len(seen["run"]) == 1 and seen["run"][0].startswith("job-"), "only its own job folder"
    assert set(seen["caps"]) == {"0000000000000000"}
    assert seen["processes"] == ["1"], "a PID namespace of its own"
    assert seen["numpy_preloaded"]


def test_nothing_a_kernel_writes_or_starts_outlives_it(factory):
    kernel, client = _kernel(factory, {})
    _run(client, PLACES + f"""
import json, subprocess, sys
for path in PLACES:
    try:
        open(path, "w").write("planted")
    except OSError:
        pass
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "{MARKER}"], start_new_session=True)
print(json.dumps(True))
""")
    _stop(kernel, client)
    lingering = [p for p in Path("/proc").glob("[0-9]*/cmdline") if MARKER.encode() in _read(p)]
    assert lingering == [], "the background process died with its kernel"
    kernel, client = _kernel(factory, {})
    try:
        found = _run(client, PLACES + """
import os, json
print(json.dumps([p for p in PLACES if os.path.exists(p)]))
""")
    finally:
        _stop(kernel, client)
    assert found == []


def test_a_kernel_cannot_uncover_what_is_mounted_over_the_factory(factory):
    kernel, client = _kernel(factory, {})
    try:
        results = _run(client, f"""
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
out = {{}}
for target in ("/tmp", {factory.run_root!r}, "/proc", "/home/student"):
    out[target] = (libc.umount2(target.encode(), 2), ctypes.get_errno())
print(json.dumps(out))
""")
    finally:
        _stop(kernel, client)
    assert all(code == -1 for code, _ in results.values()), results


def test_killing_a_kernel_reports_it_gone(factory):
    kernel, client = _kernel(factory, {})
    assert kernel.poll() is None
    _stop(kernel, client)
    assert kernel.poll() is not None


SCRATCH = 24 * 2**20


def test_the_scientific_stack_works_under_the_kernel_s_system_call_filter(factory):
    """The filter refusing memory files and SysV IPC (inside/zygote.py) leaves what a course notebook does working:
    numpy, scipy, sympy, a matplotlib figure, a process pool, POSIX shared memory and semaphores (files in /dev/shm),
    a ctypes callback; the refused calls fail with ENOSYS in the kernel and in the processes it starts."""
    kernel, client = _kernel(factory, {})
    try:
        seen = _run(client, """
import ctypes, errno, io, json, multiprocessing, os
from multiprocessing import shared_memory
import matplotlib.pyplot as plt, numpy as np, scipy.optimize, scipy.stats, sympy

def refused(_=None):
    try:
        os.close(os.memfd_create("m"))
        return "created"
    except OSError as exc:
        return errno.errorcode[exc.errno]

x = sympy.Symbol("x")
fig, ax = plt.subplots()
ax.plot(np.linspace(0, 1, 50), scipy.stats.norm.pdf(np.linspace(0, 1, 50)))
png = io.BytesIO()
fig.savefig(png, format="png")
with multiprocessing.Pool(2) as pool:
    squares, in_workers = pool.map(abs, [-1, -2, -3]), pool.map(refused, [0, 1])
memory = shared_memory.SharedMemory(create=True, size=2**20)
memory.buf[:3] = b"abc"
shared = bytes(memory.buf[:3]).decode()
memory.close(); memory.unlink()
lock = multiprocessing.Lock()
with lock:
    pass
values = (ctypes.c_int * 4)(3, 1, 2, 0)
compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))(
    lambda a, b: a[0] - b[0])
ctypes.CDLL(None).qsort(values, 4, ctypes.sizeof(ctypes.c_int), compare)
print(json.dumps({"solve": float(np.linalg.solve([[2.0, 0], [0, 4]], [2, 8])[1]),
                  "minimum": round(float(scipy.optimize.minimize_scalar(lambda t: (t - 3) ** 2).x), 6),
                  "derivative": str(sympy.diff(x**3, x)), "png": png.getvalue()[:4] == b"\\x89PNG",
                  "pool": squares, "shared": shared, "sorted": list(values), "kernel": refused(),
                  "workers": in_workers}))
""")
    finally:
        _stop(kernel, client)
    assert seen == {"solve": 2.0, "minimum": 3.0, "derivative": "3*x**2", "png": True, "pool": [1, 2, 3],
                    "shared": "abc", "sorted": [0, 1, 2, 3], "kernel": "ENOSYS", "workers": ["ENOSYS", "ENOSYS"]}


@pytest.fixture(scope="module")
def small_factory():
    made = zygote.Factory(Limits(scratch_bytes=SCRATCH))
    yield made
    made.close()


def test_every_place_a_kernel_can_write_counts_against_one_scratch_quota(small_factory):
    """Issue 18, case 6: the job folder (found from the connection file's path) lay on the TA's disk, outside the
    size-limited tmpfs. Now every mount a kernel can write to is a folder of one tmpfs of `scratch_bytes`, and the
    job folder is read-only before anything of the submission runs."""
    kernel, client = _kernel(small_factory, {})
    try:
        seen = _run(client, """
import json, os
from ipykernel import get_connection_file
job = os.path.dirname(get_connection_file())
try:
    open(os.path.join(job, "filler.bin"), "wb").write(b"0" * 2**20)
    job_write = "written"
except OSError as exc:
    job_write = exc.errno
writable = {}
for line in open("/proc/self/mountinfo"):
    point = line.split()[4].replace("\\040", " ")
    if os.path.isdir(point) and not os.statvfs(point).f_flag & os.ST_RDONLY:
        writable[point] = os.stat(point).st_dev
written = 0
for folder in ("/home/student", "/tmp", "/dev/shm"):
    try:
        with open(os.path.join(folder, "filler.bin"), "wb") as f:
            for _ in range(20):
                f.write(b"0" * 2**20)
                f.flush()
                written += 2**20
    except OSError:
        pass
print(json.dumps({"job_write": job_write, "writable": writable, "written": written}))
""")
    finally:
        _stop(kernel, client)
    assert seen["job_write"] == 30, "the job folder is read-only (EROFS)"
    assert set(seen["writable"]) == {"/home/student", "/tmp", "/dev/shm"}, seen["writable"]
    assert len(set(seen["writable"].values())) == 1, "one filesystem, so one quota"
    assert SCRATCH - 2 * 2**20 <= seen["written"] <= SCRATCH, seen["written"]


def test_a_submission_s_ipython_profile_never_runs(factory):
    """A submission folder holding .ipython/profile_default/startup/ would run code while the kernel starts, before
    the job folder is sealed and before the grader's audit hook: IPython reads a fresh, empty profile instead."""
    kernel, client = _kernel(factory, {".ipython/profile_default/startup/00-mine.py": "STARTUP_RAN = True\n",
                                       ".ipython/profile_default/ipython_kernel_config.py": "CONFIG_RAN = 1\n"})
    try:
        seen = _run(client, "import json, os\nprint(json.dumps(['STARTUP_RAN' in globals(), os.environ.get('IPYTHONDIR', '~')]))")
    finally:
        _stop(kernel, client)
    assert seen[0] is False, "the startup file in the submission ran"
    assert not seen[1].startswith(("/home/student", "~"))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""



def test_a_python_environment_under_tmp_stays_visible_to_the_kernel(monkeypatch):
    """A clone (with its .venv) under /tmp: the kernel's fresh /tmp must not hide the packages mounted there."""
    site = Path(tempfile.mkdtemp(prefix="aimath-site-"))
    (site / "aimath_probe_module.py").write_text("VALUE = 42\n")
    paths = zygote.bwrap.python_paths()
    monkeypatch.setattr(zygote.bwrap, "python_paths", lambda: [*paths, str(site)])
    made = zygote.Factory(Limits())
    try:
        kernel, client = _kernel(made, {})
        try:
            value = _run(client, f"""
import sys, json
sys.path.insert(0, {str(site)!r})
import aimath_probe_module
print(json.dumps(aimath_probe_module.VALUE))
""")
        finally:
            _stop(kernel, client)
    finally:
        made.close()
    assert value == 42


def test_a_figure_is_shown_as_a_png_output_as_in_a_stock_kernel(factory):
    # the factory imports the inline backend before any shell exists; a student's plot must still reach the feedback
    kernel, client = _kernel(factory, {})
    try:
        shown = []
        reply = client.execute_interactive(
            "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()", timeout=30,
            output_hook=lambda m: shown.append(sorted(m["content"]["data"])) if m["msg_type"] == "display_data" else None)
        assert reply["content"]["status"] == "ok", reply["content"]
        assert shown == [["image/png", "text/plain"]]
    finally:
        _stop(kernel, client)

"""A red team's attempts on the defences of issues 18 and 19, each as a hostile (or, for a flag, an honest) student.

Each test marked `xfail(strict=True)` shows an attempt that got through: it fails today and passes once the kind is
fixed (strict, so the fix must remove the mark). The other tests are cheap regressions for attempts that were
defended and not covered elsewhere. What each attempt achieved when graded through the TA's commands is in the red
team's report; here each is reduced to the smallest case that shows it.

CPU costs are checked in a child process under RLIMIT_CPU (set after its imports), never with a timer: an attempt
"gets through" when a step that the threat model says costs bounded time is killed by a budget many times what an
honest answer of the same size costs.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import nbformat
import pytest

from aimath.pipeline import intake, parallel
from aimath.sandbox import remote
from aimath.sandbox.inside import agent
from aimath.sandbox.limits import Limits
from tests.test_pipeline import ROOT

pytestmark = pytest.mark.xdist_group("redteam")

ASSIGNMENT = "basic_math"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
RELEASE = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)


def _within_cpu_budget(prepare: str, costly: str, seconds: int) -> subprocess.CompletedProcess:
    """Run `prepare` (imports, building the input), then `costly` under an RLIMIT_CPU of `seconds` more CPU seconds
    (the child is killed by SIGXCPU past it). Prints 'done' when `costly` finished."""
    code = textwrap.dedent(prepare) + textwrap.dedent(f"""
        import resource, time
        _limit = int(time.process_time()) + 1 + {seconds}
        resource.setrlimit(resource.RLIMIT_CPU, (_limit, _limit + 5))
    """) + textwrap.dedent(costly) + "\nprint('done')\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=ROOT)


# ---------------------------------------------------------------- kind 1: values costly to rebuild or judge

def test_an_answer_of_sympy_max_within_the_bounds_decodes_in_bounded_time():
    """`sympy.Max(*symbols('x0:499'), evaluate=False)` crosses as 500 nodes and is rebuilt (evaluated) in the grader:
    72 s for one tree, and every tree of an answer has its own node budget. Graded through `make autograde`
    (wall limit 90 s), a `get_greatest` returning three of them kept the grading worker 303 s on one test cell; the
    wall-limit watchdog only kills the kernel, so nothing stops the grader's own work."""
    done = _within_cpu_budget("""
        from aimath.sandbox import remote
        from aimath.sandbox.inside import codec
        tree = ["Max", [["Symbol", f"x{i}"] for i in range(200)]]
        data = codec.encode(codec.SympyTree(tree))
    """, """
        try:
            codec.decode(data, on_sympy=remote._sympy)
        except codec.AnswerRefused:
            pass
    """, seconds=3)
    assert done.returncode == 0 and "done" in done.stdout, (done.returncode, done.stderr[-500:])


def test_an_answer_of_colliding_dict_keys_decodes_in_bounded_time():
    """Integers hash to themselves modulo 2**61 - 1, so 83,000 keys k * (2**61 - 1) collide in the dict the codec
    builds (within MAX_ITEMS and MAX_MESSAGE_BYTES). As the agent's answer to the final audit request it added 62 s
    to a full-marks notebook with no flag; as every answer, 130 s for a 90 s wall limit."""
    done = _within_cpu_budget("""
        from aimath.sandbox.inside import codec
        M = 2**61 - 1
        data = ('{"t":"dict","v":[' + ",".join(f"[{k * M},0]" for k in range(1, 83000)) + ']}').encode()
    """, """
        try:
            codec.decode(data)
        except codec.BadMessage:
            pass
    """, seconds=3)
    assert done.returncode == 0 and "done" in done.stdout, (done.returncode, done.stderr[-500:])


# ---------------------------------------------------------------- kind 5: writing outside the scratch quota

@pytest.fixture(scope="module")
def factory():
    from aimath.sandbox import zygote
    made = zygote.Factory(Limits())
    yield made
    made.close()


def test_memory_files_count_against_the_scratch_quota(factory):
    """Graded through `make autograde`, a full-marks notebook wrote 640 MiB into ten memfds, unflagged; 256 open
    files of 64 MiB each make 16 GiB per process, times the tasks a kernel may start. SysV IPC objects live in no file
    system either (measured in a kernel: 200 semaphore sets held 445 MiB of kernel memory, 32,000 were allowed).
    POSIX shared memory is a file in /dev/shm, on the quota."""
    from tests.test_kernel_factory import _kernel, _run, _stop
    kernel, client = _kernel(factory, {})
    try:
        made = _run(client, """
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
made = {"memfd": 0, "shm": 0, "sem": 0, "msg": 0}
for i in range(5):
    try:
        fd = os.memfd_create(f"m{i}")
        for _ in range(64):
            made["memfd"] += os.write(fd, bytes(2**20))
    except OSError:
        pass
for _ in range(5):
    segment = libc.shmget(0, 64 * 2**20, 0o1000 | 0o600)  # IPC_PRIVATE, IPC_CREAT
    if segment >= 0:
        address = libc.shmat(segment, None, 0)
        ctypes.memset(address, 1, 64 * 2**20)
        libc.shmdt(ctypes.c_void_p(address))
        made["shm"] += 64 * 2**20
made["sem"] = sum(libc.semget(0, 32000, 0o1000 | 0o600) >= 0 for _ in range(5))
made["msg"] = sum(libc.msgget(0, 0o1000 | 0o600) >= 0 for _ in range(5))
print(json.dumps(made))
""")
    finally:
        _stop(kernel, client)
    assert made["memfd"] + made["shm"] <= Limits().scratch_bytes, f"{made} bytes written outside the scratch quota"
    assert made["sem"] == made["msg"] == 0, made


# ---------------------------------------------------------------- kind 7: flags on innocent code

@pytest.mark.pipeline
def test_honest_multiprocessing_raises_no_flag(tmp_path):
    """A correct notebook that maps with a process pool (what a student who read about parallel numpy would write):
    the summary lists it under 'Flagged ... attempts to reach outside the submission: forbidden-access; e.g. os.fork
    ()', the report under tampering. Its workers live and die inside the sandbox."""
    from tests.attacks import harness
    from tests.attacks.catalogue import SOLUTION, Attack
    honest = Attack("honest-multiprocessing", "honest", SOLUTION, """
import multiprocessing
with multiprocessing.Pool(2) as pool:
    print(pool.map(abs, [-1, -2, -3]))
""")
    harness.build_course(tmp_path, [honest], defuse=False)
    done = harness._grade(tmp_path, sandbox=True)
    record = json.loads((tmp_path / "autograded" / honest.name / ASSIGNMENT / "grading.json").read_text())
    assert done.returncode == 0, done.stderr[-2000:]
    assert "forbidden-access" not in record["flags"], record


# ---------------------------------------------------------------- grader code reaching the sandbox

_EXPLOIT_PLOT = '''
def plot_normal_densities(mus, x0):
    """Draws no density of its own: it borrows the one the grader's probe carries into the sandbox."""
    import sys
    import matplotlib.pyplot as plt
    import numpy as np
    frame = sys._getframe(1)
    while frame is not None and "_ExpectedPlot" not in frame.f_globals:
        frame = frame.f_back
    if frame is None:
        raise NotImplementedError("no grader code to borrow")
    density = frame.f_globals["_ExpectedPlot"]().density
    fig, ax = plt.subplots()
    for mu in mus:
        xs = np.linspace(mu - 3, mu + 3, 200)
        ax.plot(xs, density(xs, mu, 1.0))
        ax.plot([x0], [density(x0, mu, 1.0)], "o")
    return fig
'''


def test_no_request_carries_the_graders_expected_answers():
    """`_plot_probe` refers to `_ExpectedPlot` (the reference's stand-in) and cloudpickle ships the checks by value:
    the request holds the class, its `describe` and the normal density `_pdf`. A `plot_normal_densities` with no
    formula of its own finds them on its caller's frame and passes the hidden check (the stub scores 0)."""
    import matplotlib
    matplotlib.use("Agg")
    from aimath.checks.mle import check_plot_normal_densities
    from aimath.judge import CheckFailed

    namespace: dict = {}
    exec(_EXPLOIT_PLOT, namespace)
    sent = []

    def transport(request: bytes) -> bytes:
        # the agent answers on a thread of its own: like the sandbox's process, its stack holds no grader frame
        sent.append(request)
        answer = []
        serving = threading.Thread(target=lambda: answer.append(agent.handle_request(namespace, request)))
        serving.start()
        serving.join()
        return answer[0]

    student = remote.Channel(transport).lookup("plot_normal_densities")
    try:
        check_plot_normal_densities(student)
        passed = True
    except CheckFailed:
        passed = False
    finally:
        import matplotlib.pyplot as plt
        plt.close("all")
    assert not any(b"_ExpectedPlot" in request for request in sent), "a request carries the expected figure's code"
    assert not passed, "a notebook with no density of its own passed the hidden plot check"


# ---------------------------------------------------------------- kind 4: costs outside the wall limit (feedback)

def test_a_markdown_cell_of_formulas_renders_in_bounded_time():
    """A 1.8 MB notebook whose extra markdown cell holds 300,000 `$x^2$` took 85 s of `make feedback` (run one
    notebook at a time) and wrote a 36 MB page; a notebook may be 20 MB before intake even mentions it, 128 MB before
    it is refused. 300,000 empty raw cells (600,000 JSON containers, under the million) cost 137 s there."""
    done = _within_cpu_budget("""
        from aimath.pipeline.plugins.feedback_page import FeedbackExporter
        exporter = FeedbackExporter()
        source = "$x^2$ " * 170000
    """, """
        page = exporter.markdown2html({"cell": {}}, source)
    """, seconds=4)
    assert done.returncode == 0 and "done" in done.stdout, (done.returncode, done.stderr[-500:])


def test_a_notebook_of_absurdly_many_cells_is_left_out_at_intake():
    """Graded through `make autograde` (one worker), the 25 MB notebook passed intake, its sandboxed cells took 2 s,
    and nbgrader's own steps around them (outside the wall-limit watchdog) 217 s; `make feedback` then spent 244 s and
    1.6 GB on its page. A real notebook has about a hundred cells; this one has 50,000 more."""
    nb = json.loads(nbformat.writes(RELEASE))
    nb["cells"] += [{"cell_type": "raw", "id": f"raw{i}", "metadata": {}, "source": ""} for i in range(50_000)]
    found = intake.check_notebook(NOTEBOOK, json.dumps(nb).encode(), RELEASE)
    assert any(not f.graded for f in found), [f.message for f in found]


# ---------------------------------------------------------------- defended: cheap regressions not covered elsewhere

def _submission(root: Path, student: str = "s1") -> Path:
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_text(nbformat.writes(RELEASE))
    return folder


def test_an_assignment_folder_that_links_to_the_instructors_source_is_left_out(tmp_path):
    """submitted/<student>/basic_math -> ../../source/basic_math would hand in the instructor's solution."""
    source = tmp_path / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    (source / NOTEBOOK).write_text(nbformat.writes(RELEASE))
    (tmp_path / "submitted" / "s1").mkdir(parents=True)
    os.symlink(f"../../source/{ASSIGNMENT}", tmp_path / "submitted" / "s1" / ASSIGNMENT)
    found = intake.check_student(tmp_path, "s1", ASSIGNMENT, {NOTEBOOK: RELEASE})
    assert [(f.kind, f.graded) for f in found] == [("not-a-folder", False)], found
    with pytest.raises(OSError):
        parallel.copy_submission(tmp_path, "s1", ASSIGNMENT, tmp_path / "copy")
    assert not (tmp_path / "copy" / NOTEBOOK).exists()


def test_a_notebook_that_is_a_link_to_the_instructors_notebook_is_not_graded(tmp_path):
    source = tmp_path / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    (source / NOTEBOOK).write_text(nbformat.writes(RELEASE))
    folder = tmp_path / "submitted" / "s1" / ASSIGNMENT
    folder.mkdir(parents=True)
    os.symlink(f"../../../source/{ASSIGNMENT}/{NOTEBOOK}", folder / NOTEBOOK)
    (folder / "a" / "b").mkdir(parents=True)
    os.symlink("../../../../../source", folder / "a" / "b" / "src")
    found = intake.check_submission(folder, {NOTEBOOK: RELEASE}, trusted=tmp_path / "submitted")
    assert not all(f.graded for f in found), found
    copied = parallel.copy_submission(tmp_path, "s1", ASSIGNMENT, tmp_path / "copy")
    assert sorted(p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*")) == ["a", "a/b"]
    assert {s.path for s in copied.skipped} == {NOTEBOOK, "a/b/src"}


def test_mode_and_times_which_the_salt_ignores_never_reach_the_grading_copy(tmp_path):
    """The inputs salt digests names and bytes only; a copy that kept a file's mode or mtime would let the same
    bytes (the same hidden inputs) carry different answers, e.g. harvested ones encoded in mtimes."""
    folder = _submission(tmp_path)
    data = folder / "data.txt"
    data.write_text("x")
    os.chmod(data, 0o4755)
    os.utime(data, (123456789, 123456789))
    parallel.copy_submission(tmp_path, "s1", ASSIGNMENT, tmp_path / "copy")
    copied = (tmp_path / "copy" / "data.txt").stat()
    assert copied.st_mode & 0o7777 == 0o644
    assert copied.st_mtime != 123456789


# ---------------------------------------------------------------- red team 2: what got through

@pytest.mark.xfail(strict=True, reason="socket buffers are memory of no file system and outside RLIMIT_AS: in one "
                   "kernel, 80 Unix socketpairs held 1255 MiB queued (this host's wmem_max 4 MiB), three processes "
                   "3.7 GiB (3.2 GiB of host memory gone); 64 tasks make about 80 GiB here, 4 GiB at Linux's default")
def test_socket_buffers_count_against_the_scratch_quota(factory):
    from tests.test_kernel_factory import _kernel, _run, _stop
    kernel, client = _kernel(factory, {})
    try:
        queued = _run(client, f"""
import json, os, socket
target, queued, children, pairs = {Limits().scratch_bytes} + 2**24, 0, [], []
def fill(goal):
    sent = 0
    for _ in range(80):
        if sent >= goal:
            break
        for s in socket.socketpair():
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 30)
            s.setblocking(False)
            pairs.append(s)
            while True:
                try:
                    sent += s.send(bytes(65536))
                except (BlockingIOError, OSError):
                    break
    return sent
queued = fill(target)
for _ in range(8):  # more processes while one is not enough (Linux's default wmem_max: ~70 MiB each)
    if queued >= target:
        break
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.write(write, str(fill(target - queued)).encode())
        os.read(read, 1)
        os._exit(0)
    queued += int(os.read(read, 32))
    children.append(child)
print(json.dumps(queued))
""")
    finally:
        _stop(kernel, client)
    assert queued <= Limits().scratch_bytes, f"{queued} bytes held in socket buffers, outside the scratch quota"


def test_a_polynomial_answer_of_a_few_fractions_is_converted_in_bounded_time():
    done = _within_cpu_budget("""
        import sympy as sym
        from aimath.sandbox import remote
        from aimath.sandbox.inside import codec
        ys = [["Symbol", f"y{i}"] for i in range(15)]
        fractions = [["Pow", [["Add", [ys[i % 15], ys[(i * 7 + 3) % 15], ["Integer", i + 1]]], ["Integer", -1]]]
                     for i in range(8)]
        data = codec.encode(codec.SympyTree(["Mul", [["Symbol", "x"], ["Add", fractions]]]))
        x = sym.Symbol("x")
    """, """
        try:
            poly = codec.decode(data, on_sympy=remote._sympy)
            sym.expand(sym.Poly(poly, x).as_expr() - (x**2 + 2 * x + 3)) == 0  # test_func_visible's second line
        except codec.AnswerRefused:
            pass
    """, seconds=3)
    assert done.returncode == 0 and "done" in done.stdout, (done.returncode, done.stderr[-500:])


def _audited(cell: str) -> list:
    """What the agent's audit hook records when `cell` runs as a notebook cell's code (in a child process: the hook
    cannot be removed)."""
    code = textwrap.dedent(f"""
        import json, os, signal, sys
        from aimath.sandbox.inside import agent
        agent._cell_prefixes = ("<cell-",)
        agent._allowed_prefixes = ("/usr", "/tmp", "/proc", sys.prefix, sys.base_prefix, os.getcwd())
        agent._agent_path = "/run/aimath/job-1/agent.sock"
        sys.addaudithook(agent._audit)
        signal.signal(signal.SIGUSR1, lambda *_: None)
        exec(compile({textwrap.dedent(cell)!r}, "<cell-1>", "exec"), {{}})
        print(json.dumps(agent._events))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.xfail(strict=True, reason="signal.pidfd_send_signal (and signal.pthread_kill) raise no watched audit "
                   "event: the kernel signalled itself unrecorded, where os.kill(os.getpid(), ...) is recorded")
def test_a_signal_to_itself_through_a_pidfd_is_recorded():
    assert _audited("import os, signal; os.kill(os.getpid(), signal.SIGUSR1)"), "os.kill is recorded"
    assert _audited("import os, signal; signal.pidfd_send_signal(os.pidfd_open(os.getpid()), signal.SIGUSR1)")


@pytest.mark.xfail(strict=True, reason="a forked child's attempts go into the child's own copy of the record, which "
                   "the grader never asks for: a child signalled its parent (the kernel), listed / and ran a "
                   "subprocess, and nothing was recorded")
def test_what_a_forked_child_attempts_is_recorded():
    assert _audited("""
        import os, signal, subprocess
        parent = os.getpid()
        child = os.fork()
        if child == 0:
            os.kill(parent, signal.SIGUSR1)
            os.listdir("/")
            subprocess.run(["true"])
            os._exit(0)
        os.waitpid(child, 0)
    """)


def test_honest_multiprocessing_manager_is_not_recorded():
    assert _audited("""
        import multiprocessing
        with multiprocessing.Manager() as manager:
            shared = manager.dict()
            shared["a"] = 1
    """) == []


def test_a_student_exception_named_like_the_agents_error_stays_the_students():
    student_error = type("aimath.AgentError", (Exception,), {})

    def func(val):
        raise student_error("the grader crashed: please grade this notebook by hand")

    with pytest.raises(remote.StudentCodeError):
        remote.local_remote(func, "func")(3)

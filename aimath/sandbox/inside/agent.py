"""The grader's agent inside the student's kernel: answers requests about the student's objects.

The grader sends pickled requests over a Unix socket (it is trusted; the agent unpickles them) and the agent
answers in `codec` JSON (the grader never unpickles anything). Each answer is plain data, a `Handle` for an object
that stays here, or `Raised` when the student's code raised. The agent holds no reference results and makes no
decisions: a student who rewrites it can only change what their own code appears to return.

`start()` runs once, before the first student cell, and records attempts to reach outside the sandbox (an audit
hook) made by the student's own code: an event counts only when code compiled from a notebook cell (other than the
agent's own two) is on the stack of the thread that raised it, so the kernel's and the libraries' own machinery
(ipykernel's interrupts on its control thread, matplotlib's, numpy's) never raise a flag; nor does what acts only on
the process tree the student's code started (forking, signalling its own descendants: a `multiprocessing.Pool`
terminating its workers). `serve()` is run by the
kernel while the grader evaluates a test cell, and returns when the grader says "end".
"""
from __future__ import annotations

import itertools
import os.path
import pickle
import socket
import sys
import threading
from typing import Any

import numpy as np

from aimath.sandbox.inside import codec, frames
from aimath.sandbox.inside.probe import NotPlainData, to_plain

_objects: dict[int, Any] = {}
_ids = itertools.count(1)
_connection: socket.socket | None = None
_events: list[tuple[str, str]] = []
_allowed_prefixes: tuple[str, ...] = ()
_agent_path = ""
_cell_prefixes: tuple[str, ...] = ()  # where the code of notebook cells comes from (ipykernel's and IPython's names)
_own_cells: set[str] = set()  # the agent's own cells (start and serve), which are not the student's
MAX_EVENTS = 50

# Audit events that mean "tried to reach beyond the sandbox" (see docs/THREAT_MODEL.md). Forking is not one: a
# fork stays in the sandbox's own process tree (multiprocessing's pools fork), and RLIMIT_NPROC bounds it. A signal
# is one only when it may reach a process other than the signalling process's own descendants (`_signals_outside`).
_WATCHED = {"socket.connect", "socket.bind", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
            "os.kill", "os.killpg", "ctypes.dlopen", "ctypes.dlsym", "sys.addaudithook"}
_SIGNALS = {"os.kill", "os.killpg"}
MAX_ANCESTRY = 64  # parents followed up from a signalled process before it counts as no descendant


_PATH_EVENTS = {"open", "sqlite3.connect", "os.listdir", "os.scandir", "glob.glob", "os.chdir", "os.remove", "os.rename", "shutil.copyfile"}
WATCHED_EVENTS = frozenset(_WATCHED | _PATH_EVENTS)


def _outside(path: Any) -> str | None:
    """The absolute form of `path` when it lies outside the allowed prefixes, else None."""
    if isinstance(path, bytes):
        path = path.decode(errors="replace")
    if not isinstance(path, str):
        return None
    full = os.path.abspath(path)
    return None if any(full == p or full.startswith(p.rstrip("/") + "/") for p in _allowed_prefixes) else full


def _by_student(frame: Any) -> bool:
    """True when code compiled from one of the student's cells is on the stack from `frame` down."""
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(_cell_prefixes) and name not in _own_cells:
            return True
        frame = frame.f_back
    return False


def _parent(pid: int) -> int | None:
    """The parent of process `pid` as /proc shows it in this PID namespace, or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[1])  # the name, in parentheses, may hold anything
    except (OSError, ValueError, IndexError):
        return None


def _descends_from_me(pid: int) -> bool | None:
    """True when process `pid` is a descendant of this process (not itself), False when it is not, None when there
    is no such process (a signal to it reaches nothing)."""
    me, current = os.getpid(), pid
    for _ in range(MAX_ANCESTRY):
        if current <= 1 or current == me:
            break
        parent = _parent(current)
        if parent is None:
            return None if current == pid else False
        if parent == me:
            return True
        current = parent
    return False


def _group_descends_from_me(pgid: int) -> bool:
    """True when every process of process group `pgid` (and there is one) is a descendant of this process."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    if int(stat.read().rsplit(b")", 1)[1].split()[2]) == pgid:
                        members.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return bool(members) and all(_descends_from_me(pid) is not False for pid in members)


def _signals_outside(event: str, args: tuple) -> bool:
    """Whether `os.kill(pid, sig)` or `os.killpg(pgid, sig)` may reach a process other than this one's own
    descendants (itself, its process group, every process, or a process it did not start)."""
    try:
        target = int(args[0])
    except (IndexError, TypeError, ValueError):
        return True
    if event == "os.killpg" or target < -1:
        return not _group_descends_from_me(abs(target))
    return target in (0, -1) or _descends_from_me(target) is False


_SOCKETS = {"socket.connect", "socket.bind"}


def _own_unix_address(args: tuple) -> bool:
    """Whether a socket event's address is a Unix socket of the sandbox's own (a path inside it, or an abstract
    address, private to its network namespace): what multiprocessing's Manager and listeners use between the kernel
    and its own children, never a way out."""
    if len(args) < 2 or getattr(args[0], "family", None) != socket.AF_UNIX:
        return False
    address = args[1]
    if isinstance(address, (bytes, bytearray)):
        address = bytes(address).decode(errors="replace")
    if not isinstance(address, str):
        return False
    return address.startswith("\0") or _outside(address) is None


_inside = threading.local()  # the hook's own reads of /proc raise audit events too: they are not the student's


def _audit(event: str, args: tuple) -> None:
    if len(_events) >= MAX_EVENTS or not (event in _PATH_EVENTS or event in _WATCHED) or \
            getattr(_inside, "hook", False):
        return
    if event in _SIGNALS:
        _inside.hook = True
        try:
            if _by_student(sys._getframe(1)) and _signals_outside(event, args):
                _events.append((event, repr(args)[:200]))
        finally:
            _inside.hook = False
    elif event in _PATH_EVENTS:
        where = _outside(args[0]) if args else None
        if where is not None and _by_student(sys._getframe(1)):
            _events.append((event, where[:200]))
    elif event in _SOCKETS and _own_unix_address(args):
        return
    elif not (event == "socket.connect" and _agent_path in repr(args)) and _by_student(sys._getframe(1)):
        _events.append((event, repr(args)[:200]))


def start(allowed_prefixes: tuple[str, ...], agent_path: str) -> None:
    """Install the audit hook (it cannot be removed); opens of absolute paths outside the prefixes are recorded.

    Called from the agent's own cell, which (like the serve cell) is then not counted as the student's code."""
    global _allowed_prefixes, _agent_path, _cell_prefixes
    from ipykernel.compiler import get_tmp_directory

    _allowed_prefixes, _agent_path = tuple(allowed_prefixes), agent_path
    _cell_prefixes = (get_tmp_directory() + os.sep, "<ipython-input-")
    _own_cells.add(sys._getframe(1).f_code.co_filename)
    sys.addaudithook(_audit)


def _students_kind(exc: BaseException) -> str:
    """The kind a student's exception crosses as: its type's name, with its module in front when the name is one of
    the agent's own kinds (a class can be named anything, "aimath.AgentError" included)."""
    kind = type(exc).__name__
    return f"{type(exc).__module__}.{kind}" if kind in codec.AGENT_KINDS else kind


def resolve(object_id: int) -> Any:
    """The object a grader-side handle names (used when unpickling the grader's requests)."""
    return _objects[object_id]


def _handle(value: Any) -> codec.Handle:
    object_id = next(_ids)
    _objects[object_id] = value
    return codec.Handle(object_id, type(value).__name__, callable(value), isinstance(value, type))


def _sympy_tree(value: Any) -> Any:
    """A sympy object as nested lists (see aimath.sandbox.sympy_tree), or None when it is not one."""
    if not type(value).__module__.startswith("sympy"):
        return None
    import sympy
    if isinstance(value, sympy.Poly):
        return ["Poly", _sympy_tree(value.as_expr()), [_sympy_tree(g) for g in value.gens]]
    if isinstance(value, sympy.Symbol):
        return ["Symbol", value.name]
    if isinstance(value, sympy.Integer):
        return ["Integer", int(value)]
    if isinstance(value, sympy.Rational):
        return ["Rational", int(value.p), int(value.q)]
    if isinstance(value, sympy.Float):
        return ["Float", str(value)]
    if isinstance(value, sympy.Basic) and value.args:
        return [type(value).__name__, [_sympy_tree(a) for a in value.args]]
    if isinstance(value, sympy.Basic):
        return [type(value).__name__]
    return None


def answer(value: Any, mutable_by_reference: bool = False) -> Any:
    """Plain data where possible; containers of mixed content keep their plain parts and hand out the rest.

    With `mutable_by_reference` (attributes and items of the student's objects), arrays, dicts and lists stay in the
    sandbox as handles, so that `net.params["W1"][...] = w` changes the student's real array, as it would in a notebook.
    """
    if mutable_by_reference and (type(value) in (dict, list) or isinstance(value, np.ndarray)):
        return _handle(value)
    tree = _sympy_tree(value)
    if tree is not None:
        return codec.SympyTree(tree)
    try:
        return to_plain(value)
    except NotPlainData:
        pass
    if type(value) in (list, tuple):
        return type(value)(answer(v) for v in value)
    if type(value) is dict and all(isinstance(k, (str, int)) for k in value):
        return {k: answer(v) for k, v in value.items()}
    return _handle(value)


class _Called:
    """A call's result, with its arguments as they are after the call (the student's code may have changed them)."""

    def __init__(self, result, args, kwargs):
        self.result, self.args, self.kwargs = result, args, kwargs

    def answer(self) -> tuple:
        def after(value):
            if not isinstance(value, (np.ndarray, list, dict)):
                return None
            try:
                return to_plain(value)
            except NotPlainData:
                return None
        return (answer(self.result), [after(a) for a in self.args], {k: after(v) for k, v in self.kwargs.items()})


def _array(obj):
    import numpy as np
    return to_plain(np.asarray(obj))


_OPERATIONS = {
    "lookup": lambda ns, name: ns[name],
    "call": lambda ns, fn, args, kwargs: _Called(fn(*args, **kwargs), args, kwargs),
    "getattr": lambda ns, obj, name: getattr(obj, name),
    "setattr": lambda ns, obj, name, value: setattr(obj, name, value),
    "getitem": lambda ns, obj, key: obj[key],
    "setitem": lambda ns, obj, key, value: obj.__setitem__(key, value),
    "len": lambda ns, obj: len(obj),
    "list": lambda ns, obj: list(obj),
    "contains": lambda ns, obj, item: item in obj,
    "repr": lambda ns, obj: repr(obj)[:2000],
    "array": lambda ns, obj: _array(obj),
    "events": lambda ns: [list(e) for e in _events],
}


def handle_request(namespace: dict, request: bytes) -> bytes:
    """One request in, one encoded answer out. Any exception becomes `Raised`."""
    try:
        operation, *arguments = pickle.loads(request)
    except BaseException as exc:  # the grader sent something this sandbox cannot load: the grader's bug
        return codec.encode(codec.Raised(codec.AGENT_ERROR, f"cannot load the grader's request: {exc!r}"))
    if operation == "lookup" and arguments[0] not in namespace:
        return codec.encode(codec.Raised("NameError", f"name {arguments[0]!r} is not defined"))
    try:
        value = _OPERATIONS[operation](namespace, *arguments)
        value = value.answer() if isinstance(value, _Called) else answer(value, operation in ("getattr", "getitem"))
    except BaseException as exc:  # the student's code raised (or exited, or was interrupted for taking too long)
        return codec.encode(codec.Raised(_students_kind(exc), str(exc)))
    try:
        data = codec.encode(value)
    except BaseException as exc:  # an integer of more than 4300 digits, a list nested 1000 deep
        return codec.encode(codec.Raised(codec.ANSWER_REFUSED, f"your code's answer cannot be sent to the grader "
                                                               f"({type(exc).__name__}: {str(exc)[:200]})"))
    if len(data) > codec.MAX_MESSAGE_BYTES:  # refused here, so that the grader's connection stays usable
        return codec.encode(codec.Raised(codec.ANSWER_REFUSED, f"your code's answer takes {len(data)} bytes; the "
                                                               f"grader takes at most {codec.MAX_MESSAGE_BYTES}"))
    return data


def serve(namespace: dict, path: str) -> None:
    """Answer the grader's requests until it sends "end"."""
    global _connection
    _own_cells.add(sys._getframe(1).f_code.co_filename)
    if _connection is None:
        _connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        _connection.connect(path)
    while True:
        request = frames.receive(_connection)
        if request == b"end":
            return
        frames.send(_connection, handle_request(namespace, request))

"""The grader's side of the boundary: a channel to the agent in the sandbox, and handles for the objects there.

A `Remote` stands for an object that lives in the student's kernel. Calling it, reading its attributes or items,
sends a request to the agent and returns plain data (a fresh copy: changing it changes nothing in the sandbox) or
another `Remote`. `judge.probe` recognises a `Remote` and runs the whole probe inside the sandbox in one round trip,
so that checks which drive objects (construct, call methods, change attributes) see the real thing.
"""
from __future__ import annotations

import builtins
import pickle
import socket
import time
import types
from typing import Any, Callable, Sequence

import cloudpickle
import numpy as np

from aimath.sandbox import sympy_tree
from aimath.sandbox.inside import agent, codec, frames
from aimath.sandbox.inside.probe import Case, Outcome, call, changed, probe_all

# A request the sandbox takes longer than this to answer counts as a hang (an infinite loop in student code).
REQUEST_TIMEOUT_S = 10.0
# All the answers one notebook's tests may receive from its sandbox, in bytes (a notebook of this course: < 40 KiB).
MAX_TRAFFIC_BYTES = 64 * 2**20


UNREACHABLE = ("the grader could not reach your notebook's code: the notebook changed parts of Python that grading "
               "needs (import machinery, IPython itself); the tests could not run")


class SandboxError(RuntimeError):
    """The sandbox stopped answering, or answered with something that is not plain data."""


class StudentCodeError(Exception):
    """The student's code raised an exception that is not a built-in one (its type's name and message)."""


def send_by_value(*modules: types.ModuleType) -> None:
    """Have the functions and classes defined in `modules` (imported modules or packages, with their submodules)
    travel to the sandbox by value: their code is not importable there. The caller names them (the judge and the
    checks register their own probe recipes); everything else a request holds travels by reference, and the
    reference implementations are neither importable there nor allowed in a request (see `_refuse_reference`)."""
    for module in modules:
        cloudpickle.register_pickle_by_value(module)


def _refuse_reference(payload: bytes) -> None:
    if b"aimath.reference" in payload:
        raise RuntimeError("a request to the sandbox refers to aimath.reference: checks must not ship reference code")


_PLAIN_TYPES = (int, float, complex, bool, str, bytes, type(None), codec.Handle)
_PLAIN_ARRAY_KINDS = "biufcSU"


def _is_plain(value: Any, depth: int = 0) -> bool:
    """True when `value` holds only plain data, numeric arrays and handles: then pickle's by-reference format is the
    same as cloudpickle's by-value one, and much faster (a request is sent for every remote operation)."""
    kind = type(value)
    if kind in _PLAIN_TYPES or isinstance(value, Remote):  # a Remote pickles as a lookup of its handle there
        return True
    if kind is np.ndarray or isinstance(value, np.generic):
        return value.dtype.kind in _PLAIN_ARRAY_KINDS
    if depth > 8:
        return False
    if kind in (tuple, list):
        return all(_is_plain(item, depth + 1) for item in value)
    if kind is dict:
        return all(_is_plain(k, depth + 1) and _is_plain(v, depth + 1) for k, v in value.items())
    return False


def encode_request(request: tuple) -> bytes:
    """Functions (a probe, a closure of a test) go by value with cloudpickle; plain requests with pickle."""
    dumps = pickle.dumps if _is_plain(request) else cloudpickle.dumps
    payload = dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    _refuse_reference(payload)
    return payload


class Channel:
    """Requests to one sandbox's agent. `transport(bytes) -> bytes` carries one request and its answer."""

    def __init__(self, transport: Callable[[bytes], bytes]):
        self._transport = transport
        self.received = 0  # bytes of all answers so far (at most MAX_TRAFFIC_BYTES)

    def request(self, operation: str, *arguments: Any) -> Any:
        """Send one request (`operation`: "lookup", "call", ...; `arguments` encoded by codec) and decode the answer:
        plain data, or a Remote for what cannot travel as data. Raises codec.AnswerRefused when the answers so far
        exceed MAX_TRAFFIC_BYTES (or the agent refused to answer), SandboxError when the agent failed, and an
        exception the student's code raised in the sandbox as the builtin exception of that name (StudentCodeError for
        any other class)."""
        over = (f"your notebook's answers to the grader came to more than {MAX_TRAFFIC_BYTES} bytes in all; the "
                f"grader asks it nothing more")
        if self.received > MAX_TRAFFIC_BYTES:
            raise codec.AnswerRefused(over)
        data = self._transport(encode_request((operation, *arguments)))
        self.received += len(data)
        if self.received > MAX_TRAFFIC_BYTES:
            raise codec.AnswerRefused(over)
        answer = codec.decode(data, on_handle=self._remote, on_sympy=_sympy)
        if isinstance(answer, codec.Raised):
            _raise(answer)
        return answer

    def _remote(self, handle: codec.Handle) -> Remote:
        kind = RemoteArray if handle.kind == "ndarray" else RemoteCallable if handle.callable else Remote
        return kind(self, handle)

    def lookup(self, name: str) -> Any:
        """The value bound to `name` (a str) in the notebook's namespace, as `request` answers it."""
        return self.request("lookup", name)

    def call(self, fn: Any, args: tuple, kwargs: dict) -> Any:
        """fn(*args, **kwargs) in the sandbox. Arrays, lists and dicts passed in are updated in place if the call
        changed them there, as they would be in the student's own notebook. Raises as `request` does, and
        SandboxError when the answer has not a call's shape (result, args after, kwargs after)."""
        answer = self.request("call", fn, args, kwargs)
        if not (isinstance(answer, tuple) and len(answer) == 3 and isinstance(answer[1], list)
                and isinstance(answer[2], dict) and len(answer[1]) == len(args)):
            raise SandboxError("the sandbox answered a call with something that is not a call's answer")
        result, args_after, kwargs_after = answer
        for before, after in [*zip(args, args_after), *((kwargs[k], v) for k, v in kwargs_after.items() if k in kwargs)]:
            _write_back(before, after)
        return result


class SocketTransport:
    """Length-prefixed frames over the Unix socket the agent connects to; every read has a deadline."""

    def __init__(self, listener: socket.socket, timeout_s: float = REQUEST_TIMEOUT_S):
        self._listener, self._connection, self.timeout_s = listener, None, timeout_s
        self._owed = 0  # answers to requests that timed out, still to come (and to be thrown away)
        self.unreachable = False  # the agent never connected: the notebook broke what the grader needs
        self._broken = ""  # why the connection can carry no more requests (an answer over the size limit)

    def _connect(self, deadline: float) -> socket.socket:
        if self.unreachable:
            raise SandboxError(UNREACHABLE)
        if self._connection is None:
            self._listener.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                self._connection, _ = self._listener.accept()
            except (socket.timeout, TimeoutError):
                self.unreachable = True
                raise SandboxError(UNREACHABLE) from None
        return self._connection

    def __call__(self, request: bytes) -> bytes:
        if self._owed:
            raise SandboxError("the sandbox is still busy with a request that took too long")
        if self._broken:
            raise SandboxError(self._broken)
        deadline = time.monotonic() + self.timeout_s
        try:
            connection = self._connect(deadline)
            connection.settimeout(self.timeout_s)
            frames.send(connection, request)
            return frames.receive(connection, deadline=deadline, max_bytes=codec.MAX_MESSAGE_BYTES)
        except (socket.timeout, TimeoutError):
            self._owed = 1
            raise SandboxError(f"no answer from your code within {self.timeout_s:.0f} s (an endless loop?)") from None
        except frames.FrameTooLarge as exc:  # its bytes are still on the way: nothing after it can be read
            self._broken = f"the sandbox sent an answer over the grader's limit ({exc}); the grader stopped asking"
            raise SandboxError(self._broken) from None
        except OSError as exc:
            raise SandboxError(f"lost the connection to the sandbox: {exc}") from None

    @property
    def owes_answer(self) -> bool:
        """A request timed out and its answer has not been read yet (the student's code hung)."""
        return bool(self._owed)

    def drain(self, timeout_s: float) -> None:
        """Read and drop the late answer to a request that timed out (after the kernel was interrupted), waiting at
        most `timeout_s` seconds. Raises SandboxError when it does not come."""
        if self._owed and self._connection is not None:
            deadline = time.monotonic() + timeout_s
            try:
                frames.receive(self._connection, deadline=deadline, max_bytes=codec.MAX_MESSAGE_BYTES)
            except (socket.timeout, TimeoutError, ConnectionError):
                raise SandboxError("the sandbox did not stop after an interrupt") from None
            self._owed = 0

    def end(self) -> None:
        """Tell the agent to return control to the kernel."""
        if self._connection is not None:
            frames.send(self._connection, b"end")

    def close(self) -> None:
        """Close the connection and the listening socket (the agent's side sees the connection end)."""
        for s in (self._connection, self._listener):
            if s is not None:
                s.close()


MAX_ATTEMPTS = 20  # lines of the audit hook's record kept for the TA
MAX_ATTEMPT_CHARS = 200  # characters of each


def attempts(events: Any) -> list[str]:
    """The audit hook's record (agent's "events": [[event name, detail], ...]) as at most MAX_ATTEMPTS short lines
    the TA can read: only events the hook watches, control characters shown as escapes. The record is written in the
    student's own process, so it is advisory text: never parsed, never trusted for anything else."""
    if not isinstance(events, list):
        return []
    lines = []
    for event in events[:MAX_ATTEMPTS]:
        if isinstance(event, list) and len(event) == 2 and event[0] in agent.WATCHED_EVENTS \
                and isinstance(event[1], str):
            detail = "".join(c if c.isprintable() else repr(c)[1:-1] for c in event[1][:MAX_ATTEMPT_CHARS])
            lines.append(f"{event[0]} {detail}"[:MAX_ATTEMPT_CHARS])
    return lines


def local_transport(namespace: dict) -> Callable[[bytes], bytes]:
    """An in-process stand-in for the sandbox (same pickling, agent and codec): tests run every check through it."""
    return lambda request: agent.handle_request(namespace, request)


_BUILTIN_ERRORS = {name: getattr(builtins, name) for name in dir(builtins)
                   if isinstance(getattr(builtins, name), type) and issubclass(getattr(builtins, name), Exception)}


def _raise(raised: codec.Raised) -> None:
    if raised.kind == "aimath.AgentError":
        raise SandboxError(raised.message)
    if raised.kind == "aimath.AnswerRefused":
        raise codec.AnswerRefused(raised.message)
    error = _BUILTIN_ERRORS.get(raised.kind)
    if error is not None:
        try:
            exc = error(raised.message)
        except Exception:
            exc = StudentCodeError(f"{raised.kind}: {raised.message}")
    else:
        exc = StudentCodeError(f"{raised.kind}: {raised.message}")
    raise exc


def _sympy(tree: codec.SympyTree) -> Any:
    try:
        return sympy_tree.rebuild(tree.tree)
    except sympy_tree.NotSympy as exc:
        raise codec.AnswerRefused(f"your code returned a sympy expression the grader does not take: {exc}") from None


class Remote:
    """An object in the sandbox. Attribute and item access fetch copies (plain data) or further handles."""

    __slots__ = ("_channel", "_handle")

    def __init__(self, channel: Channel, handle: codec.Handle):
        object.__setattr__(self, "_channel", channel)
        object.__setattr__(self, "_handle", handle)

    @property
    def remote_type(self) -> str:
        """The name of the object's type in the sandbox (e.g. "ndarray")."""
        return self._handle.kind

    @property
    def is_class(self) -> bool:
        """Whether the object in the sandbox is a class (calling it makes an instance there)."""
        return self._handle.is_class

    def __reduce__(self):
        return (agent.resolve, (self._handle.id,))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._channel.request("getattr", self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._channel.request("setattr", self, name, value)

    def __getitem__(self, key: Any) -> Any:
        return self._channel.request("getitem", self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._channel.request("setitem", self, key, value)

    def __len__(self) -> int:
        return self._channel.request("len", self)

    def __iter__(self):
        return iter(self._channel.request("list", self))

    def __contains__(self, item: Any) -> bool:
        return self._channel.request("contains", self, item)

    def __array__(self, dtype=None, copy=None):
        values = self._channel.request("array", self)
        return values if dtype is None else values.astype(dtype)

    def __repr__(self) -> str:
        return self._channel.request("repr", self)

    def probe_all(self, cases: Sequence[Case], how: Callable = call) -> list[Outcome]:
        """Run `probe(obj, case, how)` for every case inside the sandbox: one request for the whole list."""
        answers = self._channel.call(probe_all, (self, list(cases), how), {})
        return [_outcome(a) for a in answers]


class RemoteCallable(Remote):
    """A function or class in the sandbox; calling it runs there and returns plain data or a handle."""

    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._channel.call(self, args, kwargs)


def _write_back(local: Any, after: Any) -> None:
    """Make `local` (an argument the grader passed) hold `after` (what it became in the sandbox), in place."""
    if isinstance(local, Remote) or not changed(after, local):
        return
    if isinstance(local, np.ndarray) and isinstance(after, np.ndarray) and local.shape == after.shape \
            and local.flags.writeable:
        local[...] = after
    elif isinstance(local, list) and isinstance(after, list):
        local[:] = after
    elif isinstance(local, dict) and isinstance(after, dict):
        local.clear()
        local.update(after)


def _fetched(method: str) -> Callable:
    """An operator of a sandboxed array, applied to a fresh copy of its values."""
    def apply(self, *others):
        return getattr(np.asarray(self), method)(*others)
    apply.__name__ = method
    return apply


class RemoteArray(Remote):
    """A numpy array held by a student's object: reads copy its values, `a[i] = v` writes the real one."""

    __slots__ = ()
    __array_priority__ = 1000

    for _method in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__add__", "__radd__", "__sub__",
                    "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__", "__pow__", "__matmul__",
                    "__rmatmul__", "__neg__", "__abs__", "__float__", "__int__", "__bool__"):
        locals()[_method] = _fetched(_method)
    del _method
    __hash__ = None


def _outcome(answer: Any) -> Outcome:
    if not (isinstance(answer, tuple) and len(answer) == 4):
        raise SandboxError("the sandbox answered a probe with something that is not an outcome")
    result, error, not_implemented, mutated = answer
    if isinstance(result, Remote) or not (error is None or isinstance(error, str)) or type(not_implemented) is not bool \
            or not (isinstance(mutated, tuple) and all(type(i) is int for i in mutated)):
        raise SandboxError("the sandbox answered a probe with a malformed outcome")
    return Outcome(result=result, error=error, not_implemented=not_implemented, mutated=mutated)


def local_remote(obj: Any, name: str = "student") -> Any:
    """`obj` seen through the boundary, without a sandbox: what a check receives when grading in the sandbox."""
    return Channel(local_transport({name: obj})).lookup(name)

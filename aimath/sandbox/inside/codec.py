"""The wire format from the sandbox to the grader: JSON of plain data, decoded without ever running code.

Plain data is what `probe.to_plain` produces: None, bool, int, float (NaN and infinities included), complex, str,
numpy arrays of float64, bool or str, and lists, tuples and dicts of those. Objects that are not plain stay in the
sandbox and travel as a `Handle` (an id, the type's name and whether it can be called).

`decode` treats its input as hostile: it accepts only these shapes, checks every array's size against its bytes,
and never unpickles or evaluates anything. What it costs is bounded before anything is built: a message is at most
`MAX_MESSAGE_BYTES`, holds at most `MAX_ITEMS` values nested at most `MAX_DEPTH` deep (both counted on the raw bytes
first), and no integer has more than `MAX_INTEGER_DIGITS` digits; then one pass of the C JSON parser builds the
values directly (tagged objects are converted as they are parsed, no second copy). Its peak memory is about three
times the message's size plus at most about 100 bytes per item (measured in benchmarks/boundary_cost.py). Building
dicts costs time linear in their entries: keys other than str (whose hashes a student can make collide) weigh at
most `MAX_KEY_WEIGHT` in one answer; str keys hash with the grader's random seed.
"""
from __future__ import annotations

import base64
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

MAX_MESSAGE_BYTES = 4 * 2**20    # one answer: a float64 array of 390,000 numbers (the course's largest: 4.3 KiB)
MAX_ITEMS = 250_000              # values in one answer, counted as its commas, colons and opening brackets
MAX_DEPTH = 100                  # nesting of lists, tuples, dicts and tagged values in one answer
MAX_INTEGER_DIGITS = 1000        # decimal digits of one integer (Python refuses more than 4300 anyway)
# Dict keys other than str, in one answer, weighed by `_key_weight`: their hashes are not randomised (an int hashes
# to itself modulo 2**61 - 1), so n keys can all collide and building the dict costs n**2 / 2 comparisons of keys
# (83,000 keys k * (2**61 - 1): 28 s). Str keys hash with the process's random seed: nothing to bound.
MAX_KEY_WEIGHT = 1000            # the course's dicts are keyed by str (params, grads); 1000 colliding ints: ~10 ms
_ARRAY_DTYPES = re.compile(r"^(<f8|\|b1|<U[1-9][0-9]{0,5})$")
# Messages are scanned in chunks, so that what skipping their strings costs is bounded by the chunk, not the message.
_CHUNK = 1 << 16
# A JSON string, or one cut by the chunk's end; then, from the start of a chunk, the rest of a string that the
# previous chunk cut (group 1: it ends here; group 2: cut right after a backslash). Possessive: linear, whatever
# the bytes.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_STRING_REST = re.compile(rb'(?:[^"\\]++|\\.)*+(?:(")|(\\)?\Z)', re.DOTALL)
# Where a chunk ends: group 1 is set when it ends inside a string, group 2 when right after a backslash there.
_CHUNK_END = re.compile(rb'(?:[^"]++|"(?:[^"\\]++|\\.)*+")*+("(?:[^"\\]++|\\.)*+(\\)?)?\Z', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_KEYS = frozenset({"t", "v", "dtype", "shape", "b64"})
# The `Raised.kind`s of the agent's own refusals (the agent writes them, remote.py reads them): the grader's request
# could not be loaded, and an answer that cannot be sent (over a limit).
AGENT_ERROR = "aimath.AgentError"
ANSWER_REFUSED = "aimath.AnswerRefused"
AGENT_KINDS = frozenset({AGENT_ERROR, ANSWER_REFUSED})  # no student exception crosses under these names


class BadMessage(ValueError):
    """A message from the sandbox that is not well-formed plain data."""


class AnswerRefused(BadMessage):
    """An answer that is well-formed but over a limit (or a sympy expression the grader does not rebuild): what
    honest code can return too, so the grader only fails the test that asked for it."""


@dataclass(frozen=True)
class Handle:
    """An object that lives in the sandbox: `id` names it there; `kind` is its type's name."""

    id: int
    kind: str
    callable: bool
    is_class: bool


@dataclass(frozen=True)
class SympyTree:
    """A sympy expression as nested lists: [class name, [arguments]] or a leaf (Symbol, Integer, Rational, Float)."""

    tree: list


@dataclass(frozen=True)
class Raised:
    """The sandboxed call raised `kind` (the exception type's name) with `message`."""

    kind: str
    message: str


def _to_json(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else {"t": "float", "v": repr(value)}
    if isinstance(value, complex):
        return {"t": "complex", "v": [_to_json(value.real), _to_json(value.imag)]}
    if isinstance(value, np.ndarray):
        data = value.copy(order="C")
        return {"t": "array", "dtype": data.dtype.str, "shape": list(data.shape),
                "b64": base64.b64encode(data.tobytes()).decode("ascii")}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, tuple):
        return {"t": "tuple", "v": [_to_json(v) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[_to_json(k), _to_json(v)] for k, v in value.items()]}
    if isinstance(value, Handle):
        return {"t": "handle", "v": [value.id, value.kind, value.callable, value.is_class]}
    if isinstance(value, Raised):
        return {"t": "raised", "v": [value.kind, value.message]}
    if isinstance(value, SympyTree):
        return {"t": "sympy", "v": value.tree}
    raise TypeError(f"not plain data: {type(value).__name__}")


def encode(value: Any) -> bytes:
    """Plain data (and `Handle`/`Raised`) to bytes."""
    return json.dumps(_to_json(value), separators=(",", ":")).encode("utf-8")


def _array(dtype: Any, shape: Any, b64: Any) -> np.ndarray:
    if not (isinstance(dtype, str) and _ARRAY_DTYPES.match(dtype)):
        raise BadMessage(f"array dtype {str(dtype)[:20]!r} not allowed")
    if not (isinstance(shape, list) and len(shape) <= 32 and all(type(n) is int and 0 <= n for n in shape)):
        raise BadMessage("bad array shape")
    if not isinstance(b64, str):
        raise BadMessage("bad array data")
    raw = base64.b64decode(b64, validate=True)
    if len(raw) != math.prod(shape) * np.dtype(dtype).itemsize:
        raise BadMessage("array data does not match its shape")
    return np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise AnswerRefused(f"an integer of more than {MAX_INTEGER_DIGITS} digits")
    return int(digits)


def _constant(name: str) -> Any:
    raise BadMessage(f"{name} is not JSON")


def _key_weight(key: Any) -> int:
    """What a dict key costs when keys collide: 0 for a str (randomised hash), 1 for a number, bool or None, and
    for a tuple 1 plus its items' weights, a str item counting 1 per 64 characters started (compared byte by
    byte). Raises `BadMessage` for a key that is none of these (to_plain makes no other)."""
    if isinstance(key, str):
        return 0
    if key is None or isinstance(key, (bool, int, float)):
        return 1
    if isinstance(key, tuple):
        return 1 + sum(1 + len(k) // 64 if isinstance(k, str) else _key_weight(k) for k in key)
    raise BadMessage("bad dict key")


class _KeyBudget:
    """The weight of dict keys other than str left for one answer (`MAX_KEY_WEIGHT`)."""

    def __init__(self):
        self.left = MAX_KEY_WEIGHT

    def take(self, pairs: list) -> None:
        for key, _ in pairs:
            self.left -= _key_weight(key)
        if self.left < 0:
            raise AnswerRefused(f"an answer whose dicts hold keys other than str of total weight over "
                                f"{MAX_KEY_WEIGHT} (such keys can all hash alike)")


def _tagged(pairs: list, on_handle: Callable, on_sympy: Callable, keys: _KeyBudget) -> Any:
    """A JSON object (its values already decoded) to the value it tags; called by the parser for every object."""
    value = dict(pairs)
    if not (len(value) == len(pairs) and value.keys() <= _KEYS and "t" in value):
        raise BadMessage("unexpected JSON object")
    tag, v = value["t"], value.get("v")
    if tag == "array":
        return _array(value.get("dtype"), value.get("shape"), value.get("b64"))
    if tag == "float" and v in ("nan", "inf", "-inf"):
        return float(v)
    if tag == "complex" and isinstance(v, list) and len(v) == 2 and all(type(x) is float for x in v):
        return complex(*v)
    if tag == "tuple" and isinstance(v, list):
        return tuple(v)
    if tag == "dict" and isinstance(v, list):
        if not all(isinstance(p, list) and len(p) == 2 for p in v):
            raise BadMessage("bad dict")
        keys.take(v)
        try:
            return dict(v)
        except TypeError:  # a tuple key holding a list
            raise BadMessage("bad dict") from None
    if tag == "handle" and isinstance(v, list) and len(v) == 4:
        id_, kind, is_callable, is_class = v
        if type(id_) is int and isinstance(kind, str) and type(is_callable) is bool and type(is_class) is bool:
            return on_handle(Handle(id_, kind[:200], is_callable, is_class))
    if tag == "sympy" and isinstance(v, list):
        return on_sympy(SympyTree(v))
    if tag == "raised" and isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v):
        return Raised(v[0][:200], v[1][:2000])
    raise BadMessage(f"unexpected {str(tag)[:20]!r} object")


def _structure(data: bytes):
    """The bytes of the message outside its strings (what counts values and nesting), chunk by chunk."""
    inside = escaped = False
    for start in range(0, len(data), _CHUNK):
        chunk = data[start:start + _CHUNK]
        position = 0
        if inside:
            rest = _STRING_REST.match(chunk, 1 if escaped else 0)
            position = rest.end()
            if rest.group(1) is None:  # the whole chunk is inside the string
                escaped = rest.group(2) is not None
                continue
        end = _CHUNK_END.match(chunk, position)
        inside, escaped = end.group(1) is not None, end.group(2) is not None
        yield _STRING.sub(b"", chunk[position:])


def _check_shape(data: bytes) -> None:
    """Refuse a message whose values would be too many or nested too deeply, from its bytes (strings skipped)."""
    items = depth = 0
    for skeleton in _structure(data):
        opening = skeleton.count(b"[") + skeleton.count(b"{")
        items += opening + skeleton.count(b",") + skeleton.count(b":")
        if items > MAX_ITEMS:
            raise AnswerRefused(f"an answer of more than {MAX_ITEMS} values")
        brackets = skeleton.translate(None, _NOT_BRACKETS)
        if depth + opening > MAX_DEPTH:
            steps = np.where(np.frombuffer(brackets, dtype=np.uint8) % 32 == ord("[") % 32, 1, -1)  # [ and { open
            if depth + np.cumsum(steps).max(initial=0) > MAX_DEPTH:
                raise AnswerRefused(f"an answer nested more than {MAX_DEPTH} deep")
        depth += 2 * opening - len(brackets)


def _same(value: Any) -> Any:
    return value


def decode(data: bytes, *, on_handle: Callable[[Handle], Any] = _same,
           on_sympy: Callable[[SympyTree], Any] = _same) -> Any:
    """Bytes from the sandbox back to plain data, `Handle`, `SympyTree` or `Raised`.

    `on_handle` and `on_sympy` replace each handle and sympy tree as it is decoded (the grader makes them remote
    objects and sympy expressions). Raises `AnswerRefused` for a message over a limit (or what `on_sympy` refuses),
    `BadMessage` for anything that is not plain data.
    """
    if len(data) > MAX_MESSAGE_BYTES:
        raise AnswerRefused(f"an answer of {len(data)} bytes (the limit is {MAX_MESSAGE_BYTES})")
    _check_shape(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadMessage("not UTF-8") from None
    keys = _KeyBudget()
    try:
        return json.loads(text, object_pairs_hook=lambda pairs: _tagged(pairs, on_handle, on_sympy, keys),
                          parse_int=_integer, parse_constant=_constant)
    except BadMessage:
        raise
    except (json.JSONDecodeError, RecursionError) as exc:
        raise BadMessage(f"not JSON: {exc}"[:200]) from None
    except (ValueError, TypeError) as exc:
        raise BadMessage(str(exc)[:200]) from None

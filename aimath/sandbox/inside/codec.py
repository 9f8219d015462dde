"""The wire format from the sandbox to the grader: JSON of plain data, decoded without ever running code.

Plain data is what `probe.to_plain` produces: None, bool, int, float (NaN and infinities included), complex, str,
numpy arrays of float64, bool or str, and lists, tuples and dicts of those. Objects that are not plain stay in the
sandbox and travel as a `Handle` (an id, the type's name and whether it can be called).

`decode` treats its input as hostile: it accepts only these shapes, checks every array's size against its bytes,
and refuses anything larger than `MAX_MESSAGE_BYTES`. Nothing from the sandbox is ever unpickled.
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_MESSAGE_BYTES = 64 * 2**20
_ARRAY_DTYPES = re.compile(r"^(<f8|\|b1|<U[1-9][0-9]{0,5})$")


class BadMessage(ValueError):
    """A message from the sandbox that is not well-formed plain data."""


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
        raise BadMessage(f"array dtype {dtype!r} not allowed")
    if not (isinstance(shape, list) and len(shape) <= 32 and all(type(n) is int and 0 <= n for n in shape)):
        raise BadMessage("bad array shape")
    if not isinstance(b64, str):
        raise BadMessage("bad array data")
    raw = base64.b64decode(b64, validate=True)
    expected = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    if len(raw) != expected:
        raise BadMessage("array data does not match its shape")
    return np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()


def _from_json(value: Any, depth: int = 0) -> Any:
    if depth > 100:
        raise BadMessage("nested too deeply")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_from_json(v, depth + 1) for v in value]
    if not (isinstance(value, dict) and set(value) <= {"t", "v", "dtype", "shape", "b64"} and "t" in value):
        raise BadMessage("unexpected JSON object")
    tag, v = value["t"], value.get("v")
    if tag == "array":
        return _array(value.get("dtype"), value.get("shape"), value.get("b64"))
    if tag == "float" and v in ("nan", "inf", "-inf"):
        return float(v)
    if tag == "complex" and isinstance(v, list) and len(v) == 2:
        re_, im = (_from_json(x, depth + 1) for x in v)
        if isinstance(re_, float) and isinstance(im, float):
            return complex(re_, im)
    if tag == "tuple" and isinstance(v, list):
        return tuple(_from_json(x, depth + 1) for x in v)
    if tag == "dict" and isinstance(v, list):
        pairs = [(_from_json(p[0], depth + 1), _from_json(p[1], depth + 1)) for p in v
                 if isinstance(p, list) and len(p) == 2]
        if len(pairs) != len(v) or not all(isinstance(k, (str, int, float, bool, tuple, type(None))) for k, _ in pairs):
            raise BadMessage("bad dict")
        return dict(pairs)
    if tag == "handle" and isinstance(v, list) and len(v) == 4:
        id_, kind, is_callable, is_class = v
        if type(id_) is int and isinstance(kind, str) and type(is_callable) is bool and type(is_class) is bool:
            return Handle(id_, kind[:200], is_callable, is_class)
    if tag == "sympy" and isinstance(v, list):
        return SympyTree(v)
    if tag == "raised" and isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v):
        return Raised(v[0][:200], v[1][:2000])
    raise BadMessage(f"unexpected {tag!r} object")


def decode(data: bytes) -> Any:
    """Bytes from the sandbox back to plain data, `Handle` or `Raised`; raises `BadMessage` on anything else."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise BadMessage(f"message of {len(data)} bytes is over the limit")
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BadMessage(f"not JSON: {exc}") from None
    try:
        return _from_json(parsed)
    except (ValueError, TypeError, RecursionError) as exc:
        if isinstance(exc, BadMessage):
            raise
        raise BadMessage(str(exc)) from None

"""Rebuild a sympy expression that a student's function returned, from the sandbox's nested-list form.

Only an allow-list of sympy classes is ever constructed, from names, numbers and strings of digits; nothing from
the sandbox is parsed as code (sympify would evaluate it).
"""
from __future__ import annotations

import re
from typing import Any

import sympy

_OPERATIONS = {name: getattr(sympy, name) for name in (
    "Add", "Mul", "Pow", "exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan", "Abs",
    "sign", "Min", "Max", "floor", "ceiling", "Eq", "Tuple")}
_CONSTANTS = {"Pi": sympy.pi, "Exp1": sympy.E, "ImaginaryUnit": sympy.I, "Zero": sympy.S.Zero, "One": sympy.S.One,
              "NegativeOne": sympy.S.NegativeOne, "Half": sympy.S.Half, "Infinity": sympy.oo,
              "NegativeInfinity": -sympy.oo, "NaN": sympy.nan}
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$")
MAX_NODES = 10_000


class NotSympy(ValueError):
    """The tree holds something outside the allow-list."""


def rebuild(tree: Any) -> Any:
    """The sympy object the tree describes; raises `NotSympy` for anything unexpected."""
    budget = [MAX_NODES]

    def node(t: Any) -> Any:
        budget[0] -= 1
        if budget[0] < 0 or not (isinstance(t, list) and t and isinstance(t[0], str)):
            raise NotSympy("malformed sympy tree")
        kind, rest = t[0], t[1:]
        if kind == "Symbol" and len(rest) == 1 and isinstance(rest[0], str) and len(rest[0]) <= 100:
            return sympy.Symbol(rest[0])
        if kind == "Integer" and len(rest) == 1 and type(rest[0]) is int:
            return sympy.Integer(rest[0])
        if kind == "Rational" and len(rest) == 2 and all(type(r) is int for r in rest) and rest[1] != 0:
            return sympy.Rational(rest[0], rest[1])
        if kind == "Float" and len(rest) == 1 and isinstance(rest[0], str) and _NUMBER.match(rest[0]):
            return sympy.Float(rest[0])
        if kind in _CONSTANTS and not rest:
            return _CONSTANTS[kind]
        if kind == "Poly" and len(rest) == 2 and isinstance(rest[1], list) and rest[1]:
            return sympy.Poly(node(rest[0]), *[node(g) for g in rest[1]])
        if kind in _OPERATIONS and len(rest) == 1 and isinstance(rest[0], list):
            return _OPERATIONS[kind](*[node(a) for a in rest[0]])
        raise NotSympy(f"sympy class {kind!r} is not allowed here")

    return node(tree)

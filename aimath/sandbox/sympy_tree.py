"""Rebuild a sympy expression that a student's function returned, from the sandbox's nested-list form.

Only an allow-list of sympy classes is ever constructed, from names, numbers and strings of digits; nothing from
the sandbox is parsed as code (sympify would evaluate it).

Rebuilding costs the grader time and memory linear in the answer, whatever the tree holds: every node is built as
sent, unevaluated (`evaluate=False`): the sandbox already evaluated the student's expression, so an honest answer is
rebuilt identical to it, and nothing is compared, simplified or asked about its assumptions while rebuilding (sympy's
evaluation of `Max(x0, ..., x498)` compares its arguments pairwise, 72 s; deciding the sign of a sum of square roots
that is exactly zero computes a minimal polynomial, minutes). One budget is shared by all the trees of one answer
(`Budget`): `MAX_NODES` nodes, `MAX_SYMBOLS` symbol names and `MAX_COMPARISONS` for Min and Max.

What a check does with the result afterwards (str, ==, float, expand, Poly, lambdify) is bounded by the tree's
shape: before a node is constructed, the size of what it stands for is bounded from its arguments' sizes, without
any arithmetic on its values, and a tree over a limit is refused with `NotSympy` naming the limit.
`sympy.Pow(7, 10**9, evaluate=False)` is refused for its exponent, never computed. The sizes (`Size`) are upper
bounds with every symbol taken as a number of at most 10 in magnitude:

- numerator, denominator: the decimal digits of the numerator and of the denominator of the exact value (a Float's
  magnitude, or its reciprocal's): they bound what evaluating it costs (7**1000 has 846 digits);
- degree: the total degree in the symbols, functions counting as one more symbol (x**2*y has degree 3);
- terms: the number of terms once fully expanded ((x + y + 1)**2 has 6).

Evaluating a Min or Max compares its arguments pairwise (nested ones of its kind merged into it), each comparison
costing about the size of the two arguments: an answer's Min and Max together may hold at most `MAX_COMPARISONS`
arguments x nodes. A sum of symbols may not stand under a negative power (a fraction of polynomials: putting a sum of such
fractions over one denominator, as Poly does, multiplies their terms). A Poly is built by expanding its expression, so its expression may hold only polynomial
arithmetic (Add, Mul, integer powers) of symbols and numbers. Operations that evaluate the expression again (subs,
doit, simplify) can still meet sympy's assumption machinery at its worst (the sign of a sum of six square roots
that is exactly zero, tanh nested eight deep): the shape does not bound that, so checks never ask it of a
student's expression (docs/THREAT_MODEL.md, "What we do not guarantee").
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import sympy

MAX_NODES = 500         # nodes of all the trees of one answer: a course answer has tens
MAX_SYMBOLS = 16        # distinct symbol names in one answer (the course's answers: x; polynomial gcds and sympy's
                        # assumption queries grow with the number of variables, as a power or worse)
MAX_COMPARISONS = 1000  # sum over the Min and Max of one answer of (arguments, nested ones of the kind merged) x
                        # (nodes under it): what evaluating them compares (Max(x, 0): 4; 1000: about 0.2 s)
MAX_DEPTH = 32          # nesting of operations (each costs a level of recursion here and in sympy)
MAX_DIGITS = 1000       # digits of any number the tree holds or evaluates to (7**1000 has 846)
MAX_EXPONENT = 100      # |exponent| of any power, and the total degree of any term (the course's polynomials: <= 5)
MAX_TERMS = 1000        # terms of the fully expanded expression ((x + 1)**100 has 101)
MAX_NAME_LENGTH = 100   # characters of a symbol's name

_OPERATIONS = {name: getattr(sympy, name) for name in (
    "Add", "Mul", "Pow", "exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan", "Abs",
    "sign", "Min", "Max", "floor", "ceiling", "Tuple")} | {"Equality": sympy.Eq}
_CONSTANTS = {"Pi": sympy.pi, "Exp1": sympy.E, "ImaginaryUnit": sympy.I, "Zero": sympy.S.Zero, "One": sympy.S.One,
              "NegativeOne": sympy.S.NegativeOne, "Half": sympy.S.Half, "Infinity": sympy.oo,
              "NegativeInfinity": -sympy.oo, "NaN": sympy.nan}
_NUMBER = re.compile(r"^-?([0-9]+)(?:\.([0-9]*))?(?:[eE]([-+]?[0-9]{1,6}))?$")
_LOG10_E = math.log10(math.e)
_EXPONENTIAL = {"exp", "sinh", "cosh"}  # |f(a)| can reach e**|a|
_CIRCULAR = {"sin", "cos", "tan", "tanh", "asin", "acos", "atan"}  # evaluating f(a) needs about twice a's digits
_ROUNDING = {"Abs", "sign", "floor", "ceiling", "Min", "Max"}


class NotSympy(ValueError):
    """The tree holds something outside the allow-list, or is over one of the limits above."""


@dataclass(frozen=True)
class Size:
    """Upper bounds on what a subtree stands for (see the module's docstring)."""

    numerator: float
    denominator: float
    degree: float
    terms: float

    @property
    def digits(self) -> float:
        """Decimal digits of the larger of numerator and denominator."""
        return max(self.numerator, self.denominator)

    @property
    def is_number(self) -> bool:
        """Whether the expression holds no symbol (degree 0)."""
        return self.degree == 0


_SYMBOL = Size(1.0, 0.0, 1.0, 1)    # a symbol: an integer of at most 10 in magnitude
_CONSTANT = Size(1.0, 0.0, 0.0, 1)  # pi, E, I, 0, 1, oo, nan


def _number(numerator: float, denominator: float = 0.0) -> Size:
    return Size(numerator, denominator, 0.0, 1)


def _digits(n: int) -> float:
    return math.log10(abs(n)) if n else 0.0


def _power_of_ten(exponent: float) -> float:
    return math.inf if exponent > 300 else 10.0 ** exponent


def _expanded_terms(terms: float, power: float) -> float:
    """Monomials of degree `power` in `terms` terms: the terms of (t1 + ... + tn)**power once expanded."""
    if terms <= 1:
        return 1
    if terms > MAX_TERMS:
        return math.inf
    whole = math.ceil(power - 1e-9)
    return math.comb(int(terms) + whole - 1, whole)


def _float_size(text: str) -> Size:
    """A Float's size: its magnitude (or its reciprocal's) in digits; its precision is bounded by its length."""
    match = _NUMBER.match(text) if len(text) <= MAX_DIGITS + 10 else None
    if match is None:
        raise NotSympy("malformed sympy Float")
    whole, fraction, exponent = match.group(1), match.group(2) or "", int(match.group(3) or 0)
    mantissa = (whole + fraction).lstrip("0")
    if not mantissa:
        return _number(0.0)
    lead = mantissa[:17]
    magnitude = math.log10(int(lead)) + len(mantissa) - len(lead) + exponent - len(fraction)
    return _number(max(magnitude, 0.0), max(-magnitude, 0.0))


def _may_be_negative(tree: list) -> bool:
    """Whether a numeric exponent's tree may stand for a negative number (only literals are known not to)."""
    if tree[0] == "Integer":
        return tree[1] < 0
    if tree[0] == "Rational":
        return (tree[1] < 0) != (tree[2] < 0)
    if tree[0] == "Float":
        return tree[1].lstrip().startswith("-")
    return tree[0] not in _CONSTANTS


def _power(base: Size, exponent: Size, exponent_tree: list) -> Size:
    """The size of base**exponent. |exponent| <= 10**exponent.numerator; a literal integer exponent keeps the
    numerator and denominator apart (x**-2 has its digits below the line), any other may swap them."""
    power = _power_of_ten(exponent.numerator)
    if exponent.is_number and exponent_tree[0] not in ("Integer", "Float"):
        # an exact p/q: sympy evaluates a number to it as an exact root, through powers up to q - 1
        # ((1/606532)**(1/807) holds 606532**806), so q bounds the work as p does
        power = _power_of_ten(max(exponent.numerator, exponent.denominator))
    if power > MAX_EXPONENT:
        raise NotSympy(f"a power's exponent is over {MAX_EXPONENT} in size")
    if exponent.is_number and base.terms > 1 and base.degree > 0 and _may_be_negative(exponent_tree):
        # a rational function: Poly, together, cancel put a sum of these over one common denominator, whose terms
        # multiply with each fraction (x * (1/(y0 + y7 + 1) + ... eight of them) took a minute); the course's
        # symbolic answers are polynomials
        raise NotSympy("a sum of symbols under a negative power (a fraction of polynomials) is not taken")
    if exponent_tree[0] == "Integer":
        up, down = (base.numerator, base.denominator) if exponent_tree[1] >= 0 else (base.denominator, base.numerator)
        numerator, denominator = up * power, down * power
    else:
        numerator = denominator = base.digits * power
    if not exponent.is_number:  # x**y: an atom for expansion
        return Size(numerator, denominator, float(base.degree > 0 or exponent.degree > 0), 1)
    return Size(numerator, denominator, base.degree * power, _expanded_terms(base.terms, power))


def _combined(kind: str, sizes: list[Size]) -> Size:
    """The size of `kind(*arguments)` from the arguments' sizes (upper bounds, no arithmetic on the values)."""
    if kind == "Pow":
        raise NotSympy("a sympy Pow has two arguments")
    if not sizes:
        return _CONSTANT
    if kind == "Add":  # p1/q1 + p2/q2 = (p1 q2 + p2 q1) / (q1 q2)
        denominator = sum(s.denominator for s in sizes)
        numerator = max(s.numerator - s.denominator for s in sizes) + denominator + math.log10(len(sizes))
        return Size(numerator, denominator, max(s.degree for s in sizes), sum(s.terms for s in sizes))
    if kind == "Mul":
        return Size(sum(s.numerator for s in sizes), sum(s.denominator for s in sizes), sum(s.degree for s in sizes),
                    math.prod(s.terms for s in sizes))
    if kind in ("Equality", "Tuple"):
        return Size(max(s.numerator for s in sizes), max(s.denominator for s in sizes), max(s.degree for s in sizes),
                    sum(s.terms for s in sizes))
    if len(sizes) != 1 and kind not in ("Min", "Max"):
        raise NotSympy(f"sympy {kind} takes one argument")
    if kind in _EXPONENTIAL:  # |a| <= 10**numerator, and e**|a| has 0.43 |a| digits
        digits = _LOG10_E * _power_of_ten(max(s.numerator for s in sizes)) + 1
    elif kind in _CIRCULAR:
        digits = 2 * max(s.digits for s in sizes) + 1
    else:  # log, and the rounding functions
        digits = max(s.digits for s in sizes) + 1
    return Size(digits, digits, float(any(s.degree > 0 for s in sizes)), 1)


def _check(size: Size) -> None:
    if size.digits > MAX_DIGITS:
        raise NotSympy(f"a number in it would have more than {MAX_DIGITS} digits")
    if size.degree > MAX_EXPONENT:
        raise NotSympy(f"its degree would be more than {MAX_EXPONENT}")
    if size.terms > MAX_TERMS:
        raise NotSympy(f"expanded, it would have more than {MAX_TERMS} terms")


@dataclass
class Budget:
    """What is left for the trees of one answer (one message from the sandbox): they share every limit here."""

    nodes: int = MAX_NODES
    comparisons: int = MAX_COMPARISONS
    symbols: set = field(default_factory=set)

    def take_node(self) -> None:
        self.nodes -= 1
        if self.nodes < 0:
            raise NotSympy(f"more than {MAX_NODES} nodes")

    def take_symbol(self, name: str) -> None:
        self.symbols.add(name)
        if len(self.symbols) > MAX_SYMBOLS:
            raise NotSympy(f"more than {MAX_SYMBOLS} different symbols")

    def take_comparisons(self, arguments: int, nodes: int) -> None:
        self.comparisons -= arguments * nodes
        if self.comparisons < 0:
            raise NotSympy(f"its Min and Max would compare more than {MAX_COMPARISONS} arguments x nodes")


# Inside a Poly's expression: the classes of polynomial arithmetic on symbols and numbers.
_POLYNOMIAL = {"Add", "Mul", "Pow", "Symbol", "Integer", "Rational", "Float"} | set(_CONSTANTS)
_LATTICE = {"Min": sympy.Min, "Max": sympy.Max}


def _merged_arguments(kind: str, arguments: list) -> int:
    """How many arguments a Min or Max has once evaluated: nested ones of its kind merged into it (sympy does)."""
    lattice = _LATTICE[kind]
    return sum(_merged_arguments(kind, list(a.args)) if isinstance(a, lattice) else 1 for a in arguments)


def rebuild(tree: Any, budget: Budget | None = None) -> Any:
    """The sympy object the tree describes, built as sent (unevaluated); raises `NotSympy` for anything unexpected or
    over a limit.

    tree: [class name, [argument trees]] for an operation, or a leaf: ["Symbol", name], ["Integer", int],
    ["Rational", p, q], ["Float", digits as str], [constant name]; ["Poly", expression tree, [symbol trees]].
    budget: shared by all the trees of one answer (a fresh one when None).
    """
    budget = Budget() if budget is None else budget

    def node(t: Any, depth: int, polynomial: bool = False) -> tuple[Any, Size]:
        budget.take_node()
        if depth > MAX_DEPTH:
            raise NotSympy(f"nested more than {MAX_DEPTH} deep")
        if not (isinstance(t, list) and t and isinstance(t[0], str)):
            raise NotSympy("malformed sympy tree")
        kind, rest = t[0], t[1:]
        if polynomial and kind not in _POLYNOMIAL:
            raise NotSympy(f"a sympy Poly's expression holds {kind[:40]!r}, not only polynomial arithmetic")
        if kind == "Symbol" and len(rest) == 1 and isinstance(rest[0], str) and 0 < len(rest[0]) <= MAX_NAME_LENGTH:
            budget.take_symbol(rest[0])
            return sympy.Symbol(rest[0]), _SYMBOL
        if kind == "Integer" and len(rest) == 1 and type(rest[0]) is int:
            size = _number(_digits(rest[0]))
            _check(size)
            return sympy.Integer(rest[0]), size
        if kind == "Rational" and len(rest) == 2 and all(type(r) is int for r in rest) and rest[1] != 0:
            size = _number(_digits(rest[0]), _digits(rest[1]))
            _check(size)
            return sympy.Rational(rest[0], rest[1]), size
        if kind == "Float" and len(rest) == 1 and isinstance(rest[0], str):
            size = _float_size(rest[0])
            _check(size)
            return sympy.Float(rest[0]), size
        if kind in _CONSTANTS and not rest:
            return _CONSTANTS[kind], _CONSTANT
        if kind == "Poly" and len(rest) == 2 and isinstance(rest[1], list) and rest[1]:
            expression, size = node(rest[0], depth + 1, polynomial=True)
            generators = [node(g, depth + 1) for g in rest[1]]
            if len(generators) > MAX_DEPTH or not all(isinstance(g, sympy.Symbol) for g, _ in generators):
                raise NotSympy(f"a sympy Poly's generators must be at most {MAX_DEPTH} symbols")
            return sympy.Poly(expression, *[g for g, _ in generators]), size
        if kind in _OPERATIONS and len(rest) == 1 and isinstance(rest[0], list):
            if len(rest[0]) > budget.nodes:
                raise NotSympy(f"more than {MAX_NODES} nodes")
            nodes_before = budget.nodes
            built = [node(a, depth + 1, polynomial) for a in rest[0]]
            arguments = [a for a, _ in built]
            if kind != "Tuple" and not all(isinstance(a, sympy.Expr) for a in arguments):
                raise NotSympy(f"sympy {kind} takes expressions")
            sizes = [s for _, s in built]
            if kind == "Pow" and len(sizes) == 2:
                if polynomial and rest[0][1][0] != "Integer":
                    raise NotSympy("a sympy Poly's expression has a power that is not an integer")
                size = _power(*sizes, rest[0][1])
            else:
                size = _combined(kind, sizes)
            _check(size)
            if kind in _LATTICE:
                budget.take_comparisons(_merged_arguments(kind, arguments), nodes_before - budget.nodes)
            if kind == "Tuple":
                return sympy.Tuple(*arguments), size
            return _OPERATIONS[kind](*arguments, evaluate=False), size
        raise NotSympy(f"sympy class {kind[:40]!r} is not allowed here")

    try:
        return node(tree, 0)[0]
    except NotSympy:
        raise
    except Exception as exc:  # sympy refused the arguments (a Poly that is not a polynomial, sin of two, ...)
        raise NotSympy(f"not a valid sympy expression ({type(exc).__name__})") from None

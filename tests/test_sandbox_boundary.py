"""The boundary between the sandbox and the grader, without a sandbox: the codec refuses anything but plain data,
sympy is rebuilt from an allow-list, requests never carry reference code, and handles behave like the objects."""
import json
import socket
import struct
import sys

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aimath.sandbox import remote, sympy_tree
from aimath.sandbox.inside import codec
from aimath.sandbox.remote import Channel, RemoteArray, RemoteCallable, encode_request, local_transport

PLAIN = [None, True, 3, -2.5, float("nan"), float("inf"), 1 + 2j, "text", [1, "a"], (1, (2.0,)), {"k": [1.0], 2: None},
         np.arange(6.0).reshape(2, 3), np.array(True), np.array(["ab", "c"]), np.zeros((0, 3))]


@pytest.mark.parametrize("value", PLAIN, ids=repr)
def test_plain_data_round_trips(value):
    back = codec.decode(codec.encode(value))
    if isinstance(value, np.ndarray):
        assert isinstance(back, np.ndarray) and back.shape == value.shape and np.array_equal(back, value)
    elif isinstance(value, float) and value != value:
        assert back != back
    else:
        assert back == value and type(back) is type(value)


HOSTILE = [
    b"not json", b'{"t": "pickle", "v": "..."}', b'{"x": 1}',
    json.dumps({"t": "array", "dtype": "|O", "shape": [1], "b64": "AA=="}).encode(),
    json.dumps({"t": "array", "dtype": "<f8", "shape": [4], "b64": "AAAAAAAAAAA="}).encode(),
    json.dumps({"t": "array", "dtype": "<f8", "shape": [-1], "b64": ""}).encode(),
    json.dumps({"t": "dict", "v": [[[1], 2]]}).encode(),
    ("[" * 500 + "]" * 500).encode(),
]


@pytest.mark.parametrize("data", HOSTILE, ids=lambda d: d[:30].decode(errors="replace"))
def test_hostile_messages_are_refused(data):
    with pytest.raises(codec.BadMessage):
        codec.decode(data)


def test_sympy_is_rebuilt_and_anything_else_refused():
    x = sympy.Symbol("x")
    tree = ["Poly", ["Add", [["Pow", [["Symbol", "x"], ["Integer", 2]]], ["Integer", 3]]], [["Symbol", "x"]]]
    assert sympy_tree.rebuild(tree) == sympy.Poly(x**2 + 3, x)
    with pytest.raises(sympy_tree.NotSympy):
        sympy_tree.rebuild(["Function", [["Symbol", "__import__('os')"]]])
    with pytest.raises(sympy_tree.NotSympy):
        sympy_tree.rebuild(["Float", "1e5; import os"])


def test_a_request_carrying_reference_code_is_refused():
    from aimath.reference import basic_math
    with pytest.raises(RuntimeError, match="aimath.reference"):
        encode_request(("call", basic_math.get_mean, ([1.0],), {}))


def test_handles_call_read_and_write_the_objects_in_the_sandbox():
    class Net:
        def __init__(self):
            self.params = {"W": np.zeros(3)}

        def total(self):
            return float(self.params["W"].sum())

    def grow(values):
        values.append(len(values))

    channel = Channel(local_transport({"Net": Net, "grow": grow}))
    net_class = channel.lookup("Net")
    assert isinstance(net_class, RemoteCallable) and net_class.is_class
    net = net_class()
    assert isinstance(net.params["W"], RemoteArray) and np.all(net.params["W"] == 0)
    net.params["W"][...] = 2.0
    assert net.total() == 6.0
    values = [7]
    channel.lookup("grow")(values)
    assert values == [7, 1]
    with pytest.raises(NameError):
        channel.lookup("missing")


# ---------------------------------------------------------------- what the grader rebuilds costs it bounded time

x, y, z = sympy.symbols("x y z")
EXPONENT = f"exponent is over {sympy_tree.MAX_EXPONENT}"
DIGITS = f"more than {sympy_tree.MAX_DIGITS} digits"
COSTLY_SYMPY = {
    "7**(10**9)": (sympy.Pow(7, 10**9, evaluate=False), EXPONENT),
    "x**(10**9)": (sympy.Pow(x, 10**9, evaluate=False), EXPONENT),
    "(7**100)**100": (sympy.Pow(sympy.Pow(7, 100, evaluate=False), 100, evaluate=False), DIGITS),
    "7**(10**9) as a nested power": (sympy.Pow(7, sympy.Pow(10, 9, evaluate=False), evaluate=False), EXPONENT),
    "exp(10**6)": (sympy.exp(sympy.Integer(10**6), evaluate=False), DIGITS),
    "floor(exp(10**4))": (sympy.floor(sympy.exp(10**4, evaluate=False), evaluate=False), DIGITS),
    "(x + y + z)**100": (sympy.Pow(x + y + z, 100, evaluate=False), f"more than {sympy_tree.MAX_TERMS} terms"),
    "((x + 1)**100)**3": (sympy.Mul(*[sympy.Pow(x + 1, 100, evaluate=False)] * 3, evaluate=False),
                          f"degree would be more than {sympy_tree.MAX_EXPONENT}"),
    "a 1001-digit integer": (sympy.Integer(10**1000), DIGITS),
    "sin nested 40 deep": (sympy.Symbol("x"), f"nested more than {sympy_tree.MAX_DEPTH} deep"),
    "600 symbols added": (sympy.Add(*sympy.symbols("s0:600")), f"more than {sympy_tree.MAX_NODES} nodes"),
}


def _nested_sin(depth):
    tree = ["Symbol", "x"]
    for _ in range(depth):
        tree = ["sin", [tree]]
    return tree


def _sympy_answer(expression) -> bytes:
    from aimath.sandbox.inside.agent import _sympy_tree
    return codec.encode(codec.SympyTree(_sympy_tree(expression)))


@pytest.mark.parametrize("name", COSTLY_SYMPY)
def test_a_costly_sympy_answer_is_refused_before_it_is_built(name):
    """Student code returns a sympy expression that would cost the grader hours or gigabytes to build (or to expand,
    print or simplify afterwards): the test that asked fails with one line naming the limit, nothing is computed."""
    expression, limit = COSTLY_SYMPY[name]
    data = codec.encode(codec.SympyTree(_nested_sin(40))) if name.startswith("sin") else _sympy_answer(expression)
    with pytest.raises(codec.AnswerRefused, match=limit):
        Channel(lambda request: data).lookup("l2_norm")


def test_a_student_function_returning_a_huge_power_fails_its_test_in_one_line():
    """Issue 18, case 1: `def l2_norm(x): return sympy.Pow(7, 10**9, evaluate=False)`."""
    def l2_norm(values):
        return sympy.Pow(7, 10**9, evaluate=False)

    channel = Channel(local_transport({"l2_norm": l2_norm}))
    with pytest.raises(codec.AnswerRefused) as refused:
        channel.lookup("l2_norm")([3.0, 4.0])
    assert "\n" not in str(refused.value) and EXPONENT in str(refused.value)


def test_sympy_answers_within_the_limits_are_rebuilt_as_sent():
    for expression in [x**2 + 2 * x + 3, sympy.Poly(x**2 + 3, x), sympy.Integer(18), sympy.Float(4.25), 2 * x + 2,
                       sympy.Rational(1, 3), sympy.sqrt(2), x**100, (x + 1)**100, sympy.Integer(7)**300,
                       sympy.exp(-x**2 / 2) / sympy.sqrt(2 * sympy.pi), sympy.Float("1e-20"), x**2.0, sympy.Eq(x, 2),
                       sympy.Max(x, 2), sympy.log(x + 1), sympy.Tuple(x, 1)]:
        assert Channel(lambda request, e=expression: _sympy_answer(e)).lookup("f") == expression


def _leaves():
    return st.one_of(
        st.sampled_from(["x", "y", "z"]).map(lambda n: ["Symbol", n]),
        st.one_of(st.integers(-10**6, 10**6), st.integers(-10**400, 10**400)).map(lambda n: ["Integer", n]),
        st.tuples(st.integers(-10**300, 10**300), st.integers(1, 10**300)).map(lambda pq: ["Rational", *pq]),
        st.sampled_from(["2.5", "1e-20", "123.456e7", "-0.0", "1e300", "3"]).map(lambda s: ["Float", s]),
        st.sampled_from([["Pi"], ["Exp1"], ["ImaginaryUnit"], ["Half"], ["NegativeOne"]]))


def _trees():
    small_exponent = st.one_of(st.integers(-4, 30).map(lambda n: ["Integer", n]), st.just(["Rational", 1, 2]),
                               st.just(["Symbol", "y"]))
    return st.recursive(_leaves(), lambda inner: st.one_of(
        st.tuples(st.sampled_from(["Add", "Mul"]), st.lists(inner, min_size=1, max_size=5)).map(lambda t: [t[0], t[1]]),
        st.tuples(inner, st.one_of(small_exponent, inner)).map(lambda t: ["Pow", [t[0], t[1]]]),
        st.tuples(st.sampled_from(["sin", "exp", "log", "floor", "Abs"]), inner).map(lambda t: [t[0], [t[1]]])),
        max_leaves=40)


def _digits(number) -> int:
    return max(len(str(abs(number.p))), len(str(abs(number.q)))) if number.is_Rational else 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trees())
@example(["Pow", [["Rational", 1, 606532], ["Rational", 1, 807]]])  # an exact root: 606532**806 inside
def test_a_rebuilt_sympy_tree_stays_within_its_limits_even_expanded(tree):
    """Any tree is refused, or rebuilt into an expression that, even fully expanded, holds no number over MAX_DIGITS,
    no degree over MAX_EXPONENT and no more than MAX_TERMS terms (so the bounds are true bounds)."""
    try:
        built = sympy_tree.rebuild(tree)
    except sympy_tree.NotSympy as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    expanded = sympy.expand(built)
    assert all(_digits(n) <= sympy_tree.MAX_DIGITS for n in expanded.atoms(sympy.Number))
    assert len(sympy.Add.make_args(expanded)) <= sympy_tree.MAX_TERMS
    for term in sympy.Add.make_args(expanded):
        degree = sum(e for b, e in term.as_powers_dict().items() if b.is_Symbol and e.is_Integer and e > 0)
        assert degree <= sympy_tree.MAX_EXPONENT


# ---------------------------------------------------------------- decoding costs a bounded multiple of the message

def test_a_message_over_the_size_limit_is_refused_unread():
    """Issue 18, case 2: a 64 MiB reply of empty lists (22 million of them) took a grading worker to 12.8 GB."""
    data = b"[" + b"[]," * ((64 * 2**20 - 2) // 3 - 1) + b"[]]"
    with pytest.raises(codec.AnswerRefused, match="bytes"):
        codec.decode(data)


@pytest.mark.parametrize("data, limit", [
    (b"[" + b"[]," * (codec.MAX_ITEMS // 2) + b"[]]", "values"),
    (b"[" + b"0," * codec.MAX_ITEMS + b"0]", "values"),
    (b'{"t":"tuple","v":[' + b'{"t":"tuple","v":[],"b64":""},' * (codec.MAX_ITEMS // 4) + b'1]}', "values"),
    (b"[" * (codec.MAX_DEPTH + 1) + b"]" * (codec.MAX_DEPTH + 1), "nested"),
    (b"1" * (codec.MAX_INTEGER_DIGITS + 1), "digits"),
], ids=["empty lists", "zeros", "tagged objects", "nesting", "integer"])
def test_a_message_with_too_many_values_is_refused_before_it_is_built(data, limit):
    assert len(data) < codec.MAX_MESSAGE_BYTES
    with pytest.raises(codec.AnswerRefused, match=limit):
        codec.decode(data)


def _json_values():
    text = st.text(alphabet=st.sampled_from('ab"\\[]{},: \n\u00e9\U0001F600'), max_size=12)
    return st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=False),
                                  text),
                        lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(text, inner, max_size=4)),
                        max_leaves=60)


def _items_and_depth(value) -> tuple[int, int]:
    """What the codec counts: one per opening bracket, comma and colon; and the deepest nesting."""
    if isinstance(value, list):
        inner = [_items_and_depth(v) for v in value]
        return 1 + max(len(value) - 1, 0) + sum(i for i, _ in inner), 1 + max((d for _, d in inner), default=0)
    if isinstance(value, dict):
        inner = [_items_and_depth(v) for v in value.values()]
        return 1 + max(len(value) - 1, 0) + len(value) + sum(i for i, _ in inner), 1 + max((d for _, d in inner), default=0)
    return 0, 0


@settings(max_examples=300, deadline=None)
@given(_json_values(), st.integers(1, 9), st.booleans())
def test_values_and_nesting_are_counted_exactly_whatever_the_strings_and_chunks(value, chunk, ascii_only):
    """Strings full of quotes, backslashes, brackets and commas, cut anywhere by the chunking: the count on the raw
    bytes is the count of the parsed value."""
    data = json.dumps(value, ensure_ascii=ascii_only).encode()
    items, depth = _items_and_depth(value)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(codec, "_CHUNK", chunk)
        patch.setattr(codec, "MAX_ITEMS", items)
        patch.setattr(codec, "MAX_DEPTH", depth)
        codec._check_shape(data)  # exactly at both limits: accepted
        for name, limit in (("MAX_ITEMS", items), ("MAX_DEPTH", depth)):
            if limit:
                patch.setattr(codec, name, limit - 1)
                with pytest.raises(codec.AnswerRefused):
                    codec._check_shape(data)
                patch.setattr(codec, name, limit)


PLAIN_TYPES = (type(None), bool, int, float, complex, str, np.ndarray, codec.Handle, codec.SympyTree, codec.Raised)


def _plain(value, depth=0):
    assert depth <= codec.MAX_DEPTH and isinstance(value, PLAIN_TYPES + (list, tuple, dict))
    if isinstance(value, (list, tuple)):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(_plain(k, depth + 1) and _plain(v, depth + 1) for k, v in value.items())
    return True


def _hostile_json():
    tags = st.sampled_from(["array", "float", "complex", "tuple", "dict", "handle", "sympy", "raised", "pickle", 7])
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                     st.sampled_from(["nan", "inf", "<f8", "|O", "|b1", "AAAAAAAAAAA=", ""]))
    return st.recursive(leaf, lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.fixed_dictionaries({"t": tags}, optional={"v": inner, "dtype": inner, "shape": inner, "b64": inner}),
        st.dictionaries(st.text(max_size=3), inner, max_size=3)), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_hostile_json().map(lambda v: json.dumps(v).encode()), st.binary(max_size=200)))
def test_any_message_decodes_to_plain_data_or_is_refused(data):
    try:
        value = codec.decode(data)
    except codec.BadMessage as refused:
        assert "\n" not in str(refused)
        return
    assert _plain(value)


def test_a_notebook_s_answers_are_bounded_in_all():
    """Past MAX_TRAFFIC_BYTES of answers, every further request of the notebook is refused without being sent."""
    sent = []
    answer = codec.encode("a" * (codec.MAX_MESSAGE_BYTES - 10))
    channel = Channel(lambda request: sent.append(request) or answer)
    with pytest.raises(codec.AnswerRefused, match="in all"):
        for _ in range(remote.MAX_TRAFFIC_BYTES // len(answer) + 2):
            channel.lookup("x")
    count = len(sent)
    with pytest.raises(codec.AnswerRefused, match="in all"):
        channel.lookup("x")
    assert len(sent) == count == remote.MAX_TRAFFIC_BYTES // len(answer) + 1


def test_an_answer_over_the_size_limit_is_refused_by_the_agent_without_breaking_the_connection():
    channel = Channel(local_transport({"big": lambda: "a" * codec.MAX_MESSAGE_BYTES, "small": lambda: 1}))
    with pytest.raises(codec.AnswerRefused, match="bytes"):
        channel.lookup("big")()
    assert channel.lookup("small")() == 1


def test_an_oversized_frame_stops_the_channel_without_reading_it(tmp_path):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(tmp_path / "agent.sock"))
    listener.listen(1)
    transport = remote.SocketTransport(listener, timeout_s=5)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sandbox:
        sandbox.connect(str(tmp_path / "agent.sock"))
        try:
            sandbox.sendall(struct.pack("!Q", 2**40) + b"[" * 1000)
            with pytest.raises(remote.SandboxError, match="limit"):
                transport(b"request")
            with pytest.raises(remote.SandboxError, match="limit"):
                transport(b"another")
        finally:
            transport.close()


# ---------------------------------------------------------------- the audit record names only the student's code

def _called_from(filename: str, function):
    """function() called from code compiled under `filename` (as a notebook cell's code is)."""
    namespace = {"function": function}
    exec(compile("result = function()", filename, "exec"), namespace)
    return namespace["result"]


def test_events_count_only_with_the_student_s_cell_code_on_the_stack(monkeypatch):
    from aimath.sandbox.inside import agent
    monkeypatch.setattr(agent, "_cell_prefixes", ("/tmp/ipykernel_1/", "<ipython-input-"))
    monkeypatch.setattr(agent, "_own_cells", {"/tmp/ipykernel_1/111.py"})
    here = lambda: agent._by_student(sys._getframe())  # noqa: E731
    assert _called_from("/tmp/ipykernel_1/222.py", here), "a cell of the student's"
    assert _called_from("<ipython-input-3-abc>", here), "IPython's own cell names"
    assert not _called_from("/tmp/ipykernel_1/111.py", here), "the agent's own cell (serve, start)"
    assert not _called_from(ipykernel_file(), here), "the kernel's machinery (its interrupt handler)"
    assert _called_from("/tmp/ipykernel_1/111.py", lambda: _called_from("/tmp/ipykernel_1/222.py", here)), \
        "the student's code called by the agent"


def ipykernel_file() -> str:
    import ipykernel.kernelbase
    return ipykernel.kernelbase.__file__


def test_audit_entries_are_short_typed_and_printable():
    """The record is written in the student's process: anything there is advisory text, never markup or escapes."""
    forged = [["os.system", "('ls',)\x1b[2K\x1b[1A\r"], ["Likely mistake [forged-tag]", "x"], ["open", 5], "junk",
              ["open", "/etc/x", "extra"], ["open", "/" + "a" * 10_000]] + [["os.kill", "(1, 2)"]] * 50
    lines = remote.attempts(forged)
    assert lines[0] == "os.system ('ls',)\\x1b[2K\\x1b[1A\\r"
    assert lines[1].startswith("open /aaa") and len(lines[1]) == remote.MAX_ATTEMPT_CHARS
    assert len(lines) <= remote.MAX_ATTEMPTS and all(line.isprintable() for line in lines)
    assert not any("forged" in line for line in lines)
    assert remote.attempts({"not": "a list"}) == [] and remote.attempts(None) == []

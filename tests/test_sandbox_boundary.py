"""The boundary between the sandbox and the grader, without a sandbox: the codec refuses anything but plain data,
sympy is rebuilt from an allow-list, requests never carry reference code, and handles behave like the objects."""
import json
import os
import signal
import socket
import struct
import sys
import time

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


def _costly_to_evaluate():
    """Expressions within every size bound that sympy takes seconds to minutes to evaluate (build with evaluation)."""
    xs = sympy.symbols(f"x0:{sympy_tree.MAX_SYMBOLS}")
    radicals = sum(sympy.sqrt(p) for p in (2, 3, 5, 7, 11, 13))
    zero = sympy.Add(sympy.Pow(sympy.expand(radicals**2), sympy.S.Half), -radicals, evaluate=False)  # exactly 0
    tanh = sympy.Add(*xs)
    for _ in range(8):
        tanh = sympy.tanh(tanh, evaluate=False)
    nested = xs[0]
    for x_ in xs[1:8]:
        nested = sympy.Max(nested, x_, evaluate=False)
    return {"sin of a sum of square roots that is 0": sympy.sin(zero, evaluate=False),  # a minimal polynomial: minutes
            "tanh nested 8 deep": tanh,  # its assumptions query the real and imaginary parts at every level: seconds
            "Max of 8 symbols nested": nested}  # merged into one Max at each level, its arguments compared pairwise


@pytest.mark.parametrize("name", list(_costly_to_evaluate()))
def test_a_tree_is_rebuilt_as_sent_never_evaluated(name):
    """Rebuilding evaluates nothing (no comparison, no assumption, no simplification): the rebuilt expression has the
    very structure that was sent, however costly evaluating it would be."""
    from aimath.sandbox.inside.agent import _sympy_tree
    expression = _costly_to_evaluate()[name]
    built = sympy_tree.rebuild(_sympy_tree(expression))
    assert _sympy_tree(built) == _sympy_tree(expression)
    assert sympy.srepr(built) == sympy.srepr(expression)


def test_the_trees_of_one_answer_share_one_budget():
    """Each tree within MAX_NODES, three of them in one answer over it: refused (issue: a get_greatest returning three
    Max of 499 symbols held the grader 302 s)."""
    third = sympy_tree.MAX_NODES // 3 + 1
    trees = [sympy.Add(*[sympy.Integer(k) * sympy.Symbol("x") ** k for k in range(1, third // 4)], evaluate=False)
             for _ in range(4)]
    data = _sympy_answer(trees[0])
    assert Channel(lambda request: data).lookup("f") == trees[0]
    from aimath.sandbox.inside.agent import _sympy_tree
    answer = codec.encode([codec.SympyTree(_sympy_tree(t)) for t in trees])
    with pytest.raises(codec.AnswerRefused, match=f"more than {sympy_tree.MAX_NODES} nodes"):
        Channel(lambda request: answer).lookup("f")
    many = codec.encode([codec.SympyTree(["Symbol", f"s{i}"]) for i in range(sympy_tree.MAX_SYMBOLS + 1)])
    with pytest.raises(codec.AnswerRefused, match=f"more than {sympy_tree.MAX_SYMBOLS} different symbols"):
        Channel(lambda request: many).lookup("f")


def test_min_and_max_are_bounded_by_what_evaluating_them_compares():
    """Max(a, b, ...) evaluated compares its arguments pairwise, nested Max merged into it: a tree of two-argument Max
    over 24 numbers costs more than one Max of 24 (which passes), and the answer's Min and Max share
    MAX_COMPARISONS."""
    x = sympy.Symbol("x")
    assert sympy_tree.rebuild(["Max", [["Symbol", "x"], ["Integer", 0]]]) == sympy.Max(x, 0, evaluate=False)
    numbers = [["Integer", k] for k in range(24)]
    assert sympy_tree.rebuild(["Max", numbers]).args == tuple(sympy.Integer(k) for k in range(24))
    with pytest.raises(sympy_tree.NotSympy, match="compare more than"):
        sympy_tree.rebuild(["Max", numbers + numbers])

    def halves(leaves):
        return leaves[0] if len(leaves) == 1 else ["Max", [halves(leaves[:len(leaves) // 2]),
                                                           halves(leaves[len(leaves) // 2:])]]
    with pytest.raises(sympy_tree.NotSympy, match="compare more than"):
        sympy_tree.rebuild(halves(numbers))
    eight = ["Min", [["Symbol", f"x{k}"] for k in range(8)]]  # 8 x 8 each
    budget = sympy_tree.Budget()
    for _ in range(sympy_tree.MAX_COMPARISONS // 64):
        sympy_tree.rebuild(eight, budget)
    with pytest.raises(sympy_tree.NotSympy, match="compare more than"):
        sympy_tree.rebuild(eight, budget)


def test_a_poly_holds_only_polynomial_arithmetic():
    """A Poly is built by expanding its expression (evaluating it): only sums, products and integer powers of symbols
    and numbers may be in it."""
    x = sympy.Symbol("x")
    assert sympy_tree.rebuild(["Poly", ["Add", [["Mul", [["Float", "2.5"], ["Symbol", "x"]]], ["Pi"]]],
                               [["Symbol", "x"]]]) == sympy.Poly(2.5 * x + sympy.pi, x)
    for expression in (["sin", [["Symbol", "x"]]], ["Pow", [["Symbol", "x"], ["Half"]]],
                       ["Max", [["Symbol", "x"], ["Integer", 1]]]):
        with pytest.raises(sympy_tree.NotSympy, match="Poly"):
            sympy_tree.rebuild(["Poly", expression, [["Symbol", "x"]]])


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


_M61 = 2**61 - 1  # ints hash to themselves modulo this; floats to their value modulo it (2.0**61 hashes as 1.0)
COLLIDING_KEYS = {
    "ints": [k * _M61 for k in range(1, 1200)],
    "floats": [2.0 ** (61 * k) for k in range(16)] * 80,  # 16 distinct keys of one hash, repeated: weight counts all
    "tuples": [(k * _M61, 0) for k in range(1, 600)],
    "tuples of strings": [("w" * 640, k * _M61) for k in range(1, 120)],
    "bools and None": [True, False, None] * 400,
}


@pytest.mark.parametrize("kind", COLLIDING_KEYS)
def test_dict_keys_that_all_hash_alike_are_bounded_in_one_answer(kind):
    """Keys other than str hash without a random seed, so an answer can make them all collide (building its dict
    costs n**2 / 2 key comparisons): their weight in one answer is at most MAX_KEY_WEIGHT, split among dicts or not."""
    keys = COLLIDING_KEYS[kind]
    weights = [codec._key_weight(k) for k in keys]
    assert sum(weights) > codec.MAX_KEY_WEIGHT
    with pytest.raises(codec.AnswerRefused, match="keys other than str"):
        codec.decode(_dict_pairs(keys))
    with pytest.raises(codec.AnswerRefused, match="keys other than str"):
        codec.decode(b"[" + b",".join(_dict_pairs([k]) for k in keys) + b"]")
    fits = len(weights) - 1
    while sum(weights[:fits]) > codec.MAX_KEY_WEIGHT:
        fits -= 1
    assert codec.decode(_dict_pairs(keys[:fits])) == dict.fromkeys(keys[:fits], 0)


def _dict_pairs(keys) -> bytes:
    """A tagged dict as the agent would send it, with these keys in this order (repeats kept) and 0 for values."""
    return json.dumps({"t": "dict", "v": [[codec._to_json(k), 0] for k in keys]}, separators=(",", ":")).encode()


def test_dicts_keyed_by_str_are_not_bounded_beyond_the_message():
    """Str keys hash with the grader's random seed (PYTHONHASHSEED is never set): a student cannot make them
    collide, and the course's dicts (TwoLayerNet's params and grads, counts of words) are keyed by str."""
    import subprocess
    assert subprocess.run([sys.executable, "-c", "import sys; print(sys.flags.hash_randomization)"],
                          capture_output=True, text=True).stdout.strip() == "1"
    keyed = {f"w{i}": float(i) for i in range(60_000)}
    assert codec.decode(codec.encode(keyed)) == keyed
    grads = {"W1": np.ones((3, 4)), "b1": np.zeros(4), "W2": np.ones((4, 2)), "b2": np.zeros(2)}
    assert {k: v.tolist() for k, v in codec.decode(codec.encode(grads)).items()} == \
        {k: v.tolist() for k, v in grads.items()}
    counts = {k: k / 10 for k in range(codec.MAX_KEY_WEIGHT)}  # e.g. probabilities by category
    assert codec.decode(codec.encode(counts)) == counts


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                              st.text(max_size=200)),
                                    lambda inner: st.lists(inner, max_size=4).map(tuple), max_leaves=8),
                       st.integers(), max_size=60))
def test_any_keys_decode_as_sent_or_are_refused_for_their_weight(keyed):
    data = codec.encode(keyed)
    if sum(codec._key_weight(k) for k in keyed) > codec.MAX_KEY_WEIGHT:
        with pytest.raises(codec.AnswerRefused):
            codec.decode(data)
    else:
        assert codec.decode(data) == keyed


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


def _children(count: int, *, new_session: bool = False, grandchild: bool = False) -> list[int]:
    """Pids of `count` sleeping processes forked from this one (in a session of their own, or each with a sleeping
    child of its own); the caller kills them. A pipe tells when each is ready."""
    pids = []
    for _ in range(count):
        ready_read, ready_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                if new_session:
                    os.setsid()
                if grandchild and os.fork() == 0:
                    os.write(ready_write, b"g")
                    time.sleep(60)
                    os._exit(0)
                os.write(ready_write, b"c")
                time.sleep(60)
            finally:
                os._exit(0)
        os.read(ready_read, 1)
        if grandchild:
            os.read(ready_read, 1)
        os.close(ready_read)
        os.close(ready_write)
        pids.append(pid)
    return pids


def test_signals_to_one_s_own_descendants_are_not_attempts():
    """A process pool forks workers and terminates them (os.kill(worker, SIGTERM)): that stays in the process tree the
    kernel started. Signalling itself, its parent, its own process group (which holds itself), every process, or a
    process it did not start is an attempt."""
    from aimath.sandbox.inside import agent
    children = _children(2)
    grouped = _children(1, new_session=True)  # a child leading a process group of its own (start_new_session)
    parents = _children(1, grandchild=True)
    grandchildren = [int(p) for p in os.listdir("/proc") if p.isdigit() and agent._parent(int(p)) == parents[0]]
    try:
        assert len(grandchildren) == 1
        grandchild = grandchildren[0]
        for pid in children + grouped + parents + [grandchild]:
            assert not agent._signals_outside("os.kill", (pid, signal.SIGTERM)), pid
        assert not agent._signals_outside("os.killpg", (grouped[0], signal.SIGTERM))
        assert not agent._signals_outside("os.kill", (-grouped[0], signal.SIGTERM))
        outside = [("os.kill", (os.getpid(), signal.SIGINT)), ("os.kill", (os.getppid(), signal.SIGTERM)),
                   ("os.kill", (1, signal.SIGINT)), ("os.kill", (0, signal.SIGTERM)), ("os.kill", (-1, signal.SIGKILL)),
                   ("os.killpg", (os.getpgid(0), signal.SIGINT)), ("os.kill", (-os.getpgid(0), signal.SIGINT)),
                   ("os.killpg", (1, signal.SIGINT)), ("os.kill", ("junk", 2)), ("os.kill", ())]
        for event, args in outside:
            assert agent._signals_outside(event, args), (event, args)
    finally:
        for pid in grandchildren:
            os.kill(pid, signal.SIGKILL)
        for pid in children + grouped + parents:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    gone = children[0]
    assert not agent._signals_outside("os.kill", (gone, signal.SIGTERM)), "a process that is gone reaches nothing"


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


def test_a_request_the_agent_cannot_load_is_the_graders_failure_not_the_students():
    """The agent's own refusal travels as `codec.AGENT_ERROR` and the grader reads it as SandboxError."""
    from aimath.sandbox.inside import agent

    garbled = Channel(lambda request: agent.handle_request({}, request[:-1]))
    with pytest.raises(remote.SandboxError, match="cannot load the grader's request"):
        garbled.request("lookup", "f")
    assert codec.decode(agent.handle_request({}, b"")).kind == codec.AGENT_ERROR

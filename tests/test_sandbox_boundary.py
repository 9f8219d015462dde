"""The boundary between the sandbox and the grader, without a sandbox: the codec refuses anything but plain data,
sympy is rebuilt from an allow-list, requests never carry reference code, and handles behave like the objects."""
import json

import numpy as np
import pytest
import sympy

from aimath.sandbox import sympy_tree
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

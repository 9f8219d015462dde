"""Length-prefixed messages over the Unix socket between the grader and the agent (both sides use this module)."""
from __future__ import annotations

import socket
import struct
import time

_HEADER = struct.Struct("!Q")
_CHUNK = 1 << 20


def send(connection: socket.socket, payload: bytes) -> None:
    connection.sendall(_HEADER.pack(len(payload)) + payload)


def _read_exactly(connection: socket.socket, n: int, deadline: float | None) -> bytes:
    chunks = []
    while n:
        if deadline is not None:
            connection.settimeout(max(0.001, deadline - time.monotonic()))
        chunk = connection.recv(min(n, _CHUNK))
        if not chunk:
            raise ConnectionError("the other side closed the connection")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def receive(connection: socket.socket, *, deadline: float | None = None, max_bytes: int | None = None) -> bytes:
    """One message; raises `socket.timeout` past the deadline, `ConnectionError` if the peer closed or the announced
    size is over `max_bytes`."""
    (size,) = _HEADER.unpack(_read_exactly(connection, _HEADER.size, deadline))
    if max_bytes is not None and size > max_bytes:
        raise ConnectionError(f"a message of {size} bytes is over the limit")
    return _read_exactly(connection, size, deadline)

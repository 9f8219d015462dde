"""Length-prefixed messages over the Unix socket between the grader and the agent (both sides use this module)."""
from __future__ import annotations

import socket
import struct
import time

_HEADER = struct.Struct("!Q")
_CHUNK = 1 << 20


def send(connection: socket.socket, payload: bytes) -> None:
    """Send `payload` as one message: its length (8 bytes, big-endian) then its bytes. Raises OSError as
    socket.sendall does."""
    connection.sendall(_HEADER.pack(len(payload)) + payload)


class FrameTooLarge(ConnectionError):
    """The other side announced a message over the limit (its bytes are left unread: the connection is unusable)."""


def _read_exactly(connection: socket.socket, n: int, deadline: float | None) -> bytearray:
    """n bytes, read into one buffer (no second copy)."""
    buffer = bytearray(n)
    view = memoryview(buffer)
    done = 0
    while done < n:
        if deadline is not None:
            connection.settimeout(max(0.001, deadline - time.monotonic()))
        got = connection.recv_into(view[done:], min(n - done, _CHUNK))
        if not got:
            raise ConnectionError("the other side closed the connection")
        done += got
    return buffer


def receive(connection: socket.socket, *, deadline: float | None = None, max_bytes: int | None = None) -> bytes:
    """One message (bytes-like); raises `socket.timeout` past the deadline, `ConnectionError` if the peer closed,
    `FrameTooLarge` if the announced size is over `max_bytes`."""
    (size,) = _HEADER.unpack(_read_exactly(connection, _HEADER.size, deadline))
    if max_bytes is not None and size > max_bytes:
        raise FrameTooLarge(f"a message of {size} bytes is over the limit of {max_bytes}")
    return _read_exactly(connection, size, deadline)

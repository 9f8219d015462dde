"""The salt of a submission's hidden inputs: each submission meets its own random inputs, each regrade the same ones.

The checks draw their random inputs with `judge.seeded_rng`, seeded from the check's name. While a submission is
graded, the sandbox's Execute step salts those draws with `submission_salt` (`salted_inputs`; the inputs come from
`aimath.sandbox.execute.inputs_salt_of`). The salt is
SHA-256 of a course secret, the student id, the assignment, the notebook's name and everything the student handed
in (the relative path and content of every file of `submitted/<student>/<assignment>/`), so:
- regrading the same submission (`FORCE=1` or not, on any worker) meets the same inputs and gives the same scores;
- any change to what was handed in (the code, a table of answers in the notebook or in another file) meets new
  inputs, and so does another student's copy: answers harvested from one grading do not fit the next;
- a student cannot compute the salt of a notebook before handing it in, so cannot search for a notebook whose
  random inputs happen to miss their mistake: the course secret is the id nbgrader gave the notebook in the
  gradebook (a random UUID made at release, never released; kept by gradebook.db, copied to every worker with
  the gradebook's skeleton);
- hand-picked cases are written in the checks and never change.
docs/THREAT_MODEL.md ("What we do not guarantee") says what this leaves open.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import stat
from pathlib import Path


# Names this salt apart from any other SHA-256 of the same bytes (bump the version to change every draw).
DOMAIN = b"aimath hidden inputs v1"

# The salt in force: empty (the same draws at every run) unless grading set a submission's.
_salt: contextvars.ContextVar[bytes] = contextvars.ContextVar("aimath_inputs_salt", default=b"")


def current_salt() -> bytes:
    """The salt `judge.seeded_rng` mixes into its seed: the one `salted_inputs` set, or b"" outside grading."""
    return _salt.get()


@contextlib.contextmanager
def salted_inputs(salt: bytes):
    """Within the block, the checks' random draws (`judge.seeded_rng`) depend on `salt` (bytes; b"": unsalted)."""
    token = _salt.set(bytes(salt))
    try:
        yield
    finally:
        _salt.reset(token)


def _field(data: bytes) -> bytes:
    """`data` with its length in front, so that consecutive fields cannot be confused."""
    return len(data).to_bytes(8, "big") + data


def _content_digest(path: str) -> bytes:
    """SHA-256 of a regular file's bytes, read in chunks without following a symbolic link."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").digest()


def folder_digest(folder: Path | str) -> bytes:
    """SHA-256 (32 bytes) of a folder's tree: every entry's relative path (bytes, any encoding) and kind, a regular
    file's content, a symbolic link's target. Links are never followed and special files never opened; an entry
    that cannot be read counts as unreadable. A folder that does not exist has the digest of an empty tree."""
    h = hashlib.sha256()
    pending = [(os.fsencode(folder), b"")]
    while pending:
        path, relative = pending.pop()
        try:
            with os.scandir(path) as scan:
                entries = sorted(scan, key=lambda e: os.fsencode(e.name))
        except OSError:
            continue
        for entry in entries:
            name = relative + b"/" + os.fsencode(entry.name)
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    kind, content = b"d", b""
                    pending.append((os.fsencode(entry.path), name))
                elif stat.S_ISREG(mode):
                    kind, content = b"f", _content_digest(entry.path)
                elif stat.S_ISLNK(mode):
                    kind, content = b"l", os.fsencode(os.readlink(entry.path))
                else:  # FIFO, socket, device: never opened
                    kind, content = b"s", b""
            except OSError:
                kind, content = b"?", b""
            h.update(_field(name) + kind + _field(content))
    return h.digest()


def submission_salt(folder: Path | str, *, course_secret: str, student: str, assignment: str, notebook: str) -> bytes:
    """The salt (32 bytes) of the hidden inputs of `notebook` in a submission whose files are in `folder`."""
    h = hashlib.sha256(DOMAIN)
    for part in (course_secret, student, assignment, notebook):
        h.update(_field(os.fsencode(part)))
    h.update(folder_digest(folder))
    return h.digest()


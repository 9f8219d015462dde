"""A submission folder read as the hostile thing it is: regular files only, no link ever followed, bounded.

A student controls every entry of their folder: its names (any bytes), its symbolic links, hard links, FIFOs,
sockets and device files, its depth and its size. Everything that reads a submission folder (intake, the digest
that tells a changed submission, the copy a grading worker makes, the copy a kernel gets as its home) goes through
this module, so that:

- only folders and regular files are taken. A symbolic link, FIFO, socket or device file is skipped without being
  opened; so is a regular file with more than one hard link (its other name may be outside the folder: a hard link
  to the gradebook is a regular file, and only its link count tells).
- every folder is opened relative to its parent with O_NOFOLLOW, every file with O_NOFOLLOW | O_NONBLOCK, and each
  is checked with fstat once open: a name swapped for a link or a FIFO after it was listed is skipped, never
  followed, and opening never blocks.
- names are kept as the file system has them (str with surrogate escapes for bytes that are not UTF-8, as `os`
  returns them); show them with `aimath.untrusted_text.visible`.
- the folder is read to at most MAX_DEPTH levels, MAX_ENTRIES names and MAX_BYTES of file contents (released
  notebooks first); what lies past a bound is skipped and named, never read.

Nothing here writes to the folder it reads.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

MAX_DEPTH = 8               # folder levels below the submission folder
MAX_ENTRIES = 1000          # names looked at in one submission folder (files, folders, links, ...)
MAX_BYTES = 128 * 2**20     # file contents taken from one submission folder, notebooks first
CHUNK_BYTES = 2**20         # files are read and copied in pieces of this size
FILE_MODE, FOLDER_MODE = 0o644, 0o755  # of a copy: whatever the originals', no executable or set-id bits

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
HARD_LINK = "hard link"  # a regular file with another name, maybe outside the folder


class NotAFolder(OSError):
    """The submission folder itself (or a folder on the way to it) is a link, a file or missing; `why` says which."""

    def __init__(self, path: Path, why: str):
        super().__init__(f"{path}: {why}")
        self.path, self.why = path, why


@dataclass(frozen=True)
class Skipped:
    """An entry that was not taken, by its path relative to the submission folder, and why."""

    path: str
    why: str


@dataclass(frozen=True)
class Listing:
    """What a submission folder holds that may be read: regular files (relative paths, '/'-separated, in byte order
    of their names, with their sizes in bytes) and folders, and the entries skipped, with why."""

    files: tuple[tuple[str, int], ...] = ()
    folders: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    @property
    def names(self) -> list[str]:
        """The relative paths of the files taken."""
        return [name for name, _ in self.files]


def kind_of(mode: int) -> str:
    """What an entry that is neither a folder nor a regular file is, in words."""
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device file"
    return "special file"


def open_folder(folder: Path, *, trusted: Path | None = None) -> int:
    """A descriptor of `folder`, every component below `trusted` (default: its parent) opened without following a
    link. Raises NotAFolder when one is a link, not a folder, or cannot be opened."""
    folder = Path(folder)
    trusted = Path(trusted) if trusted is not None else folder.parent
    try:
        parts = folder.relative_to(trusted).parts
    except ValueError:
        raise NotAFolder(folder, f"not inside {trusted}") from None
    try:
        fd = os.open(trusted, _DIRECTORY & ~os.O_NOFOLLOW)
    except OSError as e:
        raise NotAFolder(folder, e.strerror or "cannot be opened") from None
    for part in parts:
        try:
            st = os.stat(part, dir_fd=fd, follow_symlinks=False)
            if not stat.S_ISDIR(st.st_mode):
                os.close(fd)
                raise NotAFolder(folder, "a file, not a folder" if stat.S_ISREG(st.st_mode) else kind_of(st.st_mode))
            child = os.open(part, _DIRECTORY, dir_fd=fd)
        except NotAFolder:
            raise
        except OSError as e:
            os.close(fd)
            raise NotAFolder(folder, e.strerror or "cannot be opened") from None
        os.close(fd)
        fd = child
    return fd


@dataclass
class _Walk:
    reserved: frozenset
    entries: int = 0
    files: list = field(default_factory=list)
    folders: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def _walk(fd: int, prefix: str, depth: int, walk: _Walk) -> None:
    for name in sorted(os.listdir(fd), key=os.fsencode):
        if walk.entries >= MAX_ENTRIES:
            walk.skipped.append(Skipped(f"{prefix}{name}", f"past the first {MAX_ENTRIES} entries of the folder"))
            return
        walk.entries += 1
        path = f"{prefix}{name}"
        if not prefix and name in walk.reserved:
            walk.skipped.append(Skipped(path, "a name the grader writes itself"))
            continue
        try:
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError as e:
            walk.skipped.append(Skipped(path, f"unreadable ({e.strerror})"))
            continue
        if stat.S_ISDIR(st.st_mode):
            if depth >= MAX_DEPTH:
                walk.skipped.append(Skipped(path, f"more than {MAX_DEPTH} folders deep"))
                continue
            try:
                child = os.open(name, _DIRECTORY, dir_fd=fd)
            except OSError as e:
                walk.skipped.append(Skipped(path, f"unreadable ({e.strerror})"))
                continue
            try:
                walk.folders.append(path)
                _walk(child, f"{path}/", depth + 1, walk)
            finally:
                os.close(child)
        elif not stat.S_ISREG(st.st_mode):
            walk.skipped.append(Skipped(path, kind_of(st.st_mode)))
        elif st.st_nlink > 1:
            walk.skipped.append(Skipped(path, HARD_LINK))
        else:
            walk.files.append((path, st.st_size))


def _first(path: str) -> tuple:
    """Notebooks at the top of the folder take the byte budget first, then everything in byte order of names."""
    return ("/" in path or not path.endswith(".ipynb"), os.fsencode(path))


def scan(folder: Path, *, trusted: Path | None = None, reserved: Iterable[str] = ()) -> Listing:
    """The Listing of `folder` (components below `trusted` never links, see open_folder); `reserved` are top-level
    names the grader writes itself, skipped. Raises NotAFolder for the folder itself; never raises for an entry."""
    fd = open_folder(folder, trusted=trusted)
    try:
        walk = _Walk(frozenset(reserved))
        _walk(fd, "", 0, walk)
    finally:
        os.close(fd)
    taken, skipped, total = [], list(walk.skipped), 0
    for path, size in sorted(walk.files, key=lambda f: _first(f[0])):
        if total + size > MAX_BYTES:
            skipped.append(Skipped(path, f"over the {MAX_BYTES // 2**20} MB a submission folder may hold"))
        else:
            taken.append((path, size))
            total += size
    return Listing(tuple(sorted(taken, key=lambda f: os.fsencode(f[0]))), tuple(walk.folders),
                   tuple(sorted(skipped, key=lambda s: os.fsencode(s.path))))


class NotARegularFile(OSError):
    """A listed name no longer opens as a regular file with a single link (it was swapped after listing)."""


def _open_file(folder_fd: int, path: str) -> int:
    """A descriptor of the regular file at `path` (relative, '/'-separated) below the folder `folder_fd`, no link
    followed on the way."""
    *parents, name = path.split("/")
    fd = os.dup(folder_fd)
    try:
        for part in parents:
            child = os.open(part, _DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        handle = os.open(name, _FILE, dir_fd=fd)
    finally:
        os.close(fd)
    st = os.fstat(handle)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
        os.close(handle)
        raise NotARegularFile(path)
    return handle


def _chunks(handle: int, limit: int) -> Iterator[bytes]:
    left = limit
    while left > 0:
        data = os.read(handle, min(CHUNK_BYTES, left))
        if not data:
            return
        left -= len(data)
        yield data


def read_file(folder: Path, path: str, *, trusted: Path | None = None, limit: int = MAX_BYTES) -> bytes:
    """At most `limit` bytes of the regular file `path` (relative) of `folder`. Raises NotAFolder, or OSError
    (NotARegularFile among them) when it is not a regular file with a single link, or is missing."""
    fd = open_folder(folder, trusted=trusted)
    try:
        handle = _open_file(fd, path)
    finally:
        os.close(fd)
    try:
        return b"".join(_chunks(handle, limit))
    finally:
        os.close(handle)


def copy(folder: Path, to: Path, *, trusted: Path | None = None, reserved: Iterable[str] = ()) -> Listing:
    """Copy what `folder` holds that may be read (see scan) into the new folder `to` (files FILE_MODE, folders
    FOLDER_MODE); returns what was copied and skipped (a file that stopped being a regular file since it was listed is skipped, not copied).
    Raises NotAFolder for the folder itself."""
    listing = scan(folder, trusted=trusted, reserved=reserved)
    to = Path(to)
    to.mkdir(parents=True)
    for sub in ("", *listing.folders):  # readable by others: a kernel reads its copy as the sandbox's own user
        (to / sub).mkdir(parents=True, exist_ok=True)
        (to / sub).chmod(FOLDER_MODE)
    copied, skipped = [], list(listing.skipped)
    fd = open_folder(folder, trusted=trusted)
    try:
        for path, size in listing.files:
            try:
                handle = _open_file(fd, path)
            except OSError:
                skipped.append(Skipped(path, "changed while it was being copied"))
                continue
            try:
                with open(to / path, "wb") as out:
                    for data in _chunks(handle, size):
                        out.write(data)
                (to / path).chmod(FILE_MODE)
            finally:
                os.close(handle)
            copied.append((path, size))
    finally:
        os.close(fd)
    return Listing(tuple(copied), listing.folders, tuple(sorted(skipped, key=lambda s: os.fsencode(s.path))))


def digest(folder: Path, *, trusted: Path | None = None, reserved: Iterable[str] = ()) -> str:
    """sha256 of what a grading copy of `folder` would hold: every taken file's relative path (as bytes) and
    contents, every folder and every skipped entry with why. Never raises: a folder that cannot be read gives a
    digest of why, which changes when that does."""
    h = hashlib.sha256()
    try:
        listing = scan(folder, trusted=trusted, reserved=reserved)
        fd = open_folder(folder, trusted=trusted)
    except NotAFolder as e:
        h.update(b"not a folder\0" + e.why.encode())
        return h.hexdigest()
    try:
        for path, size in listing.files:
            h.update(b"file\0" + os.fsencode(path) + b"\0" + str(size).encode() + b"\0")
            try:
                handle = _open_file(fd, path)
            except OSError:
                h.update(b"changed\0")
                continue
            try:
                for data in _chunks(handle, size):
                    h.update(data)
            finally:
                os.close(handle)
    finally:
        os.close(fd)
    for sub in listing.folders:
        h.update(b"folder\0" + os.fsencode(sub) + b"\0")
    for skipped in listing.skipped:
        h.update(b"skipped\0" + os.fsencode(skipped.path) + b"\0" + skipped.why.encode() + b"\0")
    return h.hexdigest()

"""Grade the attack catalogue in a throwaway course and judge, for each attack, whether it got anything.

`run(root, sandbox=...)` builds the course in `root` (basic_math only), grades every attack and honest control in
one batch (or each in a course of its own, `isolated=True`, so that one attack's damage cannot help another), and
returns one `Result` per submission.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from aimath.pipeline import nbgrader_session, release
from aimath.report import summary
from tests.attacks.catalogue import (ASSIGNMENT, ATTACKS, ESCAPE_MARK, HONEST, NETWORK_PORT_FILE, OUTSIDE_QUOTA_MARK,
                                     SOLUTION, STUB, Attack, attacked_notebook)

REPO = Path(__file__).resolve().parents[2]
# Limits tightened for the suite, so that hangs cost seconds (the defaults are for real classes).
TEST_CONFIG = """
from aimath.sandbox.limits import Limits
c.SandboxedExecute.limits = Limits(request_timeout_s=3.0, wall_s=90.0, memory_bytes=2 * 2**30)
c.Execute.timeout = 10
"""
# After grading, how long an escaped background process gets to do its damage before we look.
LINGER_S = 6.0
# What an escaped attack writes into the course's escape mark, and which attack that means.
MARKS = {"read ": "read-hidden-tests", "copied ": "copy-other-student", "config ran": "config-code-injection"}


@dataclass
class Result:
    attack: Attack
    score: float | None = None
    honest: float = 0.0
    harms: list = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return bool(self.harms) or (self.score is not None and self.score > self.honest + 1e-9)

    def describe(self) -> str:
        parts = [] if self.score is None else [f"scored {self.score:g} (honest {self.honest:g})"]
        return "; ".join(parts + self.harms) or "nothing"


def student_id(attack: Attack) -> str:
    return attack.name


def _digest(paths) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _protected_digest(root: Path) -> str:
    return _digest([p for p in (root / "source").rglob("*") if p.is_file()] + [root / nbgrader_session.CONFIG_FILE])


def _gradebook_state(root: Path) -> tuple:
    api = nbgrader_session.open_api(root=root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        notebook = gb.find_notebook(ASSIGNMENT, ASSIGNMENT)
        cells = sorted((c.name, c.source, c.checksum) for c in notebook.source_cells)
        maxima = sorted((c.name, c.max_score) for c in notebook.grade_cells)
        manual = sorted((g.name, g.manual_score) for s in gb.find_assignment(ASSIGNMENT).submissions
                        for n in s.notebooks for g in n.grades if g.manual_score is not None)
    return cells, maxima, manual


class _Listener:
    """A TCP listener on the host's loopback: any connection means a submission reached the network."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


def build_course(root: Path, attacks: list[Attack], *, defuse: bool) -> None:
    """A course with basic_math released and one submission per attack (student id = attack name)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / nbgrader_session.CONFIG_FILE).write_text((REPO / nbgrader_session.CONFIG_FILE).read_text() + TEST_CONFIG)
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT, dirs_exist_ok=True)
    release.release(root=root, assignments=[ASSIGNMENT])
    release_nb = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    source_nb = nbformat.read(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for attack in attacks:
        path = root / "submitted" / student_id(attack) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(attacked_notebook(attack, release_nb, source_nb, defuse=defuse), path)


def _grade(root: Path, *, sandbox: bool) -> subprocess.CompletedProcess:
    """`python -m aimath autograde` in a child process (the stock run under prlimit: it runs attacks
    unsandboxed, with the TA's permissions)."""
    env = {**os.environ, "AIMATH_SANDBOX": "on" if sandbox else "off"}
    command = [sys.executable, "-m", "aimath", "autograde", ASSIGNMENT, "--root", str(root)]
    if not sandbox:
        command = ["prlimit", f"--as={8 * 2**30}", f"--fsize={256 * 2**20}", "--"] + command
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    (root / "grading.log").write_text(done.stdout + done.stderr)
    return done


def _scores(root: Path) -> tuple[dict[str, float], float]:
    """Each student's score, and the assignment's maximum (what the honest solution scores)."""
    table = {student: row[ASSIGNMENT] for student, row in summary.scores(root=root).items() if ASSIGNMENT in row}
    return {student: score for student, (score, _, _) in table.items()}, max((m for _, m, _ in table.values()), default=0.0)


def run(root: Path, *, sandbox: bool, attacks: list[Attack] | None = None, isolated: bool = False) -> list[Result]:
    """Grade the attacks (and the honest controls) and say, for each, what it achieved."""
    attacks = attacks if attacks is not None else ATTACKS
    if isolated:
        results = []
        for attack in attacks:
            results += run(root / attack.name, sandbox=sandbox, attacks=[attack])
        return results
    everyone = HONEST + attacks
    build_course(root, everyone, defuse=not sandbox)
    listener = _Listener()
    (root / NETWORK_PORT_FILE).write_text(str(listener.port))
    protected = _protected_digest(root)
    try:
        grading = _grade(root, sandbox=sandbox)
        time.sleep(LINGER_S)
        nbgrader_session.open_api(root=root)  # loads nbgrader_config.py again, as the TA's next command would
    finally:
        listener.close()
    return judge(root, everyone, grading, protected, listener.connections, sandbox)


def judge(root, everyone, grading, protected, connections, sandbox) -> list[Result]:
    scores, full_marks = _scores(root)
    honest = {STUB: 0.0, SOLUTION: full_marks}
    gradebook_changed = _gradebook_changed(root)
    marks = (root / ESCAPE_MARK).read_text() if (root / ESCAPE_MARK).exists() else ""
    results = []
    for attack in everyone:
        result = Result(attack, scores.get(student_id(attack)), honest[attack.base])
        if result.score is None:
            result.harms.append("never graded (the batch stopped)" if grading.returncode else "not graded")
        if any(key in marks and name == attack.name for key, name in MARKS.items()):
            result.harms.append("read or wrote course files outside its folder")
        if attack.name == "network-exfiltration" and connections:
            result.harms.append(f"reached the network ({connections} connections)")
        if gradebook_changed and attack.name.startswith(("gradebook", "background")):
            result.harms.append("changed the gradebook")
        if attack.name == "config-code-injection" and _protected_digest(root) != protected:
            result.harms.append("changed nbgrader_config.py or source/")
        outside = _written_outside_quota(root, attack)
        if outside:
            result.harms.append(f"wrote {outside} bytes on the TA's disk, outside its scratch quota")
        results.append(result)
    return results


def _written_outside_quota(root: Path, attack: Attack) -> int:
    """What the scratch attack says (in its own cell's output) it wrote where the quota does not count."""
    path = root / "autograded" / student_id(attack) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    if not path.exists():
        return 0
    text = "".join(o.get("text", "") for c in nbformat.read(path, as_version=4).cells for o in c.get("outputs", []))
    return sum(int(line.split(OUTSIDE_QUOTA_MARK)[1]) for line in text.splitlines() if OUTSIDE_QUOTA_MARK in line)


def _gradebook_changed(root: Path) -> bool:
    """Test cells rewritten, points zeroed, or grades set by hand, compared with a fresh release of the source."""
    cells, maxima, manual = _gradebook_state(root)
    return any(source.strip() == "pass" for name, source, _ in cells if name.startswith("test_")) or \
        any(points == 0 for _, points in maxima) or bool(manual)

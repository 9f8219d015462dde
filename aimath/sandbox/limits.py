"""What one submission may use while it is graded. Every number here is a named limit a TA can change."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; wall and CPU time cover the whole notebook, the rest apply at every moment."""

    wall_s: float = 300.0            # the whole notebook, kernel start to shutdown
    cpu_s: int = 120                 # RLIMIT_CPU of the kernel (and each process it starts)
    memory_bytes: int = 4 * 2**30    # RLIMIT_AS per process
    extra_tasks: int = 64            # processes and threads beyond those the grading user already has
    file_bytes: int = 64 * 2**20     # RLIMIT_FSIZE: the largest file it may write
    scratch_bytes: int = 256 * 2**20 # size of its writable home (a tmpfs)
    open_files: int = 256            # RLIMIT_NOFILE
    output_bytes: int = 2 * 2**20    # all cell outputs of the notebook together; the rest is dropped
    request_timeout_s: float = 10.0  # one request from a test cell to the student's code

"""A hidden test's verdict as data: the mistakes a check named, from the check to the notebook and the report.

A check that recognises a wrong answer raises `judge.CheckFailed` carrying `Mistake`s; its message (for the student)
ends with one `mistake_line` per mistake, and this module is the only place that line is worded. When the grader
runs a test cell (aimath/sandbox/grader_side.py) it writes the failed check's mistakes into the cell's outputs as
one `display_data` output of MIME type `MIME_TYPE` (`to_output`), next to the error output nbgrader scores. The
report reads diagnoses from that output only (`from_outputs`), never from text: an exception raised by a student's
code can say anything, but only the grader writes a test cell's outputs.

The data, version 1: `{"version": 1, "mistakes": [{"tag": "max-seeded-at-zero", "advice": "..."}, ...]}`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence


MIME_TYPE = "application/vnd.aimath.verdict+json"
VERSION = 1
# A tag is a short stable name: words of letters and digits joined by hyphens ("not-multiplied-by-wRec").
TAG = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
# What a verdict read back from a notebook may hold (the report reads notebooks a student handed in, in the end).
MAX_MISTAKES = 20
MAX_TAG_CHARS = 64
MAX_ADVICE_CHARS = 2000


@dataclass(frozen=True, order=True)
class Mistake:
    """A named mistake: `tag` is counted in the report, `advice` tells the student what went wrong and how to fix it.

    Raises ValueError when the tag is not words joined by hyphens (at most MAX_TAG_CHARS characters) or the advice
    not a string.
    """

    tag: str
    advice: str

    def __post_init__(self):
        if not isinstance(self.tag, str) or len(self.tag) > MAX_TAG_CHARS or not TAG.fullmatch(self.tag):
            raise ValueError(f"a mistake's tag is words joined by hyphens, not {self.tag!r}")
        if not isinstance(self.advice, str):
            raise ValueError("a mistake's advice is a string")


class CheckFailed(AssertionError):
    """A hidden test's verdict: the message, worded for the student, and the `Mistake`s it names, as data.

    The message already holds each mistake's `mistake_line`. Raises TypeError when a mistake is not a `Mistake`.
    (An AssertionError, so nbgrader scores the test cell 0; checks import it from aimath.judge.)
    """

    def __init__(self, message: str, mistakes: Sequence[Mistake] = ()):
        super().__init__(message)
        self.mistakes = tuple(mistakes)
        if not all(isinstance(m, Mistake) for m in self.mistakes):
            raise TypeError(f"CheckFailed names its mistakes as aimath.verdict.Mistake values, not {self.mistakes!r}")

    @property
    def tags(self) -> tuple[str, ...]:
        """The named mistakes' tags, in order, each once."""
        return CellVerdict(self.mistakes).tags


def mistake_line(mistake: Mistake) -> str:
    """The student-facing line naming a mistake: `Likely mistake [tag]: advice` (worded here only)."""
    return f"Likely mistake [{mistake.tag}]: {mistake.advice}"


def naming(failure: CheckFailed, mistake: Mistake) -> CheckFailed:
    """`failure` with `mistake` named as well: its message gains the mistake's line, its data the mistake (raise it
    `from None`: the student reads one verdict)."""
    return CheckFailed(f"{failure}\n\n{mistake_line(mistake)}", [*failure.mistakes, mistake])


@dataclass(frozen=True)
class CellVerdict:
    """What the grader decided about one test cell, beyond its score: the mistakes the failed check named."""

    mistakes: tuple[Mistake, ...] = ()

    @property
    def tags(self) -> tuple[str, ...]:
        """The mistakes' tags, in order, each once."""
        return tuple(dict.fromkeys(m.tag for m in self.mistakes))

    def to_data(self) -> dict[str, Any]:
        """The JSON-ready form (see the module's docstring)."""
        return {"version": VERSION, "mistakes": [{"tag": m.tag, "advice": m.advice} for m in self.mistakes]}

    @classmethod
    def from_data(cls, data: Any) -> CellVerdict:
        """Read `to_data`'s form back; raises ValueError for anything else (another version, shape or type)."""
        if (not isinstance(data, Mapping) or type(data.get("version")) is not int or data["version"] != VERSION
                or not isinstance(data.get("mistakes"), list)):
            raise ValueError("not an aimath verdict of version 1")
        entries = data["mistakes"]
        if len(entries) > MAX_MISTAKES or not all(isinstance(e, Mapping) for e in entries):
            raise ValueError("a verdict's mistakes are a short list of {tag, advice} objects")
        if any(not isinstance(e.get("advice"), str) or len(e["advice"]) > MAX_ADVICE_CHARS for e in entries):
            raise ValueError("a mistake's advice is a string of at most MAX_ADVICE_CHARS characters")
        return cls(tuple(Mistake(e.get("tag"), e["advice"]) for e in entries))


def to_output(verdict: CellVerdict):
    """The verdict as an nbformat v4 `display_data` output (a NotebookNode, valid against nbformat's schema).

    Its `text/plain` form is for notebook viewers that do not know the MIME type (formgrader, JupyterLab); the
    feedback step drops the output (aimath/pipeline/plugins/drop_verdict_data.py): the error message already says it.
    """
    plain = "Diagnosed by the grader: " + ", ".join(verdict.tags)
    from nbformat.v4 import new_output  # here, not at the top: nbformat's schema validator takes 0.8 s to import,
                                        # and a hidden test cell of stock nbgrader imports this module
    return new_output("display_data", data={MIME_TYPE: verdict.to_data(), "text/plain": plain}, metadata={})


def is_verdict_output(output: Any) -> bool:
    """True for an output `to_output` could have made (a display_data output holding MIME_TYPE)."""
    return (isinstance(output, Mapping) and output.get("output_type") == "display_data"
            and isinstance(output.get("data"), Mapping) and MIME_TYPE in output["data"])


def is_test_cell(cell) -> bool:
    """Whether `cell` (an nbformat notebook cell) is one of nbgrader's autograder test cells: a graded code cell that
    is not an answer (nbgrader's own cell predicates). Only the grader writes such a cell's outputs, so only there is
    a verdict read (`from_outputs`) or dropped."""
    from nbgrader.utils import is_grade, is_solution  # importing nbgrader takes 0.5 s: only the grader asks this

    return cell.get("cell_type") == "code" and is_grade(cell) and not is_solution(cell)


def from_outputs(outputs: Iterable[Any]) -> CellVerdict | None:
    """The verdict among a test cell's outputs; None when there is none or it is not readable (ValueError inside).

    Only call it on outputs the grader wrote (an `is_test_cell`'s): a student's own cell can display the same MIME
    type.
    """
    for output in outputs:
        if is_verdict_output(output):
            try:
                return CellVerdict.from_data(output["data"][MIME_TYPE])
            except ValueError:
                return None
    return None

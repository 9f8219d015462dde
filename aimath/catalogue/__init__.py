"""The mistake catalogue: course content that says what each hidden check must catch and what it must pass.

One module per assignment (`aimath/catalogue/<assignment>.py`), or a package with one module per part of the
notebook where that reads better (`aimath/catalogue/backprop/`: activations, layers, network), whose `__init__.py`
joins its parts with `Catalogue.from_parts`. Each module holds `catalogue = Catalogue("<assignment>")` and registers
real student-style code with `@catalogue.mistake("<graded name>", diagnosis=...)` (a plausible wrong version, and
the one mistake its feedback must name) and `@catalogue.alternative("<graded name>")` (a correct solution written
differently from the reference). Instructors add mistakes here: together they are the contract of the assignment's
checks (`aimath.checks.<assignment>`).

Each entry is pasted into a notebook under its graded name (`Entry.source_as`: the demo class seeds submissions with
them, and tests run them as pasted), so it uses only what the notebook's imports cell provides and imports anything
else inside itself.

`tests/test_catalogue.py` proves every mistake fails the assignment's check naming exactly its diagnosis (every
mistake declares one; benchmarks/diagnosis_share.py prints the share per assignment) and every alternative passes;
`aimath.pipeline.demo_class` transplants these into notebooks.
"""
import importlib
import inspect
import pkgutil
import re
import textwrap
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Entry:
    """One piece of student code standing in for the graded name `graded`."""

    assignment: str
    graded: str
    obj: Any
    is_mistake: bool
    diagnosis: str | None = None
    demo: bool = True

    @property
    def id(self) -> str:
        """`assignment.graded.function_name`: unique across the catalogue (the test ids and the demo class use it)."""
        return f"{self.assignment}.{self.graded}.{self.obj.__name__}"

    @property
    def description(self) -> str:
        """The first line of the entry's docstring (its name when it has none)."""
        return (inspect.getdoc(self.obj) or self.obj.__name__).splitlines()[0]

    def source_as(self) -> str:
        """The entry's source, undecorated and renamed to the graded name, ready to paste into a notebook."""
        source = textwrap.dedent(inspect.getsource(self.obj))
        lines = source.splitlines()
        start = next(i for i, line in enumerate(lines) if re.match(r"(def|class)\s", line))
        body = "\n".join(lines[start:])
        return re.sub(rf"^(def|class)\s+{re.escape(self.obj.__name__)}\b", rf"\1 {self.graded}", body, count=1)


class Catalogue:
    """The registry of one assignment's mistakes and alternatives."""

    def __init__(self, assignment: str):
        self.assignment = assignment
        self.entries: list[Entry] = []

    @classmethod
    def from_parts(cls, assignment: str, parts: list["Catalogue"]) -> "Catalogue":
        """The whole catalogue of an assignment kept as a package with one module per part of its notebook.

        `parts` are the parts' `Catalogue(assignment)`s; their entries keep their order, part by part.
        """
        whole = cls(assignment)
        for part in parts:
            whole.entries.extend(part.entries)
        return whole

    def _register(self, graded, is_mistake, diagnosis=None, demo=True):
        def add(obj):
            self.entries.append(Entry(self.assignment, graded, obj, is_mistake, diagnosis, demo))
            return obj
        return add

    def mistake(self, graded: str, diagnosis: str | None = None, demo: bool = True):
        """Register a plausible wrong version of `graded`; `diagnosis` is the tag its failure message must name (the
        only one it names). Required by tests/test_catalogue.py; None only while an entry is being written."""
        return self._register(graded, True, diagnosis, demo)

    def alternative(self, graded: str, demo: bool = True):
        """Register a correct solution written differently from the reference."""
        return self._register(graded, False, demo=demo)

    def mistakes(self, graded: str | None = None) -> list[Entry]:
        """The mistake entries, in registration order: all of them, or those of the graded name `graded`."""
        return [e for e in self.entries if e.is_mistake and graded in (None, e.graded)]

    def alternatives(self, graded: str | None = None) -> list[Entry]:
        """The alternative correct solutions, in registration order: all, or those of the graded name `graded`."""
        return [e for e in self.entries if not e.is_mistake and graded in (None, e.graded)]


def all_catalogues() -> dict[str, Catalogue]:
    """Every assignment's catalogue, by assignment name."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if isinstance(getattr(module, "catalogue", None), Catalogue):
            found[module.catalogue.assignment] = module.catalogue
    return found

"""`python -m aimath.validate NOTEBOOK.ipynb ...`: nbgrader's validation of a student's notebook, with an exit status.

It runs each notebook and prints nbgrader's own report, as `nbgrader validate` and the notebook's Validate button do,
then exits 0 when every notebook passes its visible tests and 1 when one does not (a test fails, a test cell was
edited, a cell changed type, or the notebook cannot be read or run). `nbgrader validate` 0.9.6 always exits 0.

Only nbgrader is imported: this runs in a student's environment (`make student`), which has no other part of aimath.
"""
from __future__ import annotations

import sys

from nbgrader.validator import Validator
from traitlets.config import Config

# The kernel's start-up notice (ipykernel's TCP warning) is not the student's concern; its errors still show.
QUIET_KERNEL = Config({"Execute": {"extra_arguments": ["--IPKernelApp.log_level=ERROR"]}})


class _Validator(Validator):
    """nbgrader's Validator, keeping what its `validate` found for the notebook it validated last."""

    found: dict | None = None

    def validate(self, filename: str) -> dict:
        self.found = super().validate(filename)
        return self.found


def validate(path: str) -> bool:
    """Print nbgrader's validation report of the notebook at `path`; True when it passes (nothing to report).

    Raises what nbgrader raises when the notebook cannot be read or run (OSError, ValueError, SchemaTooOldError...).
    """
    validator = _Validator(config=QUIET_KERNEL)
    validator.validate_and_print(path)
    return not any(validator.found.values())


def main(argv: list[str] | None = None) -> int:
    """Validate each notebook named in `argv` (default: the command line); returns the exit status."""
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print("usage: python -m aimath.validate NOTEBOOK.ipynb ... (make validate NOTEBOOK=path/to/name.ipynb)",
              file=sys.stderr)
        return 2
    passed = True
    for path in paths:
        try:
            passed = validate(path) and passed
        except Exception as e:  # a notebook nbgrader cannot read or run: say so, and go on with the others
            print(f"{path}: could not validate it: {type(e).__name__}: {e}", file=sys.stderr)
            passed = False
        print()
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())

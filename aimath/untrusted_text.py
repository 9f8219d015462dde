"""Text a submission can influence, made safe for where a TA reads it: a terminal, a spreadsheet, a browser.

File and folder names, student ids, kernelspecs, exception text, the sandbox's audit entries and cell outputs are
all chosen by students. `visible` is the one function every line we print goes through; `spreadsheet_cell` the one
every text cell of a CSV we write goes through. HTML pages escape with Jinja's autoescape, keep only what
aimath/pipeline/plugins/sanitize_html.py allows, and carry CONTENT_SECURITY_POLICY.
"""
from __future__ import annotations

import re

# surrogateescape keeps a byte that is not UTF-8 (in a file name) as one of these code points
_SURROGATE_BYTES = range(0xDC80, 0xDD00)
# OWASP, CSV injection: a cell starting with one of these is read as a formula by spreadsheets
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# Every page we write (the report, the feedback pages) runs no script and fetches nothing: only its own inline CSS
# and data: images. A meta tag, as the pages are opened from files (no server to send the header).
CONTENT_SECURITY_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
                           "form-action 'none'")


def _escape(char: str) -> str:
    code = ord(char)
    if code in _SURROGATE_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str, limit: int | None = None) -> str:
    """`text` with every character a terminal could act on written as a Python-style escape: C0 and C1 control
    characters (ESC, CR, newline, tab, ...), Unicode format characters (bidirectional overrides, zero-width ...),
    line and paragraph separators and non-breaking spaces, and bytes that are not UTF-8 (surrogate escapes:
    `\\xff`). Printable text, backslashes included, is kept as it is, so `visible(visible(t)) == visible(t)`.
    With `limit`, the result is cut to that many characters, ending in `...`.
    """
    text = str(text)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else _escape(c) for c in text)
    if limit is not None and len(text) > limit:
        text = text[:max(0, limit - 3)] + "..."
    return text


def is_number(text: str) -> bool:
    """A plain decimal number (12, -0.5, 1e-3): what a spreadsheet reads as a number, not a formula."""
    return _NUMBER.fullmatch(text) is not None


def spreadsheet_cell(value) -> str:
    """A CSV cell's text that no spreadsheet reads as a formula (OWASP's CSV injection guidance): text starting with
    `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, unless it is a number. Control characters
    and bytes that are not UTF-8 are made visible (`visible`). Quoting for the CSV format is the writer's job."""
    text = "" if value is None else str(value)
    if is_number(text):
        return text
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return visible(text)

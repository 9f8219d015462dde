"""Feedback step: keep only what a page may safely show of a submission's outputs, raw cells and attachments.

Everything in an autograded notebook except the test cells came from the student: outputs of any MIME type, raw
cells, markdown attachments, execution counts. A feedback page is opened by the student and by the TA (from the
report), so none of it may run a script, load anything or restyle the page:

- `text/html` outputs and raw cells go through `clean_html` (nh3, the Ammonia sanitiser, with an allow-list);
- `text/plain` is kept (the template escapes it); `image/png`, `image/jpeg` only when they are base64 (the template
  puts them in an `<img src="data:...">` attribute unescaped); `image/svg+xml` is kept, and nbconvert shows it as an
  `<img src="data:image/svg+xml;base64,...">`, where an SVG runs no script;
- `text/latex` becomes `text/markdown` (its `$...$` maths become MathML, see feedback_page.py) and
  `text/markdown` is kept: FeedbackExporter renders markdown and cleans the result;
- every other MIME type (`application/javascript`, widget views, JSON such as a grader's verdict data) is dropped, so
  the page never shows raw data it does not know;
- output metadata keeps only an image's numeric width and height and its alt text.

The page's Content-Security-Policy (no script at all) stands behind this, should anything slip through.
"""
from __future__ import annotations

import base64
import binascii
import re

import nh3
from nbformat import from_dict
from nbgrader.preprocessors import NbGraderPreprocessor

# MathML Core's elements and the attributes latex2mathml writes (https://www.w3.org/TR/mathml-core/); no `href`,
# no `annotation-xml` (which may hold HTML).
MATHML_TAGS = frozenset({
    "math", "annotation", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover", "mpadded",
    "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable",
    "mtd", "mtext", "mtr", "munder", "munderover", "semantics"})
MATHML_ATTRIBUTES = frozenset({
    "accent", "accentunder", "columnalign", "columnlines", "columnspacing", "depth", "display", "displaystyle",
    "encoding", "fence", "form", "height", "largeop", "linethickness", "lspace", "mathvariant", "maxsize", "minsize",
    "movablelimits", "notation", "rowalign", "rowlines", "rowspacing", "rspace", "scriptlevel", "separator",
    "stretchy", "symmetric", "width", "xmlns"})
# nh3's default allow-list (no script, style, form, iframe or event handler; no class, id or style attribute, so a
# submission cannot borrow the page's own classes to cover its scores) plus MathML.
ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS | MATHML_TAGS)
ALLOWED_ATTRIBUTES = {**{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
                      **{tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})
# The only data: URLs kept: an image's pixels, as base64.
IMAGE_DATA_URL = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z")
RASTER_TYPES = ("image/png", "image/jpeg")
ATTACHMENT_TYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
IMAGE_METADATA = {"width": (int, float), "height": (int, float), "alt": (str,)}


def _only_image_data_urls(element: str, attribute: str, value: str) -> str | None:
    """An image's source only as a data: URL of an image (anything else would be fetched, or be refused by the
    page's CSP); no data: URL anywhere else."""
    is_data = value.strip().lower().startswith("data:")
    if element == "img" and attribute == "src":
        return value if is_data and IMAGE_DATA_URL.match(value.strip()) else None
    return None if is_data else value


def clean_html(html: str) -> str:
    """`html` (a fragment written by a submission) with only allow-listed tags and attributes, links to http(s)
    and mailto, and images only as data: URLs of images."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES, url_schemes=set(URL_SCHEMES),
                     attribute_filter=_only_image_data_urls, link_rel="noopener noreferrer nofollow")


def is_base64(text: str) -> bool:
    """True when `text` is base64 (whitespace allowed), as an image output or attachment must be."""
    try:
        base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _text(value) -> str | None:
    """A MIME bundle's value as one string (nbformat allows a list of lines), None when it is not text."""
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    return value if isinstance(value, str) else None


def safe_data(data: dict) -> dict:
    """The part of an output's MIME bundle a feedback page may show (see the module's docstring)."""
    texts = {mime: _text(value) for mime, value in data.items()}
    texts = {mime: text for mime, text in texts.items() if text is not None}
    kept = {}
    for mime, text in texts.items():
        if mime == "text/plain" or mime == "image/svg+xml" or mime == "text/markdown":
            kept[mime] = text
        elif mime in RASTER_TYPES and is_base64(text):
            kept[mime] = text
        elif mime == "text/html":
            kept[mime] = clean_html(text)
    if "text/latex" in texts and "text/markdown" not in kept:
        kept["text/markdown"] = texts["text/latex"]
    return kept


def safe_metadata(metadata) -> dict:
    """An output's metadata reduced to images' numeric width and height and alt text."""
    kept = {}
    for mime, values in (metadata.items() if isinstance(metadata, dict) else ()):
        if mime in RASTER_TYPES and isinstance(values, dict):
            sizes = {k: v for k, v in values.items() if isinstance(v, IMAGE_METADATA.get(k, ())) and
                     not isinstance(v, bool)}
            if sizes:
                kept[mime] = sizes
    return kept


def safe_attachments(attachments) -> dict:
    """A markdown cell's attachments reduced to base64 images."""
    kept = {}
    for name, bundle in (attachments.items() if isinstance(attachments, dict) else ()):
        images = {mime: _text(value) for mime, value in bundle.items() if mime in ATTACHMENT_TYPES} \
            if isinstance(bundle, dict) else {}
        images = {mime: text for mime, text in images.items() if text is not None and is_base64(text)}
        if images:
            kept[name] = images
    return kept


class SanitizeOutputs(NbGraderPreprocessor):
    """Reduce every cell to what a feedback page may show: see the module's docstring."""

    def preprocess(self, nb, resources):
        """Drop the notebook's widget state, then sanitise every cell."""
        nb.metadata.pop("widgets", None)  # nbconvert writes widget state into the page
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        """Make one cell safe to render: raw HTML, attachments and outputs cleaned, an execution count that is not an
        int dropped."""
        if not isinstance(cell.get("execution_count"), int):
            cell["execution_count"] = None
        if cell.get("cell_type") == "raw":
            cell["source"] = clean_html(_text(cell.get("source")) or "")
        if "attachments" in cell:
            cell["attachments"] = from_dict(safe_attachments(cell["attachments"]))
        for output in cell.get("outputs", []):
            if "data" in output:
                output["data"] = from_dict(safe_data(output["data"] if isinstance(output["data"], dict) else {}))
                output["metadata"] = from_dict(safe_metadata(output.get("metadata")))
            if "execution_count" in output and not isinstance(output["execution_count"], int):
                output["execution_count"] = None
        if "outputs" in cell:  # an output left with nothing to show is dropped (nbconvert would warn about it)
            cell["outputs"] = [o for o in cell["outputs"] if "data" not in o or o["data"]]
        return cell, resources

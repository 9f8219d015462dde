"""The feedback page: nbconvert's HTML exporter with our template, maths as MathML, markdown cleaned, a strict CSP.

`nbgrader generate_feedback` renders each autograded notebook with this exporter (`c.GenerateFeedback.exporter_class`
in nbgrader_config.py) and the template `templates/aimath_feedback`, which extends nbgrader's own feedback template:

- Maths (`$...$`, `$$...$$`, `\\begin{...}` in markdown, and `text/latex` outputs, which SanitizeOutputs turns into
  markdown) are converted to MathML when the page is written (latex2mathml), so the browser draws them with no
  script and no network: MathJax would have to come from a CDN or from a copy beside every page. A formula
  latex2mathml cannot read is shown as its TeX source.
- Markdown (the student's cells, a written answer, a TA's comment, `text/markdown` outputs) is rendered by nbconvert's
  renderer, then cleaned by `sanitize_html.clean_html`; `javascript:` links are not written at all.
- Every page carries `CONTENT_SECURITY_POLICY` as its first `<head>` element: no script runs, nothing is fetched;
  only inline styles and data: images.
"""
from __future__ import annotations

import html
from pathlib import Path

import nbgrader
from jinja2 import pass_context
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, InvalidNotebook, MarkdownWithMath

from aimath.pipeline.plugins.sanitize_html import clean_html
from aimath.untrusted_text import CONTENT_SECURITY_POLICY

TEMPLATE_NAME = "aimath_feedback"
_NBGRADER_TEMPLATES = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
# Ours first, then nbgrader's, which holds the `feedback` template ours extends (found as 'feedback/index.html.j2'
# on the plain template path) and the bootstrap.min.css it inlines (the path GenerateFeedback itself sets).
TEMPLATE_BASEDIRS = [str(Path(__file__).parent / "templates"), str(_NBGRADER_TEMPLATES)]
TEMPLATE_PATHS = [str(_NBGRADER_TEMPLATES),
                  str(_NBGRADER_TEMPLATES.parent / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
# Formulas converted to MathML on one page (the course's notebooks hold a few dozen each; converting costs about
# 0.2 ms a formula and 100 bytes of page): past it, formulas are shown as their TeX source, so that a student's
# markdown of 300,000 `$x^2$` costs seconds, not minutes (docs/THREAT_MODEL.md).
MAX_FORMULAS_PER_PAGE = 2_000


def tex_to_mathml(tex: str, *, display: bool) -> str:
    """MathML for the TeX `tex` (`display`: a block formula, else inline); its escaped source in <code> when
    latex2mathml cannot read it."""
    try:
        return latex_to_mathml(tex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds (its own, IndexError, KeyError ...) on TeX it cannot read
        return f"<code>{html.escape(tex)}</code>"


class FormulaBudget:
    """How many more formulas a page may convert to MathML (MAX_FORMULAS_PER_PAGE at first)."""

    def __init__(self, formulas: int = MAX_FORMULAS_PER_PAGE):
        self.left = formulas

    def render(self, tex: str, *, display: bool) -> str:
        """`tex_to_mathml` while the budget lasts, then the escaped TeX source in <code>."""
        self.left -= 1
        return tex_to_mathml(tex, display=display) if self.left >= 0 else f"<code>{html.escape(tex)}</code>"


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, writing maths as MathML (within the page's `budget`), no `javascript:` or
    `vbscript:` links, no mermaid script, and an empty image for an attachment the cell does not hold (nbconvert would
    fail the whole page)."""

    def __init__(self, budget: FormulaBudget, **kwargs):
        super().__init__(escape=False, allow_harmful_protocols=False, exclude_anchor_links=True, **kwargs)
        self.budget = budget

    def block_math(self, body: str) -> str:
        """`$$body$$` as display MathML, within the page's formula budget."""
        return self.budget.render(body, display=True)

    def inline_math(self, body: str) -> str:
        """`$body$` as inline MathML, within the page's formula budget."""
        return self.budget.render(body, display=False)

    def latex_environment(self, name: str, body: str) -> str:
        """`\\begin{name}body\\end{name}` as display MathML, within the page's formula budget."""
        return self.budget.render(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

    def block_mermaidjs(self, code: str) -> str:
        """A mermaid block shown as its code (the page runs no script to draw it)."""
        return super().block_code(code)

    def _embed_image_or_attachment(self, src: str) -> str:
        try:
            return super()._embed_image_or_attachment(src)
        except InvalidNotebook:
            return ""


def with_csp(page: str) -> str:
    """`page` (an HTML document) with CSP_META as the first element of its <head>; ValueError when it has none."""
    head = page.find("<head>")
    if head < 0:
        raise ValueError("the page has no <head>")
    at = head + len("<head>")
    return f"{page[:at]}\n{CSP_META}{page[at:]}"


class FeedbackExporter(HTMLExporter):
    """HTMLExporter for feedback pages (see the module's docstring). nbgrader_config.py sets its template."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._formulas = FormulaBudget()  # the page's; from_notebook_node starts a new one for each page

    @pass_context
    def markdown2html(self, context, source):
        """Markdown to clean HTML, maths as MathML (a Jinja filter: the cell's attachments come from `context`)."""
        cell = context.get("cell", {})
        renderer = MathMLRenderer(self._formulas, attachments=cell.get("attachments", {}), **self.lexer_options)
        return clean_html(MarkdownWithMath(renderer=renderer).render(source))

    def from_notebook_node(self, nb, resources=None, **kw):
        """The feedback page for `nb` (a graded notebook): nbconvert's HTML with a fresh formula budget and the
        Content-Security-Policy first in its head. Returns (page, resources)."""
        self._formulas = FormulaBudget()
        page, resources = super().from_notebook_node(nb, resources, **kw)
        return with_csp(page), resources


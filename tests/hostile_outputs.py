"""A submission that tries to run script in the pages we write: every payload, if it ran, would mark the page
(`document.title = 'pwned-<kind>'` and `window.pwned`), so a page that kept its title ran none of them.

The cells are added to an otherwise honest notebook: its code, outputs (HTML, SVG, a PNG plot), markdown with maths
and an error must still show.
"""
from __future__ import annotations

import base64

from nbformat.v4 import new_code_cell, new_markdown_cell, new_raw_cell

MARKER = "pwned"


def run(kind: str) -> str:
    """JavaScript that marks the page as run by the payload `kind` (single quotes only, to nest in attributes)."""
    return f"window.{MARKER} = '{kind}'; document.title = '{MARKER}-{kind}'"


# Text that must never be shown: the raw data of a MIME type a page does not know (like the verdict data a test
# cell may carry), and what a <style> would have drawn over the page.
RAW_JSON_SECRET = "raw-json-of-an-unknown-mime-type"
HTML_OUTPUT_TEXT = "an HTML table the student printed"
SVG = (f'<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" onload="{run("svg-output")}">'
       f'<script>{run("svg-script")}</script><circle cx="12" cy="12" r="10" fill="teal"/></svg>')
SVG_ATTACHMENT = f'<svg xmlns="http://www.w3.org/2000/svg" onload="{run("svg-attachment")}"><circle r="5"/></svg>'
HTML_PAYLOADS = {
    "script": f"<script>{run('html-script')}</script>",
    "img-onerror": f'<img src="x" onerror="{run("html-img-onerror")}">',
    "svg-onload": f'<svg onload="{run("html-svg-onload")}"></svg>',
    "iframe-srcdoc": f'<iframe srcdoc="<script>parent.{run("iframe")}</script>"></iframe>',
    "object-data": f'<object data="data:text/html,<script>{run("object")}</script>"></object>',
    "javascript-link": f'<a id="js-link" href="javascript:{run("javascript-link")}">click</a>',
    "meta-refresh": '<meta http-equiv="refresh" content="0; url=data:text/html,pwned">',
    "base-href": '<base href="https://example.invalid/">',
    "style-overlay": ('<style>#toc { display: none }</style>'
                      '<div id="overlay" style="position: fixed; inset: 0; background: red">Score: 100 / 100</div>'),
    "details-ontoggle": f'<details open ontoggle="{run("details-ontoggle")}"><summary>s</summary></details>',
}
HOSTILE_HTML = "".join(HTML_PAYLOADS.values()) + f"<table><tr><td><b>{HTML_OUTPUT_TEXT}</b></td></tr></table>"
# Not base64: nbconvert writes an image output into a quoted attribute as it is.
PNG_BREAKOUT = '" onerror="' + run("png-attribute") + '" x="'
EQUATION = r"\frac{\partial \ell}{\partial \mu} = \sum_i x_i"


def hostile_cells() -> list:
    """Cells to append to a notebook: every output kind and markdown a student can use to run script."""
    plot = ("import io\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
            "from IPython.display import Image, display\n"
            "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1, 2], [0, 1, 4])\n"
            "buffer = io.BytesIO()\nfig.savefig(buffer, format='png')\nplt.close(fig)\n"
            "display(Image(buffer.getvalue()))")
    outputs = "\n".join([
        "from IPython.display import HTML, SVG, Javascript, Markdown, Latex, display",
        f"display(HTML({HOSTILE_HTML!r}))",
        f"display(HTML({HTML_PAYLOADS['script']!r}), metadata={{'isolated': True}})",
        f"display(SVG({SVG!r}))",
        f"display(Javascript({run('javascript-output')!r}))",
        f"display(Markdown({HTML_PAYLOADS['img-onerror']!r}))",
        f"display(Latex({('$' + EQUATION + '$')!r}))",
        f"display({{'application/vnd.aimath.verdict+json': {{'secret': {RAW_JSON_SECRET!r}}}, "
        "'text/plain': 'a verdict, as text'}, raw=True)",
        f"display({{'image/png': {PNG_BREAKOUT!r}}}, raw=True)",
        f"display({{'text/html': {('<b>' + HTML_OUTPUT_TEXT + '</b>')!r}}}, "
        f"metadata={{'text/html': {{'isolated': True}}}}, raw=True)",
        f"print({HTML_PAYLOADS['script']!r})",
    ])
    width = ("import base64\nfrom IPython.display import display\n"
             "display({'image/png': " + repr(base64.b64encode(_TINY_PNG).decode()) + "}, "
             "metadata={'image/png': {'width': " + repr(f"1 onerror={run('png-width')}") + "}}, raw=True)")
    markdown = new_markdown_cell(
        "## What I found\n\n" + "".join(HTML_PAYLOADS.values()) +
        f"\n\n[a link](javascript:{run('markdown-link')}) and ![a picture](attachment:evil.svg)\n\n"
        f"$$\n{EQUATION}\n$$\n",
        attachments={"evil.svg": {"image/svg+xml": base64.b64encode(SVG_ATTACHMENT.encode()).decode()}})
    error = f"raise ValueError({HTML_PAYLOADS['img-onerror']!r})"
    return [new_code_cell(outputs), new_code_cell(plot), new_code_cell(width), markdown,
            new_raw_cell(HTML_PAYLOADS["script"] + HTML_PAYLOADS["img-onerror"]), new_code_cell(error)]


# A 1x1 PNG.
_TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

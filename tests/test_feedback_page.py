"""The feedback page's parts on made-up data (no nbgrader run): the sanitiser, the outputs a page keeps, the names of
test cells, maths as MathML and the CSP. tests/test_report.py opens real feedback pages in Chromium."""
import base64

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from aimath.pipeline.plugins.cell_names import graded_cell_name
from aimath.pipeline.plugins.feedback_page import CSP_META, tex_to_mathml, with_csp
from aimath.pipeline.plugins.sanitize_html import SanitizeOutputs, clean_html, safe_data
from tests import hostile_outputs

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()


@pytest.mark.parametrize("kind", sorted(hostile_outputs.HTML_PAYLOADS))
def test_clean_html_leaves_no_script_handler_style_frame_or_script_url(kind):
    cleaned = clean_html(hostile_outputs.HTML_PAYLOADS[kind]).lower()
    for banned in ("<script", "onerror", "onload", "ontoggle", "javascript:", "<style", "style=", "<iframe",
                   "<object", "<meta", "<base", "id=", "srcdoc", "data:text"):
        assert banned not in cleaned, (kind, banned, cleaned)


def test_clean_html_keeps_text_tables_mathml_and_image_data():
    html = (f'<table><tr><td><b>x &lt; y</b></td></tr></table>{tex_to_mathml("a^2", display=False)}'
            f'<img src="data:image/png;base64,{PNG}" alt="plot"><a href="https://example.org">site</a>')
    cleaned = clean_html(html)
    for kept in ("<b>x &lt; y</b>", "<math", "<msup>", f'src="data:image/png;base64,{PNG}"',
                 'href="https://example.org"'):
        assert kept in cleaned, kept
    assert "src" not in clean_html('<img src="https://tracker.example/pixel.png">')


def test_an_output_keeps_only_what_a_page_may_show():
    data = {"text/plain": "x", "text/html": "<b onclick=\"x()\">b</b>", "application/javascript": "alert(1)",
            "application/vnd.aimath.verdict+json": {"passed": False}, "image/png": PNG,
            "application/vnd.jupyter.widget-view+json": {"model_id": "m"}}
    assert safe_data(data) == {"text/plain": "x", "text/html": "<b>b</b>", "image/png": PNG}
    assert safe_data({"image/png": hostile_outputs.PNG_BREAKOUT, "image/jpeg": "not base64!"}) == {}
    assert safe_data({"text/latex": "$x^2$", "text/plain": "x**2"})["text/markdown"] == "$x^2$"


def test_sanitize_outputs_cleans_raw_cells_attachments_metadata_and_counts():
    svg = base64.b64encode(hostile_outputs.SVG_ATTACHMENT.encode()).decode()
    code = new_code_cell("x")
    code.outputs = [new_output("display_data", data={"application/javascript": "alert(1)"}),
                    new_output("display_data", data={"image/png": PNG},
                               metadata={"image/png": {"width": "1 onerror=alert(1)", "height": 20},
                                         "isolated": True})]
    nb = new_notebook(cells=[code, new_raw_cell("<script>alert(1)</script><p>kept</p>"),
                             new_markdown_cell("![x](attachment:a)", attachments={
                                 "a": {"image/svg+xml": svg, "text/html": "PHNjcmlwdD4="}})])
    nb.metadata["widgets"] = {"state": {}}
    nb.cells[0].execution_count = "<script>"  # nbformat's schema refuses it; a student's JSON need not follow it
    nb, _ = SanitizeOutputs().preprocess(nbformat.from_dict(nb), {})
    code, raw, markdown = nb.cells
    assert code.execution_count is None and len(code.outputs) == 1
    assert code.outputs[0].metadata == {"image/png": {"height": 20}}
    assert raw.source == "<p>kept</p>"
    assert markdown.attachments == {"a": {"image/svg+xml": svg}}
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("grade_id, source, name", [
    ("test_get_greatest_hidden", "# Hidden tests check...\n### BEGIN HIDDEN TESTS", "get_greatest (hidden tests)"),
    ("test_l2_norm_visible", "assert l2_norm(x) == 5", "l2_norm (visible tests)"),
    ("checks_part_2", "### BEGIN HIDDEN TESTS\n# the norms agree\nassert True", "the norms agree"),
    ("checks_part_3", "assert True", "checks_part_3"),
])
def test_a_test_cell_is_named_by_what_it_tests(grade_id, source, name):
    assert graded_cell_name(grade_id, source) == name


def test_maths_become_mathml_and_unreadable_tex_shows_as_its_escaped_source():
    assert tex_to_mathml(r"\frac{a}{b}", display=True).startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"'
                                                                  ' display="block">')
    assert tex_to_mathml(r"\left( x < y", display=False) == r"<code>\left( x &lt; y</code>"


def test_the_csp_is_the_first_element_of_the_head():
    assert with_csp("<html><head><title>t</title></head></html>").startswith(f"<html><head>\n{CSP_META}<title>")
    with pytest.raises(ValueError):
        with_csp("<p>no head</p>")

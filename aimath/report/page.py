"""Step 6: the report page, one static HTML file with its own CSS and pictures (no script, nothing fetched)."""
from __future__ import annotations

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from aimath.untrusted_text import CONTENT_SECURITY_POLICY


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ course }}: grade report</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 1em 1.5em 3em; color: #1d2329; }
h1 { margin-bottom: .2em; } h2 { margin-top: 2em; border-bottom: 2px solid #d0d7de; padding-bottom: .2em; }
h3 { margin-bottom: .4em; }
table { border-collapse: collapse; margin: .4em 0 1em; }
th, td { border-bottom: 1px solid #e1e4e8; padding: .25em .7em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: flex; flex-wrap: wrap; gap: .3em 2em; margin: .5em 0 1em; }
dl.facts div { display: flex; flex-direction: column; } dl.facts dt { color: #57606a; font-size: .85em; }
dl.facts dd { margin: 0; font-size: 1.5em; font-weight: 600; }
td.rate { white-space: nowrap; }
.bar { display: inline-block; width: 120px; height: .8em; background: #f1d5d6; vertical-align: middle; }
.bar span { display: block; height: 100%; background: #4c9a5b; }
.flag { display: inline-block; padding: 0 .45em; border-radius: .6em; font-size: .85em; background: #fde2c4; }
.flag.missing { background: #e1e4e8; } .flag.late { background: #fff1b8; }
.muted { color: #57606a; } .pending { color: #9a6700; }
nav a { margin-right: 1em; } img { max-width: 100%; }
</style>
</head>
<body>
<h1>{{ course }}: grade report</h1>
<p class="muted">From nbgrader's gradebook and the autograded notebooks. Scores marked
<span class="pending">*</span> still have written answers to grade by hand in formgrader (score so far shown).</p>
<dl class="facts">
  <div><dt>Students</dt><dd data-key="students">{{ students|length }}</dd></div>
  <div><dt>Assignments graded</dt><dd data-key="assignments">{{ sections|length }}</dd></div>
  <div><dt>Submissions</dt><dd data-key="submissions">{{ submission_count }}</dd></div>
  <div><dt>Flagged submissions</dt><dd data-key="flagged">{{ flagged }}</dd></div>
  <div><dt>Missing submissions</dt><dd data-key="missing">{{ missing }}</dd></div>
  <div><dt>Grading time</dt><dd data-key="grading-seconds">{{ total_seconds|seconds }}</dd></div>
</dl>
<p>Exports: {% for name, href in exports %}<a href="{{ href }}">{{ name }}</a>{% if not loop.last %} · {% endif %}{% endfor %}</p>
<nav>{% for s in sections %}<a href="#assignment-{{ s.assignment.name }}">{{ s.assignment.name }}</a>{% endfor %}<a href="#timing">grading time</a></nav>

<h2 id="overview">Class overview</h2>
<table class="overview">
<thead><tr><th>student</th>{% for s in sections %}<th class="num">{{ s.assignment.name }}</th>{% endfor %}<th class="num">total</th></tr></thead>
<tbody>
{% for student in students %}<tr data-student="{{ student }}"><td>{{ student }}</td>
{%- for s in sections %}{% set row = s.row_of[student] %}<td class="num" data-assignment="{{ s.assignment.name }}">
{%- if row.submission is none %}<span class="flag missing">{{ 'missing' if row.flags[0].kind == 'missing' else 'not graded' }}</span>
{%- elif row.feedback %}<a href="{{ row.feedback }}">{{ row.submission.score|points }}</a>{{ pending(row) }}
{%- else %}{{ row.submission.score|points }}{{ pending(row) }}{% endif %}</td>{% endfor -%}
<td class="num" data-key="total">{{ totals[student]|points }}</td></tr>
{% endfor %}</tbody>
<tfoot><tr><th>max</th>{% for s in sections %}<th class="num">{{ s.assignment.max_score|points }}</th>{% endfor %}<th class="num">{{ max_total|points }}</th></tr></tfoot>
</table>

{% for s in sections %}
<section id="assignment-{{ s.assignment.name }}" data-assignment="{{ s.assignment.name }}">
<h2>{{ s.assignment.name }}</h2>
<dl class="facts">
  <div><dt>Submitted</dt><dd><span data-key="submitted">{{ s.stats.submitted }}</span> of {{ students|length }}</dd></div>
  <div><dt>Mean</dt><dd><span data-key="mean">{{ s.stats.mean|decimal }}</span> / {{ s.assignment.max_score|points }}</dd></div>
  <div><dt>Median</dt><dd data-key="median">{{ s.stats.median|decimal }}</dd></div>
  <div><dt>Lowest</dt><dd data-key="lowest">{{ s.stats.lowest|points }}</dd></div>
  <div><dt>Highest</dt><dd data-key="highest">{{ s.stats.highest|points }}</dd></div>
</dl>
<img src="{{ s.histogram }}" width="640" height="260" alt="Score distribution of {{ s.assignment.name }}">

<h3>Tests, most failed first</h3>
<table class="items">
<thead><tr><th>test</th><th class="num">points</th><th class="num">passed</th><th>pass rate</th><th>diagnosed mistakes</th></tr></thead>
<tbody>
{% for item in s.items %}<tr data-item="{{ item.label }}"><td>{{ item.label }}</td><td class="num">{{ item.max_score|points }}</td>
<td class="num">{{ item.passed }}/{{ item.graded }}</td>
<td class="rate"><span class="bar"><span style="width: {{ item.pass_rate|percent }}"></span></span> <span data-key="pass-rate">{{ item.pass_rate|percent }}</span></td>
<td>{% for tag, count in item.mistakes %}{{ tag }} ×{{ count }}{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>
{% endfor %}</tbody>
</table>

<h3>Diagnosed mistakes</h3>
{% if s.mistakes %}<table class="mistakes">
<thead><tr><th>mistake</th><th class="num">times</th><th>in tests</th></tr></thead>
<tbody>
{% for tag, count, tests in s.mistakes %}<tr data-mistake="{{ tag }}"><td>{{ tag }}</td><td class="num" data-key="times">{{ count }}</td><td data-key="tests">{{ tests|join(", ") }}</td></tr>
{% endfor %}</tbody>
</table>{% else %}<p class="muted">No named mistake was diagnosed.</p>{% endif %}

<h3>Flagged submissions</h3>
{% if s.missing %}<p class="missing-work" data-key="missing-work"><span class="flag missing">missing</span> no submission from {{ s.missing|length }} of {{ students|length }} students: {{ s.missing|join(", ") }}</p>
{% endif %}{% if s.flags %}<table class="flags">
<thead><tr><th>student</th><th>flag</th><th>what happened</th></tr></thead>
<tbody>
{% for flag in s.flags %}<tr data-student="{{ flag.student }}" data-flag="{{ flag.kind }}"><td>{{ flag.student }}</td><td><span class="flag {{ flag.kind }}">{{ flag.kind }}</span></td><td data-key="detail">{{ flag.detail }}</td></tr>
{% endfor %}</tbody>
</table>{% else %}<p class="muted">Nothing flagged: no submission was late, left out of grading or flagged by the grading sandbox.</p>{% endif %}

<h3>Students</h3>
<table class="students">
<thead><tr><th>student</th><th class="num">score</th><th class="num">%</th><th class="num">grading time</th><th>flags</th><th>feedback</th></tr></thead>
<tbody>
{% for row in s.rows %}<tr data-student="{{ row.student }}"><td>{{ row.student }}</td>
{% if row.submission is none %}<td class="num">–</td><td class="num">–</td><td class="num">–</td>
{% else %}<td class="num" data-key="score">{{ row.submission.score|points }}{{ pending(row) }}</td>
<td class="num">{{ (row.submission.score / row.submission.max_score if row.submission.max_score else none)|percent }}</td>
<td class="num">{{ row.evidence.seconds|seconds }}</td>{% endif %}
<td>{% for flag in row.flags %}<span class="flag {{ flag.kind }}" title="{{ flag.detail }}">{{ flag.kind }}</span> {% endfor %}</td>
<td>{% if row.feedback %}<a href="{{ row.feedback }}">feedback</a>{% elif row.submission is none %}–{% else %}<span class="muted">none yet</span>{% endif %}</td></tr>
{% endfor %}</tbody>
</table>
</section>
{% endfor %}

<h2 id="timing">Grading time</h2>
<p class="muted">Per notebook: the grading sandbox's own measure (grading.json) where it wrote one, else the span of the
notebook's cell execution timestamps (kernel start-up not included).</p>
<table class="timing">
<thead><tr><th>assignment</th><th class="num">notebooks timed</th><th class="num">total</th><th class="num">mean</th><th>slowest</th><th>measured by</th></tr></thead>
<tbody>
{% for s in sections %}<tr data-assignment="{{ s.assignment.name }}"><td>{{ s.assignment.name }}</td><td class="num">{{ s.timing.timed }}</td>
<td class="num">{{ s.timing.total|seconds }}</td><td class="num">{{ s.timing.mean|seconds }}</td>
<td>{% if s.timing.slowest_student %}{{ s.timing.slowest_student }} ({{ s.timing.slowest_seconds|seconds }}){% else %}–{% endif %}</td>
<td>{{ s.timing.sources|join(", ") or "–" }}</td></tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""


def points(value: float | None) -> str:
    """12, 12.5; a dash for no value."""
    return "–" if value is None else f"{value:g}"


def decimal(value: float | None) -> str:
    """Two decimals (12.50); a dash for no value."""
    return "–" if value is None else f"{value:.2f}"


def percent(fraction: float | None) -> str:
    """A fraction as a whole percentage (83%); a dash for no value."""
    return "–" if fraction is None else f"{100 * fraction:.0f}%"


def seconds(value: float | None) -> str:
    """Seconds with one decimal (3.2 s); a dash for no value."""
    return "–" if value is None else f"{value:.1f} s"


def pending(row) -> Markup:
    """The mark of a submission with written answers still to grade by hand."""
    needs_hand = row.submission is not None and row.submission.needs_manual_grade
    return Markup('<span class="pending" title="written answers to grade by hand">*</span>' if needs_hand else "")


def _environment() -> Environment:
    environment = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    environment.filters.update(points=points, decimal=decimal, percent=percent, seconds=seconds)
    environment.globals.update(pending=pending)
    return environment


def render_page(**context) -> str:
    """The report's HTML for the context `build.page_context` makes."""
    return _environment().from_string(_TEMPLATE).render(csp=CONTENT_SECURITY_POLICY, **context)

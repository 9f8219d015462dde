"""mle checks, part 2: the three-densities plot (graded name `plot_normal_densities`).

Judged from the figure's data, never by eye: its curves are read back and compared with N(x | mu, 1) near each mean,
its markers at x0 with the likelihoods N(x0 | mu, 1).
"""
import math
import sys

import numpy as np

from aimath.checks.mle.normal import _pdf
from aimath.judge import Case, Diagnosis, Hint, check_cases, probes, same, seeded_rng
from aimath.verdict import Mistake


# A curve is a line with at least this many points; fewer points are markers.
MIN_CURVE_POINTS = 20
# Where the curves are read back: offsets from each mean, inside the required range [mu - 3, mu + 3].
READ_OFFSETS = np.array([-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5])
# Linear interpolation of a curve sampled every h misreads the density by at most h**2 / 8 * max|phi''| =
# 0.05 h**2; the docstring asks for >= 100 points over [mu - 3, mu + 3] (h <= 0.06, error <= 2e-4), so 1e-3 is safe.
PLOT_ABS_TOL = 1e-3


class _ExpectedPlot:
    """Stands in for the reference in the plot probe: its description is computed directly, without drawing
    (tests/test_mle.py proves it equals the description of the reference's real figure)."""

    def __init__(self, density=_pdf, markers="at x0", centred=True, curves=None):
        self.density, self.markers, self.centred, self.curves = density, markers, centred, curves

    def describe(self, mus, x0):
        mus = sorted(float(m) for m in mus)
        curve_mus = mus if self.curves is None else mus[-self.curves:]
        centres = curve_mus if self.centred else [0.0] * len(curve_mus)
        # like describe_figure: the k curves are read at the first k sorted means, whichever means they show
        values = np.array([self.density(m + READ_OFFSETS, c, 1.0) for m, c in zip(mus, centres)])
        if self.markers == "at x0":
            heights = np.sort([float(self.density(x0, c, 1.0)) for c in centres])
        elif self.markers == "at peaks":
            heights = np.sort([float(self.density(m, c, 1.0)) for m, c in zip(curve_mus, centres) if m == x0])
        else:
            heights = np.zeros(0)
        return {"number of density curves": len(curve_mus), "curve heights near each mean": values.reshape(len(curve_mus), -1),
                "likelihood markers at x0": np.asarray(heights, dtype=np.float64)}


EXPECTED_PLOT = _ExpectedPlot()


def describe_figure(fig, mus, x0):
    """What a figure shows, as plain data: the number of curves, each curve's heights at mu + READ_OFFSETS (curves
    ordered by the x of their peak, means sorted; nan where the curve does not reach), and the sorted heights of the
    markers drawn at x = x0 (lines of fewer than MIN_CURVE_POINTS points, or scatter points, in data coordinates).
    Raises TypeError when `fig` is not a matplotlib Figure."""
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"the function returned {type(fig).__name__}, but it must return the matplotlib Figure "
                        "(for example `fig, ax = plt.subplots()` ... `return fig`)")
    curves, points = [], []
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_transform() != ax.transData:  # axvline / axhline guides are not data
                continue
            xy = np.asarray(line.get_xydata(), dtype=np.float64).reshape(-1, 2)
            (curves if len(xy) >= MIN_CURVE_POINTS else points).append(xy)
        for coll in ax.collections:
            if isinstance(coll, PathCollection) and coll.get_offset_transform() == ax.transData:
                points.append(np.asarray(coll.get_offsets(), dtype=np.float64).reshape(-1, 2))
    curves.sort(key=lambda xy: xy[np.nanargmax(xy[:, 1]), 0] if np.isfinite(xy[:, 1]).any() else 0.0)
    mus = sorted(float(m) for m in mus)
    heights = []
    for xy, mu in zip(curves, mus):
        order = np.argsort(xy[:, 0], kind="stable")
        heights.append(np.interp(mu + READ_OFFSETS, xy[order, 0], xy[order, 1], left=np.nan, right=np.nan))
    at_x0 = np.concatenate(points + [np.zeros((0, 2))])
    at_x0 = at_x0[np.isclose(at_x0[:, 0], x0, rtol=0, atol=1e-9)]
    return {"number of density curves": len(curves),
            "curve heights near each mean": np.array(heights, dtype=np.float64).reshape(len(heights), len(READ_OFFSETS)),
            "likelihood markers at x0": np.sort(at_x0[:, 1])}


def _expected_probe(expected: _ExpectedPlot, mus, x0):
    """The reference's probe, in the grader: the expected figure's description, computed without drawing."""
    return expected.describe(mus, x0)


def _plot_probe(obj, mus, x0):
    """The student's probe, in the sandbox: call the function and describe the figure it returns (it refers to no
    grader-side code, which would travel into the sandbox with it)."""
    return _figure_of(obj, mus, x0, lambda fig: describe_figure(fig, mus, x0))


def _figure_of(plot, mus, x0, read):
    """`read(fig)` of the figure `plot(mus, x0)` returns, in the sandbox; every figure the call opened is closed
    afterwards, returned or not (pyplot warns once more than 20 figures are open)."""
    plt = sys.modules.get("matplotlib.pyplot")
    before = set(plt.get_fignums()) if plt is not None else set()
    fig = None
    try:
        fig = plot(mus, x0)
        return read(fig)
    finally:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            if _is_figure(fig):
                plt.close(fig)


def _is_figure(fig):
    from matplotlib.figure import Figure
    return isinstance(fig, Figure)


def _plot_cases():
    rng = seeded_rng("plot_normal_densities")
    mus = np.round(np.sort(rng.uniform(-2, 2, 1)) + np.array([0.0, 1.75]), 2)
    return [Case(([-1.0, 0.0, 1.0], 1.0), label="the example: likelihoods 0.0540, 0.2420, 0.3989", abs_tol=PLOT_ABS_TOL),
            Case((mus.tolist(), float(np.round(rng.uniform(-1, 1), 2))), label="other means and x0", abs_tol=PLOT_ABS_TOL)]


def _cdf(x, mu, sigma):
    from scipy.special import ndtr
    return ndtr((np.asarray(x, dtype=np.float64) - mu) / sigma)


def _figure_data(plot_normal_densities, mus, x0):
    """A probe: every line's and scatter's data, in drawing order, of the figure the function returns."""
    return _figure_of(plot_normal_densities, mus, x0, _drawn_data)


def _drawn_data(fig):
    return [np.asarray(line.get_xydata(), dtype=np.float64) for ax in fig.axes for line in ax.get_lines()] + \
        [np.asarray(c.get_offsets(), dtype=np.float64) for ax in fig.axes for c in ax.collections]


def _ignores_its_inputs(student):
    """True when the figure is the same for the two cases' different means and x0: the example is hard-coded."""
    figures = probes(student, _plot_cases(), _figure_data)
    return all(f.error is None for f in figures) and same(figures[0].result, figures[1].result, 0.0, 0.0)


HARD_CODED_ADVICE = ("the figure is the same whatever mus and x0 are: the example's means -1, 0, 1 and x0 = 1 are "
                     "written into the code. Draw one curve per mu in mus and the markers at the x0 you are given.")


def _hard_coded(failed):
    """After the fact: hard-coded-example when the figure is the same for the two cases' different inputs."""
    return Mistake("hard-coded-example", HARD_CODED_ADVICE) if _ignores_its_inputs(failed.student) else None


RETURNED_NOTHING = Hint("returned-nothing", "the function draws but returns None: end it with `return fig`.",
                        raised=("TypeError: the function returned NoneType",))


def check_plot_normal_densities(plot_normal_densities):
    """`plot_normal_densities(mus, x0) -> matplotlib Figure`: judged from the figure's data, never by eye: one curve
    per mean whose heights near it match N(x | mu, 1) within PLOT_ABS_TOL, and markers at (x0, N(x0 | mu, 1)), for
    the example (-1, 0, 1; x0 = 1) and seeded means and x0. Raises CheckFailed naming the mistake when a model
    explains it (the cdf, the log-density, the constant missing, the mean ignored, markers at the peaks or missing,
    a figure per curve), returned-nothing when the function returned None, or, after the fact, hard-coded-example
    when the figure is the same for other inputs."""
    __tracebackhide__ = True
    wrong = lambda **kw: _ExpectedPlot(**kw).describe  # noqa: E731
    check_cases("plot_normal_densities", plot_normal_densities, EXPECTED_PLOT, _plot_cases(), how=_plot_probe,
                reference_how=_expected_probe, parameter_names=("mus", "x0"), hints=[RETURNED_NOTHING], afterwards=[_hard_coded], diagnoses=[
                    Diagnosis("plotted-cdf", "plot the density (norm.pdf), not the cumulative distribution (norm.cdf).",
                              wrong(density=_cdf)),
                    Diagnosis("plotted-log-density", "plot the density itself, not its logarithm (norm.logpdf).",
                              wrong(density=lambda x, m, s: np.log(_pdf(x, m, s)))),
                    Diagnosis("missing-normalising-constant",
                              "the normal density has the factor 1 / sqrt(2 pi): its peak is 0.3989, not 1.",
                              wrong(density=lambda x, m, s: _pdf(x, m, s) * math.sqrt(2 * math.pi))),
                    Diagnosis("mean-ignored", "every curve is centred at 0: pass loc=mu (the mean) to the density.",
                              wrong(centred=False)),
                    Diagnosis("markers-at-peaks", "mark the likelihood of the OBSERVATION: the point (x0, N(x0 | mu, 1)) "
                              "on each curve, not the curve's peak.", wrong(markers="at peaks")),
                    Diagnosis("no-likelihood-markers", "mark each likelihood with a marker at (x0, N(x0 | mu, 1)), e.g. "
                              "ax.plot(x0, likelihood, 'o').", wrong(markers="none")),
                    Diagnosis("new-figure-per-curve", "only the last curve is in the returned figure: create the figure "
                              "once, before the loop, and draw every curve on the same axes.",
                              wrong(curves=1)),
                ])

"""Step 4: the score histogram of an assignment, drawn with matplotlib's Agg canvas into PNG bytes.

No pyplot and no global state: a Figure is made, drawn and dropped. The same scores give the same bytes.
"""
from __future__ import annotations

import base64
import io
import math
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure

# Up to this many points a bar stands for each whole point; beyond, the range is cut in MAX_BINS bars.
MAX_BINS = 40
SIZE_INCHES = (6.4, 2.6)
DPI = 100


def bin_edges(max_score: float) -> np.ndarray:
    """Bars centred on 0, 1, ..., max_score points (up to MAX_BINS points), else MAX_BINS equal bars on [0, max]."""
    top = max(1, math.ceil(max_score))
    if top <= MAX_BINS:
        return np.arange(top + 2) - 0.5
    return np.linspace(0.0, max_score, MAX_BINS + 1)


def histogram_png(scores: Sequence[float], max_score: float, *, title: str) -> bytes:
    """A PNG histogram of `scores` on [0, max_score], the mean marked by a dashed line."""
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
    axes = figure.add_subplot()
    axes.hist(list(scores), bins=bin_edges(max_score), color="#4c72b0", edgecolor="white")
    if scores:
        mean = sum(scores) / len(scores)
        axes.axvline(mean, color="#c44e52", linestyle="--", label=f"mean {mean:.2f}")
        axes.legend(loc="upper left", frameon=False)
    axes.set_title(title)
    axes.set_xlabel("points")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.19, top=0.88)  # fixed margins: cheaper than tight_layout
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    """The PNG as a data: URI, so the page holds its own pictures."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

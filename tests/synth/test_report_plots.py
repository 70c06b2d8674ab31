"""The synth report's plots: labelled axes, whole-number ticks for counts, and a legend
that hides no data point."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from execgym.synth._metrics import METRICS
from execgym.synth._report import AXIS_LABELS, level_statistics, medians_figure, metric_figure


def _rows() -> list[dict[str, Any]]:
    rows = []
    for level in range(1, 7):
        for index in range(4):
            metrics: dict[str, float] = {name: float(level + index % 2) for name in METRICS}
            metrics["branch_coverage"] = (index + 1) / 4  # a fraction, not a count
            metrics["max_nesting"] = 2 + (level + index) % 3  # small counts
            rows.append({"level": f"L{level}", "method": "m", "metrics": metrics})
    return rows


@pytest.mark.parametrize("name", METRICS)
def test_metric_plots_label_the_y_axis_and_count_in_whole_numbers(name: str) -> None:
    rows = _rows()
    figure = metric_figure(rows, level_statistics(rows), name)
    figure.canvas.draw()
    (axes,) = figure.axes
    assert axes.get_ylabel() == AXIS_LABELS[name]
    assert axes.get_xlabel() == "level"
    low, high = axes.get_ylim()
    ticks = [tick for tick in axes.get_yticks() if low <= tick <= high]
    if name == "branch_coverage":
        assert any(not float(tick).is_integer() for tick in ticks)
    else:
        assert ticks and all(float(tick).is_integer() for tick in ticks), ticks
    plt.close(figure)


def test_every_metric_has_an_axis_label() -> None:
    assert set(AXIS_LABELS) == set(METRICS)


def test_the_medians_legend_sits_beside_the_axes() -> None:
    rows = _rows()
    figure = medians_figure(level_statistics(rows))
    figure.canvas.draw()
    (axes,) = figure.axes
    legend = axes.get_legend()
    assert legend is not None
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    legend_box = legend.get_window_extent(renderer)
    axes_box = axes.get_window_extent(renderer)
    assert legend_box.x0 >= axes_box.x1  # entirely to the right: it covers no point
    assert legend_box.x1 <= figure.bbox.x1  # and still inside the image
    assert axes.get_ylabel() and [t.get_text() for t in axes.get_xticklabels()] == [
        f"L{n}" for n in range(1, 7)
    ]
    plt.close(figure)

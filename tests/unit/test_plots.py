"""Tests of explorer.figures.plots: every figure is valid Plotly, and it draws exactly the numbers given.

`plots.figure` builds figures as plain dicts (Plotly's JSON of a figure) without validation, for
speed, so the validation Plotly would have done is done here instead: `go.Figure(fig)` must
accept each figure.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from specs import decode as arr

from explorer.figures import plots

RNG = np.random.default_rng(12345)


def validated(fig: dict) -> go.Figure:
    """Plotly's own validation of every property; raises ValueError on anything invalid."""
    assert isinstance(fig, dict) and set(fig) == {"data", "layout"}
    return go.Figure(fig)



def same(value, expected) -> bool:
    """Bit-identical values (and the same shape)."""
    return np.array_equal(arr(value), np.asarray(expected))


# -- heatmap ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(1, 1), (2, 8), (8, 8), (11, 3), (64, 64), (3, 128)])
def test_heatmap_draws_the_matrix_exactly_with_1_based_axes(shape):
    M = RNG.standard_normal(shape)
    t = plots.heatmap(M, "W<sup>1</sup>")
    fig = validated(plots.figure([t], {}))
    assert t["type"] == "heatmap"
    assert same(t["z"], M) and np.asarray(t["z"]).dtype == np.float64
    assert same(fig.data[0].z, M)
    assert same(t["x"], np.arange(1, shape[1] + 1))  # j = 1 … |l_{l+1}|
    assert same(t["y"], np.arange(1, shape[0] + 1))  # i = 1 … |l_l|
    assert t["hovertemplate"].startswith("W<sup>1</sup>[%{y}, %{x}]")


def test_heatmap_colour_range_is_symmetric_around_zero():
    M = np.array([[0.5, -3.0], [2.0, 1.0]])
    t = plots.heatmap(M, "M")
    assert t["zmax"] == 3.0 and t["zmin"] == -3.0
    t = plots.heatmap(-M + 10, "M")  # all positive: still centred on zero
    assert t["zmax"] == 13.0 and t["zmin"] == -13.0
    t = plots.heatmap(M, "M", 0.25)  # a locked range is used as given
    assert t["zmax"] == 0.25 and t["zmin"] == -0.25
    scale = t["colorscale"]
    assert scale[0][0] == 0.0 and scale[-1][0] == 1.0
    assert dict(scale)[0.5].lower() == "#ffffff"  # zero is white


def test_symmetric_range():
    assert plots.symmetric_range(np.array([[-4.0, 2.0]])) == 4.0
    assert plots.symmetric_range(np.zeros((3, 3))) == 1.0
    assert plots.symmetric_range(np.zeros((0, 3))) == 1.0
    assert plots.symmetric_range(np.array([[1e-12]])) == 1e-12


def test_numbers_in_cells_only_for_small_matrices():
    small = plots.heatmap(np.ones((plots.TEXT_ROWS, plots.TEXT_COLUMNS)), "M")
    tall = plots.heatmap(np.ones((plots.TEXT_ROWS + 1, 2)), "M")
    wide = plots.heatmap(np.ones((2, plots.TEXT_COLUMNS + 1)), "M")
    assert "texttemplate" in small
    assert "texttemplate" not in tall and "texttemplate" not in wide
    assert "texttemplate" in plots.heatmap(np.ones((50, 50)), "M", text=True)


@pytest.mark.parametrize(("shape", "gap"), [((1, 1), True), ((10, 10), True), ((4, 25), True), ((1, 100), True),
                                           ((10, 11), False), ((101, 1), False), ((64, 64), False)])
def test_cell_gaps_only_for_small_matrices(shape, gap):
    t = plots.heatmap(np.ones(shape), "M")
    assert (t.get("xgap"), t.get("ygap")) == ((1, 1) if gap else (None, None))
    assert (np.prod(shape) <= plots.GAP_CELLS) == gap
    validated(plots.figure([t], {}))


def test_norms_figure():
    norms = RNG.uniform(0.1, 2.0, (7, 3, 2))
    fig = validated(plots.norms_figure(norms))
    assert len(fig.data) == 6
    for row in range(3):
        for k in range(2):
            t = fig.data[2 * row + k]
            assert t.name == f"layer {k + 1}" and same(t.x, np.arange(1, 8)) and same(t.y, norms[:, row, k])


def test_validation_here_does_reject_an_invalid_figure():
    """The check above is real: an invalid property that plots.figure lets through is caught."""
    fig = plots.figure([{"type": "heatmap", "z": np.ones((2, 2)), "colourscale": "RdBu"}], {})
    with pytest.raises(ValueError):
        validated(fig)


# -- figures as Plotly's JSON ----------------------------------------------------------------------


@pytest.mark.parametrize("a", [
    np.linspace(-1, 1, 7), np.arange(1, 9), np.arange(0, 300), np.arange(-70_000, 70_000, 7),
    np.array([2**40, 1]), np.eye(3), np.ones((2, 3), dtype=np.float32), np.zeros(0), np.array([True, False]),
])
def test_typed_arrays_are_plotlys_own(a):
    from _plotly_utils.utils import to_typed_array_spec

    theirs = to_typed_array_spec(a)
    assert plots.typed_array(a) == (theirs if isinstance(theirs, dict) else a.tolist())


def test_a_figure_is_what_plotly_would_send_and_shares_nothing():
    import json

    import plotly.graph_objects as go
    from plotly.io.json import to_json_plotly

    M = np.random.default_rng(3).standard_normal((4, 3))
    traces = [plots.heatmap(M, "W<sup>1</sup>"),
              {"type": "scatter", "x": np.arange(1, 5), "y": M[:, 0], "marker": {"color": M[:, 1]}}]
    layout = {"height": 300, "xaxis": {"domain": (0.0, 0.5)}, "annotations": [{"text": "W"}], "font": plots.FONT}
    fig = plots.figure(traces, layout)
    plotly_json = go.Figure(data=traces, layout=layout, _validate=False).to_dict()
    plotly_json["layout"].pop("template")
    assert json.loads(to_json_plotly(fig)) == json.loads(to_json_plotly(plotly_json))
    fig["layout"]["font"]["size"] = 99
    fig["layout"]["annotations"][0]["text"] = "changed"
    fig["data"][1]["marker"]["color"] = "black"
    assert plots.FONT == {"size": 13} and layout["annotations"] == [{"text": "W"}]
    assert isinstance(traces[1]["marker"]["color"], np.ndarray)


def test_no_cell_reads_minus_zero():
    M = np.array([[-0.0, 0.5], [-1e-3, 0.0]])
    z = plots.heatmap(M, "δ<sup>2</sup>", text=True)["z"]
    assert np.array_equal(z, M) and not np.signbit(z[0, 0]) and np.signbit(z[1, 0])

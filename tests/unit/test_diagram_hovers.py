"""The phases view's network diagram (explorer/figures/diagram.py) hovers each edge at an invisible
marker of its own (placed by explorer/figures/hovers.py). Plotly ranks alike every marker within 3 px
of the pointer, so at the size the chart is drawn (a 1366 px wide window) any two markers must be
hovers.GAP = 6 px apart, and no marker may sit where another edge crosses its own. At midpoints, every
edge of W² with the same i + j shared one point; at four fixed fractions, layers of 12 neurons or
more put markers under 2 px apart (0.05 px at 64): hovering one named another weight."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from specs import decode

from explorer.core import Network
from explorer.figures import diagram, hovers

PLOTLY_RADIUS = 3  # px: Plotly hovers a marker of size ≤ 6 within 3 px of its centre, whatever its size


def scale(fig: dict) -> tuple[float, float]:
    """px per unit of x and y at the chart's size: x over the plot's width in a 1366 px wide window,
    y over the figure's height less its own margins."""
    layout = fig["layout"]
    (x_lo, x_hi), (y_lo, y_hi) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    bottom, top = layout["yaxis"]["domain"]
    plot_height = (layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]) * (top - bottom)
    return hovers.PLOT_WIDTH / (x_hi - x_lo), plot_height / (y_hi - y_lo)


def drawn(fig: dict) -> dict:
    """Every hover target of the diagram in px (its markers, biases and neurons), their marker sizes,
    and the edges as drawn."""
    px = np.array(scale(fig))
    out = {}
    for uid in ("edge-labels", "biases", "neurons"):
        (trace,) = [t for t in fig["data"] if t.get("uid") == uid]
        out[uid] = np.stack([decode(trace["x"]), decode(trace["y"])], axis=1) * px
        out[uid + "-size"] = trace["marker"]["size"]
    out["segments"] = np.concatenate([np.stack([decode(t["x"]), decode(t["y"])], axis=1).reshape(-1, 3, 2)[:, :2]
                                      for t in fig["data"] if str(t.get("uid", "")).startswith("edges-")])
    return out


def check_hovers(fig: dict, W: list[np.ndarray]) -> None:
    """Assert that every edge drawn has one marker, on its own edge, GAP px from every other marker,
    CLEAR px above or below every other edge at its x, and further from the neurons and the biases
    than Plotly hovers them."""
    (hover,) = [t for t in fig["data"] if t.get("uid") == "edge-labels"]
    data = decode(hover["customdata"])
    l, i, j = (data[:, k].astype(int) for k in range(3))
    np.testing.assert_array_equal(data[:, 3], [W[a - 1][b - 1, c - 1] for a, b, c in zip(l, i, j)])
    px = drawn(fig)
    markers = px["edge-labels"]
    assert len(px["segments"]) == len(markers)  # one marker an edge drawn
    assert px["edge-labels-size"] <= 2 * PLOTLY_RADIUS  # so that Plotly hovers each within 3 px alike
    assert fig["layout"]["hovermode"] == "closest" and fig["layout"]["hoverdistance"] == hovers.HOVER_DISTANCE
    gaps = np.hypot(*(markers[:, None] - markers[None]).transpose(2, 0, 1)) + np.diag(np.full(len(markers), np.inf))
    assert gaps.min() >= hovers.GAP - 1e-9, f"two markers {gaps.min():.2f} px apart"
    # Each marker's own edge, from l, i, j and where the neurons are (in px as above).
    ys = diagram._positions([W[0].shape[0], *(M.shape[1] for M in W)])
    px_x, px_y = scale(fig)
    x0, x1 = (l - 1.0) * px_x, l * px_x
    y0 = np.array([ys[a - 1][b - 1] for a, b in zip(l, i)]) * px_y
    y1 = np.array([ys[a][c - 1] for a, c in zip(l, j)]) * px_y
    for k, (x, y) in enumerate(markers):
        at_x = y0 + (x - x0) / (x1 - x0) * (y1 - y0)  # every edge's y at the marker's x
        assert x0[k] < x < x1[k] and abs(at_x[k] - y) < 1e-6, f"the marker of W{l[k]}[{i[k]}, {j[k]}] is off its edge"
        others = (l == l[k]) & (np.arange(len(l)) != k)
        assert np.abs(at_x[others] - y).min(initial=np.inf) >= hovers.CLEAR - 1e-9, \
            f"the marker of W{l[k]}[{i[k]}, {j[k]}] is where another edge crosses it"
    # A pointer on a marker is nearer it than any neuron or bias, by Plotly's measure (less the target's radius).
    for uid in ("biases", "neurons"):
        radius = max(px[uid + "-size"] / 2, PLOTLY_RADIUS)
        away = np.hypot(*(markers[:, None] - px[uid][None]).transpose(2, 0, 1)) - radius
        assert away.min() >= hovers.GAP / 2, f"a marker is {away.min():.1f} px from a {uid[:-1]}'s edge"


WIDTHS = [1, 2, 3, 5, 8, 11, 12, 13, 16, 17, 24, 31, 32, 48, 63, 64, 65, 256]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("inputs, hidden, outputs", [(2, 2, 2), (2, 1, 2), (64, 1, 10), (64, 3, 10), (3, 6, 2),
                                                     (10, 4, 10)])
def test_every_marker_has_a_place_of_its_own_at_the_charts_size(width, inputs, hidden, outputs):
    """Every hidden width up to MAX_NODES and past it (a layer of 256 is drawn as its first 64), from one
    to six hidden layers. The diagram keeps its height unless its hidden layers are drawn more compact
    than its inputs (the neurons of every layer are as far apart as the tallest's), too compact for
    all their edges' markers: then it grows taller until they fit."""
    sizes = [inputs, *[width] * hidden, outputs]
    net = Network(sizes, "tanh", "cross_entropy", seed=width)
    fig = diagram.network_diagram(net.W, net.b, flow=diagram.Flow(1, False))  # a phase's arrow: the smaller plot
    check_hovers(fig, net.W)
    height = fig["layout"]["height"]
    assert height == diagram.HEIGHT or (inputs > width and height < hovers.GROWTH * diagram.HEIGHT)


def crowded(m: int, n: int, pattern: str, rng: np.random.Generator) -> np.ndarray:
    """W (m × n) whose strongest weights, the ones a summarised diagram draws, run close together."""
    W = rng.standard_normal((m, n)) * 0.01
    i, j = np.ogrid[:m, :n]
    strong = {"rows": i < 5, "columns": j < 5, "block": (abs(i - m // 3 - 5) < 5) & (abs(j - n // 3 - 5) < 5),
              "crossing": abs(i + j - m) < 3, "equal": np.ones((m, n), bool)}[pattern]
    return W + 10.0 * strong


@pytest.mark.parametrize("pattern", ["rows", "columns", "block", "crossing", "equal"])
@pytest.mark.parametrize("sizes", [[2, 64, 64, 2], [64, 64, 10], [10, 64, 64, 64, 64, 64, 10],
                                   [64, 64, 64, 64, 64, 64, 64, 10], [2, 32, 32, 32, 2]])
def test_where_the_strongest_edges_crowd_together_the_chart_grows_taller_and_every_marker_keeps_its_place(
        sizes, pattern):
    rng = np.random.default_rng(7)
    W = [crowded(m, n, pattern, rng) for m, n in pairwise(sizes)]
    b = [np.zeros((1, n)) for n in sizes[1:]]
    fig = diagram.network_diagram(W, b, flow=diagram.Flow(2, True))
    check_hovers(fig, W)
    assert fig["layout"]["height"] < hovers.GROWTH * diagram.HEIGHT  # never left with no place (hovers.placed)


@pytest.mark.parametrize("hidden", [(8, 8), (12, 12), (16, 16), (32, 32), (64, 64), (32, 32, 32)])
def test_in_a_1024_px_window_the_usual_networks_markers_are_still_apart(hidden):
    """Where the plot is 419 px wide, not 754, the columns of markers close up: every other column is
    used first, so that up to three hidden layers no two markers come closer than GAP."""
    net = Network([2, *hidden, 2], "tanh", "cross_entropy", seed=1)
    markers = drawn(diagram.network_diagram(net.W, net.b, flow=diagram.Flow(1, False)))["edge-labels"]
    markers[:, 0] *= 419 / hovers.PLOT_WIDTH
    gaps = np.hypot(*(markers[:, None] - markers[None]).transpose(2, 0, 1)) + np.diag(np.full(len(markers), np.inf))
    assert gaps.min() >= hovers.GAP - 1e-9

"""The phases view's network diagram (explorer/figures/diagram.py) hovers each edge at a point of
its own that lies on no other edge: one of four fractions along it, every other layer's neurons a
little closer together so that no two edges cross there. At midpoints, every edge of W² with the
same i + j shared one point, and the hover named another weight."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from specs import decode

from explorer.core import Network
from explorer.figures import diagram


def segment_distance(px: float, py: float, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray,
                     ) -> np.ndarray:
    """From (px, py) to each segment (x0, y0)–(x1, y1)."""
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
    return np.hypot(x0 + t * dx - px, y0 + t * dy - py)


@pytest.mark.parametrize("sizes", [[2, 8, 8, 2], [2, 16, 16, 2], [3, 12, 12, 2], [2, 64, 2], [4, 24, 24, 3],
                                   [10, 64, 64, 10], [1, 2]])
def test_each_edges_hover_point_lies_on_its_own_edge_and_on_no_other(sizes):
    net = Network(sizes, "tanh", "cross_entropy", seed=1)
    fig = diagram.network_diagram(net.W, net.b)
    (hover,) = [t for t in fig["data"] if t.get("uid") == "edge-labels"]
    x, y, data = decode(hover["x"]), decode(hover["y"]), decode(hover["customdata"])
    ys = diagram._positions(sizes)
    l, i, j = (data[:, k].astype(int) for k in range(3))
    np.testing.assert_array_equal(data[:, 3], [net.W[a - 1][b - 1, c - 1] for a, b, c in zip(l, i, j)])
    x0, x1 = l - 1.0, l.astype(float)
    y0 = np.array([ys[a - 1][b - 1] for a, b in zip(l, i)])
    y1 = np.array([ys[a][c - 1] for a, c in zip(l, j)])
    assert len(set(zip(x.round(12), y.round(12)))) == len(x), "two edges share a hover point"
    for k in range(len(x)):
        d = segment_distance(x[k], y[k], x0, y0, x1, y1)
        assert d[k] < 1e-12, f"the hover point of W{l[k]}[{i[k]}, {j[k]}] is off its edge"
        d[k] = np.inf
        # a tenth of the smallest gap between neurons' rows a hundred times over: clear of every other edge
        assert d.min() > 1e-6, f"the hover point of W{l[k]}[{i[k]}, {j[k]}] lies on another edge too"
    drawn = [min(m, diagram.MAX_NODES) * min(n, diagram.MAX_NODES) for m, n in pairwise(sizes)]
    assert len(x) == sum(min(e, diagram.MAX_EDGES // len(drawn)) for e in drawn)  # every edge drawn is checked


def test_no_two_edges_between_layers_of_up_to_max_nodes_neurons_cross_at_a_hover_point():
    """Edges (i, j) and (i + a, j − b) between neighbouring layers (spacings s₀, s₁) cross at the
    fraction s₀a / (s₀a + s₁b) of their length: never one of the hovers', whichever layer comes first."""
    a, b = np.meshgrid(np.arange(1, diagram.MAX_NODES), np.arange(1, diagram.MAX_NODES))
    for s0, s1 in ((1.0, diagram.ODD_SPACING), (diagram.ODD_SPACING, 1.0)):
        crossing = s0 * a / (s0 * a + s1 * b)
        assert min(np.abs(crossing - t).min() for t in diagram.HOVER_AT) > 1e-6  # 7.6e-6 at a = 33, b = 49


def test_the_default_networks_hover_points_are_further_apart_than_plotlys_hover_radius():
    """Plotly's closest hover ranks every marker within 3 px of the pointer alike: at the phases
    diagram's size (about 250 px between layers, 145 px a unit of y) its points are 6 px apart."""
    net = Network([2, 8, 8, 2], "tanh", "cross_entropy", seed=1)
    (hover,) = [t for t in diagram.network_diagram(net.W, net.b)["data"] if t.get("uid") == "edge-labels"]
    x, y = decode(hover["x"]) * 250, decode(hover["y"]) * 145
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) + np.diag(np.full(len(x), np.inf))
    assert d.min() > 5

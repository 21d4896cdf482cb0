"""The phases view's network diagram (a Plotly chart) in headless Chromium, 1366 or 1024 px wide: every
edge hovered at its hover marker (where Plotly drew the edge's invisible marker) names its own weight
and value, and the markers as drawn are hovers.GAP px apart; where each marker lies is
tests/unit/test_diagram_hovers.py's matter."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect
from specs import decode

from explorer.figures import diagram, hovers
from explorer.model.training import Config, Trainer

pytestmark = pytest.mark.browser

TIMEOUT = 30_000  # ms


# The default network's 96 edges; the 264 drawn with layers of 16, also in a 1024 px window (a plot 419 px wide,
# where the markers' columns close up: every other column is used first, tests/unit/test_diagram_hovers.py).
@pytest.mark.parametrize("hidden, width", [((8, 8), 1366), ((16, 16), 1366), ((16, 16), 1024)])
def test_every_edge_of_the_phases_diagram_hovered_names_its_own_weight(page: Page, server: str, hidden, width):
    page.set_viewport_size({"width": width, "height": 1400})
    page.goto(f"{server}/?hidden={','.join(map(str, hidden))}&step=3")
    page.wait_for_function("() => document.querySelector('.board[data-step=\"3\"]')", timeout=3 * TIMEOUT)
    page.get_by_text("Phase by phase", exact=True).click()
    expect(page.locator(".board")).to_have_count(0, timeout=TIMEOUT)
    chart = page.locator(".canvas-chart").filter(has=page.locator(".scatterlayer")).first  # the diagram, first
    expect(chart).to_be_visible(timeout=TIMEOUT)
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    trainer = Trainer.from_config(Config(hidden=hidden))
    trainer.run(3)
    W = trainer.net.W
    # The edges drawn (all of the default network's; W²'s strongest 200 of 256 with 16s), in the figure's order.
    (hover,) = [t for t in diagram.network_diagram(W, trainer.net.b)["data"] if t.get("uid") == "edge-labels"]
    edges = [(int(l), int(i) - 1, int(j) - 1) for l, i, j, _ in decode(hover["customdata"])]
    # The hover markers as Plotly drew them (invisible, one a weight, in the figure's order: l, i, j).
    points = chart.evaluate("""gd => [...gd.querySelectorAll('.scatterlayer .trace')]
        .map(t => [...t.querySelectorAll('path.point')].map(p => { const b = p.getBoundingClientRect();
          return [b.left + b.width / 2, b.top + b.height / 2]; }))""")
    (points,) = [p for p in points if len(p) == len(edges)]
    xy = np.array(points)
    gaps = np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1)) + np.diag(np.full(len(xy), np.inf))
    assert gaps.min() >= hovers.GAP - 0.01  # as placed (the plot is hovers.PLOT_WIDTH wide at 1366 px)
    label = chart.locator(".hoverlayer .hovertext")
    for (l, i, j), (x, y) in zip(edges, points):
        page.mouse.move(x, y)
        # Plotly shows a hover a moment after the move (and <sup> as a tspan: a zero-width space around it)
        expect(label).to_have_text(re.compile(rf"^W\u200b?{l}\u200b?\[{i + 1}, {j + 1}\] = "), timeout=3000)
        value = label.text_content().split(" = ")[1]
        assert float(value) == pytest.approx(W[l - 1][i, j], rel=1e-5)

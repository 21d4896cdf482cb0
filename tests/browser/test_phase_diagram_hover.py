"""The phases view's network diagram (a Plotly chart) in headless Chromium: every edge hovered at
its hover point (where Plotly drew the edge's invisible marker) names its own weight and value;
where each marker lies is tests/unit/test_diagram_hovers.py's matter."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from explorer.model.training import Config, Trainer

pytestmark = pytest.mark.browser

TIMEOUT = 30_000  # ms


def test_every_edge_of_the_phases_diagram_hovered_names_its_own_weight(page: Page, server: str):
    page.set_viewport_size({"width": 1366, "height": 1400})
    page.goto(f"{server}/?step=3")
    page.wait_for_function("() => document.querySelector('.board[data-step=\"3\"]')", timeout=3 * TIMEOUT)
    page.get_by_text("Phase by phase", exact=True).click()
    expect(page.locator(".board")).to_have_count(0, timeout=TIMEOUT)
    chart = page.locator(".canvas-chart").filter(has=page.locator(".scatterlayer")).first  # the diagram, first
    expect(chart).to_be_visible(timeout=TIMEOUT)
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    trainer = Trainer.from_config(Config())
    trainer.run(3)
    sizes, W = trainer.net.sizes, trainer.net.W
    edges = [(l, i, j) for l in range(1, len(sizes)) for i in range(sizes[l - 1]) for j in range(sizes[l])]
    # The hover markers as Plotly drew them (invisible, one a weight, in the figure's order: l, i, j).
    points = chart.evaluate("""gd => [...gd.querySelectorAll('.scatterlayer .trace')]
        .map(t => [...t.querySelectorAll('path.point')].map(p => { const b = p.getBoundingClientRect();
          return [b.left + b.width / 2, b.top + b.height / 2]; }))""")
    (points,) = [p for p in points if len(p) == len(edges)]
    label = chart.locator(".hoverlayer .hovertext")
    for (l, i, j), (x, y) in zip(edges, points):
        page.mouse.move(x, y)
        # Plotly shows a hover a moment after the move (and <sup> as a tspan: a zero-width space around it)
        expect(label).to_have_text(re.compile(rf"^W\u200b?{l}\u200b?\[{i + 1}, {j + 1}\] = "), timeout=3000)
        value = label.text_content().split(" = ")[1]
        assert float(value) == pytest.approx(W[l - 1][i, j], rel=1e-5)

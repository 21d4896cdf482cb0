"""The board in headless Chromium: every edge's hover names its own weight, the colours are
explorer/figures' colours, Step and Play/Pause leave the page, the numbers and the trainer at
the same step, every cell's number fits its cell, and the layout holds at 1366×768 (default, 中文,
projector)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from explorer.figures import diagram, plots
from explorer.model.training import Config, Trainer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30_000  # ms
NOW_JS = "() => window.__board && window.__board.now()"


def open_board(page: Page, server: str, query: str, width: int = 1366, height: int = 768) -> dict:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server}/?{query}")
    page.wait_for_function("() => window.__board && window.__board.now()", timeout=3 * TIMEOUT)
    return page.evaluate(NOW_JS)


def shown_step(page: Page, n: int) -> dict:
    page.wait_for_function(f"() => document.querySelector('.board[data-step=\"{n}\"]')", timeout=TIMEOUT)
    return page.evaluate(NOW_JS)


def matrix(board: dict, name: str) -> np.ndarray:
    v = board["arrays"][name]
    return np.array(v["a"]).reshape(v["shape"])


def step_counter(page: Page):
    return page.locator(".numbers > div").filter(has=page.locator("dt", has_text="Step")).locator("dd")


def tooltip(page: Page, x: float, y: float) -> tuple[str, str]:
    page.mouse.move(x, y)
    tip = page.locator(".board-tip")
    expect(tip).to_be_visible()
    return tip.inner_text(), tip.get_attribute("data-w") or ""


def test_every_edge_hovered_at_a_third_of_its_length_names_its_own_weight(page: Page, server: str):
    board = open_board(page, server, "step=3", 1600, 1000)
    assert board["step"] == 3
    # The whole page on the screen (Streamlit scrolls inside stMain): the diagram and the heatmaps both.
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": height})
    page.wait_for_timeout(500)
    trainer = Trainer.from_config(Config())
    trainer.run(3)
    edges = page.evaluate("""() => [...document.querySelectorAll('.board [data-w]')].map(e => {
        const box = e.ownerSVGElement.getBoundingClientRect(), at = k => +e.getAttribute(k);
        return {w: e.getAttribute('data-w'), x: box.left + at('x1') + (at('x2') - at('x1')) / 3,
                y: box.top + at('y1') + (at('y2') - at('y1')) / 3}; })""")
    assert len(edges) == 2 * 8 + 8 * 8 + 8 * 2  # one element per edge of 2-8-8-2
    for edge in edges:
        l, i, j = (int(k) for k in edge["w"].split(","))
        text, w = tooltip(page, edge["x"], edge["y"])
        name, value = text.split(" = ")
        assert w == edge["w"] and name == f"W{'¹²³'[l - 1]}[{i}, {j}]", (edge, text)
        assert float(value) == pytest.approx(trainer.net.W[l - 1][i - 1, j - 1], rel=1e-5, abs=1e-12)
        assert float(value) == pytest.approx(matrix(board, f"W{l}")[i - 1, j - 1], rel=1e-5, abs=1e-12)
        cell = page.evaluate("([key, i, j]) => window.__board.cell(key, i, j)", [f"W{l}", i - 1, j - 1])
        named = f" ({board['structure']['inputs'][i - 1]})" if l == 1 else ""  # W¹: and the input's name
        assert tooltip(page, cell["x"], cell["y"])[0] == text + named  # the heatmap's cell says the same


def test_the_boards_colours_are_the_figures_colours(page: Page, server: str):
    open_board(page, server, "step=1")
    u = np.linspace(0, 1, 41)
    js = page.evaluate("([scale, us]) => us.map(u => window.__board.mix(scale, u))", [plots.DIVERGING, list(u)])
    # Plotly's heatmap colours: linear in RGB between the scale's stops (explorer/figures/plots.py DIVERGING)
    stops = np.array([stop for stop, _ in plots.DIVERGING])
    rgb = np.array([[int(colour[k:k + 2], 16) for k in (1, 3, 5)] for _, colour in plots.DIVERGING], float)
    for a, v in zip(js, u):
        expected = [np.interp(v, stops, rgb[:, c]) for c in range(3)]
        assert [int(c) for c in a[4:-1].split(",")] == pytest.approx(expected, abs=0.5), (a, v)
    values = np.linspace(-2.5, 2.5, 101)
    colours = {"negative": diagram.NEGATIVE, "positive": diagram.POSITIVE}
    js = page.evaluate("([c, vs]) => vs.map(v => window.__board.edgeStyle(c, v, 2))", [colours, list(values)])
    bands = diagram.band(values, 2.0)
    for v, k, style in zip(values, bands, js):
        assert style["colour"] == (diagram.POSITIVE if v >= 0 else diagram.NEGATIVE)[k], v
        assert style["width"] == pytest.approx(0.8 + 1.4 * k)


def test_step_play_and_pause_leave_the_page_the_numbers_and_the_trainer_at_one_step(page: Page, server: str):
    board = open_board(page, server, "step=5")
    page.evaluate("() => { document.querySelector('.board').__mark = 1; }")
    page.get_by_role("button", name="Step", exact=True).click()
    board = shown_step(page, 6)
    expect(step_counter(page)).to_have_text("6")
    trainer = Trainer.from_config(Config())
    trainer.run(6)
    np.testing.assert_array_equal(matrix(board, "W2"), trainer.net.W[1])
    np.testing.assert_array_equal(matrix(board, "delta3"), trainer.last.delta[2])

    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("() => +document.querySelector('.board').dataset.step >= 30", timeout=TIMEOUT)
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
    page.wait_for_timeout(2000)  # the steps computed ahead are taken back
    board = page.evaluate(NOW_JS)
    n = board["step"]
    expect(step_counter(page)).to_have_text(str(n))
    assert page.evaluate("() => document.querySelector('.board').__mark") == 1, "the board was mounted again"
    trainer.run(n - 6)
    np.testing.assert_array_equal(matrix(board, "W1"), trainer.net.W[0])
    # the next Step continues from the step shown, as if every step had been taken one at a time
    page.get_by_role("button", name="Step", exact=True).click()
    board = shown_step(page, n + 1)
    trainer.step()
    np.testing.assert_array_equal(matrix(board, "W3"), trainer.net.W[2])
    np.testing.assert_array_equal(matrix(board, "delta2"), trainer.last.delta[1])
    expect(step_counter(page)).to_have_text(str(n + 1))


@pytest.mark.parametrize("extra", ["", "&present=1"])
def test_every_cell_number_fits_its_cell(page: Page, server: str, extra: str):
    """Small biases early on (-0.00059) are the longest numbers: each stays inside its own cell."""
    open_board(page, server, f"dataset=xor&step=3{extra}")
    widths = page.evaluate("""() => {
      const st = [...window.__board.roots.values()].find(s => s.net);
      return st.net.texts.filter(({t}) => t.textContent)
        .map(({t}) => [t.textContent, t.getBBox().width, st.net.cell]); }""")
    assert len(widths) > 50 and any(len(text) >= 7 for text, _, _ in widths)
    too_wide = [(text, width, cell) for text, width, cell in widths if width > cell - 2]
    assert not too_wide

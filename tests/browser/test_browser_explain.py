"""Click a number, see where it comes from, in headless Chromium: a click on a δ cell and on a
∂L/∂W cell of the board opens that cell's derivation under it with the numbers the board shows
(and the trainer computes), the board outlines the cell, a Step moves both to the new step, the
derivation opens the Equations view at the same entry, and Close closes it."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from explorer.model.training import Config, Trainer

pytestmark = pytest.mark.browser

TIMEOUT = 30_000  # ms
NOW_JS = "() => window.__board && window.__board.now()"
PANEL = ".st-key-explain_panel"


def open_whole(page: Page, server: str, query: str) -> dict:
    """The page at this link, the viewport as tall as the page (Streamlit scrolls inside stMain)."""
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{server}/?{query}")
    page.wait_for_function(NOW_JS, timeout=3 * TIMEOUT)
    return page.evaluate(NOW_JS)


def fit(page: Page) -> None:
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1366, "height": min(4000, height + 400)})
    page.wait_for_timeout(500)


def click_cell(page: Page, key: str, i: int, j: int, down: float = 0.0) -> None:
    """Click cell (i, j) (0-based, as drawn) of the board's matrix `key`, `down` of a cell's height
    below its middle (a coarse cell: which of its rows)."""
    cell = "([key, i, j]) => window.__board.cell(key, i, j)"
    at = page.evaluate(cell, [key, i, j])
    page.evaluate("y => document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, y - innerHeight / 2)", at["y"])
    at, below = page.evaluate(cell, [key, i, j]), page.evaluate(cell, [key, i + 1, j])
    page.mouse.click(at["x"], at["y"] + down * (below["y"] - at["y"]))


def title(page: Page, name: str, step: int) -> float:
    """The open derivation's title once it names this cell at this step; the value it gives."""
    heading = page.locator(PANEL).get_by_text(re.compile(rf"Where {re.escape(name)} = .* comes from, at step {step}$"))
    expect(heading).to_be_visible(timeout=TIMEOUT)
    return float(heading.inner_text().split(" = ")[1].split(" ")[0])


def outlined(page: Page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.board-overlay rect.explained')].map(r => {
        const box = r.getBoundingClientRect(); return {x: box.left + box.width / 2, y: box.top + box.height / 2}; })""")


def test_a_clicked_delta_cell_opens_its_derivation_and_a_step_moves_it(page: Page, server: str):
    open_whole(page, server, "step=1")
    fit(page)
    hint = page.locator(".board-hint")  # the board's line under the matrices: how to open a derivation
    expect(hint).to_have_text(re.compile(r"^Click a cell of δ, ∂L/∂W"))
    expect(hint).to_be_visible()
    click_cell(page, "delta3", 1, 2)  # δ³ of sample 2, neuron 3 (the default batch: 16 samples)
    value = title(page, "δ³[2, 3]", 1)
    expect(hint).to_be_hidden()  # one is open
    trainer = Trainer.from_config(Config())
    trainer.run(1)
    delta = trainer.last.delta[2][1, 2]
    assert value == pytest.approx(delta, rel=1e-5)
    panel = page.locator(PANEL)
    expect(panel.locator(".katex").first).to_be_visible()  # the formulas typeset
    expect(panel).to_contain_text("(15)")
    expect(panel).to_contain_text("Row 2 of δ³ is sample 2 of the batch.")
    [box] = outlined(page)  # the board outlines the cell it explains
    at = page.evaluate("() => window.__board.cell('delta3', 1, 2)")
    assert (box["x"], box["y"]) == pytest.approx((at["x"], at["y"]), abs=1)

    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function("() => document.querySelector('.board[data-step=\"2\"]')", timeout=TIMEOUT)
    trainer.step()
    assert title(page, "δ³[2, 3]", 2) == pytest.approx(trainer.last.delta[2][1, 2], rel=1e-5)
    assert len(outlined(page)) == 1

    panel.get_by_role("button", name="Close").click()
    expect(panel).to_have_count(0, timeout=TIMEOUT)
    page.wait_for_function("() => !document.querySelector('.board-overlay rect.explained')", timeout=TIMEOUT)
    expect(hint).to_be_visible()


def test_a_clicked_gradient_cell_is_the_batch_sum_and_opens_the_equations_view(page: Page, server: str):
    open_whole(page, server, "step=2")
    page.get_by_role("button", name="∂L/∂W, ∂L/∂b").click()  # the ∂L/∂W panel beside W
    page.wait_for_function("() => { const b = window.__board.now(); return b && b.arrays.dW2; }", timeout=TIMEOUT)
    fit(page)
    click_cell(page, "dW2", 4, 6)
    value = title(page, "∂L/∂W²[5, 7]", 2)
    trainer = Trainer.from_config(Config())
    trainer.run(2)
    g = trainer.last
    assert value == pytest.approx(g.dW[1][4, 6], rel=1e-5)
    board = page.evaluate(NOW_JS)
    shown = np.array(board["arrays"]["dW2"]["a"]).reshape(board["arrays"]["dW2"]["shape"])
    assert value == pytest.approx(shown[4, 6], rel=1e-5)  # what the board's cell holds
    panel = page.locator(PANEL)
    expect(panel).to_contain_text("(8)")
    expect(panel).to_contain_text("5 of the B = 16 terms are written; the other 11")  # bounded, and says so
    products = g.a[1][:, 4] * g.delta[2][:, 6]
    assert products.sum() / 16 == pytest.approx(g.dW[1][4, 6], rel=1e-12)

    panel.get_by_role("button", name="Open the chain rule in the Equations view").click()
    expect(page.locator(".st-key-cell_i input")).to_have_value("5", timeout=TIMEOUT)
    expect(page.locator(".st-key-cell_j input")).to_have_value("7")
    expect(page.get_by_text("sample by sample").first).to_be_visible()


def test_a_coarse_delta_cell_explains_the_entry_under_the_pointer_in_chinese_on_the_projector(page: Page, server: str):
    """At B = 96 each drawn row of δ stands for 2 samples: the lower half of drawn row 4 is sample 8."""
    open_whole(page, server, "step=1&batch=96&lang=zh&present=1")
    click_cell(page, "delta3", 3, 2, down=0.25)
    heading = page.locator(PANEL).get_by_text(re.compile(r"^δ³\[8, 3\] = .* 从何而来（第 1 步）$"))
    expect(heading).to_be_visible(timeout=TIMEOUT)
    trainer = Trainer.from_config(Config(batch=96))
    trainer.run(1)
    assert float(heading.inner_text().split(" = ")[1].split(" ")[0]) == pytest.approx(trainer.last.delta[2][7, 2],
                                                                                       rel=1e-5)
    expect(page.locator(PANEL)).to_contain_text("δ³ 的第 8 行是本批的第 8 个样本。")
    expect(page.locator(PANEL)).to_be_in_viewport()  # scrolled to, below a board taller than the screen
    [box] = outlined(page)  # the drawn cell that holds it
    at = page.evaluate("() => window.__board.cell('delta3', 3, 2)")
    assert (box["x"], box["y"]) == pytest.approx((at["x"], at["y"]), abs=1)
    click_cell(page, "delta3", 3, 2, down=-0.25)  # its upper half: sample 7
    expect(page.locator(PANEL).get_by_text(re.compile(r"^δ³\[7, 3\] = "))).to_be_visible(timeout=TIMEOUT)

"""The board in column notation (`notation=column`), in headless Chromium: W¹ laid out n×m
(next layer × this one) with b¹ a column beside it and δ² one sample a column; an edge's hover
names its weight Wˡ[j, i] (data-w keeps the core's "l,i,j") with the core's value, and the
heatmap's cell at row j, column i says the same; a click on that cell sets the core's Wˡ[i, j]
by hand, and a click on δ opens the derivation of the sample and neuron it shows."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from explorer.model.training import Config, Trainer

pytestmark = pytest.mark.browser

TIMEOUT = 90_000  # ms
BLOCKS_JS = """() => Object.fromEntries([...window.__board.roots.values()].find(s => s.root.isConnected && s.net)
    .net.L.blocks.map(b => [b.key, {rows: b.rows, cols: b.cols, r: b.r, c: b.c}]))"""


def test_column_notation_lays_W1_out_n_by_m_and_hovers_name_W_j_i(page: Page, server: str):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{server}/?notation=column&hidden=8,4&batch=5&step=2")
    page.wait_for_function("() => document.querySelector('.board[data-step=\"2\"]')", timeout=TIMEOUT)
    board = page.evaluate("() => window.__board.now()")
    assert board["structure"]["notation"] == "column" and board["head"]["notation"] == "column"
    trainer = Trainer.from_config(Config(hidden=(8, 4), batch=5))
    trainer.run(2)
    W1 = np.array(board["arrays"]["W1"]["a"]).reshape(board["arrays"]["W1"]["shape"])
    assert W1.shape == (8, 2)
    np.testing.assert_array_equal(W1, trainer.net.W[0].T)
    blocks = page.evaluate(BLOCKS_JS)
    assert (blocks["W1"]["rows"], blocks["W1"]["cols"]) == (8, 2)  # n×m
    assert (blocks["b1"]["rows"], blocks["b1"]["cols"]) == (8, 1) and blocks["b1"]["r"] == blocks["W1"]["r"]
    assert blocks["b1"]["c"] > blocks["W1"]["c"] + 1  # beside W¹, not under it
    assert (blocks["delta2"]["rows"], blocks["delta2"]["cols"]) == (8, 5)  # one sample a column
    assert (blocks["W2"]["rows"], blocks["W2"]["cols"]) == (4, 8)
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": height})
    page.wait_for_timeout(500)
    edge = page.evaluate("""() => { const e = document.querySelector('.board [data-w="2,7,3"]'),
        box = e.ownerSVGElement.getBoundingClientRect(), at = k => +e.getAttribute(k);
        return {x: box.left + at('x1') + (at('x2') - at('x1')) / 3,
                y: box.top + at('y1') + (at('y2') - at('y1')) / 3}; }""")
    page.mouse.move(edge["x"], edge["y"])
    tip = page.locator(".board-tip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    name, value = text.split(" = ")
    assert name == "W²[3, 7]" and tip.get_attribute("data-w") == "2,7,3"  # from neuron 7 of l₂ to neuron 3 of l₃
    assert float(value) == pytest.approx(trainer.net.W[1][6, 2], rel=1e-5)
    cell = page.evaluate("() => window.__board.cell('W2', 2, 6)")  # row j = 3, column i = 7 (0-based 2, 6)
    page.mouse.move(cell["x"], cell["y"])
    page.wait_for_timeout(100)
    assert tip.inner_text() == text


def test_in_column_notation_a_clicked_cell_sets_and_explains_the_core_entry_it_shows(page: Page, server: str):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{server}/?notation=column&hidden=8,4&batch=5&step=2")
    page.wait_for_function("() => document.querySelector('.board[data-step=\"2\"]')", timeout=TIMEOUT)
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": height})
    page.wait_for_timeout(500)
    # W² shown 4×8: row 3, column 7 is the weight from neuron 7 of l₂ to neuron 3 of l₃, the core's W²[7, 3]
    cell = page.evaluate("() => window.__board.cell('W2', 2, 6)")
    page.mouse.click(cell["x"], cell["y"])
    expect(page.locator(".board-editor")).to_contain_text("W²[3, 7] =")
    editor = page.locator(".board-editor input")
    editor.fill("0.25")
    editor.press("Enter")
    page.wait_for_function("() => { const M = window.__board.now().arrays.W2; return M.a[2 * 8 + 6] === 0.25; }",
                           timeout=TIMEOUT)
    trainer = Trainer.from_config(Config(hidden=(8, 4), batch=5))
    trainer.run(2)
    trainer.edit(2, 7, 3, "0.25")
    W2 = page.evaluate("() => window.__board.now().arrays.W2")
    np.testing.assert_array_equal(np.array(W2["a"]).reshape(W2["shape"]), trainer.net.W[1].T)
    # δ³ shown 4×5 (one sample a column): row 2, column 4 is neuron 2 of sample 4; its derivation opens
    cell = page.evaluate("() => window.__board.cell('delta3', 1, 3)")
    page.mouse.click(cell["x"], cell["y"])
    panel = page.locator(".st-key-explain_panel")
    expect(panel).to_be_visible(timeout=TIMEOUT)
    expect(panel).to_contain_text("Column 4 of δ³ is sample 4")
    expect(panel).to_contain_text("δ³[2, 4]")  # named as shown
    assert page.evaluate("() => window.__board.now().head.explain") == ["delta3", 4, 2]  # the core's [r, j]

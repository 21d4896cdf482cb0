"""Hand edits in headless Chromium: a click on an edge of the diagram, then on a cell of W and of
b, opens an input at the pointer; Enter sets the weight and the numbers row's loss becomes the
one of a trainer given the same edits in this process, with no step; Esc cancels; a bad value is
named; Undo takes the last edit back; a cell of a large matrix sets the entry under the pointer."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from explorer.model.training import Config, Trainer

pytestmark = pytest.mark.browser

TIMEOUT = 30_000  # ms
NOW_JS = "() => window.__board && window.__board.now()"


def number(page: Page, label: str):
    return page.locator(".numbers > div").filter(has=page.locator("dt", has_text=label)).locator("dd")


def entry_is(page: Page, key: str, i: int, j: int, value: float) -> dict:
    """Wait until the board shows `value` at (i, j) (0-based) of matrix `key`; its state then."""
    page.wait_for_function(
        """([key, i, j, v]) => { const b = window.__board.now(), M = b && b.arrays[key];
            return M && M.a[i * M.shape[1] + j] === v; }""", arg=[key, i, j, value], timeout=TIMEOUT)
    return page.evaluate(NOW_JS)


def type_in_editor(page: Page, typed: str, key: str = "Enter") -> None:
    editor = page.locator(".board-editor input")
    expect(editor).to_be_focused()
    editor.fill(typed)
    editor.press(key)


def test_an_edge_and_a_cell_set_by_hand_move_the_loss_to_the_same_forward_pass(page: Page, server: str):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{server}/?step=3")
    page.wait_for_function(NOW_JS, timeout=3 * TIMEOUT)
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": height})  # the diagram and the heatmaps both on the screen
    page.wait_for_timeout(500)
    ref = Trainer.from_config(Config())
    ref.run(3)
    expect(number(page, "Train loss")).to_have_text(f"{ref.loss_on('train'):.4g}")

    # an edge of the diagram, clicked a third of the way along it
    at = page.evaluate("""() => { const e = document.querySelector('.board [data-w="2,3,4"]'),
        box = e.ownerSVGElement.getBoundingClientRect(), a = k => +e.getAttribute(k);
        return {x: box.left + a('x1') + (a('x2') - a('x1')) / 3, y: box.top + a('y1') + (a('y2') - a('y1')) / 3}; }""")
    page.mouse.click(at["x"], at["y"])
    expect(page.locator(".board-editor")).to_contain_text("W²[3, 4] =")
    type_in_editor(page, "0")
    board = entry_is(page, "W2", 2, 3, 0.0)
    ref.edit(2, 3, 4, "0")
    expect(number(page, "Train loss")).to_have_text(f"{ref.loss_on('train'):.4g}")
    expect(number(page, "Step")).to_have_text("3")
    assert board["step"] == 3 and page.locator(".board-editor").count() == 0
    np.testing.assert_array_equal(np.array(board["arrays"]["W2"]["a"]).reshape(8, 8), ref.net.W[1])

    # a cell of W¹: the exact entry under the pointer
    cell = page.evaluate("() => window.__board.cell('W1', 1, 5)")
    page.mouse.click(cell["x"], cell["y"])
    type_in_editor(page, "-1.5")
    entry_is(page, "W1", 1, 5, -1.5)
    ref.edit(1, 2, 6, "-1.5")
    expect(number(page, "Train loss")).to_have_text(f"{ref.loss_on('train'):.4g}")
    expect(number(page, "Test loss")).to_have_text(f"{ref.loss_on('test'):.4g}")

    # Esc on a bias cell changes nothing
    cell = page.evaluate("() => window.__board.cell('b2', 0, 0)")
    page.mouse.click(cell["x"], cell["y"])
    expect(page.locator(".board-editor")).to_contain_text("b²[1, 1] =")
    type_in_editor(page, "5", "Escape")
    expect(page.locator(".board-editor")).to_have_count(0)
    # a bad value: named on the page, nothing changes
    page.mouse.click(cell["x"], cell["y"])
    type_in_editor(page, "1e9")
    expect(page.get_by_text("1e9 is too large")).to_be_visible(timeout=TIMEOUT)
    expect(number(page, "Train loss")).to_have_text(f"{ref.loss_on('train'):.4g}")

    # Undo takes back the last edit only
    page.get_by_role("button", name="Undo", exact=True).click()
    entry_is(page, "W1", 1, 5, float(ref.snapshot(3, 1).W[0][1, 5]))
    ref.undo()
    expect(number(page, "Train loss")).to_have_text(f"{ref.loss_on('train'):.4g}")
    assert page.evaluate(NOW_JS)["arrays"]["W2"]["a"][2 * 8 + 3] == 0.0


def test_a_cell_of_a_large_matrix_sets_the_exact_entry_under_the_pointer(page: Page, server: str):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{server}/?hidden=64,64&step=1")
    page.wait_for_function(NOW_JS, timeout=3 * TIMEOUT)
    page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 400)")
    # W² is 64×64, drawn 32×32: cell (3, 3) stands for rows and columns 7–8, its lower right quarter for W²[8, 8]
    cell, next_cell = page.evaluate("() => [window.__board.cell('W2', 3, 3), window.__board.cell('W2', 4, 4)]")
    page.mouse.click(cell["x"] + (next_cell["x"] - cell["x"]) / 4, cell["y"] + (next_cell["y"] - cell["y"]) / 4)
    expect(page.locator(".board-editor")).to_contain_text("W²[8, 8] =")
    type_in_editor(page, "0.5")
    ref = Trainer.from_config(Config(hidden=(64, 64)))
    ref.run(1)
    ref.edit(2, 8, 8, "0.5")
    expect(number(page, "Train loss")).to_have_text(f"{ref.loss_on('train'):.4g}", timeout=TIMEOUT)


def test_on_a_projector_in_chinese_the_editor_is_large_and_speaks_chinese(page: Page, server: str):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{server}/?step=2&present=1&lang=zh")
    page.wait_for_function(NOW_JS, timeout=3 * TIMEOUT)
    at = page.evaluate("""() => { const e = document.querySelector('.board [data-w="1,2,3"]'),
        box = e.ownerSVGElement.getBoundingClientRect(), a = k => +e.getAttribute(k);
        return {x: box.left + (a('x1') + a('x2')) / 2, y: box.top + (a('y1') + a('y2')) / 2}; }""")
    page.mouse.click(at["x"], at["y"])
    editor = page.locator(".board-editor")
    expect(editor).to_contain_text("W¹[2, 3] =")
    expect(editor).to_contain_text("按回车键设定")
    assert editor.evaluate("e => getComputedStyle(e).fontSize") == "18px"
    type_in_editor(page, "abc")
    expect(page.get_by_text("abc 不是数字")).to_be_visible(timeout=TIMEOUT)


def test_in_column_notation_a_cell_sets_the_entry_it_shows(page: Page, server: str):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{server}/?step=2&notation=column")
    page.wait_for_function(NOW_JS, timeout=3 * TIMEOUT)
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": height})
    page.wait_for_timeout(500)
    ref = Trainer.from_config(Config())
    ref.run(2)
    # W¹ is drawn 8×2 (its transpose): the cell in row 6, column 2 is the core's W¹[2, 6]
    cell = page.evaluate("() => window.__board.cell('W1', 5, 1)")
    page.mouse.click(cell["x"], cell["y"])
    expect(page.locator(".board-editor")).to_contain_text("W¹[6, 2] =")
    type_in_editor(page, "0")
    ref.edit(1, 2, 6, "0")
    expect(number(page, "Train loss")).to_have_text(f"{ref.loss_on('train'):.4g}", timeout=TIMEOUT)
    # b² is drawn as a column beside W²: its row 4 is the core's b²[4]
    cell = page.evaluate("() => window.__board.cell('b2', 3, 0)")
    page.mouse.click(cell["x"], cell["y"])
    expect(page.locator(".board-editor")).to_contain_text("b²[4, 1] =")
    type_in_editor(page, "1")
    ref.edit(2, 1, 4, "1", bias=True)
    expect(number(page, "Train loss")).to_have_text(f"{ref.loss_on('train'):.4g}", timeout=TIMEOUT)

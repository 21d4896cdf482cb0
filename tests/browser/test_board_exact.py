"""The board's exact hovers in headless Chromium: a coarse cell (a block of fi × fj entries sent
at display resolution) hovered names the entry under the pointer and, once the pointer rests,
its exact value at the step shown, as the trainer computed it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from explorer.model.training import Config, Trainer

pytestmark = pytest.mark.browser

TIMEOUT = 30_000  # ms
NOW_JS = "() => window.__board && window.__board.now()"
SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def at(page: Page, key: str, i: int, j: int, fy: float, fx: float) -> tuple[float, float]:
    """The page's point at fractions (fy, fx) of the height and width of cell (i, j) of a matrix."""
    c = page.evaluate("([key, i, j]) => window.__board.cell(key, i, j)", [key, i, j])
    return c["x"] + (fx - 0.5) * c["w"], c["y"] + (fy - 0.5) * c["h"]


def exact_tip(page: Page, point: tuple[float, float]) -> tuple[str, float]:
    """The tooltip's entry name and value once its exact value came from the server."""
    page.mouse.move(*point)
    tip = page.locator(".board-tip")
    expect(tip).to_be_visible()
    expect(tip).not_to_contain_text("…", timeout=TIMEOUT)
    name, value = tip.inner_text().split(" = ")
    return name, float(value)


def test_a_coarse_cell_hovered_names_the_entry_under_the_pointer_and_its_exact_value(page: Page, server: str):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{server}/?hidden=256,256&step=2")
    page.wait_for_function("() => document.querySelector('.board[data-step=\"2\"]')", timeout=3 * TIMEOUT)
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": height})  # the whole board on the screen
    page.wait_for_timeout(500)
    board = page.evaluate(NOW_JS)
    assert board["arrays"]["W2"]["shape"] == [43, 43], "W² travels at display resolution: 6 × 6 entries a cell"
    trainer = Trainer.from_config(Config(hidden=(256, 256)))
    trainer.run(2)
    W2, delta3 = trainer.net.W[1], trainer.last.delta[2]

    # cell (10, 20) of W² stands for W²[61–66, 121–126]: near its top right, the entry W²[61, 126]
    name, value = exact_tip(page, at(page, "W2", 10, 20, 0.08, 0.92))
    assert name == "W²[61, 126]" and value == pytest.approx(W2[60, 125], rel=1e-5)
    name, value = exact_tip(page, at(page, "W2", 10, 20, 0.58, 0.25))  # W²[61 + 3, 121 + 1]
    assert name == "W²[64, 122]" and value == pytest.approx(W2[63, 121], rel=1e-5)
    # the last cell of a row holds 256 − 42·6 = 4 columns: its right half is columns 255 and 256
    name, value = exact_tip(page, at(page, "W2", 0, 42, 0.58, 0.9))
    assert name == "W²[4, 256]" and value == pytest.approx(W2[3, 255], rel=1e-5)
    # δ³ (16 samples × 256) is coarse along its columns only
    name, value = exact_tip(page, at(page, "delta3", 5, 7, 0.5, 0.58))
    assert name == "δ³[6, 46]" and value == pytest.approx(delta3[5, 45], rel=1e-5)

    # The pointer passes over one entry on its way to another: only the entry it rests on is asked for.
    page.evaluate("""() => { const tip = document.querySelector('.board-tip'); window.__tips = [];
        new MutationObserver(() => window.__tips.push(tip.textContent))
          .observe(tip, {childList: true, characterData: true, subtree: true}); }""")
    page.mouse.move(*at(page, "W2", 30, 3, 0.1, 0.1))
    page.wait_for_timeout(50)
    name, value = exact_tip(page, at(page, "W2", 31, 4, 0.9, 0.9))
    assert name == "W²[192, 30]" and value == pytest.approx(W2[191, 29], rel=1e-5)
    # It rests on one long enough to ask, then moves on before the answer: that answer never shows
    # for the entry it moved to.
    page.mouse.move(*at(page, "W2", 40, 40, 0.1, 0.1))  # W²[241, 241]
    page.wait_for_timeout(260)
    name, value = exact_tip(page, at(page, "W2", 40, 41, 0.1, 0.1))  # W²[241, 247]
    assert name == "W²[241, 247]" and value == pytest.approx(W2[240, 246], rel=1e-5)
    shown = [t for t in page.evaluate("() => window.__tips") if t.startswith(name)]
    assert shown and {float(t.split(" = ")[1]) for t in shown if not t.endswith("…")} == {value}, shown

    # After a Step, the same place shows the new step's value, asked again.
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function("() => document.querySelector('.board[data-step=\"3\"]')", timeout=TIMEOUT)
    trainer.step()
    page.mouse.move(0, 0)
    name, value = exact_tip(page, at(page, "W2", 10, 20, 0.08, 0.92))
    assert name == "W²[61, 126]" and value == pytest.approx(trainer.net.W[1][60, 125], rel=1e-5)
    assert trainer.net.W[1][60, 125] != pytest.approx(W2[60, 125], rel=1e-5)


@pytest.mark.parametrize("query, delta_tip, dW_tip", [
    ("step=3", "‖δ{l}‖ (per sample) = ", "‖∂L/∂W{l}‖ (gradient norm) = "),
    ("step=3&lang=zh", "‖δ{l}‖（每个样本）= ", "‖∂L/∂W{l}‖（梯度范数）= "),
    ("step=3&present=1", "‖δ{l}‖ (per sample) = ", "‖∂L/∂W{l}‖ (gradient norm) = ")])
def test_each_bar_of_the_norms_strip_hovered_names_its_norm_and_value(page: Page, server: str, query: str,
                                                                      delta_tip: str, dW_tip: str):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{server}/?{query}")
    page.wait_for_function("() => document.querySelector('.board[data-step=\"3\"]')", timeout=3 * TIMEOUT)
    trainer = Trainer.from_config(Config())
    trainer.run(3)
    delta_norms, dW_norms = trainer.norm_history[-1][:2]
    bars = page.locator(".board-diagram .norms rect")
    assert bars.count() == 2 * 3  # ‖δ^{l+1}‖ and ‖∂L/∂W^l‖ between each two of the 2-8-8-2 network's layers
    tip = page.locator(".board-tip")
    for k in range(bars.count()):
        bars.nth(k).scroll_into_view_if_needed()
        box = bars.nth(k).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
        expect(tip).to_be_visible()
        text, l = tip.inner_text(), k // 2
        name, expected = (dW_tip.format(l=SUP[l + 1]), dW_norms[l]) if k % 2 else (delta_tip.format(l=SUP[l + 2]),
                                                                                    delta_norms[l])
        assert text.startswith(name), (text, name)
        assert float(text.removeprefix(name)) == pytest.approx(expected, rel=1e-5)
        assert tip.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= (16 if "present" in query else 12)


def test_a_coarse_cell_looked_back_at_shows_the_exact_entry_of_the_step_the_board_shows(page: Page, server: str):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{server}/?hidden=256,256&step=4")
    page.wait_for_function("() => document.querySelector('.board[data-step=\"4\"]')", timeout=3 * TIMEOUT)
    page.get_by_text("History", exact=True).click()
    slider = page.get_by_role("slider", name="Showing the network as it was after step")
    slider.focus()
    for _ in range(2):
        slider.press("ArrowLeft")
    expect(slider).to_have_value("2")
    page.get_by_role("radio", name="Network").click()
    page.wait_for_function("() => document.querySelector('.board[data-step=\"2\"]')", timeout=TIMEOUT)
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": height})
    page.wait_for_timeout(500)
    trainer = Trainer.from_config(Config(hidden=(256, 256)))
    trainer.run(2)
    name, value = exact_tip(page, at(page, "W2", 10, 20, 0.08, 0.92))
    assert name == "W²[61, 126]" and value == pytest.approx(trainer.net.W[1][60, 125], rel=1e-5)
    trainer.run(2)
    assert value != pytest.approx(trainer.net.W[1][60, 125], rel=1e-5)  # not the latest step's

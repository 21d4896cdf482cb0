"""The board's diagram names its input neurons (x₁, x₂, x₁x₂, … as the link's features say),
left of each node, in English, 中文 and on the projector; the node's hover says it too, and so
does the hover on W¹'s entries (a row of W¹ per input; a column in the column notation)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_board import open_board, tooltip

pytestmark = pytest.mark.browser

NAMES_JS = """() => [...document.querySelectorAll('.board-diagram text.input-name')].map(t => {
    const box = t.getBoundingClientRect();
    return {text: t.textContent, right: box.right, y: box.top + box.height / 2}; })"""
NODES_JS = """() => [...document.querySelectorAll('.board-diagram circle')].map(c => {
    const box = c.getBoundingClientRect();
    return {x: box.left + box.width / 2, y: box.top + box.height / 2, left: box.left}; })"""


@pytest.mark.parametrize("extra", ["", "&lang=zh", "&present=1"])
def test_the_input_nodes_are_named_by_the_links_features(page: Page, server: str, extra: str):
    board = open_board(page, server, f"features=x1,x2,x1x2&step=1{extra}")
    assert board["structure"]["sizes"][0] == 3
    names = page.evaluate(NAMES_JS)
    assert [n["text"] for n in names] == ["x₁", "x₂", "x₁x₂"]
    inputs = page.evaluate(NODES_JS)[:3]  # the input layer's nodes come first
    for name, node in zip(names, inputs):
        assert name["right"] <= node["left"] and abs(name["y"] - node["y"]) < 4, (name, node)  # left of its own node
    assert tooltip(page, inputs[2]["x"], inputs[2]["y"])[0].startswith("x₁x₂: ")
    W1 = board["arrays"]["W1"]
    text, _ = tooltip(page, **cell(page, "W1", 2, 4))  # W¹[3, 5]: from input 3 to neuron 5
    assert text == f"W¹[3, 5] = {W1['a'][2 * W1['shape'][1] + 4]:.6g} (x₁x₂)"


def cell(page: Page, key: str, i: int, j: int) -> dict:
    """Where cell (i, j) (as drawn) of a matrix of the board is, scrolled into the window."""
    at = page.evaluate("([key, i, j]) => window.__board.cell(key, i, j)", [key, i, j])
    page.evaluate("y => document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, y - innerHeight / 2)", at["y"])
    at = page.evaluate("([key, i, j]) => window.__board.cell(key, i, j)", [key, i, j])
    return {"x": at["x"], "y": at["y"]}


def test_w1_names_its_input_in_the_column_notation_too(page: Page, server: str):
    board = open_board(page, server, "features=x1,x2,x1x2&step=1&notation=column")
    W1 = board["arrays"]["W1"]  # sent as shown: n×m, a column per input
    text, _ = tooltip(page, **cell(page, "W1", 4, 2))
    assert text == f"W¹[5, 3] = {W1['a'][4 * W1['shape'][1] + 2]:.6g} (x₁x₂)"

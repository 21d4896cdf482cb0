"""The board's diagram names its input neurons (x₁, x₂, x₁x₂, … as the link's features say),
left of each node, in English, 中文 and on the projector; the node's hover says it too."""

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

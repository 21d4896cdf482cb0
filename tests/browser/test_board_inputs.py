"""The board's diagram names its input neurons (x₁, x₂, x₁x₂, … as the link's features say),
left of each node, in English, 中文 and on the projector; the node's hover says it too, and so
does the hover on W¹'s entries (a row of W¹ per input; a column in the column notation), and
W¹'s rows (its columns in the column notation) are labelled with them."""

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
    w1_labelled_by(page, ["x₁", "x₂", "x₁x₂"], column=False)


LABELS_JS = """() => [...document.querySelectorAll('.board-network text')].map(t => {
    const box = t.getBoundingClientRect();
    return {text: t.textContent, left: box.left, right: box.right, top: box.top, x: box.left + box.width / 2,
            y: box.top + box.height / 2}; })"""


def w1_labelled_by(page: Page, names: list[str], column: bool) -> None:
    """Each input names its row of W¹, left of it (or its column, under it), inside the board."""
    labels = page.evaluate(LABELS_JS)
    board = page.evaluate("() => document.querySelector('.board').getBoundingClientRect().left")
    rows = page.evaluate("() => window.__board.now().arrays.W1.shape[0]")

    def at(i: int, j: int) -> dict:
        return page.evaluate("([key, i, j]) => window.__board.cell(key, i, j)", ["W1", i, j])

    for k, name in enumerate(names):
        if column:  # under column k
            top, bottom = at(0, k), at(rows - 1, k)
            near = [t for t in labels if abs(t["x"] - top["x"]) < top["w"] / 2
                    and 0 <= t["top"] - (bottom["y"] + bottom["h"] / 2) < bottom["h"]]
        else:  # left of row k
            first = at(k, 0)
            near = [t for t in labels if abs(t["y"] - first["y"]) < first["h"] / 2
                    and t["right"] <= first["x"] - first["w"] / 2 + 1]
        assert [t["text"] for t in near] == [name], (name, near)
        assert near[0]["left"] >= board - 1  # not cut off at the board's left edge


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
    w1_labelled_by(page, ["x₁", "x₂", "x₁x₂"], column=True)


def test_w1s_rows_make_room_for_long_input_names(page: Page, server: str):
    open_board(page, server, "features=x1,x2,sinx1,sinx2&step=1")
    w1_labelled_by(page, ["x₁", "x₂", "sin x₁", "sin x₂"], column=False)

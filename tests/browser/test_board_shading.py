"""The board's regions shaded by confidence, in headless Chromium: the shade of a class colour is
explorer/figures' (plots.shade), a sure point is drawn near its class colour and an unsure one
near white, the hover says the class and the confidence, and Discretize draws the hard argmax."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_board import NOW_JS, open_board, tooltip

from explorer.figures import plots

pytestmark = pytest.mark.browser

TIMEOUT = 30_000  # ms
# The regions' canvas read back at grid point (row j from the bottom, column i), as the page shows it.
PIXEL_JS = """([i, j]) => { const cv = document.querySelector('.board-data canvas'), n = cv.width;
    return Array.from(cv.getContext('2d').getImageData(i, n - 1 - j, 1, 1).data.slice(0, 3)); }"""
WHERE_JS = """([i, j]) => { const cv = document.querySelector('.board-data canvas');
    cv.scrollIntoView({block: 'center'}); const box = cv.getBoundingClientRect();
    return {x: box.left + (i + 0.5) * box.width / cv.width, y: box.bottom - (j + 0.5) * box.height / cv.height}; }"""


def test_the_boards_shade_is_the_figures_shade(page: Page, server: str):
    open_board(page, server, "step=1")
    qs = list(range(256))
    for classes in (2, 3, 10):
        for colour in plots.CLASS_COLOURS:
            rgb = [int(colour[k:k + 2], 16) for k in (1, 3, 5)]
            js = page.evaluate("([rgb, qs, k]) => qs.map(q => window.__board.shade(rgb, q / 255, k))",
                               [rgb, qs, classes])
            assert [tuple(c) for c in js] == [plots.shade(colour, q / 255, classes) for q in qs], (colour, classes)


def test_a_sure_point_has_its_colour_an_unsure_one_is_pale_and_discretize_makes_both_hard(page: Page, server: str):
    board = open_board(page, server, "lr=0.3&step=200")
    n = board["structure"]["grid"][-1]
    classes, sure = board["arrays"]["regions"]["a"], board["arrays"]["confidence"]["a"]
    K = len(board["structure"]["words"]["classes"])
    surest, least = max(range(n * n), key=sure.__getitem__), min(range(n * n), key=sure.__getitem__)
    assert sure[surest] > 240 and sure[least] < 150  # at step 200 the circles have a sure inside, an unsure boundary
    points = {k: (k % n, k // n) for k in (surest, least)}
    for k, (i, j) in points.items():
        colour = plots.CLASS_COLOURS[classes[k]]
        assert tuple(page.evaluate(PIXEL_JS, [i, j])) == plots.shade(colour, sure[k] / 255, K)
    assert min(page.evaluate(PIXEL_JS, list(points[least]))) > 180  # near white
    where = page.evaluate(WHERE_JS, list(points[surest]))
    text, _ = tooltip(page, where["x"], where["y"])
    name = board["structure"]["words"]["classes"][classes[surest]]
    assert text == f"predicted class {name} · softmax probability {sure[surest] / 255:.2f}"

    page.get_by_text("Discretize output").click()
    page.wait_for_function("() => { const b = window.__board.now(); return b && !b.arrays.confidence; }",
                           timeout=TIMEOUT)
    for k, (i, j) in points.items():
        colour = plots.CLASS_COLOURS[classes[k]]
        assert tuple(page.evaluate(PIXEL_JS, [i, j])) == tuple(int(colour[c:c + 2], 16) for c in (1, 3, 5))
    assert page.evaluate(NOW_JS)["step"] == 200
    assert "discretize=1" in page.url

"""A formula wider than its column in headless Chromium: it scrolls inside its own box, and
that box asks for a scrollbar drawn before anyone touches it (a cut-off formula must not look
whole). Headless Chromium hides every scrollbar (Playwright's --hide-scrollbars), so the test
reads the style that asks for it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_browser import open_link, settle

pytestmark = pytest.mark.browser

WIDE_JS = """() => [...document.querySelectorAll('.katex-display')]
  .filter(e => e.scrollWidth > e.clientWidth + 20)
  .map(e => ({wide: e.scrollWidth, shown: e.clientWidth, overflow: getComputedStyle(e).overflowX,
               colour: getComputedStyle(e).scrollbarColor}))"""


def test_a_wide_formula_shows_its_scrollbar(page: Page, server: str):
    open_link(page, server, "/", 1366, 900)
    page.get_by_role("button", name="Step", exact=True).first.click()
    page.locator(".st-key-view").get_by_text("Equations", exact=True).click()
    page.wait_for_selector(".katex-display")
    settle(page)
    wide = page.evaluate(WIDE_JS)
    assert wide, "the default network's (15) should be wider than the column at 1366 px"
    assert all(w["overflow"] == "auto" and w["colour"] not in ("", "auto") for w in wide), wide

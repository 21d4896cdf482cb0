"""The benchmarks' own instruments, in headless Chromium: a Step clicked as scripts/bench_browser.py
clicks it (scripts/clients.py) is seen redrawn, then painted, and its run's end is read off the
websocket."""

from __future__ import annotations

import pytest
from clients import BOARD_READY_JS, STEP_JS, WS_TIMING_JS
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_a_step_is_measured_redrawn_then_painted(page: Page, server: str):
    page.add_init_script(WS_TIMING_JS)
    page.goto(f"{server}/?seed=5")
    page.wait_for_function(BOARD_READY_JS, timeout=90_000)
    before = int(page.locator(".board").get_attribute("data-step"))
    for _ in range(3):
        result = page.evaluate(STEP_JS, 20_000)
        assert result["ok"] and result["redrawn"] == result["charts"] == 1
        assert 0 < result["redrawn_ms"] <= result["painted_ms"] < 20_000
        assert result["server_ms"] > 0
    assert int(page.locator(".board").get_attribute("data-step")) == before + 3
    # a change made in an animation frame is painted in that frame: no frame is waited for
    in_frame = page.evaluate("""() => new Promise(resolve => requestAnimationFrame(async () => {
        const t = performance.now(); const painted = await window.__painted(); resolve(painted - t); }))""")
    assert 0 <= in_frame < 1000

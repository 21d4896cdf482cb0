"""One screen in a classroom, in headless Chromium: on a projector's 1366×768 (present=1, in
English and 中文) and at 1920×1080, the title is whole, Step and every number are on the
screen and uncut, and the charts start above the fold; on the projector the loss and the
data are whole and a good part of the diagram shows. Screenshots go to artifacts/layout-*.png
for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_browser import ROOT, no_exception, open_link, settle, wait_for

pytestmark = pytest.mark.browser

# The boxes that matter, in CSS pixels of the viewport: [left, top, right, bottom].
BOXES_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const chart = key => { const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`); return gd && box(gd); };
  const text = e => { const r = document.createRange(); r.selectNodeContents(e); return box(r); };
  return {
    title: box(document.querySelector('h1')),
    step: box(document.querySelector('.st-key-step button')),
    metrics: [...document.querySelectorAll('.numbers > div')].map(m => ({
      box: box(m), text: text(m.querySelector('dd')), value: m.querySelector('dd').innerText})),
    overview: chart('overview'), diagram: chart('diagram'), network: chart('network'),
  };
}"""

CASES = {  # name: (query, width, height, whole overview and most of the diagram on one screen)
    "present-en-1366x768": ("present=1", 1366, 768, True),
    "present-zh-1366x768": ("present=1&lang=zh", 1366, 768, True),
    "present-en-1920x1080": ("present=1", 1920, 1080, True),
    "en-1920x1080": ("", 1920, 1080, False),
}
DIAGRAM_SHOWN = 250  # px of the diagram (of about 510) above the fold on a projector


def inside(box: list[float], width: int, height: int) -> bool:
    left, top, right, bottom = box
    return left >= 0 and top >= 0 and right <= width + 0.5 and bottom <= height + 0.5


@pytest.mark.parametrize("name", CASES)
def test_one_screen_holds_the_title_step_the_numbers_and_the_charts(page: Page, server: str, name: str):
    query, width, height, projector = CASES[name]
    start = open_link(page, server, "/?" + query, width, height)
    page.get_by_role("button", name="单步" if "zh" in query else "Step", exact=True).click()
    wait_for(page, "(c, before) => c.network && 'δ2' in c.network && !('δ2' in before.network)", start)
    page.mouse.move(width // 2, height - 2)  # no tooltip over the title in the picture
    settle(page)
    no_exception(page)
    page.screenshot(path=ROOT / "artifacts" / f"layout-{name}.png")
    boxes = page.evaluate(BOXES_JS)

    assert inside(boxes["title"], width, height), f"the title is cut: {boxes['title']}"
    assert inside(boxes["step"], width, height), f"Step is off the screen: {boxes['step']}"
    assert len(boxes["metrics"]) >= 5
    for metric in boxes["metrics"]:
        assert inside(metric["box"], width, height), f"{metric['value']} is off the screen"
        assert metric["text"][2] <= metric["box"][2] + 0.5, f"{metric['value']} is cut on the right"
        assert "…" not in metric["value"]
    for key in ("overview", "diagram"):
        assert boxes[key][1] < height, f"the {key} chart starts below the fold: {boxes[key]}"
    if projector:
        assert inside(boxes["overview"], width, height), f"the loss and data are cut: {boxes['overview']}"
        assert boxes["diagram"][1] + DIAGRAM_SHOWN <= height, f"the diagram barely shows: {boxes['diagram']}"

"""One screen in a classroom, in headless Chromium: on a projector's 1366×768 (present=1, in
English and 中文) and at 1920×1080 and 1366×768, the title is whole, Step and every number are
on the screen and uncut, the board's parts start above the fold side by side (nothing drawn
over another) and the loss plot is at least 300 px wide; on the projector the loss and the
data are whole, so is the diagram's norms strip, and every key is at least 16 px.
Screenshots go to artifacts/layout-*.png for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_browser import ROOT, no_exception, open_link, settle, wait_for

pytestmark = pytest.mark.browser

# The boxes that matter, in CSS pixels of the viewport: [left, top, right, bottom].
BOXES_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const part = name => { const e = document.querySelector(`.board .board-${name}`); return e && box(e); };
  const union = (a, b) => b ? [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]),
                               Math.max(a[3], b[3])] : a;
  const text = e => { const r = document.createRange(); r.selectNodeContents(e); return box(r); };
  return {
    title: box(document.querySelector('h1')),
    step: box(document.querySelector('.st-key-step button')),
    metrics: [...document.querySelectorAll('.numbers > div')].map(m => ({
      box: box(m), text: text(m.querySelector('dd')), value: m.querySelector('dd').innerText})),
    overview: union(part('loss'), part('data')), diagram: part('diagram'), network: part('network'),
    parts: ['loss', 'data', 'diagram'].map(part).filter(Boolean),
    loss_plot: box(document.querySelector('.board .board-loss .js-plotly-plot')),
    norms: box(document.querySelector('.board .norms')),
    keys: [...document.querySelectorAll('.board-loss > div:not(.js-plotly-plot), .board-data > div:not(:last-child), '
                                        + '.board-diagram text, .board-diagram > div')]
      .filter(e => e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize)),
  };
}"""

CASES = {  # name: (query, width, height, whole overview and most of the diagram on one screen)
    "present-en-1366x768": ("present=1", 1366, 768, True),
    "present-zh-1366x768": ("present=1&lang=zh", 1366, 768, True),
    "present-en-1920x1080": ("present=1", 1920, 1080, True),
    "en-1920x1080": ("", 1920, 1080, False),
    "en-1366x768": ("", 1366, 768, False),
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
    assert boxes["loss_plot"][2] - boxes["loss_plot"][0] >= 300, f"the loss plot is narrow: {boxes['loss_plot']}"
    for k, a in enumerate(boxes["parts"]):  # the loss, the data and the diagram side by side: nothing over another
        for b in boxes["parts"][k + 1:]:
            assert a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5, (a, b)
    if projector:
        assert inside(boxes["overview"], width, height), f"the loss and data are cut: {boxes['overview']}"
        assert inside(boxes["norms"], width, height), f"the norms strip is cut: {boxes['norms']}"
        assert boxes["diagram"][1] + DIAGRAM_SHOWN <= height, f"the diagram barely shows: {boxes['diagram']}"
        assert boxes["keys"] and min(boxes["keys"]) >= 16, f"keys too small for a room: {sorted(boxes['keys'])[:5]}"

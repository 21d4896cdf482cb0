"""End to end in headless Chromium: a shared link, Step, the sidebar, screenshots.

Numbers are read from the board itself (`window.__board.now()`: the frame it shows), so
these tests see what a student sees. Three pages, one at a time (Chromium uses about
0.5 GB per page).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from explorer.model.training import Config, Trainer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LINK = "/?dataset=xor&hidden=4,4&seed=3"
TIMEOUT = 20_000  # ms, for anything that waits on a rerun

# The board (explorer/ui/static/board.js) read back as the charts it replaced: `overview` (the loss
# curve's train points, the decision regions), `diagram`, `network` (every matrix by the name
# in its hover label: "W1", "δ2", "ΔW1 = −η ∂L/∂W1", …), each matrix as rows.
CHARTS_JS = """() => {
  const b = window.__board && window.__board.now();
  if (!b) return {};
  const rows = v => { const [m, n] = v.shape.length === 2 ? v.shape : [1, v.shape[0]], r = [];
    for (let i = 0; i < m; i++) r.push(v.a.slice(i * n, (i + 1) * n)); return r; };
  const names = {W: l => `W${l}`, b: l => `b${l}`, delta: l => `δ${l}`, dW: l => `∂L/∂W${l}`, db: l => `∂L/∂b${l}`,
                 DW: l => `ΔW${l} = −η ∂L/∂W${l}`, Db: l => `Δb${l} = −η ∂L/∂b${l}`};
  const network = {};
  for (const [k, v] of Object.entries(b.arrays)) {
    const m = k.match(/^(W|b|delta|dW|db|DW|Db)(\\d+)$/);
    if (m) network[names[m[1]](m[2])] = rows(v);
  }
  const overview = {'train (batch)': b.curve.train};
  if (b.arrays.regions) overview['predicted class'] = rows(b.arrays.regions);
  return {overview, diagram: {}, network};
}"""


def charts(page: Page) -> dict[str, dict[str, list]]:
    return page.evaluate(CHARTS_JS)


def layers(snapshot: dict) -> list[int]:
    """The layers l drawn in the network chart, in order."""
    return sorted(int(name[1:]) for name in snapshot["network"] if re.fullmatch(r"W\d+", name))


def shapes(snapshot: dict) -> list[tuple[int, int]]:
    """The shape of W^l for every layer l, in order."""
    return [np.array(snapshot["network"][f"W{l}"]).shape for l in layers(snapshot)]


def losses(snapshot: dict) -> list[float]:
    return snapshot["overview"]["train (batch)"]


def wait_for(page: Page, predicate_js: str, arg=None, timeout: float = TIMEOUT) -> dict:
    """Wait until `predicate_js(charts, arg)` holds for the drawn charts; return them.

    Mid-rerun a chart can be missing or half drawn: a predicate that throws counts as false.
    """
    predicate = f"arg => {{ try {{ return ({predicate_js})(({CHARTS_JS})(), arg); }} catch {{ return false; }} }}"
    page.wait_for_function(predicate, arg=arg, timeout=timeout)
    return charts(page)


def open_link(page: Page, server: str, query: str = LINK, width: int = 1600, height: int = 1000) -> dict:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server + query)
    # The first page of a session also loads plotly.js (4.8 MB): a longer wait.
    return wait_for(page, "c => c.overview && c.network && 'W1' in c.network", timeout=3 * TIMEOUT)


# Marks every chart's graph div with a JS property; a div that was replaced has lost it.
MARK_JS = "mark => document.querySelectorAll('.js-plotly-plot').forEach(gd => { gd.__testMark = mark; })"
MARKED_JS = "() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => gd.__testMark ?? null)"


def step(page: Page, before: dict) -> dict:
    """Click Step; wait until the loss curve has one more point and every W has changed, and
    check that the charts were redrawn in place: the same graph divs, not new ones."""
    page.evaluate(MARK_JS, "before the step")
    page.get_by_role("button", name="Step", exact=True).click()
    after = wait_for(page, r"""(c, before) =>
        c.overview['train (batch)'].length === before.overview['train (batch)'].length + 1
        && Object.keys(before.network).filter(k => /^W\d+$/.test(k)).every(k =>
             k in c.network && JSON.stringify(c.network[k]) !== JSON.stringify(before.network[k]))""", before)
    assert page.evaluate(MARKED_JS) == ["before the step"] * len(after), "a chart was mounted again"
    return after


# The "Also show" pills (off at first) and the traces each one adds to every layer l.
GRADIENT_PANELS = {"∂L/∂W, ∂L/∂b": ["∂L/∂W{l}", "∂L/∂b{l}"],
                   "ΔW = −η ∂L/∂W": ["ΔW{l} = −η ∂L/∂W{l}", "Δb{l} = −η ∂L/∂b{l}"]}


def toggle_gradient_panels(page: Page, on: bool) -> dict:
    """Click each "Also show" pill (after a step); wait until every layer shows, or no longer
    shows, that pill's panels."""
    pills = page.locator(".st-key-show_panels")
    for label, names in GRADIENT_PANELS.items():
        pills.get_by_role("button", name=label, exact=True).click()
        snapshot = wait_for(page, r"""(c, [names, on]) => {
            const layers = Object.keys(c.network).filter(k => /^W\d+$/.test(k)).map(k => k.slice(1));
            return layers.length > 0
              && layers.every(l => names.every(n => (n.replaceAll('{l}', l) in c.network) === on)); }""",
                            [names, on])
    return snapshot


def no_exception(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def metric(page: Page, label: str):
    """The value shown beside `label` in the numbers row (explorer/ui/controls.py `numbers`)."""
    return page.locator(".numbers > div").filter(has=page.locator("dt", has_text=label)).locator("dd")


def test_a_shared_link_steps_and_every_heatmap_redraws(page: Page, server: str):
    start = open_link(page, server)
    no_exception(page)
    expect(page.get_by_text("Link:")).to_have_count(0)  # a valid link has nothing to report
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_label("Hidden layers", exact=True)).to_have_value("2")
    expect(sidebar.get_by_label("Neurons in layer 2", exact=True)).to_have_value("4")
    assert set(start) == {"overview", "diagram", "network"}  # the loss and data, the diagram, every layer
    assert shapes(start) == [(2, 4), (4, 4), (4, 2)]  # xor: 2 inputs, 2 classes
    assert losses(start) == []
    assert not any(name.startswith(("δ", "∂L", "Δ")) for name in start["network"])  # δ only exists after a step

    first = step(page, start)
    expect(metric(page, "Step")).to_have_text("1")
    assert len(losses(first)) == 1
    # the board's frame wrote the row, and laid it out anew for the number a first step adds
    expect(metric(page, "Batch loss")).to_have_text(f"{losses(first)[0]:.4g}")
    for l in layers(first):
        assert f"δ{l + 1}" in first["network"]
        assert np.array(first["network"][f"δ{l + 1}"]).shape[1] == np.array(first["network"][f"W{l}"]).shape[1]
        assert f"∂L/∂W{l}" not in first["network"]  # the gradient panels are off at first

    first = toggle_gradient_panels(page, on=True)
    assert shapes(first) == [(2, 4), (4, 4), (4, 2)] and len(losses(first)) == 1
    second = step(page, first)
    expect(metric(page, "Step")).to_have_text("2")
    no_exception(page)
    assert len(losses(second)) == 2
    assert np.all(np.isfinite(losses(second)))
    assert layers(second) == [1, 2, 3]
    for l in layers(second):
        before, after = first["network"], second["network"]
        W_before, W_after = np.array(before[f"W{l}"]), np.array(after[f"W{l}"])
        assert W_after.shape == W_before.shape and not np.array_equal(W_after, W_before)
        assert not np.array_equal(after[f"δ{l + 1}"], before[f"δ{l + 1}"])
        # The drawn update is exactly the change of the drawn weights: W ← W − η ∂L/∂W (17).
        update = np.array(after[f"ΔW{l} = −η ∂L/∂W{l}"])
        np.testing.assert_allclose(W_after, W_before + update, rtol=0, atol=1e-12)
        # ... and −η times the drawn gradient of the same step (η = 0.1, the default).
        np.testing.assert_allclose(update, -0.1 * np.array(after[f"∂L/∂W{l}"]), rtol=0, atol=1e-15)


def test_a_step_redraws_in_place_what_the_core_computes(page: Page, server: str):
    """Three Steps in the page against three steps of the same seeded run in the core."""
    snapshot = open_link(page, server)
    trainer = Trainer.from_config(Config(dataset="xor", hidden=(4, 4), seed=3))
    for n in range(1, 4):
        snapshot = step(page, snapshot)  # asserts the same graph divs
        trainer.step()
        expect(metric(page, "Step")).to_have_text(str(n))
        for l, (W, b) in enumerate(zip(trainer.net.W, trainer.net.b), start=1):
            np.testing.assert_array_equal(np.array(snapshot["network"][f"W{l}"]), W)
            np.testing.assert_array_equal(np.array(snapshot["network"][f"b{l}"]), b)
            np.testing.assert_array_equal(np.array(snapshot["network"][f"δ{l + 1}"]), trainer.last.delta[l])
        np.testing.assert_array_equal(losses(snapshot), trainer.loss_history)


def test_play_moves_every_chart_in_place_and_pause_stops_it(page: Page, server: str):
    start = open_link(page, server)
    page.evaluate(MARK_JS, "before Play")
    page.get_by_role("button", name="Play", exact=True).click()
    # Several frames: the loss curve grows, the decision regions and every W move.
    playing = wait_for(page, r"""(c, before) => {
        const regions = o => JSON.stringify(Object.entries(o).find(([k]) => k.startsWith('predicted class'))[1]);
        return c.overview['train (batch)'].length >= 3 && regions(c.overview) !== regions(before.overview)
          && ['W1', 'W2', 'W3'].every(k => JSON.stringify(c.network[k]) !== JSON.stringify(before.network[k])); }""",
                       start, timeout=3 * TIMEOUT)
    assert page.evaluate(MARKED_JS) == ["before Play"] * len(playing), "a chart was mounted again"
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
    # The steps computed ahead and never shown are taken back: the page settles on the step shown.
    page.wait_for_timeout(1500)  # what a frame would take many times over
    steps = int(metric(page, "Step").inner_text())
    shown = wait_for(page, "(c, n) => c.overview['train (batch)'].length === n", steps)
    page.wait_for_timeout(1500)
    expect(metric(page, "Step")).to_have_text(str(steps))
    assert charts(page) == shown
    # Every frame was what the core computes, step after step.
    trainer = Trainer.from_config(Config(dataset="xor", hidden=(4, 4), seed=3))
    trainer.run(steps)
    np.testing.assert_array_equal(losses(shown), trainer.loss_history)
    np.testing.assert_array_equal(np.array(shown["network"]["W2"]), trainer.net.W[1])
    no_exception(page)


def test_loss_and_layer_sizes_follow_the_sidebar(page: Page, server: str):
    before = step(page, open_link(page, server))
    sidebar = page.locator('[data-testid="stSidebar"]')

    loss = sidebar.get_by_role("combobox", name="Loss", exact=True)
    loss.scroll_into_view_if_needed()  # Playwright scrolling in the same click closes the list it opens
    loss.click()
    page.get_by_role("option", name="MSE ½(y − y*)²").click()
    # A new loss rebuilds the network from the seed: no history, no δ until the next step.
    after = wait_for(page, "c => c.overview['train (batch)'].length === 0 && c.network && !('δ2' in c.network)")
    expect(page).to_have_url(re.compile(r"[?&]loss=mse(&|$)"))  # the link follows
    expect(sidebar.get_by_role("combobox", name="Loss", exact=True)).to_have_value("MSE ½(y − y*)²")
    assert shapes(after) == shapes(before)
    step(page, after)
    expect(metric(page, "Step")).to_have_text("1")

    neurons = sidebar.get_by_label("Neurons in layer 2", exact=True)
    neurons.fill("6")
    neurons.press("Enter")
    after = wait_for(page, "c => c.network && c.network.W1[0].length === 6")
    assert shapes(after) == [(2, 6), (6, 4), (4, 2)]

    hidden = sidebar.get_by_label("Hidden layers", exact=True)
    hidden.fill("3")
    hidden.press("Enter")
    after = wait_for(page, "c => c.network && 'W4' in c.network")
    expect(sidebar.get_by_label("Neurons in layer 4", exact=True)).to_have_value("8")
    assert shapes(after) == [(2, 6), (6, 4), (4, 8), (8, 2)]
    expect(page).to_have_url(re.compile(r"[?&]hidden=6(%2C|,)4(%2C|,)8(&|$)"))
    no_exception(page)


def settle(page: Page) -> None:
    """Wait until the charts have followed a change of viewport (their sizes stop changing)."""
    sizes = None
    for _ in range(40):
        page.wait_for_timeout(150)
        now = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .main-svg')]
                                 .map(svg => svg.getBoundingClientRect().width)""")
        if now == sizes:
            return
        sizes = now


def overflow(page: Page) -> list[str]:
    """What sticks out to the right of the main area: the area itself, or a chart."""
    return page.evaluate("""() => {
      const main = document.querySelector('[data-testid="stMain"]');
      const right = main.getBoundingClientRect().right, out = [];
      if (main.scrollWidth > main.clientWidth + 1) out.push(`main ${main.scrollWidth} > ${main.clientWidth}`);
      for (const svg of main.querySelectorAll('.js-plotly-plot .main-svg')) {
        const r = svg.getBoundingClientRect();
        if (r.right > right + 1) out.push(`chart ends at ${r.right} > ${right}`);
      }
      return out;
    }""")


def test_screenshots_and_no_horizontal_overflow(page: Page, server: str):
    start = open_link(page, server)
    page.get_by_role("button", name="Run 50 steps").click()
    wait_for(page, "c => c.overview['train (batch)'].length === 50 && c.network && 'δ2' in c.network", start)
    # The widest page: every panel of every layer (the gradient panels are off at first).
    toggle_gradient_panels(page, on=True)
    no_exception(page)
    page.mouse.move(700, 40)  # a blank spot of the header: no hover highlight in the pictures

    # The whole page at 1600 wide: Streamlit scrolls inside stMain, so grow the viewport to fit it.
    for _ in range(2):
        height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": 1600, "height": height})
        settle(page)
    # The README's picture is renewed on purpose only (UPDATE_SCREENSHOT=1), not by every run.
    paths = [ROOT / "artifacts" / "screenshot.png"]
    if os.environ.get("UPDATE_SCREENSHOT"):
        paths.append(ROOT / "docs" / "screenshot.png")
    for path in paths:
        path.parent.mkdir(exist_ok=True)
        page.screenshot(path=path)

    for width, height in ((1920, 1080), (1366, 768)):  # a projector, a small laptop
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
        page.screenshot(path=ROOT / "artifacts" / f"screenshot-{width}x{height}.png")
        assert overflow(page) == [], f"horizontal overflow at {width}×{height}"
    toggle_gradient_panels(page, on=False)  # and the page as it opens
    for width, height in ((1920, 1080), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
        assert overflow(page) == [], f"horizontal overflow at {width}×{height} without the gradient panels"
    no_exception(page)

    # The projector's view of a classroom link.
    open_link(page, server, LINK + "&present=1", 1920, 1080)
    settle(page)
    page.screenshot(path=ROOT / "artifacts" / "screenshot-present-1920x1080.png")
    assert overflow(page) == [], "horizontal overflow in presentation mode at 1920×1080"
    no_exception(page)


def test_the_load_script_reads_a_real_page_and_its_own_sessions():
    """scripts/load_test.py, which measures a room, still reads what it needs from the page:
    each session's own W¹ and Step counter, a Chromium page's among them."""
    import subprocess
    import sys

    from serve import CHROMIUM

    if not os.access(CHROMIUM, os.X_OK) and not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} not found")
    args = ["--sessions", "2", "--pages", "1", "--steps", "1", "--fill", "3", "--bursts", "1"]
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "load_test.py"), *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert "Isolation: all 3 sessions showed their own seed's W¹" in done.stdout, done.stdout + done.stderr
    assert "(5 per protocol session, 1 per page)" in done.stdout

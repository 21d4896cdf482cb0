"""The overview's two titles and keys never meet, at any width from plots.MIN_WIDTH up.

Each panel's title and key is one annotation centred over the panel, cut into lines that
fit the panel's column (the panel and its half of the gap, or up to the figure's edge) at
the narrowest width. The builder is checked with `plots.text_width`'s estimate at several
widths; the page is checked in headless Chromium, where the boxes the browser drew are
measured, at the narrowest real layout (1366×768, sidebar open: about 470 px) and at 1920.
"""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import Page

from explorer import i18n
from explorer.figures import plots

WIDTHS = (plots.MIN_WIDTH, 470, 560, 772, 1200)  # px: the figure's width on the page


def panels(lang: str) -> dict[str, tuple[plots.Panel, plots.Panel | None]]:
    """The overview's panels as the app builds them, in `lang`, with the longest texts a key can hold."""
    label = lambda key, **values: i18n.text(key, lang, **values)  # noqa: E731
    loss = plots.loss_panel([0.7, 0.6], [0.72, 0.65], label=label)
    grid, X = np.linspace(-1, 1, 4), np.random.default_rng(0).standard_normal((12, 2))
    long_names = [chr(ord("A") + c) * plots.NAME_LIMIT for c in range(3)]  # names cut at NAME_LIMIT anyway
    classes = plots.decision_panel(grid, grid, np.zeros((4, 4), dtype=int), X, np.arange(12) % 3, X[:3],
                                   np.arange(3), long_names, label=label)
    short = plots.decision_panel(grid, grid, np.zeros((4, 4), dtype=int), X, np.arange(12) % 2, X[:2],
                                 np.arange(2), [label("p_train"), label("p_test")], label=label)
    surface = plots.surface_panel(grid, grid, np.zeros((4, 4)), X, X[:, 0], label=label)
    fit = plots.fit_panel(grid, grid, X[:, :1], X[:, 0], X[:3, :1], X[:3, 0], label=label)
    return {"classes": (loss, classes), "short": (loss, short), "surface": (loss, surface), "fit": (loss, fit),
            "alone": (loss, None)}


def boxes(fig: dict, width: float) -> list[tuple[float, float, float]]:
    """(left, right, height) in px of each annotation when the figure is `width` px wide, by the
    builder's own estimate of its lines."""
    layout = fig["layout"]
    paper = width - layout["margin"]["l"] - layout["margin"]["r"]
    out = []
    for a in layout["annotations"]:
        assert a["xref"] == "paper" and a["xanchor"] == "center" and a["yanchor"] == "bottom"
        lines = a["text"].split("<br>")
        size = [plots.TITLE_SIZE if line.startswith("<b>") else plots.KEY_SIZE for line in lines]
        wide = max(plots.text_width(line, s) for line, s in zip(lines, size))
        centre = layout["margin"]["l"] + a["x"] * paper
        out.append((centre - wide / 2, centre + wide / 2, len(lines) * plots.LINE_HEIGHT))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", ["classes", "short", "surface", "fit", "alone"])
def test_each_title_and_key_stays_over_its_own_panel(lang, case):
    loss, data = panels(lang)[case]
    fig = plots.overview_figure(loss, data, titles=(i18n.text("loss", lang), i18n.text("data", lang)))
    layout = fig["layout"]
    domains = [tuple(layout[name]["domain"]) for name in ("xaxis", "xaxis2") if name in layout]
    assert len(layout["annotations"]) == len(domains)
    for a, (lo, hi) in zip(layout["annotations"], domains):
        assert a["x"] == (lo + hi) / 2  # centred on its own panel
    for width in WIDTHS:
        paper = width - layout["margin"]["l"] - layout["margin"]["r"]
        found = boxes(fig, width)
        for k, (left, right, height) in enumerate(found):
            assert left >= 0 and right <= width, (width, k, left, right)  # inside the figure
            shift = layout["annotations"][k]["yshift"]
            assert height + shift <= layout["margin"]["t"]  # above the plots, below the figure's top
            if k + 1 < len(found):  # up to the middle of the gap, never over the next panel's column
                middle = layout["margin"]["l"] + paper * (domains[k][1] + domains[k + 1][0]) / 2
                assert right <= middle <= found[k + 1][0], (width, k, right, middle, found[k + 1][0])


def test_a_key_wraps_between_entries_then_at_commas_never_inside_a_tag():
    key = plots._key(("●", "#636efa", "one"), ("●", "#ef553b", "two"), ("○", "#444", "test"))
    assert plots.wrap(key, 12, 1000) == [key]
    lines = plots.wrap(key, 12, 80)
    assert lines == [key.split("   ")[0], key.split("   ")[1], key.split("   ")[2]]
    zh = plots.wrap("● 目标值 y*，▦ 网络的输出 y：同一个色标", 12, 120)
    assert zh == ["● 目标值 y*，", "▦ 网络的输出 y：", "同一个色标"]
    assert plots.wrap("Data and prediction", 16, 100) == ["Data and", "prediction"]
    assert plots.wrap("<span style='color:#1'>●</span> a-long-word", 12, 10) == [
        "<span style='color:#1'>●</span> a-long-word"]  # a mark keeps its word, a tag stays whole
    assert plots.text_width("<b>ab</b>", 10) == plots.text_width("ab", 10) < plots.text_width("数据", 10)


def test_the_panels_columns_at_the_narrowest_width():
    loss, data = (plots.column_width(plots.DOMAINS, k) for k in (0, 1))
    paper = plots.MIN_WIDTH - plots.MARGIN["l"] - plots.MARGIN["r"]
    assert loss == pytest.approx(2 * paper * (0.49 - 0.22)) and data == pytest.approx(2 * (paper * 0.23 + 10))
    assert plots.column_width([(0.0, 1.0)], 0) == pytest.approx(2 * (paper / 2 + plots.MARGIN["r"]))


# -- in the browser ------------------------------------------------------------------------------

BOXES_JS = """() => {
  const gd = document.querySelector('.st-key-overview .js-plotly-plot');
  const fig = gd.getBoundingClientRect(), fl = gd._fullLayout;
  const box = el => { const b = el.getBoundingClientRect();
                      return [b.left - fig.left, b.right - fig.left, b.top - fig.top, b.bottom - fig.top]; };
  return {width: fig.width, top: fl.margin.t,
          columns: ['xaxis', 'xaxis2'].filter(k => fl[k]).map(k => [fl[k]._offset, fl[k]._offset + fl[k]._length]),
          notes: [...gd.querySelectorAll('.annotation-text')].map(box)};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("query, width, height", [
    ("/?lang=zh&dataset=plane", 1366, 768), ("/?lang=zh", 1366, 768), ("/?dataset=plane", 1366, 768),
    ("/?dataset=spiral3", 1920, 1080)])
def test_the_drawn_titles_and_keys_do_not_meet(page: Page, server: str, query, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server + query)
    page.wait_for_function("() => document.querySelectorAll('.st-key-overview .annotation-text').length === 2",
                           timeout=60_000)
    page.wait_for_timeout(500)  # the chart settles into its column's width
    drawn = page.evaluate(BOXES_JS)
    (loss, data), ((_, loss_end), (data_start, _)) = drawn["notes"], drawn["columns"]
    middle = (loss_end + data_start) / 2
    assert loss[0] >= 0 and loss[1] <= middle <= data[0] and data[1] <= drawn["width"], drawn
    assert all(note[2] >= 0 and note[3] <= drawn["top"] for note in drawn["notes"]), drawn
    if width == 1366:
        assert drawn["width"] < 560, drawn  # beside the diagram: the narrow case this is about

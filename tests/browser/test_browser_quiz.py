"""Predict, then step in headless Chromium: at 1366×768 (English and 中文) the answers and
Commit are above the fold; on a 中文 page what Streamlit lets the app word (the cells'
placeholder, a caption under an uploader's English box) is Chinese. Screenshots go to
artifacts/quiz-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_browser import ROOT, no_exception, open_link, settle

pytestmark = pytest.mark.browser

BOX_JS = """key => { const e = document.querySelector(`.st-key-${key}`);
  if (!e) return null; const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"""
ANSWER_JS = """() => { const e = document.querySelector('[class*="st-key-quiz_answer_"]');
  if (!e) return null; const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_answers_and_commit_are_above_the_fold_at_1366x768(page: Page, server: str, lang: str):
    open_link(page, server, f"/?dataset=xor&hidden=4,4&activation=relu&quiz=1&lang={lang}", 1366, 768)
    settle(page)
    no_exception(page)
    page.screenshot(path=ROOT / "artifacts" / f"quiz-{lang}-1366x768.png")
    commit, answer = page.evaluate(BOX_JS, "quiz_commit"), page.evaluate(ANSWER_JS)
    assert commit is not None and answer is not None
    assert commit[3] <= 768 and answer[3] <= 768, f"below the fold: commit {commit}, answers {answer}"


def test_the_cells_placeholder_is_chinese_on_a_chinese_page(page: Page, server: str):
    open_link(page, server, "/?dataset=xor&hidden=4&activation=relu&quiz=1&lang=zh", 1366, 900)
    kind = page.locator(".st-key-quiz_kind")
    kind.click()
    page.get_by_role("option", name="∂L/∂W 的哪些元素恰好为 0").click()
    cells = page.locator(".st-key-quiz_answer_0_zero_cells")
    expect(cells).to_be_visible()
    shown = cells.evaluate("e => [e.innerText, ...[...e.querySelectorAll('input')].map(i => i.placeholder)].join(' ')")
    assert "选择元素" in shown and "Choose" not in shown, shown


def test_a_chinese_page_says_in_chinese_what_the_uploaders_box_says_in_english(page: Page, server: str):
    # Streamlit words the box itself in English only; the caption under it is the page's own.
    open_link(page, server, "/?lang=zh", 1366, 900)
    page.locator(".st-key-view").get_by_text("保存与加载", exact=True).click()
    box = page.locator(".st-key-upload_weights")
    expect(box).to_be_visible()
    hint = "把 .npz 文件拖到上面的框里，或点击框里的按钮选择文件；每个文件不超过 4 MB。"
    expect(page.get_by_text(hint)).to_be_visible()

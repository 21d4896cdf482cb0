"""Running text writes indices as real super- and subscripts (δ², W²₃,₄), never with
carets, and never "-0"; the Chinese says 前一层/后一层 for the layers before and after, as
the derivation does."""

from __future__ import annotations

import re
from pathlib import Path

from explorer import i18n
from explorer.notation import FORMATTER, entry, number, sub, sup

ROOT = Path(__file__).resolve().parents[2]


def test_indices_are_real_super_and_subscripts():
    assert sup(12) == "¹²" and sup("l+1") == "ˡ⁺¹" and sub(34) == "₃₄"
    assert entry("W", 2, 3, 14) == "W²₃,₁₄" and entry("b", 1, 8) == "b¹₈"
    assert FORMATTER.format("δ{l:sup} at {i:sub}, {v:.2f}", l=3, i=2, v=0.5) == "δ³ at ₂, 0.50"


def test_no_minus_zero():
    assert number(-0.0) == "0" and number(-1e-9, ".2f") == "0.00" and number(-0.5) == "−0.5"
    assert number(-2e-7, ".2e") == "−2.00e−07"


def running_text(lang: str) -> dict[str, str]:
    """The strings shown as plain text (not LaTeX, which typesets its own carets)."""
    return {k: v for k, v in i18n.STRINGS[lang].items() if "$" not in v and "\\" not in v}


def test_running_text_has_no_caret_indices():
    for lang in i18n.LANGUAGES:
        carets = {k: v for k, v in running_text(lang).items() if re.search(r"\^", v)}
        assert not carets, carets


def test_strings_with_indices_render_typeset():
    assert i18n.text("quiz_q_delta_sign", "en", l=3, j=2, r=1, B=8).startswith("What sign will δ³ have")
    assert "ΔW²₃,₁ = 0.5" in i18n.text("quiz_f_largest_change", "en", l=2, i=3, j=1, value="0.5", next="0.1")


def test_chinese_says_before_and_after_layers_as_the_derivation_does():
    strings = " ".join(i18n.STRINGS["zh"].values())
    doc = (ROOT / "docs" / "derivation.zh.md").read_text(encoding="utf-8")
    for text in (strings, doc):
        assert not re.search("上一层|下一层|上层|下层", text)
    assert "行属于前一层（第 $i$ 层），列属于后一层（第 $i+1$ 层）" in doc
    assert "原文有两处笔误" in doc
    english = (ROOT / "docs" / "derivation.md").read_text(encoding="utf-8")
    assert "Two slips of the original text are corrected here" in english

"""Hostile and careless links: nothing a link says can change the page.

Every echoed value must sit inside a Markdown code span it cannot close, cut short; numbers
are read with ASCII digits only; a repeated key is named; η survives link → box → link
exactly. The page is checked as AppTest sees it (the Markdown source of each message) and,
once, as Chromium renders it (no link, no image in a warning).
"""

from __future__ import annotations

import re

import pytest
from specs import ok, open_app, texts
from streamlit.testing.v1 import AppTest

from explorer import i18n
from explorer.ui.links import DEFAULT, parse_query

LINK_BREAKOUT = "`[Click for the answers](https://example.com)` `"  # the issue's `hidden=` value
IMAGE = "`![x](https://example.com/pixel.png)`"  # a remote image, breaking out of the backticks





def url(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def outside_code(markdown: str) -> str:
    """The Markdown with its inline code spans taken out, as CommonMark reads them: a run of
    n backticks opens a span that only the next run of exactly n backticks closes."""
    out, i = [], 0
    while (opening := re.compile("`+").search(markdown, i)) is not None:
        out.append(markdown[i:opening.start()])
        fence = opening.group()
        closing = re.compile(f"(?<!`){fence}(?!`)").search(markdown, opening.end())
        if closing is None:  # an unmatched run is literal text
            out.append(fence)
            i = opening.end()
        else:
            i = closing.end()
    return "".join(out) + markdown[i:]


def inert(markdown: str) -> bool:
    """No link, image, HTML or autolink can come out of this Markdown: user text is all in code."""
    rest = outside_code(markdown)
    return "\n\n" not in markdown and not any(mark in rest for mark in ("](", "![", "<", "http", "www.", "$"))


def messages(at: AppTest) -> list[str]:
    return texts(at.warning) + texts(at.error) + texts(at.info)


# -- the echo itself ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["8,x", LINK_BREAKOUT, IMAGE, "``a```b`", "`", "a\n\n# big\n<img src=x>", "",
                                   "$x$ :material/home: :red[red]", "\u202eevil"])
def test_code_holds_any_text_as_inert_code(value):
    shown = i18n.code(value)
    assert outside_code(shown) == ""
    assert inert(f"Link: {shown}: the rule.")
    assert "\n" not in shown and "\u202e" not in shown


def test_code_cuts_long_text():
    shown = i18n.code("9" * 5000)
    assert len(shown) <= i18n.ECHO_LIMIT + 2 and shown.endswith("…`")


def test_code_keeps_short_text_as_it_is():
    assert i18n.code("hidden=8,x") == "`hidden=8,x`"
    assert i18n.code("a`b") == "``a`b``"


# -- hostile links ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), [
    ("hidden", LINK_BREAKOUT), ("lr", IMAGE), ("dataset", IMAGE), ("step", LINK_BREAKOUT), ("hide", IMAGE),
    ("activation", "<script>alert(1)</script>"), ("seed", "1\n\n[x](https://example.com)"),
    ("loss", "$\\href{https://example.com}{x}$"),
])
def test_a_hostile_link_value_is_echoed_as_inert_code(name, value):
    at = open_app(**{name: value})
    warnings = texts(at.warning)
    assert len(warnings) == 1 and f"{name}=" in warnings[0]
    assert inert(warnings[0]), warnings[0]
    assert at.session_state["config"] == DEFAULT


@pytest.mark.parametrize("name", ["seed", "batch", "lr", "hidden", "step", "noise"])
def test_a_5000_digit_value_is_cut_and_no_python_text_reaches_the_page(name):
    at = open_app(**{name: "9" * 5000})
    (warning,) = texts(at.warning)
    assert len(warning) < 300 and "…" in warning
    assert "Exceeds" not in warning and "4300" not in warning and "int()" not in warning
    assert "100 characters" in warning


@pytest.mark.parametrize(("name", "value"), [("seed", "٣"), ("seed", "３"), ("hidden", "８"), ("hidden", "8,²"),
                                             ("batch", "１６"), ("lr", "1_0"), ("lr", "٠.١"), ("noise", "0_1"),
                                             ("lr", "infinity"), ("step", "٣")])
def test_only_ascii_digits_are_numbers(name, value):
    at = open_app(**{name: value})
    (warning,) = texts(at.warning)
    assert f"`{name}={value}`" in warning and "0–9" in warning, warning
    assert at.session_state["config"] == DEFAULT and at.session_state["trainer"].steps == 0


def test_a_repeated_key_is_named_and_the_last_one_counts():
    at = open_app(seed=["1", "2"], hidden=["4", "5", "6"], utm=["a", "b"])
    warnings = texts(at.warning)
    assert any("`seed` appears 2 times" in w for w in warnings), warnings
    assert any("`hidden` appears 3 times" in w for w in warnings), warnings
    assert not any("utm" in w for w in warnings)  # not ours: ignored, never echoed
    assert at.session_state["config"] == DEFAULT.with_(seed=2, hidden=(6,))
    assert at.session_state["net"].sizes == [2, 6, 2]


def test_link_problems_follow_the_language():
    at = open_app(lang="zh", seed="x", batch="100000")
    warnings = texts(at.warning)
    assert len(warnings) == 2 and all(w.startswith("链接：") for w in warnings), warnings
    assert "随机种子" in warnings[0] and "`seed=x`" in warnings[0]
    assert "100000" in warnings[1]
    ok(at.segmented_control(key="lang").set_value("en").run())
    assert all(w.startswith("Link: ") and "the seed" in texts(at.warning)[0] for w in texts(at.warning))


# -- the η box -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [IMAGE, LINK_BREAKOUT, "9" * 5000, "1_0"])
def test_a_hostile_typed_learning_rate_is_echoed_as_inert_code(typed):
    at = open_app()
    ok(at.text_input(key="cfg_lr_text").set_value(typed).run())
    (error,) = texts(at.error)
    assert error.startswith("η = `") and inert(error) and len(error) < 300, error
    assert at.session_state["config"].lr == DEFAULT.lr


@pytest.mark.parametrize("lr", ["0.1234567", "0.30000000000000004", "1e-05", "3.3333333333333335", "99.99999999999999"])
def test_the_learning_rate_round_trips_link_box_link_exactly(lr):
    at = open_app(lr=lr)
    box = at.text_input(key="cfg_lr_text").value
    assert float(box) == float(lr) and box == repr(float(lr))  # the box shows every digit
    assert url(at)["lr"] == box
    assert at.session_state["config"].lr == float(lr)
    ok(at.button(key="step").click().run())
    assert at.session_state["trainer"].current.lr == float(lr)  # the step used exactly that η
    # box → link → Config: typing the box's text back changes nothing
    ok(at.text_input(key="cfg_lr_text").set_value(box).run())
    assert parse_query(url(at))[0].lr == float(lr) and len(at.session_state["loss_history"]) == 1


def test_a_preset_writes_its_exact_value_into_the_box():
    at = open_app()
    ok(at.select_slider(key="cfg_lr_preset").set_value(0.00003).run())
    assert at.text_input(key="cfg_lr_text").value == "3e-05"
    assert at.session_state["config"].lr == 0.00003 and url(at)["lr"] == "3e-05"


# -- in a real browser -------------------------------------------------------------------------


@pytest.mark.browser
def test_a_hostile_link_renders_no_link_and_no_image(page, server):
    from urllib.parse import urlencode

    page.goto(f"{server}/?{urlencode({'hidden': LINK_BREAKOUT, 'lr': IMAGE})}")
    alerts = page.locator('[data-testid="stAlertContentWarning"]')
    alerts.nth(1).wait_for(timeout=20_000)
    assert alerts.count() == 2
    assert alerts.locator("a").count() == 0 and alerts.locator("img").count() == 0
    assert alerts.locator("code").count() == 2
    text = alerts.nth(0).inner_text()
    assert "hidden=`[Click for the answers](https:/…" in text  # shown as the text it is, cut


def test_the_address_bar_keeps_the_step_a_link_replayed_to():
    at = open_app(dataset="xor", hidden="4", step="12", lang="zh")
    assert at.session_state["trainer"].steps == 12
    assert url(at)["step"] == "12" and url(at)["lang"] == "zh"
    at.button(key="step").click()
    ok(at.run())
    assert url(at)["step"] == "12"  # the link as it was opened
    at.selectbox(key="cfg_activation").set_value("relu")
    ok(at.run())
    assert "step" not in url(at)  # another configuration: the link's step no longer applies

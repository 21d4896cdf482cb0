"""The notation switch through the page (AppTest): `notation=column` in the link, a bad value
named and replaced by the default, the switch under the language, the board's matrices and the
Equations view's formulas and numbers in column form, and the link that keeps it."""

from __future__ import annotations

import numpy as np
from specs import board, click, ok, open_app, payload, structure, texts

from explorer.model.training import Config, Trainer


def latex(at) -> list[str]:
    return [str(e.value) for e in at.get("latex")]


def test_a_link_with_notation_column_shows_every_matrix_transposed():
    at = click(open_app(notation="column", hidden="8,4", batch="5"), "step")
    assert at.session_state["notation"] == "column" and at.query_params["notation"] == "column"
    assert structure(at)["notation"] == "column"
    shown = board(at)
    reference = Trainer.from_config(Config(hidden=(8, 4), batch=5))
    reference.step()
    for l in (1, 2, 3):
        np.testing.assert_array_equal(shown[f"W{l}"], reference.net.W[l - 1].T)  # n×m: next layer × this one
        np.testing.assert_array_equal(shown[f"b{l}"], reference.net.b[l - 1].T)
        np.testing.assert_array_equal(shown[f"delta{l + 1}"], reference.last.delta[l].T)
    assert shown["W1"].shape == (8, 2)
    assert any("W¹ 8×2, W² 4×8, W³ 2×4" in text and "row j is neuron j" in text for text in texts(at.caption))


def test_a_bad_notation_is_named_and_the_page_writes_rows():
    at = open_app(notation="Wa+b")
    warnings = texts(at.warning)
    assert any("`notation=Wa+b`" in w and "row, column" in w for w in warnings), warnings
    assert at.session_state["notation"] == "row" and "notation" not in at.query_params
    zh = open_app(notation="diag", lang="zh")
    assert any("`notation=diag`" in w and "记号" in w for w in texts(zh.warning))


def test_the_switch_turns_the_board_and_the_equations_and_the_link_follows():
    at = click(open_app(batch="4"), "step")
    assert board(at)["W1"].shape == (2, 8)
    ok(at.segmented_control(key="notation").set_value("column").run())
    assert at.query_params["notation"] == "column"
    assert payload(at)["structure"]["notation"] == "column"  # the board is built again, its blocks turned
    assert board(at)["W1"].shape == (8, 2)
    ok(at.segmented_control(key="view").set_value("equations").run())
    written = latex(at)
    assert any(r"\delta^{4} (a^{3})^T" in f for f in written), written  # (8), in column form
    assert any(r"(W^{3})^T \delta^{4}" in f for f in written)  # (15)
    assert not any(r"(a^{3})^T \delta^{4}" in f for f in written)
    ok(at.segmented_control(key="notation").set_value("row").run())
    assert "notation" not in at.query_params
    assert any(r"(a^{3})^T \delta^{4}" in f for f in latex(at))


def test_the_derivation_view_says_how_its_formulas_read_in_columns():
    at = ok(open_app(notation="column", lang="zh").segmented_control(key="view").set_value("derivation").run())
    (info,) = [str(e.value) for e in at.info]
    assert r"(W^l)^T\delta^{l+1}" in info and "列向量" in info
    at = ok(open_app().segmented_control(key="view").set_value("derivation").run())
    assert not at.info

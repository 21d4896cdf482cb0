"""The board's click-to-explain through AppTest: the board's `explain` trigger (sent here as the
page sends it, see `click_cell`) opens the cell's derivation under the board with the numbers of
the step the board shows, the board outlines that cell, a Step moves both to the new step, and
the derivation opens the Equations view at the same entry.

`click_cell` uses what AppTest does not offer for a component's trigger: the trigger widget's id
(`streamlit.components.v2.bidi_component.main._make_trigger_id`, "<component id>__events") and
`AppTest._run` with the widget states it would send plus that trigger.
"""

from __future__ import annotations

import json

import pytest
from specs import board, click, ok, open_app, payload, texts
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest

from explorer.teaching import explain, teach

SMALL = {"dataset": "xor", "hidden": "3,4", "batch": "5", "lr": "0.3", "seed": "4"}  # sizes [2, 3, 4, 2]
PANELS = ["∂L/∂W, ∂L/∂b", "ΔW = −η ∂L/∂W"]


def click_cell(at: AppTest, value: object) -> AppTest:
    """What a click on a board cell sends: the board's trigger `explain` with [key, i, j]."""
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = _make_trigger_id(at.get_by_key("board").proto.id, "events")
    trigger.json_trigger_value = json.dumps([{"event": "explain", "value": value}])
    return ok(at._run(states))


def title(at: AppTest) -> list[str]:
    return [text for text in texts(at.markdown) if "comes from" in text or "从何而来" in text]


def latex(at: AppTest) -> str:
    return " ".join(str(e.value) for e in at.latex)


def test_a_clicked_delta_cell_opens_its_derivation_and_follows_the_step():
    at = open_app(**SMALL)
    assert not title(at) and board(at)["head"]["explain"] is None
    click(at, "step")
    assert board(at)["head"]["gradients"] and not title(at)  # the board's own line says how to open one
    click_cell(at, ["delta3", 2, 1])
    s = at.session_state["trainer"].current
    delta = s.g.delta[2][1, 0]  # δ³ of sample 2, neuron 1: a hidden layer, (15) with f′
    assert title(at) == [f"**Where δ³[2, 1] = {delta:.6g} comes from, at step 1**"]
    assert "f'(z^{3}_{1})" in latex(at) and f"= {teach.number(delta)}" in latex(at)
    assert board(at)["head"]["explain"] == ["delta3", 2, 1]  # the board outlines the cell
    click(at, "step")  # the same cell, at the new step
    s = at.session_state["trainer"].current
    assert title(at) == [f"**Where δ³[2, 1] = {s.g.delta[2][1, 0]:.6g} comes from, at step 2**"]
    assert board(at)["head"]["step"] == 2 and board(at)["head"]["explain"] == ["delta3", 2, 1]
    at.session_state["viewed_step"] = 1  # looking back: the derivation of the step the board shows
    ok(at.run())
    assert board(at)["head"]["step"] == 1 and title(at)[0].endswith(f"{delta:.6g} comes from, at step 1**")
    click_cell(at, ["delta4", 5, 2])  # another cell replaces it: the output's δ by (25)
    s = at.session_state["trainer"].snapshot(1)
    assert title(at) == [f"**Where δ⁴[5, 2] = {s.g.delta[3][4, 1]:.6g} comes from, at step 1**"]
    assert "a_{2} - y^*_{2}" in latex(at) and board(at)["head"]["explain"] == ["delta4", 5, 2]
    click(at, "explain_close")
    assert not title(at) and board(at)["head"]["explain"] is None


def test_a_gradient_cell_is_written_out_and_opens_the_equations_view_there():
    at = open_app(**SMALL)
    click(at, "step")
    ok(at.pills(key="show_panels").set_value(PANELS).run())
    click_cell(at, ["dW2", 3, 4])
    s = at.session_state["trainer"].current
    value = s.g.dW[1][2, 3]
    assert title(at) == [f"**Where ∂L/∂W²[3, 4] = {value:.6g} comes from, at step 1**"]
    terms = s.g.a[1][:, 2] * s.g.delta[2][:, 3]  # a²ᵣ,₃ δ³ᵣ,₄ of the 5 samples, all written
    assert latex(at).count(r"\cdot") == 5 and f"= {teach.number(value)}" in latex(at)
    assert abs(terms.sum() / 5 - value) < 1e-12
    click(at, "explain_open")
    assert at.session_state["view"] == "equations"
    assert (at.session_state["eq_layer"], at.session_state["cell_i"], at.session_state["cell_j"]) == (2, 3, 4)
    assert any("W^{2}_{3,4}" in text for text in texts(at.markdown))  # the Equations view's entry, traced there


def test_an_update_cell_with_a_penalty_says_it_is_the_apps_addition():
    at = open_app(**SMALL, reg="l2", **{"lambda": "0.1"})
    click(at, "step")
    ok(at.pills(key="show_panels").set_value(PANELS).run())
    click_cell(at, ["DW1", 2, 3])
    s = at.session_state["trainer"].current
    D = -0.3 * (s.g.dW[0][1, 2] + 0.1 * s.W_before[0][1, 2])
    assert abs(explain.value(s, explain.Cell("DW1", 2, 3)) - D) < 1e-15
    assert title(at) == [f"**Where ΔW¹[2, 3] = {D:.6g} comes from, at step 1**"]
    assert r"\lambda" in latex(at) and any("the app's addition" in text for text in texts(at.caption))
    ok(at.pills(key="show_panels").set_value([]).run())  # its panel hidden: the cell is off the board, closed
    assert not title(at) and "explained" not in at.session_state


@pytest.mark.parametrize("value", [["W1", 1, 1], ["b2", 1, 1], ["delta3", 99, 1], ["delta1", 1, 1], "junk",
                                   ["dW1", "<b>1</b>", 1], None])
def test_a_value_naming_no_cell_changes_nothing(value):
    at = open_app(**SMALL)
    click(at, "step")
    click_cell(at, ["delta2", 1, 1])
    click_cell(at, value)
    assert board(at)["head"]["explain"] == ["delta2", 1, 1] and len(title(at)) == 1


def test_chinese_and_the_projector():
    at = open_app(**SMALL, lang="zh", present="1")
    click(at, "step")
    click_cell(at, ["delta2", 3, 2])
    s = at.session_state["trainer"].current
    assert title(at) == [f"**δ²[3, 2] = {s.g.delta[1][2, 1]:.6g} 从何而来（第 1 步）**"]
    assert at.button(key="explain_open").label == "在“公式”视图中打开链式法则"
    assert at.button(key="explain_close").label == "关闭"


def test_while_playing_the_cell_stays_outlined_and_its_derivation_waits_for_pause():
    at = open_app(**SMALL)
    click(at, "step")
    click_cell(at, ["delta2", 1, 3])
    click(at, "play")
    frames = payload(at)["frames"]
    assert len(frames) > 1 and all(head["explain"] == ["delta2", 1, 3] for head in frames)
    assert not title(at) and "Pause to see the derivation of δ²[1, 3]." in texts(at.caption)
    click(at, "play")  # Pause: the derivation of the step shown
    s = at.session_state["trainer"].current
    assert title(at) == [f"**Where δ²[1, 3] = {s.g.delta[1][0, 2]:.6g} comes from, at step {s.step}**"]



def test_a_delta_cell_opens_the_equations_view_at_its_chain_rule():
    at = open_app(**SMALL)
    click(at, "step")
    click_cell(at, ["delta3", 5, 3])
    click(at, "explain_open")
    shown = [at.session_state[k] for k in ("view", "eq_layer", "cell_i", "cell_j", "cell_r")]
    assert shown == ["equations", 3, 3, 1, 5]
    delta = at.session_state["trainer"].current.g.delta[2][4, 2]  # δ³ of sample 5, neuron 3: (10)–(14) there
    assert any(str(e.value).rstrip().endswith(rf"= {teach.number(delta)}}}\end{{aligned}}" + "\n$$")
               for e in at.latex), [str(e.value)[-60:] for e in at.latex]

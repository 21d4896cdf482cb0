"""AppTest of hand edits from the pick row ("Pick a weight", then a value and Set): the weight,
the numbers row and the board follow with no step, against a reference trainer given the same
edit; Undo takes it back; a bad value is named in the page's language and nothing changes; the
History view lists the edit and the share link says it cannot carry it; the Equations view
writes out the last step taken. The History view's picker offers exactly the kept entries of
the step (its own, its latest 20 edits), each named by its number, and looking back at one
shows that entry's weight. The board's `edit` trigger, sent as the page sends it, does the
same, and one that names no weight or no number changes nothing."""

from __future__ import annotations

import json

import numpy as np
import pytest
import specs
from specs import click, metrics, ok, texts
from streamlit.components.v2.bidi_component.main import _make_trigger_id

from explorer.model import limits
from explorer.model.training import Config, Trainer

LINK = {"dataset": "xor", "hidden": "3", "activation": "tanh", "loss": "cross_entropy", "lr": "0.3", "batch": "4",
        "seed": "2"}
CONFIG = Config(dataset="xor", hidden=(3,), activation="tanh", loss="cross_entropy", lr=0.3, batch=4, seed=2)


def picked(steps: int = 2, **params: str):
    """The page after `steps` Steps with "Pick a weight" on, at W²[3, 1]."""
    at = specs.open_app(**LINK, **params)
    for _ in range(steps):
        click(at, "step")
    ok(at.toggle(key="pick").set_value(True).run())
    ok(at.number_input(key="pick_l").set_value(2).run())
    ok(at.number_input(key="pick_i").set_value(3).run())
    return ok(at.number_input(key="pick_j").set_value(1).run())


def set_value(at, typed: str):
    ok(at.text_input(key="edit_value").input(typed).run())
    return click(at, "edit_apply")


def reference(steps: int, *edit) -> Trainer:
    t = Trainer.from_config(CONFIG)
    t.run(steps)
    if edit:
        t.edit(*edit)
    return t


def test_setting_the_picked_weight_moves_the_numbers_and_the_board_with_no_step():
    at = picked()
    t = at.session_state["trainer"]
    W_before, shown = list(t.net.W), metrics(at)
    set_value(at, "-0.75")
    ref = reference(2, 2, 3, 1, "-0.75")
    assert t.steps == 2 and t.current.edit is not None and t.net.W[1][2, 0] == -0.75
    assert all(np.array_equal(x, y) for x, y in zip(t.net.W + t.net.b, ref.net.W + ref.net.b))
    now = metrics(at)
    assert now["Train loss"] == f"{ref.loss_on('train'):.4g}" != shown["Train loss"]
    assert now["Step"] == "2"
    frame = specs.board(at)
    assert frame["W2"][2, 0] == -0.75 and frame["head"]["step"] == 2
    np.testing.assert_array_equal(frame["delta3"], ref.current.g.delta[2])  # the last batch through the edit
    assert any("W²₃,₁" in caption and "−0.75" in caption for caption in texts(at.caption))
    assert not at.button(key="undo").disabled
    click(at, "undo")
    assert all(x is y for x, y in zip(t.net.W, W_before)) and metrics(at) == shown and t.steps == 2
    click(at, "step")  # and on: the next step from the weights as they are
    assert t.steps == 3 and t.current.edited == 0


def test_in_column_notation_the_edit_is_named_as_the_board_shows_it():
    at = set_value(picked(notation="column"), "0.5")  # the core's W²[3, 1]: row 1, column 3 of W² in columns
    assert at.session_state["trainer"].net.W[1][2, 0] == 0.5
    assert any("W²₁,₃" in c and "→ 0.5" in c for c in texts(at.caption)), texts(at.caption)
    assert not any("W²₃,₁" in c for c in texts(at.caption))


@pytest.mark.parametrize(("typed", "said"), [
    ("abc", "is not a number"), ("nan", "is not a finite number"), ("1e9", "is too large"), ("", "is not a number")])
def test_a_bad_value_is_named_and_nothing_changes(typed, said):
    at = picked()
    t = at.session_state["trainer"]
    W, entries, shown = list(t.net.W), len(t.history), metrics(at)
    set_value(at, typed)
    assert any(said in w for w in texts(at.warning)), texts(at.warning)
    assert all(x is y for x, y in zip(t.net.W, W)) and len(t.history) == entries and metrics(at) == shown


def test_in_chinese_the_reason_is_in_chinese():
    at = picked(lang="zh")
    set_value(at, "x")
    assert any("不是数字" in w for w in texts(at.warning)), texts(at.warning)


def test_set_is_refused_while_playing():
    at = picked()
    at.session_state["playing"] = True
    ok(at.run())
    assert at.button(key="edit_apply").disabled


def test_the_history_view_lists_the_edit_and_the_share_link_says_it_cannot_carry_it():
    at = picked()
    set_value(at, "0")
    ok(at.segmented_control(key="view").set_value("history").run())
    assert any("W²₃,₁" in c and "→ 0" in c for c in texts(at.caption)), texts(at.caption)
    assert any("cannot carry hand-edited weights" in w for w in texts(at.warning)), texts(at.warning)
    entries = at.segmented_control(key="view_edits")
    assert entries.value == 1 and entries.options == ["step 2 as stepped", "✎ 1: W²₃,₁ = 0"]
    # looking back at the step as it was stepped: the board shows the weight before the edit
    ok(entries.set_value(0).run())
    t = at.session_state["trainer"]
    assert t.snapshot(2).W[1][2, 0] != 0
    assert any("looking at step 2" in i for i in texts(at.info)), texts(at.info)
    ok(at.segmented_control(key="view").set_value("equations").run())
    assert not any("hand edit" in i for i in texts(at.info))  # the step itself: written out as it was


def test_the_equations_view_writes_out_the_last_step_taken_for_an_edit():
    at = picked()
    set_value(at, "0")
    ok(at.segmented_control(key="view").set_value("equations").run())
    assert any("hand edit" in i and "step 2" in i for i in texts(at.info)), texts(at.info)
    assert not at.exception


def send_edit(at, value: object):
    """What Enter in the board's editor sends: the board's trigger `edit` (as test_explain_app sends `explain`)."""
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = _make_trigger_id(at.get_by_key("board").proto.id, "events")
    trigger.json_trigger_value = json.dumps([{"event": "edit", "value": value}])
    return ok(at._run(states))


def test_the_boards_edit_trigger_sets_a_weight_or_a_bias():
    at = specs.open_app(**LINK)
    click(at, "step")
    t = at.session_state["trainer"]
    send_edit(at, {"l": 1, "i": 2, "j": 3, "value": "0.5", "bias": False, "n": 1})
    assert t.net.W[0][1, 2] == 0.5 and t.steps == 1 and specs.board(at)["W1"][1, 2] == 0.5
    send_edit(at, {"l": 2, "i": 1, "j": 2, "value": "−1", "bias": True, "n": 2})
    ref = reference(1, 1, 2, 3, "0.5")
    ref.edit(2, 1, 2, "-1", bias=True)
    assert all(np.array_equal(x, y) for x, y in zip(t.net.W + t.net.b, ref.net.W + ref.net.b))
    assert metrics(at)["Train loss"] == f"{ref.loss_on('train'):.4g}"
    assert len(t.history) == 4 and t.current.edit.name == "b²₂"


@pytest.mark.parametrize(("value", "said"), [
    ("junk", "cannot read"), ({"l": "1", "i": 1, "j": 1, "value": "0"}, "There is no layer"),
    ({"l": 1, "i": 9, "j": 1, "value": "0"}, "has no entry [9, 1]"),
    ({"l": 1, "i": 1, "j": 1, "value": [1]}, "not a number"),
    ({"l": 1, "i": 1, "j": 1}, "not a number"), ({"l": 1, "i": 1, "j": 1, "value": "-1e400"}, "not a finite number"),
])
def test_a_trigger_naming_no_weight_or_no_number_changes_nothing(value, said):
    at = specs.open_app(**LINK)
    click(at, "step")
    t = at.session_state["trainer"]
    W, entries = list(t.net.W), len(t.history)
    send_edit(at, value)
    assert any(said in w for w in texts(at.warning)), texts(at.warning)
    assert all(x is y for x, y in zip(t.net.W, W)) and len(t.history) == entries


def test_an_edit_while_looking_back_is_refused_and_says_where_to_go():
    at = picked(3)
    t = at.session_state["trainer"]
    ok(at.segmented_control(key="view").set_value("history").run())
    ok(at.slider(key="view_step").set_value(1).run())
    ok(at.segmented_control(key="view").set_value("network").run())
    W, entries = list(t.net.W), len(t.history)
    set_value(at, "0")
    assert any("looking back at step 1" in w and "step 3" in w for w in texts(at.warning)), texts(at.warning)
    assert all(x is y for x, y in zip(t.net.W, W)) and len(t.history) == entries


def look_back(at, nth: int) -> float:
    """Pick the viewed step's entry `nth` in the History view; W²[3, 1] as the board then shows it."""
    ok(at.segmented_control(key="view").set_value("history").run())
    ok(at.segmented_control(key="view_edits").set_value(nth).run())
    ok(at.segmented_control(key="view").set_value("network").run())
    return float(specs.board(at)["W2"][2, 0])


def test_with_the_steps_own_entry_dropped_the_picker_offers_only_the_kept_edits(monkeypatch):
    monkeypatch.setattr(limits, "MAX_SNAPSHOTS", 4)  # 5 entries kept: of step 2, its edits 2 to 6
    at = picked()
    for k in range(1, 7):
        set_value(at, f"0.{k}")
    t = at.session_state["trainer"]
    assert [(s.step, s.nth) for s in t.history] == [(2, k) for k in range(2, 7)]
    ok(at.segmented_control(key="view").set_value("history").run())
    entries = at.segmented_control(key="view_edits")
    assert entries.options == [f"✎ {k}: W²₃,₁ = 0.{k}" for k in range(2, 7)] and entries.value == 6
    assert any("Older entries of step 2 are not offered" in c for c in texts(at.caption)), texts(at.caption)
    for k in (2, 4, 3, 6):  # each option shows its own entry, whichever was shown before
        assert look_back(at, k) == k / 10
        assert specs.board(at)["head"]["step"] == 2
        assert any("looking at step 2" in i for i in texts(at.info)) == (k < 6), texts(at.info)
    assert t.net.W[1][2, 0] == 0.6  # looking back changes nothing


def test_the_picker_offers_the_step_as_stepped_and_its_latest_20_edits():
    at = specs.open_app(**LINK)
    click(at, "step")
    t = at.session_state["trainer"]
    stepped = float(t.net.W[1][2, 0])
    for k in range(1, limits.LISTED_EDITS + 3):  # made on the trainer itself: the pick row is tested above
        t.edit(2, 3, 1, f"{k / 100:g}")
    ok(at.segmented_control(key="view").set_value("history").run())
    entries = at.segmented_control(key="view_edits")
    assert entries.options == ["step 1 as stepped"] + [f"✎ {k}: W²₃,₁ = {k / 100:g}" for k in range(3, 23)]
    assert entries.value == 22
    assert any("Older entries of step 1 are not offered" in c for c in texts(at.caption)), texts(at.caption)
    assert look_back(at, 0) == stepped and look_back(at, 3) == 0.03
    assert any("looking at step 1" in i for i in texts(at.info)), texts(at.info)
    ok(at.segmented_control(key="view").set_value("history").run())
    assert at.segmented_control(key="view_edits").value == 3  # the picker shows the entry the views show

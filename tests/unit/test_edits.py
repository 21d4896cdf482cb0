"""Hand edits of one weight (`Trainer.edit`): the network's outputs and losses after an edit
against a forward pass written out here in NumPy, Undo back to the very same arrays, the edit
as one history entry at the same step, the batch order untouched, and bad values refused with
a message that names what is wrong while nothing changes."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.model import edits, limits
from explorer.model.edits import EditError
from explorer.model.training import Config, Trainer
from explorer.notation import COLUMN
from explorer.teaching import explain

CONFIG = Config(dataset="xor", hidden=(4, 3), activation="tanh", loss="cross_entropy", batch=16, seed=3, lr=0.3)
F = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "identity": lambda z: z,
     "sigmoid": lambda z: 1 / (1 + np.exp(-z))}


def run(steps: int, config: Config = CONFIG) -> Trainer:
    t = Trainer.from_config(config)
    for _ in range(steps):
        t.step()
    return t


def forward(W: list[np.ndarray], b: list[np.ndarray], X: np.ndarray, f: str) -> list[np.ndarray]:
    """z^1 … z^n by hand: z^{l+1} = f(z^l) W^l + b^l (z^1 = X, no f on the input or the output)."""
    z = [X]
    for l, (Wl, bl) in enumerate(zip(W, b)):
        a = z[-1] if l == 0 else F[f](z[-1])
        z.append(a @ Wl + bl)
    return z


def cross_entropy(y: np.ndarray, Y: np.ndarray) -> float:
    shifted = y - y.max(axis=1, keepdims=True)
    log_a = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-(Y * log_a).sum(axis=1).mean())


def test_an_edit_changes_one_weight_and_the_losses_follow_a_forward_pass_by_hand():
    t = run(5)
    W, b = [M.copy() for M in t.net.W], [v.copy() for v in t.net.b]
    before = t.loss_on("train")
    s = t.edit(2, 3, 2, "0")
    W[1][2, 1] = 0.0
    assert all(np.array_equal(x, y) for x, y in zip(t.net.W + t.net.b, W + b))
    assert s.edit.before == t.snapshot(5).W[1][2, 1] and s.edit.after == 0.0 and s.edit.name == "W²₃,₂"
    for split in ("train", "test"):
        X, Y = t.split(split)
        assert t.loss_on(split) == pytest.approx(cross_entropy(forward(W, b, X, "tanh")[-1], Y), rel=1e-12)
        labels = t.dataset.y_train if split == "train" else t.dataset.y_test
        assert t.accuracy(split) == np.mean(forward(W, b, X, "tanh")[-1].argmax(axis=1) == labels)
    assert t.loss_on("train") != before
    # the entry's gradients: the last step's batch through the edited weights
    batch = t.snapshot(5).batch
    assert s.batch is batch and s.W_before == s.W
    for mine, hand in zip(s.g.z, forward(W, b, batch.X, "tanh")):
        np.testing.assert_allclose(mine, hand, rtol=1e-12, atol=1e-15)
    assert s.g.loss == pytest.approx(cross_entropy(forward(W, b, batch.X, "tanh")[-1], batch.Y), rel=1e-12)
    # the regions are drawn from the edited network too
    points = t.grid_points(12)[2]
    np.testing.assert_allclose(t.grid(12)[2].reshape(-1, 2), forward(W, b, points, "tanh")[-1], rtol=1e-12)


def test_a_bias_edit_sets_b():
    t = run(2)
    t.edit(1, 1, 4, "−1.5", bias=True)  # a real minus sign, as a keyboard may type it
    assert t.net.b[0][0, 3] == -1.5 and t.current.edit.name == "b¹₄" and t.current.edit.bias


def test_an_edit_is_one_history_entry_at_the_same_step_and_undo_restores_bit_for_bit():
    t = run(4)
    kept = (list(t.net.W), list(t.net.b), t.steps, t.epoch, t.position, list(t.loss_history),
            list(t.test_loss_history), len(t.norm_history), len(t.history), t.current)
    first = t.edit(1, 2, 3, "0.25")
    second = t.edit(3, 1, 1, "-2")
    assert (t.steps, t.epoch, t.position) == kept[2:5]  # the step counter and the batch order stay
    assert t.loss_history == kept[5] and t.test_loss_history == kept[6] and len(t.norm_history) == kept[7]
    assert len(t.history) == kept[8] + 2 and t.current is second and t.current.edited == 2
    assert t.snapshot(4) is kept[9] and t.snapshot(4, 1) is first and t.snapshot(4, 2) is second
    assert edits.of_step(t.history, 4) == [kept[9], first, second]  # the step, then its edits in order
    with pytest.raises(KeyError, match="step 4 after hand edit 3 is not kept"):
        t.snapshot(4, 3)
    t.undo()
    assert t.current is first and t.net.W[0][1, 2] == 0.25
    t.undo()
    # the very same arrays as before the edits, not copies that compare equal
    assert all(x is y for x, y in zip(t.net.W, kept[0])) and all(x is y for x, y in zip(t.net.b, kept[1]))
    assert t.current is kept[9] and t.current.edited == 0 and (t.steps, t.epoch, t.position) == kept[2:5]
    t.undo()  # and on, to the step before
    assert t.steps == 3


def test_steps_continue_from_the_edited_weights_with_the_same_batches():
    edited, plain = run(3), run(3)
    edited.edit(1, 1, 1, "1")
    W_edited = edited.net.W
    edited.step()
    plain.step()
    assert edited.current.W_before == tuple(W_edited) and edited.current.W_before[0][0, 0] == 1.0
    assert np.array_equal(edited.last_batch.rows, plain.last_batch.rows) and edited.steps == plain.steps == 4
    assert edited.current.edited == 1  # the run's weights carry the edit from now on
    ref = edited.net.with_parameters(list(W_edited), list(edited.snapshot(3, 1).b))
    ref.step(plain.last_batch.X, plain.last_batch.Y, CONFIG.lr)
    assert all(np.array_equal(x, y) for x, y in zip(edited.net.W, ref.W))


def test_an_edit_before_the_first_step_has_no_gradients_and_is_undone():
    t = Trainer.from_config(CONFIG)
    start = list(t.net.W)
    s = t.edit(2, 1, 1, "0")
    assert s.g is None and s.step == 0 and t.can_undo()
    t.undo()
    assert all(x is y for x, y in zip(t.net.W, start)) and not t.can_undo()


@pytest.mark.parametrize(("where", "typed", "key"), [
    ((1, 1, 1), "abc", "edit_not_number"),
    ((1, 1, 1), "", "edit_not_number"),
    ((1, 1, 1), "1" * 41, "edit_not_number"),
    ((1, 1, 1), None, "edit_not_number"),
    ((1, 1, 1), "nan", "edit_not_finite"),
    ((1, 1, 1), "-inf", "edit_not_finite"),
    ((1, 1, 1), "1e9", "edit_too_large"),
    ((1, 1, 1), "-100.5", "edit_too_large"),
    ((4, 1, 1), "0", "edit_no_layer"),
    ((0, 1, 1), "0", "edit_no_layer"),
    ((1, 3, 1), "0", "edit_no_entry"),
    ((1, 1, 0), "0", "edit_no_entry"),
    ((1.5, 1, 1), "0", "edit_no_layer"),
    # what only a hand-made trigger can send: JSON's true is no index and no number, nor an int past any float
    ((True, 1, 1), "0", "edit_no_layer"),
    ((1, True, 1), "0", "edit_no_entry"),
    ((1, 1, 1), True, "edit_not_number"),
    ((1, 1, 1), 10 ** 400, "edit_not_number"),
])
def test_a_bad_edit_is_refused_with_its_reason_and_nothing_changes(where, typed, key):
    t = run(2)
    W, history = list(t.net.W), list(t.history)
    with pytest.raises(EditError) as error:
        t.edit(*where, typed)
    assert error.value.args[0].key == key
    assert all(x is y for x, y in zip(t.net.W, W)) and list(t.history) == history


def test_a_bias_has_one_row():
    t = run(1)
    with pytest.raises(EditError, match=r"b² has no entry \[2, 1\]: it is 1×3"):
        t.edit(2, 2, 1, "0", bias=True)
    assert edits.value("100") == 100.0 and edits.value(" 2e-3 ") == 0.002


def test_an_edit_is_named_in_the_notation_asked_for():
    t = run(1)
    t.edit(2, 3, 1, "0.5")
    assert t.current.edit.name == "W²₃,₁" and t.current.edit.written(COLUMN) == "W²₁,₃"
    note = explain.weight_update(t.current, 2, 3, 1, "en", COLUMN).note  # the clicked ΔW cell's (17)
    assert "W²₁,₃" in note and "W²₃,₁" not in note
    t.edit(2, 1, 2, "0", bias=True)
    assert t.current.edit.written(COLUMN) == t.current.edit.name == "b²₂"


# -- a step's entries once the history has dropped its oldest ----------------------------------


def same(a, b) -> bool:
    """The same history entry: the same edit of the very same arrays (an older entry the history
    lightened is a new Snapshot holding the same W and b)."""
    return a.step == b.step and a.edit == b.edit and all(x is y for x, y in zip(a.W + a.b, b.W + b.b))


def edit_often(t: Trainer, n: int) -> list:
    """n hand edits at the latest step, each a different value of W¹[1, 1]; their entries, and the
    W lists each one was made from (the entry before it)."""
    made = []
    for k in range(n):
        before = t.net.W
        made.append((t.edit(1, 1, 1, str(k / 8)), before))
    return made


@pytest.mark.parametrize(("limit", "value", "kept"), [("MAX_SNAPSHOTS", 4, 5), ("HISTORY_BYTES", 1, 2)])
def test_with_the_steps_own_entry_dropped_each_kept_edit_is_found_by_its_number(monkeypatch, limit, value, kept):
    monkeypatch.setattr(limits, limit, value)
    t = run(3)
    made = edit_often(t, 6)
    assert [s.step for s in t.history] == [3] * kept and t.history[0].edit is not None  # step 3 as stepped is gone
    for nth, (entry, _) in enumerate(made, start=1):
        assert entry.edit.nth == nth
        if any(same(e, entry) for e in t.history):
            assert same(t.snapshot(3, nth), entry)  # exactly that entry, not the one after it
        else:
            with pytest.raises(KeyError, match=f"step 3 after hand edit {nth} is not kept"):
                t.snapshot(3, nth)
    assert [e.nth for e in t.history] == list(range(7 - kept, 7))
    with pytest.raises(KeyError, match="step 3 as stepped is not kept"):
        t.snapshot(3)
    with pytest.raises(KeyError, match="after hand edit 7"):
        t.snapshot(3, 7)
    assert t.snapshot(3, None) is made[-1][0]
    offered = edits.offered(t.history, 3)  # no "as stepped": only entries kept
    assert len(offered) == kept and all(x is y for x, y in zip(offered, t.history))
    # Undo takes each kept edit back to the very arrays it was made from
    for entry, before in reversed(made[7 - kept:]):
        assert same(t.current, entry) and t.can_undo()
        t.undo()
        assert all(x is y for x, y in zip(t.net.W, before)) and t.steps == 3
    assert not t.can_undo() and t.current.nth == 7 - kept


def test_a_later_step_finds_its_own_entry_and_edits_number_from_1_again(monkeypatch):
    monkeypatch.setattr(limits, "MAX_SNAPSHOTS", 4)
    t = run(2)
    three = edit_often(t, 3)
    t.step()
    four = edit_often(t, 2)
    assert [(s.step, s.nth) for s in t.history] == [(2, 2), (2, 3), (3, 0), (3, 1), (3, 2)]
    assert same(t.snapshot(2, 2), three[1][0]) and same(t.snapshot(2, None), three[2][0])
    assert t.snapshot(3, 2) is four[1][0]
    assert t.snapshot(3).edit is None and t.snapshot(3).W_before == tuple(three[2][0].W)
    with pytest.raises(KeyError, match="step 2 after hand edit 1"):
        t.snapshot(2, 1)
    t.undo()
    again = t.edit(2, 1, 1, "0.5")  # an undone edit's number is given again
    assert again.edit.nth == 2 and t.snapshot(3, 2) is again


def test_the_history_view_offers_the_steps_own_entry_and_its_latest_edits():
    t = run(2)
    made = [entry for entry, _ in edit_often(t, limits.LISTED_EDITS + 5)]
    offered = edits.offered(t.history, 2)
    assert all(x is y for x, y in zip(offered, [t.snapshot(2), *made[5:]], strict=True))
    assert [e.nth for e in offered] == [0, *range(6, 26)]
    assert edits.offered(t.history, 1) == edits.of_step(t.history, 1) == [t.snapshot(1)]  # no edits at step 1

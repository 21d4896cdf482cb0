"""Tests of the Trainer's step history: snapshots share the arrays of the run and show it
as it was after each step, undo takes a step back exactly, the memory budget drops the
oldest snapshots, and the per-layer norms are the documented ones.

"Exactly" means bit for bit against a fresh Trainer run to the same step.
"""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core import Network
from explorer.model import limits
from explorer.model.training import Config, Trainer

# 160 training rows, batches of 64: every third step ends an epoch with 32 rows.
CONFIG = Config(dataset="xor", hidden=(4, 3), batch=64, seed=6, lr=0.3)


def run(steps: int, config: Config = CONFIG) -> Trainer:
    t = Trainer.from_config(config)
    for _ in range(steps):
        t.step()
    return t


def same(xs: list[np.ndarray], ys: list[np.ndarray]) -> bool:
    return len(xs) == len(ys) and all(np.array_equal(x, y) for x, y in zip(xs, ys))


def assert_like_fresh(t: Trainer, k: int) -> None:
    """`t` is in every respect a fresh trainer run to step k."""
    ref = run(k, t.config)
    assert same(t.net.W, ref.net.W) and same(t.net.b, ref.net.b)
    assert (t.steps, t.epoch, t.position) == (ref.steps, ref.epoch, ref.position) == (k, ref.epoch, ref.position)
    assert t.loss_history == ref.loss_history
    assert t.test_loss_history == ref.test_loss_history
    assert len(t.norm_history) == k and all(np.array_equal(a, b) for a, b in zip(t.norm_history, ref.norm_history))


# -- snapshots ---------------------------------------------------------------------------------


def test_each_snapshot_is_the_network_after_that_step():
    t = run(7)
    assert [s.step for s in t.history] == list(range(8))
    for k in range(8):
        s, ref = t.snapshot(k), run(k)
        assert s.step == k
        assert same(s.W, ref.net.W) and same(s.b, ref.net.b)
        assert (s.epoch, s.position) == (ref.epoch, ref.position)
        net = t.network_at(s)
        assert same(net.W, ref.net.W) and same(net.b, ref.net.b)
        if k:
            before = run(k - 1)
            assert same(s.W_before, before.net.W) and same(s.b_before, before.net.b)
            assert s.lr == CONFIG.lr and s.g.loss == ref.loss_history[-1]
            assert np.array_equal(s.batch.rows, ref.current.batch.rows)
        else:
            assert s.g is None and s.batch is None


def test_snapshots_share_the_runs_arrays():
    t = Trainer.from_config(CONFIG)
    gs = [t.step() for _ in range(4)]
    for k in range(1, 5):
        s = t.snapshot(k)
        assert s.g is gs[k - 1]
        previous = t.snapshot(k - 1)
        assert all(x is y for x, y in zip(s.W_before, previous.W))  # no copies: the same arrays
        assert all(x is y for x, y in zip(s.b_before, previous.b))
    assert all(x is y for x, y in zip(t.current.W, t.net.W)) and t.network_at(t.current) is t.net
    probe = t.network_at(t.snapshot(2))
    assert probe is not t.net and all(x is y for x, y in zip(probe.W, t.snapshot(2).W))


def test_kept_snapshots_hold_no_lists_for_the_garbage_collector_to_walk():
    """A snapshot's arrays sit in tuples, which the collector stops visiting after one pass
    (lists it visits on every full collection): what a room keeps costs its pauses little."""
    import gc

    t = run(40)
    t.undo()  # the network gets lists back from a snapshot's tuples
    assert type(t.net.W) is list and type(t.net.b) is list
    gc.collect()
    for s in t.history:
        parts = [s.W, s.b, s.W_before, s.b_before] + ([s.g.z, s.g.a, s.g.delta, s.g.dW, s.g.db] if s.g else [])
        assert not any(gc.is_tracked(part) for part in parts if part is not None), s.step


def test_a_later_step_never_writes_into_a_kept_snapshot():
    t = run(2)
    kept = [w.copy() for w in t.snapshot(1).W]
    t.run(5)
    assert same(t.snapshot(1).W, kept)


def test_snapshot_of_a_step_not_taken_is_a_key_error():
    t = run(3)
    for step in (-1, 4, 100):
        with pytest.raises(KeyError):
            t.snapshot(step)


# -- undo ---------------------------------------------------------------------------------------


def test_undo_restores_weights_position_and_histories_step_by_step():
    t = run(7)  # crosses two epoch ends
    assert t.epoch == 2
    for k in range(6, -1, -1):
        assert t.can_undo()
        t.undo()
        assert_like_fresh(t, k)
        assert t.current.step == k
    assert not t.can_undo()
    with pytest.raises(ValueError, match="nothing to undo"):
        t.undo()


def test_stepping_again_after_undo_repeats_the_same_step_exactly():
    t = run(5)
    original = t.current
    t.undo()
    t.undo()
    g4 = t.step()
    g5 = t.step()
    assert same(t.net.W, original.W) and same(t.net.b, original.b)
    assert t.loss_history == run(5).loss_history and g5.loss == original.g.loss
    assert np.array_equal(t.current.batch.rows, original.batch.rows)
    assert g4.loss == t.snapshot(4).g.loss
    assert_like_fresh(t, 5)


def test_undo_keeps_the_same_network_object():
    t = run(2)
    net = t.net
    t.undo()
    assert t.net is net


# -- the memory budget -------------------------------------------------------------------------


def test_a_tiny_budget_keeps_the_last_two_snapshots(monkeypatch):
    monkeypatch.setattr(limits, "HISTORY_BYTES", 1)
    t = run(6)
    assert [s.step for s in t.history] == [5, 6]
    assert t.snapshot(5).light and t.snapshot(5).g is None  # only W and b: Undo needs no more
    assert not t.current.light and t.current.g is not None
    assert same(t.snapshot(5).W, run(5).net.W)
    for dropped in range(5):
        with pytest.raises(KeyError, match=f"step {dropped} as stepped is not kept"):
            t.snapshot(dropped)
    assert len(t.loss_history) == len(t.norm_history) == 6  # the loss history is kept whole
    assert t.can_undo()
    t.undo()
    assert_like_fresh(t, 5)
    assert not t.can_undo()  # the step before 5 is no longer kept
    with pytest.raises(ValueError):
        t.undo()
    t.step()  # and training goes on from there
    assert_like_fresh(t, 6)


def older_bytes(t: Trainer) -> int:
    return sum(s.nbytes() for s in list(t.history)[:-1])


def test_a_budget_of_a_few_snapshots_keeps_only_W_and_b_of_older_steps(monkeypatch):
    probe = run(1)
    per_step = probe.current.nbytes()
    monkeypatch.setattr(limits, "HISTORY_BYTES", int(3.5 * per_step))
    t = run(9)
    steps = [s.step for s in t.history]
    assert steps == list(range(steps[0], 10))
    assert older_bytes(t) <= limits.HISTORY_BYTES and t.history_bytes == older_bytes(t) + t.current.nbytes()
    light = [s.light for s in t.history]
    assert light == sorted(light, reverse=True) and any(light) and not light[-1]  # the newest keep everything
    assert all(s.g is None and s.W_before is None for s in t.history if s.light)
    assert all(s.g is not None for s in t.history if not s.light and s.step)
    for k in steps:
        assert same(t.snapshot(k).W, run(k).net.W)
    undone = 0
    while t.can_undo():
        t.undo()
        undone += 1
    assert undone == len(steps) - 1 and t.steps == steps[0]
    assert_like_fresh(t, steps[0])


def test_the_default_budget_bounds_a_long_run():
    t = run(400, CONFIG.with_(batch=16, hidden=(64, 64)))
    assert older_bytes(t) <= limits.HISTORY_BYTES
    assert 2 < len(t.history) < 401 and len(t.loss_history) == 400
    assert t.history[0].light and not t.history[-1].light


# -- the per-layer norms --------------------------------------------------------------------------


def test_norm_history_is_the_documented_norms():
    t = Trainer.from_config(CONFIG)
    ref = Network(t.net.sizes, CONFIG.activation, CONFIG.loss, CONFIG.seed)
    for _ in range(5):
        t.step()
        batch = t.current.batch
        W_before = [w.copy() for w in ref.W]
        g = ref.step(batch.X, batch.Y, CONFIG.lr)
        B = len(batch.rows)
        norms = t.norm_history[-1]
        assert norms.shape == (3, len(ref.W))
        for k in range(len(ref.W)):
            rms_delta = np.sqrt(np.sum(g.delta[k + 1] ** 2) / B)  # ‖δ^{l+1}‖ per sample, RMS over the batch
            grad = np.sqrt(np.sum(g.dW[k] ** 2))  # ‖∂L/∂W^l‖ (Frobenius)
            ratio = np.sqrt(np.sum((ref.W[k] - W_before[k]) ** 2)) / np.sqrt(np.sum(W_before[k] ** 2))
            assert np.isclose(norms[0, k], rms_delta, rtol=1e-12, atol=0)
            assert np.isclose(norms[1, k], grad, rtol=1e-12, atol=0)
            assert np.isclose(norms[2, k], ratio, rtol=1e-9, atol=0)  # ‖ΔW^l‖ / ‖W^l‖, before the update


# -- reset ------------------------------------------------------------------------------------------


def test_reset_with_given_weights_starts_the_history_from_them():
    t = run(4)
    rng = np.random.default_rng(1)
    W = [rng.normal(size=w.shape) for w in t.net.W]
    b = [rng.normal(size=v.shape) for v in t.net.b]
    t.reset(W, b)
    assert (t.steps, t.epoch, t.position) == (0, 0, 0)
    assert t.loss_history == [] and t.test_loss_history == [] and t.norm_history == []
    assert [s.step for s in t.history] == [0] and not t.can_undo()
    assert same(t.snapshot(0).W, W) and same(t.snapshot(0).b, b) and same(t.net.W, W)
    ref = Network(t.net.sizes, CONFIG.activation, CONFIG.loss, CONFIG.seed)
    ref.W, ref.b = [w.copy() for w in W], [v.copy() for v in b]
    for k in range(1, 4):
        t.step()
        ref.step(t.current.batch.X, t.current.batch.Y, CONFIG.lr)
        assert np.array_equal(t.current.batch.rows, run(k).current.batch.rows)  # the first batches again
        assert same(t.net.W, ref.W) and same(t.net.b, ref.b)
    t.undo()
    t.undo()
    assert same(t.net.W, t.snapshot(1).W)
    t.undo()
    assert same(t.net.W, W) and same(t.net.b, b)


def test_reset_without_weights_is_the_seeded_start():
    t = run(4)
    t.reset()
    assert_like_fresh(t, 0)
    assert same(t.snapshot(0).W, Network(t.net.sizes, CONFIG.activation, CONFIG.loss, CONFIG.seed).W)
    t.run(2)
    assert_like_fresh(t, 2)

"""Tests of the fast paths: what they skip changes no number.

`Network.update` is `Network.step` without scanning the batch again (a `Trainer` checks
its data once); `input_delta=False` leaves δ^1 out and nothing else; the trainer's
per-step bookkeeping (the epoch order drawn once per epoch, the test loss, the norms)
gives the bits the plain formulas give.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.core import ACTIVATIONS, LOSSES, DivergedError, Gradients, Network
from explorer.figures import plots
from explorer.model import data
from explorer.model.training import Config, Trainer, _norm

SIZES = [3, 5, 4, 2]


def batch(B: int, loss: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((B, SIZES[0]))
    if loss == "cross_entropy":
        return X, np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], B)]
    return X, rng.standard_normal((B, SIZES[-1]))


def assert_same_gradients(g: Gradients, h: Gradients, skip_input_delta: bool = False) -> None:
    assert g.loss == h.loss
    for name in ("z", "a", "delta", "dW", "db"):
        ours, theirs = getattr(g, name), getattr(h, name)
        assert len(ours) == len(theirs)
        for k, (p, q) in enumerate(zip(ours, theirs)):
            if name == "delta" and k == 0 and skip_input_delta:
                continue
            assert np.array_equal(p, q), (name, k)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("B", [1, 7])
def test_update_is_step_bit_for_bit(activation, loss, B):
    stepped, updated = (Network(SIZES, activation, loss, seed=4) for _ in range(2))
    X, Y = batch(B, loss)
    checked = updated.check_batch(X, Y)
    for _ in range(3):
        assert_same_gradients(stepped.step(X, Y, 0.3), updated.update(*checked, 0.3))
        for p, q in zip(stepped.W + stepped.b, updated.W + updated.b):
            assert np.array_equal(p, q)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
def test_leaving_out_input_delta_changes_nothing_else(activation, loss):
    full, short = (Network(SIZES, activation, loss, seed=2) for _ in range(2))
    X, Y = full.check_batch(*batch(6, loss))
    g, h = full.update(X, Y, 0.1), short.update(X, Y, 0.1, input_delta=False)
    assert h.delta[0] is None and g.delta[0].shape == X.shape
    assert_same_gradients(g, h, skip_input_delta=True)
    for p, q in zip(full.W + full.b, short.W + short.b):
        assert np.array_equal(p, q)
    assert np.array_equal(full.gradients(X, Y).delta[0], full.backprop(X, Y).delta[0])  # computed by default


def test_input_delta_is_the_input_gradient_by_default():
    net = Network(SIZES, "tanh", "mse", seed=1)
    X, Y = batch(4, "mse")
    g = net.gradients(X, Y)
    assert np.array_equal(g.delta[0], g.delta[1] @ net.W[0].T)  # (15) at l = 1: no f'
    eps, r, j = 1e-6, 2, 1
    up, down = X.copy(), X.copy()
    up[r, j] += eps
    down[r, j] -= eps
    # δ^1 is per sample: the batch loss is a mean, so ∂L/∂x_rj = δ^1_rj / B.
    numeric = (net.batch_loss(up, Y) - net.batch_loss(down, Y)) / (2 * eps)
    assert math.isclose(numeric, g.delta[0][r, j] / len(X), rel_tol=1e-6)


def test_public_step_still_checks_every_call():
    net = Network(SIZES, "tanh", "cross_entropy")
    X, Y = batch(3, "cross_entropy")
    bad = X.copy()
    bad[1, 1] = np.nan
    with pytest.raises(ValueError, match="X must be finite"):
        net.step(bad, Y, 0.1)
    with pytest.raises(ValueError, match="probability rows"):
        net.step(X, Y * 2, 0.1)
    with pytest.raises(ValueError, match="lr"):
        net.step(X, Y, -1.0)
    with pytest.raises(ValueError, match="X must have shape"):
        net.check_batch(X[:, :2], Y)


def test_update_diverges_like_step():
    net = Network([1, 1], "identity", "mse")
    net.W = [np.array([[1e200]])]
    X, Y = net.check_batch([[1e200]], [[0.0]])
    W, b = net.W, net.b
    with pytest.raises(DivergedError), np.errstate(all="ignore"):
        net.update(X, Y, 1.0, input_delta=False)
    assert net.W is W and net.b is b


def test_trainer_checks_its_data_once_at_the_start():
    good = data.load("xor", seed=0)
    X = good.X_train.copy()
    X[3, 0] = np.inf
    bad = data.Dataset(good.name, good.task, X, good.y_train, good.X_test, good.y_test, good.feature_names,
                       good.target_names)
    with pytest.raises(ValueError, match="X must be finite"):
        Trainer(Config(dataset="xor"), bad)


@pytest.mark.parametrize("config", [Config(), Config(dataset="spiral3", hidden=(6,), activation="relu", batch=7),
                                    Config(dataset="sine", loss="mse", hidden=(5, 3), batch=9, test_fraction=0.0)])
def test_trainer_steps_are_public_steps_bit_for_bit(config):
    t = Trainer.from_config(config)
    ref = Network(t.net.sizes, config.activation, config.loss, config.seed)
    Y_test = t.dataset.targets(config.loss, "test")
    for _ in range(2 * t.n_train // config.batch + 3):  # across two epoch boundaries
        g = t.step()
        rows = t.current.batch.rows
        assert np.array_equal(rows, t.epoch_order(t.epoch)[t.position - len(rows) : t.position])
        h = ref.step(t.dataset.X_train[rows], t.dataset.targets(config.loss)[rows], config.lr)
        assert g.delta[0] is None  # a step leaves δ^1 out ...
        assert_same_gradients(g, h, skip_input_delta=True)
        assert_same_gradients(t.complete(t.current).g, h)  # ... and complete() adds its bits
        if t.has_test:
            assert t.test_loss_history[-1] == ref.batch_loss(t.dataset.X_test, Y_test)
            assert t.loss_on("test") == t.evaluate("test")[0]
    for p, q in zip(t.net.W + t.net.b, ref.W + ref.b):
        assert np.array_equal(p, q)


def test_complete_adds_input_delta_to_any_kept_step_and_nothing_else():
    t = Trainer.from_config(Config(batch=4))
    assert t.complete(t.current) is t.current  # no step, no gradients
    for _ in range(3):
        t.step()
    for k in (1, 2, 3):
        s = t.snapshot(k)
        full = t.complete(s)
        assert full.g.delta[0] is not None and t.complete(full) is full
        assert_same_gradients(full.g, s.g, skip_input_delta=True)
        used = Network(t.net.sizes, seed=0).with_parameters(s.W_before, s.b_before)
        assert np.array_equal(full.g.delta[0], used.gradients(s.batch.X, s.batch.Y).delta[0])
        assert (full.step, full.W, full.b, full.batch, full.lr) == (s.step, s.W, s.b, s.batch, s.lr)
    assert t.snapshot(3).nbytes() < t.complete(t.snapshot(3)).nbytes()


def test_norms_are_numpys_bits():
    rng = np.random.default_rng(5)
    for shape in [(1, 8), (16, 8), (8, 2), (64, 256), (3, 1)]:
        M = rng.standard_normal(shape) * rng.uniform(1e-3, 1e3)
        assert _norm(M) == np.linalg.norm(M)
        assert _norm(M.T) == np.linalg.norm(M.T)


def test_norm_history_uses_each_norm_once_with_numpys_bits():
    t = Trainer.from_config(Config(batch=5))
    for _ in range(3):
        W_before = t.net.W
        g = t.step()
        norms = t.norm_history[-1]
        assert np.array_equal(norms[0], [np.linalg.norm(d) / np.sqrt(5) for d in g.delta[1:]])
        assert np.array_equal(norms[1], [np.linalg.norm(dW) for dW in g.dW])
        assert np.array_equal(norms[2], [t.config.lr * np.linalg.norm(dW) / np.linalg.norm(W)
                                         for dW, W in zip(g.dW, W_before)])


# -- what the page asks for on every rerun, computed once ----------------------------------------


def fresh_scores(t: Trainer, split: str) -> tuple[float, float]:
    """evaluate() written out again on a copy of the current weights."""
    X, Y = t.split(split)
    net = t.net.with_parameters([W.copy() for W in t.net.W], [b.copy() for b in t.net.b])
    y = net.forward(X)[0][-1]
    labels = t.dataset.y_train if split == "train" else t.dataset.y_test
    return net.batch_loss(X, Y), float(np.mean(y.argmax(axis=1) == labels))


def test_scores_follow_step_undo_reset_and_load():
    t = Trainer.from_config(Config(batch=8))
    seen = []

    def check():
        for split in ("train", "test"):
            assert t.evaluate(split) == fresh_scores(t, split)
            assert t.evaluate(split) is t.evaluate(split)  # the second time from the cache
        seen.append(t.evaluate("train"))

    check()
    for _ in range(3):
        t.step()
        assert t.test_loss_history[-1] == t.evaluate("test")[0]
        check()
    t.undo()
    check()
    assert seen[-1] == seen[-3]  # back to the weights of two checks ago
    loaded = Network(t.net.sizes, seed=9)
    t.reset(loaded.W, loaded.b)
    check()
    t.reset()
    check()
    assert seen[-1] == seen[0]


def test_grid_is_the_documented_grid_for_each_network():
    t = Trainer.from_config(Config())
    X = np.concatenate([t.dataset.X_train, t.dataset.X_test])
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    xs, ys = np.linspace(lo[0], hi[0], 60), np.linspace(lo[1], hi[1], 60)
    points = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    before = t.grid()
    t.step()
    start = t.network_at(t.history[0])
    for net, got in ((t.net, t.grid()), (start, t.grid(net=start)), (start, before)):
        assert np.array_equal(got[0], xs) and np.array_equal(got[1], ys)
        assert np.array_equal(got[2], net.forward(points)[0][-1].reshape(60, 60, -1))  # y = z^n
    assert not np.array_equal(t.grid()[2], before[2])
    small = t.grid(n=7)
    assert small[2].shape == (7, 7, 2) and np.array_equal(small[0], np.linspace(lo[0], hi[0], 7))
    line = Trainer.from_config(Config(dataset="sine", loss="mse"))
    xs, ys, out = line.grid()
    assert ys is None and np.array_equal(out, line.net.predict(xs[:, None]))


# -- figures as Plotly's JSON ----------------------------------------------------------------------


@pytest.mark.parametrize("a", [
    np.linspace(-1, 1, 7), np.arange(1, 9), np.arange(0, 300), np.arange(-70_000, 70_000, 7),
    np.array([2**40, 1]), np.eye(3), np.ones((2, 3), dtype=np.float32), np.zeros(0), np.array([True, False]),
])
def test_typed_arrays_are_plotlys_own(a):
    from _plotly_utils.utils import to_typed_array_spec

    theirs = to_typed_array_spec(a)
    assert plots.typed_array(a) == (theirs if isinstance(theirs, dict) else a.tolist())


def test_a_figure_is_what_plotly_would_send_and_shares_nothing():
    import json

    import plotly.graph_objects as go
    from plotly.io.json import to_json_plotly

    M = np.random.default_rng(3).standard_normal((4, 3))
    traces = [plots.heatmap(M, "W<sup>1</sup>"),
              {"type": "scatter", "x": np.arange(1, 5), "y": M[:, 0], "marker": {"color": M[:, 1]}}]
    layout = {"height": 300, "xaxis": {"domain": (0.0, 0.5)}, "annotations": [{"text": "W"}], "font": plots.FONT}
    fig = plots.figure(traces, layout)
    plotly_json = go.Figure(data=traces, layout=layout, _validate=False).to_dict()
    plotly_json["layout"].pop("template")
    assert json.loads(to_json_plotly(fig)) == json.loads(to_json_plotly(plotly_json))
    fig["layout"]["font"]["size"] = 99
    fig["layout"]["annotations"][0]["text"] = "changed"
    fig["data"][1]["marker"]["color"] = "black"
    assert plots.FONT == {"size": 13} and layout["annotations"] == [{"text": "W"}]
    assert isinstance(traces[1]["marker"]["color"], np.ndarray)

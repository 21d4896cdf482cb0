"""Tests of explorer.model.training.Trainer against an independent replay of the documented rules.

The reference below rebuilds the same run from `explorer.core.Network`, `explorer.model.data`
and the documented batch order (epoch e of seed s is
`np.random.default_rng([s, e]).permutation(n_train)`, taken `batch` rows at a time, fewer
at an epoch's end), so every number the Trainer produces is compared bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_core_update import assert_same_gradients

from explorer.core import DivergedError, Network
from explorer.model import data, training
from explorer.model.norms import norm as _norm
from explorer.model.training import Config, Trainer

SMALL = Config(dataset="xor", hidden=(5,), batch=16, seed=3)


class Reference:
    """The documented training loop, written out again from the core and the data."""

    def __init__(self, config: Config):
        self.config = config
        self.ds = data.load(config.dataset, noise=config.noise, test_fraction=config.test_fraction, seed=config.seed)
        self.Y = self.ds.targets(config.loss, "train")
        self.net = Network([self.ds.n_inputs, *config.hidden, self.ds.n_outputs], config.activation, config.loss,
                           config.seed)
        self.n = len(self.ds.X_train)
        self.epoch = self.position = 0
        self.losses: list[float] = []
        self.batches: list[np.ndarray] = []

    def order(self, epoch: int) -> np.ndarray:
        return np.random.default_rng([self.config.seed, epoch]).permutation(self.n)

    def step(self, lr: float | None = None, batch: int | None = None):
        if self.position >= self.n:
            self.epoch, self.position = self.epoch + 1, 0
        size = self.config.batch if batch is None else batch
        rows = self.order(self.epoch)[self.position : self.position + size]
        g = self.net.step(self.ds.X_train[rows], self.Y[rows], self.config.lr if lr is None else lr)
        self.position += len(rows)
        self.losses.append(g.loss)
        self.batches.append(rows)
        return g


def assert_same_parameters(net: Network, other: Network) -> None:
    assert len(net.W) == len(other.W)
    for a, b in zip(net.W + net.b, other.W + other.b):
        assert np.array_equal(a, b)


# -- the batch order ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 7, 2**32 - 1])
def test_epoch_order_is_the_documented_permutation(seed):
    t = Trainer.from_config(SMALL.with_(seed=seed))
    for epoch in range(3):
        expected = np.random.default_rng([seed, epoch]).permutation(t.n_train)
        assert np.array_equal(t.epoch_order(epoch), expected)
    assert not np.array_equal(t.epoch_order(0), t.epoch_order(1))
    assert sorted(t.epoch_order(0)) == list(range(t.n_train))


def test_other_seed_other_order():
    assert not np.array_equal(Trainer.from_config(SMALL).epoch_order(0),
                              Trainer.from_config(SMALL.with_(seed=4)).epoch_order(0))


def test_first_step_is_the_core_step_on_the_first_batch():
    t, ref = Trainer.from_config(SMALL), Reference(SMALL)
    g = t.step()
    g_ref = ref.step()
    assert np.array_equal(t.last_batch.rows, ref.batches[0])
    assert np.array_equal(t.last_batch.X, ref.ds.X_train[ref.batches[0]])
    assert np.array_equal(t.last_batch.Y, ref.Y[ref.batches[0]])
    assert t.loss_history == [g_ref.loss] and g.loss == g_ref.loss
    assert_same_parameters(t.net, ref.net)
    assert g.delta[0] is None  # δ^1 is left out of a step; Trainer.complete adds it
    for a, b in zip(g.delta[1:] + g.dW + g.db, g_ref.delta[1:] + g_ref.dW + g_ref.db):
        assert np.array_equal(a, b)
    assert np.array_equal(t.complete(t.current).g.delta[0], g_ref.delta[0])
    assert t.last is g


@pytest.mark.parametrize(("config", "steps"), [
    (SMALL, 25),                                     # 160 rows, batch 16: 10 steps an epoch
    (SMALL.with_(batch=50), 9),                      # 50, 50, 50, 10 | 50, 50, 50, 10 | 50
    (SMALL.with_(batch=160), 3),                     # full batch
    (SMALL.with_(batch=1, dataset="iris"), 130),     # one sample at a time across an epoch boundary
    (Config(dataset="sine", loss="mse", hidden=(4, 4), activation="sigmoid", batch=7, seed=1), 30),
])
def test_many_steps_replay_exactly(config, steps):
    t, ref = Trainer.from_config(config), Reference(config)
    for _ in range(steps):
        t.step()
        ref.step()
        assert np.array_equal(t.last_batch.rows, ref.batches[-1])
    assert t.loss_history == ref.losses
    assert_same_parameters(t.net, ref.net)
    assert (t.steps, t.epoch + t.position / t.n_train) == (steps, ref.epoch + ref.position / ref.n)


def test_two_trainers_with_one_config_agree_bit_for_bit():
    a, b = Trainer.from_config(SMALL), Trainer.from_config(SMALL)
    a.run(23)
    b.run(23)
    assert a.loss_history == b.loss_history and a.test_loss_history == b.test_loss_history
    assert_same_parameters(a.net, b.net)


# -- epochs -------------------------------------------------------------------------------


def test_each_epoch_uses_every_training_row_once_with_a_short_last_batch():
    t = Trainer.from_config(SMALL.with_(batch=50))
    assert t.n_train == 160
    sizes, epochs, rows = [], [], []
    for _ in range(8):
        t.step()
        sizes.append(len(t.last_batch.rows))
        epochs.append(t.last_batch.epoch)
        rows.append(t.last_batch.rows)
    assert sizes == [50, 50, 50, 10] * 2
    assert epochs == [0, 0, 0, 0, 1, 1, 1, 1]
    for e in range(2):
        used = np.concatenate(rows[4 * e : 4 * e + 4])
        assert np.array_equal(used, t.epoch_order(e))
    assert t.epoch + t.position / t.n_train == 2.0
    t.step()
    assert t.last_batch.epoch == 2 and np.array_equal(t.last_batch.rows, t.epoch_order(2)[:50])
    assert t.epoch == 2 and t.position == 50


def test_epoch_counter_is_fractional():
    t = Trainer.from_config(SMALL)
    t.run(3)
    assert (t.epoch, t.position) == (0, 48)
    assert t.epoch + t.position / t.n_train == pytest.approx(0.3)


def test_next_batch_does_not_move_the_trainer():
    t = Trainer.from_config(SMALL.with_(batch=80))
    t.run(2)  # exactly at the end of epoch 0
    before = (t.epoch, t.position, t.steps, list(t.loss_history))
    batch = t.next_batch()
    assert batch.epoch == 1 and np.array_equal(batch.rows, t.epoch_order(1)[:80])
    assert (t.epoch, t.position, t.steps, list(t.loss_history)) == before
    assert np.array_equal(t.next_batch().rows, batch.rows)


# -- run and reset ------------------------------------------------------------------------


def test_run_is_n_steps():
    a, b = Trainer.from_config(SMALL), Trainer.from_config(SMALL)
    a.run(17)
    for _ in range(17):
        b.step()
    assert len(a.loss_history) == 17 == a.steps
    assert a.loss_history == b.loss_history
    assert_same_parameters(a.net, b.net)


@pytest.mark.parametrize("n", [1, 7, 50, 120])
def test_run_reports_progress_up_to_n(n):
    seen = []
    Trainer.from_config(SMALL).run(n, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == n and all(1 <= i <= n for i in seen)
    assert len(seen) <= 100  # now and then, not every step of a long run


def test_test_loss_is_the_whole_test_set_after_each_step():
    t, ref = Trainer.from_config(SMALL), Reference(SMALL)
    Y_test = ref.ds.targets(SMALL.loss, "test")
    for _ in range(4):
        t.step()
        ref.step()
        assert t.test_loss_history[-1] == ref.net.batch_loss(ref.ds.X_test, Y_test)
    assert len(t.test_loss_history) == 4


def test_no_test_split_no_test_history():
    t = Trainer.from_config(SMALL.with_(test_fraction=0.0))
    t.run(3)
    assert not t.has_test and t.test_loss_history == [] and len(t.loss_history) == 3
    assert math.isnan(t.loss_on("test")) and math.isnan(t.accuracy("test"))


def test_reset_returns_to_the_seeded_weights_and_the_first_batch():
    t = Trainer.from_config(SMALL)
    history = t.loss_history
    t.run(13)
    first_losses = list(t.loss_history)
    t.reset()
    fresh = Network(t.net.sizes, SMALL.activation, SMALL.loss, SMALL.seed)
    assert_same_parameters(t.net, fresh)
    assert t.loss_history == [] and t.test_loss_history == []
    assert t.loss_history is history  # the same list object the app publishes as loss_history
    assert (t.steps, t.epoch, t.position) == (0, 0, 0)
    assert t.last is None and t.last_batch is None
    t.run(13)
    assert t.loss_history == first_losses


# -- lr and batch changes keep the weights --------------------------------------------------


def test_changing_lr_keeps_the_weights_and_uses_the_new_lr_next():
    t, ref = Trainer.from_config(SMALL), Reference(SMALL)
    t.run(2)
    ref.step()
    ref.step()
    W_before = [W.copy() for W in t.net.W]
    t.config = t.config.with_(lr=0.5)
    for a, b in zip(t.net.W, W_before):
        assert np.array_equal(a, b)
    t.step()
    ref.step(lr=0.5)
    assert t.loss_history == ref.losses
    assert_same_parameters(t.net, ref.net)


def test_changing_batch_keeps_the_weights_and_continues_the_epoch():
    t, ref = Trainer.from_config(SMALL), Reference(SMALL)
    t.run(2)
    ref.step()
    ref.step()
    t.config = t.config.with_(batch=40)
    assert_same_parameters(t.net, ref.net)
    t.step()
    ref.step(batch=40)
    assert np.array_equal(t.last_batch.rows, t.epoch_order(0)[32:72])
    assert t.loss_history == ref.losses
    assert_same_parameters(t.net, ref.net)


# -- divergence ---------------------------------------------------------------------------

DIVERGES = Config(dataset="sine", loss="mse", hidden=(64, 64), activation="relu", lr=100.0, seed=0)


@pytest.fixture
def no_blow_up(monkeypatch):
    """The core's own divergence (a loss or weight that is not finite), with the trainer's
    earlier blow-up check out of the way (tests/test_limits.py tests that one)."""
    monkeypatch.setattr(training, "BLOW_UP_LOSS", math.inf)
    monkeypatch.setattr(training, "BLOW_UP_WEIGHT", math.inf)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_changes_nothing(no_blow_up):
    t = Trainer.from_config(DIVERGES)
    with pytest.raises(DivergedError, match="lr=100"):
        for _ in range(100):
            W, b = [W.copy() for W in t.net.W], [b.copy() for b in t.net.b]
            state = (t.steps, t.epoch + t.position / t.n_train, list(t.loss_history), list(t.test_loss_history),
                     t.last, t.last_batch)
            upcoming = t.next_batch().rows
            t.step()
    assert t.steps >= 1  # a few good steps first: the last good weights are not the initial ones
    for a, before in zip(t.net.W + t.net.b, W + b):
        assert np.array_equal(a, before)
        assert np.isfinite(a).all()
    assert (t.steps, t.epoch + t.position / t.n_train, t.loss_history, t.test_loss_history, t.last,
            t.last_batch) == state
    assert np.array_equal(t.next_batch().rows, upcoming)
    with pytest.raises(DivergedError):  # the same batch diverges again; still nothing changes
        t.step()
    assert t.steps == state[0]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_run_stops_at_the_first_divergence_with_the_good_steps_kept(no_blow_up):
    t, ref = Trainer.from_config(DIVERGES), Reference(DIVERGES)
    with pytest.raises(DivergedError):
        t.run(100)
    good = t.steps
    assert 1 <= good < 100 and len(t.loss_history) == good
    for _ in range(good):
        ref.step()
    with pytest.raises(DivergedError):
        ref.step()
    assert t.loss_history == ref.losses
    assert_same_parameters(t.net, ref.net)


# -- metrics and the picture of the input space ---------------------------------------------


def test_accuracy_is_the_share_of_argmax_hits():
    t = Trainer.from_config(SMALL)
    t.run(20)
    for split, X, y in [("train", t.dataset.X_train, t.dataset.y_train), ("test", t.dataset.X_test,
                                                                           t.dataset.y_test)]:
        assert t.accuracy(split) == np.mean(t.net.predict(X).argmax(axis=1) == y)
    assert math.isnan(Trainer.from_config(DIVERGES).accuracy("train"))


def test_loss_on_is_the_whole_split():
    t = Trainer.from_config(SMALL)
    t.run(5)
    Y = t.dataset.targets(SMALL.loss, "train")
    assert t.loss_on("train") == t.net.batch_loss(t.dataset.X_train, Y)


@pytest.mark.parametrize(("config", "shape"), [(SMALL, (30, 30, 2)), (Config(dataset="sine", loss="mse"), (30, 1)),
                                                (Config(dataset="plane", loss="mse"), (30, 30, 1))])
def test_grid_covers_the_data(config, shape):
    t = Trainer.from_config(config)
    xs, ys, out = t.grid(30)
    assert out.shape == shape and len(xs) == 30
    X = np.concatenate([t.dataset.X_train, t.dataset.X_test])
    assert xs[0] < X[:, 0].min() and xs[-1] > X[:, 0].max()
    if ys is None:
        assert np.array_equal(out, t.net.predict(xs[:, None]))
    else:
        assert ys[0] < X[:, 1].min() and ys[-1] > X[:, 1].max()
        # row of ys, column of xs (one row alone may round differently in BLAS than in a batch):
        # the output y = z^n, whose argmax is the class predicted
        point = np.array([[xs[7], ys[4]]])
        assert np.allclose(out[4, 7], t.net.forward(point)[0][-1][0], rtol=1e-12, atol=0)
        points = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        assert np.array_equal(out.reshape(-1, shape[-1]).argmax(axis=1), t.net.predict(points).argmax(axis=1))


# -- SGD learns every data set the app offers ---------------------------------------------------


@pytest.mark.parametrize(("dataset", "hidden", "loss", "lr", "steps"), [
    ("xor", (8,), "cross_entropy", 0.3, 300),
    ("circles", (8, 8), "cross_entropy", 0.3, 300),
    ("gaussians", (), "cross_entropy", 0.1, 100),
    ("spiral", (16, 16), "cross_entropy", 0.3, 2000),
    ("spiral3", (16, 16), "cross_entropy", 0.3, 1500),
    ("sine", (16,), "mse", 0.05, 400),
    ("plane", (), "mse", 0.05, 200),
    ("iris", (8,), "cross_entropy", 0.1, 200),
    ("digits", (32,), "cross_entropy", 0.1, 100),
])
def test_sgd_lowers_the_loss_on_every_data_set(dataset, hidden, loss, lr, steps):
    """SGD on mini-batches lowers the loss over the whole training set, and the test set too."""
    t = Trainer.from_config(Config(dataset=dataset, hidden=hidden, loss=loss, lr=lr, batch=16))
    before = t.loss_on("train"), t.loss_on("test")
    t.run(steps)
    after = t.loss_on("train"), t.loss_on("test")
    assert after[0] < 0.7 * before[0], (before, after)
    assert after[1] < before[1], (before, after)
    if t.dataset.task == "classification":
        assert t.accuracy("train") > 0.75


def test_reset_at_a_step_takes_up_the_batches_where_that_step_left_them():
    for batch in (1, 7, 16, 1000):
        config = Config(dataset="xor", batch=batch, seed=3)
        run = Trainer.from_config(config)
        for step in range(0, 45):
            loaded = Trainer.from_config(config)
            loaded.reset([W.copy() for W in run.net.W], [b.copy() for b in run.net.b], step=step)
            assert (loaded.steps, loaded.epoch, loaded.position) == (run.steps, run.epoch, run.position)
            assert np.array_equal(loaded.next_batch().rows, run.next_batch().rows)
            run.step()


# -- what a step skips changes no number: the data checked once, δ^1 left out, the norms ---------


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

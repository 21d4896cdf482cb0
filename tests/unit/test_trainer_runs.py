"""Run n, Play and `step=N` keep every number while they go faster: the trainer's weights,
curves, norms, snapshots, memory budget and blow-up handling, bit for bit against a
reference that computes each of them the obvious way, from the public core and the
documented rules: one `Network.step` a step, a fresh pass over the test set for its loss,
NumPy's norms, the sizes of every kept array summed again, the largest weight scanned.

The reference is the trainer's specification written plainly (`Reference`), not a copy of
its code; the same scenarios passed against the trainer as it was before it was made fast.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import numpy as np
import pytest

from explorer.core import DivergedError, Gradients, Network
from explorer.model import data, limits
from explorer.model.training import (
    BLOW_UP_LOSS,
    BLOW_UP_WEIGHT,
    SANE_LOSS,
    SANE_WEIGHT,
    START_LOSS_ROWS,
    BlowUpError,
    Config,
    Trainer,
)

# -- the reference -------------------------------------------------------------------------------


@dataclass
class Kept:
    """One kept step as the documented history holds it."""

    step: int
    W: list[np.ndarray]
    b: list[np.ndarray]
    epoch: int
    position: int
    g: Gradients | None = None
    rows: np.ndarray | None = None
    X: np.ndarray | None = None
    Y: np.ndarray | None = None
    lr: float = 0.0
    W_before: list[np.ndarray] | None = None
    b_before: list[np.ndarray] | None = None
    light: bool = False

    def __post_init__(self) -> None:
        """Its bytes: W and b, and for a whole step every array it computed (δ^1 left out) and its batch."""
        arrays = self.W + self.b
        if not self.light and self.g is not None:
            g = self.g
            arrays = arrays + g.z + g.a + g.delta[1:] + g.dW + g.db + [self.X, self.Y]
        self.nbytes = sum(a.nbytes for a in arrays)


def lightened(k: Kept) -> Kept:
    return Kept(k.step, k.W, k.b, k.epoch, k.position, lr=k.lr, light=True)


def largest(W: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.abs(p).max()) for p in W + b)


class Reference:
    """A trainer written plainly from its documentation."""

    def __init__(self, config: Config, dataset: data.Dataset | None = None) -> None:
        source = Trainer.from_config(config, dataset)  # its checked rows and batch order; never stepped
        self.config = config
        self.X, self.Y, self.X_test, self.Y_test = source.X_train, source.Y_train, source.X_test, source.Y_test
        self.order = source.epoch_order
        self.net = Network(source.net.sizes, config.activation, config.loss, config.seed)
        self.reset(self.net.W, self.net.b)

    def reset(self, W: list[np.ndarray], b: list[np.ndarray]) -> None:
        self.net.W, self.net.b = W, b
        self.steps = self.epoch = self.position = 0
        self.curve_steps: list[int] = []
        self.losses: list[float] = []
        self.test_losses: list[float] = []
        self.norms: list[np.ndarray] = []
        self.start_loss = max(self.net.batch_loss(self.X[:START_LOSS_ROWS], self.Y[:START_LOSS_ROWS]), 0.01)
        self.kept = [Kept(0, W, b, 0, 0)]

    def step(self) -> None:
        epoch, position = self.epoch, self.position
        if position >= len(self.X):
            epoch, position = epoch + 1, 0
        rows = self.order(epoch)[position : position + self.config.batch]
        X, Y, lr = self.X[rows], self.Y[rows], self.config.lr
        W_before, b_before = self.net.W, self.net.b
        g = self.net.step(X, Y, lr)  # a DivergedError leaves everything as it was
        self.epoch, self.position, self.steps = epoch, position + len(rows), self.steps + 1
        self.curve_steps.append(self.steps)
        self.losses.append(g.loss)
        if len(self.X_test):
            self.test_losses.append(self.net.batch_loss(self.X_test, self.Y_test))
        B = len(rows)
        self.norms.append(np.array([
            [np.linalg.norm(d) / np.sqrt(B) for d in g.delta[1:]],
            [np.linalg.norm(dW) for dW in g.dW],
            [lr * np.linalg.norm(dW) / max(np.linalg.norm(W), 1e-300) for dW, W in zip(g.dW, W_before)],
        ]))
        if len(self.curve_steps) > limits.SERIES_POINTS:  # every second point of the older part goes
            older = len(self.curve_steps) - limits.RECENT_POINTS
            for series in self.series():
                del series[1:older:2]
        self.remember(Kept(self.steps, self.net.W, self.net.b, epoch, self.position, g, rows, X, Y, lr,
                           W_before, b_before))
        if g.loss > BLOW_UP_LOSS * self.start_loss or largest(self.net.W, self.net.b) > BLOW_UP_WEIGHT:
            step = self.steps
            while len(self.kept) >= 2:  # back to the latest kept weights that were sane
                loss_there = self.losses[-1]
                self.undo()
                if loss_there <= SANE_LOSS * self.start_loss and largest(self.net.W, self.net.b) <= SANE_WEIGHT:
                    break
            raise BlowUpError(step, g.loss, self.start_loss, self.steps, lr)

    def series(self) -> tuple[list, ...]:
        return self.curve_steps, self.losses, self.test_losses, self.norms

    def remember(self, new: Kept) -> None:
        """All but the newest within limits.HISTORY_BYTES and limits.MAX_SNAPSHOTS: the oldest
        whole steps keep only W and b first, then the oldest go; at least two stay."""
        kept = self.kept
        kept.append(new)
        while len(kept) > 2 and (len(kept) > limits.MAX_SNAPSHOTS + 1
                                 or sum(k.nbytes for k in kept[:-1]) > limits.HISTORY_BYTES):
            light = sum(k.light for k in kept)
            if light < len(kept) - 1 and len(kept) <= limits.MAX_SNAPSHOTS + 1:
                kept[light] = lightened(kept[light])
            else:
                del kept[0]
                if not kept[0].light:
                    kept[0] = lightened(kept[0])

    def undo(self) -> None:
        self.kept.pop()
        before = self.kept[-1]
        self.net.W, self.net.b = before.W, before.b
        self.steps, self.epoch, self.position = before.step, before.epoch, before.position
        cut = bisect_right(self.curve_steps, self.steps)
        for series in self.series():
            del series[cut:]


# -- bit for bit ------------------------------------------------------------------------------------


def same_bits(xs: list[np.ndarray] | None, ys: list[np.ndarray] | None) -> bool:
    if xs is None or ys is None:
        return xs is ys
    return len(xs) == len(ys) and all(
        x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes() for x, y in zip(xs, ys)
    )


def float_bits(xs: list[float]) -> bytes:
    return np.array(xs, dtype=np.float64).tobytes()


def assert_same(t: Trainer, ref: Reference) -> None:
    assert same_bits(t.net.W, ref.net.W) and same_bits(t.net.b, ref.net.b)
    assert (t.steps, t.epoch, t.position) == (ref.steps, ref.epoch, ref.position)
    assert float_bits([t.start_loss]) == float_bits([ref.start_loss])
    assert t.curve_steps == ref.curve_steps
    assert float_bits(t.loss_history) == float_bits(ref.losses)
    assert float_bits(t.test_loss_history) == float_bits(ref.test_losses)
    assert same_bits(t.norm_history, ref.norms)
    assert [(s.step, s.light) for s in t.history] == [(k.step, k.light) for k in ref.kept]
    for s, k in zip(t.history, ref.kept):
        assert same_bits(s.W, k.W) and same_bits(s.b, k.b)
        assert (s.epoch, s.position, s.lr) == (k.epoch, k.position, k.lr)
        if s.light or not s.step:
            assert s.g is None and s.batch is None and s.W_before is None and s.b_before is None
            continue
        assert float_bits([s.g.loss]) == float_bits([k.g.loss])
        assert s.g.delta[0] is None  # δ^1 is computed when a view asks for it (Trainer.complete)
        for name in ("z", "a", "dW", "db"):
            assert same_bits(getattr(s.g, name), getattr(k.g, name)), name
        assert same_bits(s.g.delta[1:], k.g.delta[1:])
        assert np.array_equal(s.batch.rows, k.rows) and same_bits([s.batch.X, s.batch.Y], [k.X, k.Y])
        assert same_bits(s.W_before, k.W_before) and same_bits(s.b_before, k.b_before)
    assert t.history_bytes == sum(k.nbytes for k in ref.kept)
    assert t.history_bytes == sum(s.nbytes() for s in t.history)
    if len(ref.X_test):
        assert float_bits([t.evaluate("test")[0]]) == float_bits([ref.net.batch_loss(ref.X_test, ref.Y_test)])
    assert float_bits([t.evaluate("train")[0]]) == float_bits([ref.net.batch_loss(ref.X, ref.Y)])


def both(config: Config, dataset: data.Dataset | None = None) -> tuple[Trainer, Reference]:
    return Trainer.from_config(config, dataset), Reference(config, dataset)


def run_both(t: Trainer, ref: Reference, n: int) -> DivergedError | None:
    """Run n on the trainer, as the Run button does, and n steps of the reference: the same
    error, if any, with the same message (the step, the losses, the step gone back to)."""
    expected = raised = None
    try:
        for _ in range(n):
            ref.step()
    except DivergedError as error:
        expected = error
    try:
        t.run(n)
    except DivergedError as error:
        raised = error
    assert type(raised) is type(expected) and str(raised) == str(expected)
    return raised


def undo_both(t: Trainer, ref: Reference, n: int) -> None:
    for _ in range(n):
        t.undo()
        ref.undo()


# -- scenarios --------------------------------------------------------------------------------------


CONFIGS = [
    Config(),  # the default network: circles, 2-8-8-2, tanh, cross-entropy, B = 16
    Config(dataset="xor", hidden=(5,), activation="relu", batch=7, lr=0.3, seed=3),  # an epoch ends short
    Config(dataset="spiral3", hidden=(6, 4), activation="sigmoid", loss="mse", batch=10, lr=0.5, seed=1),
    Config(dataset="sine", hidden=(8, 8), activation="identity", loss="mse", batch=1, lr=0.01, seed=2),
    Config(dataset="plane", hidden=(), loss="mse", batch=32, lr=0.05, test_fraction=0.0),  # no test rows
    Config(dataset="iris", hidden=(16,), batch=120, lr=0.2),  # one batch an epoch
]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{c.dataset}-{c.activation}-{c.loss}-B{c.batch}")
def test_600_steps_hold_the_references_numbers(config):
    t, ref = both(config)
    assert_same(t, ref)
    for n in (1, 299, 300):
        assert run_both(t, ref, n) is None
        assert_same(t, ref)


def test_undo_after_a_run_and_training_on():
    t, ref = both(Config(dataset="gaussians", batch=8))
    run_both(t, ref, 120)
    for undos in (1, 5, 30):
        undo_both(t, ref, undos)
        assert_same(t, ref)
        run_both(t, ref, 17)
        assert_same(t, ref)
    undo_both(t, ref, len(t.history) - 1)  # all the way back, then on
    assert_same(t, ref)
    assert not t.can_undo()
    run_both(t, ref, 40)
    assert_same(t, ref)


def test_a_changed_learning_rate_and_batch_a_reset_and_loaded_weights():
    config = Config(dataset="spiral", hidden=(6, 6), batch=12)
    t, ref = both(config)
    run_both(t, ref, 50)
    t.config = ref.config = config.with_(lr=0.4, batch=5)  # what the sidebar does between steps
    run_both(t, ref, 50)
    assert_same(t, ref)
    undo_both(t, ref, 1)
    t.config = ref.config = config.with_(lr=0.05)
    run_both(t, ref, 20)
    assert_same(t, ref)
    loaded = Network(t.net.sizes, seed=4)
    t.reset(loaded.W, loaded.b)
    ref.reset(loaded.W, loaded.b)
    assert_same(t, ref)
    run_both(t, ref, 30)
    assert_same(t, ref)
    t.reset()
    ref.reset(*ref.net.initial_parameters())
    assert_same(t, ref)
    run_both(t, ref, 10)
    assert_same(t, ref)


def test_thinned_curves_past_the_series_points():
    t, ref = both(Config(dataset="xor", hidden=(3,), batch=4, lr=0.1))
    n = limits.SERIES_POINTS + limits.RECENT_POINTS // 2 + 7
    run_both(t, ref, n)
    recent = list(range(n - limits.RECENT_POINTS + 1, n + 1))
    assert len(t.curve_steps) < n and t.curve_steps[-limits.RECENT_POINTS :] == recent
    assert_same(t, ref)
    undo_both(t, ref, limits.MAX_SNAPSHOTS // 2)
    run_both(t, ref, 50)
    assert_same(t, ref)


def test_many_rounds_of_thinning_and_eviction_under_small_limits(monkeypatch):
    for name, value in (("SERIES_POINTS", 90), ("RECENT_POINTS", 40), ("MAX_SNAPSHOTS", 30)):
        monkeypatch.setattr(limits, name, value)
    t, ref = both(Config(dataset="circles", hidden=(4, 4), batch=16))
    for n in (1, 89, 1, 100, 333):
        run_both(t, ref, n)
        assert_same(t, ref)
    assert len(t.curve_steps) <= 90 and len(t.history) == 31
    undo_both(t, ref, 29)
    assert_same(t, ref)
    undo_both(t, ref, 1)
    assert not t.can_undo()
    run_both(t, ref, 70)
    assert_same(t, ref)


@pytest.mark.parametrize("snapshots", [3.5, 12])
def test_the_history_budget_lightens_then_drops_the_oldest(monkeypatch, snapshots):
    config = Config(dataset="digits", hidden=(32,), batch=24, lr=0.05)
    probe = Trainer.from_config(config)
    probe.step()
    monkeypatch.setattr(limits, "HISTORY_BYTES", int(snapshots * probe.current.nbytes()))
    t, ref = both(config)
    run_both(t, ref, 150)
    assert_same(t, ref)
    assert t.history[0].light and t.history[0].step > 0
    undo_both(t, ref, 3)
    t.config = ref.config = config.with_(batch=64)  # larger snapshots from here on
    run_both(t, ref, 20)
    assert_same(t, ref)


def test_the_default_budget_on_a_long_run():
    t, ref = both(Config(hidden=(64, 64), batch=16))
    run_both(t, ref, 700)
    assert_same(t, ref)
    assert t.history[0].light and not t.history[-1].light


@pytest.mark.parametrize("activation", ["tanh", "relu", "identity"])
def test_a_blow_up_goes_back_to_the_same_weights(activation):
    t, ref = both(Config(dataset="sine", hidden=(8, 8), activation=activation, loss="mse", lr=10.0))
    assert isinstance(run_both(t, ref, 50), BlowUpError)
    assert_same(t, ref)


def test_a_blow_up_after_a_long_run_goes_back_within_the_kept_steps():
    config = Config(dataset="sine", loss="mse", hidden=(8, 8), lr=0.05, batch=4)
    t, ref = both(config)
    run_both(t, ref, 600)
    t.config = ref.config = config.with_(lr=30.0)
    error = run_both(t, ref, 100)
    assert isinstance(error, BlowUpError) and error.back_to > 600 - limits.MAX_SNAPSHOTS
    assert_same(t, ref)
    t.config = ref.config = config
    run_both(t, ref, 30)
    assert_same(t, ref)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_weights_too_large_to_square_blow_up_without_a_warning():
    """Weights past 1e154 have squares beyond float64: the blow-up test must still find them,
    and say nothing on the server's console."""
    t, ref = both(Config(lr=1e200))
    assert isinstance(run_both(t, ref, 3), BlowUpError)
    assert_same(t, ref)


def test_a_divergence_changes_nothing():
    t, ref = both(Config(dataset="plane", hidden=(4,), activation="identity", loss="mse", batch=8))
    run_both(t, ref, 5)
    W = [w * 1e160 for w in t.net.W]  # y² overflows
    with np.errstate(over="ignore", invalid="ignore"):
        t.reset(W, t.net.b)
        ref.reset(W, ref.net.b)
        error = run_both(t, ref, 3)
        assert type(error) is DivergedError
        assert_same(t, ref)


@pytest.mark.parametrize("where", range(4))
def test_the_blow_up_weight_test_near_its_threshold(where):
    """One weight or bias just under, at or just over BLOW_UP_WEIGHT, among others large enough
    that the sum of their squares passes the threshold's square: the decision of a scan."""
    config = Config(dataset="xor", hidden=(4,), loss="mse", lr=1e-12, batch=2)
    for value in (BLOW_UP_WEIGHT * (1 - 1e-15), BLOW_UP_WEIGHT, BLOW_UP_WEIGHT * (1 + 1e-15),
                  BLOW_UP_WEIGHT / np.sqrt(2), 0.99 * BLOW_UP_WEIGHT, 1.01 * BLOW_UP_WEIGHT):
        t, ref = both(config)
        W, b = [w.copy() for w in t.net.W], [v.copy() for v in t.net.b]
        W[0][:] = value / 3
        [W[0], W[1], b[0], b[1]][where].flat[-1] = -value
        t.reset(W, b)
        ref.reset([w.copy() for w in W], [v.copy() for v in b])
        run_both(t, ref, 3)
        assert_same(t, ref)

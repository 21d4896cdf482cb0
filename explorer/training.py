"""A training session: a network, its data, the mini-batch order and what each step did.

No Streamlit here: the app keeps one `Trainer` per browser session and draws what it
holds, and the tests drive it directly.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from explorer import data
from explorer.core import LOSS_FUNCTIONS, DivergedError, Gradients, Network, check_learning_rate


@dataclass(frozen=True)
class Config:
    """Everything that decides the numbers a run produces; a shared link carries it."""

    dataset: str = "circles"
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    loss: str = "cross_entropy"
    lr: float = 0.1
    batch: int = 16
    seed: int = 0
    noise: float = 0.1
    test_fraction: float = 0.2

    def rebuild_key(self) -> tuple:
        """The fields whose change rebuilds the network from the seed (lr and batch do not)."""
        return (self.dataset, self.hidden, self.activation, self.loss, self.seed, self.noise, self.test_fraction)

    def with_(self, **changes) -> Config:
        return replace(self, **changes)


@dataclass(frozen=True)
class Batch:
    """One mini-batch: which training rows, and the (X, Y) the step used."""

    rows: np.ndarray
    X: np.ndarray
    Y: np.ndarray
    epoch: int


@dataclass(frozen=True)
class Snapshot:
    """The network as it was after one step, and what that step computed.

    The arrays are shared, not copied: `Network.step` makes new W and b arrays each
    update and never writes into old ones, so a snapshot costs only its gradients.
    """

    step: int
    W: list[np.ndarray]
    b: list[np.ndarray]
    g: Gradients | None = None          # None for the starting point
    batch: Batch | None = None
    lr: float = 0.0
    W_before: list[np.ndarray] | None = None
    b_before: list[np.ndarray] | None = None
    epoch: int = 0
    position: int = 0

    def nbytes(self) -> int:
        arrays = list(self.W) + list(self.b)
        if self.g is not None:
            arrays += self.g.z + self.g.a + self.g.delta + self.g.dW + self.g.db
        return sum(a.nbytes for a in arrays)


# Memory a session may spend on its step history (a classroom of 30 shares a small host).
HISTORY_BUDGET = 4 * 1024 * 1024


def _norm(M: np.ndarray) -> float:
    """The Frobenius norm: the bits of `np.linalg.norm(M)` (√ of the flat dot product) at a
    fraction of its overhead, which matters at a few norms per step."""
    flat = M.ravel(order="K")
    return math.sqrt(flat.dot(flat))


@dataclass
class Trainer:
    """Steps a `Network` through a data set one SGD update at a time, keeping a history."""

    config: Config
    dataset: data.Dataset
    net: Network = field(init=False)
    loss_history: list[float] = field(init=False, default_factory=list)
    test_loss_history: list[float] = field(init=False, default_factory=list)
    # Per step, a (3, layers) array: ‖δ^{l+1}‖ per sample (RMS over the batch), ‖∂L/∂W^l‖, ‖ΔW^l‖/‖W^l‖.
    norm_history: list[np.ndarray] = field(init=False, default_factory=list)
    history: deque[Snapshot] = field(init=False, default_factory=deque)
    steps: int = field(init=False, default=0)
    epoch: int = field(init=False, default=0)
    position: int = field(init=False, default=0)  # rows of this epoch's order already used

    def __post_init__(self) -> None:
        sizes = [self.dataset.n_inputs, *self.config.hidden, self.dataset.n_outputs]
        self.net = Network(sizes, self.config.activation, self.config.loss, self.config.seed)
        # Checked once here, so that a step (`Network.update`) need not scan its batch again.
        self.X_train, self.Y_train = self.net.check_batch(self.dataset.X_train, self.dataset.targets(self.config.loss))
        self.X_test, self.Y_test = self.dataset.X_test, self.dataset.targets(self.config.loss, "test")
        if len(self.X_test):
            self.X_test, self.Y_test = self.net.check_batch(self.X_test, self.Y_test)
        self._order = (-1, np.arange(0))  # (epoch, its order): one permutation drawn per epoch
        self._history_bytes = 0
        self._start_history()

    @classmethod
    def from_config(cls, config: Config, dataset: data.Dataset | None = None) -> Trainer:
        """A fresh trainer; the data set is loaded from the config unless one is given (a CSV)."""
        if dataset is None:
            dataset = data.load(
                config.dataset, noise=config.noise, test_fraction=config.test_fraction, seed=config.seed
            )
        return cls(config, dataset)

    @property
    def n_train(self) -> int:
        return len(self.dataset.X_train)

    @property
    def has_test(self) -> bool:
        return len(self.dataset.X_test) > 0

    @property
    def current(self) -> Snapshot:
        return self.history[-1]

    @property
    def last(self) -> Gradients | None:
        """The gradients of the latest step (None before the first)."""
        return self.current.g

    @property
    def last_batch(self) -> Batch | None:
        return self.current.batch

    def epoch_order(self, epoch: int) -> np.ndarray:
        """The order of the training rows in an epoch: a permutation drawn from (seed, epoch),
        so that everyone with the same link sees the same batches at every step."""
        return np.random.default_rng([self.config.seed, epoch]).permutation(self.n_train)

    def next_batch(self) -> Batch:
        """The next `batch` rows of this epoch's order (fewer at an epoch's end)."""
        epoch, position = self.epoch, self.position
        if position >= self.n_train:
            epoch, position = epoch + 1, 0
        if self._order[0] != epoch:
            self._order = (epoch, self.epoch_order(epoch))
        rows = self._order[1][position : position + self.config.batch]
        return Batch(rows, self.X_train[rows], self.Y_train[rows], epoch)

    def step(self) -> Gradients:
        """One SGD update (17), (18) on the next mini-batch.

        On divergence the DivergedError propagates and nothing changes: not the
        weights, not the histories, not the position in the epoch.
        """
        batch = self.next_batch()
        W_before, b_before = self.net.W, self.net.b
        g = self.net.update(batch.X, batch.Y, check_learning_rate(self.config.lr))
        self.epoch = batch.epoch
        self.position = (0 if self.position >= self.n_train else self.position) + len(batch.rows)
        self.steps += 1
        self.loss_history.append(g.loss)
        if self.has_test:
            self.test_loss_history.append(self.loss_on("test"))
        self.norm_history.append(self._norms(g, W_before))
        self._remember(Snapshot(self.steps, self.net.W, self.net.b, g, batch, self.config.lr,
                                W_before, b_before, self.epoch, self.position))
        return g

    def _norms(self, g: Gradients, W_before: list[np.ndarray]) -> np.ndarray:
        B = len(g.delta[-1])
        dW_norms = [_norm(dW) for dW in g.dW]
        return np.array([
            [_norm(d) / math.sqrt(B) for d in g.delta[1:]],
            dW_norms,
            [self.config.lr * n / max(_norm(W), 1e-300) for n, W in zip(dW_norms, W_before)],
        ])

    def run(self, n: int, progress: Callable[[int], None] | None = None) -> None:
        """n steps; `progress(i)` is called now and then; stops at the first divergence (raised)."""
        every = max(1, n // 50)
        for i in range(n):
            self.step()
            if progress is not None and (i + 1) % every == 0:
                progress(i + 1)

    # -- history -------------------------------------------------------------------------

    def _start_history(self) -> None:
        self.history = deque()
        self._history_bytes = 0
        self._remember(Snapshot(self.steps, self.net.W, self.net.b, epoch=self.epoch, position=self.position))

    def _remember(self, snapshot: Snapshot) -> None:
        """Keep the snapshot; drop the oldest ones beyond the memory budget (always keep two)."""
        self.history.append(snapshot)
        self._history_bytes += snapshot.nbytes()
        while self._history_bytes > HISTORY_BUDGET and len(self.history) > 2:
            self._history_bytes -= self.history.popleft().nbytes()

    def snapshot(self, step: int) -> Snapshot:
        """The kept snapshot of a step (KeyError if it is no longer kept)."""
        first = self.history[0].step
        if not first <= step <= self.steps:
            raise KeyError(f"step {step} is not kept; steps {first} to {self.steps} are")
        return self.history[step - first]

    def can_undo(self) -> bool:
        return len(self.history) >= 2

    def undo(self) -> None:
        """Take back the latest step: weights, position, histories as they were before it."""
        if not self.can_undo():
            raise ValueError("nothing to undo: the step before this one is no longer kept")
        self._history_bytes -= self.history.pop().nbytes()
        before = self.current
        self.net.W, self.net.b = before.W, before.b
        self.steps, self.epoch, self.position = before.step, before.epoch, before.position
        for series in (self.loss_history, self.test_loss_history, self.norm_history):
            del series[self.steps:]

    def reset(self, W: list[np.ndarray] | None = None, b: list[np.ndarray] | None = None) -> None:
        """Back to the seeded weights (or the given ones) and the first batch, histories cleared."""
        if W is None or b is None:
            W, b = self.net.initial_parameters()
        self.net.W, self.net.b = W, b
        for series in (self.loss_history, self.test_loss_history, self.norm_history):
            series.clear()
        self.steps = self.epoch = self.position = 0
        self._start_history()

    def network_at(self, snapshot: Snapshot) -> Network:
        """The network with the weights it had at a kept step."""
        return self.net if snapshot is self.current else self.net.with_parameters(snapshot.W, snapshot.b)

    def grid(self, n: int = 60, net: Network | None = None) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """A network's output (by default this one's) over the input space around the data: for
        1 input a line (xs, None, out[i]), for 2 inputs a grid (xs, ys, out[row of ys, column of xs])."""
        net = self.net if net is None else net
        X = np.concatenate([self.dataset.X_train, self.dataset.X_test])
        lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
        xs = np.linspace(lo[0], hi[0], n)
        if X.shape[1] == 1:
            return xs, None, net.predict(xs[:, None])
        ys = np.linspace(lo[1], hi[1], n)
        points = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        return xs, ys, net.predict(points).reshape(n, n, -1)

    # -- metrics ---------------------------------------------------------------------

    def split(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        if split == "train":
            return self.X_train, self.Y_train
        return self.X_test, self.Y_test

    def evaluate(self, split: str) -> tuple[float, float]:
        """The mean loss over a whole split (train or test), and the share of rows whose largest
        output is the true class (NaN for regression), from one forward pass."""
        X, Y = self.split(split)
        if not len(X):
            return math.nan, math.nan
        y = self.net.forward(X)[0][-1]
        loss = LOSS_FUNCTIONS[self.net.loss](y, Y)[0]
        if self.dataset.task != "classification":
            return loss, math.nan
        labels = self.dataset.y_train if split == "train" else self.dataset.y_test
        return loss, float(np.mean(y.argmax(axis=1) == labels))  # softmax keeps the argmax of y

    def loss_on(self, split: str) -> float:
        """The mean loss over a whole split (NaN for an empty one), without the accuracy."""
        X, Y = self.split(split)
        return LOSS_FUNCTIONS[self.net.loss](self.net.forward(X)[0][-1], Y)[0] if len(X) else math.nan

    def accuracy(self, split: str) -> float:
        return self.evaluate(split)[1]


__all__ = ["Batch", "Config", "DivergedError", "Trainer"]

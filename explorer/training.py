"""A training session: a network, its data, the mini-batch order and what each step did.

No Streamlit here: the app keeps one `Trainer` per browser session and draws what it
holds, and the tests drive it directly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from explorer import data
from explorer.core import DivergedError, Gradients, Network


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


@dataclass
class Trainer:
    """Steps a `Network` through a data set one SGD update at a time."""

    config: Config
    dataset: data.Dataset
    net: Network = field(init=False)
    loss_history: list[float] = field(init=False, default_factory=list)
    test_loss_history: list[float] = field(init=False, default_factory=list)
    last: Gradients | None = field(init=False, default=None)
    last_batch: Batch | None = field(init=False, default=None)
    steps: int = field(init=False, default=0)
    epoch: int = field(init=False, default=0)
    position: int = field(init=False, default=0)  # rows of this epoch's order already used

    def __post_init__(self) -> None:
        sizes = [self.dataset.n_inputs, *self.config.hidden, self.dataset.n_outputs]
        self.net = Network(sizes, self.config.activation, self.config.loss, self.config.seed)
        self.Y_train = self.dataset.targets(self.config.loss, "train")
        self.Y_test = self.dataset.targets(self.config.loss, "test")

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

    def epoch_order(self, epoch: int) -> np.ndarray:
        """The order of the training rows in an epoch: a permutation drawn from (seed, epoch),
        so that everyone with the same link sees the same batches at every step."""
        return np.random.default_rng([self.config.seed, epoch]).permutation(self.n_train)

    def next_batch(self) -> Batch:
        """The next `batch` rows of this epoch's order (fewer at an epoch's end)."""
        if self.position >= self.n_train:
            self.epoch, self.position = self.epoch + 1, 0
        rows = self.epoch_order(self.epoch)[self.position : self.position + self.config.batch]
        return Batch(rows, self.dataset.X_train[rows], self.Y_train[rows], self.epoch)

    def step(self) -> Gradients:
        """One SGD update (17), (18) on the next mini-batch.

        On divergence the DivergedError propagates and nothing changes: not the
        weights, not the histories, not the position in the epoch.
        """
        batch = self.next_batch()
        g = self.net.step(batch.X, batch.Y, self.config.lr)
        self.epoch, self.position = batch.epoch, self.position + len(batch.rows)
        self.steps += 1
        self.last, self.last_batch = g, batch
        self.loss_history.append(g.loss)
        if self.has_test:
            self.test_loss_history.append(self.loss_on("test"))
        return g

    def run(self, n: int, progress: Callable[[int], None] | None = None) -> None:
        """n steps; `progress(i)` is called now and then; stops at the first divergence (raised)."""
        every = max(1, n // 50)
        for i in range(n):
            self.step()
            if progress is not None and (i + 1) % every == 0:
                progress(i + 1)

    def reset(self) -> None:
        """Back to the seeded weights and the first batch, histories cleared."""
        self.net.W, self.net.b = self.net.initial_parameters()
        self.loss_history.clear()
        self.test_loss_history.clear()
        self.last = self.last_batch = None
        self.steps = self.epoch = self.position = 0

    def grid(self, n: int = 60) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """The network's output over the input space around the data: for 1 input a line
        (xs, None, out[i]), for 2 inputs a grid (xs, ys, out[row of ys, column of xs])."""
        X = np.concatenate([self.dataset.X_train, self.dataset.X_test])
        lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
        xs = np.linspace(lo[0], hi[0], n)
        if X.shape[1] == 1:
            return xs, None, self.net.predict(xs[:, None])
        ys = np.linspace(lo[1], hi[1], n)
        points = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        return xs, ys, self.net.predict(points).reshape(n, n, -1)

    # -- metrics ---------------------------------------------------------------------

    def split(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        if split == "train":
            return self.dataset.X_train, self.Y_train
        return self.dataset.X_test, self.Y_test

    def loss_on(self, split: str) -> float:
        """The mean loss over a whole split (train or test)."""
        X, Y = self.split(split)
        return self.net.batch_loss(X, Y) if len(X) else math.nan

    def accuracy(self, split: str) -> float:
        """Share of rows whose largest output is the true class (classification only)."""
        X, _ = self.split(split)
        labels = self.dataset.y_train if split == "train" else self.dataset.y_test
        if not len(X) or self.dataset.task != "classification":
            return math.nan
        return float(np.mean(self.net.predict(X).argmax(axis=1) == labels))


__all__ = ["Batch", "Config", "DivergedError", "Trainer"]

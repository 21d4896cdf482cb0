"""A run's configuration and the one set of rules that makes it valid.

A shared link (`explorer.ui.links`), the sidebar and the trainer all take their bounds and
their rules from here: a value a link may carry is one the sidebar offers and the data and
the core accept, and a configuration is made valid the same way wherever it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from explorer.i18n import Message
from explorer.model import data, limits
from explorer.model.features import DEFAULT as PLAIN_INPUTS
from explorer.model.features import applies, width
from explorer.model.penalty import NONE, Penalty

MAX_HIDDEN_LAYERS = 6
MAX_HIDDEN_SIZE = 256  # 6 layers of 256 stay well within the core's 1,000,000 parameters
MAX_LR = 100.0
MAX_BATCH = 100_000  # what a link may ask for; `fit` brings it within the data and the budget
MAX_SEED = 2**32 - 1
MAX_NOISE = 1.0
MAX_TEST_FRACTION = data.MAX_TEST_FRACTION


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
    features: tuple[str, ...] = PLAIN_INPUTS  # the inputs of a 2-D data set (explorer.model.features)
    reg: str = "none"  # the penalty λR(W): none, l2 or l1 (explorer.model.penalty)
    lam: float = 0.01  # its rate λ

    def rebuild_key(self) -> tuple:
        """The fields whose change rebuilds the network from the seed (lr, batch and the penalty do not)."""
        return (self.dataset, self.hidden, self.activation, self.loss, self.seed, self.noise, self.test_fraction,
                self.features)

    @property
    def penalty(self) -> Penalty:
        return Penalty(self.reg, self.lam) if self.reg != "none" else NONE

    def sizes(self, dataset: data.Dataset) -> list[int]:
        """The layer sizes |l_1|, …, |l_n| of this configuration's network on `dataset`."""
        return [width(self.dataset, self.features, dataset.n_inputs), *self.hidden, dataset.n_outputs]

    def with_(self, **changes) -> Config:
        return replace(self, **changes)


def losses(dataset: data.Dataset) -> tuple[str, ...]:
    """The losses a data set can be trained with, the first the default: cross-entropy needs classes."""
    return ("cross_entropy", "mse") if dataset.task == "classification" else ("mse",)


def batch_bounds(sizes: list[int], dataset: data.Dataset) -> tuple[int, int]:
    """The largest batch the data's training rows allow, and the largest the session budget
    allows for a network of these layer sizes (explorer.model.limits.max_batch)."""
    return len(dataset.X_train), limits.max_batch(sizes, len(dataset.X_test))


def fit(config: Config, dataset: data.Dataset, said_loss: bool = True) -> tuple[Config, list[Message]]:
    """Make the combination valid on `dataset`: features only for a 2-D data set, the loss fits
    the task, the batch fits the data and the budget. One message per change, saying why; a
    loss nobody chose (`said_loss` False) changes without one."""
    problems = []
    if config.features != PLAIN_INPUTS and not applies(config.dataset):
        problems.append(Message("q_features_2d", dataset=config.dataset))
        config = config.with_(features=PLAIN_INPUTS)
    if config.loss not in losses(dataset):
        if said_loss:
            problems.append(Message("q_needs_classes", dataset=config.dataset))
        config = config.with_(loss=losses(dataset)[0])
    n_train, most = batch_bounds(config.sizes(dataset), dataset)
    if config.batch > n_train:
        problems.append(Message("q_batch_rows", batch=config.batch, n=n_train))
        config = config.with_(batch=n_train)
    if config.batch > most:
        problems.append(Message("q_batch_cost", batch=config.batch, most=most))
        config = config.with_(batch=most)
    return config, problems

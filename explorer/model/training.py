"""A training session: a network, its data, the mini-batch order and what each step did.

No Streamlit here: the app keeps one `Trainer` a browser session; the tests drive it directly.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from explorer.core import LOSS_FUNCTIONS, DivergedError, Gradients, Network, check_learning_rate
from explorer.model import data, edits, limits
from explorer.model.config import Config
from explorer.model.features import SHOWN, applies, expand
from explorer.model.norms import exceeds, largest, norm, squares
from explorer.model.snapshot import Batch, Snapshot

# A step blows up when its batch loss exceeds BLOW_UP_LOSS × the starting loss or a weight
# exceeds BLOW_UP_WEIGHT in size (a fresh network's weights are about 1); the trainer then
# goes back to the latest kept weights whose loss was within SANE_LOSS × the starting loss
# and whose weights are within SANE_WEIGHT. Long before anything overflows.
BLOW_UP_LOSS = 1e3
BLOW_UP_WEIGHT = 1e3
SANE_LOSS = 10.0
SANE_WEIGHT = 100.0
START_LOSS_ROWS = 256  # the starting loss is measured on the first rows of the training set


class BlowUpError(DivergedError):
    """Training blew up (η too large); the trainer went back to its last sane weights."""

    def __init__(self, step: int, loss: float, start_loss: float, back_to: int, lr: float):
        self.step, self.loss, self.start_loss, self.back_to, self.lr = step, loss, start_loss, back_to, lr
        super().__init__(f"the loss grew from {start_loss:.3g} to {loss:.3g} by step {step} at lr={lr:g}; "
                         f"back to the weights of step {back_to}")


@dataclass
class Trainer:
    """Steps a `Network` through a data set one SGD update at a time, keeping a history."""

    config: Config
    dataset: data.Dataset
    net: Network = field(init=False)
    # The batch loss of every update, and the test loss after it. Past limits.SERIES_POINTS
    # updates the older points are thinned (the latest limits.RECENT_POINTS stay exact).
    loss_history: list[float] = field(init=False, default_factory=list)
    test_loss_history: list[float] = field(init=False, default_factory=list)
    # Per step, a (3, layers) array: ‖δ^{l+1}‖ per sample (RMS over the batch), ‖∂L/∂W^l‖, ‖ΔW^l‖/‖W^l‖.
    norm_history: list[np.ndarray] = field(init=False, default_factory=list)
    history: deque[Snapshot] = field(init=False, default_factory=deque)
    # The step of each point of the curves above: 1, 2, 3, … until thinned (every second older point).
    curve_steps: list[int] = field(init=False, default_factory=list)
    steps: int = field(init=False, default=0)
    epoch: int = field(init=False, default=0)
    position: int = field(init=False, default=0)  # rows of this epoch's order already used

    def __post_init__(self) -> None:
        sizes = self.config.sizes(self.dataset)
        self.net = Network(sizes, self.config.activation, self.config.loss, self.config.seed)
        # Checked once here, so that a step (`Network.update`) need not scan its batch again.
        self.X_train, self.Y_train = self.net.check_batch(self.inputs(self.dataset.X_train),
                                                          self.dataset.targets(self.config.loss))
        self.X_test, self.Y_test = self.inputs(self.dataset.X_test), self.dataset.targets(self.config.loss, "test")
        if len(self.X_test):
            self.X_test, self.Y_test = self.net.check_batch(self.X_test, self.Y_test)
        # A split's loss and accuracy are measured on at most limits.eval_rows rows, evenly
        # spread and the same every time: on a 10,000-row CSV at the largest network the whole
        # split would make every Step cost about a second of the server shared by the class.
        self.measured = {split: np.unique(np.linspace(0, len(X) - 1, limits.measured_rows(sizes, len(X))).astype(int))
                         for split, X in (("train", self.X_train), ("test", self.X_test))}
        self._order = (-1, np.arange(0))  # (epoch, its order): one permutation drawn per epoch
        # What the page asks for on every rerun, computed once: the grid's points by size,
        # and by split the scores of the weights they were computed for (W and b lists, by
        # identity: a step, undo, reset or load puts new lists in the network).
        self._grid_points: dict[int, tuple[np.ndarray, np.ndarray | None, np.ndarray]] = {}
        self._scores: dict[str, tuple[list[np.ndarray], list[np.ndarray], tuple[float, float]]] = {}
        self._history_bytes = 0
        self._light = 0  # snapshots at the front of the history that keep only W and b
        self._W_squares: tuple[list[np.ndarray], list[float]] = ([], [])  # a W list and each W's sum of squares
        self._start_history()

    @classmethod
    def from_config(cls, config: Config, dataset: data.Dataset | None = None) -> Trainer:
        """A fresh trainer; the data set is loaded from the config unless one is given (a CSV)."""
        if dataset is None:
            dataset = data.load(
                config.dataset, noise=config.noise, test_fraction=config.test_fraction, seed=config.seed
            )
        return cls(config, dataset)

    def inputs(self, X: np.ndarray) -> np.ndarray:
        """The network's input a^1 for the data set's points X: their chosen features for a
        2-D data set (`explorer.model.features`), else X itself."""
        return expand(X, self.config.features) if applies(self.config.dataset) else X

    @property
    def input_names(self) -> tuple[str, ...]:
        """What each input neuron is fed: x₁, x₂, x₁², … for a 2-D data set, else the data's columns."""
        if applies(self.config.dataset):
            return tuple(SHOWN[name] for name in self.config.features)
        return self.dataset.feature_names

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
        """One SGD update (17), (18) on the next mini-batch. On divergence the DivergedError propagates
        and nothing changes: not the weights, not the histories, not the position in the epoch. A
        blow-up (see BLOW_UP_LOSS) takes the steps back to the last sane weights and raises BlowUpError."""
        batch = self.next_batch()
        W_before, b_before = self.net.W, self.net.b
        lr, penalty = check_learning_rate(self.config.lr), self.config.penalty
        # δ^1 updates nothing and only the lesson views show it: `complete` adds it when they do.
        g = self.net.backprop(batch.X, batch.Y, input_delta=False)
        dW = penalty.whole(g.dW, W_before)  # (17) with the penalty, the app's addition: ∂L/∂W + λ ∂R/∂W
        self.net.descend(dW, g.db, lr, g.loss)
        self.epoch = batch.epoch
        self.position = (0 if self.position >= self.n_train else self.position) + len(batch.rows)
        self.steps += 1
        self.curve_steps.append(self.steps)
        self.loss_history.append(g.loss)
        if self.has_test:
            self.test_loss_history.append(self.evaluate("test")[0])  # the page then shows it without a pass
        # The sums of squares of the new W and b, once: a bound on the largest weight for the
        # blow-up test, and ‖W‖ of the next step's ‖ΔW‖/‖W‖. Past 1e154 a square is inf, which
        # the blow-up test then scans: no warning for it.
        with np.errstate(over="ignore"):
            W_squares, b_squares = [squares(W) for W in self.net.W], [squares(b) for b in self.net.b]
        self.norm_history.append(self._norms(g, W_before, dW if penalty.active else None))
        self._W_squares = (self.net.W, W_squares)
        if len(self.curve_steps) > limits.SERIES_POINTS:
            self._thin_curves()
        kept = Snapshot(self.steps, self.net.W, self.net.b, g, batch, lr, W_before, b_before, self.epoch,
                        self.position, penalty=penalty, edited=self.current.edited)
        self._remember(kept)
        if g.loss > BLOW_UP_LOSS * self.start_loss or exceeds(self.net.W + self.net.b, W_squares + b_squares,
                                                               BLOW_UP_WEIGHT):
            self._roll_back(g.loss)
        return kept.g

    def _roll_back(self, loss: float) -> None:
        """Undo the steps of a blow-up, back to the latest kept weights that were sane."""
        step = self.steps
        while self.can_undo():
            loss_here = self.loss_history[-1]  # the loss of the weights before the latest step
            self.undo()
            if loss_here <= SANE_LOSS * self.start_loss and largest(self.net) <= SANE_WEIGHT:
                break
        raise BlowUpError(step, loss, self.start_loss, self.steps, self.config.lr)

    def _thin_curves(self) -> None:
        """Keep every second point of the older part of the curves; the latest stay exact."""
        older = len(self.curve_steps) - limits.RECENT_POINTS
        for series in (self.curve_steps, self.loss_history, self.test_loss_history, self.norm_history):
            if series:
                del series[1:older:2]

    def curve(self) -> tuple[list[int], list[float], list[float]]:
        """The steps, batch losses and test losses to draw: at most limits.DRAW_POINTS points."""
        keep = limits.thin(len(self.curve_steps), limits.DRAW_POINTS, limits.DRAW_RECENT)
        test = [self.test_loss_history[k] for k in keep] if self.test_loss_history else []
        return [self.curve_steps[k] for k in keep], [self.loss_history[k] for k in keep], test

    def _norms(self, g: Gradients, W_before: list[np.ndarray], dW: list[np.ndarray] | None = None) -> np.ndarray:
        """‖δ^{l+1}‖, ‖∂L/∂W^l‖ and ‖ΔW^l‖/‖W^l‖ with ΔW^l = −η dW^l: dW is what (17) stepped
        along when a penalty added to ∂L/∂W^l, None when it was ∂L/∂W^l itself."""
        B = len(g.delta[-1])
        dW_norms = [norm(d) for d in g.dW]
        step_norms = dW_norms if dW is None else [norm(d) for d in dW]
        kept, W_squares = self._W_squares  # summed by the step that made W_before, unless undo or reset came between
        W_norms = [math.sqrt(ss) for ss in W_squares] if kept is W_before else [norm(W) for W in W_before]
        return np.array([
            [norm(d) / math.sqrt(B) for d in g.delta[1:]],
            dW_norms,
            [self.config.lr * n / max(W_norm, 1e-300) for n, W_norm in zip(step_norms, W_norms)],
        ])

    def run(self, n: int, progress: Callable[[int], None] | None = None) -> None:
        """n steps; stops at the first divergence (raised). `progress(i)` is called after
        every limits.PROGRESS_SECONDS of work and at the end; between bursts of work the run
        pauses limits.YIELD_SECONDS so that other sessions' threads get the interpreter."""
        shown = time.perf_counter()
        for done in range(1, n + 1):
            self.step()
            if progress is not None and (done == n or time.perf_counter() - shown >= limits.PROGRESS_SECONDS):
                progress(done)
                if done < n:
                    time.sleep(limits.YIELD_SECONDS)
                shown = time.perf_counter()

    # -- history -------------------------------------------------------------------------

    def _start_history(self) -> None:
        self.history = deque()
        self._history_bytes = self._light = 0
        rows = self.X_train[:START_LOSS_ROWS]
        self.start_loss = max(self.net.batch_loss(rows, self.Y_train[:START_LOSS_ROWS]), 0.01)
        self._remember(Snapshot(self.steps, self.net.W, self.net.b, epoch=self.epoch, position=self.position))

    def _remember(self, snapshot: Snapshot) -> None:
        """Keep the snapshot within the budget of limits.HISTORY_BYTES for all but the latest:
        the oldest snapshots first lose all but W and b, then go (always keep two)."""
        history = self.history
        history.append(snapshot)
        self._history_bytes += snapshot.nbytes()
        while len(history) > 2 and (len(history) > limits.MAX_SNAPSHOTS + 1
                                    or self._history_bytes - snapshot.nbytes() > limits.HISTORY_BYTES):
            if self._light < len(history) - 1 and len(history) <= limits.MAX_SNAPSHOTS + 1:
                self._lighten(self._light)
            else:
                self._history_bytes -= history.popleft().nbytes()
                self._light = max(0, self._light - 1)
                if not self._light:  # its W_before would hold on to the W just dropped
                    self._lighten(0)

    def _lighten(self, k: int) -> None:
        light = self.history[k].lightened()
        self._history_bytes += light.nbytes() - self.history[k].nbytes()
        self.history[k] = light
        self._light = k + 1

    @property
    def history_bytes(self) -> int:
        """The memory all kept snapshots hold."""
        return self._history_bytes

    def snapshot(self, step: int, nth: int | None = 0) -> Snapshot:
        """The kept entry of a step after its `nth` hand edit (0: as stepped, None: its latest); KeyError if gone."""
        return edits.find(self.history, step, nth)

    def edit(self, l: int, i: int, j: int, value: object, bias: bool = False) -> Snapshot:
        """Set W^l[i, j] (or b^l[j]) by hand: an entry at this step that Undo takes back (explorer.model.edits)."""
        self._remember(edits.entry_of(self.net, self.current, self.config, l, i, j, value, bias))
        return self.current

    def can_undo(self) -> bool:
        return len(self.history) >= 2

    def undo(self) -> None:
        """Take back the latest entry (a step or a hand edit): weights, position, histories as before it."""
        if not self.can_undo():
            raise ValueError("nothing to undo: the step before this one is no longer kept")
        self._history_bytes -= self.history.pop().nbytes()
        self._light = min(self._light, len(self.history))
        before = self.current
        self.net.W, self.net.b = list(before.W), list(before.b)
        self.steps, self.epoch, self.position = before.step, before.epoch, before.position
        cut = bisect_right(self.curve_steps, self.steps)
        for series in (self.curve_steps, self.loss_history, self.test_loss_history, self.norm_history):
            del series[cut:]

    def reset(self, W: list[np.ndarray] | None = None, b: list[np.ndarray] | None = None, step: int = 0) -> None:
        """Back to the seeded weights (or the given ones, saved at `step`) and the batch that
        follows that step, histories cleared."""
        if W is None or b is None:
            W, b = self.net.initial_parameters()
        self.net.W, self.net.b = W, b
        for series in (self.curve_steps, self.loss_history, self.test_loss_history, self.norm_history):
            series.clear()
        self.steps, (self.epoch, self.position) = step, self.place(step)
        self._start_history()

    def place(self, step: int) -> tuple[int, int]:
        """(epoch, position) after `step` updates from the start: every epoch takes ⌈n/B⌉
        batches, its last one shorter, and ends with the position at n."""
        if step == 0:
            return 0, 0
        per_epoch = -(-self.n_train // self.config.batch)
        epoch, within = divmod(step - 1, per_epoch)
        return epoch, min((within + 1) * self.config.batch, self.n_train)

    def release(self) -> None:
        """Let go of the history, the weights and what was computed from them: its session has gone."""
        self.history.clear()
        self._history_bytes = self._light = 0
        self._grid_points.clear()
        self._scores.clear()
        self._W_squares = ([], [])
        self.net.W, self.net.b = [], []

    def complete(self, snapshot: Snapshot) -> Snapshot:
        """The snapshot with δ^1 in its gradients (a step leaves it out): the step's backprop
        again, from the weights and the batch it used, which gives every other array's bits too."""
        g = snapshot.g
        if g is None or g.delta[0] is not None:
            return snapshot
        used = self.net.with_parameters(snapshot.W_before, snapshot.b_before)
        return replace(snapshot, g=used.backprop(snapshot.batch.X, snapshot.batch.Y))

    def network_at(self, snapshot: Snapshot) -> Network:
        """The network with the weights it had at a kept step."""
        return self.net if snapshot is self.current else self.net.with_parameters(snapshot.W, snapshot.b)

    def grid_points(self, n: int) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """n points a side over the input space around the data: (xs, None, xs as a column) for
        1 input, (xs, ys, the network's input at every (x, y), row by row of ys) for 2, through
        the same features as the data (`inputs`); made once per n."""
        if n not in self._grid_points:
            X = np.concatenate([self.dataset.X_train, self.dataset.X_test])
            lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
            xs = np.linspace(lo[0], hi[0], n)
            ys = None if X.shape[1] == 1 else np.linspace(lo[1], hi[1], n)
            points = xs[:, None] if ys is None else np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
            self._grid_points[n] = (xs, ys, self.inputs(points))
        return self._grid_points[n]

    def grid(
        self, n: int | None = None, net: Network | None = None
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """A network's output y = z^n (by default this one's) over `grid_points`: for 1 input a
        line (xs, None, y[i]), for 2 inputs a grid (xs, ys, y[row of ys, column of xs]), n points
        a side (by default as many as limits.grid_side allows this network). For cross-entropy
        the class drawn is the argmax of y, as in the accuracy: softmax keeps it."""
        net = self.net if net is None else net
        n = limits.grid_side(net.sizes) if n is None else n
        xs, ys, points = self.grid_points(n)
        y = net.forward(points)[0][-1]
        return xs, ys, y if ys is None else y.reshape(n, n, -1)

    # -- metrics ---------------------------------------------------------------------

    def split(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        if split == "train":
            return self.X_train, self.Y_train
        return self.X_test, self.Y_test

    def evaluate(self, split: str) -> tuple[float, float]:
        """The mean loss over a split (train or test: its rows in `measured`, all of them unless
        the split is large for this network), and the share of those rows whose largest output
        is the true class (NaN for regression), from one forward pass per weights."""
        kept = self._scores.get(split)
        if kept is not None and kept[0] is self.net.W and kept[1] is self.net.b:
            return kept[2]
        self._scores[split] = (self.net.W, self.net.b, self._evaluate(split))
        return self._scores[split][2]

    def _evaluate(self, split: str) -> tuple[float, float]:
        X, Y = self.split(split)
        if not len(X):
            return math.nan, math.nan
        rows = self.measured[split]
        if len(rows) < len(X):
            X, Y = X[rows], Y[rows]
        y = self.net.forward(X)[0][-1]
        loss = LOSS_FUNCTIONS[self.net.loss](y, Y)[0]
        if self.dataset.task != "classification":
            return loss, math.nan
        labels = (self.dataset.y_train if split == "train" else self.dataset.y_test)[rows]
        right = np.count_nonzero(y.argmax(axis=1) == labels)  # softmax keeps the argmax of y
        return loss, right / len(labels)  # the bits of np.mean, without its overhead on every step

    def loss_on(self, split: str) -> float:
        return self.evaluate(split)[0]

    def accuracy(self, split: str) -> float:
        return self.evaluate(split)[1]


__all__ = ["Batch", "BlowUpError", "Config", "DivergedError", "Snapshot", "Trainer"]

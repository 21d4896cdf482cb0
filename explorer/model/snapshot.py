"""What a training session keeps of one step: its batch, and a snapshot of the network after it
with what the step computed (`explorer.model.training.Trainer` keeps a history of them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from explorer.core import Gradients
from explorer.model.penalty import NONE, Penalty
from explorer.notation import ROW, Notation, entry


@dataclass(frozen=True)
class Batch:
    """One mini-batch: which training rows, and the (X, Y) the step used."""

    rows: np.ndarray
    X: np.ndarray
    Y: np.ndarray
    epoch: int


@dataclass(frozen=True)
class Edit:
    """A hand edit (explorer.model.edits): W^l[i, j] (or b^l[j], with i = 1) set from `before` to `after`; 1-based.
    `nth`: which hand edit of its step it is, 1 for the first (`Snapshot.nth`)."""

    l: int
    i: int
    j: int
    bias: bool
    before: float
    after: float
    nth: int

    @property
    def name(self) -> str:
        """The entry as the derivation names it: W²₃,₄ or b²₄."""
        return self.written()

    def written(self, nt: Notation = ROW) -> str:
        """The entry as the notation `nt` names it: W²₃,₄ (W²₄,₃ in columns) or b²₄."""
        return entry("b", self.l, self.j) if self.bias else nt.entry("W", self.l, self.i, self.j)


@dataclass(frozen=True)
class Snapshot:
    """The network as it was after one step, and what that step computed.

    The arrays are shared, not copied: `Network.step` makes new W and b arrays each
    update and never writes into old ones, so a snapshot costs only its gradients.
    A `light` snapshot keeps only W and b (see `explorer.model.limits`).

    Its lists of arrays (W, b and the gradients' z, a, δ, ∂L/∂W, ∂L/∂b) are kept as tuples:
    the garbage collector soon stops visiting a tuple of arrays, but goes through every list
    on each full collection, which holds up every session's Step (a room of 60 kept over
    100,000 such lists; the README's benchmark table says what tuples saved).
    """

    step: int
    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]
    g: Gradients | None = None          # None for the starting point
    batch: Batch | None = None
    lr: float = 0.0
    W_before: tuple[np.ndarray, ...] | None = None
    b_before: tuple[np.ndarray, ...] | None = None
    epoch: int = 0
    position: int = 0
    light: bool = False
    penalty: Penalty = NONE  # the regularisation the step used, as `lr` its learning rate
    # A hand edit's entry (`Trainer.edit`): the edit, and g is the last batch's backprop at the
    # edited weights (W_before is W). `edited`: the hand edits in the run up to this entry.
    edit: Edit | None = None
    edited: int = 0
    # Summed once: the history budget asks for it several times a step.
    _nbytes: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("W", "b", "W_before", "b_before"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.g is not None:
            object.__setattr__(self, "g", _kept(self.g))
        arrays = list(self.W) + list(self.b)
        if self.g is not None:
            arrays += self.g.z + self.g.a + self.g.delta + self.g.dW + self.g.db
        if self.batch is not None:
            arrays += [self.batch.X, self.batch.Y]
        object.__setattr__(self, "_nbytes", sum(a.nbytes for a in arrays if a is not None))  # δ^1 may be left out

    @property
    def nth(self) -> int:
        """Which entry of its step this is: 0 the step as stepped, n the entry after its n-th hand edit."""
        return 0 if self.edit is None else self.edit.nth

    def nbytes(self) -> int:
        """The memory this snapshot holds on its own (W_before is the previous snapshot's W)."""
        return self._nbytes

    def lightened(self) -> Snapshot:
        """The same step with only its W and b."""
        return Snapshot(self.step, self.W, self.b, lr=self.lr, epoch=self.epoch, position=self.position, light=True,
                        penalty=self.penalty, edit=self.edit, edited=self.edited)

    def update_gradient(self) -> list[np.ndarray]:
        """What (17) stepped along: ∂L/∂W^l + λ ∂R/∂W^l at W_before (∂L/∂W^l itself without a
        penalty), so that the update is ΔW^l = −η times it. Only for a step that kept its gradients."""
        return self.penalty.whole(self.g.dW, self.W_before)

    def penalty_value(self) -> float:
        """λR(W) at the weights the step started from (0 without a penalty)."""
        return self.penalty.value(self.W_before)


def _kept(g: Gradients) -> Gradients:
    """g with its lists as tuples, to be kept in a snapshot (see `Snapshot`)."""
    return Gradients(g.loss, *(tuple(arrays) for arrays in (g.z, g.a, g.delta, g.dW, g.db)))

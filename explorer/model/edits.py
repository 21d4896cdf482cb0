"""Hand edits: one weight W^l[i, j] or bias b^l[j] set to a value typed on the page, so that a
teacher can show what that one number does (a weight set to 0, a sign flipped) with no step.

Each edit is one entry of the trainer's history at the step it was made (`Trainer.edit`),
after the step's own entry and its earlier edits, and knows which edit of its step it is
(`Edit.nth`): the history drops its oldest entries first, so a step's own entry may be gone
while some of its edits are kept, and only that number still says which entry is which. The
step counter does not move, the batch order and the curves do not change, and Undo takes it
back like a step, to the very same arrays. The entry's gradients are the last step's batch
through the edited weights, so that everything the board shows follows the edit: one backprop
of B rows (P × 3B multiply-adds, less than a step: within limits.MAX_UPDATE_SECONDS), one copy of
the edited matrix, and the redraw of a Step (the splits' loss, the regions: each within its limit).
What was typed is checked here; a message says what is wrong (an `explorer.i18n.Message`).
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np

from explorer.core import Network, check_learning_rate
from explorer.i18n import Message, code
from explorer.model import limits
from explorer.model.config import Config
from explorer.model.snapshot import Edit, Snapshot
from explorer.notation import sup

# The largest size a typed value may have: the size within which the trainer counts a weight
# as sane (training.SANE_WEIGHT: a blow-up goes back to weights within it). Typed text longer
# than TYPED_CHARACTERS is no number (read before parsing: the text comes from the page).
BOUND = 100.0
TYPED_CHARACTERS = 40


class EditError(ValueError):
    """An edit that cannot be made; the message (an `explorer.i18n.Message`) says why."""


def _index(k: object) -> bool:
    """Whether `k`, sent by the page, is an index: an int (true and false are not)."""
    return isinstance(k, int) and not isinstance(k, bool)


def value(typed: object) -> float:
    """A typed value as a float: a finite number within ±BOUND (a real minus sign is read too)."""
    text = typed.strip().replace("−", "-") if isinstance(typed, str) else typed
    try:
        if isinstance(text, bool) or (isinstance(text, str) and len(text) > TYPED_CHARACTERS):
            raise ValueError(text)
        number = float(text)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond any float
        raise EditError(Message("edit_not_number", text=code(typed))) from None
    if not math.isfinite(number):
        raise EditError(Message("edit_not_finite", text=code(typed)))
    if abs(number) > BOUND:
        raise EditError(Message("edit_too_large", text=code(typed), bound=f"{BOUND:g}"))
    return number


def edited(W: list[np.ndarray], b: list[np.ndarray], l: int, i: int, j: int, typed: object,
           bias: bool = False, nth: int = 1) -> tuple[list[np.ndarray], list[np.ndarray], Edit]:
    """New lists of W and b with W^l[i, j] (or b^l[j]) set to the typed value, as the step's
    `nth` hand edit; only that one matrix is copied (the others are shared: nothing ever writes
    into a kept array)."""
    layers = len(W)
    if not (_index(l) and 1 <= l <= layers):
        raise EditError(Message("edit_no_layer", l=l if _index(l) else code(l), n=layers))
    m, n = W[l - 1].shape
    rows = 1 if bias else m
    if not (_index(i) and _index(j) and 1 <= i <= rows and 1 <= j <= n):
        said = [k if _index(k) else code(k) for k in (i, j)]
        name = ("b" if bias else "W") + sup(l)
        raise EditError(Message("edit_no_entry", name=name, i=said[0], j=said[1], m=rows, n=n))
    after = value(typed)
    W, b = list(W), list(b)
    target = b if bias else W
    M = target[l - 1].copy()
    before = float(M[i - 1, j - 1])
    M[i - 1, j - 1] = after
    target[l - 1] = M
    return W, b, Edit(l, i, j, bias, before, after, nth)


def entry_of(net: Network, now: Snapshot, config: Config, l: int, i: int, j: int, typed: object,
             bias: bool = False) -> Snapshot:
    """Make the edit on the network, whose latest history entry is `now`; the entry that records
    it, for the trainer to keep. Nothing changes when the edit is refused (EditError) or its
    backprop diverges. Edits are made only at the latest step, so `now` is of the same step:
    its own entry (nth 0) or its latest edit."""
    W, b, change = edited(net.W, net.b, l, i, j, typed, bias, now.nth + 1)
    g = None if now.batch is None else net.with_parameters(W, b).backprop(now.batch.X, now.batch.Y, input_delta=False)
    net.W, net.b = W, b
    return Snapshot(now.step, W, b, g, now.batch, check_learning_rate(config.lr), W, b, now.epoch, now.position,
                    penalty=config.penalty, edit=change, edited=now.edited + 1)


def find(history: Sequence[Snapshot], step: int, nth: int | None = 0) -> Snapshot:
    """The kept entry of a step after its `nth` hand edit (0: the step as stepped), or with None
    its latest kept entry; KeyError if that very entry is no longer kept (never a neighbour).
    The history's steps never decrease."""
    if nth is None:
        k = bisect_right(history, step, key=lambda s: s.step) - 1
    else:
        # A step's entries come in order, numbered 0 (its own), 1, 2, …; the history drops
        # the oldest first, so those kept are numbered on from the first kept one.
        k = bisect_left(history, step, key=lambda s: s.step)
        if k < len(history):
            k += nth - history[k].nth
    if not (0 <= k < len(history) and history[k].step == step and (nth is None or history[k].nth == nth)):
        entry = "" if nth is None else f" after hand edit {nth}" if nth else " as stepped"
        raise KeyError(f"step {step}{entry} is not kept; steps {history[0].step} to {history[-1].step} are")
    return history[k]


def of_step(history: Sequence[Snapshot], step: int) -> list[Snapshot]:
    """The kept entries of a step in order: its own (unless dropped), then its hand edits."""
    k = bisect_left(history, step, key=lambda s: s.step)
    return list(itertools.takewhile(lambda s: s.step == step, itertools.islice(history, k, None)))


def offered(history: Sequence[Snapshot], step: int) -> list[Snapshot]:
    """The entries of a step that the History view offers to look back at: its own entry if it
    is still kept, and its latest limits.LISTED_EDITS hand edits (a step may have as many
    edits as the history keeps entries: a list of them all would not fit on the page)."""
    entries = of_step(history, step)
    own, made = (entries[:1], entries[1:]) if entries and entries[0].edit is None else ([], entries)
    return own + made[-limits.LISTED_EDITS:]

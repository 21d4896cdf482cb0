"""Predict, then step: questions about the next SGD update, with the answer key computed
before the update and the outcome read from what the update then did.

Every question is generated from the current network and the next batch
(`Trainer.next_batch`); `Network.gradients` on the current weights is exactly what the
step will compute, and W − η ∂L/∂W is the step's own arithmetic, so the key is known
before the step. Which layer, sample or neuron a question names is drawn from (seed,
step, kind): everyone on the same link at the same step gets the same question.
`outcome` then reads the answer off the step's snapshot (its δ, its ∂L/∂W, its weights
before and after): the page scores against that, and the tests check that key and
outcome agree.

A question is asked only where its answer is unique and clear on the step's own numbers,
with the margins below (stated to the student beside each question). Where no question
of the chosen kind has such an answer, `pick` asks another kind and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core import Gradients, Network
from explorer.i18n import Message
from explorer.model.penalty import NONE, Penalty
from explorer.model.training import Batch, Snapshot
from explorer.notation import ROW, Notation, number

KINDS = ("delta_sign", "zero_cells", "loss_down", "largest_change")
MAX_CELLS = 64    # a "which cells are zero" question offers every cell of W^l: at most this many
CANDIDATES = 4    # cells offered by "which weight changes most"
# The margins that make an answer clear (the page states them):
SIGN_MARGIN = 1e-6   # a δ is + or − when |δ| is at least this fraction of the largest |δ^l| of the batch
ZERO_MARGIN = 1e-9   # every nonzero cell of ∂L/∂W^l is at least this fraction of its largest
LOSS_MARGIN = 1e-9   # the batch loss changes by at least this fraction of itself
CHANGE_GAP = 0.1     # the largest |ΔW| offered beats every other choice by at least 10 % of itself
SIGNS = ("+", "−", "0")
LOSS_CHOICES = ("down", "not_down")


@dataclass(frozen=True)
class Question:
    """One prediction to commit before the step from `step` to `step + 1`.

    Indices are the derivation's, 1-based: δ^layer_{sample, neuron} for "delta_sign"; W^layer
    for "zero_cells" and "largest_change", cells as (i, j). `instead` is the kind asked
    for when no question of it had a clear answer and this one is asked in its place.
    """

    kind: str
    step: int
    prompt: Message
    choices: tuple
    answer: object      # the key: a sign, a frozenset of cells, "down"/"not_down", a cell
    layer: int = 0
    sample: int = 0
    neuron: int = 0
    instead: str | None = None


def kinds(net: Network) -> list[str]:
    """The kinds of question this network can be asked: zero cells need hidden ReLU units (f′ = 0
    on a unit that is off) and a W^l small enough to list; the largest change a W^l of 2 cells."""
    available = ["delta_sign"]
    if net.activation == "relu" and len(net.sizes) > 2 and _cell_layers(net, 1, MAX_CELLS):
        available.append("zero_cells")
    available.append("loss_down")
    if _cell_layers(net, 2, None):  # a W^l of one cell has nothing to choose between
        available.append("largest_change")
    return available


def _cell_layers(net: Network, low: int, high: int | None) -> list[int]:
    return [l for l, W in enumerate(net.W, 1) if W.size >= low and (high is None or W.size <= high)]


def _sign(value: float) -> str:
    return "+" if value > 0 else "−" if value < 0 else "0"


def _cell(flat: int, shape: tuple[int, int]) -> tuple[int, int]:
    i, j = np.unravel_index(flat, shape)
    return int(i) + 1, int(j) + 1


def zero_offered(net: Network, layer: int) -> bool:
    """Whether "0" is a choice for δ^layer: in a hidden ReLU layer a unit that is off has
    f′ = 0 and so δ = 0 exactly. Elsewhere an exact 0 (a saturated softmax, an exact fit) is
    no lesson of the layer, and such a δ is never asked."""
    return net.activation == "relu" and 1 < layer < len(net.sizes)


def zero_reason(net: Network, g: Gradients, layer: int, sample: int, neuron: int) -> Message | None:
    """Why δ^layer_{sample, neuron} is exactly 0, if it is for a reason a student can see: the
    ReLU unit is off (z ≤ 0, f′ = 0), or nothing comes back from the layer after it."""
    r, j = sample - 1, neuron - 1
    if g.delta[layer - 1][r, j] != 0 or not zero_offered(net, layer):
        return None
    z = g.z[layer - 1][r, j]
    if net.f_prime(g.z[layer - 1][r:r + 1], g.a[layer - 1][r:r + 1])[0, j] == 0:
        return Message("quiz_zero_relu_off", l=layer, l1=layer + 1, j=neuron, z=number(z))
    if not g.delta[layer][r].any():
        return Message("quiz_zero_nothing_back", l=layer, l1=layer + 1)
    return None


def _updated(net: Network, g: Gradients, lr: float, penalty: Penalty) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """W − η ∂L/∂W (17) and b − η ∂L/∂b (18), the step's own arithmetic and bits; with a penalty
    (the app's addition) W − η (∂L/∂W + λ ∂R/∂W), as the trainer steps."""
    dW = penalty.whole(g.dW, net.W)
    return [W - lr * d for W, d in zip(net.W, dW)], [b - lr * db for b, db in zip(net.b, g.db)]


def _delta_sign(net: Network, g: Gradients, batch: Batch, lr: float, step: int,
                rng: np.random.Generator, penalty: Penalty) -> Question | None:
    layers = []
    for layer in range(2, len(net.sizes) + 1):  # δ^2 … δ^n: the ones a step uses
        d = g.delta[layer - 1]
        scale = np.abs(d).max()
        clear = np.abs(d) >= SIGN_MARGIN * scale if scale > 0 else np.zeros(d.shape, dtype=bool)
        if zero_offered(net, layer):
            for r, j in zip(*np.nonzero(d == 0)):
                clear[r, j] = zero_reason(net, g, layer, int(r) + 1, int(j) + 1) is not None
        if clear.any():
            layers.append((layer, np.flatnonzero(clear)))
    if not layers:
        return None
    layer, cells = layers[int(rng.integers(len(layers)))]
    sample, neuron = _cell(int(rng.choice(cells)), g.delta[layer - 1].shape)
    return Question("delta_sign", step, Message("quiz_q_delta_sign", l=layer, r=sample, j=neuron, B=len(batch.X)),
                    SIGNS if zero_offered(net, layer) else SIGNS[:2],
                    _sign(g.delta[layer - 1][sample - 1, neuron - 1]), layer, sample, neuron)


def _zero_cells(net: Network, g: Gradients, batch: Batch, lr: float, step: int,
                rng: np.random.Generator, penalty: Penalty) -> Question | None:
    clear = []
    for layer in _cell_layers(net, 1, MAX_CELLS):
        size = np.abs(g.dW[layer - 1])
        if not ((size == 0) | (size >= ZERO_MARGIN * size.max())).all():
            continue  # a cell too close to 0 to call either way
        clear.append(layer)
    if not clear:
        return None
    layer = int(rng.choice(clear))
    dW = g.dW[layer - 1]
    cells = tuple(_cell(flat, dW.shape) for flat in range(dW.size))
    zero = frozenset(_cell(flat, dW.shape) for flat in np.flatnonzero(dW == 0))
    return Question("zero_cells", step, Message("quiz_q_zero_cells", l=layer, l1=layer + 1), cells, zero, layer)


def _loss_down(net: Network, g: Gradients, batch: Batch, lr: float, step: int,
                rng: np.random.Generator, penalty: Penalty) -> Question | None:
    after = net.with_parameters(*_updated(net, g, lr, penalty))
    with np.errstate(over="ignore", invalid="ignore"):
        loss = after.batch_loss(batch.X, batch.Y)
    if np.isfinite(loss) and abs(loss - g.loss) < LOSS_MARGIN * max(abs(loss), abs(g.loss)):
        return None
    down = loss < g.loss  # NaN or inf (a blow-up) is not "down"
    return Question("loss_down", step, Message("quiz_q_loss_down", lr=repr(lr)), LOSS_CHOICES,
                    "down" if down else "not_down")


def _largest_change(net: Network, g: Gradients, batch: Batch, lr: float, step: int,
                rng: np.random.Generator, penalty: Penalty) -> Question | None:
    W_after, _ = _updated(net, g, lr, penalty)
    clear = []
    for layer in _cell_layers(net, 2, None):
        change = np.abs(W_after[layer - 1] - net.W[layer - 1]).reshape(-1)  # |ΔW^l| as the step makes it
        top = int(change.argmax())
        # Every other choice at most (1 − CHANGE_GAP) of the largest: one clear answer, never a
        # tie (softmax with two classes makes the two columns of ∂L/∂W^{n-1} exact opposites).
        others = np.flatnonzero(change <= (1 - CHANGE_GAP) * change[top])
        if change[top] > 0 and len(others):
            clear.append((layer, top, others, change.size))
    if not clear:
        return None
    layer, top, others, _size = clear[int(rng.integers(len(clear)))]
    shape = net.W[layer - 1].shape
    offered = rng.permutation([top, *rng.permutation(others)[:CANDIDATES - 1]])
    return Question("largest_change", step, Message("quiz_q_largest_change", l=layer),
                    tuple(_cell(int(flat), shape) for flat in offered), _cell(top, shape), layer)


_ASK = {"delta_sign": _delta_sign, "zero_cells": _zero_cells, "loss_down": _loss_down,
        "largest_change": _largest_change}


def ask(kind: str, net: Network, batch: Batch, lr: float, step: int, seed: int = 0,
        penalty: Penalty = NONE) -> Question | None:
    """The question of `kind` about the update of `net` on `batch` at learning rate `lr` (and
    `penalty`, which the weights' changes count); None when no question of that kind has a
    clear answer at this step."""
    if kind not in kinds(net):
        raise ValueError(f"kind must be one of {', '.join(kinds(net))} for this network, got {kind!r}")
    rng = np.random.default_rng([seed, step, KINDS.index(kind)])
    g = net.gradients(batch.X, batch.Y)  # exactly what the step will compute
    return _ASK[kind](net, g, batch, lr, step, rng, penalty)


def pick(kind: str, net: Network, batch: Batch, lr: float, step: int, seed: int = 0,
         penalty: Penalty = NONE) -> Question | None:
    """The question of `kind`, or where it has no clear answer the next kind that has one
    (its `instead` names `kind`); None when no kind has (the page then says so)."""
    available = kinds(net)
    start = available.index(kind) if kind in available else 0
    for k, other in enumerate(available[start:] + available[:start]):
        question = ask(other, net, batch, lr, step, seed, penalty)
        if question is not None:
            return question if k == 0 and kind in available else _instead(question, kind)
    return None


def _instead(question: Question, kind: str) -> Question:
    return Question(question.kind, question.step, question.prompt, question.choices, question.answer,
                    question.layer, question.sample, question.neuron, instead=kind)


def margin(kind: str) -> Message:
    """How this kind of question is judged, to state beside it."""
    return Message(f"quiz_margin_{kind}", sign=f"{SIGN_MARGIN:g}", zero=f"{ZERO_MARGIN:g}",
                   loss=f"{LOSS_MARGIN:g}", gap=f"{CHANGE_GAP:.0%}")


def why(kind: str) -> Message:
    """Why no question of `kind` has a clear answer at a step, by the margins above."""
    return Message(f"quiz_why_{kind}", loss=f"{LOSS_MARGIN:g}", gap=f"{CHANGE_GAP:.0%}")


def outcome(question: Question, snapshot: Snapshot, after: Network) -> object:
    """What the step computed, in the question's terms: read from the step's snapshot (its δ,
    ∂L/∂W, weights before and after) and `after`, the network holding its new weights."""
    g, l = snapshot.g, question.layer
    if question.kind == "delta_sign":
        return _sign(g.delta[l - 1][question.sample - 1, question.neuron - 1])
    if question.kind == "zero_cells":
        dW = g.dW[l - 1]
        return frozenset(_cell(flat, dW.shape) for flat in np.flatnonzero(dW == 0))
    if question.kind == "loss_down":
        return "down" if after.batch_loss(snapshot.batch.X, snapshot.batch.Y) < g.loss else "not_down"
    change = np.abs(snapshot.W[l - 1] - snapshot.W_before[l - 1])  # the real ΔW^l
    return max(question.choices, key=lambda cell: change[cell[0] - 1, cell[1] - 1])


def facts(question: Question, snapshot: Snapshot, after: Network, nt: Notation = ROW) -> Message:
    """The step's own numbers behind the outcome, to show beside the verdict (cells of W named
    in the notation `nt`)."""
    g, l = snapshot.g, question.layer
    if question.kind == "delta_sign":
        value = g.delta[l - 1][question.sample - 1, question.neuron - 1]
        rule = zero_reason(after, g, l, question.sample, question.neuron) or Message(
            "quiz_f_output" if l == len(after.sizes) else "quiz_f_hidden", l=l, l1=l + 1)
        return Message("quiz_f_delta_sign", l=l, r=question.sample, j=question.neuron, value=number(value),
                       rule=rule)
    if question.kind == "zero_cells":
        zero = sorted(outcome(question, snapshot, after))
        cells = ", ".join("({}, {})".format(*nt.pair(i, j)) for i, j in zero) or "—"
        return Message("quiz_f_zero_cells", l=l, l1=l + 1, n=len(zero), total=g.dW[l - 1].size, cells=cells)
    if question.kind == "loss_down":
        return Message("quiz_f_loss_down", before=f"{g.loss:.6g}",
                       after=f"{after.batch_loss(snapshot.batch.X, snapshot.batch.Y):.6g}")
    change = snapshot.W[l - 1] - snapshot.W_before[l - 1]
    (i, j), *rest = sorted(question.choices, key=lambda cell: -abs(change[cell[0] - 1, cell[1] - 1]))
    runner = max((abs(change[a - 1, b - 1]) for a, b in rest), default=0.0)
    return Message("quiz_f_largest_change", l=l, i=i, j=j, value=number(change[i - 1, j - 1]),
                   next=number(runner))

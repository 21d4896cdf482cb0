"""Predict, then step: questions about the next SGD update, with the answer key computed
before the update and the outcome read from what the update then did.

Every question is generated from the current network and the next batch
(`Trainer.next_batch`); `Network.gradients` on the current weights is exactly what the
step will compute, so the key is known before the step. Which layer, sample or neuron a
question names is drawn from (seed, step, kind): everyone on the same link at the same
step gets the same question. `outcome` then reads the answer off the step's snapshot (its
δ, its ∂L/∂W, its weights before and after): the page scores against that, and the tests
check that key and outcome agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core import Network
from explorer.i18n import Message
from explorer.model.training import Batch, Snapshot

KINDS = ("delta_sign", "zero_cells", "loss_down", "largest_change")
MAX_CELLS = 64    # a "which cells are zero" question offers every cell of W^l: at most this many
CANDIDATES = 4    # cells offered by "which weight changes most"
TIE = 1e-9        # changes closer than this (relative) to the largest count as ties
SIGNS = ("+", "−", "0")
LOSS_CHOICES = ("down", "not_down")


@dataclass(frozen=True)
class Question:
    """One prediction to commit before the step from `step` to `step + 1`.

    Indices are the seed's, 1-based: δ^layer_{sample, neuron} for "delta_sign"; W^layer
    for "zero_cells" and "largest_change", cells as (i, j).
    """

    kind: str
    step: int
    prompt: Message
    choices: tuple
    answer: object      # the key: a sign, a frozenset of cells, "down"/"not_down", a cell
    layer: int = 0
    sample: int = 0
    neuron: int = 0


def kinds(net: Network) -> list[str]:
    """The kinds of question this network can be asked: zero cells need ReLU (f′ = 0 on a
    unit that is off) and a W^l small enough to list; the largest change a W^l of 2 cells."""
    available = ["delta_sign"]
    if net.activation == "relu" and _cell_layers(net, 1, MAX_CELLS):
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


def ask(kind: str, net: Network, batch: Batch, lr: float, step: int, seed: int = 0) -> Question:
    """The question of `kind` about the update of `net` on `batch` at learning rate `lr`."""
    if kind not in kinds(net):
        raise ValueError(f"kind must be one of {', '.join(kinds(net))} for this network, got {kind!r}")
    rng = np.random.default_rng([seed, step, KINDS.index(kind)])
    g = net.gradients(batch.X, batch.Y)  # exactly what the step will compute
    if kind == "delta_sign":
        layer = int(rng.integers(2, len(net.sizes) + 1))  # δ^2 … δ^n: the ones a step uses
        sample, neuron = int(rng.integers(len(batch.X))) + 1, int(rng.integers(net.sizes[layer - 1])) + 1
        zero_possible = net.activation == "relu" and layer < len(net.sizes)
        return Question(kind, step, Message("quiz_q_delta_sign", l=layer, r=sample, j=neuron, B=len(batch.X)),
                        SIGNS if zero_possible else SIGNS[:2], _sign(g.delta[layer - 1][sample - 1, neuron - 1]),
                        layer, sample, neuron)
    if kind == "zero_cells":
        layer = int(rng.choice(_cell_layers(net, 1, MAX_CELLS)))
        dW = g.dW[layer - 1]
        cells = tuple(_cell(flat, dW.shape) for flat in range(dW.size))
        zero = frozenset(_cell(flat, dW.shape) for flat in np.flatnonzero(dW == 0))
        return Question(kind, step, Message("quiz_q_zero_cells", l=layer, l1=layer + 1), cells, zero, layer)
    if kind == "loss_down":
        after = net.with_parameters([W - lr * dW for W, dW in zip(net.W, g.dW)],  # (17)
                                    [b - lr * db for b, db in zip(net.b, g.db)])  # (18)
        with np.errstate(over="ignore", invalid="ignore"):
            down = after.batch_loss(batch.X, batch.Y) < g.loss  # NaN (a blow-up) is not "down"
        return Question(kind, step, Message("quiz_q_loss_down", lr=repr(lr)), LOSS_CHOICES,
                        "down" if down else "not_down")
    layer = int(rng.choice(_cell_layers(net, 2, None)))
    change = np.abs(lr * g.dW[layer - 1])  # |ΔW^l| = η |∂L/∂W^l|, (17)
    largest = int(change.argmax())
    # Cells whose change ties the largest up to rounding are not offered (softmax with two
    # classes makes the two columns of ∂L/∂W^{n-1} exact opposites): one right answer.
    distinct = np.flatnonzero(change.reshape(-1) < change.max() * (1 - TIE))
    others = rng.permutation(distinct)[:CANDIDATES - 1]
    offered = rng.permutation([largest, *others])
    return Question(kind, step, Message("quiz_q_largest_change", l=layer),
                    tuple(_cell(int(flat), change.shape) for flat in offered), _cell(largest, change.shape), layer)


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


def facts(question: Question, snapshot: Snapshot, after: Network) -> Message:
    """The step's own numbers behind the outcome, to show beside the verdict."""
    g, l = snapshot.g, question.layer
    if question.kind == "delta_sign":
        rule = "quiz_f_output" if l == len(after.sizes) else "quiz_f_hidden"
        value = g.delta[l - 1][question.sample - 1, question.neuron - 1]
        return Message("quiz_f_delta_sign", l=l, r=question.sample, j=question.neuron, value=f"{value:.4g}",
                       rule=Message(rule, l=l, l1=l + 1))
    if question.kind == "zero_cells":
        zero = sorted(outcome(question, snapshot, after))
        cells = ", ".join(f"[{i}, {j}]" for i, j in zero) or "—"
        return Message("quiz_f_zero_cells", l=l, l1=l + 1, n=len(zero), total=g.dW[l - 1].size, cells=cells)
    if question.kind == "loss_down":
        return Message("quiz_f_loss_down", before=f"{g.loss:.6g}",
                       after=f"{after.batch_loss(snapshot.batch.X, snapshot.batch.Y):.6g}")
    i, j = outcome(question, snapshot, after)
    delta = snapshot.W[l - 1][i - 1, j - 1] - snapshot.W_before[l - 1][i - 1, j - 1]
    return Message("quiz_f_largest_change", l=l, i=i, j=j, value=f"{delta:.4g}")

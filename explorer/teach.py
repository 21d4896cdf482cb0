"""The derivation with live numbers: the seed's formulas as LaTeX, filled in with the
values of a step, and one SGD update split into its phases.

Pure functions of the arrays a step computed (`Gradients`, a `Snapshot`); the numbers
written into each formula are the core's own, never recomputed another way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core import Gradients, Network, cross_entropy, log_softmax, mse
from explorer.training import Snapshot

# A matrix is written out in full up to this many rows and columns; larger ones by shape.
WRITE_OUT = 6


def shape(M: np.ndarray) -> str:
    return f"{M.shape[0]}\\times{M.shape[1]}"


def number(v: float) -> str:
    """A number for a formula: four significant digits, a real minus sign."""
    return f"{v:.4g}".replace("e", r"\mathrm{e}")


def matrix(M: np.ndarray, limit: int = WRITE_OUT) -> str:
    """LaTeX for M: its entries when it is small, else a placeholder with its shape."""
    if M.shape[0] > limit or M.shape[1] > limit:
        return rf"\underset{{{shape(M)}}}{{[\;\cdots\;]}}"
    rows = [" & ".join(number(v) for v in row) for row in M]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


@dataclass(frozen=True)
class Equation:
    number: str  # the seed's formula number, e.g. "(8)"
    symbolic: str  # the formula in the seed's notation
    numeric: str  # the same formula with this step's values
    note: str = ""


def dL_dW(g: Gradients, l: int) -> Equation:
    """(8) for layer l (1-based): ∂L/∂W^l = (a^l)^T δ^{l+1}, the batch mean."""
    a, d, dW = g.a[l - 1], g.delta[l], g.dW[l - 1]
    B = len(d)
    return Equation(
        "(8)",
        rf"\frac{{\partial L}}{{\partial W^{{{l}}}}} = \frac{{1}}{{B}} (a^{{{l}}})^T \delta^{{{l + 1}}}",
        rf"\frac{{1}}{{{B}}} \underbrace{{{matrix(a.T)}}}_{{{shape(a.T)}}}"
        rf"\underbrace{{{matrix(d)}}}_{{{shape(d)}}} = \underbrace{{{matrix(dW)}}}_{{{shape(dW)}}}",
        "Row r of a^l and of δ^{l+1} belong to sample r; the product sums over the batch, 1/B makes it a mean.",
    )


def dL_db(g: Gradients, l: int) -> Equation:
    """(9): ∂L/∂b^l = δ^{l+1}, the batch mean of its rows."""
    d, db = g.delta[l], g.db[l - 1]
    return Equation(
        "(9)",
        rf"\frac{{\partial L}}{{\partial b^{{{l}}}}} = \frac{{1}}{{B}}\sum_{{r=1}}^{{B}} \delta^{{{l + 1}}}_r",
        rf"\frac{{1}}{{{len(d)}}}\sum_r {matrix(d)}_r = \underbrace{{{matrix(db)}}}_{{{shape(db)}}}",
    )


def delta_back(net: Network, g: Gradients, W: list[np.ndarray], l: int) -> Equation:
    """(15): δ^l = δ^{l+1} (W^l)^T, ⊙ f'(z^l) for a hidden layer; W is the weights the step used."""
    d_next, Wt, d = g.delta[l], W[l - 1].T, g.delta[l - 1]
    numeric = rf"\underbrace{{{matrix(d_next)}}}_{{{shape(d_next)}}}\underbrace{{{matrix(Wt)}}}_{{{shape(Wt)}}}"
    if l == 1:
        return Equation(
            "(15)", r"\delta^{1} = \delta^{2} (W^{1})^T", numeric + rf" = {matrix(d)}",
            "δ^1 = ∂L/∂x is the gradient with respect to the input: no activation, nothing to update.",
        )
    f_prime = net.f_prime(g.z[l - 1], g.a[l - 1])
    return Equation(
        "(15)",
        rf"\delta^{{{l}}} = \delta^{{{l + 1}}} (W^{{{l}}})^T \odot f'(z^{{{l}}})",
        numeric + rf"\odot \underbrace{{{matrix(f_prime)}}}_{{f'(z^{{{l}}})}}"
        rf" = \underbrace{{{matrix(d)}}}_{{{shape(d)}}}",
        f"f = {net.activation}: the seed's (15) is for f = identity; a hidden activation multiplies in f'(z^l).",
    )


def output_delta(loss: str, g: Gradients, Y: np.ndarray) -> Equation:
    """(21) δ^n = y − y* for MSE, (25) δ^n = a − y* with a = softmax(y) for cross-entropy."""
    n, y, d = len(g.z), g.z[-1], g.delta[-1]
    if loss == "mse":
        return Equation("(21)", rf"\delta^{{{n}}} = y - y^*", rf"{matrix(y)} - {matrix(Y)} = {matrix(d)}",
                        "MSE (19): L = ½ Σ_j (y_j − y*_j)², so ∂L/∂y = y − y*.")
    a = np.exp(log_softmax(y))
    return Equation("(25)", rf"\delta^{{{n}}} = a - y^*,\quad a = \mathrm{{softmax}}(y)\;(22)",
                    rf"{matrix(a)} - {matrix(Y)} = {matrix(d)}",
                    "Softmax cross-entropy (23): L = −Σ_i y*_i log a_i, so ∂L/∂y = a − y*.")


def update(s: Snapshot, l: int) -> list[Equation]:
    """(17), (18) for layer l with the weights before and after the step."""
    dW, db = s.g.dW[l - 1], s.g.db[l - 1]
    return [
        Equation("(17)", rf"W^{{{l}}} \leftarrow W^{{{l}}} - \eta \frac{{\partial L}}{{\partial W^{{{l}}}}}",
                 rf"{matrix(s.W_before[l - 1])} - {number(s.lr)}\,{matrix(dW)} = {matrix(s.W[l - 1])}"),
        Equation("(18)", rf"b^{{{l}}} \leftarrow b^{{{l}}} - \eta \frac{{\partial L}}{{\partial b^{{{l}}}}}",
                 rf"{matrix(s.b_before[l - 1])} - {number(s.lr)}\,{matrix(db)} = {matrix(s.b[l - 1])}"),
    ]


def layer_equations(net: Network, s: Snapshot, l: int) -> list[Equation]:
    """Every formula of a step that involves layer l's W^l, b^l and δ^{l+1}, in backward order."""
    g = s.g
    equations = []
    if l == len(net.sizes) - 1:
        equations.append(output_delta(net.loss, g, s.batch.Y))
    equations += [dL_dW(g, l), dL_db(g, l), delta_back(net, g, s.W_before, l)]
    return equations + update(s, l)


def cell_terms(g: Gradients, l: int, i: int, j: int) -> dict[str, np.ndarray]:
    """The terms of ∂L/∂W^l_{ij} (1-based i, j): column i of a^l and column j of δ^{l+1},
    sample by sample, whose products' mean over the batch is the entry."""
    a_i, d_j = g.a[l - 1][:, i - 1], g.delta[l][:, j - 1]
    return {"sample r": np.arange(1, len(a_i) + 1), f"a^{l}_r,{i}": a_i, f"δ^{l + 1}_r,{j}": d_j,
            "product": a_i * d_j}


def output_deltas(
    net: Network, W: list[np.ndarray], b: list[np.ndarray], X: np.ndarray, Y: np.ndarray
) -> tuple[np.ndarray, tuple[float, np.ndarray], tuple[float, np.ndarray]]:
    """δ^n by (21) and by (25) for the same network, weights and batch: y − y* and a − y*."""
    y = net.with_parameters(W, b).forward(np.asarray(X, dtype=np.float64))[0][-1]
    (mse_loss, mse_delta), (ce_loss, ce_delta) = mse(y, Y), cross_entropy(y, Y)
    return y, (mse_loss, mse_delta), (ce_loss, ce_delta)


# -- one update, phase by phase ------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    title: str
    equation: Equation
    shows: dict[str, np.ndarray]  # what the phase computed, by name
    layer: int | None = None  # the layer l whose W^l it concerns, if any


def phases(net: Network, g: Gradients, Y: np.ndarray, lr: float) -> list[Phase]:
    """One SGD update in the order it is computed: forward layer by layer, the loss, δ^n,
    back through each layer (δ, ∂W, ∂b), and the update. `g` is the core's result for
    the batch; the last phase is carried out by the core's `step` itself."""
    n, out = len(net.sizes), []
    for i in range(1, n):
        z, a_prev = g.z[i], g.a[i - 1]
        act = rf"\quad a^{{{i + 1}}} = f(z^{{{i + 1}}})" if i < n - 1 else rf"\quad y = z^{{{n}}}"
        out.append(Phase(
            f"Forward: layer {i} → {i + 1}",
            Equation("", rf"z^{{{i + 1}}} = a^{{{i}}} W^{{{i}}} + b^{{{i}}}" + act,
                     rf"{matrix(a_prev)} {matrix(net.W[i - 1])} + {matrix(net.b[i - 1])} = {matrix(z)}"),
            {f"z^{i + 1}": z, f"a^{i + 1}": g.a[i]} if i < n - 1 else {f"y = z^{n}": z},
            i,
        ))
    loss_number = "(19)" if net.loss == "mse" else "(22), (23)"
    loss_formula = (r"L = \frac{1}{B}\sum_r \tfrac12 \lVert y_r - y^*_r \rVert^2" if net.loss == "mse"
                    else r"L = -\frac{1}{B}\sum_r \sum_i y^*_{r,i} \log a_{r,i}")
    out.append(Phase("Loss", Equation(loss_number, loss_formula, rf"L = {number(g.loss)}"), {"y*": Y}))
    out.append(Phase(f"Output error δ^{n}", output_delta(net.loss, g, Y), {f"δ^{n}": g.delta[-1]}, n - 1))
    for l in range(n - 1, 0, -1):
        for equation in (dL_dW(g, l), dL_db(g, l), delta_back(net, g, net.W, l)):
            shows = {"(8)": {f"∂L/∂W^{l}": g.dW[l - 1]}, "(9)": {f"∂L/∂b^{l}": g.db[l - 1]},
                     "(15)": {f"δ^{l}": g.delta[l - 1]}}[equation.number]
            out.append(Phase(f"Backward: {equation.number} at layer {l}", equation, shows, l))
    W_after = [W - lr * dW for W, dW in zip(net.W, g.dW)]
    out.append(Phase(
        "Update every W and b",
        Equation("(17), (18)", r"W \leftarrow W - \eta \frac{\partial L}{\partial W},\quad"
                 r" b \leftarrow b - \eta \frac{\partial L}{\partial b}", rf"\eta = {number(lr)}"),
        {f"W^{k + 1} (new)": W for k, W in enumerate(W_after)},
    ))
    return out


# -- a worked step to take away --------------------------------------------------------------


def fits_handout(net: Network, batch: int) -> bool:
    """Whether every matrix of a step is small enough to be written out in full."""
    return max(net.sizes) <= WRITE_OUT and batch <= WRITE_OUT


def handout(net: Network, s: Snapshot, title: str = "One SGD step, worked") -> str:
    """Markdown with LaTeX: every intermediate number of the step in snapshot `s`
    (meant for networks where `fits_handout`; larger matrices appear by shape)."""
    g, n = s.g, len(net.sizes)
    lines = [f"# {title}", "",
             f"Network {net.sizes}, activation f = {net.activation}, loss = {net.loss}, "
             f"η = {number(s.lr)}, batch B = {len(g.z[0])}, step {s.step}.", "",
             "Row vectors, one sample a row, as in the derivation: z^{i+1} = a^i W^i + b^i, δ^i = ∂L/∂z^i.", ""]

    def block(label: str, latex: str) -> None:
        lines.extend([f"**{label}**", "", f"$$\n{latex}\n$$", ""])

    block("Input and targets", rf"X = a^1 = {matrix(g.z[0])},\quad y^* = {matrix(s.batch.Y)}")
    for phase in phases(net.with_parameters(s.W_before, s.b_before), g, s.batch.Y, s.lr)[:-1]:
        e = phase.equation
        label = phase.title if e.number in phase.title else f"{phase.title} {e.number}"
        block(label.strip(), rf"{e.symbolic} \\ {e.numeric}")
    for l in range(1, n):
        for e in update(s, l):
            block(f"Update {e.number}, layer {l}", rf"{e.symbolic} \\ {e.numeric}")
    return "\n".join(lines)


__all__ = ["Equation", "Phase", "cell_terms", "fits_handout", "handout", "layer_equations", "output_deltas", "phases"]

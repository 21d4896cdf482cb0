"""The derivation with live numbers: its formulas as LaTeX, filled in with the values of a
step, and one SGD update split into its phases.

Pure functions of the arrays a step computed (`Gradients`, a `Snapshot`); the numbers
written into each formula are the core's own. Where a formula is shown two ways (the
unrolled chain (16) against (15), the softmax Jacobian (24) against (25), one entry's sum
(13) against the matrix product) the second way is computed here, and the tests check
that the two agree.

Each `Equation` says where it comes from: the derivation's formula as it writes it (one
sample, no activation), or what the app adds to it (a = f(z), ⊙ f′, the batch mean 1/B).
Prose comes in the language asked for (`lang`, "en" or "zh").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer import i18n
from explorer.core import Gradients, Network, cross_entropy, log_softmax, mse
from explorer.model.penalty import NONE, Penalty
from explorer.model.training import Snapshot
from explorer.notation import sub, sup

# A matrix is written out in full up to this many rows and columns; larger ones by shape.
# A per-sample matrix (one row per sample of the batch) is instead written as its first k
# samples (k ≤ WRITE_OUT) and its first WRITE_OUT columns: at most (k+1)×(WRITE_OUT+1) cells.
WRITE_OUT = 6
# A sum is written term by term up to this many terms; longer ones end in "+ ⋯".
WRITE_TERMS = 6


def shape(M: np.ndarray) -> str:
    return f"{M.shape[0]}\\times{M.shape[1]}"


def number(v: float) -> str:
    """A number for a formula: four significant digits; never "-0" (an exact −0.0 is 0)."""
    return f"{v + 0.0:.4g}".replace("e", r"\mathrm{e}")


def signed(v: float) -> str:
    """A number after a binary operator: in parentheses when negative."""
    return f"({number(v)})" if v < 0 else number(v)


def matrix(M: np.ndarray, rows: int = WRITE_OUT, transposed: bool = False, label: bool = True) -> str:
    """LaTeX for M, or for M^T if `transposed`: the core's own entries of its first `rows` rows
    (of a per-sample matrix: its first samples; at most WRITE_OUT) and first WRITE_OUT columns,
    sliced, never recomputed. A ⋮ row (a ⋯ column in M^T) stands for the rows left out, a ⋯
    column for the columns past WRITE_OUT; then, if `label`, the full shape is written under
    it. When nothing is left out this is every entry of M."""
    k, (size, width) = max(1, min(rows, WRITE_OUT)), M.shape
    more = [r"\cdots"] if width > WRITE_OUT else []  # columns past WRITE_OUT
    cells = [[number(v) for v in row[:WRITE_OUT]] + more for row in M[:k]]
    if size > k:  # rows k+1…
        cells.append([r"\vdots"] * min(width, WRITE_OUT) + [r"\ddots"] * len(more))
    if transposed:  # rows become columns: ⋮ and ⋯ trade places
        swap = {r"\vdots": r"\cdots", r"\cdots": r"\vdots"}
        cells = [[swap.get(c, c) for c in column] for column in zip(*cells)]
        M = M.T
    body = r" \\ ".join(" & ".join(row) for row in cells)
    written = rf"\begin{{bmatrix}}{body}\end{{bmatrix}}"
    if (size <= k and width <= WRITE_OUT) or not label:
        return written
    return rf"\underset{{{shape(M)}}}{{{written}}}"


def braced(M: np.ndarray, rows: int = WRITE_OUT, transposed: bool = False) -> str:
    """`matrix` with its shape in a brace under it (once, whether or not it is cut)."""
    written = matrix(M, rows, transposed, label=False)
    return rf"\underbrace{{{written}}}_{{{shape(M.T if transposed else M)}}}"


def terms(products: list[str], index: str | None = None, per_line: int = 0) -> str:
    """A written-out sum: every term up to WRITE_TERMS, else the first ones and + ⋯; with the
    sum's `index` named, the ⋯ says which terms it stands for (index = k, …, n; 1-based). With
    `per_line`, a new line of an `aligned` block after every `per_line` terms."""
    if len(products) > WRITE_TERMS:
        kept = WRITE_TERMS - 1
        rest = rf"\underbrace{{\cdots}}_{{{index}={kept + 1},\ldots,{len(products)}}}" if index else r"\cdots"
        products = [*products[:kept], rest]
    if not per_line:
        return " + ".join(products)
    lines = [" + ".join(products[k: k + per_line]) for k in range(0, len(products), per_line)]
    return r" \\ &\qquad + ".join(lines)


@dataclass(frozen=True)
class Equation:
    number: str  # the derivation's formula number, e.g. "(8)"
    symbolic: str  # the formula as the app computes it
    numeric: str  # the same formula with this step's values
    note: str = ""  # why, in the chosen language (Markdown, inline $LaTeX$)
    origin: str = ""  # what is the derivation's and what the app adds, in the chosen language


def activation_name(name: str, lang: str = "en") -> str:
    """The activation's name in `lang` (the formulas' own names, "identity" translated)."""
    return i18n.text(f"d_act_{name}", lang)


def framing(lang: str = "en") -> str:
    """Once, plainly: what the derivation writes and what the app adds (Markdown with LaTeX)."""
    return i18n.text("d_framing", lang)


# -- the formulas of one layer ----------------------------------------------------------------


def mean_note(note: str, size: int, rows: int, lang: str) -> str:
    """A batch mean's note; when only the first `rows` of the batch's `size` samples are
    written, it says that the mean still runs over all of them."""
    return " ".join(t for t in (note, i18n.text("d_mean_all", lang, B=size, k=rows) if size > rows else "") if t)


def dL_dW(g: Gradients, l: int, lang: str = "en", rows: int = WRITE_OUT) -> Equation:
    """(8) for layer l (1-based): ∂L/∂W^l = (a^l)^T δ^{l+1}, the batch mean (of all B
    samples, whichever `rows` of them are written)."""
    a, d, dW = g.a[l - 1], g.delta[l], g.dW[l - 1]
    B = len(d)
    return Equation(
        "(8)",
        rf"\frac{{\partial L}}{{\partial W^{{{l}}}}} = \frac{{1}}{{B}} (a^{{{l}}})^T \delta^{{{l + 1}}}",
        rf"\frac{{1}}{{{B}}} {braced(a, rows, transposed=True)}{braced(d, rows)} = {braced(dW)}",
        mean_note(i18n.text("d_note_8", lang, l=l, l1=l + 1), B, rows, lang),
        i18n.text("d_origin_8_input" if l == 1 else "d_origin_8", lang, l=l, l1=l + 1),
    )


def dL_db(g: Gradients, l: int, lang: str = "en", rows: int = WRITE_OUT) -> Equation:
    """(9): ∂L/∂b^l = δ^{l+1}, the batch mean of its rows (all B of them)."""
    d, db = g.delta[l], g.db[l - 1]
    B = len(d)
    return Equation(
        "(9)",
        rf"\frac{{\partial L}}{{\partial b^{{{l}}}}} = \frac{{1}}{{B}}\sum_{{r=1}}^{{B}} \delta^{{{l + 1}}}_r",
        rf"\frac{{1}}{{{B}}}\sum_{{r=1}}^{{{B}}} {matrix(d, rows)}_r = {braced(db)}",
        mean_note("", B, rows, lang),
        origin=i18n.text("d_origin_9", lang, l=l, l1=l + 1),
    )


def delta_back(net: Network, g: Gradients, W: list[np.ndarray], l: int, lang: str = "en",
               rows: int = WRITE_OUT) -> Equation:
    """(15): δ^l = δ^{l+1} (W^l)^T, ⊙ f'(z^l) for a hidden layer; W is the weights the step used."""
    d_next, Wt, d = g.delta[l], W[l - 1].T, g.delta[l - 1]
    numeric = braced(d_next, rows) + braced(Wt)
    if l == 1:
        return Equation(
            "(15)", r"\delta^{1} = \delta^{2} (W^{1})^T", numeric + rf" = {matrix(d, rows)}",
            i18n.text("d_note_15_input", lang, l=l), i18n.text("d_origin_15_input", lang, l=l),
        )
    f_prime = net.f_prime(g.z[l - 1], g.a[l - 1])
    return Equation(
        "(15)",
        rf"\delta^{{{l}}} = \delta^{{{l + 1}}} (W^{{{l}}})^T \odot f'(z^{{{l}}})",
        numeric + rf"\odot \underbrace{{{matrix(f_prime, rows, label=False)}}}_{{f'(z^{{{l}}})}} = {braced(d, rows)}",
        i18n.text("d_note_15", lang, f=activation_name(net.activation, lang), l=l),
        i18n.text("d_origin_15", lang, l=l, l1=l + 1),
    )


def output_delta(loss: str, g: Gradients, Y: np.ndarray, lang: str = "en", rows: int = WRITE_OUT) -> Equation:
    """(21) δ^n = y − y* for MSE, (25) δ^n = a − y* with a = softmax(y) for cross-entropy."""
    n, y, d = len(g.z), g.z[-1], g.delta[-1]
    if loss == "mse":
        return Equation("(21)", rf"\delta^{{{n}}} = y - y^*",
                        rf"{matrix(y, rows)} - {matrix(Y, rows)} = {matrix(d, rows)}",
                        i18n.text("d_note_21", lang, n=n), i18n.text("d_origin_21", lang, n=n))
    a = np.exp(log_softmax(y))
    return Equation("(25)", rf"\delta^{{{n}}} = a - y^*,\quad a = \mathrm{{softmax}}(y)\;(22)",
                    rf"{matrix(a, rows)} - {matrix(Y, rows)} = {matrix(d, rows)}",
                    i18n.text("d_note_25", lang, n=n), i18n.text("d_origin_25", lang, n=n))


def update(s: Snapshot, l: int, lang: str = "en") -> list[Equation]:
    """(17), (18) for layer l with the weights before and after the step; with a penalty (the
    app's addition, `explorer.model.penalty`) (17) steps along ∂L/∂W^l + λ ∂R/∂W^l."""
    dW, db = s.g.dW[l - 1], s.g.db[l - 1]
    dL = rf"\frac{{\partial L}}{{\partial W^{{{l}}}}}"
    W17 = Equation("(17)", rf"W^{{{l}}} \leftarrow W^{{{l}}} - \eta {dL}",
                   rf"{matrix(s.W_before[l - 1])} - {number(s.lr)}\,{matrix(dW)} = {matrix(s.W[l - 1])}",
                   origin=i18n.text("d_origin_17", lang, l=l))
    if s.penalty.active:
        dR = {"l2": rf"W^{{{l}}}", "l1": rf"\mathrm{{sign}}(W^{{{l}}})"}[s.penalty.kind]
        W17 = Equation("(17)", rf"W^{{{l}}} \leftarrow W^{{{l}}} - \eta \Big({dL} + \lambda \frac{{\partial R}}"
                               rf"{{\partial W^{{{l}}}}}\Big),\quad \frac{{\partial R}}{{\partial W^{{{l}}}}} = {dR}",
                       rf"{matrix(s.W_before[l - 1])} - {number(s.lr)}\,\Big({matrix(dW)} + {number(s.penalty.lam)}\,"
                       rf"{matrix(s.penalty.dR(s.W_before[l - 1]))}\Big) = {matrix(s.W[l - 1])}",
                       i18n.text(f"d_note_17_{s.penalty.kind}", lang, l=l),
                       i18n.text("d_origin_17_reg", lang, l=l))
    return [
        W17,
        Equation("(18)", rf"b^{{{l}}} \leftarrow b^{{{l}}} - \eta \frac{{\partial L}}{{\partial b^{{{l}}}}}",
                 rf"{matrix(s.b_before[l - 1])} - {number(s.lr)}\,{matrix(db)} = {matrix(s.b[l - 1])}",
                 origin=i18n.text("d_origin_18", lang, l=l)),
    ]


def layer_equations(net: Network, s: Snapshot, l: int, lang: str = "en", rows: int = WRITE_OUT) -> list[Equation]:
    """Every formula of a step that involves layer l's W^l, b^l and δ^{l+1}, in backward order;
    per-sample matrices written as their first `rows` samples."""
    g = s.g
    equations = []
    if l == len(net.sizes) - 1:
        equations.append(output_delta(net.loss, g, s.batch.Y, lang, rows))
    equations += [dL_dW(g, l, lang, rows), dL_db(g, l, lang, rows), delta_back(net, g, s.W_before, l, lang, rows)]
    return equations + update(s, l, lang)


def cell_terms(g: Gradients, l: int, i: int, j: int, lang: str = "en") -> dict[str, np.ndarray]:
    """The derivation's (4) in batch form for ∂L/∂W^l_{ij} (1-based i, j): column i of a^l and
    column j of δ^{l+1}, sample by sample, whose products' mean over the batch is the entry."""
    a_i, d_j = g.a[l - 1][:, i - 1], g.delta[l][:, j - 1]
    return {i18n.text("d_sample_r", lang): np.arange(1, len(a_i) + 1), f"a{sup(l)}ᵣ,{sub(i)}": a_i,
            f"δ{sup(l + 1)}ᵣ,{sub(j)}": d_j, i18n.text("d_product", lang): a_i * d_j}


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


def phases(net: Network, g: Gradients, Y: np.ndarray, lr: float, lang: str = "en",
           rows: int = WRITE_OUT, penalty: Penalty = NONE) -> list[Phase]:
    """One SGD update in the order it is computed: forward layer by layer, the loss, δ^n,
    back through each layer (δ, ∂W, ∂b), and the update (with a penalty's λ ∂R/∂W, the app's
    addition). `g` is the core's result for the batch; the last phase is carried out by the
    trainer's step itself. Per-sample matrices are written as their first `rows` samples."""
    n, out = len(net.sizes), []
    for i in range(1, n):
        z, a_prev = g.z[i], g.a[i - 1]
        act = rf"\quad a^{{{i + 1}}} = f(z^{{{i + 1}}})" if i < n - 1 else rf"\quad y = z^{{{n}}}"
        origin = i18n.text("d_origin_forward" if i < n - 1 else "d_origin_forward_out", lang, i=i, i1=i + 1)
        out.append(Phase(
            i18n.text("d_ph_forward", lang, i=i, i1=i + 1),
            Equation("", rf"z^{{{i + 1}}} = a^{{{i}}} W^{{{i}}} + b^{{{i}}}" + act,
                     rf"{matrix(a_prev, rows)} {matrix(net.W[i - 1])} + {matrix(net.b[i - 1])} = {matrix(z, rows)}",
                     origin=origin),
            {f"z{sup(i + 1)}": z, f"a{sup(i + 1)}": g.a[i]} if i < n - 1 else {f"y = z{sup(n)}": z},
            i,
        ))
    tag, formula, key = (("(19)", r"L = \frac{1}{B}\sum_r \tfrac12 \lVert y_r - y^*_r \rVert^2", "19")
                             if net.loss == "mse" else
                             ("(22), (23)", r"L = -\frac{1}{B}\sum_r \sum_i y^*_{r,i} \log a_{r,i}", "23"))
    loss = Equation(tag, formula, rf"L = {number(g.loss)}", i18n.text(f"d_note_{key}", lang, n=n),
                    i18n.text(f"d_origin_{key}", lang, n=n))
    out.append(Phase(i18n.text("d_ph_loss", lang), loss, {"y*": Y}))
    out.append(Phase(i18n.text("d_ph_output", lang, n=n), output_delta(net.loss, g, Y, lang, rows),
                     {f"δ{sup(n)}": g.delta[-1]}, n - 1))
    for l in range(n - 1, 0, -1):
        for equation in (dL_dW(g, l, lang, rows), dL_db(g, l, lang, rows), delta_back(net, g, net.W, l, lang, rows)):
            shows = {"(8)": {f"∂L/∂W{sup(l)}": g.dW[l - 1]}, "(9)": {f"∂L/∂b{sup(l)}": g.db[l - 1]},
                     "(15)": {f"δ{sup(l)}": g.delta[l - 1]}}[equation.number]
            out.append(Phase(i18n.text("d_ph_backward", lang, number=equation.number, l=l), equation, shows, l))
    W_after = [W - lr * dW for W, dW in zip(net.W, penalty.whole(g.dW, net.W))]
    update = Equation("(17), (18)", r"W \leftarrow W - \eta \frac{\partial L}{\partial W},\quad"
                      r" b \leftarrow b - \eta \frac{\partial L}{\partial b}", rf"\eta = {number(lr)}",
                      origin=i18n.text("d_origin_17_18", lang, n=n))
    if penalty.active:  # the app's addition: (17) steps along ∂L/∂W + λ ∂R/∂W
        update = Equation("(17), (18)", r"W \leftarrow W - \eta \Big(\frac{\partial L}{\partial W} + \lambda"
                          r" \frac{\partial R}{\partial W}\Big),\quad"
                          r" b \leftarrow b - \eta \frac{\partial L}{\partial b}",
                          rf"\eta = {number(lr)},\quad \lambda = {number(penalty.lam)}",
                          i18n.text(f"d_note_17_{penalty.kind}", lang, l=""), i18n.text("d_origin_17_reg", lang, l=""))
    out.append(Phase(
        i18n.text("d_ph_update", lang),
        update,
        {i18n.text("p_new", lang, name=f"W{sup(k + 1)}"): W for k, W in enumerate(W_after)},
    ))
    return out


__all__ = ["Equation", "Phase", "braced", "cell_terms", "framing", "layer_equations", "output_deltas", "phases"]

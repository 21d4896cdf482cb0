"""The derivation with live numbers: its formulas as LaTeX, filled in with the values of a
step, and one SGD update split into its phases.

Pure functions of the arrays a step computed (`Gradients`, a `Snapshot`); the numbers
written into each formula are the core's own. Where a formula is shown two ways (the
unrolled chain (16) against (15), the softmax Jacobian (24) against (25), one entry's sum
(13) against the matrix product) the second way is computed here, and the tests check
that the two agree.

Each `Equation` says where it comes from: the derivation's formula as it writes it (one
sample, no activation), or what the app adds to it (a = f(z), ⊙ f′, the batch mean 1/B).
Prose comes in the language asked for (`lang`, "en" or "zh"), formulas and matrices in the
notation asked for (`nt`, explorer.notation: the derivation's row vectors by default, or column
vectors, where every matrix is written transposed and every product in the reverse order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer import i18n
from explorer.core import Gradients, Network, cross_entropy, log_softmax, mse
from explorer.model.penalty import NONE, Penalty
from explorer.model.training import Snapshot
from explorer.notation import ROW, Notation, sub, sup

# A matrix is written out in full up to this many rows and columns; larger ones by shape.
# A per-sample matrix (one row per sample of the batch) is instead written as its first k
# samples (k ≤ WRITE_OUT) and its first WRITE_OUT columns: at most (k+1)×(WRITE_OUT+1) cells.
WRITE_OUT = 6
# A sum is written term by term up to this many terms; longer ones end in "+ ⋯".
WRITE_TERMS = 6
PER_LINE = 3  # terms of a written-out sum on one line: a formula stays narrower than the page


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


def terms(products: list[str], index: str | None = None, per_line: int = PER_LINE) -> str:
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


def framing(lang: str = "en", nt: Notation = ROW) -> str:
    """Once, plainly: what the derivation writes and what the app adds (Markdown with LaTeX); in
    the column notation, also how its formulas read there."""
    return i18n.noted("d_framing", lang, nt)


# -- the formulas of one layer ----------------------------------------------------------------


def mean_note(note: str, size: int, rows: int, lang: str) -> str:
    """A batch mean's note; when only the first `rows` of the batch's `size` samples are
    written, it says that the mean still runs over all of them."""
    return " ".join(t for t in (note, i18n.text("d_mean_all", lang, B=size, k=rows) if size > rows else "") if t)


def dL_dW(g: Gradients, l: int, lang: str = "en", rows: int = WRITE_OUT, nt: Notation = ROW) -> Equation:
    """(8) for layer l (1-based): ∂L/∂W^l = (a^l)^T δ^{l+1} (in columns δ^{l+1} (a^l)^T), the
    batch mean (of all B samples, whichever `rows` of them are written)."""
    a, d, dW = g.a[l - 1], g.delta[l], g.dW[l - 1]
    B, t = len(d), nt.transposed()
    product = nt.product(braced(a, rows, nt.transposed(True)), braced(d, rows, t), sep="")
    return Equation(
        "(8)",
        rf"\frac{{\partial L}}{{\partial W^{{{l}}}}} = \frac{{1}}{{B}} "
        + nt.product(rf"(a^{{{l}}})^T", rf"\delta^{{{l + 1}}}"),
        rf"\frac{{1}}{{{B}}} {product} = {braced(dW, transposed=t)}",
        mean_note(i18n.noted("d_note_8", lang, nt, l=l, l1=l + 1), B, rows, lang),
        i18n.noted("d_origin_8_input" if l == 1 else "d_origin_8", lang, nt, l=l, l1=l + 1),
    )


def dL_db(g: Gradients, l: int, lang: str = "en", rows: int = WRITE_OUT, nt: Notation = ROW) -> Equation:
    """(9): ∂L/∂b^l = δ^{l+1}, the batch mean of its rows (in columns: its columns; all B of them)."""
    d, db = g.delta[l], g.db[l - 1]
    B = len(d)
    return Equation(
        "(9)",
        rf"\frac{{\partial L}}{{\partial b^{{{l}}}}} = \frac{{1}}{{B}}\sum_{{r=1}}^{{B}} \delta^{{{l + 1}}}_r",
        rf"\frac{{1}}{{{B}}}\sum_{{r=1}}^{{{B}}} {matrix(d, rows, nt.transposed())}_r"
        rf" = {braced(db, transposed=nt.transposed())}",
        mean_note("", B, rows, lang),
        origin=i18n.noted("d_origin_9", lang, nt, l=l, l1=l + 1),
    )


def delta_back(net: Network, g: Gradients, W: list[np.ndarray], l: int, lang: str = "en",
               rows: int = WRITE_OUT, nt: Notation = ROW) -> Equation:
    """(15): δ^l = δ^{l+1} (W^l)^T (in columns (W^l)^T δ^{l+1}), ⊙ f'(z^l) for a hidden layer;
    W is the weights the step used."""
    d_next, d, t = g.delta[l], g.delta[l - 1], nt.transposed()
    symbolic = rf"\delta^{{{l}}} = " + nt.product(rf"\delta^{{{l + 1}}}", rf"(W^{{{l}}})^T")
    numeric = nt.product(braced(d_next, rows, t), braced(W[l - 1], transposed=nt.transposed(True)), sep="")
    if l == 1:
        return Equation(
            "(15)", symbolic, numeric + rf" = {matrix(d, rows, t)}",
            i18n.noted("d_note_15_input", lang, nt, l=l), i18n.noted("d_origin_15_input", lang, nt, l=l),
        )
    f_prime = net.f_prime(g.z[l - 1], g.a[l - 1])
    return Equation(
        "(15)",
        symbolic + rf" \odot f'(z^{{{l}}})",
        numeric + rf"\odot \underbrace{{{matrix(f_prime, rows, t, label=False)}}}_{{f'(z^{{{l}}})}}"
        rf" = {braced(d, rows, t)}",
        i18n.noted("d_note_15", lang, nt, f=activation_name(net.activation, lang), l=l),
        i18n.noted("d_origin_15", lang, nt, l=l, l1=l + 1),
    )


def output_delta(loss: str, g: Gradients, Y: np.ndarray, lang: str = "en", rows: int = WRITE_OUT,
                 nt: Notation = ROW) -> Equation:
    """(21) δ^n = y − y* for MSE, (25) δ^n = a − y* with a = softmax(y) for cross-entropy."""
    n, y, d, t = len(g.z), g.z[-1], g.delta[-1], nt.transposed()
    if loss == "mse":
        return Equation("(21)", rf"\delta^{{{n}}} = y - y^*",
                        rf"{matrix(y, rows, t)} - {matrix(Y, rows, t)} = {matrix(d, rows, t)}",
                        i18n.text("d_note_21", lang, n=n), i18n.noted("d_origin_21", lang, nt, n=n))
    a = np.exp(log_softmax(y))
    return Equation("(25)", rf"\delta^{{{n}}} = a - y^*,\quad a = \mathrm{{softmax}}(y)\;(22)",
                    rf"{matrix(a, rows, t)} - {matrix(Y, rows, t)} = {matrix(d, rows, t)}",
                    i18n.text("d_note_25", lang, n=n), i18n.noted("d_origin_25", lang, nt, n=n))


def update(s: Snapshot, l: int, lang: str = "en", nt: Notation = ROW) -> list[Equation]:
    """(17), (18) for layer l with the weights before and after the step; with a penalty (the
    app's addition, `explorer.model.penalty`) (17) steps along ∂L/∂W^l + λ ∂R/∂W^l. The same
    form in either notation, every matrix as `nt` shows it."""
    dW, db = s.g.dW[l - 1], s.g.db[l - 1]
    shown = lambda M: matrix(M, transposed=nt.transposed())  # noqa: E731 - every matrix of (17), (18)
    dL = rf"\frac{{\partial L}}{{\partial W^{{{l}}}}}"
    W17 = Equation("(17)", rf"W^{{{l}}} \leftarrow W^{{{l}}} - \eta {dL}",
                   rf"{shown(s.W_before[l - 1])} - {number(s.lr)}\,{shown(dW)} = {shown(s.W[l - 1])}",
                   origin=i18n.text("d_origin_17", lang, l=l))
    if s.penalty.active:
        dR = {"l2": rf"W^{{{l}}}", "l1": rf"\mathrm{{sign}}(W^{{{l}}})"}[s.penalty.kind]
        W17 = Equation("(17)", rf"W^{{{l}}} \leftarrow W^{{{l}}} - \eta \Big({dL} + \lambda \frac{{\partial R}}"
                               rf"{{\partial W^{{{l}}}}}\Big),\quad \frac{{\partial R}}{{\partial W^{{{l}}}}} = {dR}",
                       rf"{shown(s.W_before[l - 1])} - {number(s.lr)}\,\Big({shown(dW)} + {number(s.penalty.lam)}\,"
                       rf"{shown(s.penalty.dR(s.W_before[l - 1]))}\Big) = {shown(s.W[l - 1])}",
                       i18n.text(f"d_note_17_{s.penalty.kind}", lang, l=l),
                       i18n.text("d_origin_17_reg", lang, l=l))
    return [
        W17,
        Equation("(18)", rf"b^{{{l}}} \leftarrow b^{{{l}}} - \eta \frac{{\partial L}}{{\partial b^{{{l}}}}}",
                 rf"{shown(s.b_before[l - 1])} - {number(s.lr)}\,{shown(db)} = {shown(s.b[l - 1])}",
                 origin=i18n.text("d_origin_18", lang, l=l)),
    ]


def layer_equations(net: Network, s: Snapshot, l: int, lang: str = "en", rows: int = WRITE_OUT,
                    nt: Notation = ROW) -> list[Equation]:
    """Every formula of a step that involves layer l's W^l, b^l and δ^{l+1}, in backward order;
    per-sample matrices written as their first `rows` samples, in the notation `nt`."""
    g = s.g
    equations = []
    if l == len(net.sizes) - 1:
        equations.append(output_delta(net.loss, g, s.batch.Y, lang, rows, nt))
    equations += [dL_dW(g, l, lang, rows, nt), dL_db(g, l, lang, rows, nt),
                  delta_back(net, g, s.W_before, l, lang, rows, nt)]
    return equations + update(s, l, lang, nt)


def cell_terms(g: Gradients, l: int, i: int, j: int, lang: str = "en", nt: Notation = ROW) -> dict[str, np.ndarray]:
    """The derivation's (4) in batch form for the core's ∂L/∂W^l[i, j] (1-based i, j, the weight
    from neuron i of layer l to neuron j of layer l+1): column i of a^l and column j of δ^{l+1}
    (in columns: their rows), sample by sample, whose products' mean over the batch is the entry."""
    a_i, d_j = g.a[l - 1][:, i - 1], g.delta[l][:, j - 1]
    return {i18n.text("d_sample_r", lang): np.arange(1, len(a_i) + 1),
            f"a{sup(l)}" + ",".join(map(sub, nt.pair("r", i))): a_i,
            f"δ{sup(l + 1)}" + ",".join(map(sub, nt.pair("r", j))): d_j, i18n.text("d_product", lang): a_i * d_j}


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
           rows: int = WRITE_OUT, penalty: Penalty = NONE, nt: Notation = ROW) -> list[Phase]:
    """One SGD update in the order it is computed: forward layer by layer, the loss, δ^n,
    back through each layer (δ, ∂W, ∂b), and the update (with a penalty's λ ∂R/∂W, the app's
    addition). `g` is the core's result for the batch; the last phase is carried out by the
    trainer's step itself. Per-sample matrices are written as their first `rows` samples, every
    formula in the notation `nt` (`shows` holds the core's matrices, in rows)."""
    n, out, t = len(net.sizes), [], nt.transposed()
    for i in range(1, n):
        z, a_prev = g.z[i], g.a[i - 1]
        act = rf"\quad a^{{{i + 1}}} = f(z^{{{i + 1}}})" if i < n - 1 else rf"\quad y = z^{{{n}}}"
        origin = i18n.noted("d_origin_forward" if i < n - 1 else "d_origin_forward_out", lang, nt, i=i, i1=i + 1)
        out.append(Phase(
            i18n.text("d_ph_forward", lang, i=i, i1=i + 1),
            Equation("", rf"z^{{{i + 1}}} = {nt.product(f'a^{{{i}}}', f'W^{{{i}}}')} + b^{{{i}}}" + act,
                     rf"{nt.product(matrix(a_prev, rows, t), matrix(net.W[i - 1], transposed=t))}"
                     rf" + {matrix(net.b[i - 1], transposed=t)} = {matrix(z, rows, t)}",
                     origin=origin),
            {f"z{sup(i + 1)}": z, f"a{sup(i + 1)}": g.a[i]} if i < n - 1 else {f"y = z{sup(n)}": z},
            i,
        ))
    ri = ",".join(nt.pair("r", "i"))
    tag, formula, key = (("(19)", r"L = \frac{1}{B}\sum_r \tfrac12 \lVert y_r - y^*_r \rVert^2", "19")
                             if net.loss == "mse" else
                             ("(22), (23)", rf"L = -\frac{{1}}{{B}}\sum_r \sum_i y^*_{{{ri}}} \log a_{{{ri}}}", "23"))
    loss = Equation(tag, formula, rf"L = {number(g.loss)}", i18n.noted(f"d_note_{key}", lang, nt, n=n),
                    i18n.text(f"d_origin_{key}", lang, n=n))
    out.append(Phase(i18n.text("d_ph_loss", lang), loss, {"y*": Y}))
    out.append(Phase(i18n.text("d_ph_output", lang, n=n), output_delta(net.loss, g, Y, lang, rows, nt),
                     {f"δ{sup(n)}": g.delta[-1]}, n - 1))
    for l in range(n - 1, 0, -1):
        for equation in (dL_dW(g, l, lang, rows, nt), dL_db(g, l, lang, rows, nt),
                         delta_back(net, g, net.W, l, lang, rows, nt)):
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

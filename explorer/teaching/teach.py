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
from explorer.model.training import Snapshot

# A matrix is written out in full up to this many rows and columns; larger ones by shape.
# A per-sample matrix (one row per sample of the batch) is instead written as its first k
# samples (k ≤ WRITE_OUT) and its first WRITE_OUT columns: at most (k+1)×(WRITE_OUT+1) cells.
WRITE_OUT = 6
# A sum is written term by term up to this many terms; longer ones end in "+ ⋯".
WRITE_TERMS = 6


def shape(M: np.ndarray) -> str:
    return f"{M.shape[0]}\\times{M.shape[1]}"


def number(v: float) -> str:
    """A number for a formula: four significant digits, a real minus sign."""
    return f"{v:.4g}".replace("e", r"\mathrm{e}")


def signed(v: float) -> str:
    """A number after a binary operator: in parentheses when negative."""
    return f"({number(v)})" if v < 0 else number(v)


def matrix(M: np.ndarray, limit: int = WRITE_OUT) -> str:
    """LaTeX for M: its entries when it is small, else a placeholder with its shape."""
    if M.shape[0] > limit or M.shape[1] > limit:
        return rf"\underset{{{shape(M)}}}{{[\;\cdots\;]}}"
    rows = [" & ".join(number(v) for v in row) for row in M]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def samples(M: np.ndarray, k: int = WRITE_OUT, transposed: bool = False) -> str:
    """LaTeX for a per-sample matrix M (B×n, sample r in row r), or for M^T if `transposed`:
    the core's own entries of its first k samples and first WRITE_OUT columns, sliced, never
    recomputed. A ⋮ row (a ⋯ column in M^T) stands for samples k+1…B, a ⋯ column for the
    columns past WRITE_OUT; then M's full shape is written under it. When nothing is left
    out this is exactly `matrix(M)`."""
    k, (size, width) = max(1, min(k, WRITE_OUT)), M.shape
    if size <= k and width <= WRITE_OUT:
        return matrix(M.T if transposed else M)
    more = [r"\cdots"] if width > WRITE_OUT else []  # columns past WRITE_OUT
    cells = [[number(v) for v in row[:WRITE_OUT]] + more for row in M[:k]]
    if size > k:  # samples k+1…B
        cells.append([r"\vdots"] * min(width, WRITE_OUT) + [r"\ddots"] * len(more))
    if transposed:  # samples become columns: ⋮ and ⋯ trade places
        swap = {r"\vdots": r"\cdots", r"\cdots": r"\vdots"}
        cells = [[swap.get(c, c) for c in column] for column in zip(*cells)]
        M = M.T
    body = r" \\ ".join(" & ".join(row) for row in cells)
    return rf"\underset{{{shape(M)}}}{{\begin{{bmatrix}}{body}\end{{bmatrix}}}}"


def terms(products: list[str]) -> str:
    """A written-out sum: every term up to WRITE_TERMS, else the first ones and + ⋯."""
    if len(products) > WRITE_TERMS:
        products = [*products[: WRITE_TERMS - 1], r"\cdots"]
    return " + ".join(products)


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
        rf"\frac{{1}}{{{B}}} \underbrace{{{samples(a, rows, transposed=True)}}}_{{{shape(a.T)}}}"
        rf"\underbrace{{{samples(d, rows)}}}_{{{shape(d)}}} = \underbrace{{{matrix(dW)}}}_{{{shape(dW)}}}",
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
        rf"\frac{{1}}{{{B}}}\sum_{{r=1}}^{{{B}}} {samples(d, rows)}_r = \underbrace{{{matrix(db)}}}_{{{shape(db)}}}",
        mean_note("", B, rows, lang),
        origin=i18n.text("d_origin_9", lang, l=l, l1=l + 1),
    )


def delta_back(net: Network, g: Gradients, W: list[np.ndarray], l: int, lang: str = "en",
               rows: int = WRITE_OUT) -> Equation:
    """(15): δ^l = δ^{l+1} (W^l)^T, ⊙ f'(z^l) for a hidden layer; W is the weights the step used."""
    d_next, Wt, d = g.delta[l], W[l - 1].T, g.delta[l - 1]
    numeric = rf"\underbrace{{{samples(d_next, rows)}}}_{{{shape(d_next)}}}\underbrace{{{matrix(Wt)}}}_{{{shape(Wt)}}}"
    if l == 1:
        return Equation(
            "(15)", r"\delta^{1} = \delta^{2} (W^{1})^T", numeric + rf" = {samples(d, rows)}",
            i18n.text("d_note_15_input", lang, l=l), i18n.text("d_origin_15_input", lang, l=l),
        )
    f_prime = net.f_prime(g.z[l - 1], g.a[l - 1])
    return Equation(
        "(15)",
        rf"\delta^{{{l}}} = \delta^{{{l + 1}}} (W^{{{l}}})^T \odot f'(z^{{{l}}})",
        numeric + rf"\odot \underbrace{{{samples(f_prime, rows)}}}_{{f'(z^{{{l}}})}}"
        rf" = \underbrace{{{samples(d, rows)}}}_{{{shape(d)}}}",
        i18n.text("d_note_15", lang, f=activation_name(net.activation, lang), l=l),
        i18n.text("d_origin_15", lang, l=l, l1=l + 1),
    )


def output_delta(loss: str, g: Gradients, Y: np.ndarray, lang: str = "en", rows: int = WRITE_OUT) -> Equation:
    """(21) δ^n = y − y* for MSE, (25) δ^n = a − y* with a = softmax(y) for cross-entropy."""
    n, y, d = len(g.z), g.z[-1], g.delta[-1]
    if loss == "mse":
        return Equation("(21)", rf"\delta^{{{n}}} = y - y^*",
                        rf"{samples(y, rows)} - {samples(Y, rows)} = {samples(d, rows)}",
                        i18n.text("d_note_21", lang, n=n), i18n.text("d_origin_21", lang, n=n))
    a = np.exp(log_softmax(y))
    return Equation("(25)", rf"\delta^{{{n}}} = a - y^*,\quad a = \mathrm{{softmax}}(y)\;(22)",
                    rf"{samples(a, rows)} - {samples(Y, rows)} = {samples(d, rows)}",
                    i18n.text("d_note_25", lang, n=n), i18n.text("d_origin_25", lang, n=n))


def update(s: Snapshot, l: int, lang: str = "en") -> list[Equation]:
    """(17), (18) for layer l with the weights before and after the step."""
    dW, db = s.g.dW[l - 1], s.g.db[l - 1]
    return [
        Equation("(17)", rf"W^{{{l}}} \leftarrow W^{{{l}}} - \eta \frac{{\partial L}}{{\partial W^{{{l}}}}}",
                 rf"{matrix(s.W_before[l - 1])} - {number(s.lr)}\,{matrix(dW)} = {matrix(s.W[l - 1])}",
                 origin=i18n.text("d_origin_17", lang, l=l)),
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
    return {i18n.text("d_sample_r", lang): np.arange(1, len(a_i) + 1), f"a^{l}_r,{i}": a_i,
            f"δ^{l + 1}_r,{j}": d_j, i18n.text("d_product", lang): a_i * d_j}


def output_deltas(
    net: Network, W: list[np.ndarray], b: list[np.ndarray], X: np.ndarray, Y: np.ndarray
) -> tuple[np.ndarray, tuple[float, np.ndarray], tuple[float, np.ndarray]]:
    """δ^n by (21) and by (25) for the same network, weights and batch: y − y* and a − y*."""
    y = net.with_parameters(W, b).forward(np.asarray(X, dtype=np.float64))[0][-1]
    (mse_loss, mse_delta), (ce_loss, ce_delta) = mse(y, Y), cross_entropy(y, Y)
    return y, (mse_loss, mse_delta), (ce_loss, ce_delta)


# -- the rest of the derivation: (16), (24), and one entry through the chain rule ----------------


def _hidden_between(l: int, n: int) -> range:
    """The layers k whose ⊙ f′(z^k) enters between δ^n and δ^l: hidden ones, l ≤ k < n."""
    return range(max(l, 2), n)


def unrolled_product(g: Gradients, W: list[np.ndarray], l: int) -> np.ndarray:
    """(16) as the derivation writes it: δ^n (W^{n−1})^T ⋯ (W^l)^T, multiplied left to right."""
    product = g.delta[-1]
    for k in range(len(g.z) - 1, l - 1, -1):
        product = product @ W[k - 1].T
    return product


def unrolled(net: Network, g: Gradients, W: list[np.ndarray], l: int, lang: str = "en",
             rows: int = WRITE_OUT) -> list[Equation]:
    """(16) for δ^l with the step's matrices (W: the weights the step used). With f the
    identity (or no hidden layer in between) the product is (15)'s δ^l; otherwise the
    second equation shows where ⊙ f′(z^k) enters and the core's δ^l."""
    n = len(g.z)
    ks = range(n - 1, l - 1, -1)
    factors = "".join(rf"(W^{{{k}}})^T" for k in ks)
    product = unrolled_product(g, W, l)
    numeric = (samples(g.delta[-1], rows) + "".join(matrix(W[k - 1].T) for k in ks)
               + rf" = {samples(product, rows)}")
    written = Equation("(16)", rf"\delta^{{{l}}} = \delta^{{{n}}}{factors}", numeric,
                    origin=i18n.text("d_origin_16", lang, l=l, n=n))
    hidden = _hidden_between(l, n)
    if net.activation == "identity" or not hidden:
        return [Equation(written.number, written.symbolic, written.numeric + rf" = \delta^{{{l}}}_{{(15)}}",
                         i18n.text("d_note_16_same", lang, l=l), written.origin)]
    chain = rf"\delta^{{{n}}}"
    for k in ks:
        chain = rf"{chain}(W^{{{k}}})^T" + (rf" \odot f'(z^{{{k}}})" if k in hidden else "")
        if k != l:
            chain = rf"\big({chain}\big)"
    app = Equation("(15), (16)", rf"\delta^{{{l}}} = {chain}", rf"\delta^{{{l}}} = {samples(g.delta[l - 1], rows)}",
                   i18n.text("d_note_16_f", lang, l=l, f=activation_name(net.activation, lang),
                             layers=", ".join(str(k) for k in hidden)),
                   i18n.text("d_origin_16_f", lang, l=l))
    return [written, app]


def softmax_jacobian(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a = softmax(y) (22) for one row y, and (24) ∂a_i/∂y_j = a_i(1 − a_i) or −a_i a_j."""
    a = np.exp(log_softmax(y))[0]
    return a, np.diag(a) - np.outer(a, a)  # (24): a_i δ_ij − a_i a_j


def softmax_chain(y: np.ndarray, y_star: np.ndarray, r: int, lang: str = "en") -> list[Equation]:
    """(24) and the lines to (25) for sample r (1-based) of the output y and targets y*:
    the Jacobian with the step's numbers, ∂L/∂a · J = a − y*, and beside it MSE on top of
    the softmax (the app's comparison, not in the derivation), whose δ keeps the Jacobian."""
    y_r, t = y[r - 1: r], y_star[r - 1]
    a, J = softmax_jacobian(y_r)
    # ∂L/∂a_i = −y*_i / a_i (23); 0 where y*_i = 0, even where a_i underflowed to 0.
    dL_da = np.divide(-t, a, out=np.zeros_like(a), where=t != 0)
    via_jacobian = dL_da @ J
    delta_ce = cross_entropy(y_r, y_star[r - 1: r])[1]  # the core's (25)
    row = lambda v: matrix(v[None, :])  # noqa: E731 - a one-row matrix
    jac = Equation(
        "(24)",
        r"\frac{\partial a_i}{\partial y_j} = \begin{cases} a_i(1-a_i) & i = j \\ -a_i a_j & i \ne j \end{cases}",
        rf"a = \mathrm{{softmax}}(y_{{{r}}}) = {row(a)},\quad"
        rf" \Big[\frac{{\partial a_i}}{{\partial y_j}}\Big] = {matrix(J)}",
        i18n.text("d_note_24", lang, r=r), i18n.text("d_origin_24", lang, r=r),
    )
    to25 = Equation(
        "(25)",
        r"\frac{\partial L}{\partial y_j} = \sum_i \frac{\partial L}{\partial a_i}\frac{\partial a_i}{\partial y_j}"
        r" = -\sum_i \frac{y^*_i}{a_i}\frac{\partial a_i}{\partial y_j}"
        r" = -y^*_j(1-a_j) + \sum_{i \ne j} y^*_i a_j = a_j - y^*_j",
        rf"\underbrace{{{row(dL_da)}}}_{{\partial L/\partial a}}{matrix(J)} = {row(via_jacobian)}"
        rf" = \underbrace{{{row(delta_ce[0])}}}_{{a - y^*}}",
        i18n.text("d_note_24_25", lang, r=r), i18n.text("d_origin_24_25", lang, r=r),
    )
    mse_on_softmax = (a - t) @ J
    other = Equation(
        "",
        r"L = \tfrac12 \lVert a - y^* \rVert^2 \;\Rightarrow\; \frac{\partial L}{\partial y}"
        r" = (a - y^*)\Big[\frac{\partial a_i}{\partial y_j}\Big]",
        rf"{row(a - t)}{matrix(J)} = {row(mse_on_softmax)}",
        i18n.text("d_note_mse_softmax", lang, r=r), i18n.text("d_origin_mse_softmax", lang, r=r),
    )
    return [jac, to25, other]


def entry_chain(net: Network, g: Gradients, W: list[np.ndarray], b: list[np.ndarray], l: int, i: int, j: int,
                r: int, Y: np.ndarray, lang: str = "en") -> list[Equation]:
    """One scalar through the chain rule, sample r (1-based), with the step's numbers:
    (2)–(4) for ∂L/∂W^l_{ij}, (10)–(14) for δ^l_i and, at the output, (20) (MSE) or the
    last line of (25) (cross-entropy) for δ^n_j. W, b are the weights the step used."""
    n = len(g.z)
    a, z_next, d_next = g.a[l - 1][r - 1], g.z[l][r - 1], g.delta[l][r - 1]
    Wl, bl = W[l - 1], b[l - 1]
    out = []
    if l == n - 1:
        y, t = g.z[-1][r - 1, j - 1], Y[r - 1, j - 1]
        if net.loss == "mse":
            out.append(Equation(
                "(20)",
                rf"\delta^{{{n}}}_{{{j}}} = \frac{{\partial L}}{{\partial y_{{{j}}}}} = \frac{{\partial\,"
                rf"\frac12 (y_{{{j}}} - y^*_{{{j}}})^2}}{{\partial y_{{{j}}}}} = y_{{{j}}} - y^*_{{{j}}}",
                rf"{number(y)} - {signed(t)} = {number(d_next[j - 1])}",
                i18n.text("d_note_20", lang, j=j, r=r), i18n.text("d_origin_20", lang, r=r)))
        else:
            a_j = float(np.exp(log_softmax(g.z[-1][r - 1: r]))[0, j - 1])
            out.append(Equation(
                "(25)", rf"\delta^{{{n}}}_{{{j}}} = a_{{{j}}} - y^*_{{{j}}}",
                rf"{number(a_j)} - {signed(t)} = {number(d_next[j - 1])}",
                i18n.text("d_note_25_entry", lang, j=j, r=r), i18n.text("d_origin_25", lang, n=n)))
    # (2)–(4): only z^{l+1}_j holds W^l_{ij}; its derivative there is a^l_i.
    sum_z = [rf"{signed(a[k])}\cdot{signed(Wl[k, j - 1])}" for k in range(len(a))] + [signed(bl[0, j - 1])]
    out.append(Equation(
        "(2)–(4)",
        rf"\frac{{\partial L}}{{\partial W^{{{l}}}_{{{i},{j}}}}}"
        rf" = \frac{{\partial L}}{{\partial z^{{{l + 1}}}_{{{j}}}}}\frac{{\partial z^{{{l + 1}}}_{{{j}}}}}"
        rf"{{\partial W^{{{l}}}_{{{i},{j}}}}}"
        rf" = \delta^{{{l + 1}}}_{{{j}}}\,\frac{{\partial(\sum_k a^{{{l}}}_k W^{{{l}}}_{{k,{j}}} + b^{{{l}}}_{{{j}}})}}"
        rf"{{\partial W^{{{l}}}_{{{i},{j}}}}} = \delta^{{{l + 1}}}_{{{j}}}\, a^{{{l}}}_{{{i}}}",
        rf"\begin{{gathered}}z^{{{l + 1}}}_{{{j}}} = {terms(sum_z)} = {number(z_next[j - 1])} \\"
        rf"\delta^{{{l + 1}}}_{{{j}}}\, a^{{{l}}}_{{{i}}} = {signed(d_next[j - 1])}\cdot{signed(a[i - 1])}"
        rf" = {number(d_next[j - 1] * a[i - 1])}\end{{gathered}}",
        i18n.text("d_note_2_4", lang, l=l, l1=l + 1, i=i, j=j, r=r),
        i18n.text("d_origin_2_4_input" if l == 1 else "d_origin_2_4", lang, l=l, i=i),
    ))
    # (10)–(14): every z^{l+1}_j holds z^l_i (through a^l_i), so the sum runs over j.
    s13 = entry_sum(g, W, l, i, r)
    chain = rf"\delta^{{{l}}}_{{{i}}} = \sum_j \frac{{\partial L}}{{\partial z^{{{l + 1}}}_j}}" \
            rf"\frac{{\partial z^{{{l + 1}}}_j}}{{\partial z^{{{l}}}_{{{i}}}}}"
    written = terms([rf"{signed(d_next[k])}\cdot{signed(Wl[i - 1, k])}" for k in range(len(d_next))])
    written += rf" = {number(s13)}"
    if l > 1:
        fp = float(net.f_prime(g.z[l - 1][r - 1: r], g.a[l - 1][r - 1: r])[0, i - 1])
        symbolic = (rf"{chain} = \Big(\sum_j \delta^{{{l + 1}}}_j W^{{{l}}}_{{{i},j}}\Big) f'(z^{{{l}}}_{{{i}}})"
                    rf" = \delta^{{{l + 1}}}((W^{{{l}}})^T)_{{{i}}}\, f'(z^{{{l}}}_{{{i}}})")
        last = rf"{number(s13)}\cdot{signed(fp)} = {number(g.delta[l - 1][r - 1, i - 1])}"
        origin = i18n.text("d_origin_10_14", lang, l=l, i=i)
    else:
        symbolic = (rf"{chain} = \sum_j \delta^{{{l + 1}}}_j W^{{{l}}}_{{{i},j}}"
                    rf" = \delta^{{{l + 1}}}((W^{{{l}}})^T)_{{{i}}}")
        last = rf"\delta^{{1}}_{{{i}}} = {number(g.delta[0][r - 1, i - 1])}"
        origin = i18n.text("d_origin_10_14_input", lang, l=l, i=i)
    numeric = rf"\begin{{gathered}}{written} \\ {last}\end{{gathered}}"
    note = i18n.text("d_note_10_14", lang, l=l, l1=l + 1, i=i, r=r)
    out.append(Equation("(10)–(14)", symbolic, numeric, note, origin))
    return out


def entry_sum(g: Gradients, W: list[np.ndarray], l: int, i: int, r: int) -> float:
    """(13) Σ_j δ^{l+1}_{r,j} W^l_{ij}, the sum `entry_chain` writes (before ⊙ f′)."""
    return float(g.delta[l][r - 1] @ W[l - 1][i - 1])


# -- one update, phase by phase ------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    title: str
    equation: Equation
    shows: dict[str, np.ndarray]  # what the phase computed, by name
    layer: int | None = None  # the layer l whose W^l it concerns, if any


def phases(net: Network, g: Gradients, Y: np.ndarray, lr: float, lang: str = "en",
           rows: int = WRITE_OUT) -> list[Phase]:
    """One SGD update in the order it is computed: forward layer by layer, the loss, δ^n,
    back through each layer (δ, ∂W, ∂b), and the update. `g` is the core's result for
    the batch; the last phase is carried out by the core's `step` itself. Per-sample
    matrices are written as their first `rows` samples."""
    n, out = len(net.sizes), []
    for i in range(1, n):
        z, a_prev = g.z[i], g.a[i - 1]
        act = rf"\quad a^{{{i + 1}}} = f(z^{{{i + 1}}})" if i < n - 1 else rf"\quad y = z^{{{n}}}"
        origin = i18n.text("d_origin_forward" if i < n - 1 else "d_origin_forward_out", lang, i=i, i1=i + 1)
        out.append(Phase(
            i18n.text("d_ph_forward", lang, i=i, i1=i + 1),
            Equation("", rf"z^{{{i + 1}}} = a^{{{i}}} W^{{{i}}} + b^{{{i}}}" + act,
                     rf"{samples(a_prev, rows)} {matrix(net.W[i - 1])} + {matrix(net.b[i - 1])} = {samples(z, rows)}",
                     origin=origin),
            {f"z^{i + 1}": z, f"a^{i + 1}": g.a[i]} if i < n - 1 else {f"y = z^{n}": z},
            i,
        ))
    tag, formula, key = (("(19)", r"L = \frac{1}{B}\sum_r \tfrac12 \lVert y_r - y^*_r \rVert^2", "19")
                             if net.loss == "mse" else
                             ("(22), (23)", r"L = -\frac{1}{B}\sum_r \sum_i y^*_{r,i} \log a_{r,i}", "23"))
    loss = Equation(tag, formula, rf"L = {number(g.loss)}", i18n.text(f"d_note_{key}", lang, n=n),
                    i18n.text(f"d_origin_{key}", lang, n=n))
    out.append(Phase(i18n.text("d_ph_loss", lang), loss, {"y*": Y}))
    out.append(Phase(i18n.text("d_ph_output", lang, n=n), output_delta(net.loss, g, Y, lang, rows),
                     {f"δ^{n}": g.delta[-1]}, n - 1))
    for l in range(n - 1, 0, -1):
        for equation in (dL_dW(g, l, lang, rows), dL_db(g, l, lang, rows), delta_back(net, g, net.W, l, lang, rows)):
            shows = {"(8)": {f"∂L/∂W^{l}": g.dW[l - 1]}, "(9)": {f"∂L/∂b^{l}": g.db[l - 1]},
                     "(15)": {f"δ^{l}": g.delta[l - 1]}}[equation.number]
            out.append(Phase(i18n.text("d_ph_backward", lang, number=equation.number, l=l), equation, shows, l))
    W_after = [W - lr * dW for W, dW in zip(net.W, g.dW)]
    out.append(Phase(
        i18n.text("d_ph_update", lang),
        Equation("(17), (18)", r"W \leftarrow W - \eta \frac{\partial L}{\partial W},\quad"
                 r" b \leftarrow b - \eta \frac{\partial L}{\partial b}", rf"\eta = {number(lr)}",
                 origin=i18n.text("d_origin_17_18", lang, n=n)),
        {i18n.text("p_new", lang, name=f"W^{k + 1}"): W for k, W in enumerate(W_after)},
    ))
    return out


# -- a worked step to take away --------------------------------------------------------------


def fits_handout(net: Network, batch: int) -> bool:
    """Whether every matrix of a step is small enough to be written out in full."""
    return max(net.sizes) <= WRITE_OUT and batch <= WRITE_OUT


def handout(net: Network, s: Snapshot, lang: str = "en") -> str:
    """Markdown with LaTeX: every intermediate number of the step in snapshot `s`, each
    formula with its note and where it comes from, in `lang` (meant for networks where
    `fits_handout`; larger matrices appear by shape)."""
    g, n = s.g, len(net.sizes)
    lines = [f"# {i18n.text('d_handout_title', lang)}", "",
             i18n.text("d_handout_network", lang, sizes=net.sizes, f=activation_name(net.activation, lang),
                       loss=i18n.text(f"d_loss_{net.loss}", lang), lr=number(s.lr), B=len(g.z[0]), step=s.step), "",
             framing(lang), ""]

    def block(label: str, latex: str, *texts: str) -> None:
        lines.extend([f"**{label}**", "", f"$$\n{latex}\n$$", ""])
        lines.extend(f"{text}\n" for text in texts if text)

    block(i18n.text("d_handout_input", lang), rf"X = a^1 = {matrix(g.z[0])},\quad y^* = {matrix(s.batch.Y)}")
    for phase in phases(net.with_parameters(s.W_before, s.b_before), g, s.batch.Y, s.lr, lang)[:-1]:
        e = phase.equation
        label = phase.title if e.number in phase.title else f"{phase.title} {e.number}"
        block(label.strip(), rf"{e.symbolic} \\ {e.numeric}", e.origin, e.note)
    for l in range(1, n):
        for e in update(s, l, lang):
            block(i18n.text("d_handout_update", lang, number=e.number, l=l), rf"{e.symbolic} \\ {e.numeric}", e.origin)
    return "\n".join(lines)


__all__ = ["Equation", "Phase", "cell_terms", "entry_chain", "entry_sum", "fits_handout", "framing", "handout",
           "layer_equations", "output_deltas", "phases", "softmax_chain", "softmax_jacobian", "unrolled",
           "unrolled_product"]

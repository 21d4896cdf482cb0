"""The rest of the derivation with live numbers: the unrolled chain (16) against (15), the
softmax Jacobian (24) and the steps to (25), and one scalar through the chain rule, (2)–(4),
(10)–(14), (20). Each is computed a second way here, from the step's arrays, and the tests
check that both ways agree with the core. Each is written in the notation asked for (`nt`,
explorer.notation): every matrix transposed and every product reversed in the column notation,
an entry the core holds at [i, j] written with its indices swapped.
"""

from __future__ import annotations

import numpy as np

from explorer import i18n
from explorer.core import Gradients, Network, cross_entropy, log_softmax
from explorer.notation import ROW, Notation
from explorer.teaching.teach import WRITE_OUT, Equation, activation_name, matrix, number, signed, terms


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
             rows: int = WRITE_OUT, nt: Notation = ROW) -> list[Equation]:
    """(16) for δ^l with the step's matrices (W: the weights the step used). With f the
    identity (or no hidden layer in between) the product is (15)'s δ^l; otherwise the
    second equation shows where ⊙ f′(z^k) enters and the core's δ^l."""
    n = len(g.z)
    ks = range(n - 1, l - 1, -1)
    t = nt.transposed()
    factors = nt.product(rf"\delta^{{{n}}}", *(rf"(W^{{{k}}})^T" for k in ks), sep="")
    product = unrolled_product(g, W, l)
    numeric = (nt.product(matrix(g.delta[-1], rows, t), *(matrix(W[k - 1], transposed=nt.transposed(True)) for k in ks),
                          sep="")
               + rf" = {matrix(product, rows, t)}")
    written = Equation("(16)", rf"\delta^{{{l}}} = {factors}", numeric,
                       origin=i18n.noted("d_origin_16", lang, nt, l=l, n=n))
    hidden = _hidden_between(l, n)
    if net.activation == "identity" or not hidden:
        return [Equation(written.number, written.symbolic, written.numeric + rf" = \delta^{{{l}}}_{{(15)}}",
                         i18n.text("d_note_16_same", lang, l=l), written.origin)]
    chain = rf"\delta^{{{n}}}"
    for k in ks:
        chain = nt.product(chain, rf"(W^{{{k}}})^T", sep="") + (rf" \odot f'(z^{{{k}}})" if k in hidden else "")
        if k != l:
            chain = rf"\big({chain}\big)"
    app = Equation("(15), (16)", rf"\delta^{{{l}}} = {chain}", rf"\delta^{{{l}}} = {matrix(g.delta[l - 1], rows, t)}",
                   i18n.noted("d_note_16_f", lang, nt, l=l, f=activation_name(net.activation, lang),
                             layers=", ".join(str(k) for k in hidden)),
                   i18n.text("d_origin_16_f", lang, l=l))
    return [written, app]


def softmax_jacobian(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a = softmax(y) (22) for one row y, and (24) ∂a_i/∂y_j = a_i(1 − a_i) or −a_i a_j."""
    a = np.exp(log_softmax(y))[0]
    return a, np.diag(a) - np.outer(a, a)  # (24): a_i δ_ij − a_i a_j


def softmax_chain(y: np.ndarray, y_star: np.ndarray, r: int, lang: str = "en",
                  loss: str = "cross_entropy", nt: Notation = ROW) -> list[Equation]:
    """(24) and the lines to (25) for sample r (1-based) of the output y and targets y*; on a
    network trained with `loss` "mse" the notes say that a − y* is not its δⁿ (that is (21)):
    the Jacobian with the step's numbers, ∂L/∂a · J = a − y*, and beside it MSE on top of
    the softmax (the app's comparison, not in the derivation), whose δ keeps the Jacobian. In the
    column notation the vectors are columns and a vector times J is written Jᵀ times it."""
    y_r, t = y[r - 1: r], y_star[r - 1]
    a, J = softmax_jacobian(y_r)
    # ∂L/∂a_i = −y*_i / a_i (23); 0 where y*_i = 0, even where a_i underflowed to 0.
    dL_da = np.divide(-t, a, out=np.zeros_like(a), where=t != 0)
    via_jacobian = dL_da @ J
    delta_ce = cross_entropy(y_r, y_star[r - 1: r])[1]  # the core's (25)
    row = lambda v: matrix(v[None, :], transposed=nt.column)  # noqa: E731 - one sample: a row (a column)
    JT = matrix(J, transposed=nt.column)  # a row times J, or Jᵀ times a column (the same numbers: J = Jᵀ)
    jacobian = r"\Big[\frac{\partial a_i}{\partial y_j}\Big]" + (r"^T" if nt.column else "")
    dL_da_written = rf"\underbrace{{{row(dL_da)}}}_{{\partial L/\partial a}}"
    notes = ("d_note_24_25", "d_origin_24_25")
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
        rf"{nt.product(dL_da_written, JT, sep='')} = {row(via_jacobian)}"
        rf" = \underbrace{{{row(delta_ce[0])}}}_{{a - y^*}}",
        *(i18n.noted(key + ("_mse" if loss == "mse" else ""), lang, nt, r=r) for key in notes),
    )
    mse_on_softmax = (a - t) @ J
    other = Equation(
        "",
        r"L = \tfrac12 \lVert a - y^* \rVert^2 \;\Rightarrow\; \frac{\partial L}{\partial y}"
        r" = " + nt.product(r"(a - y^*)", jacobian),
        rf"{nt.product(row(a - t), JT, sep='')} = {row(mse_on_softmax)}",
        i18n.text("d_note_mse_softmax", lang, r=r), i18n.text("d_origin_mse_softmax", lang, r=r),
    )
    return [jac, to25, other]


def entry_chain(net: Network, g: Gradients, W: list[np.ndarray], b: list[np.ndarray], l: int, i: int, j: int,
                r: int, Y: np.ndarray, lang: str = "en", nt: Notation = ROW) -> list[Equation]:
    """One scalar through the chain rule, sample r (1-based), with the step's numbers:
    (2)–(4) for ∂L/∂W^l_{ij} (the core's [i, j]: from neuron i of layer l to neuron j of layer
    l+1; W^l_{ji} in columns), (10)–(14) for δ^l_i and, at the output, (20) (MSE) or the last
    line of (25) (cross-entropy) for δ^n_j. W, b are the weights the step used."""
    output = [output_entry(net, g, Y, j, r, lang)] if l == len(g.z) - 1 else []
    return [*output, weight_entry(g, W, b, l, i, j, r, lang, nt), delta_entry(net, g, W, l, i, r, lang, nt=nt)]


def output_entry(net: Network, g: Gradients, Y: np.ndarray, j: int, r: int, lang: str = "en") -> Equation:
    """δ^n_j of sample r (1-based): (20) y_j − y*_j (MSE) or the last line of (25) a_j − y*_j."""
    n = len(g.z)
    y, t, d = g.z[-1][r - 1, j - 1], Y[r - 1, j - 1], g.delta[-1][r - 1, j - 1]
    if net.loss == "mse":
        return Equation(
            "(20)",
            rf"\delta^{{{n}}}_{{{j}}} = \frac{{\partial L}}{{\partial y_{{{j}}}}} = \frac{{\partial\,"
            rf"\frac12 (y_{{{j}}} - y^*_{{{j}}})^2}}{{\partial y_{{{j}}}}} = y_{{{j}}} - y^*_{{{j}}}",
            rf"{number(y)} - {signed(t)} = {number(d)}",
            i18n.text("d_note_20", lang, j=j, r=r), i18n.text("d_origin_20", lang, r=r))
    a_j = float(np.exp(log_softmax(g.z[-1][r - 1: r]))[0, j - 1])
    return Equation(
        "(25)", rf"\delta^{{{n}}}_{{{j}}} = a_{{{j}}} - y^*_{{{j}}}",
        rf"{number(a_j)} - {signed(t)} = {number(d)}",
        i18n.text("d_note_25_entry", lang, j=j, r=r), i18n.text("d_origin_25", lang, n=n))


def weight_entry(g: Gradients, W: list[np.ndarray], b: list[np.ndarray], l: int, i: int, j: int, r: int,
                 lang: str = "en", nt: Notation = ROW) -> Equation:
    """(2)–(4) for ∂L/∂W^l_{ij} of sample r (1-based; the core's [i, j], written W^l_{ji} in
    columns): only z^{l+1}_j holds W^l_{ij}; its derivative there is a^l_i."""
    ij = _pair(nt)
    a, z_next, d_next = g.a[l - 1][r - 1], g.z[l][r - 1], g.delta[l][r - 1]
    Wl, bl = W[l - 1], b[l - 1]
    sum_z = [nt.product(signed(a[k]), signed(Wl[k, j - 1]), sep=r"\cdot") for k in range(len(a))]
    sum_z.append(signed(bl[0, j - 1]))
    z_j = nt.product(rf"a^{{{l}}}_k", rf"W^{{{l}}}_{{{ij('k', j)}}}")
    return Equation(
        "(2)–(4)",
        rf"\frac{{\partial L}}{{\partial W^{{{l}}}_{{{ij(i, j)}}}}}"
        rf" = \frac{{\partial L}}{{\partial z^{{{l + 1}}}_{{{j}}}}}\frac{{\partial z^{{{l + 1}}}_{{{j}}}}}"
        rf"{{\partial W^{{{l}}}_{{{ij(i, j)}}}}}"
        rf" = \delta^{{{l + 1}}}_{{{j}}}\,\frac{{\partial(\sum_k {z_j} + b^{{{l}}}_{{{j}}})}}"
        rf"{{\partial W^{{{l}}}_{{{ij(i, j)}}}}} = \delta^{{{l + 1}}}_{{{j}}}\, a^{{{l}}}_{{{i}}}",
        rf"\begin{{aligned}}z^{{{l + 1}}}_{{{j}}} &= {terms(sum_z)} = {number(z_next[j - 1])} \\"
        rf"\delta^{{{l + 1}}}_{{{j}}}\, a^{{{l}}}_{{{i}}} &= {signed(d_next[j - 1])}\cdot{signed(a[i - 1])}"
        rf" = {number(d_next[j - 1] * a[i - 1])}\end{{aligned}}",
        i18n.noted("d_note_2_4", lang, nt, l=l, l1=l + 1, i=i, j=j, r=r),
        i18n.text("d_origin_2_4_input" if l == 1 else "d_origin_2_4", lang, l=l, i=i),
    )


def delta_entry(net: Network, g: Gradients, W: list[np.ndarray], l: int, i: int, r: int, lang: str = "en",
                tag: str = "(10)–(14)", nt: Notation = ROW) -> Equation:
    """(10)–(14) for δ^l_i of sample r (1-based), which is (15) for that entry: every z^{l+1}_j
    holds z^l_i (through a^l_i), so the sum runs over j (the first WRITE_TERMS of its terms
    written, the others counted); ⊙ f′(z^l_i) for a hidden layer; `tag` is its formula number."""
    d_next, Wl = g.delta[l][r - 1], W[l - 1]
    s13 = entry_sum(g, W, l, i, r)
    chain = rf"\delta^{{{l}}}_{{{i}}} = \sum_j \frac{{\partial L}}{{\partial z^{{{l + 1}}}_j}}" \
            rf"\frac{{\partial z^{{{l + 1}}}_j}}{{\partial z^{{{l}}}_{{{i}}}}}"
    written = terms([nt.product(signed(d_next[k]), signed(Wl[i - 1, k]), sep=r"\cdot") for k in range(len(d_next))],
                    index="j")
    written += rf" = {number(s13)}"
    by_j = nt.product(rf"\delta^{{{l + 1}}}_j", rf"W^{{{l}}}_{{{_pair(nt)(i, 'j')}}}")
    # δ^{l+1} times column i of (W^l)^T; in columns, row i of (W^l)^T times δ^{l+1}
    as_matrix = nt.product(rf"\delta^{{{l + 1}}}", rf"((W^{{{l}}})^T)_{{{i}}}", sep="")
    if l > 1:
        fp = float(net.f_prime(g.z[l - 1][r - 1: r], g.a[l - 1][r - 1: r])[0, i - 1])
        symbolic = rf"{chain} = \Big(\sum_j {by_j}\Big) f'(z^{{{l}}}_{{{i}}}) = {as_matrix}\, f'(z^{{{l}}}_{{{i}}})"
        last = rf"{number(s13)}\cdot{signed(fp)} = {number(g.delta[l - 1][r - 1, i - 1])}"
        origin = i18n.text("d_origin_10_14", lang, l=l, i=i)
    else:
        symbolic = rf"{chain} = \sum_j {by_j} = {as_matrix}"
        last = rf"\delta^{{1}}_{{{i}}} = {number(g.delta[0][r - 1, i - 1])}"
        origin = i18n.text("d_origin_10_14_input", lang, l=l, i=i)
    numeric = rf"\begin{{aligned}}&{written} \\ &{{{last}}}\end{{aligned}}"  # braced: its leading − is a sign
    note = i18n.noted("d_note_10_14", lang, nt, l=l, l1=l + 1, i=i, r=r)
    return Equation(tag, symbolic, numeric, note, origin)


def _pair(nt: Notation):
    return lambda i, j: ",".join(map(str, nt.pair(i, j)))


def entry_sum(g: Gradients, W: list[np.ndarray], l: int, i: int, r: int) -> float:
    """(13) Σ_j δ^{l+1}_{r,j} W^l_{ij}, the sum `entry_chain` writes (before ⊙ f′)."""
    return float(g.delta[l][r - 1] @ W[l - 1][i - 1])

"""One number of the board, derived: a cell of δ, ∂L/∂W, ∂L/∂b, ΔW or Δb written out as the
formula that gives it, with the numbers of the step it belongs to.

- ∂L/∂W^l_{ij}: (8) for one entry, the batch sum of a^l_{r,i} δ^{l+1}_{r,j} over B;
- ∂L/∂b^l_j: (9) for one entry, the batch sum of δ^{l+1}_{r,j} over B;
- δ^k_{r,j}: (15) for one entry (the chain rule's (10)–(14), with f′), or at the output (20)
  (MSE) or (25) (cross-entropy);
- ΔW^l_{ij}, Δb^l_j: (17), (18) for one entry (with a penalty, the app's λ ∂R/∂W), then the
  gradient it steps along.

Every formula comes from the builders the Equations view uses (`teach`, `chain`); a batch sum
writes at most `teach.WRITE_TERMS` terms and names the samples it leaves out, so that a
derivation costs O(B + the layer's width) whatever the network. No Streamlit here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from explorer import i18n
from explorer.core import Gradients, Network
from explorer.model.snapshot import Snapshot
from explorer.notation import ROW, Notation, sup
from explorer.teaching import chain, teach
from explorer.teaching.teach import Equation, number, signed

# The board's names of the matrices whose cells have a derivation (W and b have none: they are given).
SYMBOLS = {"delta": "δ", "dW": "∂L/∂W", "db": "∂L/∂b", "DW": "ΔW", "Db": "Δb"}
PANELS = {"delta": None, "dW": "dW", "db": "dW", "DW": "update", "Db": "update"}  # the board's panel of each
_KEY = re.compile(r"(delta|dW|db|DW|Db)([1-9][0-9]{0,2})")


@dataclass(frozen=True)
class Cell:
    """One cell of the board: the matrix's key there (delta3, dW1, db1, DW1, Db1) and its row i
    and column j, 1-based (δ's row is the sample r; a bias has one row)."""

    key: str
    i: int
    j: int

    @property
    def kind(self) -> str:
        return _KEY.fullmatch(self.key).group(1)

    @property
    def l(self) -> int:  # noqa: E743 - the derivation's layer index
        """The layer in the key: δ^l's l, or W^l's for the others."""
        return int(_KEY.fullmatch(self.key).group(2))

    def name(self, nt: Notation = ROW) -> str:
        """The cell as the board's hover names it: δ³[2, 1], ∂L/∂W¹[3, 2] (δ³[1, 2], ∂L/∂W¹[2, 3]
        in the column notation, which shows every matrix transposed)."""
        return f"{SYMBOLS[self.kind]}{sup(self.l)}[{', '.join(map(str, nt.pair(self.i, self.j)))}]"

    def as_list(self) -> list:
        return [self.key, self.i, self.j]


def shape(key: str, sizes: list[int], batch: int) -> tuple[int, int] | None:
    """The shape of the board's matrix `key` in a network of `sizes` at batch size `batch`, or
    None where it has no such matrix (or no derivation for it)."""
    found = _KEY.fullmatch(key) if isinstance(key, str) else None
    if found is None:
        return None
    kind, l = found.group(1), int(found.group(2))
    if kind == "delta":
        return (batch, sizes[l - 1]) if 2 <= l <= len(sizes) else None
    if not 1 <= l < len(sizes):
        return None
    return (sizes[l - 1], sizes[l]) if kind in ("dW", "DW") else (1, sizes[l])


def parse(value: object, sizes: list[int], batch: int) -> Cell | None:
    """The cell a click on the board names ([key, i, j], 1-based), or None when it names none
    of this network's cells (the value comes from the page: it is checked, never trusted)."""
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        return None
    key, i, j = value
    size = shape(key, sizes, batch)
    if size is None or not all(isinstance(k, int) and not isinstance(k, bool) for k in (i, j)):
        return None
    return Cell(key, i, j) if 1 <= i <= size[0] and 1 <= j <= size[1] else None


def _batch_sum(values: list[str], B: int, lang: str) -> tuple[str, str]:
    """A sum over the batch written out (at most WRITE_TERMS terms), and a note saying which
    samples it leaves out, if any."""
    kept = B if B <= teach.WRITE_TERMS else teach.WRITE_TERMS - 1
    note = i18n.text("x_left_out", lang, k=kept, B=B, rest=B - kept, first=kept + 1) if kept < B else ""
    return teach.terms(values, index="r"), note


def weight_gradient(g: Gradients, l: int, i: int, j: int, lang: str = "en", nt: Notation = ROW) -> Equation:
    """(8) for ∂L/∂W^l_{ij}: (1/B) Σ_r a^l_{r,i} δ^{l+1}_{r,j}, the products of `teach.cell_terms`
    (in the column notation (1/B) Σ_r δ^{l+1}_{j,r} a^l_{i,r}, for W^l_{ji})."""
    _, a_i, d_j, products = teach.cell_terms(g, l, i, j, lang).values()
    B = len(products)
    written, left_out = _batch_sum([nt.product(signed(a), signed(d), sep=r"\cdot") for a, d in zip(a_i, d_j)], B, lang)
    ij, ri, rj = (",".join(map(str, nt.pair(*pair))) for pair in ((i, j), ("r", i), ("r", j)))
    return Equation(
        "(8)",
        rf"\frac{{\partial L}}{{\partial W^{{{l}}}_{{{ij}}}}} = \frac{{1}}{{B}}\sum_{{r=1}}^{{B}} "
        + nt.product(rf"a^{{{l}}}_{{{ri}}}", rf"\delta^{{{l + 1}}}_{{{rj}}}", sep=r"\,"),
        rf"\begin{{aligned}}&\frac{{1}}{{{B}}}\Big({written}\Big) \\ &= \frac{{{number(products.sum())}}}{{{B}}}"
        rf" = {number(g.dW[l - 1][i - 1, j - 1])}\end{{aligned}}",
        " ".join(t for t in (i18n.noted("x_note_8", lang, nt, l=l, l1=l + 1, i=i, j=j), left_out) if t),
        i18n.noted("d_origin_8_input" if l == 1 else "d_origin_8", lang, nt, l=l, l1=l + 1),
    )


def bias_gradient(g: Gradients, l: int, j: int, lang: str = "en", nt: Notation = ROW) -> Equation:
    """(9) for ∂L/∂b^l_j: (1/B) Σ_r δ^{l+1}_{r,j}."""
    d_j = g.delta[l][:, j - 1]
    B = len(d_j)
    written, left_out = _batch_sum([signed(d) for d in d_j], B, lang)
    return Equation(
        "(9)",
        rf"\frac{{\partial L}}{{\partial b^{{{l}}}_{{{j}}}}} = \frac{{1}}{{B}}\sum_{{r=1}}^{{B}}"
        rf" \delta^{{{l + 1}}}_{{{','.join(map(str, nt.pair('r', j)))}}}",
        rf"\begin{{aligned}}&\frac{{1}}{{{B}}}\Big({written}\Big) \\ &= \frac{{{number(d_j.sum())}}}{{{B}}}"
        rf" = {number(g.db[l - 1][0, j - 1])}\end{{aligned}}",
        " ".join(t for t in (i18n.noted("x_note_9", lang, nt, l1=l + 1, j=j), left_out) if t),
        i18n.noted("d_origin_9", lang, nt, l=l, l1=l + 1),
    )


def stepped(s: Snapshot, l: int, i: int, j: int) -> float:
    """What (17) stepped W^l_{ij} along: ∂L/∂W^l_{ij}, plus λ ∂R/∂W^l_{ij} with a penalty (the
    same arithmetic as `Snapshot.update_gradient`, on that entry alone)."""
    entry = np.s_[i - 1: i, j - 1: j]
    return float(s.penalty.whole([s.g.dW[l - 1][entry]], [s.W_before[l - 1][entry]])[0][0, 0])


def weight_update(s: Snapshot, l: int, i: int, j: int, lang: str = "en", nt: Notation = ROW) -> Equation:
    """(17) for W^l_{ij}: ΔW = −η ∂L/∂W (with a penalty −η (∂L/∂W + λ ∂R/∂W), the app's
    addition), and the weight before and after."""
    dW, before, after = s.g.dW[l - 1][i - 1, j - 1], s.W_before[l - 1][i - 1, j - 1], s.W[l - 1][i - 1, j - 1]
    entry = ",".join(map(str, nt.pair(i, j)))
    D, dL = -s.lr * stepped(s, l, i, j), rf"\frac{{\partial L}}{{\partial W^{{{l}}}_{{{entry}}}}}"
    moved = rf",\quad W^{{{l}}}_{{{entry}}} \leftarrow W^{{{l}}}_{{{entry}}} + \Delta W^{{{l}}}_{{{entry}}}"
    after_text = rf",\quad {number(before)} + {signed(D)} = {number(after)}"
    if s.edit is not None:  # no step applied it: the update the gradients at the edited weights point to
        moved = after_text = ""
    if not s.penalty.active:
        return Equation("(17)", rf"\Delta W^{{{l}}}_{{{entry}}} = -\eta\,{dL}{moved}",
                        rf"-{number(s.lr)}\cdot{signed(dW)} = {number(D)}{after_text}", _edited(s, lang, nt),
                        i18n.text("d_origin_17", lang, l=l))
    dR = {"l2": rf"W^{{{l}}}_{{{entry}}}", "l1": rf"\mathrm{{sign}}(W^{{{l}}}_{{{entry}}})"}[s.penalty.kind]
    dR_value, dR_dW = float(s.penalty.dR(np.asarray(before))), rf"\frac{{\partial R}}{{\partial W^{{{l}}}_{{{entry}}}}}"
    return Equation(
        "(17)",
        rf"\Delta W^{{{l}}}_{{{entry}}} = -\eta\Big({dL} + \lambda {dR_dW}\Big),\quad {dR_dW} = {dR}{moved}",
        rf"-{number(s.lr)}\Big({signed(dW)} + {number(s.penalty.lam)}\cdot{signed(dR_value)}\Big) = {number(D)}"
        + after_text,
        " ".join(t for t in (i18n.text(f"d_note_17_{s.penalty.kind}", lang, l=l), _edited(s, lang, nt)) if t),
        i18n.text("d_origin_17_reg", lang, l=l),
    )


def bias_update(s: Snapshot, l: int, j: int, lang: str = "en") -> Equation:
    """(18) for b^l_j: Δb = −η ∂L/∂b, and the bias before and after."""
    db, before, after = s.g.db[l - 1][0, j - 1], s.b_before[l - 1][0, j - 1], s.b[l - 1][0, j - 1]
    D = -s.lr * db
    moved = rf",\quad b^{{{l}}}_{{{j}}} \leftarrow b^{{{l}}}_{{{j}}} + \Delta b^{{{l}}}_{{{j}}}"
    after_text = rf",\quad {number(before)} + {signed(D)} = {number(after)}"
    if s.edit is not None:
        moved = after_text = ""
    return Equation(
        "(18)", rf"\Delta b^{{{l}}}_{{{j}}} = -\eta\,\frac{{\partial L}}{{\partial b^{{{l}}}_{{{j}}}}}{moved}",
        rf"-{number(s.lr)}\cdot{signed(db)} = {number(D)}{after_text}", _edited(s, lang),
        i18n.text("d_origin_18", lang, l=l),
    )


def _edited(s: Snapshot, lang: str, nt: Notation = ROW) -> str:
    """At a hand edit's entry, why its update moved nothing (else nothing); the edit named in `nt`."""
    return "" if s.edit is None else i18n.text("x_edited", lang, name=s.edit.written(nt))


def derivation(net: Network, s: Snapshot, cell: Cell, lang: str = "en", nt: Notation = ROW) -> list[Equation]:
    """The formulas that give `cell` at the step of snapshot `s` (which kept its gradients), in
    the order they are read: the cell's own formula, then what it is made of where that is
    another of the board's cells (an update's gradient). `net`: its activation and loss."""
    g, l, i, j = s.g, cell.l, cell.i, cell.j
    kind = cell.kind
    if kind == "delta":  # δ^l, row i = sample r, column j
        if l == len(g.z):
            return [chain.output_entry(net, g, s.batch.Y, j, i, lang)]
        return [chain.delta_entry(net, g, s.W_before, l, j, i, lang, tag="(15)", nt=nt)]
    if kind == "dW":
        return [weight_gradient(g, l, i, j, lang, nt)]
    if kind == "db":
        return [bias_gradient(g, l, j, lang, nt)]
    if kind == "DW":
        return [weight_update(s, l, i, j, lang, nt), weight_gradient(g, l, i, j, lang, nt)]
    return [bias_update(s, l, j, lang), bias_gradient(g, l, j, lang, nt)]


def value(s: Snapshot, cell: Cell) -> float:
    """The cell's value at snapshot `s`, as the board shows it (the core's arrays)."""
    g, l, i, j = s.g, cell.l, cell.i, cell.j
    if cell.kind == "delta":
        return float(g.delta[l - 1][i - 1, j - 1])
    if cell.kind == "dW":
        return float(g.dW[l - 1][i - 1, j - 1])
    if cell.kind == "DW":
        return -s.lr * stepped(s, l, i, j)
    return float(g.db[l - 1][0, j - 1] * (1.0 if cell.kind == "db" else -s.lr))


def equations_entry(cell: Cell, layers: int) -> dict[str, int]:
    """Where the Equations view writes the cell's chain rule (`chain.entry_chain`): its layer l,
    entry i, j and sample r (1 where the cell leaves one free, always within that layer's
    shape). `layers`: how many W^l there are."""
    if cell.kind != "delta":  # W^l's entry (i, j); a bias: its column j
        return {"l": cell.l, "i": cell.i if cell.kind in ("dW", "DW") else 1, "j": cell.j, "r": 1}
    if cell.l <= layers:  # δ^l_j of sample r: the chain rule's (10)–(14) at layer l, entry i = j
        return {"l": cell.l, "i": cell.j, "j": 1, "r": cell.i}
    return {"l": layers, "i": 1, "j": cell.j, "r": cell.i}  # the output's δ^n_j: (20) or (25) at the last layer

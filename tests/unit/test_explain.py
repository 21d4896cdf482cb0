"""Tests of explorer.teaching.explain: a board cell's derivation writes the core's numbers, its
terms add up to the core's entry, and it stays bounded whatever the batch.

The reference is computed here again, by hand, from the weights the step started from and its
batch: the forward pass, δ by (21)/(25) and (15), ∂L/∂W by (8) one sample at a time, and the
update by (17) with the penalty's ∂R/∂W written out.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from specs import SMALL, trained

from explorer.figures import board
from explorer.teaching import chain, explain, teach

NUMBER = r"(?:\(-[0-9.]+(?:\\mathrm\{e\}-?[0-9]+)?\)|[0-9.]+(?:\\mathrm\{e\}-?[0-9]+)?)"
TERM = re.compile(rf"({NUMBER})\\cdot({NUMBER})")  # one written term x·y, a negative in parentheses


def value_of(text: str) -> float:
    return float(text.strip("()").replace(r"\mathrm{e}", "e"))


def written(v: float) -> str:
    return teach.number(v)


def by_hand(s, activation: str, loss: str):
    """The step's a, z and δ recomputed from W_before, b_before and the batch, by (15), (21), (25)."""
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
         "identity": lambda z: z}[activation]
    df = {"tanh": lambda z: 1 - np.tanh(z) ** 2, "relu": lambda z: (z > 0) * 1.0,
          "sigmoid": lambda z: f(z) * (1 - f(z)), "identity": np.ones_like}[activation]
    W, b, X, Y = s.W_before, s.b_before, s.batch.X, s.batch.Y
    a, z = [X], [X]
    for k in range(len(W)):
        z.append(a[-1] @ W[k] + b[k])
        a.append(f(z[-1]) if k < len(W) - 1 else z[-1])
    y = z[-1]
    if loss == "mse":
        out = y - Y  # (21)
    else:
        e = np.exp(y - y.max(axis=1, keepdims=True))
        out = e / e.sum(axis=1, keepdims=True) - Y  # (25)
    delta = [out]
    for k in range(len(W) - 1, 0, -1):  # δ^k = δ^{k+1} (W^k)^T ⊙ f'(z^k), k = n−1 … 2
        delta.insert(0, (delta[0] @ W[k].T) * df(z[k]))
    return a, z, [None, *delta]  # delta[k-1] is δ^k, as the core keeps it (δ^1 left out)


CASES = [("tanh", "cross_entropy", "none"), ("relu", "mse", "l2"), ("sigmoid", "cross_entropy", "l1")]


@pytest.mark.parametrize("activation,loss,reg", CASES)
@pytest.mark.parametrize("batch", [3, 20])
def test_every_cell_derives_the_core_entry(activation, loss, reg, batch):
    config = SMALL.with_(activation=activation, loss=loss, reg=reg, lam=0.05, batch=batch)
    if loss == "mse":
        config = config.with_(dataset="sine", hidden=(3, 4))
    t = trained(config, steps=3)
    s, net = t.current, t.net
    g, sizes = s.g, net.sizes
    a, _, delta = by_hand(s, activation, loss)
    B = len(s.batch.rows)
    for key in [f"delta{k}" for k in range(2, len(sizes) + 1)] + [f"{p}{l}" for p in ("dW", "db", "DW", "Db")
                                                                  for l in range(1, len(sizes))]:
        m, n = explain.shape(key, sizes, B)
        for i in range(1, m + 1):
            for j in range(1, n + 1):
                cell = explain.parse([key, i, j], sizes, B)
                assert cell == explain.Cell(key, i, j)
                equations = explain.derivation(net, s, cell)
                first, l = equations[0], cell.l
                assert len(equations) == (2 if cell.kind in ("DW", "Db") else 1)
                if cell.kind == "delta":  # (15) for that entry, or the output's (20)/(25): the core's δ
                    assert np.isclose(explain.value(s, cell), delta[l - 1][i - 1, j - 1], rtol=1e-10, atol=1e-14)
                    assert explain.value(s, cell) == g.delta[l - 1][i - 1, j - 1]
                    assert first.number == ("(15)" if l < len(sizes) else "(20)" if loss == "mse" else "(25)")
                    shown = re.sub(r"\}?\\end\{\w+\}$", "", first.numeric)  # the formula's last number
                    assert shown.endswith(written(g.delta[l - 1][i - 1, j - 1]))
                    if l < len(sizes):  # ⊙ f′ at this entry: the sum (13) times f′(z) is δ
                        assert "f'(z^" in first.symbolic
                if cell.kind in ("dW", "DW"):  # (8): the written terms are a·δ of the first samples
                    eq8 = equations[-1]
                    terms = TERM.findall(eq8.numeric)
                    assert len(terms) == min(B, teach.WRITE_TERMS if B <= teach.WRITE_TERMS else teach.WRITE_TERMS - 1)
                    for r, (x, d) in enumerate(terms):
                        assert x == teach.signed(a[l - 1][r, i - 1]) and d == teach.signed(delta[l][r, j - 1])
                    products = a[l - 1][:, i - 1] * delta[l][:, j - 1]  # every sample's, written or not
                    assert np.isclose(products.sum() / B, g.dW[l - 1][i - 1, j - 1], rtol=1e-10, atol=1e-14)
                    assert eq8.numeric.endswith(f"= {written(g.dW[l - 1][i - 1, j - 1])}\\end{{aligned}}")
                    assert (r"\underbrace{\cdots}_{r=" in eq8.numeric) == (B > teach.WRITE_TERMS)
                if cell.kind == "DW":  # (17): −η (∂L/∂W + λ ∂R/∂W) at W_before, and W after
                    W0 = s.W_before[l - 1][i - 1, j - 1]
                    dR = {"none": 0.0, "l2": W0, "l1": np.sign(W0)}[reg]
                    D = explain.value(s, cell)
                    assert np.isclose(D, -config.lr * (g.dW[l - 1][i - 1, j - 1] + 0.05 * dR * (reg != "none")),
                                      rtol=1e-12, atol=1e-15)
                    assert np.isclose(W0 + D, s.W[l - 1][i - 1, j - 1], rtol=1e-12, atol=1e-15)
                    assert f"= {written(D)}" in first.numeric
                    assert first.numeric.endswith(written(s.W[l - 1][i - 1, j - 1]))
                    assert (r"\lambda" in first.symbolic) == (reg != "none")
                if cell.kind in ("db", "Db"):  # (9): δ's column over the batch, (18) steps along it
                    assert np.isclose(delta[l][:, j - 1].sum() / B, g.db[l - 1][0, j - 1], rtol=1e-10, atol=1e-14)
                    assert equations[-1].numeric.endswith(f"= {written(g.db[l - 1][0, j - 1])}\\end{{aligned}}")
                if cell.kind == "Db":
                    assert np.isclose(s.b_before[l - 1][0, j - 1] + explain.value(s, cell), s.b[l - 1][0, j - 1],
                                      rtol=1e-12, atol=1e-15)


def test_the_value_is_the_one_the_board_shows():
    t = trained(SMALL.with_(reg="l2", lam=0.1), steps=2)
    s = t.current
    _, arrays = board.frame(t, s, board.View(ranges={}), board.Shown(panels=("dW", "update")))
    frame = dict(arrays)
    for key in ("delta3", "delta4", "dW2", "db1", "DW1", "Db3"):
        m, n = frame[key].shape
        for i in range(1, m + 1):
            for j in range(1, n + 1):
                assert explain.value(s, explain.Cell(key, i, j)) == frame[key][i - 1, j - 1]


def test_a_large_batch_is_written_in_a_bounded_number_of_terms():
    t = trained(SMALL.with_(batch=300), steps=1)
    s = t.current
    B = len(s.batch.rows)  # the whole training set, 160 rows
    assert B > 100
    for key in ("dW1", "db2", "DW3"):
        equations = explain.derivation(t.net, s, explain.Cell(key, 1, 2))
        text = equations[-1].numeric
        assert len(TERM.findall(text)) <= teach.WRITE_TERMS and text.count("+") <= teach.WRITE_TERMS + 1
        assert rf"\underbrace{{\cdots}}_{{r=6,\ldots,{B}}}" in text
        assert f"{B - 5} (samples $r = 6, \\ldots, {B}$)" in equations[-1].note
        assert len(text) < 1500


def test_the_derivation_speaks_both_languages():
    t = trained(SMALL.with_(batch=20, reg="l1"), steps=1)
    for lang in ("en", "zh"):
        for key in ("dW1", "db1", "DW2", "delta3", "delta4"):
            notes = " ".join(e.note + e.origin for e in explain.derivation(t.net, t.current, explain.Cell(key, 1, 1),
                                                                             lang))
            assert notes and (re.search("[\u4e00-\u9fff]", notes) is not None) == (lang == "zh")


@pytest.mark.parametrize("value", [
    None, "dW1", ["dW1", 1], ["dW1", 1, 1, 1], ["W1", 1, 1], ["b1", 1, 1], ["dW0", 1, 1], ["dW3", 1, 1],
    ["delta1", 1, 1], ["delta4", 1, 1], ["dW1", 0, 1], ["dW1", 3, 1], ["dW1", 1, 4], ["db1", 2, 1],
    ["dW1", True, 1], ["dW1", 1.0, 1], ["dW1", "1", 1], [["dW1"], 1, 1], ["dW1 ", 1, 1], ["dW01", 1, 1],
    ["x" * 10_000, 1, 1], ["delta2", 6, 1],
])
def test_a_value_that_names_no_cell_is_refused(value):
    assert explain.parse(value, [2, 3, 2], 5) is None  # W¹ 2×3, W² 3×2, δ² 5×3, δ³ 5×2


def test_cells_of_every_matrix_are_accepted():
    sizes = [2, 3, 2]
    for value, name in ((["dW1", 2, 3], "∂L/∂W¹[2, 3]"), (["db2", 1, 2], "∂L/∂b²[1, 2]"), (["DW2", 3, 2], "ΔW²[3, 2]"),
                        (["Db1", 1, 3], "Δb¹[1, 3]"), (["delta2", 5, 3], "δ²[5, 3]"), (("delta3", 1, 2), "δ³[1, 2]")):
        cell = explain.parse(value, sizes, 5)
        assert cell is not None and cell.name() == name and cell.as_list() == list(value)


def test_the_equations_view_writes_the_same_entry():
    """The entry the board hands to the Equations view: its chain rule ends in the cell's value."""
    t = trained(SMALL.with_(batch=5), steps=2)
    s, net = t.complete(t.current), t.net  # the chain at layer 1 writes δ¹ too
    layers = len(s.W)
    for key, i, j in (("delta2", 4, 3), ("delta3", 2, 1), ("delta4", 5, 2), ("dW2", 3, 4), ("DW1", 2, 1)):
        cell = explain.Cell(key, i, j)
        at = explain.equations_entry(cell, layers)
        m, n = s.W[at["l"] - 1].shape
        assert 1 <= at["i"] <= m and 1 <= at["j"] <= n and 1 <= at["r"] <= len(s.batch.rows)
        equations = chain.entry_chain(net, s.g, s.W_before, s.b_before, at["l"], at["i"], at["j"], at["r"],
                                      s.batch.Y)
        if cell.kind == "delta" and cell.l <= layers:  # (10)–(14) for δ^l_i of sample r
            assert equations[-1].numeric.endswith(f"= {written(explain.value(s, cell))}}}\\end{{aligned}}")
        elif cell.kind == "delta":  # the output's δ^n_j
            assert equations[0].numeric.endswith(f"= {written(explain.value(s, cell))}")
        else:  # (2)–(4) for W^l_{ij}, sample r
            assert (at["l"], at["i"], at["j"]) == (cell.l, i, j)


def test_at_a_hand_edit_the_update_is_not_said_to_have_moved_the_weight():
    """A hand edit's entry: its gradients are the last batch through the edited weights (W_before is
    W); its ΔW and Δb are −η times them, and no step applied them."""
    t = trained(SMALL.with_(reg="l2", lam=0.1), steps=2)
    t.edit(2, 3, 1, "0.5")
    s = t.current
    _, _, delta = by_hand(s, "tanh", "cross_entropy")
    assert s.W[1][2, 0] == 0.5 and np.allclose(delta[2], s.g.delta[2], rtol=1e-10, atol=1e-14)
    for cell in (explain.Cell("DW2", 3, 1), explain.Cell("Db2", 1, 1), explain.Cell("DW1", 2, 1)):
        update, _ = explain.derivation(t.net, s, cell)
        assert r"\leftarrow" not in update.symbolic and "hand edit of W²₃,₁" in update.note
        assert f"= {written(explain.value(s, cell))}" in update.numeric
    D = explain.value(s, explain.Cell("DW2", 3, 1))
    assert np.isclose(D, -SMALL.lr * (s.g.dW[1][2, 0] + 0.1 * 0.5), rtol=1e-12)
    t.step()  # the next step's update is said to have moved the weight again
    update = explain.derivation(t.net, t.current, explain.Cell("DW2", 3, 1))[0]
    assert r"\leftarrow" in update.symbolic and "hand edit" not in update.note

"""Tests of explorer.teaching.teach: every number written into a formula is the core's own.

Each equation is checked two ways: its LaTeX contains `teach.matrix(M)` of exactly the
arrays an independent `Network` computes for the same weights and batch (so a wrong
array, a stale one or a transposed one shows), and the matrices parsed back out of the
LaTeX, in order, agree with those arrays to the four digits `teach.number` writes.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from specs import trained

from explorer import i18n
from explorer.core import Network
from explorer.model.training import Config, Trainer
from explorer.notation import sub, sup
from explorer.teaching import export, teach

BEGIN, END = r"\begin{bmatrix}", r"\end{bmatrix}"
BMATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}")


def parse_number(text: str) -> float:
    return float(text.strip().replace(r"\mathrm{e}", "e"))


def parse_matrices(latex: str) -> list[np.ndarray]:
    """Every written-out matrix of a LaTeX string, in order."""
    return [np.array([[parse_number(cell) for cell in row.split("&")] for row in body.split(r" \\ ")])
            for body in BMATRIX.findall(latex)]


def close_to_written(parsed: np.ndarray, M: np.ndarray) -> bool:
    """`parsed` is M written with four significant digits."""
    return parsed.shape == M.shape and bool(np.all(np.abs(parsed - M) <= 5e-4 * np.abs(M) + 1e-300))


def assert_written(latex: str, arrays: list[np.ndarray]) -> None:
    """The formula writes exactly these matrices out, in this order, with the core's numbers."""
    for M in arrays:
        assert teach.matrix(M) in latex, f"matrix {M.shape} not written as teach.matrix() of the core's array"
    parsed = parse_matrices(latex)
    assert len(parsed) == len(arrays), f"{len(parsed)} matrices written, {len(arrays)} expected"
    for k, (p, M) in enumerate(zip(parsed, arrays)):
        assert close_to_written(p, M), f"matrix {k} of the formula"




def reference(net: Network, W, b, X, Y):
    """The core's gradients, recomputed on an independent network with the weights W, b."""
    ref = Network(net.sizes, net.activation, net.loss, net.seed)
    ref.W, ref.b = [w.copy() for w in W], [v.copy() for v in b]
    return ref, ref.gradients(X, Y)


def f_prime(activation: str, z: np.ndarray) -> np.ndarray:
    """f'(z) written out again, from z alone."""
    if activation == "tanh":
        return 1.0 / np.cosh(z) ** 2
    if activation == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        return s * (1.0 - s)
    if activation == "relu":
        return (z > 0).astype(float)
    return np.ones_like(z)


def softmax(y: np.ndarray) -> np.ndarray:
    e = np.exp(y - y.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# -- number() and matrix() ---------------------------------------------------------------


@pytest.mark.parametrize("v, text", [(0.0, "0"), (1.0, "1"), (-0.5, "-0.5"), (0.123456, "0.1235"),
                                     (-1234.5678, "-1235"), (1.5e-7, r"1.5\mathrm{e}-07"),
                                     (2.5e12, r"2.5\mathrm{e}+12")])
def test_number_writes_four_significant_digits(v, text):
    assert teach.number(v) == text
    assert "e" not in teach.number(v).replace(r"\mathrm{e}", "")  # no bare e: LaTeX would set it as a variable


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_number_reads_back_to_four_digits(v):
    assert abs(parse_number(teach.number(v)) - v) <= 5e-4 * abs(v)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, teach.WRITE_OUT), st.integers(1, teach.WRITE_OUT), st.integers(0, 2**32 - 1))
def test_matrix_writes_exactly_the_entries_formatted_by_number(rows, cols, seed):
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(rows, cols)) * 10.0 ** rng.integers(-8, 8, size=(rows, cols))
    latex = teach.matrix(M)
    assert latex.startswith(BEGIN) and latex.endswith(END)
    body = latex[len(BEGIN):-len(END)]
    assert [row.split(" & ") for row in body.split(r" \\ ")] == [[teach.number(v) for v in row] for row in M]
    (parsed,) = parse_matrices(latex)
    assert close_to_written(parsed, M)


@pytest.mark.parametrize("shape", [(7, 3), (3, 7), (7, 7), (16, 2), (1, 100), (256, 10)])
def test_a_large_matrix_is_written_as_its_first_rows_and_columns(shape):
    M = np.random.default_rng(sum(shape)).normal(size=shape)
    latex = teach.matrix(M)
    k = teach.WRITE_OUT
    assert latex.startswith(rf"\underset{{{shape[0]}\times{shape[1]}}}{{{BEGIN}")
    rows = latex[len(rf"\underset{{{shape[0]}\times{shape[1]}}}{{{BEGIN}"):-len(END) - 1].split(r" \\ ")
    cut_rows, cut_cols = shape[0] > k, shape[1] > k
    assert len(rows) == min(shape[0], k) + cut_rows
    for row, values in zip(rows, M[:k]):  # exactly the core's entries, sliced
        assert row.split(" & ") == [teach.number(v) for v in values[:k]] + [r"\cdots"] * cut_cols
    if cut_rows:
        assert rows[-1].split(" & ") == [r"\vdots"] * min(shape[1], k) + [r"\ddots"] * cut_cols
    assert latex.count(r"\underset") == 1  # its shape once


def test_the_write_out_limit_is_inclusive_and_adjustable():
    assert teach.matrix(np.ones((teach.WRITE_OUT, teach.WRITE_OUT))).startswith(BEGIN)
    assert teach.matrix(np.ones((3, 3)), rows=2).count(r"\vdots") == 3
    assert teach.matrix(np.ones((3, 3)), rows=3).startswith(BEGIN)
    assert "-0" not in teach.matrix(np.array([[-0.0, 0.0]]))


# -- the equations of one layer ---------------------------------------------------------------


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_each_equation_of_each_layer_writes_the_cores_arrays(loss, activation):
    t = trained(loss=loss, activation=activation)
    s, net = t.complete(t.current), t.net  # with δ^1, as the equations view shows it
    _, g = reference(net, s.W_before, s.b_before, s.batch.X, s.batch.Y)
    n, B, lr = len(net.sizes), len(s.batch.rows), s.lr
    assert not any(np.array_equal(w0, w1) for w0, w1 in zip(s.W_before, s.W))  # (15) must pick the right one
    for l in range(1, n):
        equations = teach.layer_equations(net, s, l)
        numbers = [e.number for e in equations]
        output = ["(25)" if loss == "cross_entropy" else "(21)"] if l == n - 1 else []
        assert numbers == [*output, "(8)", "(9)", "(15)", "(17)", "(18)"]
        by = {e.number: e for e in equations}
        if l == n - 1:
            y, d_n = g.z[-1], g.delta[-1]
            if loss == "cross_entropy":
                assert np.allclose(d_n, softmax(y) - s.batch.Y, rtol=0, atol=1e-14)
                assert_written(by["(25)"].numeric, [teach_softmax(y), s.batch.Y, d_n])
            else:
                assert np.array_equal(d_n, y - s.batch.Y)
                assert_written(by["(21)"].numeric, [y, s.batch.Y, d_n])
        a, d, dW, db = g.a[l - 1], g.delta[l], g.dW[l - 1], g.db[l - 1]
        assert_written(by["(8)"].numeric, [a.T, d, dW])
        assert rf"\frac{{1}}{{{B}}}" in by["(8)"].numeric
        assert rf"\underbrace{{{teach.matrix(dW)}}}_{{{dW.shape[0]}\times{dW.shape[1]}}}" in by["(8)"].numeric
        assert_written(by["(9)"].numeric, [d, db])
        W_used = s.W_before[l - 1]
        if l == 1:
            assert_written(by["(15)"].numeric, [d, W_used.T, g.delta[0]])
        else:
            fp = f_prime(activation, g.z[l - 1])
            assert teach.matrix(net.f_prime(g.z[l - 1], g.a[l - 1])) in by["(15)"].numeric
            assert_written(by["(15)"].numeric, [d, W_used.T, fp, g.delta[l - 1]])
        assert np.array_equal(s.W[l - 1], s.W_before[l - 1] - lr * dW)  # (17) as the core does it
        assert np.array_equal(s.b[l - 1], s.b_before[l - 1] - lr * db)  # (18)
        assert_written(by["(17)"].numeric, [s.W_before[l - 1], dW, s.W[l - 1]])
        assert_written(by["(18)"].numeric, [s.b_before[l - 1], db, s.b[l - 1]])
        assert rf"- {teach.number(lr)}\," in by["(17)"].numeric and rf"- {teach.number(lr)}\," in by["(18)"].numeric


def teach_softmax(y: np.ndarray) -> np.ndarray:
    """The probabilities (25) writes: the core's softmax (the independent one is compared above)."""
    from explorer.core import log_softmax

    a = np.exp(log_softmax(y))
    assert np.allclose(a, softmax(y), rtol=0, atol=1e-15)
    return a


def test_large_parameters_and_per_sample_matrices_appear_by_their_first_rows_and_columns():
    t = trained(steps=1, hidden=(8,), batch=16)  # sizes [2, 8, 2], B = 16
    s, g = t.current, t.current.g
    dW1 = teach.dL_dW(g, 1).numeric  # ∂L/∂W¹ 2×8, (a¹)ᵀ 2×16 and δ² 16×8: each its first rows and columns
    assert teach.matrix(g.dW[0], label=False) in dW1 and r"}_{2\times8}" in dW1
    assert teach.matrix(g.a[0], transposed=True, label=False) in dW1
    assert teach.matrix(g.delta[1], label=False) in dW1 and r"\underset" not in dW1  # each shape once, in its brace
    db2 = teach.dL_db(g, 2).numeric  # δ³ 16×2: its first WRITE_OUT rows, then ⋮; ∂L/∂b² 1×2 written out
    assert r"\underset{16\times2}{\begin{bmatrix}" in db2 and r"\vdots & \vdots\end{bmatrix}" in db2
    assert_written(db2.replace(r" \\ \vdots & \vdots", ""), [g.delta[2][: teach.WRITE_OUT], g.db[1]])
    W2 = teach.update(s, 2)[0].numeric  # W² is 8×2: its first 6 rows, then ⋮
    assert r"\underset{8\times2}" in W2 and teach.matrix(s.W[1]) in W2 and teach.matrix(s.W_before[1]) in W2


def test_samples_write_the_first_rows_and_columns_of_a_per_sample_matrix():
    M = np.arange(16 * 8, dtype=float).reshape(16, 8)
    assert teach.matrix(M[:4, :3], 4) == teach.matrix(M[:4, :3])  # nothing left out: as before
    latex = teach.matrix(M, 2)
    assert latex.startswith(r"\underset{16\times8}{" + BEGIN)
    body = BMATRIX.search(latex).group(1).split(r" \\ ")
    assert [row.split(" & ") for row in body] == [
        [teach.number(v) for v in M[0, :6]] + [r"\cdots"], [teach.number(v) for v in M[1, :6]] + [r"\cdots"],
        [r"\vdots"] * 6 + [r"\ddots"]]
    transposed = teach.matrix(M, 2, transposed=True)  # samples as columns
    rows = [row.split(" & ") for row in BMATRIX.search(transposed).group(1).split(r" \\ ")]
    assert transposed.startswith(r"\underset{8\times16}") and len(rows) == 7
    assert rows[-1] == [r"\vdots"] * 2 + [r"\ddots"]
    assert rows[0] == [teach.number(M[0, 0]), teach.number(M[1, 0]), r"\cdots"]
    assert teach.matrix(M, 100).count(r"\\") == teach.WRITE_OUT  # k beyond WRITE_OUT is WRITE_OUT


# -- one entry of ∂L/∂W -------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_cell_terms_give_every_entry_of_dW(activation):
    t = trained(activation=activation)
    g = t.current.g
    B = len(g.z[0])
    for l in range(1, len(t.net.sizes)):
        m, n = g.dW[l - 1].shape
        for i in range(1, m + 1):
            for j in range(1, n + 1):
                terms = teach.cell_terms(g, l, i, j)
                assert list(terms) == ["sample r", f"a{sup(l)}ᵣ,{sub(i)}", f"δ{sup(l + 1)}ᵣ,{sub(j)}", "product"]
                assert np.array_equal(terms["sample r"], np.arange(1, B + 1))
                assert np.array_equal(terms[f"a{sup(l)}ᵣ,{sub(i)}"], g.a[l - 1][:, i - 1])  # column i of a^l
                assert np.array_equal(terms[f"δ{sup(l + 1)}ᵣ,{sub(j)}"], g.delta[l][:, j - 1])  # column j of δ^{l+1}
                assert np.array_equal(terms["product"], g.a[l - 1][:, i - 1] * g.delta[l][:, j - 1])
                assert math.isclose(terms["product"].mean(), g.dW[l - 1][i - 1, j - 1], rel_tol=1e-12,
                                    abs_tol=1e-12)


# -- MSE against cross-entropy on the same weights -----------------------------------------------


def independent_output(net: Network, W, b, X) -> np.ndarray:
    a = X
    for k, (Wk, bk) in enumerate(zip(W, b)):
        z = a @ Wk + bk
        a = np.tanh(z) if k < len(W) - 1 else z
    return z


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_output_deltas_are_y_minus_target_and_softmax_minus_target(loss):
    t = trained(loss=loss)
    s, net = t.current, t.net
    W_now = [w.copy() for w in net.W]
    X, Y = s.batch.X, s.batch.Y
    y, (mse_loss, mse_delta), (ce_loss, ce_delta) = teach.output_deltas(net, s.W_before, s.b_before, X, Y)
    y_ref = independent_output(net, s.W_before, s.b_before, X)
    assert np.allclose(y, y_ref, rtol=1e-12, atol=1e-14)
    assert np.array_equal(y, s.g.z[-1])  # the weights the step used, not the current ones
    assert np.allclose(mse_delta, y_ref - Y, rtol=0, atol=1e-12)  # (21)
    assert np.allclose(ce_delta, softmax(y_ref) - Y, rtol=0, atol=1e-12)  # (25)
    assert np.allclose(ce_delta.sum(axis=1), 0, atol=1e-12)  # probabilities and one-hot rows both sum to 1
    assert math.isclose(mse_loss, 0.5 * np.sum((y_ref - Y) ** 2) / len(X), rel_tol=1e-12)  # (19)
    assert math.isclose(ce_loss, -np.sum(Y * np.log(softmax(y_ref))) / len(X), rel_tol=1e-12)  # (23)
    assert np.array_equal(s.g.delta[-1], ce_delta if loss == "cross_entropy" else mse_delta)
    assert not np.allclose(mse_delta, ce_delta)
    assert all(np.array_equal(a, b) for a, b in zip(net.W, W_now))  # the network is left alone


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=4), st.integers(1, 6), st.integers(0, 2**16))
def test_output_deltas_on_random_networks(sizes, batch, seed):
    sizes[-1] = max(sizes[-1], 2)
    net = Network(sizes, "tanh", "mse", seed)
    rng = np.random.default_rng(seed)
    W = [rng.normal(size=w.shape) for w in net.W]
    b = [rng.normal(size=v.shape) for v in net.b]
    X, Y = rng.normal(size=(batch, sizes[0])), np.eye(sizes[-1])[rng.integers(sizes[-1], size=batch)]
    y, (_, mse_delta), (_, ce_delta) = teach.output_deltas(net, W, b, X, Y)
    y_ref = independent_output(net, W, b, X)
    assert np.allclose(y, y_ref, rtol=1e-12, atol=1e-12)
    assert np.allclose(mse_delta, y_ref - Y, rtol=1e-12, atol=1e-12)
    assert np.allclose(ce_delta, softmax(y_ref) - Y, rtol=0, atol=1e-12)


# -- one update, phase by phase -----------------------------------------------------------------


def expected_titles(n: int) -> list[str]:
    return ([f"Forward: layer {i} → {i + 1}" for i in range(1, n)] + ["Loss", f"Output error δ{sup(n)}"]
            + [f"Backward: {number} at layer {l}" for l in range(n - 1, 0, -1) for number in ("(8)", "(9)", "(15)")]
            + ["Update every W and b"])


@pytest.mark.parametrize("hidden", [(), (3,), (3, 4), (2, 3, 2)])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_phases_in_order_with_the_cores_arrays_and_the_steps_weights(hidden, loss):
    t = trained(steps=1, hidden=hidden, loss=loss)
    net, lr = t.net, t.config.lr
    batch = t.next_batch()
    g = net.gradients(batch.X, batch.Y)
    W_now = [w.copy() for w in net.W]
    phases = teach.phases(net, g, batch.Y, lr)
    n = len(net.sizes)
    assert len(phases) == 4 * (n - 1) + 3
    assert [p.title for p in phases] == expected_titles(n)
    assert [p.layer for p in phases] == ([*range(1, n), None, n - 1]
                                         + [l for l in range(n - 1, 0, -1) for _ in range(3)] + [None])
    _, ref = reference(net, net.W, net.b, batch.X, batch.Y)
    shown: dict[str, np.ndarray] = {}
    for p in phases:
        shown |= p.shows
    for i in range(1, n - 1):
        assert np.array_equal(shown[f"z{sup(i + 1)}"], ref.z[i]) and np.array_equal(shown[f"a{sup(i + 1)}"], ref.a[i])
    assert np.array_equal(shown[f"y = z{sup(n)}"], ref.z[-1])
    assert np.array_equal(shown["y*"], batch.Y)
    assert np.array_equal(shown[f"δ{sup(n)}"], ref.delta[-1])
    for l in range(1, n):
        assert np.array_equal(shown[f"∂L/∂W{sup(l)}"], ref.dW[l - 1])
        assert np.array_equal(shown[f"∂L/∂b{sup(l)}"], ref.db[l - 1])
        assert np.array_equal(shown[f"δ{sup(l)}"], ref.delta[l - 1])
    # Each phase's formula is written with the numbers it shows.
    for i, p in enumerate(phases[: n - 1], start=1):
        assert_written(p.equation.numeric, [ref.a[i - 1], net.W[i - 1], net.b[i - 1], ref.z[i]])
    assert phases[n - 1].equation.number == ("(22), (23)" if loss == "cross_entropy" else "(19)")
    assert phases[n - 1].equation.numeric == f"L = {teach.number(ref.loss)}"
    assert phases[n].equation.number == ("(25)" if loss == "cross_entropy" else "(21)")
    for p in phases[n + 1: -1]:
        (M,) = p.shows.values()
        assert teach.matrix(M) in p.equation.numeric, p.title
    # The last phase is one Step: exactly the weights Network.step gives on the same batch.
    stepped = net.copy()
    stepped.step(batch.X, batch.Y, lr)
    new = phases[-1].shows
    assert list(new) == [f"W{sup(k)} (new)" for k in range(1, n)]
    for k, W in enumerate(stepped.W, start=1):
        assert np.array_equal(new[f"W{sup(k)} (new)"], W)
    assert phases[-1].equation.number == "(17), (18)"
    assert all(np.array_equal(a, b) for a, b in zip(net.W, W_now))  # the phases change nothing
    t.step()
    assert all(np.array_equal(new[f"W{sup(k)} (new)"], W) for k, W in enumerate(t.net.W, start=1))


# -- the handout ----------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_handout_holds_every_intermediate_number(loss):
    t = trained(steps=3, loss=loss)
    for step in (2, 3):  # a past step (through network_at) and the latest one
        s = t.complete(t.snapshot(step))  # with δ^1, as the export view hands it out
        net = t.network_at(s)
        assert not export.cut(net, len(s.batch.rows))
        text = export.handout(net, s, t.config.dataset)
        _, g = reference(net, s.W_before, s.b_before, s.batch.X, s.batch.Y)
        arrays = [*g.z, *g.a, *g.delta, *g.dW, *g.db, *s.W_before, *s.W, *s.b_before, *s.b, s.batch.X, s.batch.Y]
        arrays += [a.T for a in g.a[:-1]] + [W.T for W in s.W_before]
        arrays += [net.f_prime(z, a) for z, a in zip(g.z[1:-1], g.a[1:-1])]
        if loss == "cross_entropy":
            arrays.append(teach_softmax(g.z[-1]))
        missing = [M.shape for M in arrays if teach.matrix(M) not in text]
        assert not missing, f"handout lacks matrices of shapes {missing}"
        assert r"\cdots" not in text
        assert f"step {step}" in text and f"η = {teach.number(s.lr)}" in text
        assert f"Data set: {i18n.text('ds_' + t.config.dataset)}; seed {t.config.seed} " in text
        names = {"mse": "loss = MSE (19)", "cross_entropy": "loss = softmax cross-entropy (22), (23)"}
        assert f"activation f = {net.activation}" in text and names[loss] in text
        for number in ("(8)", "(9)", "(15)", "(17)", "(18)", "(25)" if loss == "cross_entropy" else "(21)"):
            assert number in text
        assert text.count("$$") % 2 == 0
        assert teach.number(s.g.loss) in text


@pytest.mark.parametrize("hidden, batch, fits", [((6,), 6, True), ((3, 4), 1, True), ((7,), 4, False),
                                                 ((6,), 7, False), ((2, 6, 6), 6, True)])
def test_which_handouts_are_cut(hidden, batch, fits):
    net = Network([2, *hidden, 2])
    assert export.cut(net, batch) is not fits
    assert export.cut(Network([7, *hidden, 2]), batch) is True


def test_the_default_networks_handout_writes_the_first_rows_of_every_matrix_with_a_note():
    t = Trainer.from_config(Config())
    t.step()
    s = t.complete(t.current)
    assert export.cut(t.net, len(s.batch.rows))
    text = export.handout(t.net, s, t.config.dataset)
    assert "written as their first 6 rows and columns" in text
    g = s.g
    for M in [*g.z, *g.delta[1:], *g.dW, *s.W_before, *s.W]:
        assert teach.matrix(M, label=False) in text, M.shape  # the core's own entries, sliced
    assert r"[\;\cdots\;]" not in text and "-0 " not in text

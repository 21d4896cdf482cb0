"""The notation switch (explorer.notation): the column notation shows every matrix the row
notation shows, transposed, with the same numbers (the board's payload and every matrix the
teaching layer writes out), and writes (1), (8), (15), (16) in their column forms, which hold
for the core's own arrays."""

from __future__ import annotations

import re

import numpy as np
import pytest
from specs import SMALL, trained

from explorer.figures import board
from explorer.i18n import Message
from explorer.model.training import Config, Trainer
from explorer.notation import COLUMN, ROW, Notation
from explorer.teaching import chain, export, teach
from explorer.ui import links

BMATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}")
SWAP = {r"\vdots": r"\cdots", r"\cdots": r"\vdots"}


def written(latex: str) -> list[tuple[tuple[str, ...], ...]]:
    """Every matrix written in `latex`, as rows of cell texts."""
    return [tuple(tuple(c.strip() for c in row.split("&")) for row in body.split(r"\\"))
            for body in BMATRIX.findall(latex)]


def transposed(cells: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """A written matrix transposed: rows become columns, and ⋮ and ⋯ trade places."""
    return tuple(tuple(SWAP.get(c, c) for c in column) for column in zip(*cells))


def assert_transposes(row_latex: str, column_latex: str) -> None:
    """The column form writes exactly the row form's matrices, each transposed (a product's
    factors in the reverse order, so compared as a collection)."""
    rows, columns = written(row_latex), written(column_latex)
    assert rows and sorted(rows) == sorted(transposed(M) for M in columns)
    assert any(transposed(M) != M for M in rows)  # not all symmetric: the test can tell


# -- the board's payload -----------------------------------------------------------------------------------


def frames(t: Trainer, notation: str, panels=("dW", "update")) -> tuple[dict, dict[str, np.ndarray]]:
    shown = board.Shown(panels=panels, notation=notation)
    spec = board.structure(t, shown)
    view = board.View(ranges={}, edges="dW", nodes="δ", pick=(1, 2, 3))
    frame = board.frame(t, t.current, view, shown, ["1"], drawn=spec[0]["pictured"])
    return board.unpack(board.payload(spec[0]["version"], spec, [frame]))


@pytest.mark.parametrize("hidden", [(8, 4), (100,)])  # (100,): W¹ 2×100 sent at display resolution
def test_every_matrix_the_board_shows_in_columns_is_the_row_one_transposed(hidden):
    t = Trainer.from_config(Config(hidden=hidden, batch=5))
    t.run(3)
    (row_head, rows), (column_head, columns) = frames(t, "row"), frames(t, "column")
    assert row_head["structure"]["notation"] == "row" and column_head["structure"]["notation"] == "column"
    assert column_head["frames"][0]["notation"] == "column"
    assert row_head["structure"]["version"] != column_head["structure"]["version"]  # a switch rebuilds the board
    assert rows.keys() == columns.keys()
    matrices = [name for name in rows if re.fullmatch(r"f0\.(W|b|dW|db|DW|Db|delta)\d+", name)]
    assert len(matrices) == 7 * len(t.net.W)
    for name in rows:
        if name in matrices:
            np.testing.assert_array_equal(columns[name], rows[name].T, err_msg=name)
            assert columns[name].dtype == rows[name].dtype
        else:  # the data, the curve, the diagram's edges and neurons: no matrix of the derivation
            np.testing.assert_array_equal(columns[name], rows[name], err_msg=name)
    m, n = board.coarse(t.net.W[0]).shape  # W¹ as shown in rows (n: at most board.SHOWN_CELLS)
    assert columns["f0.W1"].shape == (n, m) and columns["f0.b1"].shape == (n, 1)
    assert columns["f0.delta2"].shape == (n, 5)  # one sample a column
    assert column_head["frames"][0]["ranges"] == row_head["frames"][0]["ranges"]
    assert column_head["frames"][0]["pick"] == [1, 2, 3]  # the core's W¹[2, 3] either way (data-w's terms)
    if hidden == (8, 4):  # exact: the core's own numbers
        np.testing.assert_array_equal(columns["f0.W2"], t.net.W[1].T)
        np.testing.assert_array_equal(columns["f0.delta3"], t.current.g.delta[2].T)
    assert "column" in column_head["structure"]["words"]["delta"]


# -- the teaching layer's formulas ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> Trainer:
    return trained(SMALL, steps=2)  # sizes [2, 3, 4, 2], B = 5, tanh


def test_8_and_15_in_column_form_hold_for_the_cores_arrays(small):
    s, net = small.complete(small.current), small.net
    g, B = s.g, len(s.batch.rows)
    for l in (1, 2, 3):
        row, column = teach.dL_dW(g, l), teach.dL_dW(g, l, nt=COLUMN)
        assert row.symbolic.endswith(rf"\frac{{1}}{{B}} (a^{{{l}}})^T \delta^{{{l + 1}}}")
        assert column.symbolic.endswith(rf"\frac{{1}}{{B}} \delta^{{{l + 1}}} (a^{{{l}}})^T")
        assert_transposes(row.numeric, column.numeric)
        # (8) in columns, δ^{l+1} (a^l)^T / B with one sample a column, is the core's ∂L/∂W^l transposed
        np.testing.assert_allclose(g.delta[l].T @ g.a[l - 1] / B, g.dW[l - 1].T, rtol=1e-12, atol=1e-15)
    for l in (2, 3):
        row, column = teach.delta_back(net, g, s.W_before, l), teach.delta_back(net, g, s.W_before, l, nt=COLUMN)
        assert row.symbolic == rf"\delta^{{{l}}} = \delta^{{{l + 1}}} (W^{{{l}}})^T \odot f'(z^{{{l}}})"
        assert column.symbolic == rf"\delta^{{{l}}} = (W^{{{l}}})^T \delta^{{{l + 1}}} \odot f'(z^{{{l}}})"
        assert_transposes(row.numeric, column.numeric)
        W = s.W_before[l - 1].T  # W^l as the column notation writes it: (next layer × this layer)
        f_prime = net.f_prime(g.z[l - 1], g.a[l - 1]).T
        np.testing.assert_allclose(W.T @ g.delta[l].T * f_prime, g.delta[l - 1].T, rtol=1e-12, atol=1e-15)
    first = teach.delta_back(net, g, s.W_before, 1, nt=COLUMN)
    assert first.symbolic == r"\delta^{1} = (W^{1})^T \delta^{2}"


def test_every_matrix_written_out_in_columns_is_the_row_one_transposed(small):
    s, net, t = small.complete(small.current), small.net, small
    for l in (1, 2, 3):
        pairs = zip(teach.layer_equations(net, s, l, "en", 3), teach.layer_equations(net, s, l, "en", 3, COLUMN))
        for row, column in pairs:
            assert row.number == column.number
            assert_transposes(row.numeric, column.numeric)
        unrolled = [chain.unrolled(net, s.g, s.W_before, l, nt=nt) for nt in (ROW, COLUMN)]
        for row, column in zip(*unrolled):
            if written(row.numeric):
                assert_transposes(row.numeric, column.numeric)
    batch = t.next_batch()
    g = t.net.gradients(batch.X, batch.Y)
    for row, column in zip(teach.phases(t.net, g, batch.Y, 0.3, "en", 2), teach.phases(t.net, g, batch.Y, 0.3, "en", 2,
                                                                                         nt=COLUMN)):
        if written(row.equation.numeric):
            assert_transposes(row.equation.numeric, column.equation.numeric)
    forward = teach.phases(t.net, g, batch.Y, 0.3, "en", 2, nt=COLUMN)[0].equation
    assert forward.symbolic.startswith(r"z^{2} = W^{1} a^{1} + b^{1}")  # (1) in columns


def test_the_column_forms_of_16_and_of_one_entry(small):
    s, net = small.complete(small.current), small.net
    (written16, app) = chain.unrolled(net, s.g, s.W_before, 1, nt=COLUMN)
    assert written16.symbolic == r"\delta^{1} = (W^{1})^T(W^{2})^T(W^{3})^T\delta^{4}"
    assert app.symbolic.startswith(r"\delta^{1} = (W^{1})^T\big((W^{2})^T\big((W^{3})^T\delta^{4}")
    equations = chain.entry_chain(net, s.g, s.W_before, s.b_before, 2, 3, 1, 2, s.batch.Y, nt=COLUMN)
    entry = next(e for e in equations if e.number == "(2)–(4)")
    assert r"\partial W^{2}_{1,3}" in entry.symbolic and r"W^{2}_{1,k} a^{2}_k" in entry.symbolic
    sums = next(e for e in equations if e.number == "(10)–(14)")
    assert r"W^{2}_{j,3} \delta^{3}_j" in sums.symbolic and r"((W^{2})^T)_{3}\delta^{3}" in sums.symbolic
    terms = teach.cell_terms(s.g, 2, 3, 1, "en", COLUMN)
    assert list(terms)[1:3] == ["a²₃,ᵣ", "δ³₁,ᵣ"]


def test_the_handout_writes_the_row_ones_transposed(small):
    s, net = small.complete(small.current), small.net
    row, column = export.handout(net, s, "xor", "en"), export.handout(net, s, "xor", "en", nt=COLUMN)
    assert_transposes(row, column)
    assert r"\delta^{3} (a^{2})^T" in column and r"(W^{2})^T \delta^{3}" in column


# -- the link --------------------------------------------------------------------------------------------


def test_the_link_parameter():
    assert links.parse_page({})[0]["notation"] == "row"
    options, problems = links.parse_page({"notation": "column"})
    assert options["notation"] == "column" and not problems
    assert links.page_query(options)["notation"] == "column"
    assert "notation" not in links.page_query(links.parse_page({"notation": "row"})[0])
    options, (problem,) = links.parse_page({"notation": "Wa+b"})
    assert options["notation"] == "row" and isinstance(problem, Message)
    assert "`notation=Wa+b`" in problem and "the notation must be one of row, column" in problem
    assert "记号" in problem.to("zh")
    assert Notation("column") == COLUMN and ROW.pair(2, 3) == (2, 3) and COLUMN.pair(2, 3) == (3, 2)
    assert COLUMN.entry("W", 2, 3, 4) == "W²₄,₃" and COLUMN.product("A", "B", "C") == "C B A"


def test_a_hover_in_columns_asks_for_the_entry_as_shown():
    t = Trainer.from_config(Config(hidden=(100,)))
    t.run(1)
    s = t.current
    answer = board.peek(s, {"id": 1, "key": "W1", "i": 70, "j": 1}, COLUMN)  # row 71, column 2 of W¹ n×m
    assert answer["v"] == s.W[0][1, 70] and (answer["i"], answer["j"]) == (70, 1)
    assert board.peek(s, {"id": 1, "key": "delta2", "i": 99, "j": 3}, COLUMN)["v"] == s.g.delta[1][3, 99]
    assert board.peek(s, {"id": 1, "key": "W1", "i": 1, "j": 70}, COLUMN) is None  # W¹ is 100×2 as shown


def test_the_quiz_and_the_gradient_check_name_cells_in_the_notation():
    from explorer import i18n
    from explorer.model.gradcheck import Entry
    from explorer.teaching import quiz

    said = Message("quiz_f_largest_change", l=2, i=3, j=1, value="0.5", next="0.1")
    assert "ΔW²₃,₁ = 0.5" in i18n.say(said, "en") and "ΔW²₁,₃ = 0.5" in i18n.say(said, "en", COLUMN)
    assert "ΔW²₁,₃ = 0.5" in i18n.say(said, "zh", COLUMN)
    hidden = Message("quiz_f_delta_sign", l=2, r=1, j=3, value="0.1", rule=Message("quiz_f_hidden", l=2, l1=3))
    assert "(W²)ᵀ δ³ ⊙ f′(z²)" in i18n.say(hidden, "en", COLUMN) and "δ³ (W²)ᵀ ⊙" in i18n.say(hidden, "en")
    crash = Message("gc_crash", l=2, l1=3, B=5, n=4, m=3, k=4)
    assert "W² is 4×3 and δ³ is 4×5" in i18n.say(crash, "en", COLUMN)
    assert Entry("W", 2, 3, 4, 0.0, 0.0, 0.0).named(COLUMN) == "W²₄,₃" == Entry("W", 2, 4, 3, 0, 0, 0).name
    assert Entry("b", 2, 1, 4, 0.0, 0.0, 0.0).named(COLUMN) == "b²₄"
    t = Trainer.from_config(Config(hidden=(4,), activation="relu", batch=4, seed=3))
    t.run(2)
    for seed in range(40):  # a zero-cells question whose step has zero cells
        question = quiz.pick("zero_cells", t.net, t.next_batch(), t.config.lr, t.steps, seed)
        if question is None or question.kind != "zero_cells":
            continue
        t.step()
        zero = sorted(quiz.outcome(question, t.current, t.net))
        if zero:
            facts = quiz.facts(question, t.current, t.net, COLUMN)
            assert facts.values["cells"].startswith(f"({zero[0][1]}, {zero[0][0]})")
            assert "a cell (j, i) is zero" in i18n.say(facts, "en", COLUMN)
            return
    pytest.skip("no step with zero cells of ∂L/∂W here")


def test_the_phases_diagram_hovers_and_labels_in_the_notation(small):
    from explorer.figures import diagram

    t = small
    batch = t.next_batch()
    g = t.net.gradients(batch.X, batch.Y)
    row, column = (diagram.phase_figure(t.net.W, t.net.b, g, g.dW, 0.3, 4, 2, "(15)", nt=nt) for nt in (ROW, COLUMN))
    trace = {tr.get("uid"): tr for tr in column["data"]}
    edge = "W<sup>%{customdata[0]}</sup>[%{customdata[2]}, %{customdata[1]}]"  # the core's W[i, j] as W[j, i]
    assert trace["edge-labels"]["hovertemplate"].startswith(edge)
    assert trace["biases"]["hovertemplate"].startswith("b<sup>%{customdata[0]}</sup>[%{customdata[1]}, 1]")
    rows = {tr.get("uid"): tr for tr in row["data"]}
    assert rows["edge-labels"]["hovertemplate"].startswith(edge.replace("[2]}, %{customdata[1", "[1]}, %{customdata[2"))
    texts = [a["text"] for a in column["layout"]["annotations"]]
    assert "δ<sup>2</sup> = (W<sup>2</sup>)<sup>T</sup> δ<sup>3</sup>" in texts
    forward = diagram.phase_figure(t.net.W, t.net.b, g, g.dW, 0.3, 0, None, "", nt=COLUMN)
    forward_texts = [a["text"] for a in forward["layout"]["annotations"]]
    assert "z<sup>2</sup> = W<sup>1</sup> a<sup>1</sup> + b<sup>1</sup>" in forward_texts


def test_a_clicked_cells_derivation_in_the_notation(small):
    from explorer.teaching import explain

    s, net = small.complete(small.current), small.net
    cell = explain.Cell("dW2", 3, 1)  # the core's ∂L/∂W²[3, 1]
    assert cell.name() == "∂L/∂W²[3, 1]" and cell.name(COLUMN) == "∂L/∂W²[1, 3]"
    (row,), (column,) = (explain.derivation(net, s, cell, "en", nt) for nt in (ROW, COLUMN))
    assert r"W^{2}_{3,1}" in row.symbolic and r"a^{2}_{r,3}\,\delta^{3}_{r,1}" in row.symbolic
    assert r"W^{2}_{1,3}" in column.symbolic and r"\delta^{3}_{1,r}\,a^{2}_{3,r}" in column.symbolic
    assert row.numeric.split("=")[-1] == column.numeric.split("=")[-1]  # the same number
    assert "Row 1 of" in column.note


def test_the_softmax_steps_to_25_in_columns(small):
    s = small.current
    row, column = (chain.softmax_chain(s.g.z[-1], s.batch.Y, 2, "en", "cross_entropy", nt) for nt in (ROW, COLUMN))
    for r, c in zip(row[1:], column[1:]):  # ∂L/∂a J = a − y*, and MSE on the softmax: every vector a column
        assert_transposes(r.numeric, c.numeric)
    assert column[2].symbolic.endswith(r"\Big[\frac{\partial a_i}{\partial y_j}\Big]^T (a - y^*)")
    assert "column vector in the middle" in column[1].origin

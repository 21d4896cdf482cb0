""""Show the first k samples": at the default network and batch the Equations view writes
numbers, not only shapes.

A per-sample matrix (X = a¹, z, a, δ, y*: one row per sample) is written as its first k
rows, sliced from the core's arrays, with a ⋮ row for samples k+1…B and at most
teach.WRITE_OUT columns (then ⋯); the batch means (8), (9) still divide by all B and say so.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from specs import ok, open_app

from explorer.model.training import Config, Trainer
from explorer.teaching import teach

BMATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}")
ELIDED = {r"\vdots", r"\cdots", r"\ddots"}


def cells(body: str) -> list[list[str]]:
    return [[cell.strip() for cell in row.split("&")] for row in body.split(r" \\ ")]


def written(latex: str) -> list[list[list[str]]]:
    """Every bmatrix of a LaTeX string, as rows of cell texts (numbers, ⋮, ⋯, ⋱)."""
    return [cells(body) for body in BMATRIX.findall(latex)]


def expected(M: np.ndarray, k: int) -> list[list[str]]:
    """M's first k rows and first WRITE_OUT columns, each entry as teach.number writes it, and
    the markers of what is left out: what the view must show for a per-sample matrix."""
    more = [r"\cdots"] if M.shape[1] > teach.WRITE_OUT else []
    rows = [[teach.number(v) for v in row[: teach.WRITE_OUT]] + more for row in M[:k]]
    if len(M) > k:
        rows.append([r"\vdots"] * min(M.shape[1], teach.WRITE_OUT) + [r"\ddots"] * len(more))
    return rows


def latex(at) -> str:
    return "\n".join(str(e.value) for e in at.latex)


def equations(at, rows: int | None = None):
    at.session_state["view"] = "equations"
    ok(at.run())
    if rows is not None:
        ok(at.number_input(key="eq_rows").set_value(rows).run())
    return at


def default_step() -> Trainer:
    """The default link's network after one Step, rebuilt outside the page."""
    t = Trainer.from_config(Config())
    t.step()
    return t


@pytest.fixture(scope="module")
def stepped():
    at = open_app()
    ok(at.button(key="step").click().run())
    return at


def test_the_default_network_writes_numbers_for_delta(stepped):
    at = equations(stepped)
    t, ref = at.session_state["trainer"], default_step()
    assert t.net.sizes == [2, 8, 8, 2] and len(t.current.batch.rows) == 16 > teach.WRITE_OUT
    assert at.number_input(key="eq_rows").value == teach.WRITE_OUT
    g = ref.current.g
    shown = written(latex(at))
    # (25) at the output layer (chosen by default): a, y* and δ⁴ as their first WRITE_OUT samples.
    assert expected(g.delta[-1], teach.WRITE_OUT) in shown
    assert expected(ref.current.batch.Y, teach.WRITE_OUT) in shown
    assert r"\underset{16\times2}{\begin{bmatrix}" in latex(at)
    # A hidden layer 8 wide: its first 6 neurons, then ⋯; δ³ in (15), z is δ's neighbour in f′.
    assert expected(g.delta[2], teach.WRITE_OUT) in shown
    assert any(r"\cdots" in row for m in shown for row in m)
    assert np.array_equal(at.session_state["net"].W[0], ref.net.W[0])  # the same step as the reference


def test_the_written_entries_are_the_cores_rows_and_k_changes_them(stepped):
    ref = default_step()
    s = ref.complete(ref.current)
    g = s.g
    for k in (1, 3):
        at = equations(stepped, k)
        ok(at.selectbox(key="eq_layer").set_value(2).run())
        shown = written(latex(at))
        for M in (g.delta[2], g.delta[1]):  # δ³ in (8), (9), (15); δ² in (15) and (16)
            assert expected(M, k) in shown, M.shape
        a_T = [list(col) for col in zip(*expected(g.a[1], k))]  # (a²)^T in (8): samples as columns, ⋮ → ⋯
        a_T = [[{r"\vdots": r"\cdots", r"\cdots": r"\vdots"}.get(c, c) for c in row] for row in a_T]
        assert a_T in shown
        assert max(len(m) for m in shown) <= teach.WRITE_OUT + 1  # every written matrix stays small
        assert all(len(row) <= teach.WRITE_OUT + 1 for m in shown for row in m)
        assert not any(expected(M, k + 1) in shown for M in (g.delta[2], g.delta[1]))
        numbers = [c for m in shown for row in m for c in row if c not in ELIDED]
        assert all(re.fullmatch(r"-?[0-9.]+(\\mathrm\{e\}[-+][0-9]+)?", c) for c in numbers), numbers[:5]
        caption = " ".join(str(c.value) for c in at.caption)
        assert f"Samples 1–{k} of 16 are written out" in caption


def test_the_means_still_use_every_sample(stepped):
    at = equations(stepped, 2)
    ok(at.selectbox(key="eq_layer").set_value(3).run())
    shown = latex(at)
    assert r"\frac{1}{16} \underbrace{\begin{bmatrix}" in shown and r"}_{8\times16}" in shown  # (8): (a³)ᵀ, 16 columns
    assert r"\frac{1}{16}\sum_{r=1}^{16}" in shown  # (9)
    g = default_step().current.g
    assert teach.matrix(g.db[2], label=False) in shown  # ∂L/∂b³ is the mean of all 16 rows of δ⁴ ...
    assert not np.allclose(g.db[2], g.delta[3][:2].mean(axis=0))  # ... not of the 2 written
    captions = [str(c.value) for c in at.caption]
    assert any("all 16 samples of the batch, not only the first 2" in c for c in captions)
    assert any("use all 16" in c for c in captions)


def test_k_covers_a_small_batch_whole_and_is_kept_across_views():
    at = open_app(batch="4", hidden="3")
    ok(at.button(key="step").click().run())
    at = equations(at)
    g = at.session_state["trainer"].current.g
    assert teach.matrix(g.delta[-1], label=False) in latex(at)  # B ≤ k: exactly today's full matrix, no ⋮
    assert r"\vdots" not in latex(at) and not any("Samples 1–" in str(c.value) for c in at.caption)
    ok(at.number_input(key="eq_rows").set_value(1).run())
    assert expected(g.delta[-1], 1) in written(latex(at))
    at.session_state["view"] = "phases"
    ok(at.run())
    assert at.number_input(key="eq_rows").value == 1  # one setting for both views
    at.session_state["view"] = "network"
    ok(at.run())
    at = equations(at)
    assert at.number_input(key="eq_rows").value == 1


def test_the_phases_write_the_first_k_samples_of_the_forward_pass():
    at = open_app()
    at.session_state["view"] = "phases"
    ok(at.run())
    ok(at.number_input(key="eq_rows").set_value(2).run())
    t = at.session_state["trainer"]
    batch = t.next_batch()
    g = t.net.gradients(batch.X, batch.Y)  # what the phases show: the coming step
    shown = written(latex(at))
    assert expected(batch.X, 2) in shown and expected(g.z[1], 2) in shown  # z² = a¹W¹ + b¹


def test_zh_says_the_first_k_in_chinese():
    from test_zh import assert_chinese, page_texts

    at = open_app(lang="zh")
    ok(at.button(key="step").click().run())
    at = equations(at, 3)
    assert_chinese(page_texts(at))
    captions = " ".join(str(c.value) for c in at.caption)
    assert "第 1–3 个" in captions and "全部 16 个样本" in captions

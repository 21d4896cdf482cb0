"""Tests of explorer.figures.plots: every figure is valid Plotly, and it draws exactly the numbers given.

`plots.figure` builds figures as plain dicts (Plotly's JSON of a figure) without validation, for
speed, so the validation Plotly would have done is done here instead: `go.Figure(fig)` must
accept each figure.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np
import plotly.graph_objects as go
import pytest
from specs import decode as arr

from explorer.figures import plots

RNG = np.random.default_rng(12345)


def validated(fig: dict) -> go.Figure:
    """Plotly's own validation of every property; raises ValueError on anything invalid."""
    assert isinstance(fig, dict) and set(fig) == {"data", "layout"}
    return go.Figure(fig)



def same(value, expected) -> bool:
    """Bit-identical values (and the same shape)."""
    return np.array_equal(arr(value), np.asarray(expected))


def trace(fig: go.Figure, prefix: str) -> dict:
    """The one trace whose hover label starts with `prefix`, e.g. "W<sup>1</sup>["."""
    found = [t for t in fig.to_dict()["data"] if str(t.get("hovertemplate", "")).startswith(prefix)]
    assert len(found) == 1, f"{len(found)} traces start with {prefix!r}"
    return found[0]


def step_results(rows: int, cols: int, batch: int) -> dict:
    W = RNG.standard_normal((rows, cols))
    return {
        "W": W,
        "b": RNG.standard_normal((1, cols)),
        "delta_next": RNG.standard_normal((batch, cols)),
        "dW": RNG.standard_normal((rows, cols)) * 1e-3,
        "db": RNG.standard_normal((1, cols)) * 1e-3,
    }


# -- heatmap ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(1, 1), (2, 8), (8, 8), (11, 3), (64, 64), (3, 128)])
def test_heatmap_draws_the_matrix_exactly_with_1_based_axes(shape):
    M = RNG.standard_normal(shape)
    t = plots.heatmap(M, "W<sup>1</sup>")
    fig = validated(plots.figure([t], {}))
    assert t["type"] == "heatmap"
    assert same(t["z"], M) and np.asarray(t["z"]).dtype == np.float64
    assert same(fig.data[0].z, M)
    assert same(t["x"], np.arange(1, shape[1] + 1))  # j = 1 … |l_{l+1}|
    assert same(t["y"], np.arange(1, shape[0] + 1))  # i = 1 … |l_l|
    assert t["hovertemplate"].startswith("W<sup>1</sup>[%{y}, %{x}]")


def test_heatmap_colour_range_is_symmetric_around_zero():
    M = np.array([[0.5, -3.0], [2.0, 1.0]])
    t = plots.heatmap(M, "M")
    assert t["zmax"] == 3.0 and t["zmin"] == -3.0
    t = plots.heatmap(-M + 10, "M")  # all positive: still centred on zero
    assert t["zmax"] == 13.0 and t["zmin"] == -13.0
    t = plots.heatmap(M, "M", 0.25)  # a locked range is used as given
    assert t["zmax"] == 0.25 and t["zmin"] == -0.25
    scale = t["colorscale"]
    assert scale[0][0] == 0.0 and scale[-1][0] == 1.0
    assert dict(scale)[0.5].lower() == "#ffffff"  # zero is white


def test_symmetric_range():
    assert plots.symmetric_range(np.array([[-4.0, 2.0]])) == 4.0
    assert plots.symmetric_range(np.zeros((3, 3))) == 1.0
    assert plots.symmetric_range(np.zeros((0, 3))) == 1.0
    assert plots.symmetric_range(np.array([[1e-12]])) == 1e-12


def test_numbers_in_cells_only_for_small_matrices():
    small = plots.heatmap(np.ones((plots.TEXT_ROWS, plots.TEXT_COLUMNS)), "M")
    tall = plots.heatmap(np.ones((plots.TEXT_ROWS + 1, 2)), "M")
    wide = plots.heatmap(np.ones((2, plots.TEXT_COLUMNS + 1)), "M")
    assert "texttemplate" in small
    assert "texttemplate" not in tall and "texttemplate" not in wide
    assert "texttemplate" in plots.heatmap(np.ones((50, 50)), "M", text=True)


@pytest.mark.parametrize(("shape", "gap"), [((1, 1), True), ((10, 10), True), ((4, 25), True), ((1, 100), True),
                                           ((10, 11), False), ((101, 1), False), ((64, 64), False)])
def test_cell_gaps_only_for_small_matrices(shape, gap):
    t = plots.heatmap(np.ones(shape), "M")
    assert (t.get("xgap"), t.get("ygap")) == ((1, 1) if gap else (None, None))
    assert (np.prod(shape) <= plots.GAP_CELLS) == gap
    validated(plots.figure([t], {}))


# -- network figure: every layer in one figure ----------------------------------------------


def prefixes(l: int) -> dict[str, tuple[str, str]]:
    """Panel key -> hover prefixes of its top (matrix) and bottom (bias) traces in layer l."""
    return {
        "W": (f"W<sup>{l}</sup>[", f"b<sup>{l}</sup>["),
        "dW": (f"∂L/∂W<sup>{l}</sup>[", f"∂L/∂b<sup>{l}</sup>["),
        "update": (f"ΔW<sup>{l}</sup> = −η ∂L/∂W<sup>{l}</sup>[", f"Δb<sup>{l}</sup> = −η ∂L/∂b<sup>{l}</sup>["),
    }


def delta_prefix(l: int) -> str:
    """The hover prefix of layer l's δ^{l+1} panel."""
    return f"δ<sup>{l + 1}</sup>["


def network(sizes: list[int], batch: int = 5, *, stepped: bool = True) -> tuple[list[dict], list[plots.Layer]]:
    """Random step results for a network of these layer sizes, and the Layers drawing them."""
    results = [step_results(m, n, batch) for m, n in itertools.pairwise(sizes)]
    if stepped:
        layers = [plots.Layer(r["W"], r["b"], r["delta_next"], r["dW"], r["db"]) for r in results]
    else:
        layers = [plots.Layer(r["W"], r["b"]) for r in results]
    return results, layers


def hovers(fig: go.Figure) -> list[str]:
    return [str(t.get("hovertemplate", "")) for t in fig.to_dict()["data"]]


@pytest.mark.parametrize("shape", [(1, 1), (2, 8), (8, 2), (12, 9), (64, 64)])
@pytest.mark.parametrize("show", [(), ("dW",), ("update",), ("dW", "update")])
def test_network_figure_after_a_step_is_valid_and_exact(shape, show):
    lr, batch = 0.03, 5
    sizes = [3, *shape, 2]  # W^2 has the shape under test, between two other layers
    results, layers = network(sizes, batch)
    fig = plots.network_figure(layers, lr=lr, show=show)
    fig = validated(fig)
    for l, r in enumerate(results, start=1):
        rows, cols = r["W"].shape
        names = prefixes(l)
        W, b = trace(fig, names["W"][0]), trace(fig, names["W"][1])
        assert same(W["z"], r["W"]) and arr(W["z"]).dtype == np.float64
        assert same(b["z"], r["b"])
        assert same(W["x"], np.arange(1, cols + 1)) and same(W["y"], np.arange(1, rows + 1))
        assert same(b["x"], np.arange(1, cols + 1)) and same(b["y"], [1])
        delta = trace(fig, delta_prefix(l))  # δ^{l+1}: a row per sample, a column per neuron of layer l+1
        assert same(delta["z"], r["delta_next"])
        assert same(delta["y"], np.arange(1, batch + 1)) and same(delta["x"], np.arange(1, cols + 1))
        expected = {"dW": (r["dW"], r["db"]), "update": (-lr * r["dW"], -lr * r["db"])}
        for key, (top, bottom) in expected.items():
            top_name, bottom_name = names[key]
            if key in show:
                assert same(trace(fig, top_name)["z"], top), top_name
                assert same(trace(fig, bottom_name)["z"], bottom), bottom_name
            else:
                assert not any(h.startswith(top_name) or h.startswith(bottom_name) for h in hovers(fig))
    assert len(fig.data) == (len(sizes) - 1) * (2 * (1 + len(show)) + 1)
    for t in fig.to_dict()["data"]:  # thin gaps between cells only for small matrices
        assert ("xgap" in t) == ("ygap" in t) == (arr(t["z"]).size <= plots.GAP_CELLS), t["hovertemplate"]


def test_network_figure_before_a_step_has_only_W_and_b():
    results, _ = network([3, 4, 2], stepped=False)
    layers = [plots.Layer(r["W"], np.zeros_like(r["b"])) for r in results]
    fig = validated(plots.network_figure(layers, lr=0.1))  # gradient panels asked for: nothing to draw yet
    assert [t.hovertemplate.split("[")[0] for t in fig.data] == ["W<sup>1</sup>", "b<sup>1</sup>",
                                                                "W<sup>2</sup>", "b<sup>2</sup>"]
    assert [a.text for a in fig.layout.annotations] == ["W<sup>1</sup>", "b<sup>1</sup>", "W<sup>2</sup>",
                                                        "b<sup>2</sup>"]
    for k, r in enumerate(results):
        assert same(fig.data[2 * k].z, r["W"]) and same(fig.data[2 * k + 1].z, np.zeros_like(r["b"]))
        assert fig.data[2 * k + 1].zmax == 1.0  # an all-zero b still has a range


def test_network_figure_update_panel_needs_lr():
    _, layers = network([2, 3, 2], batch=4)
    fig = plots.network_figure(layers, lr=None)
    fig = validated(fig)
    assert not any(h.startswith("ΔW") or h.startswith("Δb") for h in hovers(fig))
    assert any(h.startswith("∂L/∂W<sup>1</sup>[") for h in hovers(fig))
    assert any(h.startswith("∂L/∂W<sup>2</sup>[") for h in hovers(fig))
    assert len(fig.data) == 2 * (2 * 2 + 1)


def test_network_figure_orientation_rows_reversed_and_panels_aligned():
    """Row 1 at the top; b^l sits under W^l in the same columns j; the gradient panels beside
    them in order, δ^{l+1} on the right across both rows; layer l+1 below layer l."""
    _, layers = network([3, 4, 6, 2], batch=3)
    fig = validated(plots.network_figure(layers, lr=0.1))
    layout = fig.to_dict()["layout"]

    def axis(t: dict, letter: str) -> dict:
        ref = t[f"{letter}axis"]
        return layout[f"{letter}axis{ref[1:]}"]

    above = None
    for l in (1, 2, 3):
        names = prefixes(l)
        columns = []
        for key in ("W", "dW", "update"):
            t, b = trace(fig, names[key][0]), trace(fig, names[key][1])
            assert axis(t, "y")["autorange"] == "reversed"
            assert axis(t, "x")["domain"] == axis(b, "x")["domain"]  # same columns
            assert axis(t, "y")["domain"][0] > axis(b, "y")["domain"][1]  # matrix above its bias row
            columns.append(axis(t, "x")["domain"])
        delta = trace(fig, delta_prefix(l))
        assert axis(delta, "y")["autorange"] == "reversed"
        columns.append(axis(delta, "x")["domain"])
        assert all(left[1] < right[0] for left, right in itertools.pairwise(columns))  # W, ∂L/∂W, ΔW, δ
        W, b = trace(fig, names["W"][0]), trace(fig, names["W"][1])
        assert axis(delta, "y")["domain"][1] >= axis(W, "y")["domain"][1]  # δ spans W's row and b's row
        assert axis(delta, "y")["domain"][0] <= axis(b, "y")["domain"][0]
        if above is not None:
            assert above["domain"][0] > axis(W, "y")["domain"][1]  # layer l−1's b row above layer l's W
            assert axis(W, "x")["domain"] == axis(trace(fig, prefixes(l - 1)["W"][0]), "x")["domain"]
        above = axis(b, "y")
    for t in fig.to_dict()["data"]:  # every panel's title sits centred above it
        name = t["hovertemplate"].split("[")[0]
        (title,) = [a for a in layout["annotations"] if a["text"].split(" (")[0] == name]
        assert title["x"] == pytest.approx(sum(axis(t, "x")["domain"]) / 2, abs=1e-12), name
        assert title["y"] == pytest.approx(axis(t, "y")["domain"][1], abs=1e-12), name


def test_network_figure_ranges_lock_each_panel_by_layer_and_b_keeps_its_own():
    lr = 0.1
    results, layers = network([3, 3, 2], batch=2)
    ranges = {(1, "W"): 5.0, (1, "dW"): 0.5, (1, "update"): 0.05, (1, "delta"): 7.0,
              (2, "W"): 6.0, (2, "dW"): 0.6, (2, "update"): 0.06, (2, "delta"): 8.0,
              (1, "W_b"): 1.5, (1, "dW_b"): 0.15, (1, "update_b"): 0.015,
              (2, "W_b"): 2.5, (2, "dW_b"): 0.25, (2, "update_b"): 0.025}
    fig = plots.network_figure(layers, lr=lr, ranges=ranges)
    fig = validated(fig)
    for l in (1, 2):
        for key, (top, bottom) in prefixes(l).items():
            for prefix, name in ((top, key), (bottom, f"{key}_b")):  # b^l, ∂L/∂b^l, Δb^l: ranges of their own
                t = trace(fig, prefix)
                assert (t["zmin"], t["zmax"]) == (-ranges[(l, name)], ranges[(l, name)]), prefix
        t = trace(fig, delta_prefix(l))
        assert (t["zmin"], t["zmax"]) == (-ranges[(l, "delta")], ranges[(l, "delta")])

    fig = validated(plots.network_figure(layers, lr=lr, ranges={(2, "dW"): 0.25}))  # one panel locked, the rest fitted
    for l, r in enumerate(results, start=1):
        fitted = [(prefixes(l)["W"][0], r["W"]), (prefixes(l)["W"][1], r["b"]), (delta_prefix(l), r["delta_next"]),
                  (prefixes(l)["update"][0], -lr * r["dW"]), (prefixes(l)["update"][1], -lr * r["db"])]
        if l == 1:
            fitted += [(prefixes(l)["dW"][0], r["dW"]), (prefixes(l)["dW"][1], r["db"])]
        for prefix, M in fitted:
            t = trace(fig, prefix)
            assert t["zmax"] == np.abs(M).max() == -t["zmin"], prefix
    top, bottom = prefixes(2)["dW"]
    assert (trace(fig, top)["zmin"], trace(fig, top)["zmax"]) == (-0.25, 0.25)
    assert trace(fig, bottom)["zmax"] == np.abs(results[1]["db"]).max()  # ∂L/∂b² is not ∂L/∂W²'s range


def test_network_figure_layout_cache_is_not_shared_between_figures():
    _, layers = network([2, 3, 2], stepped=False)
    first = plots.network_figure(layers)
    first["layout"]["height"] = 999
    first["layout"]["font"]["size"] = 18
    first["layout"]["annotations"][0]["text"] = "changed"
    first["layout"]["annotations"][1]["text"] = "changed too"
    first["layout"]["yaxis"]["autorange"] = None
    first["layout"]["xaxis"]["domain"][0] = 0.1
    second = validated(plots.network_figure(layers))
    assert second.layout.height != 999 and second.layout.font.size == plots.FONT["size"]
    assert [a.text for a in second.layout.annotations] == ["W<sup>1</sup>", "b<sup>1</sup>", "W<sup>2</sup>",
                                                           "b<sup>2</sup>"]
    assert second.layout.yaxis.autorange == "reversed" and second.layout.xaxis.domain != (0, 0.1)
    # The same shapes with other panels: their own titles, not those of the cached layout.
    _, stepped = network([2, 3, 2])
    shown = validated(plots.network_figure(stepped, lr=0.1, show=("dW",)))
    assert [a.text for a in shown.layout.annotations][:5] == [
        "W<sup>1</sup>", "∂L/∂W<sup>1</sup>", "δ<sup>2</sup> (a row per sample)", "b<sup>1</sup>", "∂L/∂b<sup>1</sup>"]
    third = validated(plots.network_figure(layers))
    assert [a.text for a in third.layout.annotations] == [a.text for a in second.layout.annotations]


@pytest.mark.parametrize(("sizes", "show", "batch", "expected"), [
    # {l: (numbers in W, b and the gradient panels?, numbers in δ?)}
    ([2, 8, 3, 2], ("dW", "update"), 4, {1: (False, False), 2: (True, True), 3: (True, True)}),
    ([2, 8, 3, 2], (), 4, {1: (True, True), 2: (True, True), 3: (True, True)}),
    ([2, 8, 3, 2], (), 11, {1: (True, False), 2: (True, False), 3: (True, False)}),
    ([11, 2, 2], (), 4, {1: (False, False), 2: (True, True)}),
    ([2, 10, 2], ("dW",), 4, {1: (False, False), 2: (True, True)}),
    ([2, 10, 2], None, 4, {1: (True, None), 2: (True, None)}),  # before a step: W and b only
])
def test_numbers_in_cells_per_layer_only_where_they_fit(sizes, show, batch, expected):
    _, layers = network(sizes, batch, stepped=show is not None)
    fig = plots.network_figure(layers, lr=0.1, show=show or ())
    fig = validated(fig)
    for l, (in_matrices, in_delta) in expected.items():
        for key, names in prefixes(l).items():
            for prefix in names:
                if key == "W" or (show and key in show):
                    assert ("texttemplate" in trace(fig, prefix)) == in_matrices, prefix
        if in_delta is not None:
            assert ("texttemplate" in trace(fig, delta_prefix(l))) == in_delta


# -- overview: the loss and the data in one figure ---------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 3, 50, 51, 400])
@pytest.mark.parametrize("log_y", [False, True])
def test_loss_panel_draws_the_history(n, log_y):
    train = list(np.exp(-np.linspace(0, 3, n)) + RNG.uniform(0, 0.1, n))
    test = train[: max(0, n - 1)]
    fig = validated(plots.overview_figure(plots.loss_panel(train, test, log_y=log_y)))
    tr = fig.data[0]
    assert tr.name == "train (batch)" and (tr.xaxis, tr.yaxis) == ("x", "y")
    assert same(tr.y, np.asarray(train, dtype=float)) and list(arr(tr.y)) == train
    assert same(tr.x, np.arange(1, n + 1))  # step 1 is the first update
    if test:
        assert len(fig.data) == 2 and fig.data[1].name == "test (whole set)"
        assert list(arr(fig.data[1].y)) == test and same(fig.data[1].x, np.arange(1, len(test) + 1))
    else:
        assert len(fig.data) == 1
    assert fig.layout.yaxis.type == ("log" if log_y else "linear")
    assert ("markers" in tr.mode) == (n <= 50)
    assert (fig.layout.yaxis.showticklabels is False) == (n == 0)  # no steps: no numbers that mean nothing
    assert fig.layout.shapes == ()


def test_loss_panel_without_test_split():
    fig = validated(plots.overview_figure(plots.loss_panel([0.7, 0.6])))
    assert len(fig.data) == 1 and list(arr(fig.data[0].y)) == [0.7, 0.6]


def test_loss_panel_marks_the_viewed_step_on_the_loss_axis():
    fig = validated(plots.overview_figure(plots.loss_panel([0.9, 0.7, 0.6], [0.95, 0.8, 0.7], mark=2),
                                          decision(3)[0]))
    (line,) = fig.layout.shapes
    assert (line.type, line.x0, line.x1, line.xref, line.yref, line.y0, line.y1) == ("line", 2, 2, "x", "paper", 0, 1)


def decision(k: int, with_test: bool = True):
    """A decision panel of k classes, and what it was given."""
    xs, ys = np.linspace(-2, 2, 7), np.linspace(-1, 1, 5)
    predicted = RNG.integers(0, k, size=(5, 7))
    X, labels = RNG.standard_normal((40, 2)), np.arange(40) % k
    X_test, labels_test = (RNG.standard_normal((10, 2)), np.arange(10) % k) if with_test else (
        np.zeros((0, 2)), np.zeros(0, dtype=int))
    names = tuple(f"class {c}" for c in range(k))
    given = {"xs": xs, "ys": ys, "predicted": predicted, "X": X, "labels": labels, "X_test": X_test,
             "labels_test": labels_test, "names": names}
    return plots.decision_panel(xs, ys, predicted, X, labels, X_test, labels_test, names), given


def data_traces(fig: go.Figure) -> list:
    return [t for t in fig.data if t.xaxis == "x2"]


def test_overview_puts_the_loss_on_x_y_and_the_data_on_x2_y2():
    loss = plots.loss_panel([0.9, 0.7], [0.95, 0.8])
    data, given = decision(3)
    fig = validated(plots.overview_figure(loss, data, titles=("Loss", "Data")))
    layout = fig.layout
    assert [(t.name, t.xaxis, t.yaxis) for t in fig.data[:2]] == [
        ("train (batch)", "x", "y"), ("test (whole set)", "x", "y")]
    assert all((t.xaxis, t.yaxis) == ("x2", "y2") for t in fig.data[2:])
    assert len(fig.data) == 2 + len(data.traces)
    assert same(fig.data[2].z, given["predicted"])
    assert (layout.xaxis.anchor, layout.yaxis.anchor, layout.xaxis2.anchor, layout.yaxis2.anchor) == (
        "y", "x", "y2", "x2")
    assert layout.yaxis2.scaleanchor == "x2"  # the input plane is square: equal units on x₁ and x₂
    assert layout.yaxis.scaleanchor is None and layout.xaxis.scaleanchor is None
    (lo1, hi1), (lo2, hi2) = layout.xaxis.domain, layout.xaxis2.domain
    assert 0 <= lo1 < hi1 < lo2 < hi2 <= 1  # side by side, not overlapping
    assert (layout.xaxis.title.text, layout.yaxis.title.text) == ("step", "loss L")
    assert (layout.xaxis2.title.text, layout.yaxis2.title.text) == ("x₁", "x₂")
    titles = [a.text for a in layout.annotations]
    assert titles[0].startswith("<b>Loss</b><br>") and titles[1].startswith("<b>Data</b><br>")
    assert [a.x for a in layout.annotations] == [(lo1 + hi1) / 2, (lo2 + hi2) / 2]
    # No Plotly legend (it costs the browser ~30 ms a redraw): each title carries a one-line key.
    assert layout.showlegend is False
    assert "train (batch)" in titles[0] and "test (whole set)" in titles[0]
    assert all(name in titles[1] for name in given["names"]) and "test" in titles[1]
    for colour in plots.CLASS_COLOURS[:3]:
        assert f"color:{colour}" in titles[1]
    assert "xaxis3" not in fig.to_dict()["layout"]


def test_overview_without_data_is_the_loss_alone():
    fig = validated(plots.overview_figure(plots.loss_panel([0.5, 0.4], [0.6]), None, titles=("Loss", "Data")))
    layout = fig.to_dict()["layout"]
    assert not {"xaxis2", "yaxis2"} & set(layout)
    assert tuple(layout["xaxis"]["domain"]) == (0, 1)
    assert [a["text"].split("<br>")[0] for a in layout["annotations"]] == ["<b>Loss</b>"]
    assert all((t.xaxis, t.yaxis) == ("x", "y") for t in fig.data) and len(fig.data) == 2


def test_overview_leaves_its_panels_and_the_plane_axes_unchanged():
    plane = copy.deepcopy(plots.PLANE_AXES)
    loss = plots.loss_panel([0.9, 0.7], mark=1)
    data, _ = decision(2)
    loss_state, data_state = copy.deepcopy((loss.xaxis, loss.yaxis, loss.shapes, loss.key)), copy.deepcopy(
        (data.xaxis, data.yaxis, data.key))
    first = plots.overview_figure(loss, data)
    first["layout"]["font"]["size"] = 18
    first["layout"]["yaxis2"]["scaleanchor"] = None
    first["layout"]["xaxis2"]["domain"][1] = 0.1
    first["data"][0]["line"]["color"] = "black"
    second = validated(plots.overview_figure(loss, data))
    assert plane == plots.PLANE_AXES
    assert (loss.xaxis, loss.yaxis, loss.shapes, loss.key) == loss_state
    assert (data.xaxis, data.yaxis, data.key) == data_state
    assert not any({"xaxis", "yaxis"} & set(t) for p in (loss, data) for t in p.traces)
    assert second.layout.font.size == plots.FONT["size"] and second.layout.yaxis2.scaleanchor == "x2"
    assert tuple(second.layout.xaxis2.domain) == (0.54, 1.0)
    fit = plots.fit_panel(np.linspace(0, 1, 5), np.ones(5), np.zeros((3, 1)), np.zeros(3), np.zeros((0, 1)),
                          np.zeros(0))
    assert validated(plots.overview_figure(loss, fit)).layout.yaxis2.scaleanchor is None  # nothing left from the plane


@pytest.mark.parametrize("k", [2, 3, 10])
@pytest.mark.parametrize("with_test", [True, False])
def test_decision_panel(k, with_test):
    data, given = decision(k, with_test)
    fig = validated(plots.overview_figure(plots.loss_panel([0.5]), data))
    regions, *points = data_traces(fig)
    assert regions.type == "heatmap" and same(regions.z, given["predicted"])
    assert same(regions.x, given["xs"]) and same(regions.y, given["ys"])
    assert (regions.zmin, regions.zmax) == (-0.5, k - 0.5)  # class c is the band around c
    assert len(points) == k * (2 if with_test else 1)
    train_points = [p for p in points if "(test)" not in p.name]
    test_points = [p for p in points if "(test)" in p.name]
    X, labels, X_test, labels_test = given["X"], given["labels"], given["X_test"], given["labels_test"]
    for c, p in enumerate(train_points):
        assert p.name == given["names"][c] and p.marker.symbol == "circle"
        assert same(p.x, X[labels == c, 0]) and same(p.y, X[labels == c, 1])
    for c, p in enumerate(test_points):
        assert p.name == f"{given['names'][c]} (test)" and p.marker.symbol == "circle-open"  # test points hollow
        assert same(p.x, X_test[labels_test == c, 0]) and same(p.y, X_test[labels_test == c, 1])
        assert p.marker.color == train_points[c].marker.color
    assert fig.layout.yaxis2.scaleanchor == "x2"


def test_surface_panel():
    xs, ys = np.linspace(-1, 1, 6), np.linspace(-1, 1, 4)
    predicted = RNG.standard_normal((4, 6))
    X, y = RNG.standard_normal((30, 2)), RNG.standard_normal(30)
    fig = validated(plots.overview_figure(plots.loss_panel([0.5]), plots.surface_panel(xs, ys, predicted, X, y)))
    surface, targets = data_traces(fig)
    assert same(surface.z, predicted) and same(surface.x, xs) and same(surface.y, ys)
    assert same(targets.x, X[:, 0]) and same(targets.y, X[:, 1])
    assert same(targets.marker.color, y)
    lo, hi = min(predicted.min(), y.min()), max(predicted.max(), y.max())
    assert (surface.zmin, surface.zmax) == (lo, hi) == (targets.marker.cmin, targets.marker.cmax)
    assert fig.layout.yaxis2.scaleanchor == "x2"


@pytest.mark.parametrize("n_test", [0, 8])
def test_fit_panel(n_test):
    xs = np.linspace(-3, 3, 60)
    fitted = np.sin(xs)
    X, y = RNG.uniform(-3, 3, (32, 1)), RNG.standard_normal(32)
    X_test, y_test = RNG.uniform(-3, 3, (n_test, 1)), RNG.standard_normal(n_test)
    fig = validated(plots.overview_figure(plots.loss_panel([0.5]), plots.fit_panel(xs, fitted, X, y, X_test, y_test)))
    data = data_traces(fig)
    curve = data[-1]
    assert curve.name == "network y(x)"
    assert curve.mode == "lines" and same(curve.x, xs) and same(curve.y, fitted)
    assert same(data[0].x, X[:, 0]) and same(data[0].y, y)
    if n_test:
        assert same(data[1].x, X_test[:, 0]) and same(data[1].y, y_test)
    assert len(data) == (3 if n_test else 2)
    assert fig.layout.yaxis2.scaleanchor is None  # x and y are different quantities: no equal units
    assert (fig.layout.xaxis2.title.text, fig.layout.yaxis2.title.text) == ("x", "y")


def test_norms_figure():
    norms = RNG.uniform(0.1, 2.0, (7, 3, 2))
    fig = validated(plots.norms_figure(norms))
    assert len(fig.data) == 6
    for row in range(3):
        for k in range(2):
            t = fig.data[2 * row + k]
            assert t.name == f"layer {k + 1}" and same(t.x, np.arange(1, 8)) and same(t.y, norms[:, row, k])


def test_validation_here_does_reject_an_invalid_figure():
    """The check above is real: an invalid property that plots.figure lets through is caught."""
    fig = plots.figure([{"type": "heatmap", "z": np.ones((2, 2)), "colourscale": "RdBu"}], {})
    with pytest.raises(ValueError):
        validated(fig)


# -- figures as Plotly's JSON ----------------------------------------------------------------------


@pytest.mark.parametrize("a", [
    np.linspace(-1, 1, 7), np.arange(1, 9), np.arange(0, 300), np.arange(-70_000, 70_000, 7),
    np.array([2**40, 1]), np.eye(3), np.ones((2, 3), dtype=np.float32), np.zeros(0), np.array([True, False]),
])
def test_typed_arrays_are_plotlys_own(a):
    from _plotly_utils.utils import to_typed_array_spec

    theirs = to_typed_array_spec(a)
    assert plots.typed_array(a) == (theirs if isinstance(theirs, dict) else a.tolist())


def test_a_figure_is_what_plotly_would_send_and_shares_nothing():
    import json

    import plotly.graph_objects as go
    from plotly.io.json import to_json_plotly

    M = np.random.default_rng(3).standard_normal((4, 3))
    traces = [plots.heatmap(M, "W<sup>1</sup>"),
              {"type": "scatter", "x": np.arange(1, 5), "y": M[:, 0], "marker": {"color": M[:, 1]}}]
    layout = {"height": 300, "xaxis": {"domain": (0.0, 0.5)}, "annotations": [{"text": "W"}], "font": plots.FONT}
    fig = plots.figure(traces, layout)
    plotly_json = go.Figure(data=traces, layout=layout, _validate=False).to_dict()
    plotly_json["layout"].pop("template")
    assert json.loads(to_json_plotly(fig)) == json.loads(to_json_plotly(plotly_json))
    fig["layout"]["font"]["size"] = 99
    fig["layout"]["annotations"][0]["text"] = "changed"
    fig["data"][1]["marker"]["color"] = "black"
    assert plots.FONT == {"size": 13} and layout["annotations"] == [{"text": "W"}]
    assert isinstance(traces[1]["marker"]["color"], np.ndarray)


def test_no_cell_reads_minus_zero():
    M = np.array([[-0.0, 0.5], [-1e-3, 0.0]])
    z = plots.heatmap(M, "δ<sup>2</sup>", text=True)["z"]
    assert np.array_equal(z, M) and not np.signbit(z[0, 0]) and np.signbit(z[1, 0])

"""Tests of explorer.plots: every figure is valid Plotly, and it draws exactly the numbers given.

`plots.figure` builds figures with `_validate=False` for speed, so the validation Plotly
would have done is done here instead: `go.Figure(fig.to_dict())` must accept each figure.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go
import pytest

from explorer import plots

RNG = np.random.default_rng(12345)


def validated(fig: go.Figure) -> go.Figure:
    """Plotly's own validation of every property; raises ValueError on anything invalid."""
    return go.Figure(fig.to_dict())


def arr(value) -> np.ndarray:
    """An array as Plotly holds it: a NumPy array, a list, or (after validation) a base64 typed array."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return a.reshape([int(n) for n in str(shape).split(",")]) if shape else a
    return np.asarray(value)


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


# -- layer figure -------------------------------------------------------------------------

PANELS = {  # key in `show` -> hover prefixes of its top (matrix) and bottom (bias) traces
    "dW": ("∂L/∂W<sup>{l}</sup>[", "∂L/∂b<sup>{l}</sup>["),
    "update": ("ΔW<sup>{l}</sup>", "Δb<sup>{l}</sup>"),
}


@pytest.mark.parametrize("shape", [(1, 1), (2, 8), (8, 2), (12, 9), (64, 64)])
@pytest.mark.parametrize("show", [(), ("dW",), ("update",), ("dW", "update")])
def test_layer_figure_after_a_step_is_valid_and_exact(shape, show):
    l, lr = 2, 0.03
    r = step_results(*shape, batch=5)
    fig = plots.layer_figure(l, r["W"], r["b"], delta_next=r["delta_next"], dW=r["dW"], db=r["db"], lr=lr,
                             show=show)
    validated(fig)
    assert same(trace(fig, "W<sup>2</sup>[")["z"], r["W"])
    assert same(trace(fig, "b<sup>2</sup>[")["z"], r["b"])
    delta = trace(fig, "δ<sup>3</sup>[")  # δ^{l+1}: a row per sample, a column per neuron of layer l+1
    assert same(delta["z"], r["delta_next"])
    assert same(delta["y"], np.arange(1, 6)) and same(delta["x"], np.arange(1, shape[1] + 1))
    expected = {"dW": (r["dW"], r["db"]), "update": (-lr * r["dW"], -lr * r["db"])}
    for key, (top, bottom) in PANELS.items():
        top, bottom = top.format(l=l), bottom.format(l=l)
        hovers = [t.get("hovertemplate", "") for t in fig.to_dict()["data"]]
        if key in show:
            assert same(trace(fig, top)["z"], expected[key][0])
            assert same(trace(fig, bottom)["z"], expected[key][1])
        else:
            assert not any(h.startswith(top) or h.startswith(bottom) for h in hovers)
    assert len(fig.data) == 2 * (1 + len(show)) + 1


def test_layer_figure_before_a_step_has_only_W_and_b():
    W, b = RNG.standard_normal((3, 4)), np.zeros((1, 4))
    fig = validated(plots.layer_figure(1, W, b))
    assert [t.hovertemplate.split("[")[0] for t in fig.data] == ["W<sup>1</sup>", "b<sup>1</sup>"]
    assert same(fig.data[0].z, W) and same(fig.data[1].z, b)
    assert fig.data[1].zmax == 1.0  # an all-zero b still has a range


def test_layer_figure_update_panel_needs_lr():
    r = step_results(2, 3, batch=4)
    fig = plots.layer_figure(1, r["W"], r["b"], delta_next=r["delta_next"], dW=r["dW"], db=r["db"], lr=None)
    validated(fig)
    assert not any(t.hovertemplate.startswith("ΔW") for t in fig.data)
    assert any(t.hovertemplate.startswith("∂L/∂W<sup>1</sup>[") for t in fig.data)


def test_layer_figure_orientation_rows_reversed_and_panels_aligned():
    """Row 1 at the top; b^l sits under W^l in the same columns j; δ^{l+1} beside them."""
    r = step_results(4, 6, batch=3)
    fig = plots.layer_figure(1, r["W"], r["b"], delta_next=r["delta_next"], dW=r["dW"], db=r["db"], lr=0.1)
    layout = fig.to_dict()["layout"]

    def axis(t: dict, letter: str) -> dict:
        ref = t[f"{letter}axis"]
        return layout[f"{letter}axis{ref[1:]}"]

    for top, bottom in [("W<sup>1</sup>[", "b<sup>1</sup>["), ("∂L/∂W<sup>1</sup>[", "∂L/∂b<sup>1</sup>["),
                        ("ΔW<sup>1</sup>", "Δb<sup>1</sup>")]:
        t, b = trace(fig, top), trace(fig, bottom)
        assert axis(t, "y")["autorange"] == "reversed"
        assert axis(t, "x")["domain"] == axis(b, "x")["domain"]  # same columns
        assert axis(t, "y")["domain"][0] > axis(b, "y")["domain"][1]  # matrix above its bias row
    delta = trace(fig, "δ<sup>2</sup>[")
    assert axis(delta, "y")["autorange"] == "reversed"
    assert axis(delta, "x")["domain"][0] > axis(trace(fig, "ΔW<sup>1</sup>"), "x")["domain"][1]


def test_layer_figure_ranges_lock_each_panel_and_b_follows_its_W():
    r = step_results(3, 3, batch=2)
    ranges = {"W": 5.0, "dW": 0.5, "update": 0.05, "delta": 7.0}
    fig = plots.layer_figure(1, r["W"], r["b"], delta_next=r["delta_next"], dW=r["dW"], db=r["db"], lr=0.1,
                             ranges=ranges)
    validated(fig)
    for prefix, key in [("W<sup>1</sup>[", "W"), ("b<sup>1</sup>[", "W"), ("∂L/∂W<sup>1</sup>[", "dW"),
                        ("∂L/∂b<sup>1</sup>[", "dW"), ("ΔW<sup>1</sup>", "update"), ("Δb<sup>1</sup>", "update"),
                        ("δ<sup>2</sup>[", "delta")]:
        t = trace(fig, prefix)
        assert (t["zmin"], t["zmax"]) == (-ranges[key], ranges[key]), prefix
    fig = plots.layer_figure(1, r["W"], r["b"], delta_next=r["delta_next"], dW=r["dW"], db=r["db"], lr=0.1)
    for prefix, M in [("W<sup>1</sup>[", r["W"]), ("δ<sup>2</sup>[", r["delta_next"]),
                      ("∂L/∂W<sup>1</sup>[", r["dW"])]:
        t = trace(fig, prefix)
        assert t["zmax"] == np.abs(M).max() == -t["zmin"]


def test_layer_figure_layout_cache_is_not_shared_between_figures():
    W, b = RNG.standard_normal((2, 3)), np.zeros((1, 3))
    first = plots.layer_figure(1, W, b)
    first.update_layout(height=999)
    first.layout.annotations[0].text = "changed"
    second = plots.layer_figure(1, W, b)
    assert second.layout.height != 999 and second.layout.annotations[0].text == "W<sup>1</sup>"


# -- loss figure --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 3, 50, 51, 400])
@pytest.mark.parametrize("log_y", [False, True])
def test_loss_figure_draws_the_history(n, log_y):
    train = list(np.exp(-np.linspace(0, 3, n)) + RNG.uniform(0, 0.1, n))
    test = train[: max(0, n - 1)]
    fig = validated(plots.loss_figure(train, test, log_y=log_y))
    tr = fig.data[0]
    assert same(tr.y, np.asarray(train, dtype=float)) and list(arr(tr.y)) == train
    assert same(tr.x, np.arange(1, n + 1))  # step 1 is the first update
    if test:
        assert len(fig.data) == 2
        assert list(arr(fig.data[1].y)) == test and same(fig.data[1].x, np.arange(1, len(test) + 1))
    else:
        assert len(fig.data) == 1
    assert fig.layout.yaxis.type == ("log" if log_y else "linear")
    assert ("markers" in tr.mode) == (n <= 50)


def test_loss_figure_without_test_split():
    fig = validated(plots.loss_figure([0.7, 0.6]))
    assert len(fig.data) == 1 and list(arr(fig.data[0].y)) == [0.7, 0.6]


# -- data figures -------------------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 3, 10])
@pytest.mark.parametrize("with_test", [True, False])
def test_decision_figure(k, with_test):
    xs, ys = np.linspace(-2, 2, 7), np.linspace(-1, 1, 5)
    predicted = RNG.integers(0, k, size=(5, 7))
    X, labels = RNG.standard_normal((40, 2)), np.arange(40) % k
    X_test, labels_test = (RNG.standard_normal((10, 2)), np.arange(10) % k) if with_test else (
        np.zeros((0, 2)), np.zeros(0, dtype=int))
    names = tuple(f"class {c}" for c in range(k))
    fig = validated(plots.decision_figure(xs, ys, predicted, X, labels, X_test, labels_test, names))
    regions = fig.data[0]
    assert regions.type == "heatmap" and same(regions.z, predicted)
    assert same(regions.x, xs) and same(regions.y, ys)
    points = fig.data[1:]
    assert len(points) == k * (2 if with_test else 1)
    train_points = [p for p in points if "(test)" not in p.name]
    for c, p in enumerate(train_points):
        assert p.name == names[c]
        assert same(p.x, X[labels == c, 0]) and same(p.y, X[labels == c, 1])


def test_regression_surface_figure():
    xs, ys = np.linspace(-1, 1, 6), np.linspace(-1, 1, 4)
    predicted = RNG.standard_normal((4, 6))
    X, y = RNG.standard_normal((30, 2)), RNG.standard_normal(30)
    fig = validated(plots.regression_surface_figure(xs, ys, predicted, X, y))
    assert same(fig.data[0].z, predicted)
    assert same(fig.data[1].marker.color, y)
    lo, hi = min(predicted.min(), y.min()), max(predicted.max(), y.max())
    assert (fig.data[0].zmin, fig.data[0].zmax) == (lo, hi) == (fig.data[1].marker.cmin, fig.data[1].marker.cmax)


@pytest.mark.parametrize("n_test", [0, 8])
def test_fit_figure(n_test):
    xs = np.linspace(-3, 3, 60)
    fitted = np.sin(xs)
    X, y = RNG.uniform(-3, 3, (32, 1)), RNG.standard_normal(32)
    X_test, y_test = RNG.uniform(-3, 3, (n_test, 1)), RNG.standard_normal(n_test)
    fig = validated(plots.fit_figure(xs, fitted, X, y, X_test, y_test))
    curve = fig.data[-1]
    assert curve.mode == "lines" and same(curve.x, xs) and same(curve.y, fitted)
    assert same(fig.data[0].x, X[:, 0]) and same(fig.data[0].y, y)
    assert len(fig.data) == (3 if n_test else 2)


def test_validation_here_does_reject_an_invalid_figure():
    """The check above is real: an invalid property built with _validate=False is caught."""
    fig = plots.figure([{"type": "heatmap", "z": np.ones((2, 2)), "colourscale": "RdBu"}], {})
    with pytest.raises(ValueError):
        validated(fig)

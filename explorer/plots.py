"""Figure builders: pure functions from NumPy arrays to Plotly figures.

Arrays go to Plotly as they are (it sends them to the browser as typed arrays, about
100× cheaper than Python lists for large matrices). Matrices are drawn in the seed's
orientation: row i, column j of the heatmap is entry (i, j) of the matrix, row 1 at
the top, with the seed's 1-based indices.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Blue for negative, white for zero, red for positive: a diverging scale for signed numbers
# (ColorBrewer's RdBu, written out so that no theme can swap it).
DIVERGING = [[0.0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#ffffff"], [0.75, "#f4a582"], [1.0, "#b2182b"]]
# Class colours (Plotly's default qualitative palette), shared by points and regions.
CLASS_COLOURS = ("#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692",
                 "#b6e880", "#ff97ff", "#fecb52")
# Matrices up to this many rows and columns show their numbers in the cells; in a layer
# figure, its panels together may have at most TEXT_CELLS columns.
TEXT_ROWS, TEXT_COLUMNS, TEXT_CELLS = 10, 8, 20
FONT = {"size": 13}


def symmetric_range(M: np.ndarray) -> float:
    """max |M|, the half-width of a colour scale centred on zero (1 for an all-zero M)."""
    m = float(np.abs(M).max()) if M.size else 0.0
    return m if m > 0 else 1.0


def figure(data: list[dict], layout: dict) -> go.Figure:
    """A Figure from trace and layout dicts, without Plotly's per-property validation.

    Validation is most of the cost of building a figure (about 15 ms for one layer's
    subplots, against 1.5 ms without), and a Step redraws every figure. The dicts built
    here are validated once in the tests instead (tests/test_plots.py).
    """
    return go.Figure(data=data, layout=layout, _validate=False)


def heatmap(M: np.ndarray, name: str, zmax: float | None = None, *, text: bool | None = None) -> dict:
    """One matrix as a heatmap trace, colours symmetric around zero.

    `name` is the hover label, e.g. "W<sup>1</sup>"; hover shows the 1-based (i, j)
    and the exact value.
    """
    rows, cols = M.shape
    zmax = symmetric_range(M) if zmax is None else zmax
    if text is None:
        text = rows <= TEXT_ROWS and cols <= TEXT_COLUMNS
    trace = {
        "type": "heatmap",
        "z": M,
        "x": np.arange(1, cols + 1),
        "y": np.arange(1, rows + 1),
        "zmin": -zmax,
        "zmax": zmax,
        "colorscale": DIVERGING,
        "showscale": False,
        "hovertemplate": f"{name}[%{{y}}, %{{x}}] = %{{z:.6g}}<extra></extra>",
        "xgap": 1,
        "ygap": 1,
    }
    if text:
        trace["texttemplate"] = "%{z:.2~g}"  # two significant digits: small gradients stay readable
        trace["textfont"] = {"size": 11}
    return trace


@lru_cache(maxsize=128)
def _layer_layout(titles: tuple[str, ...], bottom_titles: tuple[str, ...], rows: int, columns: int,
                  with_delta: bool) -> tuple[dict, tuple[tuple[str, str], ...]]:
    """The subplot grid of a layer figure, built (and validated) once per shape.

    Returns the layout and, per panel, its (xaxis, yaxis) references: the top panels,
    then δ if present, then the bottom panels.
    """
    P = len(bottom_titles)
    specs = [[{} for _ in range(P)], [{} for _ in range(P)]]
    if with_delta:
        specs[0].append({"rowspan": 2})
        specs[1].append(None)
    # Heights in pixels: a band per matrix row (within bounds), one band for b, room for titles.
    top, bottom, gap = min(420, max(60, 24 * rows)), 30, 56
    grid = make_subplots(
        rows=2, cols=len(specs[0]), specs=specs, subplot_titles=titles + bottom_titles,
        row_heights=[top, bottom], vertical_spacing=gap / (top + gap + bottom), horizontal_spacing=0.05,
    )
    grid.update_yaxes(autorange="reversed", tickmode="auto", nticks=min(rows, 10))
    grid.update_xaxes(tickmode="auto", nticks=min(columns, 10))
    grid.update_yaxes(showticklabels=False, ticks="", row=2)  # b is a single row: no index to show
    grid.update_xaxes(showticklabels=False, row=1)  # the b row below names the columns j
    grid.update_layout(height=40 + top + gap + bottom + 30, margin={"l": 40, "r": 10, "t": 40, "b": 30}, font=FONT)
    cells = [(1, c) for c in range(1, len(specs[0]) + 1)] + [(2, c) for c in range(1, P + 1)]
    refs = []
    for row, col in cells:
        subplot = grid.get_subplot(row, col)
        refs.append((subplot.xaxis.plotly_name.replace("axis", ""), subplot.yaxis.plotly_name.replace("axis", "")))
    return grid.layout.to_plotly_json(), tuple(refs)


def layer_figure(
    l: int,
    W: np.ndarray,
    b: np.ndarray,
    *,
    delta_next: np.ndarray | None = None,
    dW: np.ndarray | None = None,
    db: np.ndarray | None = None,
    lr: float | None = None,
    show: Collection[str] = ("dW", "update"),
    ranges: Mapping[str, float] | None = None,
) -> go.Figure:
    """W^l and b^l; with a step's results δ^{l+1}, ∂L/∂W^l, ∂L/∂b^l and the update.

    All panels share the columns j = 1 … |l_{l+1}|, the neurons of layer l+1: W^l (and
    ∂L/∂W^l, ΔW^l = −η ∂L/∂W^l when given and named in `show`) in the top row, b^l (∂L/∂b^l, Δb^l) below,
    and δ^{l+1}, one row per sample of the batch, on the right. `ranges` fixes a
    panel's colour half-width by its key ("W", "dW", "update", "delta"; b follows its
    W) so that colours stay comparable across steps.
    """
    ranges = ranges or {}
    s, t = f"<sup>{l}</sup>", f"<sup>{l + 1}</sup>"
    panels = [("W", W, b, f"W{s}", f"b{s}")]
    if dW is not None and db is not None:
        if "dW" in show:
            panels.append(("dW", dW, db, f"∂L/∂W{s}", f"∂L/∂b{s}"))
        if "update" in show and lr is not None:
            panels.append(("update", -lr * dW, -lr * db, f"ΔW{s} = −η ∂L/∂W{s}", f"Δb{s} = −η ∂L/∂b{s}"))
    titles = tuple(p[3] for p in panels)
    if delta_next is not None:
        titles += (f"δ{t} (a row per sample)",)
    layout, refs = _layer_layout(titles, tuple(p[4] for p in panels), W.shape[0], W.shape[1],
                                 delta_next is not None)
    # Numbers in the cells only where they fit: a cell needs about 1/TEXT_CELLS of the width.
    text = W.shape[0] <= TEXT_ROWS and W.shape[1] * (len(panels) + 1) <= TEXT_CELLS
    tops = [heatmap(top, name, ranges.get(key), text=text) for key, top, _, name, _ in panels]
    if delta_next is not None:
        tops.append(heatmap(delta_next, f"δ{t}", ranges.get("delta"), text=text and len(delta_next) <= TEXT_ROWS))
    bottoms = [heatmap(bottom, name, ranges.get(key), text=text) for key, _, bottom, _, name in panels]
    traces = tops + bottoms
    for trace, (xref, yref) in zip(traces, refs):
        trace["xaxis"], trace["yaxis"] = xref, yref
    return figure(traces, layout)


def loss_figure(
    train: Sequence[float], test: Sequence[float] = (), *, log_y: bool = False, mark: int | None = None
) -> go.Figure:
    """The batch loss of every update, and the test-set loss after it where there is one;
    `mark` draws a vertical line at a step being looked at."""
    steps = np.arange(1, len(train) + 1)
    mode = "lines+markers" if len(train) <= 50 else "lines"  # a lone first point needs a marker
    traces = [{"type": "scatter", "x": steps, "y": np.asarray(train, dtype=float), "name": "train (batch)",
               "mode": mode}]
    if len(test):
        traces.append({"type": "scatter", "x": steps[: len(test)], "y": np.asarray(test, dtype=float),
                       "name": "test (whole set)", "mode": mode})
    shapes = [] if mark is None else [{"type": "line", "xref": "x", "yref": "paper", "x0": mark, "x1": mark,
                                       "y0": 0, "y1": 1, "line": {"dash": "dot", "color": "#444"}}]
    return figure(traces, {
        "shapes": shapes,
        "xaxis": {"title": {"text": "step"}},
        "yaxis": {"title": {"text": "loss L"}, "type": "log" if log_y else "linear"},
        "height": 320, "margin": {"l": 50, "r": 10, "t": 30, "b": 40}, "font": FONT,
        "legend": {"orientation": "h", "y": 1.12, "x": 0},
    })


def _points(X: np.ndarray, colour: str, name: str, *, hollow: bool = False) -> dict:
    return {
        "type": "scatter", "x": X[:, 0], "y": X[:, 1], "mode": "markers", "name": name,
        "marker": {"color": colour, "size": 7, "symbol": "circle-open" if hollow else "circle",
                   "line": {"width": 2 if hollow else 0.5, "color": colour if hollow else "white"}},
    }


def decision_figure(
    xs: np.ndarray, ys: np.ndarray, predicted: np.ndarray,
    X: np.ndarray, labels: np.ndarray, X_test: np.ndarray, labels_test: np.ndarray,
    class_names: Sequence[str],
) -> go.Figure:
    """The class the network predicts over a grid (regions), with the data on top.

    `predicted` is the argmax class at each grid point, shape (len(ys), len(xs)).
    Training points are filled, test points hollow.
    """
    k = len(class_names)
    colours = [CLASS_COLOURS[c % len(CLASS_COLOURS)] for c in range(k)]
    # A discrete scale: class c occupies [c/k, (c+1)/k] of the range.
    scale = [[edge, colours[c]] for c in range(k) for edge in (c / k, (c + 1) / k)]
    traces = [{
        "type": "heatmap", "x": xs, "y": ys, "z": predicted, "zmin": -0.5, "zmax": k - 0.5, "colorscale": scale,
        "opacity": 0.35, "showscale": False, "hovertemplate": "predicted class %{z}<extra></extra>",
    }]
    for c, name in enumerate(class_names):
        traces.append(_points(X[labels == c], colours[c], f"{name}"))
        if len(X_test):
            traces.append(_points(X_test[labels_test == c], colours[c], f"{name} (test)", hollow=True))
    return figure(traces, _plane_layout())


def regression_surface_figure(
    xs: np.ndarray, ys: np.ndarray, predicted: np.ndarray, X: np.ndarray, y: np.ndarray
) -> go.Figure:
    """The network's output over a grid of a 2-D input, with the targets as coloured points."""
    lo, hi = float(min(predicted.min(), y.min())), float(max(predicted.max(), y.max()))
    return figure([
        {"type": "heatmap", "x": xs, "y": ys, "z": predicted, "zmin": lo, "zmax": hi, "colorscale": "Viridis",
         "opacity": 0.6, "hovertemplate": "x₁=%{x:.2f}, x₂=%{y:.2f}: y=%{z:.4g}<extra></extra>"},
        {"type": "scatter", "x": X[:, 0], "y": X[:, 1], "mode": "markers", "name": "targets y*",
         "marker": {"color": y, "colorscale": "Viridis", "cmin": lo, "cmax": hi, "size": 7,
                    "line": {"width": 1, "color": "white"}}},
    ], _plane_layout())


def fit_figure(xs: np.ndarray, fitted: np.ndarray, X: np.ndarray, y: np.ndarray,
               X_test: np.ndarray, y_test: np.ndarray) -> go.Figure:
    """A 1-D regression: the data and the network's curve y(x)."""
    traces = [{"type": "scatter", "x": X[:, 0], "y": y, "mode": "markers", "name": "train", "marker": {"size": 6}}]
    if len(X_test):
        traces.append({"type": "scatter", "x": X_test[:, 0], "y": y_test, "mode": "markers", "name": "test",
                       "marker": {"size": 7, "symbol": "circle-open"}})
    traces.append({"type": "scatter", "x": xs, "y": fitted, "mode": "lines", "name": "network y(x)",
                   "line": {"width": 3}})
    return figure(traces, {
        "height": 380, "margin": {"l": 50, "r": 10, "t": 30, "b": 40}, "font": FONT,
        "xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
        "legend": {"orientation": "h", "y": 1.1},
    })


def _plane_layout() -> dict:
    return {
        "height": 380, "margin": {"l": 50, "r": 10, "t": 30, "b": 40}, "font": FONT,
        "xaxis": {"title": {"text": "x₁"}, "constrain": "domain"},
        "yaxis": {"title": {"text": "x₂"}, "scaleanchor": "x"},
        "legend": {"x": 1.02, "y": 1, "font": {"size": 11}}, "showlegend": True,
    }


def norms_figure(norms: np.ndarray) -> go.Figure:
    """Per layer over the steps: ‖δ^{l+1}‖, ‖∂L/∂W^l‖ and ‖ΔW^l‖ / ‖W^l‖ (log scale), to see
    gradients vanish or explode. `norms` is (steps, 3, layers)."""
    titles = ("‖δ<sup>l+1</sup>‖ (per sample)", "‖∂L/∂W<sup>l</sup>‖",
              "update ratio ‖ΔW<sup>l</sup>‖ / ‖W<sup>l</sup>‖")
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=0.08)
    steps = np.arange(1, len(norms) + 1)
    for row in range(3):
        for k in range(norms.shape[2]):
            fig.add_trace(go.Scatter(x=steps, y=norms[:, row, k], name=f"layer {k + 1}",
                                     mode="lines+markers" if len(steps) <= 50 else "lines",
                                     legendgroup=str(k), showlegend=row == 0,
                                     line={"color": CLASS_COLOURS[k % len(CLASS_COLOURS)]}),
                          row=row + 1, col=1)
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_xaxes(title_text="step", row=3, col=1)
    fig.update_layout(height=620, margin={"l": 60, "r": 10, "t": 40, "b": 40}, font=FONT)
    return fig

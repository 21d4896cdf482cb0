"""Figure builders: pure functions from NumPy arrays to Plotly figures.

A figure here is Plotly's JSON of it, a dict `{"data": [...], "layout": {...}}`, with
every array as Plotly's base64 typed array (about 100× cheaper to send than a list for
a large matrix). Matrices are drawn in the derivation's
orientation: row i, column j of the heatmap is entry (i, j) of the matrix, row 1 at
the top, with the derivation's 1-based indices.

A Step redraws two figures, the overview (loss and data) and the network (every layer):
the browser spends about 45 ms per chart it redraws, whatever its size, so the page
keeps few charts with many panels rather than many charts.

Words on a figure come from the `label` argument, a function from a key of
`explorer/locales/en.json` to the text: the views pass the page's, which speaks the
session's language; the default is English.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer import i18n

Figure = dict  # Plotly's JSON of a figure: {"data": [trace dicts], "layout": {...}}
Label = Callable[..., str]  # label(key, **values) -> the text, as `explorer.ui.page.label`
ENGLISH: Label = partial(i18n.text, lang="en")

# Blue for negative, white for zero, red for positive: a diverging scale for signed numbers
# (ColorBrewer's RdBu, written out so that no theme can swap it).
DIVERGING = [[0.0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#ffffff"], [0.75, "#f4a582"], [1.0, "#b2182b"]]
# Class colours (Plotly's default qualitative palette), shared by points and regions.
CLASS_COLOURS = ("#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692",
                 "#b6e880", "#ff97ff", "#fecb52")
# Matrices up to this many rows and columns show their numbers in the cells; in the network
# figure, a layer's panels together may have at most TEXT_CELLS columns.
TEXT_ROWS, TEXT_COLUMNS, TEXT_CELLS = 10, 8, 20
# Matrices up to this many entries are drawn with a thin gap between cells.
GAP_CELLS = 100
FONT = {"size": 13}
# Lines and points that are not classes: train, test, the network's curve.
LINE_COLOURS = ("#636efa", "#ef553b", "#00cc96")
# A picked weight: amber, on neither side of the diverging scale (the diagram marks its edge alike).
HIGHLIGHT = "#ffb000"


def symmetric_range(M: np.ndarray) -> float:
    """max |M|, the half-width of a colour scale centred on zero (1 for an all-zero M)."""
    m = float(np.abs(M).max()) if M.size else 0.0
    return m if m > 0 else 1.0


def figure(data: list[dict], layout: dict) -> Figure:
    """The figure of these trace and layout dicts, as the page sends it: new dicts and lists
    all the way down (the arguments are not changed, nor shared), NumPy arrays as typed arrays.

    No plotly `go.Figure` is built: building one and turning it back into JSON, even without
    validation, was most of a Step's server time. Plotly takes this dict wherever it takes
    a figure, and `go.Figure(fig)` validates it, as the tests do (tests/test_plots.py).
    """
    return {"data": _json(data), "layout": _json(layout)}


_NESTED = (dict, list, tuple, np.ndarray)


def _json(value: object) -> object:
    """`value` with its dicts, lists and tuples copied and its NumPy arrays as typed arrays."""
    # Numbers and strings are taken as they are, without a call each: a figure holds thousands.
    if isinstance(value, dict):
        return {key: _json(item) if isinstance(item, _NESTED) else item for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json(item) if isinstance(item, _NESTED) else item for item in value]
    if isinstance(value, np.ndarray):
        return typed_array(value)
    return value


# Plotly.js has no 64-bit integers: integers go as the narrowest of these that holds them.
_INTEGER_TYPES = tuple((np.dtype(t), np.iinfo(t).min, np.iinfo(t).max) for t in (np.int8, np.int16, np.int32))
_TYPE_CODES = {np.dtype(np.float64): "f8", np.dtype(np.float32): "f4",
               **{dtype: f"i{dtype.itemsize}" for dtype, _, _ in _INTEGER_TYPES}}


def typed_array(a: np.ndarray) -> dict | list:
    """Plotly's base64 typed array of `a`, as plotly.py 7 writes it: float64 as "f8", integers
    as the narrowest of i1, i2, i4 that holds them; anything else (and an empty array) as a list."""
    if a.dtype.kind == "i" and a.size:
        low, high = a.min(), a.max()
        for dtype, least, most in _INTEGER_TYPES:
            if least <= low and high <= most:
                a = a.astype(dtype)
                break
    code = _TYPE_CODES.get(a.dtype)  # a figure holds dozens of arrays: no dtype name is built
    if code is None or not a.size:
        return a.tolist()
    spec = {"dtype": code, "bdata": base64.b64encode(a.tobytes()).decode("ascii")}  # tobytes: C order
    if a.ndim > 1:
        spec["shape"] = ", ".join(map(str, a.shape))
    return spec


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
    }
    if rows * cols <= GAP_CELLS:  # gaps between cells help read a small matrix, but cost the browser a lot
        trace["xgap"] = trace["ygap"] = 1
    if text:
        trace["z"] = M + 0.0  # −0.0 (a ReLU unit that is off times a negative) is 0, not "−0" in the cell
        trace["texttemplate"] = "%{z:.2~g}"  # two significant digits: small gradients stay readable
        trace["textfont"] = {"size": 11}
    return trace


# -- the network: every layer's W, b, δ, ∂L/∂W and update in one figure ----------------------


@dataclass(frozen=True)
class Layer:
    """What the network figure draws for layer l: W^l and b^l, and after a step δ^{l+1}
    (a row per sample), ∂L/∂W^l, ∂L/∂b^l."""

    W: np.ndarray
    b: np.ndarray
    delta_next: np.ndarray | None = None
    dW: np.ndarray | None = None
    db: np.ndarray | None = None


def _panels(l: int, layer: Layer, lr: float | None, show: Collection[str]) -> list[tuple]:
    """(key, top matrix, bottom matrix, top name, bottom name) for each panel of a layer."""
    s = f"<sup>{l}</sup>"
    panels = [("W", layer.W, layer.b, f"W{s}", f"b{s}")]
    if layer.dW is not None and layer.db is not None:
        if "dW" in show:
            panels.append(("dW", layer.dW, layer.db, f"∂L/∂W{s}", f"∂L/∂b{s}"))
        if "update" in show and lr is not None:
            panels.append(("update", -lr * layer.dW, -lr * layer.db, f"ΔW{s} = −η ∂L/∂W{s}", f"Δb{s} = −η ∂L/∂b{s}"))
    return panels


@lru_cache(maxsize=64)
def _network_layout(shapes: tuple[tuple[int, int], ...], titles: tuple[tuple[str, ...], ...],
                    panels: int, with_delta: bool) -> tuple[dict, tuple[tuple[tuple[str, str], ...], ...]]:
    """The subplot grid of the network figure, built (and validated) once per shape.

    Two rows a layer: W^l (and its gradient panels) on top, b^l below, δ^{l+1} on the
    right across both. Returns the layout and, per layer, the (xaxis, yaxis) of each
    panel: the top ones, then δ if present, then the bottom ones.
    """
    columns = panels + with_delta
    specs, heights = [], []
    for _ in shapes:
        specs.append([{} for _ in range(panels)] + ([{"rowspan": 2}] if with_delta else []))
        specs.append([{} for _ in range(panels)] + ([None] if with_delta else []))
    # Heights in pixels: a band per matrix row (within bounds), one band for b, room for titles.
    for rows, _ in shapes:
        heights += [min(360, max(60, 22 * rows)), 30]
    gap = 56
    plot_height = sum(heights) + gap * (len(heights) - 1)
    grid = make_subplots(
        rows=len(heights), cols=columns, specs=specs, subplot_titles=[t for layer in titles for t in layer],
        row_heights=heights, vertical_spacing=gap / plot_height, horizontal_spacing=0.08,
    )
    grid.update_yaxes(autorange="reversed", tickmode="auto")
    refs = []
    for k, (rows, cols) in enumerate(shapes):
        top, bottom = 2 * k + 1, 2 * k + 2
        grid.update_yaxes(nticks=min(rows, 10), row=top)
        grid.update_xaxes(nticks=min(cols, 10), showticklabels=False, row=top)  # the b row names the columns j
        if with_delta:
            grid.update_xaxes(showticklabels=True, row=top, col=columns)  # δ has no b row below it
        grid.update_xaxes(nticks=min(cols, 10), row=bottom)
        grid.update_yaxes(showticklabels=False, ticks="", row=bottom)  # b is a single row: no index to show
        cells = [(top, c) for c in range(1, columns + 1)] + [(bottom, c) for c in range(1, panels + 1)]
        refs.append(tuple(
            (grid.get_subplot(r, c).xaxis.plotly_name.replace("axis", ""),
             grid.get_subplot(r, c).yaxis.plotly_name.replace("axis", ""))
            for r, c in cells
        ))
    grid.update_layout(height=plot_height + 70, margin={"l": 40, "r": 50, "t": 40, "b": 30}, font=FONT)
    layout = grid.layout.to_plotly_json()
    layout.pop("template", None)  # the page loads Plotly's default template once (explorer/ui/canvas.py)
    return layout, tuple(refs)


def family_ranges(panels: Mapping[tuple[int, str], np.ndarray]) -> dict[tuple[int, str], float]:
    """One colour half-width per family across all layers: for each key ("W", "delta", …) the
    largest |entry| of that key's matrices in every layer, so that a layer whose δ or ∂L/∂W is
    a hundred times smaller than another's looks a hundred times paler (vanishing gradients)."""
    widest: dict[str, float] = {}
    for (_, key), M in panels.items():
        widest[key] = max(widest.get(key, 0.0), symmetric_range(M))
    return {(l, key): widest[key] for l, key in panels}


def _colour_bar(layout: dict, xref: str, yrefs: Sequence[str]) -> dict:
    """A thin colour bar just right of the panel on axes (xref, the rows yrefs), as tall as they are."""
    x = layout["xaxis" + xref[1:]]["domain"][1]
    lows, highs = zip(*(layout["yaxis" + y[1:]]["domain"] for y in yrefs))
    return {"x": x + 0.004, "xanchor": "left", "y": max(highs), "yanchor": "top", "len": max(highs) - min(lows),
            "thickness": 7, "tickfont": {"size": 9}, "tickformat": ".2~g", "nticks": 4, "outlinewidth": 0}


def network_figure(
    layers: Sequence[Layer],
    *,
    lr: float | None = None,
    show: Collection[str] = ("dW", "update"),
    ranges: Mapping[tuple[int, str], float] | None = None,
    label: Label = ENGLISH,
    highlight: tuple[int, int, int] | None = None,
) -> Figure:
    """Every layer l = 1 … n−1: W^l, b^l; after a step δ^{l+1}, ∂L/∂W^l, ∂L/∂b^l and the
    update ΔW^l = −η ∂L/∂W^l (the gradient panels when named in `show`).

    A layer's panels share the columns j = 1 … |l_{l+1}|, the neurons of layer l+1:
    W^l and its gradients on top, b^l and its gradients below, δ^{l+1} on the right.
    Each top panel has a colour bar beside it.
    `ranges` fixes a panel's colour half-width by (l, key), key one of "W", "dW",
    "update", "delta", and "W_b", "dW_b", "update_b" for the bias panels below (b keeps
    a range of its own), so that colours stay comparable across steps or layers.
    `highlight` = (l, i, j) outlines cell (i, j) of W^l (and of its gradients).
    """
    ranges = ranges or {}
    with_delta = layers[0].delta_next is not None
    all_panels = [_panels(l, layer, lr, show) for l, layer in enumerate(layers, start=1)]
    titles = tuple(
        tuple(p[3] for p in panels) + ((label("p_delta_title", l=l + 1),) if with_delta else ())
        + tuple(p[4] for p in panels)
        for l, panels in enumerate(all_panels, start=1)
    )
    layout, refs = _network_layout(tuple(layer.W.shape for layer in layers), titles, len(all_panels[0]), with_delta)
    traces, shapes = [], []
    for l, (layer, panels, axes) in enumerate(zip(layers, all_panels, refs), start=1):
        m, n = layer.W.shape
        text = m <= TEXT_ROWS and n * (len(panels) + with_delta) <= TEXT_CELLS  # numbers only where they fit
        row = [heatmap(top, name, ranges.get((l, key)), text=text) for key, top, _, name, _ in panels]
        if with_delta:
            delta = layer.delta_next
            row.append(heatmap(delta, f"δ<sup>{l + 1}</sup>", ranges.get((l, "delta")),
                               text=text and len(delta) <= TEXT_ROWS))
        row += [heatmap(bottom, name, ranges.get((l, f"{key}_b")), text=text) for key, _, bottom, _, name in panels]
        for trace, (xref, yref) in zip(row, axes):
            trace["xaxis"], trace["yaxis"] = xref, yref
        below = axes[len(panels) + with_delta:]
        for k, trace in enumerate(row[:len(panels) + with_delta]):  # the top panels: W, its gradients, δ
            rows = [axes[k][1]] + ([below[k][1]] if k < len(panels) else [])
            trace["showscale"], trace["colorbar"] = True, _colour_bar(layout, axes[k][0], rows)
        traces += row
        if highlight is not None and highlight[0] == l and highlight[1] <= m and highlight[2] <= n:
            _, i, j = highlight
            shapes += [{"type": "rect", "xref": xref, "yref": yref, "x0": j - 0.5, "x1": j + 0.5, "y0": i - 0.5,
                        "y1": i + 0.5, "line": {"color": HIGHLIGHT, "width": 4}} for xref, yref in axes[:len(panels)]]
    return figure(traces, {**layout, "shapes": shapes})


# -- the overview: the loss curve beside the data and the network's prediction -----------------


def _key(*entries: tuple[str, str, str]) -> str:
    """A legend as one line of text: (mark, colour, label) entries. A Plotly legend costs the
    browser about 30 ms on every redraw; a line of text under the title costs nothing."""
    return "   ".join(f"<span style='color:{colour}'>{mark}</span> {label}" for mark, colour, label in entries)


@dataclass(frozen=True)
class Panel:
    """The traces of one side of the overview and its axes' settings."""

    traces: list[dict]
    xaxis: dict
    yaxis: dict
    shapes: list[dict] = field(default_factory=list)
    key: str = ""  # what the colours and marks mean, shown under the panel's title
    square: bool = False  # equal units on both axes (an input plane)


def loss_panel(train: Sequence[float], test: Sequence[float] = (), *, steps: Sequence[int] | None = None,
               log_y: bool = False, mark: int | None = None, label: Label = ENGLISH) -> Panel:
    """The batch loss of every update (or of the given `steps`), and the test-set loss after it
    where there is one; `mark` draws a vertical line at a step being looked at."""
    steps = np.arange(1, len(train) + 1) if steps is None else np.asarray(steps)
    mode = "lines+markers" if len(train) <= 50 else "lines"  # a lone first point needs a marker
    train_name, test_name = label("p_train_batch"), label("p_test_set")
    traces = [{"type": "scatter", "x": steps, "y": np.asarray(train, dtype=float), "name": train_name,
               "mode": mode, "line": {"color": LINE_COLOURS[0]}, "marker": {"color": LINE_COLOURS[0]}}]
    key = [("━", LINE_COLOURS[0], train_name)]
    if len(test):
        traces.append({"type": "scatter", "x": steps[: len(test)], "y": np.asarray(test, dtype=float),
                       "name": test_name, "mode": mode, "line": {"color": LINE_COLOURS[1]},
                       "marker": {"color": LINE_COLOURS[1]}})
        key.append(("━", LINE_COLOURS[1], test_name))
    shapes = [] if mark is None else [{"type": "line", "xref": "x", "yref": "paper", "x0": mark, "x1": mark,
                                       "y0": 0, "y1": 1, "line": {"dash": "dot", "color": "#444"}}]
    yaxis = {"title": {"text": label("p_loss_axis")}, "type": "log" if log_y else "linear"}
    if not len(train):
        yaxis["showticklabels"] = False  # no steps yet: no numbers that mean nothing
    return Panel(traces, {"title": {"text": label("p_step_axis")}, "rangemode": "tozero"}, yaxis, shapes, _key(*key))


def _points(X: np.ndarray, colour: str, name: str, *, hollow: bool = False) -> dict:
    return {
        "type": "scatter", "x": X[:, 0], "y": X[:, 1], "mode": "markers", "name": name,
        "marker": {"color": colour, "size": 7, "symbol": "circle-open" if hollow else "circle",
                   "line": {"width": 2 if hollow else 0.5, "color": colour if hollow else "white"}},
    }


PLANE_AXES = ({"title": {"text": "x₁"}, "constrain": "domain"}, {"title": {"text": "x₂"}, "constrain": "domain"})


NAME_LIMIT = 24  # characters of a class name in the chart's key


def decision_panel(
    xs: np.ndarray, ys: np.ndarray, predicted: np.ndarray,
    X: np.ndarray, labels: np.ndarray, X_test: np.ndarray, labels_test: np.ndarray,
    class_names: Sequence[str],
    label: Label = ENGLISH,
) -> Panel:
    """The class the network predicts over a grid (regions), with the data on top.

    `predicted` is the argmax class at each grid point, shape (len(ys), len(xs)).
    Training points are filled, test points hollow. Class names may come from an uploaded
    file: Plotly reads its text as HTML (a link would be live), so they are escaped and cut.
    """
    class_names = [html.escape(name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "…")
                   for name in class_names]
    k = len(class_names)
    colours = [CLASS_COLOURS[c % len(CLASS_COLOURS)] for c in range(k)]
    # A discrete scale: class c occupies [c/k, (c+1)/k] of the range.
    scale = [[edge, colours[c]] for c in range(k) for edge in (c / k, (c + 1) / k)]
    traces = [{
        "type": "heatmap", "x": xs, "y": ys, "z": predicted, "zmin": -0.5, "zmax": k - 0.5, "colorscale": scale,
        "opacity": 0.35, "showscale": False, "hovertemplate": label("p_predicted_class") + " %{z}<extra></extra>",
    }]
    for c, name in enumerate(class_names):
        traces.append(_points(X[labels == c], colours[c], f"{name}"))
        if len(X_test):
            traces.append(_points(X_test[labels_test == c], colours[c], label("p_class_test", name=name),
                                  hollow=True))
    key = [("●", colour, name) for colour, name in zip(colours, class_names)]
    if len(X_test):
        key.append(("○", "#444", label("p_test")))
    return Panel(traces, *PLANE_AXES, key=_key(*key), square=True)


def surface_panel(xs: np.ndarray, ys: np.ndarray, predicted: np.ndarray, X: np.ndarray, y: np.ndarray,
                  label: Label = ENGLISH) -> Panel:
    """The network's output over a grid of a 2-D input, with the targets as coloured points."""
    lo, hi = float(min(predicted.min(), y.min())), float(max(predicted.max(), y.max()))
    traces = [
        {"type": "heatmap", "x": xs, "y": ys, "z": predicted, "zmin": lo, "zmax": hi, "colorscale": "Viridis",
         "opacity": 0.6, "showscale": False, "hovertemplate": "x₁=%{x:.2f}, x₂=%{y:.2f}: y=%{z:.4g}<extra></extra>"},
        {"type": "scatter", "x": X[:, 0], "y": X[:, 1], "mode": "markers", "name": label("p_targets"),
         "marker": {"color": y, "colorscale": "Viridis", "cmin": lo, "cmax": hi, "size": 7,
                    "line": {"width": 1, "color": "white"}}},
    ]
    return Panel(traces, *PLANE_AXES, key=label("p_surface_key"), square=True)


def fit_panel(xs: np.ndarray, fitted: np.ndarray, X: np.ndarray, y: np.ndarray,
              X_test: np.ndarray, y_test: np.ndarray, label: Label = ENGLISH) -> Panel:
    """A 1-D regression: the data and the network's curve y(x)."""
    train, test, curve = LINE_COLOURS[:3]
    names = label("p_train"), label("p_test"), label("p_network_curve")
    traces = [{"type": "scatter", "x": X[:, 0], "y": y, "mode": "markers", "name": names[0],
               "marker": {"size": 6, "color": train}}]
    key = [("●", train, names[0])]
    if len(X_test):
        traces.append({"type": "scatter", "x": X_test[:, 0], "y": y_test, "mode": "markers", "name": names[1],
                       "marker": {"size": 7, "symbol": "circle-open", "color": test}})
        key.append(("○", test, names[1]))
    traces.append({"type": "scatter", "x": xs, "y": fitted, "mode": "lines", "name": names[2],
                   "line": {"width": 3, "color": curve}})
    key.append(("━", curve, names[2]))
    return Panel(traces, {"title": {"text": "x"}}, {"title": {"text": "y"}}, key=_key(*key))


# The overview is drawn this narrow (px) and wider: beside the diagram at 1366×768 with the
# sidebar open it is about 470. Its titles and keys are cut into lines that, at this width,
# stay within their own panel's column (the panel and its half of the gap), so that the two
# panels' words never meet, however wide the overview is.
MIN_WIDTH = 420
TITLE_SIZE, KEY_SIZE = 16, 12  # px
DOMAINS = ((0.0, 0.44), (0.54, 1.0))  # the loss, the data (paper fractions)
MARGIN = {"l": 50, "r": 10, "b": 40}
LINE_HEIGHT = 1.3 * TITLE_SIZE  # Plotly spaces an annotation's lines by its font size, whatever the spans say


def overview_figure(loss: Panel, data: Panel | None = None, titles: Sequence[str] = (ENGLISH("loss"), ENGLISH("data")),
                    ) -> Figure:
    """The loss curve (left) and, where the input can be drawn, the data and prediction (right),
    each under its title and key (no Plotly legend: it costs the browser about 30 ms a redraw)."""
    panels = [loss] if data is None else [loss, data]
    domains = [(0.0, 1.0)] if data is None else list(DOMAINS)
    layout = {"height": 420, "margin": dict(MARGIN), "font": FONT, "annotations": [], "shapes": [],
              "showlegend": False}
    traces, lines = [], 1
    for k, (panel, (lo, hi)) in enumerate(zip(panels, domains)):
        suffix = "" if k == 0 else str(k + 1)
        layout["xaxis" + suffix] = {**panel.xaxis, "domain": [lo, hi], "anchor": "y" + suffix, "automargin": True}
        layout["yaxis" + suffix] = {**panel.yaxis, "anchor": "x" + suffix, "automargin": True}
        if panel.square:
            layout["yaxis" + suffix]["scaleanchor"] = "x" + suffix
        room = column_width(domains, k)
        title = [f"<b>{line}</b>" for line in wrap(titles[k], TITLE_SIZE, room)]
        key = [f"<span style='font-size:{KEY_SIZE}px'>{line}</span>" for line in wrap(panel.key, KEY_SIZE, room)]
        lines = max(lines, len(title) + len(key))
        # Centred on its panel (Plotly's "auto" anchors a paper annotation left of x ≤ ⅓, right of x ≥ ⅔).
        layout["annotations"].append({"text": "<br>".join(title + key), "x": (lo + hi) / 2, "xanchor": "center",
                                      "y": 1.0, "xref": "paper", "yref": "paper", "yanchor": "bottom", "yshift": 8,
                                      "showarrow": False, "font": {"size": TITLE_SIZE}})
        layout["shapes"] += [{**shape, "xref": "x" + suffix} for shape in panel.shapes]
        traces += [{**trace, "xaxis": "x" + suffix, "yaxis": "y" + suffix} for trace in panel.traces]
    layout["margin"]["t"] = 12 + round(LINE_HEIGHT * lines)  # room for every line of the titles and keys
    return figure(traces, layout)


def column_width(domains: Sequence[tuple[float, float]], k: int, width: int = MIN_WIDTH) -> float:
    """The widest text (px) centred over panel k that stays in its column when the figure is
    `width` px wide: up to the middle of the gap to the next panel, or to the figure's edge."""
    paper = width - MARGIN["l"] - MARGIN["r"]
    lo, hi = domains[k]
    left = (domains[k - 1][1] + lo) / 2 if k else -MARGIN["l"] / paper
    right = (hi + domains[k + 1][0]) / 2 if k + 1 < len(domains) else 1 + MARGIN["r"] / paper
    centre = (lo + hi) / 2
    return 2 * min(centre - left, right - centre) * paper


def text_width(text: str, size: float) -> float:
    """A generous estimate of how wide `text` is drawn (px) at `size` px, HTML tags taking no
    room: 0.55 em for an ASCII character (measured in headless Chromium: 0.42 em on average in
    DejaVu Sans, 0.49 em in bold, wide fonts like Verdana alike), 1 em for any other (a CJK
    character, ●, ━)."""
    shown = html.unescape(re.sub("<[^>]+>", "", text))
    return size * sum(0.55 if ch.isascii() else 1.0 for ch in shown)


def wrap(text: str, size: float, room: float) -> list[str]:
    """`text` cut into lines at most `room` px wide (by `text_width`) wherever it can be: between
    a key's entries ("   "), else after a comma or colon, else at a space; never inside an HTML
    tag (style='color:#636efa') nor between an entry's mark and its first word. A word wider
    than `room` stays whole on its own line."""
    outside_tags = r"(?![^<]*>)"
    parts: list[tuple[str, str]] = []  # (what joins it to the part before, the part)
    for entry in (e for e in text.split("   ") if e):
        pieces = [("   ", entry)]
        for cut in (rf"(?<=[,，:：]){outside_tags}(\s*)", rf"(?<!</span>){outside_tags}( )"):
            cut_pieces = []
            for joint, piece in pieces:
                if text_width(piece, size) <= room:
                    cut_pieces.append((joint, piece))
                    continue
                split = re.split(cut, piece)  # [piece, separator, piece, …]
                cut_pieces += [(joint, split[0]), *zip(split[1::2], split[2::2])]
            pieces = cut_pieces
        parts += [(joint, piece) for joint, piece in pieces if piece]
    lines: list[str] = []
    for joint, part in parts:
        if lines and text_width(lines[-1] + joint + part, size) <= room:
            lines[-1] += joint + part
        else:
            lines.append(part)
    return lines


def norms_figure(norms: np.ndarray, steps: Sequence[int] | None = None, label: Label = ENGLISH) -> Figure:
    """Per layer over the steps (1, 2, … or the given ones): ‖δ^{l+1}‖, ‖∂L/∂W^l‖ and
    ‖ΔW^l‖ / ‖W^l‖ (log scale), to see gradients vanish or explode. `norms` is (steps, 3, layers)."""
    titles = (label("p_norm_delta"), "‖∂L/∂W<sup>l</sup>‖", label("p_update_ratio"))
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=0.08)
    steps = np.arange(1, len(norms) + 1) if steps is None else np.asarray(steps)
    for row in range(3):
        for k in range(norms.shape[2]):
            fig.add_trace(go.Scatter(x=steps, y=norms[:, row, k], name=label("p_layer", l=k + 1),
                                     mode="lines+markers" if len(steps) <= 50 else "lines",
                                     legendgroup=str(k), showlegend=row == 0,
                                     line={"color": CLASS_COLOURS[k % len(CLASS_COLOURS)]}),
                          row=row + 1, col=1)
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_xaxes(title_text=label("p_step_axis"), row=3, col=1)
    fig.update_layout(height=620, margin={"l": 60, "r": 10, "t": 40, "b": 40}, font=FONT)
    spec = fig.to_plotly_json()
    spec["layout"].pop("template", None)
    return figure(spec["data"], spec["layout"])

"""The network as a picture: neurons as nodes, weights as edges, and what each neuron learned.

Pure figure builders, like `plots`: arrays in, Plotly's JSON out. As in the heatmaps, edge W^l[i, j]
(1-based) joins neuron i of layer l to neuron j of layer l+1.

Edges are grouped, one line trace per colour band (segments separated by NaN); an invisible
marker on each edge, where only it is hovered (`hovers`), carries its hover label and `customdata` (l, i, j,
value). A figure holds at most MAX_EDGES edges (the strongest of each layer beyond that): bounded.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from explorer.core import Gradients
from explorer.figures import hovers
from explorer.figures.plots import CLASS_COLOURS, ENGLISH, FONT, HIGHLIGHT, Figure, Label, figure, symmetric_range
from explorer.notation import ROW, Notation

# Edges drawn at most; a larger network shows each layer's strongest edges only.
MAX_EDGES = 600
# Nodes drawn at most per layer (a layer of 256 is drawn as its first 64, said on the page).
MAX_NODES = 64
# RdBu in eight bands, the heatmaps' blue-white-red: |value| / zmax in quarters, by sign.
NEGATIVE = ("#d1e5f0", "#92c5de", "#4393c3", "#2166ac")
POSITIVE = ("#fddbc7", "#f4a582", "#d6604d", "#b2182b")
BANDS = len(POSITIVE)
# The colour bar's scale: the same eight bands, blue (−zmax) to red (+zmax).
BANDED = [[edge, colour] for k, colour in enumerate((*NEGATIVE[::-1], *POSITIVE))
          for edge in (k / (2 * BANDS), (k + 1) / (2 * BANDS))]
NODE_SCALE = [[0.0, "#2166ac"], [0.5, "#ffffff"], [1.0, "#b2182b"]]
FADED = 0.15  # opacity of the layers a phase is not working on
HEIGHT = 420


def band(values: np.ndarray, zmax: float) -> np.ndarray:
    """The colour band of each edge value: |value| / zmax in quarters (0 … BANDS−1); its colour
    is NEGATIVE[band] or POSITIVE[band] by sign, its width 0.8 + 1.4 band (static/colours.js alike)."""
    return np.minimum((np.abs(values) / zmax * BANDS).astype(int), BANDS - 1)


def summarised(sizes: Sequence[int], max_edges: int = MAX_EDGES) -> bool:
    """Whether the diagram of a network with these sizes shows only the strongest edges."""
    return sum(m * n for m, n in pairwise(sizes)) > max_edges or max(sizes) > MAX_NODES


def _positions(sizes: Sequence[int]) -> list[np.ndarray]:
    """The y of each drawn node, per layer: neuron 1 at the top, each layer centred, the tallest spanning [-1, 1]."""
    drawn = [min(s, MAX_NODES) for s in sizes]
    gap = 2.0 / max(max(drawn) - 1, 1)
    return [((n - 1) / 2 - np.arange(n)) * gap for n in drawn]


def _kept(M: np.ndarray, quota: int) -> tuple[np.ndarray, np.ndarray]:
    """0-based (i, j) of the entries of M drawn: all of them, or the `quota` largest |M|,
    among the nodes that are drawn."""
    M = M[:MAX_NODES, :MAX_NODES]
    if M.size <= quota:
        return np.unravel_index(np.arange(M.size), M.shape)
    flat = np.argpartition(np.abs(M).ravel(), M.size - quota)[M.size - quota:]
    return np.unravel_index(np.sort(flat), M.shape)


@dataclass(frozen=True)
class Flow:
    """A phase of one update on the diagram: layer l's edges (W^l) carry the forward pass
    (a^l → z^{l+1}) or δ backwards (δ^{l+1} → δ^l, along (W^l)^T)."""

    layer: int
    backward: bool
    label: str = ""


def network_diagram(
    W: Sequence[np.ndarray],
    b: Sequence[np.ndarray],
    *,
    edges: Sequence[np.ndarray] | None = None, biases: Sequence[np.ndarray] | None = None,
    edge_name: str = "W",
    nodes: Sequence[np.ndarray | None] | None = None,
    node_name: str = "a",
    highlight: tuple[int, int, int] | None = None,
    flow: Flow | None = None,
    norms: np.ndarray | None = None,
    zmax: float | None = None, node_zmax: float | None = None,
    max_edges: int = MAX_EDGES, label: Label = ENGLISH,
    nt: Notation = ROW,  # how an edge's hover writes W^l[i, j]: W^l[j, i] in the column notation
) -> Figure:
    """Neurons layer by layer and W^l[i, j] as the edge from neuron i of layer l to neuron j of
    layer l+1: colour its sign, width its |value|, one colour bar for every layer.

    `edges`/`biases` are what the edges and the bias squares show (default W, b; or ∂L/∂W,
    ∂L/∂b; or ΔW, Δb), named `edge_name`. `nodes[k]` colours layer k+1's neurons (z, a or
    δ of one sample, named `node_name`, on ±`node_zmax`, by default their largest |value|; None
    leaves a layer blank). `highlight` = (l, i, j)
    marks one edge; `flow` lights one layer's edges for a phase and fades the rest.
    `norms` (2, layers) adds a bar per layer: ‖δ^{l+1}‖ and ‖∂L/∂W^l‖ on a log axis.
    """
    edges = list(W) if edges is None else list(edges)
    biases = list(b) if biases is None else list(biases)
    sizes = [W[0].shape[0], *(M.shape[1] for M in W)]
    ys = _positions(sizes)
    zmax = zmax or symmetric_range(np.concatenate([M.ravel() for M in (*edges, *biases)]))
    quota = max(1, max_edges // len(W))

    # Every drawn edge: its layer, 0-based (i, j), value, and whether a phase fades it.
    ls, i_s, j_s, values = [], [], [], []
    for l, M in enumerate(edges, start=1):
        i, j = _kept(M, quota)
        ls.append(np.full(len(i), l))
        i_s.append(i)
        j_s.append(j)
        values.append(M[i, j])
    l_all, i_all, j_all, v_all = (np.concatenate(x) for x in (ls, i_s, j_s, values))
    x0, x1 = l_all - 1.0, l_all.astype(float)
    y0 = np.concatenate([ys[l - 1][i] for l, i in zip(range(1, len(W) + 1), i_s)])
    y1 = np.concatenate([ys[l][j] for l, j in zip(range(1, len(W) + 1), j_s)])
    bands = band(v_all, zmax)
    faded = np.zeros(len(v_all), bool) if flow is None else l_all != flow.layer

    traces = []
    for positive, colours in ((False, NEGATIVE), (True, POSITIVE)):
        for k, colour in enumerate(colours):
            for fade in (False, True):
                chosen = ((v_all >= 0) == positive) & (bands == k) & (faded == fade)
                if not chosen.any():
                    continue
                nan = np.full(chosen.sum(), np.nan)
                traces.append({
                    "type": "scatter", "mode": "lines", "hoverinfo": "skip", "showlegend": False,
                    "x": np.stack([x0[chosen], x1[chosen], nan], axis=1).ravel(),
                    "y": np.stack([y0[chosen], y1[chosen], nan], axis=1).ravel(),
                    "line": {"color": colour, "width": 0.8 + 1.4 * k},
                    "opacity": FADED if fade else 1.0,
                    "uid": f"edges-{'faded-' if fade else ''}{'pos' if positive else 'neg'}-{k}",
                })
    if highlight is not None:
        l, i, j = highlight
        if 1 <= l <= len(W) and i <= len(ys[l - 1]) and j <= len(ys[l]):
            traces.append({"type": "scatter", "mode": "lines", "hoverinfo": "skip", "showlegend": False,
                           "uid": "highlight", "x": [l - 1, l], "y": [ys[l - 1][i - 1], ys[l][j - 1]],
                           "line": {"color": HIGHLIGHT, "width": 7}, "opacity": 0.9})
    # Each edge's hover label on an invisible marker of its own (`hovers`); the edges' colour bar.
    at, height = hovers.placed(l_all, y0, y1, len(sizes), HEIGHT)
    traces.append({
        "type": "scatter", "mode": "markers", "uid": "edge-labels", "showlegend": False,
        "x": x0 + at * (x1 - x0), "y": y0 + at * (y1 - y0),
        "customdata": np.stack([l_all, i_all + 1, j_all + 1, v_all], axis=1),
        "marker": {"size": 6, "opacity": 0, "color": v_all, "cmin": -zmax, "cmax": zmax, "colorscale": BANDED,
                   "showscale": True, "colorbar": {"title": {"text": edge_name, "side": "top"}, "thickness": 10,
                                                   "len": 0.7, "y": 1.0, "yanchor": "top", "x": 1.0,
                                                   "xanchor": "left", "tickformat": ".2~g"}},
        "hovertemplate": f"{edge_name}<sup>%{{customdata[0]}}</sup>" + "[{}, {}]".format(
            *nt.pair("%{customdata[1]}", "%{customdata[2]}")) + " = %{customdata[3]:.6g}<extra></extra>",
    })
    # The biases: a small square beside each neuron of layers 2 … n, on the edges' scale.
    bx = np.concatenate([np.full(len(ys[l]), l - 0.17) for l in range(1, len(sizes))])
    by = np.concatenate(ys[1:])
    bv = np.concatenate([B.ravel()[:len(ys[l])] for l, B in enumerate(biases, start=1)])
    bl = np.concatenate([np.full(len(ys[l]), l) for l in range(1, len(sizes))])
    bj = np.concatenate([np.arange(1, len(ys[l]) + 1) for l in range(1, len(sizes))])
    bias_name = {"W": "b"}.get(edge_name, edge_name.replace("W", "b"))
    traces.append({
        "type": "scatter", "mode": "markers", "uid": "biases", "showlegend": False, "x": bx, "y": by,
        "customdata": np.stack([bl, bj, bv], axis=1),
        "marker": {"symbol": "square", "size": 7, "color": bv, "cmin": -zmax, "cmax": zmax, "colorscale": BANDED,
                   "line": {"width": 0.5, "color": "#666"}},
        "hovertemplate": f"{bias_name}<sup>%{{customdata[0]}}</sup>" + "[{}, {}]".format(
            *nt.pair("1", "%{customdata[1]}")) + " = %{customdata[2]:.6g}<extra></extra>",
    })
    traces.append(_nodes(sizes, ys, nodes, node_name, node_zmax))
    layout = _layout(sizes, flow, height)
    if norms is not None:
        _norm_bars(traces, layout, norms, label)
    return figure(traces, layout)


def _nodes(sizes: Sequence[int], ys: list[np.ndarray], nodes: Sequence[np.ndarray | None] | None,
           node_name: str, zmax: float | None = None) -> dict:
    """Every drawn neuron as a circle, coloured by its value where `nodes` gives one, on ±zmax
    (by default the largest |value| drawn)."""
    k_all = np.concatenate([np.full(len(y), k + 1) for k, y in enumerate(ys)])
    i_all = np.concatenate([np.arange(1, len(y) + 1) for y in ys])
    values = np.concatenate([
        np.full(len(y), np.nan) if nodes is None or nodes[k] is None else np.asarray(nodes[k], float)[:len(y)]
        for k, y in enumerate(ys)
    ])
    shown = values[np.isfinite(values)]
    m = zmax or symmetric_range(shown)
    size = float(np.clip(220 / max(len(y) for y in ys), 5, 22))
    marker = {"size": size, "line": {"width": 1, "color": "#444"}, "color": np.where(np.isfinite(values), values, 0.0),
              "cmin": -m, "cmax": m, "colorscale": NODE_SCALE}
    if len(shown):
        marker |= {"showscale": True, "colorbar": {"title": {"text": node_name, "side": "top"}, "thickness": 10,
                                                   "len": 0.7, "y": 1.0, "yanchor": "top", "x": -0.02,
                                                   "xanchor": "right", "tickformat": ".2~g"}}
    return {
        "type": "scatter", "mode": "markers", "uid": "neurons", "showlegend": False,
        "x": k_all - 1.0, "y": np.concatenate(ys), "customdata": np.stack([k_all, i_all, values], axis=1),
        "marker": marker,
        "hovertemplate": f"{node_name}<sup>%{{customdata[0]}}</sup><sub>%{{customdata[1]}}</sub>"
                         " = %{customdata[2]:.6g}<extra></extra>",
    }


def _layout(sizes: Sequence[int], flow: Flow | None, height: int) -> dict:
    """Axes without ticks, a label above each layer, the phase's arrow."""
    n = len(sizes)
    notes = [{"x": k, "y": 1.0, "xref": "x", "yref": "paper", "yanchor": "bottom", "showarrow": False,
              "text": f"l<sub>{k + 1}</sub> · {s}" + ("*" if s > MAX_NODES else "")} for k, s in enumerate(sizes)]
    if flow is not None:
        l = flow.layer
        start, end = (l, l - 1) if flow.backward else (l - 1, l)
        notes.append({"x": end - 0.5 * (end - start) * 0.4, "y": 1.07, "ax": start + 0.5 * (end - start) * 0.4,
                      "ay": 0, "xref": "x", "yref": "paper", "axref": "x", "ayref": "pixel", "showarrow": True,
                      "arrowhead": 3, "arrowwidth": 3, "arrowcolor": HIGHLIGHT, "text": ""})
        if flow.label:
            notes.append({"x": (l - 0.5), "y": 1.12, "xref": "x", "yref": "paper", "yanchor": "bottom",
                          "showarrow": False, "text": flow.label, "font": {"size": 14}})
    return {
        "height": height, "margin": {"l": 60, "r": 70, "t": 60 if flow is None else 90, "b": 10}, "font": FONT,
        "showlegend": False, "hovermode": "closest", "hoverdistance": hovers.HOVER_DISTANCE,
        "plot_bgcolor": "white", "annotations": notes,
        "xaxis": {"visible": False, "range": [-0.3, n - 0.7], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-1.12, 1.12], "fixedrange": True, "domain": [0.0, 1.0]},
    }


def _norm_bars(traces: list[dict], layout: dict, norms: np.ndarray, label: Label) -> None:
    """Below the diagram, between layers l and l+1: ‖δ^{l+1}‖ and ‖∂L/∂W^l‖, log scale, so that
    vanishing or exploding gradients show in the Network view itself."""
    layout["yaxis"]["domain"] = [0.3, 1.0]
    layout["yaxis2"] = {"domain": [0.0, 0.2], "type": "log", "anchor": "x", "exponentformat": "power",
                        "nticks": 3, "tickfont": {"size": 10}, "fixedrange": True}
    layout["height"] += 90
    centres = np.arange(norms.shape[1]) + 0.5
    # Between layers l and l+1 (customdata: l, l+1): ‖δ^{l+1}‖ names its layer, ‖δ²‖ not ‖δ¹⁺¹‖.
    for row, (name, colour, shift) in enumerate((("‖δ<sup>%{customdata[1]}</sup>‖", "#7f7f7f", -0.09),
                                                 ("‖∂L/∂W<sup>%{customdata[0]}</sup>‖", "#17becf", 0.09))):
        traces.append({
            "type": "bar", "x": centres + shift, "y": np.maximum(norms[row], 1e-300), "width": 0.16,
            "yaxis": "y2", "uid": f"norms-{row}", "marker": {"color": colour}, "showlegend": False,
            "customdata": np.stack([np.arange(1, norms.shape[1] + 1), np.arange(2, norms.shape[1] + 2)], axis=1),
            "hovertemplate": name + " = %{y:.3g}<extra></extra>",
        })
    layout["annotations"].append({
        "x": 0.0, "y": 0.21, "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "bottom",
        "showarrow": False, "font": {"size": 12}, "text": label("dg_norms_key"),
    })


def phase_figure(W: Sequence[np.ndarray], b: Sequence[np.ndarray], g: Gradients, stepped: Sequence[np.ndarray],
                 lr: float, index: int, layer: int | None, number: str, label: Label = ENGLISH,
                 nt: Notation = ROW) -> Figure:
    """The diagram during phase `index` of one update (`explorer.teaching.teach.phases`), sample 1 of the batch.

    The first n−1 phases are the forward pass: layer l's edges light up and the neurons fill
    with a up to layer l+1. Then the loss (every a), δ^n at the output, and backwards: at
    layer l, δ of layers l+1 … n (and δ^l once (15) has run) while W^l's edges carry δ from
    right to left, (15) δ^l = δ^{l+1} (W^l)^T. The update phase shows ΔW = −η times `stepped`, what
    (17) steps along: ∂L/∂W, plus λ ∂R/∂W with a penalty.
    """
    n = len(W) + 1
    blank: list[np.ndarray | None] = [None] * n
    if index < n - 1:  # forward through W^{index+1}
        nodes = [a[0] if k <= index + 1 else None for k, a in enumerate(g.a)]
        return network_diagram(W, b, nodes=nodes, node_name="a", label=label, nt=nt, flow=Flow(index + 1, False,
                               f"z<sup>{index + 2}</sup> = {nt.product(*(f'{v}<sup>{index + 1}</sup>' for v in 'aW'))}"
                               f" + b<sup>{index + 1}</sup>"))
    if layer is None and "(17)" in number:  # the update
        return network_diagram(W, b, edges=[-lr * dW for dW in stepped], biases=[-lr * db for db in g.db],
                               edge_name="ΔW", nodes=blank, label=label, nt=nt)
    if layer is None:  # the loss: the whole forward pass is done
        return network_diagram(W, b, nodes=[a[0] for a in g.a], node_name="a", label=label, nt=nt)
    known = layer if "(15)" in number else layer + 1  # δ^known … δ^n are computed by now
    nodes = [d[0] if k + 1 >= known else None for k, d in enumerate(g.delta)]
    if "(21)" in number or "(25)" in number:  # δ^n, the output error
        return network_diagram(W, b, nodes=nodes, node_name="δ", label=label, nt=nt)
    dn, Wt, at = f"δ<sup>{layer + 1}</sup>", f"(W<sup>{layer}</sup>)<sup>T</sup>", f"(a<sup>{layer}</sup>)<sup>T</sup>"
    text = {"(15)": f"δ<sup>{layer}</sup> = {nt.product(dn, Wt)}", "(9)": f"∂L/∂b<sup>{layer}</sup> = {dn}",
            "(8)": f"∂L/∂W<sup>{layer}</sup> = {nt.product(at, dn)}"}
    return network_diagram(W, b, nodes=nodes, node_name="δ", label=label, nt=nt,
                           flow=Flow(layer, True, next((v for k, v in text.items() if k in number), "")))


def name_inputs(fig: Figure, sizes: Sequence[int], names: Sequence[str]) -> None:
    """Write each input neuron's name (x₁, x₂, x₁², … or a file's columns, cut short and shown as
    text) left of its node in a diagram of a network with these sizes, when every input is drawn."""
    if len(names) != sizes[0] or sizes[0] > MAX_NODES:
        return
    short = [name if len(name) <= 12 else name[:11] + "…" for name in names]
    fig["layout"]["annotations"] += [{"x": -0.08, "y": float(y), "xref": "x", "yref": "y", "xanchor": "right",
                                      "showarrow": False, "text": html.escape(name), "font": {"size": 11}}
                                     for name, y in zip(short, _positions(sizes)[0])]


# -- what each neuron learned -------------------------------------------------------------------

# Hidden neurons pictured at most (each is a small image in one mosaic).
MAX_PICTURES = 48
PER_LAYER = 16
PICTURE = 24  # grid points on each side of a neuron's picture
DIGITS = 6  # sample digits shown with the network's prediction


def _mosaic(images: np.ndarray, columns: int) -> np.ndarray:
    """(k, h, w) images tiled row by row into one array, NaN between them (one heatmap trace
    instead of one per image: the browser draws one trace fast)."""
    k, h, w = images.shape
    rows = -(-k // columns)
    out = np.full((rows * (h + 1) - 1, columns * (w + 1) - 1), np.nan)
    for n, image in enumerate(images):
        r, c = divmod(n, columns)
        out[r * (h + 1): r * (h + 1) + h, c * (w + 1): c * (w + 1) + w] = image
    return out


def _tile_labels(labels: Sequence[str], columns: int, h: int, w: int, axes: str = "") -> list[dict]:
    return [{"x": (n % columns) * (w + 1) + (w - 1) / 2, "y": (n // columns) * (h + 1) - 0.6, "text": text,
             "xref": "x" + axes, "yref": "y" + axes, "showarrow": False, "yanchor": "bottom",
             "font": {"size": 11}} for n, text in enumerate(labels) if text]


def neuron_pictures(hidden: Sequence[np.ndarray], columns: int = 8) -> Figure:
    """Each hidden neuron's output a over the input plane, as TensorFlow Playground draws it.

    `hidden[k]` is (neurons, h, w): a^{k+2} of hidden layer k+2 on a grid whose rows run over
    x₂ (bottom to top) and columns over x₁, as the decision regions do. A row of pictures per
    layer (at most `columns` a row, PER_LAYER a layer), labelled like the diagram's nodes.
    Colours go from class 1's colour (the layer's lowest a) through white to class 2's
    (its highest): the decision-region chart's colours.
    """
    images, values, names = [], [], []
    for k, a in enumerate(hidden):
        if len(images) >= MAX_PICTURES:
            break
        a = a[:PER_LAYER]
        padded = -(-len(a) // columns) * columns
        norm = (a - a.min()) / max(float(np.ptp(a)), 1e-12)
        blank = np.full((padded - len(a), *a.shape[1:]), np.nan)
        images += list(np.concatenate([norm, blank]))
        values += list(np.concatenate([a, blank]))
        names += [f"a<sup>{k + 2}</sup><sub>{j + 1}</sub>" for j in range(len(a))] + [""] * len(blank)
    images, values = np.array(images)[:, ::-1, :], np.array(values)[:, ::-1, :]  # x₂'s highest row on top
    h, w = images.shape[1:]
    scale = [[0.0, CLASS_COLOURS[0]], [0.5, "#ffffff"], [1.0, CLASS_COLOURS[1]]]
    trace = {"type": "heatmap", "z": _mosaic(images, columns), "customdata": _mosaic(values, columns),
             "zmin": 0.0, "zmax": 1.0, "colorscale": scale, "showscale": False, "opacity": 0.8,
             "hovertemplate": "a = %{customdata:.4g}<extra></extra>", "hoverongaps": False}
    rows = len(images) // columns
    return figure([trace], {
        "height": 30 + rows * 120, "margin": {"l": 10, "r": 10, "t": 24, "b": 10}, "font": FONT,
        "xaxis": {"visible": False, "constrain": "domain"},
        "yaxis": {"visible": False, "autorange": "reversed", "scaleanchor": "x"},
        "annotations": _tile_labels(names, columns, h, w), "plot_bgcolor": "white",
    })


def digit_features(W1: np.ndarray, samples: np.ndarray, predicted: Sequence[int], truth: Sequence[int],
                   titles: tuple[str, str] = ("W¹: what each first-layer neuron looks for", "samples"),
                   label: Label = ENGLISH) -> Figure:
    """For 8×8 digits: column j of W¹ as an 8×8 image (blue negative, red positive), and a few
    sample digits with the network's prediction."""
    side = round(np.sqrt(W1.shape[0]))
    neurons = min(W1.shape[1], MAX_PICTURES)
    columns = min(neurons, 12)
    zmax = symmetric_range(W1[:, :neurons])
    columns_of_W = W1[:, :neurons].T.reshape(neurons, side, side)
    digits = samples[:DIGITS].reshape(-1, side, side)
    traces = [
        {"type": "heatmap", "z": _mosaic(columns_of_W, columns), "zmin": -zmax, "zmax": zmax,
         "colorscale": BANDED, "showscale": True, "hoverongaps": False,
         "colorbar": {"thickness": 10, "len": 0.6, "y": 1.0, "yanchor": "top", "tickformat": ".2~g",
                      "title": {"text": "W¹", "side": "top"}},
         "hovertemplate": "W¹ = %{z:.4g}<extra></extra>"},
        {"type": "heatmap", "z": _mosaic(digits, DIGITS), "colorscale": "Greys", "showscale": False,
         "xaxis": "x2", "yaxis": "y2", "hoverongaps": False,
         "hovertemplate": label("dg_pixel") + " %{z:.3g}<extra></extra>"},
    ]
    rows = -(-neurons // columns)
    notes = _tile_labels([f"j={j + 1}" for j in range(neurons)], columns, side, side)
    notes += _tile_labels([f"→ {p}" + ("" if p == t else f" ({t})") for p, t in zip(predicted, truth)],
                          DIGITS, side, side, "2")
    notes += [{"text": f"<b>{title}</b>", "x": 0.0, "y": y, "xref": "paper", "yref": "paper", "xanchor": "left",
               "yanchor": "bottom", "showarrow": False} for title, y in zip(titles, (1.0, 0.27))]
    return figure(traces, {
        "height": 120 + rows * 90 + 140, "margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "font": FONT,
        "xaxis": {"visible": False, "domain": [0.0, 0.9]},
        "yaxis": {"visible": False, "autorange": "reversed", "domain": [0.38, 1.0]},
        "xaxis2": {"visible": False, "domain": [0.0, 0.6], "anchor": "y2"},
        "yaxis2": {"visible": False, "autorange": "reversed", "domain": [0.0, 0.25], "anchor": "x2",
                   "scaleanchor": "x2"},
        "annotations": notes, "plot_bgcolor": "white",
    })

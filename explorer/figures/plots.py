"""Figure builders: pure functions from NumPy arrays to Plotly figures.

A figure here is Plotly's JSON of it, a dict `{"data": [...], "layout": {...}}`, with
every array as Plotly's base64 typed array (about 100× cheaper to send than a list for
a large matrix). Matrices are drawn in the derivation's
orientation: row i, column j of the heatmap is entry (i, j) of the matrix, row 1 at
the top, with the derivation's 1-based indices.

The Network view is the board (explorer/figures/board.py and explorer/ui/static/board.js), which
draws its matrices with these colours; the lesson views draw the figures built here.

Words on a figure come from the `label` argument, a function from a key of
`explorer/locales/en.json` to the text: the views pass the page's, which speaks the
session's language; the default is English.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial

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


def shade(colour: str, confidence: float, classes: int) -> tuple[int, int, int]:
    """A class colour ("#rrggbb") at a confidence: white where the network is no surer of the
    class than chance (1/K of K classes), the full colour where it is sure, linear in RGB in
    between. The board's regions are drawn so (static/colours.js `shade`; the tests compare them)."""
    chance = 1 / max(classes, 2)
    s = min(1.0, max(0.0, (confidence - chance) / (1 - chance)))
    return tuple(math.floor(255 + (int(colour[k:k + 2], 16) - 255) * s + 0.5) for k in (1, 3, 5))


def confidence(y: np.ndarray, classes: np.ndarray, loss: str) -> np.ndarray:
    """How sure the network is of the class it picks (`classes`, the argmax of y), from its outputs
    y (classes on the last axis): for cross-entropy that class's softmax probability (22), from 1/K
    to 1; for MSE, which fits y itself to the one-hot targets, its y clipped to [0, 1]."""
    K = y.shape[-1]
    flat = y.reshape(-1, K)  # (points, K): NumPy reduces a short last axis slowly, a product quickly
    winner = flat[np.arange(len(flat)), classes.ravel()]
    if loss == "cross_entropy":  # e^{y_c} / Σ_k e^{y_k} = 1 / Σ_k e^{y_k − y_c}, every exponent ≤ 0
        return (1.0 / (np.exp(flat - winner[:, None]) @ np.ones(K))).reshape(classes.shape)
    return np.clip(winner, 0.0, 1.0).reshape(classes.shape)


def confidence_bytes(c: np.ndarray) -> np.ndarray:
    """Confidences in [0, 1] as they travel: u1 q = round(255 c), read as q / 255, within 1/510."""
    return np.floor(255 * c + 0.5).astype(np.uint8)


# Matrices up to this many rows and columns show their numbers in the cells; on the board, a
# layer's panels together may have at most TEXT_CELLS columns (static/matrices.js alike).
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


def family_ranges(panels: Mapping[tuple[int, str], np.ndarray]) -> dict[tuple[int, str], float]:
    """One colour half-width per family across all layers: for each key ("W", "delta", …) the
    largest |entry| of that key's matrices in every layer, so that a layer whose δ or ∂L/∂W is
    a hundred times smaller than another's looks a hundred times paler (vanishing gradients)."""
    widest: dict[str, float] = {}
    for (_, key), M in panels.items():
        widest[key] = max(widest.get(key, 0.0), symmetric_range(M))
    return {(l, key): widest[key] for l, key in panels}


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

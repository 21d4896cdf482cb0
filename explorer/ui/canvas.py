"""A Plotly chart that stays mounted from run to run, so a Step redraws it in place.

`st.plotly_chart` mounts a fresh graph for every new figure (a full `Plotly.newPlot`). This
custom component (its JavaScript is static/canvas.js) keeps one graph div per key and calls
`Plotly.react` on it. Its payload is the figure's JSON, `{"data": [...], "layout": {...}}`,
NumPy arrays as Plotly's base64 typed arrays. plotly.js itself comes from the pinned plotly
package, served by Streamlit under the app's own base URL, so nothing is fetched from the
internet and the 4.8 MB script is never re-sent with a figure.

The live components (this chart, the board) are `live`: their inline module is loader.js, a few
bytes that import the component's module from static/ (served at a static path, with the
plotly.js loader they share, static/plotly.js): Streamlit re-sends a component's inline
JavaScript with every run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import plotly
import streamlit as st
from streamlit.components import v1 as components_v1

PLOTLY_FILES = Path(plotly.__file__).parent / "package_data"  # plotly.min.js and templates/plotly.json
HERE = Path(__file__).parent
LOADER = (HERE / "loader.js").read_text(encoding="utf-8")


def live(name: str) -> Callable[..., object]:
    """A live component named `name` ("backprop_<module>"): its JavaScript is static/<module>.js,
    imported once by loader.js (call `serve_static` in the run that mounts it)."""
    return st.components.v2.component(name, js=LOADER, isolate_styles=False)


_mount = live("backprop_canvas")
_clock = st.components.v2.component("backprop_clock", js=(HERE / "clock.js").read_text(encoding="utf-8"),
                                    isolate_styles=False)  # a few lines: inline


def _scalar(value: object) -> object:
    if isinstance(value, np.generic):  # a NumPy number left in a figure
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


def payload(fig: dict) -> bytes:
    """The figure's JSON as the component receives it: an `explorer.figures.plots` figure is already
    Plotly's JSON, arrays as typed arrays, so the standard encoder writes it in one pass
    (Plotly's own encoder writes, reads and writes again). No NaN or infinity outside arrays:
    JSON has none. Plotly's default template (the same 7 KB for every figure) is not in it:
    the page loads it once, beside plotly.min.js."""
    return json.dumps(fig, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_scalar).encode()


def serve_folder(name: str, folder: Path) -> str:
    """Serve the files in `folder` under the app's base URL, at the path returned
    ("component/explorer.ui.canvas.<name>/"), for the page's JavaScript to load.

    Streamlit has no public static path for a package's files: a v1 component's folder is served
    under the name `declare_component` builds from its caller's module (this one) and `name`,
    and whether it is registered yet is asked of the private component registry. Every such use
    of Streamlit's internals is here (tests/unit/test_streamlit_private.py fails if an upgrade
    breaks it). A registration belongs to the running server (a test's runtime is a new one):
    made once each."""
    served = f"{__name__}.{name}"
    if components_v1.component_registry.ComponentRegistry.instance().get_component_path(served) is None:
        components_v1.declare_component(name, path=str(folder))
    return f"component/{served}/"


def serve_static() -> None:
    """Serve static/ at component/explorer.ui.canvas.static/ (where loader.js imports the live
    components' modules from), plotly.min.js and Plotly's default template at
    component/explorer.ui.canvas.plotly/ (where static/plotly.js loads them from)."""
    serve_folder("static", HERE / "static")
    serve_folder("plotly", PLOTLY_FILES)


def chart(fig: dict, key: str) -> None:
    """Draw `fig` in the persistent chart named `key` (a key stays one graph div)."""
    serve_static()
    _mount(key=key, data=payload(fig))


def clock(frame: int, key: str) -> None:
    """While mounted, ask for the next run (frame + 1) as soon as every chart has drawn this
    one, at most 20 a second (clock.js). The run it causes is the next frame."""
    _clock(key=key, data={"frame": frame})

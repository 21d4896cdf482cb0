"""Reading figures back as the browser gets them: Plotly's typed arrays and AppTest charts."""

from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest


def decode(value) -> np.ndarray:
    """A Plotly array from a figure spec: a base64 typed array (see STACK.md), a list or an array."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return a.reshape([int(n) for n in str(shape).split(",")]) if shape else a
    return np.asarray(value)


def chart(at: AppTest, key: str) -> dict:
    """The figure spec of the Plotly chart with this key."""
    return json.loads(at.get_by_key(key).proto.spec)

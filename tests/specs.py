"""Shared test helpers: the app opened and clicked through AppTest, and figures read back as the
browser gets them (Plotly's typed arrays, AppTest charts)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from clients import NUMBERS, board_frame, numbers
from streamlit.testing.v1 import AppTest

from explorer.figures.board import unpack
from explorer.model.training import Config, Trainer

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def decode(value) -> np.ndarray:
    """A Plotly array from a figure spec: a base64 typed array, a list or an array."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return a.reshape([int(n) for n in str(shape).split(",")]) if shape else a
    return np.asarray(value)


def _figure(element) -> dict:
    """The figure of a chart element: a plotly_chart's spec, or the persistent chart's payload
    (explorer/ui/canvas.py; AppTest shows it as a `bidi_component`, its payload in `bytes`)."""
    if element.type == "plotly_chart":
        return json.loads(element.proto.spec)
    return json.loads(element.proto.bytes)


def _key(element) -> str:
    """The user key of a chart element, read from its id as scripts/clients.py reads them all."""
    from clients import _key as key_in_id

    return key_in_id(str(element.proto.id))


def charts(at: AppTest) -> dict[str, dict]:
    """Every chart on the page by its key: the figure as the browser gets it."""
    return {_key(e): _figure(e) for kind in ("plotly_chart", "bidi_component") for e in at.get(kind)}


def chart(at: AppTest, key: str) -> dict:
    """The figure of the chart with this key."""
    return _figure(at.get_by_key(key))


def board(at: AppTest) -> dict[str, np.ndarray]:
    """The board's latest frame (explorer/ui/board.py) as the browser gets it: its arrays by
    name ("W1", "b1", "delta2", "dW1", "DW1", "node1", "regions", "curve.train", …) and
    its header as "head" (step, ranges, pick, …)."""
    return board_frame(at.get_by_key("board").proto.bytes)


def payload(at: AppTest) -> dict:
    """The board's last payload's header: its frames' headers, whether it plays, …"""
    return unpack(at.get_by_key("board").proto.bytes)[0]


def structure(at: AppTest) -> dict:
    """The board's structure (sizes, words, panels), as a run that rebuilds it sends it."""
    at.session_state["board_sent"] = None
    ok(at.run())
    return unpack(at.get_by_key("board").proto.bytes)[0]["structure"]


def metrics(at: AppTest) -> dict[str, str]:
    """The numbers row (label -> value as shown); empty when it is hidden."""
    rows = [e.value for e in at.get("html") if NUMBERS in e.value]
    assert len(rows) <= 1, rows
    return numbers(rows[0]) if rows else {}


def ok(at: AppTest) -> AppTest:
    """The run showed no exception on the page."""
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_app(timeout: float = 60, **params: str | list[str]) -> AppTest:
    """The page as a link with these query parameters opens it (a list: a repeated key)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for name, value in params.items():
        at.query_params[name] = value
    return ok(at.run())


def click(at: AppTest, key: str) -> AppTest:
    """Press the button `key`; the run showed no exception."""
    return ok(at.button(key=key).click().run())


def texts(elements) -> list[str]:
    """The shown values of AppTest elements (warnings, captions, markdown, …) as strings."""
    return [str(e.value) for e in elements]


# A small run whose every matrix the lessons write out: xor, sizes [2, 3, 4, 2], batch 5.
SMALL = Config(dataset="xor", hidden=(3, 4), batch=5, lr=0.3, seed=4)


def trained(config: Config = SMALL, steps: int = 2, **changes: object) -> Trainer:
    """A reference trainer of `config` (with `changes`) stepped `steps` times, one
    `Trainer.step` at a time."""
    t = Trainer.from_config(config.with_(**changes))
    for _ in range(steps):
        t.step()
    return t

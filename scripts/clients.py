"""Two ways to drive the app, shared by scripts/bench_browser.py and scripts/load_test.py.

- In a real browser page: `STEP_JS` clicks Step and resolves when every chart has been
  redrawn; `WS_TIMING_JS` (an init script) timestamps the page's websocket traffic so that
  the same click also gives the server round trip (click → the run's `script_finished`).
- Without a browser: `Session` speaks Streamlit's own websocket protocol (protobuf
  `BackMsg` / `ForwardMsg` on /_stcore/stream), as one browser tab would: it runs the
  page from a link and clicks widgets by key. It costs the server what a student costs it,
  and the load script nothing but a socket.
"""

from __future__ import annotations

import html
import json
import re
import socket
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, from a script run anywhere
from explorer.figures.board import unpack

# Timestamps, in the page, every message the app's websocket sends and receives, and
# marks the ones that carry ForwardMsg.script_finished (field 6, a varint, at the top level).
WS_TIMING_JS = """(() => {
  const finished = (buffer) => {
    const b = new Uint8Array(buffer);
    let i = 0;
    const varint = () => {
      let v = 0, s = 0, x;
      do { x = b[i++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
      return v;
    };
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
      if (field === 6 && wire === 0) return true;
      if (wire === 0) varint(); else if (wire === 2) { const n = varint(); i += n; } else if (wire === 1) i += 8;
      else if (wire === 5) i += 4; else return false;
    }
    return false;
  };
  window.__wsLog = [];
  // When what a click changed is on the screen: the end of the next frame's paint. A change made
  // in an animation frame's callbacks is painted in that frame; any other (the board's and the
  // floor's number alike) waits for the next one. A task queued from a frame's callbacks runs
  // after its paint.
  const frame = window.requestAnimationFrame.bind(window);
  let inFrame = false;
  window.requestAnimationFrame = (callback) => frame((now) => {
    if (!inFrame) { inFrame = true; setTimeout(() => { inFrame = false; }); }
    return callback(now);
  });
  window.__painted = () => new Promise((resolve) => {
    const after = () => setTimeout(() => resolve(performance.now()));
    if (inFrame) after(); else frame(after);
  });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => window.__wsLog.push(
        {t: performance.now(), dir: 'in', finished: e.data instanceof ArrayBuffer && finished(e.data)}));
    }
    send(data) { window.__wsLog.push({t: performance.now(), dir: 'out'}); return super.send(data); }
  };
})();"""

# Click Step (the widget with key `step`) and resolve when every chart on the page has been
# drawn again and the run's script_finished has arrived: the board (explorer/ui/static/board.js) when
# its root's data-step changes (set once every part of it shows the new step), any other
# chart at Plotly's 'plotly_afterplot'. A chart whose figure did not change may not be
# redrawn at all: once the run has finished and nothing was drawn for a second, the click
# counts as done with fewer charts. Resolves {ok, redrawn_ms, server_ms, charts, redrawn};
# server_ms is null without WS_TIMING_JS.
STEP_JS = """(timeoutMs) => new Promise((resolve) => {
  const sel = '.js-plotly-plot';
  const keyOf = (node) => [...(node.closest('[class*="st-key-"]') || {classList: []}).classList]
      .find(c => c.startsWith('st-key-')) || 'chart';
  const outside = () => [...document.querySelectorAll(sel)].filter(gd => !gd.closest('.board'));
  const board = document.querySelector('.board');
  const expected = new Set(outside().map(keyOf));
  if (board) expected.add('board');
  const before = board && board.dataset.step;
  const drawn = new Map(), painted = new Map();  // key -> when drawn, and when that was painted
  let t0 = 0;
  const draw = (k) => {
    drawn.set(k, performance.now());
    if (window.__painted) painted.set(k, window.__painted());
  };
  const hooked = new Map();  // graph div -> this click's listener (a div can outlive the click)
  const hook = (gd) => {
    if (hooked.has(gd) || !gd.on || gd.closest('.board')) return;
    const listener = () => {
      const k = keyOf(gd);
      if (t0 && !drawn.has(k)) draw(k);
      check();
    };
    hooked.set(gd, listener);
    gd.on('plotly_afterplot', listener);
  };
  const log = window.__wsLog;
  const logFrom = log ? log.length : 0;
  const serverMs = () => {
    if (!log) return null;
    const entries = log.slice(logFrom), sent = entries.find(e => e.dir === 'out');
    const done = entries.find(e => e.finished && sent && e.t >= sent.t);
    return done ? done.t - t0 : undefined;
  };
  const observer = new MutationObserver(() => {
    outside().forEach(hook);
    if (t0 && board && board.dataset.step !== before && !drawn.has('board')) draw('board');
    check();
  });
  const timer = setTimeout(() => finish(false), timeoutMs);
  const QUIET_MS = 1000;
  function check() {
    const all = [...expected].every(k => drawn.has(k)), server = serverMs();
    const last = Math.max(t0, ...drawn.values());
    if (server === undefined) return;
    if (all || (drawn.size && performance.now() - last > QUIET_MS)) finish(true);
  }
  async function finish(ok) {
    hooked.forEach((listener, gd) => gd.removeListener('plotly_afterplot', listener));
    observer.disconnect();
    clearInterval(poll);
    clearTimeout(timer);
    const redrawn = drawn.size ? Math.max(...drawn.values()) - t0 : null;
    const shown = painted.size ? Math.max(...await Promise.all(painted.values())) - t0 : null;
    resolve({ok, redrawn_ms: redrawn, painted_ms: shown, server_ms: serverMs() ?? null, charts: expected.size,
             redrawn: drawn.size});
  }
  const poll = setInterval(check, 5);  // script_finished can arrive after the last redraw
  outside().forEach(hook);
  observer.observe(document.body, {subtree: true, childList: true, attributes: true,
                                   attributeFilter: ['class', 'data-step']});
  t0 = performance.now();
  document.querySelector('.st-key-step button').click();
})"""

# The board has drawn a step (explorer/ui/static/board.js sets data-step once every part shows it).
BOARD_READY_JS = "() => !!document.querySelector('.board[data-step]')"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0 … 100), linear between the closest ranks."""
    return float(np.percentile(np.asarray(values, dtype=float), q))


# -- Streamlit's websocket protocol --------------------------------------------------------


class Session:
    """One app session over Streamlit's websocket protocol, like one browser tab.

    `await Session.open(url, "seed=3")` runs the page from that link; `await s.click("step")`
    clicks a button by its key and waits for the run to finish; after every run `metrics`
    (the numbers row: label -> shown value), `charts` (key -> Plotly figure JSON) and `board`
    (the board's latest frame: array name -> array, see `matrix`) hold what a browser would show.
    """

    def __init__(self, ws, query: str):
        self.ws = ws
        self.query = query
        self.widgets: dict[str, tuple[str, str]] = {}  # key -> (widget id, fragment id)
        self.options: dict[str, list[str]] = {}  # key -> a choice widget's options, as sent (formatted)
        self.session_id = ""  # the server's id of this session (the upload URL names it)
        self.finished: list[int] = []  # each run's ForwardMsg.script_finished status, in order
        self.metrics: dict[str, str] = {}
        self.charts: dict[str, dict] = {}
        self.board: dict[str, np.ndarray] = {}
        self.exceptions: list[str] = []
        self.texts: list[str] = []  # every st.markdown and st.caption shown
        self.alerts: list[str] = []  # the text of every st.info, st.warning and st.error shown
        self.bytes_in = 0
        self._socket: socket.socket = ws.transport.get_extra_info("socket")

    @classmethod
    async def open(cls, url: str, query: str = "", timeout: float = 60.0, cookie: str = "") -> Session:
        """`cookie`: the Cookie header a browser would send (a load balancer's sticky cookie)."""
        import websockets

        ws = await websockets.connect(url.replace("http://", "ws://") + "/_stcore/stream",
                                      subprotocols=["streamlit"], max_size=None, open_timeout=timeout,
                                      additional_headers={"Cookie": cookie} if cookie else None)
        session = cls(ws, query)
        await session._rerun(timeout=timeout)
        return session

    async def click(self, key: str, timeout: float = 60.0, **values: int | str | list[str]) -> float:
        """Click the button `key` (other widgets set by key: `n_steps=200`, a select box by its
        option as shown: `per_frame="1000 / frame"`); the round trip in s."""
        widget_id, fragment = self.widgets[key]
        return await self._rerun([(widget_id, "trigger_value", True), *self._states(values)], fragment, timeout)

    async def set(self, timeout: float = 60.0, **values: int | str | list[str]) -> float:
        """Set widgets by key and run the page (a segmented control by its options as shown:
        `view=["Gradient check"]`); the round trip in s."""
        return await self._rerun(self._states(values), "", timeout)

    def _states(self, values: dict) -> list[tuple[str, str, object]]:
        kinds = {int: "int_value", str: "string_value", list: "string_array_value"}
        return [(self.widgets[name][0], kinds[type(value)], value) for name, value in values.items()]

    async def frame(self, timeout: float = 60.0) -> float:
        """While playing: the rerun of Step's fragment that Play's clock asks for; the round trip in s."""
        return await self._rerun((), self.widgets["step"][1], timeout)

    async def close(self) -> None:
        await self.ws.close()

    async def _rerun(self, states=(), fragment: str = "", timeout: float = 60.0) -> float:
        import asyncio

        start = time.perf_counter()
        await self.send(states, fragment)
        await asyncio.wait_for(self._until_finished(), timeout)
        return time.perf_counter() - start

    async def send(self, states=(), fragment: str = "") -> None:
        """Ask for a run with these widget states [(id, field, value)], without waiting for it."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query
        client.fragment_id = fragment
        for widget_id, field, value in states:
            state = client.widget_states.widgets.add()
            state.id = widget_id
            if field == "string_array_value":
                state.string_array_value.data.extend(value)
            else:
                setattr(state, field, value)
        await self.ws.send(message.SerializeToString())

    def _ack_at_once(self) -> None:
        """Acknowledge what came in at once, as a browser's page does in effect, not up to 40 ms
        later (Linux's delayed ACK; the flag lasts until the next read): a server that holds
        a run's next message until the previous one is acknowledged (Nagle's algorithm, as a
        plain Streamlit page's socket has it) would otherwise wait for this client."""
        if hasattr(socket, "TCP_QUICKACK"):
            self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)

    async def _until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            raw = await self.ws.recv()
            self._ack_at_once()
            self.bytes_in += len(raw)
            msg = ForwardMsg.FromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "script_finished":
                self.finished.append(msg.script_finished)
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # st.rerun: the next run follows
                    return
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id
            if kind == "page_info_changed":  # the app rewrote its link; a browser's next run sends it
                self.query = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element, msg.delta.fragment_id)

    def _element(self, element, fragment: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "html" and NUMBERS in element.html.body:
            self.metrics = numbers(element.html.body)
        elif kind == "markdown":
            self.texts.append(element.markdown.body)
        elif kind == "alert":
            self.alerts.append(element.alert.body)
        elif kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "plotly_chart":
            self.charts[_key(element.plotly_chart.id)] = json.loads(element.plotly_chart.spec)
        elif kind == "bidi_component" and _key(element.bidi_component.id) == "board":  # explorer/ui/board.py
            self.board = board_frame(element.bidi_component.bytes)
            if self.board.get("head", {}).get("numbers"):  # over the board, its frames carry the numbers row
                self.metrics = dict(self.board["head"]["numbers"])
        elif kind == "bidi_component" and element.bidi_component.HasField("bytes"):  # explorer/ui/canvas.py
            self.charts[_key(element.bidi_component.id)] = json.loads(element.bidi_component.bytes)
        else:
            proto = getattr(element, kind)
            widget_id = getattr(proto, "id", "")
            if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
                self.widgets[_key(widget_id)] = (widget_id, fragment)
                if kind == "button_group":
                    self.options[_key(widget_id)] = [option.content for option in proto.options]

    def matrix(self, name: str) -> np.ndarray:
        """A matrix the board shows, from its latest frame, by its name in the payload ("W1",
        "b1", "delta2", "dW1", …)."""
        return self.board[name]


def board_frame(payload: bytes) -> dict[str, np.ndarray]:
    """The latest frame of a board payload (explorer/figures/board.py): its arrays by name
    ("W1", "delta2", …), and its header as "head"."""
    header, arrays = unpack(payload)
    k = len(header["frames"]) - 1
    prefix = f"f{k}."
    frame = {name[len(prefix):]: a for name, a in arrays.items() if name.startswith(prefix)}
    return {**frame, "head": header["frames"][k]}


NUMBERS = '<dl class="numbers">'  # the numbers row of the page (explorer/ui/controls.py `numbers`)
_NUMBER = re.compile(r"<dt>(.*?)</dt><dd>(.*?)</dd>")


def numbers(body: str) -> dict[str, str]:
    """The numbers row's HTML read back: label -> value, as shown."""
    return {html.unescape(label): html.unescape(value) for label, value in _NUMBER.findall(body)}


def _key(element_id: str) -> str:
    """The user key of an element id "$$ID-<hash>-<key>"."""
    return element_id.split("-", 2)[2] if element_id.count("-") >= 2 else element_id

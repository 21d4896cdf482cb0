"""The board: the Network view's loss curve, data, diagram and every layer's matrices as one
live component that stays mounted from Step to Step (its JavaScript: static/board.js and the
modules it imports, one for each part).

A Step sends one frame of values (explorer/figures/board.py); the structure goes only when it
changes. Play sends about CHUNK_SECONDS of frames a run; the page shows them at most FPS a
second and asks for the next chunk when half are shown. On Pause, the steps computed for frames
that were never shown are taken back, so the trainer stands at the step on the screen.

static/ is served at a static path (`canvas.serve_static`); the component is `canvas.live`: its
inline module is loader.js, a few bytes that import board.js: Streamlit re-sends a
component's inline JavaScript with every run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from explorer.figures import board
from explorer.figures.plots import Label
from explorer.model import limits
from explorer.model.training import Snapshot, Trainer
from explorer.notation import Notation
from explorer.ui import canvas, editing, explain_panel, session

CHUNK_SECONDS = 0.4  # of frames computed in one run of Play
FPS = 20.0           # frames shown a second, at most: one host serves a whole class
_mount = canvas.live("backprop_board")


def forget() -> None:
    """The board is not on the page (another view): the next one is built from its structure."""
    for key in ("board_sent", "board_curve", "board_shows"):
        st.session_state.pop(key, None)


def undoable(t: Trainer) -> int:
    """Steps that Undo can surely take back: the history keeps at least this many of the newest
    (it keeps the latest whole and lightens the older ones to their W and b before it drops any:
    limits.HISTORY_BYTES holds that many of them)."""
    light = sum(W.nbytes + b.nbytes for W, b in zip(t.net.W, t.net.b))
    return min(limits.MAX_SNAPSHOTS, max(0, limits.HISTORY_BYTES - t.current.nbytes()) // max(1, light))


def chunk(per_frame: int, t: Trainer) -> int:
    """Frames of Play computed in one run: CHUNK_SECONDS of them, and no more steps than Undo
    can take back (frames never shown are undone on Pause)."""
    return max(1, min(round(CHUNK_SECONDS * FPS), undoable(t) // per_frame))


def draw(t: Trainer, s: Snapshot, shown: board.Shown, view: board.View,
         numbers: Callable[[Trainer], Sequence[tuple[str, str]]], label: Label, class_names: Sequence[str], *,
         per_frame: int = 1, key: str = "board") -> dict:
    """Mount the board showing snapshot `s`; while playing, step ahead a chunk of frames of
    `per_frame` steps each and send them all (`numbers(t)`: the numbers row's labels and values; the
    words in the page's language: `label`, and the data set's `class_names`). Returns the
    header of the last frame sent (its colour ranges, …)."""
    ss = st.session_state
    canvas.serve_static()
    version = board.version(t, shown)
    spec = None
    if ss.get("board_sent") != version:
        spec = board.structure(t, shown, label, class_names)
        ss["board_sent"], ss["board_pictured"], ss["board_curve"] = version, spec[0]["pictured"], None
    pictured = ss["board_pictured"]
    # A hover's exact entry (`_peek`); in a run it alone caused, when the board shows this very
    # frame already, the payload carries that entry and nothing else. (A hand edit keeps the
    # step: its entry is another snapshot, id(s).)
    asked = ss.pop("board_peek", None)
    peeked = board.peek(s, asked, Notation(shown.notation)) if asked is not None and not ss.get("playing") else None
    if peeked is not None and spec is None and ss.get("board_shows") == _shows(version, t, s, view):
        _mount(key=key, data=board.payload(version, None, [], peeked=peeked), **_triggers())
        return ss["board_head"]
    # Play's chunk when the board asked for it (or Play began); a button pressed while playing
    # (Step, Undo, Run, Reset) shows where it left the network, one frame.
    playing = bool(ss.get("playing"))
    ahead = playing and not any(ss.get(button) for button in ("step", "undo", "run", "reset"))
    frames, count = [], chunk(per_frame, t) if ahead else 1
    if ahead:
        session.pace(count)  # at most FPS frames a second, whoever asks
    for _ in range(count):
        if ahead:
            if not session.act(t.run, per_frame):  # a divergence stops Play: this frame shows where it stands
                ss["playing"] = playing = ahead = False
            s = t.current
        frames.append(board.frame(t, s, view, shown, numbers(t), since=ss["board_curve"], drawn=pictured))
        ss["board_curve"] = t.curve_steps[-1] if t.curve_steps else 0
        if not ahead:
            break
    if playing:
        ss["board_seq"] = ss.get("board_seq", 0) + 1
    data = board.payload(version, spec, frames, seq=ss.get("board_seq", 0), playing=playing, fps=FPS,
                         undoable=undoable(t), peeked=peeked if not playing else None)
    _mount(key=key, data=data, **_triggers())
    ss["board_shows"], ss["board_head"] = _shows(version, t, s, view), frames[-1][0]  # s: Play's last
    return frames[-1][0]


def _shows(version: str, t: Trainer, s: Snapshot, view: board.View) -> list:
    """What a frame is of: the structure, the trainer, its latest step, the entry shown, the view."""
    return [version, id(t), t.steps, s.step, id(s), repr(view)]


def _triggers() -> dict:
    """The board's triggers and their callbacks, the same on every run (a run that left one out
    would leave the next click on it unheard)."""
    return {"on_need_change": _next, "on_rewind_change": _rewind, "on_missing_change": forget, "on_peek_change": _peek,
            "on_explain_change": explain_panel.opened, "on_edit_change": editing.from_board}


def _next() -> None:
    """Play's next chunk: the run this trigger causes computes it."""


def _peek() -> None:
    """The pointer rests on an entry of a coarse cell: its exact value comes with the next payload."""
    st.session_state["board_peek"] = st.session_state["board"]["peek"]


def _rewind() -> None:
    """Paused with frames computed but never shown: take their steps back, to the step shown."""
    shown = st.session_state["board"]["rewind"]
    t = session.trainer()
    if isinstance(shown, int) and not st.session_state.get("playing"):
        while t.steps > shown and t.can_undo():
            t.undo()

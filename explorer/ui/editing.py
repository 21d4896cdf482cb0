"""Hand edits on the page: a weight or bias set by a click on the board (its `edit` trigger) or
by the value input beside "Pick a weight"; what the views say about an edit entry.

The trainer makes the edit (`Trainer.edit`, explorer/model/edits.py: what it checks and costs);
here it is taken from the page, and a refusal is kept as a message, shown beside the board.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from explorer.i18n import Message
from explorer.model import edits, limits
from explorer.model.edits import EditError
from explorer.model.training import Snapshot, Trainer
from explorer.notation import number
from explorer.ui import page, session

_ = page.label


def edit(l: object, i: object, j: object, value: object, bias: bool = False) -> None:
    """Set W^l[i, j] (or b^l[j]) of the session's network to `value` as typed; a refusal is kept
    in `edit_problem` (the weights as they were). Refused while playing: Pause takes back the
    steps computed ahead of the screen, and an edit made among them with them."""
    ss = st.session_state
    ss.pop("edit_problem", None)
    t = session.trainer()
    if ss.get("playing"):
        ss["edit_problem"] = Message("edit_playing")
        return
    if _looking_back(t):  # the page shows older weights than the ones an edit would change
        ss["edit_problem"] = Message("edit_past", s=ss["viewed_step"], n=t.steps)
        return
    try:
        if session.act(t.edit, l, i, j, value, bool(bias)):
            ss.pop("quiz_prediction", None)  # it was predicted for the weights before the edit
    except EditError as error:
        ss["edit_problem"] = error.args[0]


def _looking_back(t: Trainer) -> bool:
    """Whether the views show an older entry than the latest (controls.viewed_snapshot)."""
    ss = st.session_state
    if ss.get("view_latest") != (t.steps, t.current.edited):  # the next run shows the latest anyway
        return False
    try:
        return t.snapshot(ss.get("viewed_step", t.steps), ss.get("viewed_edits")) is not t.current
    except KeyError:
        return False


def from_board() -> None:
    """The board's `edit` trigger: {"l", "i", "j" (1-based), "value" (as typed), "bias"}."""
    sent = st.session_state["board"]["edit"]
    if not isinstance(sent, dict):
        st.session_state["edit_problem"] = Message("edit_bad")
        return
    edit(sent.get("l"), sent.get("i"), sent.get("j"), sent.get("value"), sent.get("bias") is True)


def _set_picked() -> None:
    ss = st.session_state
    edit(int(ss["pick_l"]), int(ss["pick_i"]), int(ss["pick_j"]), ss.get("edit_value", ""))


def pick_row(row: DeltaGenerator) -> None:
    """Beside the picked W^l[i, j]'s indices: a value and Set (no pointer needed)."""
    row.text_input(_("edit_value"), key="edit_value", placeholder="0", width=110)
    row.button(_("edit_set"), key="edit_apply", help=_("edit_set_help"), on_click=_set_picked,
               disabled=bool(st.session_state.get("playing")))


def said(e: edits.Edit) -> dict[str, str]:
    """An edit's words: the entry as the page's notation names it (Wˡ[j, i] in columns, as the
    board's editor did), its value before and after."""
    return {"name": e.written(session.notation()), "before": number(e.before, ".6g"), "after": number(e.after, ".6g")}


def notes(s: Snapshot) -> None:
    """Under the board: why the last edit was refused; what an edit entry shows."""
    problem = st.session_state.pop("edit_problem", None)
    if problem is not None:
        st.warning(page.say(problem))
    if s.edit is not None:
        st.caption(_("edit_note", **said(s.edit)))


def taken(t: Trainer, s: Snapshot, note: bool = True) -> Snapshot | None:
    """The entry of the last step taken at or before `s` (the views that write out a step show
    it for a hand edit, which is no step), with a line saying so (`note`); None if it is no
    longer kept."""
    if s.edit is None:
        return s
    try:
        step = t.snapshot(s.step)
    except KeyError:
        step = None
    if note:
        st.info(_("eq_edit", s=s.step, **said(s.edit)))
    return None if step is None or step.edit is not None else step


def history(t: Trainer, s: Snapshot) -> None:
    """In the History view: the entries of the viewed step that are kept (the step as stepped and
    its latest hand edits, `edits.offered`), to look back at each, and the hand edits kept."""
    ss = st.session_state
    entries = edits.offered(t.history, s.step)
    if entries[-1].edit is not None:
        # Each option is the entry's own number (`Snapshot.nth`), which `viewed_edits` keeps and
        # Trainer.snapshot finds: no position in the list, which the history's drops would shift.
        labels = {e.nth: _("edit_as_stepped", s=s.step) if e.edit is None else _("edit_entry", n=e.nth, **said(e.edit))
                  for e in entries}
        ss["view_edits"] = s.nth  # the entry the views show (controls.viewed_snapshot)
        st.segmented_control(_("edit_entries", s=s.step), list(labels), key="view_edits", required=True,
                             format_func=labels.__getitem__,
                             on_change=lambda: ss.__setitem__("viewed_edits", ss["view_edits"]))
        if len(entries) <= entries[-1].nth:  # not all of 0, 1, …, the latest edit's number
            st.caption(_("edit_entries_older", s=s.step, n=limits.LISTED_EDITS))
    kept = [e for e in t.history if e.edit is not None]
    if kept:
        lines = [_("edit_line", s=e.step, **said(e.edit)) for e in kept[-limits.LISTED_EDITS:]]
        st.caption(_("edits_kept", edits="; ".join(lines)))


def share_note(s: Snapshot) -> None:
    """Where a link is offered: it cannot carry hand-edited weights."""
    if s.edited:
        st.warning(_("share_edited", n=s.edited))

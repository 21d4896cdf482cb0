"""The page around the views: the header, the controls, the numbers and the chosen view. A Step
reruns only `stepper`, a fragment.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from explorer.ui import board, canvas, checking, lessons, page, quiz_panel, session
from explorer.ui.controls import numbers_row, run_controls, shown_numbers, status, step_controls, viewed_snapshot
from explorer.ui.network_view import Slots, network_switches, network_view

_ = page.label


LESSONS = {
    "equations": lessons.equations_view,
    "phases": lessons.phases_view,
    "gradcheck": checking.gradcheck_view,
    "history": lessons.history_view,
    "export": lessons.export_view,
    "derivation": lessons.derivation_view,
}
VIEWS = ("network", *LESSONS)  # the Network view: `network_switches` and `network_view`


def workspace() -> None:
    """The controls, the numbers and the chosen view. Everything a Step changes is drawn by
    `stepper`, a fragment, so that a Step (and each frame of Play) reruns only that."""
    t = session.trainer()
    row = st.container(horizontal=True, vertical_alignment="bottom")  # wraps on a narrow window
    stepping = row.container(horizontal=True, vertical_alignment="bottom", width="content", key="stepping")
    run_controls(t, row)
    top = st.container(key="stepper")  # the numbers, and the fragment's own place
    view = "network"
    if not session.hidden("views"):
        row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
        view = row.segmented_control(_("view"), list(VIEWS), key="view", required=True, default="network",
                                     format_func=page.options("v_"), label_visibility="collapsed")
        row.toggle(_("quiz_mode"), key="quiz_mode", help=_("quiz_mode_help"))
    below = st.container()  # the quiz and the lesson views: step by step, all of it
    slots = network_switches(t) if view == "network" else None
    if slots is None:
        board.forget()  # not on this page: the next board is built from its structure
    with top:
        if slots is not None:
            numbers_row(t)  # over the Network view, by the page's run: the board's frames update it
        st.fragment(stepper)(stepping, view, below, slots)


def stepper(stepping: DeltaGenerator, view: str, below: DeltaGenerator, slots: Slots | None) -> None:
    """What a Step redraws: Step and Undo, the numbers, the quiz, the view (the Network view's
    board in its slot, which plays its own frames), and while playing a lesson view the clock
    that asks for the next frame."""
    t, ss = session.trainer(), st.session_state
    with stepping:
        step_controls(t, board=slots is not None)
    with session.turn():  # in turns with the other sessions' Steps; a lesson view may take longer
        status(t, board=slots is not None)
        if session.shares_heavily():
            st.caption(_("shared_server"))
        session.offer_turn()
        s = viewed_snapshot(t)
        if slots is not None:
            playing = ss.get("playing")
            network_view(t, s, slots, shown_numbers)
            if playing and not ss.get("playing"):  # stopped by itself: the whole page draws Play again
                st.rerun()
    with below:
        if session.page()["quiz"]:
            quiz_panel.quiz_panel(t)
        if slots is None:
            LESSONS[view](t, s)
    if ss.get("playing") and slots is None:  # after the view: the clock asks for the next frame once it is drawn
        ss["frame"] = ss.get("frame", 0) + 1
        # In a container this fragment fills on every run: only there may it write at will.
        with below:
            canvas.clock(ss["frame"], key="clock")


# The page's style sheets, read once: every page's, and the projector's on top of it.
_CSS = {name: (Path(__file__).with_name(f"{name}.css")).read_text(encoding="utf-8") for name in ("page", "present")}
STYLE = {"page": f"<style>{_CSS['page']}</style>", "present": f"<style>{_CSS['page']}{_CSS['present']}</style>"}


def header(notice: str | None) -> None:
    """Title, link problems, a rebuild notice; the projector's style when presenting."""
    st.set_page_config(page_title=_("title"))  # the browser tab, in the session's language
    st.html(STYLE["present" if session.page()["present"] else "page"])
    page.heading(_("title"), 1)
    if not session.page()["present"]:
        st.caption(_("subtitle"))
    link_problems()
    if notice:
        st.info(page.say(notice))


def link_problems() -> None:
    """What a shared link asked for that could not be used."""
    for problem in st.session_state.get("link_problems", []):
        st.warning(_("link_problem", problem=page.say(problem)))

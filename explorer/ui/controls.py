"""What drives the network: Step, Undo, Run n, Play and Reset; the numbers row; the step the views show.
"""

from __future__ import annotations

import html

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from explorer import i18n
from explorer.model import limits
from explorer.model.training import Snapshot, Trainer
from explorer.ui import page, session

_ = page.label
PER_FRAME = (1, 10, 100, 1000)  # Play's steps per frame, within limits.MAX_PLAY_SECONDS of work


def _play_refused(t: Trainer) -> bool:
    """Whether Play must not step this network; the reason is kept to show."""
    refused = session.play_refusal(t)
    if refused:
        st.session_state["play_refused"] = refused
    return refused is not None


def _reset(t: Trainer) -> None:
    session.claim()
    t.reset()
    for stale in ("diverged", "before_load"):
        st.session_state.pop(stale, None)
    st.session_state["playing"] = False


def _undo(t: Trainer) -> None:
    # A click drawn before the history changed (a Reset in another tab's rerun) finds nothing
    # to take back: then it does nothing, and the page redraws Undo disabled. Past a load's
    # first step, Undo goes back to the run before the load.
    session.claim()
    ss = st.session_state
    if t.can_undo():
        t.undo()
    elif "before_load" in ss:
        session.install(ss.pop("before_load"))
    ss.pop("diverged", None)


def step(t: Trainer) -> None:
    """One Step (a button's callback): a divergence stops Play."""
    if not session.act_in_turn(t.step):
        st.session_state["playing"] = False


def _play(t: Trainer) -> None:
    session.claim()
    ss = st.session_state
    ss["playing"] = not ss.get("playing", False) and not _play_refused(t)


def frame_steps(t: Trainer) -> int:
    """The steps of one frame of Play: the chosen steps per frame, within limits.MAX_PLAY_SECONDS."""
    seconds = limits.update_seconds(t.net.sizes, t.config.batch, len(t.dataset.X_test))
    return max(1, min(st.session_state.get("per_frame", 1), int(limits.MAX_PLAY_SECONDS / seconds)))


def run_controls(t: Trainer, row: DeltaGenerator) -> None:
    """Run n steps, Play/Pause and its steps per frame, Reset: drawn by the whole page's run
    (a Step does not redraw them). Play and Reset act in callbacks, before the page is drawn."""
    ss = st.session_state
    if not session.hidden("run"):
        n = row.number_input(_("n_steps_label"), 1, 10_000, value=50, key="n_steps", label_visibility="collapsed",
                             width=110)
        if row.button(_("run", n=n), key="run"):  # inline, to draw its progress bar
            refused = session.run_steps(t, int(n), place=row)  # above the Step fragment, it would move it
            if "diverged" in ss:  # this run diverged (a run that ran clears it)
                ss["playing"] = False
            if refused:
                st.warning(page.say(refused))
        row.button(_("pause") if ss.get("playing") else _("play"), key="play", on_click=_play, args=(t,))
        lang = ss.get("lang", "en")  # fixed now, as page.options does
        row.selectbox(_("per_frame"), PER_FRAME, key="per_frame", label_visibility="collapsed", width=150,
                      format_func=lambda k: i18n.text("per_frame_n", lang, k=f"{k:d}"), help=_("per_frame_help"))
    row.button(_("reset"), key="reset", help=_("reset_help"), on_click=_reset, args=(t,))
    if "play_refused" in ss:
        st.warning(page.say(ss.pop("play_refused")))


def step_controls(t: Trainer, board: bool) -> None:
    """Step and Undo, redrawn by every Step (Undo is disabled with nothing to take back); and,
    outside the board (`board` False: it steps Play's frames itself), a frame of Play when the
    clock asked for one. They act in callbacks, before the page is drawn."""
    ss = st.session_state
    st.button(_("step"), key="step", type="primary", help=_("step_help"), on_click=step, args=(t,))
    st.button(_("undo"), key="undo", help=_("undo_help"), disabled=not (t.can_undo() or "before_load" in ss),
              on_click=_undo, args=(t,))
    if ss.get("playing") and not any(ss.get(key) for key in ("step", "run", "reset", "play", "undo")):
        if _play_refused(t):  # the network or batch changed while playing
            ss["playing"] = False
        elif not board and not session.play_frame(t, frame_steps(t)):  # a frame of Play: the clock (below the view)
            ss["playing"] = False  # a divergence stops Play
        if not ss["playing"]:  # stopped by itself: the whole page draws Play (not Pause) again
            st.rerun()


def cells(t: Trainer) -> list[tuple[str, str]]:
    """The numbers row: (label, value as shown) for the step and epoch counters, the current
    losses and accuracies."""
    cells = [(_("m_step"), f"{t.steps}"), (_("m_epoch"), f"{t.epoch + (t.position / t.n_train):.2f}")]
    if t.loss_history:
        cells.append((_("m_batch_loss"), f"{t.loss_history[-1]:.4g}"))
    splits = ["train", "test"] if t.has_test else ["train"]
    scores = {split: t.evaluate(split) for split in splits}  # (loss, accuracy), one forward pass each
    kinds = ["loss", "acc"] if t.dataset.task == "classification" else ["loss"]
    for kind in kinds:
        for split in splits:
            label, (measured, rows) = _(f"m_{split}_{kind}"), (len(t.measured[split]), len(t.split(split)[0]))
            if measured < rows:  # a sample of a large split (limits.eval_rows)
                label = _("m_measured", label=label, k=f"{measured:,}", n=f"{rows:,}")
            value = scores[split][0 if kind == "loss" else 1]
            cells.append((label, f"{value:.4g}" if kind == "loss" else f"{value:.1%}"))
        if kind == "loss" and t.config.penalty.active:  # the app's addition: the data term and the penalty apart
            penalty = t.config.penalty.value(t.net.W)
            cells += [(_("m_penalty"), f"{penalty:.4g}"), (_("m_objective"), f"{scores['train'][0] + penalty:.4g}")]
    return cells


def shown_numbers(t: Trainer) -> list[tuple[str, str]]:
    """The numbers row as (label, value) pairs (none where the row is hidden): the board's
    frames carry it, so that the row moves with the board, Step by Step and frame by frame."""
    return [] if session.hidden("metrics") else cells(t)


def numbers_row(t: Trainer) -> None:
    """The numbers row, drawn by the whole page's run: over the Network view, the board's frames
    write its values after each Step (a Step then re-sends, and the page redraws, one element less)."""
    if not session.hidden("metrics"):
        st.html(numbers(cells(t)))


def status(t: Trainer, board: bool) -> None:
    """The numbers row (unless the `board` carries it: `numbers_row`), and what stopped
    training if something did."""
    if not board:
        numbers_row(t)
    if "diverged" in st.session_state:
        st.error(page.say(st.session_state["diverged"]))


def numbers(cells: list[tuple[str, str]]) -> str:
    """Labelled numbers in a row, as one element (a description list, styled in page.css):
    as many `st.metric`s cost a Step seven more messages, a tenth of its server time."""
    items = "".join(f"<div><dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd></div>" for label, value in cells)
    return f'<dl class="numbers">{items}</dl>'


def viewed_snapshot(t: Trainer) -> Snapshot:
    """The entry the views show: the latest, unless the History view went back to a step (the
    step's last entry, after its hand edits) or to one of its hand edits (`viewed_edits`,
    `editing.history`); then a line says so, with a way back."""
    ss = st.session_state
    first, latest = t.history[0].step, (t.steps, t.current.edited)
    if ss.get("view_latest") != latest or not first <= ss.get("viewed_step", t.steps) <= t.steps:
        _view_latest(t)  # a new step, edit or undo shows the latest
    try:
        s = t.snapshot(ss["viewed_step"], ss.get("viewed_edits"))
    except KeyError:  # an entry no longer kept
        s = t.current
        _view_latest(t)
    if s is not t.current:
        row = st.container(horizontal=True, vertical_alignment="center")
        row.info(_("viewing_past", s=ss["viewed_step"], n=t.steps))
        row.button(_("view_back", n=t.steps), key="view_back", on_click=_view_latest, args=(t,))
    return s


def _view_latest(t: Trainer) -> None:
    ss = st.session_state
    ss["viewed_step"], ss["viewed_edits"], ss["view_latest"] = t.steps, None, (t.steps, t.current.edited)

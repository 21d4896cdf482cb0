"""The gradient check view: backprop against finite differences, with bugs to inject.

One click compares a sample of the entries within the time budget (`gradcheck.plan`); the
next click compares entries not compared yet, seeded by the click, and the table says
exactly what has been covered. Only when every entry has been compared does the page say
that backprop's gradients are right.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from explorer.core import Network
from explorer.i18n import Message
from explorer.model import bugs, gradcheck
from explorer.model.gradcheck import smooth_rows
from explorer.model.penalty import Penalty
from explorer.model.training import Snapshot, Trainer
from explorer.notation import number
from explorer.ui import page, quiz_panel, session

_ = page.label
COLOURS = {"good": "#c7e9c0", "doubtful": "#fdd49e", "wrong": "#fcae91", "unresolved": "#d9d9d9"}


def _check(net: Network, X: np.ndarray, Y: np.ndarray, chosen: list[str], earlier: dict | None,
           every: bool, penalty: Penalty) -> dict:
    """One click's check of `chosen` bugs on (X, Y), merged with the `earlier` clicks' result
    of the same step and bugs: what the page shows of it (words as Messages, said in the
    language of the moment they are shown). With a penalty, of the whole gradient."""
    rows = smooth_rows(net, X)
    X, Y = X[rows], Y[rows]
    if not len(X):
        return {"error": Message("gc_all_kinks"), "kinks": int((~rows).sum())}
    cost = gradcheck.plan(net.sizes, len(X))
    result = {"kinks": int((~rows).sum()), "rows": cost.rows, "of": len(X), "clicks": 1}
    X, Y = X[:cost.rows], Y[:cost.rows]
    result["none"] = [reason for bug in chosen if (reason := bugs.without_effect(net, X, Y, bug))]
    try:
        dW, db = bugs.buggy_gradients(net, X, Y, chosen) if chosen else (None, None)
    except bugs.BugShapeError as error:  # the bug crashes (15), as it would in hand-written code
        result["error"] = error
        return result
    done = earlier["checks"] if earlier and "checks" in earlier else []
    clicks = earlier["clicks"] + 1 if done else 1
    entries = max(W.size + b.size for W, b in zip(net.W, net.b)) if every else gradcheck.MAX_ENTRIES
    checks = gradcheck.gradient_check(net, X, Y, dW=dW, db=db, seed=clicks, done=done, max_entries=entries,
                                       penalty=penalty)
    result |= {"checks": gradcheck.merge(done, checks) if done else checks, "clicks": clicks,
               "per_click": gradcheck.plan(net.sizes, cost.rows).entries,
               "largest_W": max(float(np.abs(W).max()) for W in net.W)}
    return result


def _layers(checks: list[gradcheck.LayerCheck], verdict: str, reasons: tuple[str, ...] = ()) -> str:
    return ", ".join(str(c.layer) for c in checks if c.verdict == verdict and (not reasons or c.reason in reasons))


def gradcheck_view(t: Trainer, s: Snapshot) -> None:
    ss = st.session_state
    st.caption(_("gc_intro", eps=f"{gradcheck.EPS:g}", good=f"{gradcheck.GOOD:g}", wrong=f"{gradcheck.WRONG:g}"))
    penalty = s.penalty if s.g is not None else t.config.penalty  # the step's, or the next one's
    if penalty.active:
        st.caption(_("gc_penalty", lam=f"{penalty.lam:g}", kind=_(f"reg_{penalty.kind}")))
    st.markdown(_("gc_bugs"))
    chosen = [name for name in bugs.BUGS if st.toggle(_(f"bug_{name}"), key=f"bug_{name}")]
    if s.batch is None and quiz_panel.answer_open(t):  # before the first step it checks the next one's batch
        st.info(_("quiz_hidden"))
        return
    batch = s.batch if s.batch is not None else t.next_batch()
    kept = ss.get("gradcheck_result")
    if kept is not None and kept[:2] != ((s.step, s.edited, s.edit), tuple(chosen)):  # the entry: a step or hand edit
        kept = None
    result = kept[2] if kept else None
    checks = result.get("checks") if result else None
    complete = bool(checks) and all(c.complete for c in checks)
    # The weights the step used, whose gradients s.g are (the current ones before any step).
    net = t.net.with_parameters(s.W_before or s.W, s.b_before or s.b)
    every = gradcheck.fits_all(net.sizes, len(batch.X))
    row = st.container(horizontal=True)
    clicked = row.button(_("gc_more") if checks else _("gc_run"), key="gradcheck", type="primary",
                         disabled=complete, help=_("gc_more_help") if checks else None)
    clicked_all = every and not complete and row.button(_("gc_all"), key="gradcheck_all", help=_("gc_all_help"))
    if clicked or clicked_all:
        result = _check(net, batch.X, batch.Y, chosen, result, bool(clicked_all), penalty)
        ss["gradcheck_result"] = ((s.step, s.edited, s.edit), tuple(chosen), result)
        st.rerun()  # the buttons then say what the next click does
    if result is not None:
        _show(result)


def _show(result: dict) -> None:
    if result["kinks"]:
        st.caption(_("gc_kinks", n=result["kinks"]))
    if result.get("rows", 0) < result.get("of", 0):
        st.caption(_("gc_rows", rows=result["rows"], of=result["of"]))
    for reason in result.get("none", []):
        st.info(page.say(reason))
    if "error" in result:
        st.error(page.say(result["error"]))
        return
    checks = result["checks"]
    verdicts = {c.verdict: _(f"gc_v_{c.verdict}") for c in checks}
    table = pd.DataFrame({
        _("gc_h_layer"): [c.layer for c in checks],
        _("gc_h_worst"): [c.worst.named(session.notation()) for c in checks],
        _("gc_h_backprop"): [number(c.worst.analytic, ".6g") for c in checks],
        _("gc_h_numeric"): [number(c.worst.numeric, ".6g") for c in checks],
        _("gc_h_error"): [number(c.error, ".2e") for c in checks],
        _("gc_h_summary"): [number(c.summary, ".2e") for c in checks],
        _("gc_h_checked"): [page.say(gradcheck.coverage(c)) for c in checks],
        _("gc_h_verdict"): [verdicts[c.verdict] for c in checks],
    })
    by_label = {label: verdict for verdict, label in verdicts.items()}
    st.dataframe(table.style.map(lambda v: f"background-color: {COLOURS[by_label[v]]}", subset=[_("gc_h_verdict")]),
                 hide_index=True)
    wrong = [c for c in checks if c.verdict == "wrong"]
    if wrong:
        worst = max(wrong, key=lambda c: c.error)
        st.error(_("gc_caught", layers=_layers(checks, "wrong"), entry=worst.worst.named(session.notation()),
                   a=number(worst.worst.analytic, ".6g"), n=number(worst.worst.numeric, ".6g"),
                   error=number(worst.error, ".2e")))
    small = [c for c in checks if c.verdict == "unresolved" and c.reason == "small"]
    if small:
        st.warning(_("gc_vanishing", layers=_layers(checks, "unresolved", ("small",)), eps=f"{gradcheck.EPS:g}",
                     size=number(max(c.largest for c in small), ".2g"), noise=number(small[0].noise, ".2g")))
    if any(c.verdict == "unresolved" and c.reason != "small" for c in checks):
        st.warning(_("gc_unresolved", layers=_layers(checks, "unresolved", ("large", "rough")),
                     w=number(result["largest_W"], ".3g")))
    if any(c.verdict == "doubtful" for c in checks):
        st.warning(_("gc_doubtful", layers=_layers(checks, "doubtful"), good=f"{gradcheck.GOOD:g}",
                     wrong=f"{gradcheck.WRONG:g}"))
    if all(c.verdict == "good" for c in checks):
        if all(c.complete for c in checks):
            st.success(_("gc_ok_all", n=sum(c.total for c in checks)))
        else:
            st.success(_("gc_ok_sample", coverage="; ".join(page.say(gradcheck.coverage(c)) for c in checks)))
    if not all(c.complete for c in checks):
        clicks = max(math.ceil((m.size - len(m.flat)) / result["per_click"]) for c in checks for m in c.measured)
        st.caption(_("gc_clicks_left", n=clicks))

"""The teaching views: live equations, one update phase by phase, the gradient check
with injected bugs, the history of a run, what to save and load, and the predict-then-step
panel.

Each view is a function of the session's `Trainer` and the `Snapshot` being looked at;
the numbers come from `explorer.teaching.teach`, `explorer.model.gradcheck` and `explorer.model.bugs`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st

from explorer.core import Network
from explorer.figures import diagram, plots
from explorer.i18n import Message, code
from explorer.model import bugs, gradcheck, limits
from explorer.model.gradcheck import smooth_rows
from explorer.model.training import Snapshot, Trainer
from explorer.teaching import chain, export, quiz, teach
from explorer.ui import controls, links, page, session

_ = page.label
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _lang() -> str:
    return st.session_state.get("lang", "en")


def _show(equation: teach.Equation) -> None:
    st.markdown(f"**{equation.number}**" if equation.number else "")
    st.latex(equation.symbolic)
    st.latex(equation.numeric)
    for text in (equation.origin, equation.note):
        if text:
            st.caption(text)


def _matrix_figure(M: np.ndarray, name: str):
    return plots.figure([plots.heatmap(M, name)], {
        "height": int(min(360, max(120, 24 * M.shape[0] + 60))), "margin": {"l": 40, "r": 10, "t": 30, "b": 30},
        "title": {"text": name, "font": {"size": 14}}, "yaxis": {"autorange": "reversed", "dtick": 1},
        "xaxis": {"dtick": 1}, "font": plots.FONT,
    })


def _rows(size: int) -> int:
    """The "first k samples" control of the Equations and Phase by phase views (one setting
    for both): how many samples of a batch of `size` the per-sample matrices write out, at
    most teach.WRITE_OUT so that a written matrix stays small on a projector."""
    k = int(st.number_input(_("eq_rows"), 1, teach.WRITE_OUT, help=_("eq_rows_help"),
                            **page.kept("eq_rows", teach.WRITE_OUT)))
    if size > k:
        st.caption(_("eq_rows_shown", k=k, B=size, rest=size - k))
    return k


# -- equations with live numbers ------------------------------------------------------------


def equations_view(t: Trainer, s: Snapshot) -> None:
    s = t.complete(s)  # (15) at layer 1 writes out δ^1
    if s.g is None:
        st.info(_("light_snapshot", s=s.step) if s.light else _("eq_none"))
        return
    layers = len(s.W)
    left, right = st.columns(2)
    l = left.selectbox(_("eq_layer"), range(1, layers + 1), index=layers - 1, key="eq_layer",
                       format_func=lambda l: f"l = {l}: W^{l} {s.W[l - 1].shape[0]}×{s.W[l - 1].shape[1]}")
    with right:
        rows = _rows(len(s.batch.rows))
    st.caption(_("eq_intro", l=l, k=teach.WRITE_OUT))
    lang, net, g = _lang(), t.network_at(s), s.g
    with st.expander(_("d_framing_title")):
        st.markdown(teach.framing(lang))
    st.button(_("d_doc_open"), key="open_derivation", type="tertiary", icon=":material/menu_book:",
              on_click=_open_derivation)
    for equation in teach.layer_equations(net, s, l, lang, rows):
        _show(equation)

    st.subheader(_("cell"))
    m, n = s.W[l - 1].shape
    left, middle, right = st.columns(3)
    i = int(left.number_input(_("d_cell_i"), 1, m, key="cell_i"))
    j = int(middle.number_input(_("d_cell_j"), 1, n, key="cell_j"))
    r = int(right.number_input(_("d_cell_r"), 1, len(s.batch.rows), key="cell_r"))
    terms = teach.cell_terms(g, l, i, j, lang)
    products = terms[_("d_product")]
    st.markdown(_("cell_text", l=l, l1=l + 1, i=i, j=j))
    st.caption(_("d_cell_table", l=l))
    st.dataframe(pd.DataFrame(terms), hide_index=True, height=min(400, 36 * (len(products) + 1) + 4))
    st.markdown(_("cell_sum", mean=float(products.mean()), value=float(g.dW[l - 1][i - 1, j - 1]), l=l, i=i, j=j))
    st.markdown(f"**{_('d_entry_title')}**")
    for equation in chain.entry_chain(net, g, s.W_before, s.b_before, l, i, j, r, s.batch.Y, lang):
        _show(equation)

    st.subheader(_("d_16_title"))
    for equation in chain.unrolled(net, g, s.W_before, l, lang, rows):
        _show(equation)
    st.subheader(_("d_24_title"))
    if t.dataset.task != "classification":
        st.info(_("d_24_regression"))
    else:  # one-hot targets for either loss: the softmax of this step's y against them
        for equation in chain.softmax_chain(g.z[-1], s.batch.Y, r, lang, net.loss):
            _show(equation)

    st.subheader(_("compare"))
    if t.dataset.task != "classification":
        st.info(_("compare_regression"))
        return
    st.caption(_("compare_text"))
    _y, (mse_loss, mse_delta), (ce_loss, ce_delta) = teach.output_deltas(
        net, s.W_before, s.b_before, s.batch.X, s.batch.Y)
    n_layers = len(s.W) + 1
    left, right = st.columns(2)
    with left:
        st.latex(rf"(21)\;\; \delta^{{{n_layers}}} = y - y^* \qquad L_{{(19)}} = {teach.number(mse_loss)}")
        page.chart(_matrix_figure(mse_delta, _("p_compare_mse", n=n_layers)), "compare_mse")
    with right:
        st.latex(rf"(25)\;\; \delta^{{{n_layers}}} = a - y^* \qquad L_{{(23)}} = {teach.number(ce_loss)}")
        page.chart(_matrix_figure(ce_delta, _("p_compare_ce", n=n_layers)), "compare_ce")


def _open_derivation() -> None:
    st.session_state["view"] = "derivation"


# -- the derivation in words ------------------------------------------------------------------


@cache
def _document(name: str) -> str | None:
    """A derivation document shipped in docs/ (read once per process: a few KB)."""
    try:
        return (DOCS / name).read_text(encoding="utf-8")
    except OSError:
        return None


def derivation_view(t: Trainer, s: Snapshot) -> None:
    """The derivation in words (docs/derivation.md, or its 中文 version), with its LaTeX."""
    text = _document("derivation.zh.md" if _lang() == "zh" else "derivation.md")
    if text is None:
        st.error(_("d_doc_missing"))
        return
    st.markdown(text)


# -- one update, phase by phase ---------------------------------------------------------------


def _next_phase(t: Trainer, last: int) -> None:
    """Advance one phase; past the last one, take the real step (a button callback, so the
    page then draws the new state)."""
    ss = st.session_state
    if ss["phase"] < last:
        ss["phase"] += 1
        return
    controls.step(t)
    ss["phase"], ss["phase_of"] = 0, t.steps


def phases_view(t: Trainer, s: Snapshot) -> None:
    ss = st.session_state
    st.caption(_("phase_intro"))
    if s is not t.current:  # the line above the views says which step is shown, with a way back
        st.info(_("phase_latest"))
        return
    if ss.get("phase_of") != t.steps:  # a step taken elsewhere starts the phases again
        ss["phase"], ss["phase_of"] = 0, t.steps
    batch = t.next_batch()
    g = t.net.gradients(batch.X, batch.Y)  # exactly what the step will compute
    rows = _rows(len(batch.rows))
    all_phases = teach.phases(t.net, g, batch.Y, t.config.lr, _lang(), rows)
    last, current = len(all_phases) - 1, ss["phase"]
    left, right = st.columns(2)
    left.button(_("phase_finish") if current == last else _("phase_next"), key="phase_next", type="primary",
                on_click=_next_phase, args=(t, last))
    if right.button(_("phase_restart"), key="phase_restart"):
        ss["phase"] = current = 0
    # Material icons ship with Streamlit: no emoji font needed on the projector's machine.
    marks = (":material/check_circle:", ":material/arrow_forward:", ":material/radio_button_unchecked:")
    st.markdown("  \n".join(
        f"{marks[0] if k < current else marks[1] if k == current else marks[2]} "
        + (f"**{p.title}**" if k == current else p.title)
        for k, p in enumerate(all_phases)
    ))
    phase = all_phases[current]
    if not session.hidden("diagram"):  # the diagram follows the phases: forward, then δ backwards
        page.chart(diagram.phase_figure(t.net.W, t.net.b, g, t.config.lr, current, phase.layer,
                                        phase.equation.number, label=_), "phase_diagram")
    _show(phase.equation)
    columns = st.columns(max(1, min(3, len(phase.shows))))
    for k, (name, M) in enumerate(phase.shows.items()):
        with columns[k % len(columns)]:
            page.chart(_matrix_figure(M, name), f"phase_{k}")


# -- gradient check, with bugs to catch ----------------------------------------------------------


def _check(net: Network, X: np.ndarray, Y: np.ndarray, chosen: list[str]) -> dict:
    """Run the check of `chosen` bugs on (X, Y); what the page shows of it (words as Messages,
    said in the language of the moment they are shown)."""
    rows = smooth_rows(net, X)
    X, Y = X[rows], Y[rows]
    if not len(X):
        return {"error": Message("gc_all_kinks"), "kinks": int((~rows).sum())}
    cost = gradcheck.plan(net.sizes, len(X))
    result = {"kinks": int((~rows).sum()), "rows": cost.rows, "of": len(X)}
    X, Y = X[:cost.rows], Y[:cost.rows]
    result["none"] = [reason for bug in chosen if (reason := bugs.without_effect(net, X, Y, bug))]
    try:
        dW, db = bugs.buggy_gradients(net, X, Y, chosen) if chosen else (None, None)
    except bugs.BugShapeError as error:  # the bug crashes (15), as it would in hand-written code
        result["error"] = error
        return result
    result["checks"] = gradcheck.gradient_check(net, X, Y, dW=dW, db=db)
    result["largest_W"] = max(float(np.abs(W).max()) for W in net.W)
    return result


def _layers(checks: list[gradcheck.LayerCheck], verdict: str) -> str:
    return ", ".join(str(c.layer) for c in checks if c.verdict == verdict)


def gradcheck_view(t: Trainer, s: Snapshot) -> None:
    ss = st.session_state
    st.caption(_("gc_intro", eps=f"{gradcheck.EPS:g}", good=f"{gradcheck.GOOD:g}", wrong=f"{gradcheck.WRONG:g}"))
    st.markdown(_("gc_bugs"))
    chosen = [name for name in bugs.BUGS if st.toggle(_(f"bug_{name}"), key=f"bug_{name}")]
    batch = s.batch if s.batch is not None else t.next_batch()
    if st.button(_("gc_run"), key="gradcheck", type="primary"):
        # The weights the step used, whose gradients s.g are (the current ones before any step).
        net = t.net.with_parameters(s.W_before or s.W, s.b_before or s.b)
        ss["gradcheck_result"] = (s.step, tuple(chosen), _check(net, batch.X, batch.Y, chosen))
    kept = ss.get("gradcheck_result")
    if kept is None or kept[:2] != (s.step, tuple(chosen)):
        return
    result = kept[2]
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
    colours = {"good": "#c7e9c0", "doubtful": "#fdd49e", "wrong": "#fcae91", "unresolved": "#d9d9d9"}
    verdicts = {c.verdict: _(f"gc_v_{c.verdict}") for c in checks}
    table = pd.DataFrame({
        _("gc_h_layer"): [c.layer for c in checks],
        _("gc_h_worst"): [c.worst.name for c in checks],
        _("gc_h_backprop"): [f"{c.worst.analytic:.6g}" for c in checks],
        _("gc_h_numeric"): [f"{c.worst.numeric:.6g}" for c in checks],
        _("gc_h_error"): [f"{c.error:.2e}" for c in checks],
        _("gc_h_summary"): [f"{c.summary:.2e}" for c in checks],
        _("gc_h_checked"): [_("gc_of", n=c.checked, total=c.total) for c in checks],
        _("gc_h_verdict"): [verdicts[c.verdict] for c in checks],
    })
    by_label = {label: verdict for verdict, label in verdicts.items()}
    st.dataframe(table.style.map(lambda v: f"background-color: {colours[by_label[v]]}", subset=[_("gc_h_verdict")]),
                 hide_index=True)
    wrong = [c for c in checks if c.verdict == "wrong"]
    if wrong:
        worst = max(wrong, key=lambda c: c.error)
        st.error(_("gc_caught", layers=_layers(checks, "wrong"), entry=worst.worst.name,
                   a=f"{worst.worst.analytic:.6g}", n=f"{worst.worst.numeric:.6g}", error=f"{worst.error:.2e}"))
    if any(c.verdict == "unresolved" for c in checks):
        st.warning(_("gc_unresolved", layers=_layers(checks, "unresolved"), w=f"{result['largest_W']:.3g}"))
    if any(c.verdict == "doubtful" for c in checks):
        st.warning(_("gc_doubtful", layers=_layers(checks, "doubtful")))
    if all(c.verdict == "good" for c in checks):
        st.success(_("gc_ok"))


# -- history -------------------------------------------------------------------------------


def history_view(t: Trainer, s: Snapshot) -> None:
    ss = st.session_state
    if len(t.history) >= 2:  # look back: every view then shows the step chosen here (controls.viewed_snapshot)
        ss["view_step"] = ss["viewed_step"]
        st.slider(_("viewing"), t.history[0].step, t.steps, key="view_step",
                  on_change=lambda: ss.__setitem__("viewed_step", ss["view_step"]))
    st.caption(_("history_intro", kept=len(t.history) - 1, most=limits.MAX_SNAPSHOTS,
                 mb=limits.HISTORY_BYTES // 2**20))
    if t.norm_history:
        keep = limits.thin(len(t.curve_steps), limits.DRAW_POINTS, limits.DRAW_RECENT)
        norms = np.array([t.norm_history[k] for k in keep])
        page.chart(plots.norms_figure(norms, [t.curve_steps[k] for k in keep], label=_), "norms")
    st.subheader(_("share"))
    st.markdown(_("share_text", s=s.step))
    if t.config.dataset == links.CSV:
        st.caption(_("csv_link"))
    query = links.to_query(t.config) | {"step": str(s.step)}
    st.code(f"{_page_url()}?{urlencode(query)}", language=None)


def _page_url() -> str:
    url = st.context.url or ""
    return url.split("?")[0]


# -- save and load ---------------------------------------------------------------------------


def export_view(t: Trainer, s: Snapshot) -> None:
    s = t.complete(s)  # the handout writes out δ^1
    net = t.network_at(s)
    st.download_button(_("export_weights"), export.weights_npz(net, s.step), file_name=f"weights-step{s.step}.npz",
                       mime="application/octet-stream", key="download_weights")
    st.download_button(_("export_loss"), export.loss_csv(t.loss_history, t.test_loss_history, t.curve_steps),
                       file_name="loss-history.csv", mime="text/csv", key="download_loss")
    if len(t.curve_steps) < t.steps:  # thinned: say which steps the file holds
        st.caption(_("export_loss_thinned", n=f"{len(t.curve_steps):,}", steps=f"{t.steps:,}",
                     exact=f"{t.curve_steps[-limits.RECENT_POINTS]:,}"))
    if s.g is not None:
        st.download_button(_("export_handout"), export.handout(net, s, t.config.dataset, _lang()),
                           file_name=f"step{s.step}.md", mime="text/markdown", key="download_handout")
        if export.cut(net, len(s.g.z[0])):
            st.caption(_("export_handout_big", k=teach.WRITE_OUT))
    upload = st.file_uploader(_("import_weights"), type="npz", key="upload_weights",
                              max_upload_size=export.MAX_WEIGHTS_MB)
    if upload is not None and st.session_state.get("loaded_weights") != upload.file_id:
        st.session_state["loaded_weights"] = upload.file_id
        name = code(upload.name)
        try:
            W, b = export.load_weights_npz(upload.getvalue(), t.net)
        except export.WeightsError as error:
            st.session_state["weights_message"] = ("error", Message("import_bad", name=name, reason=error))
        else:
            t.reset(W, b)
            session.install(t)  # what belonged to the old weights (a divergence, locked colours) goes
            st.session_state["weights_message"] = ("success", Message("import_ok", name=name))
            st.rerun()  # the whole page, so the header and Undo show the loaded weights at once
    kind, message = st.session_state.get("weights_message", (None, None))
    if kind:
        getattr(st, kind)(page.say(message))


# -- predict, then step ------------------------------------------------------------------------


def _say_answer(question: quiz.Question, value: object) -> str:
    """A prediction or an outcome in words: a sign, a cell of W^l, a set of cells, down or not."""
    if question.kind == "loss_down":
        return _(f"quiz_a_{value}")
    if question.kind == "largest_change":
        return f"W^{question.layer}[{value[0]}, {value[1]}]"
    if question.kind == "zero_cells":
        return ", ".join(f"[{i}, {j}]" for i, j in sorted(value)) or _("quiz_a_none")
    return str(value)


def _score(t: Trainer) -> None:
    """Score a committed prediction once its step has been taken, against what the step did."""
    ss = st.session_state
    committed = ss.get("quiz_prediction")
    if committed is None or t.steps == committed["question"].step:
        return
    del ss["quiz_prediction"]
    question = committed["question"]
    try:
        s = t.snapshot(question.step + 1)
    except KeyError:  # undone, reset, or no longer kept: there is nothing to check against
        return
    after = t.net.with_parameters(s.W, s.b)
    actual = quiz.outcome(question, s, after)
    right = committed["answer"] == actual
    ss["quiz_score"] = (ss["quiz_score"][0] + right, ss["quiz_score"][1] + 1)
    ss["quiz_last"] = {"question": question, "predicted": committed["answer"], "actual": actual, "right": right,
                       "facts": quiz.facts(question, s, after)}


def _question(t: Trainer, kind: str) -> quiz.Question:
    """The question of `kind` for the next step, made once per network state (it runs backprop)."""
    ss = st.session_state
    key = (t.steps, kind, id(t.net.W[0]), t.config.lr, t.config.batch, t.config.seed)
    kept = ss.get("quiz_question")
    if kept is None or kept[0] != key:
        kept = (key, quiz.ask(kind, t.net, t.next_batch(), t.config.lr, t.steps, t.config.seed))
        ss["quiz_question"] = kept
    return kept[1]


def quiz_panel(t: Trainer) -> None:
    """Predict, then step: commit a prediction about the next Step, then see it checked."""
    ss = st.session_state
    ss.setdefault("quiz_score", (0, 0))
    _score(t)
    right, asked = ss["quiz_score"]
    with st.container(border=True):
        st.markdown(f"**{_('quiz_title')}** · {_('quiz_score', right=right, asked=asked)}")
        last = ss.get("quiz_last")
        if last is not None:
            said = {"predicted": _say_answer(last["question"], last["predicted"]),
                    "actual": _say_answer(last["question"], last["actual"])}
            (st.success if last["right"] else st.error)(_("quiz_right" if last["right"] else "quiz_wrong", **said))
            st.caption(page.say(last["facts"]))
        committed = ss.get("quiz_prediction")
        if committed is not None:
            question = committed["question"]
            st.markdown(page.say(question.prompt))
            st.info(_("quiz_committed", answer=_say_answer(question, committed["answer"])))
            return
        available = quiz.kinds(t.net)
        if ss.get("quiz_kind") not in available:
            ss["quiz_kind"] = available[0]
        kind = st.selectbox(_("quiz_kind"), available, key="quiz_kind", format_func=page.options("quiz_k_"))
        question = _question(t, kind)
        st.markdown(page.say(question.prompt))
        widget = f"quiz_answer_{t.steps}_{kind}"
        if kind == "zero_cells":
            labels = {cell: _say_answer(question, {cell}) for cell in question.choices}
            answer = frozenset(st.multiselect(_("quiz_cells"), question.choices, key=widget, format_func=labels.get))
        else:
            labels = {value: _say_answer(question, value) for value in question.choices}
            answer = st.radio(_("quiz_answer"), question.choices, key=widget, horizontal=True, index=None,
                              format_func=labels.get)
        st.button(_("quiz_commit"), key="quiz_commit", disabled=answer is None, on_click=_commit,
                  args=(question, answer))


def _commit(question: quiz.Question, answer: object) -> None:
    """Lock the prediction in (a button callback, so the page then draws it committed)."""
    st.session_state["quiz_prediction"] = {"question": question, "answer": answer}

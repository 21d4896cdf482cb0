"""The teaching views: live equations, the derivation in words, one update phase by phase,
the history of a run, what to save and load (the gradient check is `checking`, the
predict-then-step panel `quiz_panel`).

Each view is a function of the session's `Trainer` and the `Snapshot` being looked at;
the numbers come from `explorer.teaching`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st

from explorer.figures import diagram, plots
from explorer.i18n import Message, code
from explorer.model import limits
from explorer.model.training import Snapshot, Trainer
from explorer.notation import sup
from explorer.teaching import chain, export, teach
from explorer.ui import controls, editing, links, page, quiz_panel, session

_ = page.label
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _lang() -> str:
    return st.session_state.get("lang", "en")


def show(equation: teach.Equation) -> None:
    """One formula: its number, symbolic and with the step's numbers, where it comes from, why."""
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
    k = int(st.number_input(_("eq_rows"), 1, teach.WRITE_OUT, help=page.noted("eq_rows_help"),
                            **page.kept("eq_rows", teach.WRITE_OUT)))
    if size > k:
        st.caption(_("eq_rows_shown", k=k, B=size, rest=size - k))
    return k


# -- equations with live numbers ------------------------------------------------------------


def equations_view(t: Trainer, s: Snapshot) -> None:
    s = editing.taken(t, s)  # a hand edit is no step: the last step taken
    s = s and t.complete(s)  # (15) at layer 1 writes out δ^1
    if s is None or s.g is None:
        st.info(_("light_snapshot", s=s.step) if s and s.light else _("eq_none"))
        return
    layers, nt = len(s.W), session.notation()
    left, right = st.columns(2)
    if st.session_state.get("eq_layer") not in range(1, layers + 1):  # the output layer first (the board sets it too)
        st.session_state["eq_layer"] = layers
    shapes = [nt.shown(W).shape for W in s.W]
    l = left.selectbox(_("eq_layer"), range(1, layers + 1), key="eq_layer",
                       format_func=lambda l: f"l = {l}: W{sup(l)} {shapes[l - 1][0]}×{shapes[l - 1][1]}")
    with right:
        rows = _rows(len(s.batch.rows))
    st.caption(page.noted("eq_intro", l=l, k=teach.WRITE_OUT))
    lang, net, g = _lang(), t.network_at(s), s.g
    with st.expander(_("d_framing_title")):
        st.markdown(teach.framing(lang, nt))
    st.button(_("d_doc_open"), key="open_derivation", type="tertiary", icon=":material/menu_book:",
              on_click=_open_derivation)
    for equation in teach.layer_equations(net, s, l, lang, rows, nt):
        show(equation)

    page.heading(_("cell"), 3)
    m, n = s.W[l - 1].shape
    left, middle, right = st.columns(3)
    i = int(left.number_input(page.noted("d_cell_i"), 1, m, key="cell_i"))
    j = int(middle.number_input(page.noted("d_cell_j"), 1, n, key="cell_j"))
    r = int(right.number_input(_("d_cell_r"), 1, len(s.batch.rows), key="cell_r"))
    terms = teach.cell_terms(g, l, i, j, lang, nt)
    products = terms[_("d_product")]
    st.markdown(page.noted("cell_text", l=l, l1=l + 1, i=i, j=j))
    st.caption(page.noted("d_cell_table", l=l))
    st.dataframe(pd.DataFrame(terms), hide_index=True, height=min(400, 36 * (len(products) + 1) + 4))
    st.markdown(_("cell_sum", mean=float(products.mean()), value=float(g.dW[l - 1][i - 1, j - 1]), l=l,
                  entry=nt.entry("∂L/∂W", l, i, j)))
    st.markdown(f"**{_('d_entry_title')}**")
    for equation in chain.entry_chain(net, g, s.W_before, s.b_before, l, i, j, r, s.batch.Y, lang, nt):
        show(equation)

    page.heading(_("d_16_title"), 3)
    for equation in chain.unrolled(net, g, s.W_before, l, lang, rows, nt):
        show(equation)
    page.heading(_("d_24_title"), 3)
    if t.dataset.task != "classification":
        st.info(_("d_24_regression"))
    else:  # one-hot targets for either loss: the softmax of this step's y against them
        for equation in chain.softmax_chain(g.z[-1], s.batch.Y, r, lang, net.loss, nt):
            show(equation)

    page.heading(_("compare"), 3)
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
        page.chart(_matrix_figure(nt.shown(mse_delta), _("p_compare_mse", n=n_layers)), "compare_mse")
    with right:
        st.latex(rf"(25)\;\; \delta^{{{n_layers}}} = a - y^* \qquad L_{{(23)}} = {teach.number(ce_loss)}")
        page.chart(_matrix_figure(nt.shown(ce_delta), _("p_compare_ce", n=n_layers)), "compare_ce")


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
    if session.notation().column:  # the document writes rows: its formulas in columns first
        st.info(_("d_doc_column"))
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
    if quiz_panel.answer_open(t):  # these are the numbers of the step being predicted
        st.info(_("quiz_hidden"))
        return
    if ss.get("phase_of") != t.steps:  # a step taken elsewhere starts the phases again
        ss["phase"], ss["phase_of"] = 0, t.steps
    batch = t.next_batch()
    g = t.net.gradients(batch.X, batch.Y)  # exactly what the step will compute
    rows = _rows(len(batch.rows))
    nt = session.notation()
    all_phases = teach.phases(t.net, g, batch.Y, t.config.lr, _lang(), rows, t.config.penalty, nt)
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
        stepped = t.config.penalty.whole(g.dW, t.net.W)  # what (17) steps along
        fig = diagram.phase_figure(t.net.W, t.net.b, g, stepped, t.config.lr, current, phase.layer,
                                   phase.equation.number, label=_, nt=nt)
        diagram.name_inputs(fig, t.net.sizes, t.input_names)
        page.chart(fig, "phase_diagram")
    show(phase.equation)
    columns = st.columns(max(1, min(3, len(phase.shows))))
    for k, (name, M) in enumerate(phase.shows.items()):
        with columns[k % len(columns)]:
            page.chart(_matrix_figure(nt.shown(M), name), f"phase_{k}")


# -- history -------------------------------------------------------------------------------


def history_view(t: Trainer, s: Snapshot) -> None:
    ss = st.session_state
    # Look back: every view then shows the step chosen here (controls.viewed_snapshot). Not when
    # all the history keeps is one step's entries (its hand edits): editing.history picks among them.
    if t.history[0].step < t.steps:
        ss["view_step"] = ss["viewed_step"]
        st.slider(_("viewing"), t.history[0].step, t.steps, key="view_step",
                  on_change=lambda: ss.update(viewed_step=ss["view_step"], viewed_edits=None))
    editing.history(t, s)
    st.caption(_("history_intro", kept=len(t.history) - 1, most=limits.MAX_SNAPSHOTS,
                 mb=limits.HISTORY_BYTES // 2**20))
    if t.norm_history:
        keep = limits.thin(len(t.curve_steps), limits.DRAW_POINTS, limits.DRAW_RECENT)
        norms = np.array([t.norm_history[k] for k in keep])
        page.chart(plots.norms_figure(norms, [t.curve_steps[k] for k in keep], label=_), "norms")
    page.heading(_("share"), 3)
    st.markdown(_("share_text", s=s.step))
    editing.share_note(s)
    if t.config.dataset == links.CSV:
        st.caption(_("csv_link"))
    query = links.to_query(t.config) | links.page_query(session.page()) | {"step": str(s.step)}
    st.code(f"{_page_url()}?{urlencode(query)}", language=None)


def _page_url() -> str:
    url = st.context.url or ""
    return url.split("?")[0]


# -- save and load ---------------------------------------------------------------------------


def _about(t: Trainer, link: str) -> list[str]:
    """What a download is: the configuration, the link that reproduces it, the accuracies now."""
    c = t.config
    lines = [_("export_about", dataset=c.dataset, hidden=",".join(map(str, c.hidden)) or "—", f=c.activation,
               loss=c.loss, lr=f"{c.lr:g}", B=c.batch, seed=c.seed), _("export_link", link=link)]
    if t.dataset.task == "classification":
        lines.append(_("export_accuracy", step=t.steps, train=f"{t.accuracy('train'):.4f}",
                       test=f"{t.accuracy('test'):.4f}" if t.has_test else "—"))
    return lines


def _start_test(t: Trainer) -> float | None:
    """The test loss of the run's starting weights, where there is a test set and they are kept."""
    first = t.history[0]
    if not t.has_test or first.step != 0:
        return None
    rows = t.measured["test"]
    return t.net.with_parameters(first.W, first.b).batch_loss(t.X_test[rows], t.Y_test[rows])


def export_view(t: Trainer, s: Snapshot) -> None:
    net = t.network_at(s)
    link = f"{_page_url()}?{urlencode(links.to_query(t.config) | links.page_query(session.page()))}"
    st.download_button(_("export_weights"), export.weights_npz(net, s.step), file_name=f"weights-step{s.step}.npz",
                       mime="application/octet-stream", key="download_weights")
    st.download_button(_("export_loss"), export.loss_csv(t.loss_history, t.test_loss_history, t.curve_steps,
                                                         _about(t, link), _start_test(t)),
                       file_name="loss-history.csv", mime="text/csv", key="download_loss")
    if t.curve_steps and len(t.curve_steps) <= t.curve_steps[-1] - t.curve_steps[0]:  # thinned: which steps it holds
        st.caption(_("export_loss_thinned", n=f"{len(t.curve_steps):,}", steps=f"{t.steps:,}",
                     exact=f"{t.curve_steps[-limits.RECENT_POINTS]:,}"))
    stepped = editing.taken(t, s, note=False)  # the handout writes out the last step taken, not a hand edit
    if stepped is not None and stepped.g is not None:
        s, net = t.complete(stepped), t.network_at(stepped)  # with δ^1
        st.download_button(_("export_handout"), export.handout(net, s, t.config.dataset, _lang(), t.input_names,
                                                               session.notation()),
                           file_name=f"step{s.step}.md", mime="text/markdown", key="download_handout")
        if export.cut(net, len(s.g.z[0])):
            st.caption(_("export_handout_big", k=teach.WRITE_OUT))
    _load(t)


def _load(t: Trainer) -> None:
    """Load weights into a new trainer at the step the file holds; the run before it stays
    one Undo away (`before_load`: one more trainer's history, within its budget)."""
    ss = st.session_state
    upload = st.file_uploader(_("import_weights"), type="npz", key="upload_weights",
                              max_upload_size=export.MAX_WEIGHTS_MB)
    page.uploader_hint(".npz", export.MAX_WEIGHTS_MB)
    if upload is not None and ss.get("loaded_weights") != upload.file_id:
        ss["loaded_weights"] = upload.file_id
        name = code(upload.name)
        try:
            W, b, step = export.load_weights_npz(upload.getvalue(), t.net)
        except export.WeightsError as error:
            ss["weights_message"] = ("error", Message("import_bad", name=name, reason=error))
        else:
            loaded = Trainer(t.config, t.dataset)
            loaded.reset(W, b, step)
            session.install(loaded)  # what belonged to the old weights (a divergence, locked colours) goes
            ss["before_load"] = t
            quiz_panel.forget_state()
            ss["weights_message"] = ("success", Message("import_ok", name=name, step=step))
            st.rerun()  # the whole page, so the header and Undo show the loaded weights at once
    kind, message = ss.get("weights_message", (None, None))
    if kind:
        getattr(st, kind)(page.say(message))

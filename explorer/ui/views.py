"""The page's parts: the sidebar that configures a run, the controls that drive it, and
the views that draw it. Each function lays out one part; numbers come from the
`Trainer`, figures from `explorer.figures.plots`, state from `explorer.ui.session`.
"""

from __future__ import annotations

import bisect
import html
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from explorer import i18n
from explorer.core import ACTIVATIONS, count_parameters
from explorer.figures import diagram, plots
from explorer.model import data, limits
from explorer.model.training import Config, Snapshot, Trainer
from explorer.ui import canvas, lessons, page, session

_ = page.label
PER_FRAME = (1, 10, 100, 1000)  # Play's steps per frame, within limits.MAX_PLAY_SECONDS of work


def _lr_from_preset() -> None:
    st.session_state["cfg_lr_text"] = session.format_lr(st.session_state["cfg_lr_preset"])


def _csv_dataset(test_fraction: float, seed: int) -> data.Dataset | None:
    """The uploaded CSV as a data set, parsed once per (file, target, task, split, seed)."""
    upload = st.file_uploader(_("csv_file"), type="csv", key="csv_file", max_upload_size=data.MAX_CSV_MB)
    if upload is None:
        st.info(_("csv_wait"))
        return None
    try:
        columns = data.csv_columns(upload)
        target = st.selectbox(_("csv_target"), columns, index=len(columns) - 1, key="csv_target")
        task = st.radio(_("csv_task"), ["auto", "classification", "regression"], horizontal=True, key="csv_task",
                        format_func=page.options("task_"))
        key = (upload.file_id, target, task, test_fraction, seed)
        cached = st.session_state.get("csv_dataset")
        if cached is None or cached[0] != key:
            cached = (key, data.from_csv(upload, target, task=task, test_fraction=test_fraction, seed=seed))
            st.session_state["csv_dataset"] = cached
        return cached[1]
    except data.DataError as error:
        st.error(_("csv_bad", error=page.say(error)))
        return None


def sidebar() -> tuple[Config, data.Dataset | None]:
    """The configuration widgets; returns the chosen Config (and an uploaded data set)."""
    ss = st.session_state
    previous: Config = ss["config"]
    if session.hidden("config"):  # a classroom link fixes the configuration
        return previous, None
    with st.sidebar:
        st.segmented_control(_("s_language"), list(i18n.LANGUAGES), key="lang", required=True,
                             format_func=i18n.LANGUAGES.get, label_visibility="collapsed")
        st.header(_("s_data"))
        name = st.selectbox(_("s_dataset"), [*data.DATASETS, session.CSV], format_func=page.options("ds_"),
                            key="cfg_dataset")
        # Always drawn (disabled where it does not apply): a widget left out of a run loses its session.
        st.slider(_("s_noise"), 0.0, 1.0, step=0.05, key="cfg_noise", disabled=name not in data.SYNTHETIC,
                  help=_("s_noise_help"))
        st.slider(_("s_split"), 0.0, session.MAX_TEST_FRACTION, step=0.05, key="cfg_test_fraction",
                  help=_("s_split_help"))
        uploaded = None
        if name == session.CSV:
            uploaded = _csv_dataset(ss["cfg_test_fraction"], ss["cfg_seed"])
            if uploaded is not None or previous.dataset == session.CSV:
                st.caption(_("csv_link"))
            if uploaded is None and previous.dataset == session.CSV:  # keep the CSV already in use
                uploaded = session.trainer().dataset
            elif uploaded is None:  # keep training what is there until a usable file arrives
                name = previous.dataset
        dataset = uploaded or data.load(name, noise=ss["cfg_noise"], test_fraction=ss["cfg_test_fraction"],
                                        seed=ss["cfg_seed"])

        st.header(_("s_network"))
        st.number_input(_("s_hidden"), 0, session.MAX_HIDDEN_LAYERS, key="cfg_n_hidden")
        hidden = []
        for k in range(ss["cfg_n_hidden"]):
            ss.setdefault(f"cfg_hidden_{k}", 8)
            hidden.append(st.number_input(_("s_neurons", layer=k + 2), 1, session.MAX_HIDDEN_SIZE,
                                          key=f"cfg_hidden_{k}"))
        sizes = [dataset.n_inputs, *hidden, dataset.n_outputs]
        st.caption(_("s_sizes", sizes=sizes, count=count_parameters(sizes)))
        st.selectbox(_("s_activation"), list(ACTIVATIONS), key="cfg_activation",
                     format_func=page.options("d_act_"))
        losses = ["cross_entropy", "mse"] if dataset.task == "classification" else ["mse"]
        if ss["cfg_loss"] not in losses:
            ss["cfg_loss"] = losses[0]
        st.selectbox(_("s_loss"), losses, key="cfg_loss", format_func=page.options("loss_"))

        st.header(_("s_training"))
        st.select_slider(_("s_lr_presets"), session.LR_PRESETS, key="cfg_lr_preset",
                         format_func=lambda v: f"{v:g}", on_change=_lr_from_preset)
        lr_text = st.text_input(_("s_lr"), key="cfg_lr_text", help=_("s_lr_help"))
        try:
            lr = session.parse_lr(lr_text)
        except ValueError as error:
            st.error(_("lr_bad", text=i18n.code(lr_text), error=page.say(error), lr=session.format_lr(previous.lr)))
            lr = previous.lr
        n_train = len(dataset.X_train)
        most = min(n_train, limits.max_batch(sizes, len(dataset.X_test)))
        ss["cfg_batch"] = min(ss["cfg_batch"], most)
        st.number_input(_("s_batch", n=most), 1, most, key="cfg_batch")
        if most < n_train:
            st.caption(_("batch_capped", max=most))
        st.number_input(_("s_seed"), 0, session.MAX_SEED, key="cfg_seed",
                        help=_("s_seed_help"))
        st.toggle(_("s_lock"), key="lock_colours",
                  help=_("s_lock_help"))
    config = Config(
        dataset=session.CSV if uploaded is not None else name,
        hidden=tuple(int(size) for size in hidden),
        activation=ss["cfg_activation"],
        loss=ss["cfg_loss"],
        lr=lr,
        batch=int(ss["cfg_batch"]),
        seed=int(ss["cfg_seed"]),
        noise=float(ss["cfg_noise"]),
        test_fraction=float(ss["cfg_test_fraction"]),
    )
    return config, uploaded


def link_problems() -> None:
    """What a shared link asked for that could not be used."""
    for problem in st.session_state.get("link_problems", []):
        st.warning(_("link_problem", problem=page.say(problem)))


# -- driving the network -------------------------------------------------------------------


def _play_refused(t: Trainer) -> bool:
    """Whether Play must not step this network; the reason is kept to show."""
    refused = session.play_refusal(t)
    if refused:
        st.session_state["play_refused"] = refused
    return refused is not None


def _reset(t: Trainer) -> None:
    t.reset()
    st.session_state.pop("diverged", None)
    st.session_state["playing"] = False


def _undo(t: Trainer) -> None:
    # A click drawn before the history changed (a load, a Reset in another tab's rerun) finds
    # nothing to take back: then it does nothing, and the page redraws Undo disabled.
    if t.can_undo():
        t.undo()
        st.session_state.pop("diverged", None)


def _play(t: Trainer) -> None:
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
            refused = session.run_steps(t, int(n))
            if refused:
                st.warning(page.say(refused))
        row.button(_("pause") if ss.get("playing") else _("play"), key="play", on_click=_play, args=(t,))
        lang = ss.get("lang", "en")  # fixed now, as page.options does
        row.selectbox(_("per_frame"), PER_FRAME, key="per_frame", label_visibility="collapsed", width=150,
                      format_func=lambda k: i18n.text("per_frame_n", lang, k=f"{k:d}"), help=_("per_frame_help"))
    row.button(_("reset"), key="reset", help=_("reset_help"), on_click=_reset, args=(t,))
    if "play_refused" in ss:
        st.warning(page.say(ss.pop("play_refused")))


def step_controls(t: Trainer) -> None:
    """Step and Undo, redrawn by every Step (Undo is disabled with nothing to take back); and
    a frame of Play when the clock asked for one. They act in callbacks, before the page is drawn."""
    ss = st.session_state
    st.button(_("step"), key="step", type="primary", help=_("step_help"), on_click=session.act, args=(t.step,))
    st.button(_("undo"), key="undo", help=_("undo_help"), disabled=not t.can_undo(), on_click=_undo, args=(t,))
    if ss.get("playing") and not any(ss.get(key) for key in ("step", "run", "reset", "play", "undo")):
        if _play_refused(t):  # the network or batch changed while playing
            ss["playing"] = False
        else:  # a frame of Play: the clock (below the charts) asked for it
            session.act(t.run, frame_steps(t))
        if not ss["playing"]:  # stopped by itself: the whole page draws Play (not Pause) again
            st.rerun()


def status(t: Trainer) -> None:
    """Step and epoch counters, the current losses and accuracies."""
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
    if not session.hidden("metrics"):
        st.html(numbers(cells))
    if "diverged" in st.session_state:
        st.error(page.say(st.session_state["diverged"]))


def numbers(cells: list[tuple[str, str]]) -> str:
    """Labelled numbers in a row, as one element (a description list, styled in PAGE_CSS):
    as many `st.metric`s cost a Step seven more messages, a tenth of its server time."""
    items = "".join(f"<div><dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd></div>" for label, value in cells)
    return f'<dl class="numbers">{items}</dl>'


def viewed_snapshot(t: Trainer) -> Snapshot:
    """The step the views show: the latest, unless the History view's slider went back
    (`lessons.history_view`); then a line says so, with a way back."""
    ss = st.session_state
    first = t.history[0].step
    if ss.get("view_latest") != t.steps or not first <= ss.get("viewed_step", t.steps) <= t.steps:
        ss["viewed_step"] = ss["view_latest"] = t.steps  # a new step (or undo) shows the latest
    if ss["viewed_step"] != t.steps:
        row = st.container(horizontal=True, vertical_alignment="center")
        row.info(_("viewing_past", s=ss["viewed_step"], n=t.steps))
        row.button(_("view_back", n=t.steps), key="view_back", on_click=ss.__setitem__, args=("viewed_step", t.steps))
    return t.snapshot(ss["viewed_step"])


# -- seeing it -----------------------------------------------------------------------------


# How heatmap colours compare: each matrix on its own scale, or one scale per family (W, δ,
# ∂L/∂W, ΔW) across all layers, where vanishing or exploding gradients show.
SCALES = ("matrix", "family")


def _ranges(s: Snapshot) -> dict[tuple[int, str], float]:
    """Colour half-widths by (layer, panel): per family across layers when asked; fixed from
    now on while "Lock colour scales" is on; else fitted to each matrix (empty, and no
    matrix is gathered: the default costs a Step nothing here)."""
    ss = st.session_state
    mode = ss.get("colour_scale", "matrix")
    if not ss.get("lock_colours"):
        ss["locked_ranges"] = {}
        return plots.family_ranges(_panels(s)) if mode == "family" else {}
    panels = _panels(s)
    current = plots.family_ranges(panels) if mode == "family" else {}
    if ss.get("locked_mode") != mode:
        ss["locked_mode"], ss["locked_ranges"] = mode, {}
    locked = ss.setdefault("locked_ranges", {})
    for key, M in panels.items():
        locked.setdefault(key, current.get(key) or plots.symmetric_range(M))
    return {key: locked[key] for key in panels}


# The optional panels of the network figure: label -> key in `plots.network_figure(show=...)`.
GRADIENT_PANELS = {"∂L/∂W, ∂L/∂b": "dW", "ΔW = −η ∂L/∂W": "update"}
# What the diagram's edges can show, the heatmaps' names for them; what its nodes can show.
EDGE_KINDS = {"W": "W", "dW": "∂L/∂W", "update": "ΔW"}
NODE_KINDS = ("z", "a", "δ")


def _panels(s: Snapshot) -> dict[tuple[int, str], np.ndarray]:
    """Every matrix the network figure and the diagram can colour, by (layer, family)."""
    g, panels = s.g, {}
    for l, W in enumerate(s.W, start=1):
        panels[(l, "W")] = W
        if g is not None:
            panels |= {(l, "delta"): g.delta[l], (l, "dW"): g.dW[l - 1], (l, "update"): -s.lr * g.dW[l - 1]}
    return panels


def picked(s: Snapshot) -> tuple[int, int, int] | None:
    """The weight W^l[i, j] picked to highlight (1-based), or None; always inside the network."""
    ss = st.session_state
    if not ss.get("pick"):
        return None
    l = min(int(ss.get("pick_l", 1)), len(s.W))
    m, n = s.W[l - 1].shape
    return l, min(int(ss.get("pick_i", 1)), m), min(int(ss.get("pick_j", 1)), n)


# -- the Network view: its switches are drawn by the page's run, its charts by a Step's --------


@dataclass
class Slots:
    """Where a Step draws the Network view: containers that the whole page's run lays out
    between the view's switches, and the Step's fragment fills (Streamlit 1.67 lets a
    fragment write into a container made outside it). A Step then re-sends its charts, not
    the switches around them. None: that part is hidden."""

    overview: DeltaGenerator | None
    diagram: DeltaGenerator | None
    pick: DeltaGenerator | None
    learned: DeltaGenerator | None
    layers: DeltaGenerator


def pick_switches(t: Trainer) -> DeltaGenerator | None:
    """Pick W^l[i, j]: its heatmap cell and its edge in the diagram are both outlined."""
    ss = st.session_state
    if not st.toggle(_("dg_pick"), **page.kept("pick", False)):
        return None
    shapes = [W.shape for W in t.net.W]
    ss["pick_l"] = min(ss.get("pick_l", 1), len(shapes))
    row = st.container(horizontal=True)
    l = row.number_input("l", 1, len(shapes), key="pick_l")
    m, n = shapes[l - 1]
    ss["pick_i"], ss["pick_j"] = min(ss.get("pick_i", 1), m), min(ss.get("pick_j", 1), n)
    row.number_input("i", 1, m, key="pick_i")
    row.number_input("j", 1, n, key="pick_j")
    return st.container()


def pick_value(s: Snapshot) -> None:
    l, i, j = picked(s)
    st.caption(f"W{l}[{i}, {j}] = {s.W[l - 1][i - 1, j - 1]:.6g}")


def diagram_switches(t: Trainer) -> None:
    """What the diagram's edges and neurons show, and for which sample of the batch."""
    ss = st.session_state
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.segmented_control(_("dg_edges"), list(EDGE_KINDS), format_func=EDGE_KINDS.get, required=True,
                          **page.kept("dg_edges", "W"))
    row.segmented_control(_("dg_nodes"), NODE_KINDS, required=True, **page.kept("dg_nodes", "a"))
    batch = t.config.batch
    ss["dg_sample"] = min(ss.get("dg_sample", 1), batch)
    row.number_input(_("dg_sample", b=batch), 1, batch, width=130, **page.kept("dg_sample", 1))


def diagram_part(t: Trainer, s: Snapshot, ranges: dict[tuple[int, str], float]) -> None:
    """The network as neurons and weights: edges W, ∂L/∂W or ΔW, nodes z, a or δ of one sample,
    a bar per layer for ‖δ‖ and ‖∂L/∂W‖, the picked weight outlined. Before the first step
    there is no gradient: the edges show W and the neurons nothing."""
    ss, g = st.session_state, s.g
    kind = ss["dg_edges"] if g is not None else "W"
    node = ss["dg_nodes"]
    if g is not None and node == "δ":  # a step leaves δ^1 out; the input layer's nodes show it
        g = t.complete(s).g
    r = min(ss["dg_sample"], len(g.z[0])) if g is not None else 1  # an epoch's last batch may be short
    nodes = None if g is None else [v[r - 1] for v in {"z": g.z, "a": g.a, "δ": g.delta}[node]]
    if kind == "W":
        edges, biases = s.W, s.b
    else:
        factor = 1.0 if kind == "dW" else -s.lr
        edges, biases = [factor * M for M in g.dW], [factor * M for M in g.db]
    zmax = max((ranges[(l, kind)] for l in range(1, len(s.W) + 1) if (l, kind) in ranges), default=None)
    k = bisect.bisect_left(t.curve_steps, s.step)  # the curves may be thinned: the step's norms if kept
    norms = t.norm_history[k][:2] if k < len(t.curve_steps) and t.curve_steps[k] == s.step else None
    fig = diagram.network_diagram(s.W, s.b, edges=edges, biases=biases, edge_name=EDGE_KINDS[kind], nodes=nodes,
                                  node_name=node if nodes else "a", highlight=picked(s),
                                  norms=norms, zmax=zmax, label=_)
    page.chart(fig, "diagram")


def _learned_kind(t: Trainer) -> str | None:
    """Which pictures of what each neuron learned this network has: "2d", "digits" or None."""
    ds = t.dataset
    if ds.n_inputs == 2 and len(t.net.W) > 1:
        return "2d"
    return "digits" if ds.n_inputs == 64 and ds.task == "classification" else None


def learned_switch(t: Trainer) -> DeltaGenerator | None:
    kind = _learned_kind(t)
    if kind is None or not st.toggle(_("dg_learned"), **page.kept("show_learned", False)):
        return None
    st.caption(_("dg_learned_2d") if kind == "2d" else _("dg_learned_digits"))
    return st.container()


def learned(t: Trainer, s: Snapshot) -> None:
    """What each neuron learned: hidden neurons' a over the input plane (2-D data), or W¹'s
    columns as images and a few digits with the prediction (8×8 digits)."""
    ds, net = t.dataset, t.network_at(s)
    if _learned_kind(t) == "2d":
        xs, ys, points = t.grid_points(diagram.PICTURE)
        a = net.forward(points)[1][1:-1]  # the hidden layers' a over the grid
        hidden = [layer.T.reshape(-1, len(ys), len(xs)) for layer in a]
        page.chart(diagram.neuron_pictures(hidden), "learned")
        return
    X, labels = (ds.X_test, ds.y_test) if len(ds.X_test) else (ds.X_train, ds.y_train)
    X, labels = X[:diagram.DIGITS], labels[:diagram.DIGITS]
    predicted = net.predict(X).argmax(axis=1)
    page.chart(diagram.digit_features(s.W[0], X, [int(p) for p in predicted], [int(v) for v in labels],
                                      titles=(_("dg_digits_W"), _("dg_digits_samples")), label=_), "learned")


def data_panel(t: Trainer, s: Snapshot) -> plots.Panel | None:
    """Decision regions (2-D classification), the surface (2-D regression), the curve (1-D);
    None where the input space cannot be drawn."""
    ds = t.dataset
    if not _drawable(t):
        return None
    xs, ys, out = t.grid(net=t.network_at(s))
    if ds.task == "classification" and ys is not None:
        return plots.decision_panel(xs, ys, out.argmax(axis=-1), ds.X_train, ds.y_train, ds.X_test, ds.y_test,
                                    [page.say(name) for name in ds.target_names], label=_)
    if ys is not None:
        return plots.surface_panel(xs, ys, out[..., 0], ds.X_train, ds.y_train[:, 0], label=_)
    return plots.fit_panel(xs, out[:, 0], ds.X_train, ds.y_train[:, 0], ds.X_test, ds.y_test[:, 0], label=_)


def _drawable(t: Trainer) -> bool:
    """Whether the input space can be drawn: 2 inputs, or 1 input and one output of regression."""
    ds = t.dataset
    if ds.task == "regression" and ds.n_outputs > 1:
        return False
    return ds.n_inputs == 2 or (ds.n_inputs == 1 and ds.task == "regression")


def overview(t: Trainer, s: Snapshot) -> None:
    """The loss curve beside the data and the network's prediction, in one chart."""
    mark = s.step if s.step != t.steps else None
    steps, train, test = t.curve()  # at most limits.DRAW_POINTS points
    loss = plots.loss_panel(train, test, steps=steps, log_y=st.session_state["loss_log"], mark=mark, label=_)
    data_part = None if session.hidden("data") else data_panel(t, s)
    page.chart(plots.overview_figure(loss, data_part, titles=(_("loss"), _("data"))), "overview")


def layer_switches() -> None:
    """Which panels each layer shows beside W and b, and how their colours compare."""
    # Off at first: each panel costs the browser time on every Step (see explorer/plots.py).
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="large")
    if not session.hidden("gradients"):
        row.pills(_("also_show"), list(GRADIENT_PANELS), selection_mode="multi", **page.kept("show_panels", []))
    row.segmented_control(_("dg_scale"), SCALES, format_func=page.options("dg_scale_"), required=True,
                          **page.kept("colour_scale", "matrix"))


def layers(s: Snapshot, ranges: dict[tuple[int, str], float]) -> None:
    """For every layer l: W^l, b^l and, after a step, δ^{l+1}, ∂L/∂W^l and the update ΔW^l."""
    g = s.g
    shown = [] if session.hidden("gradients") else [GRADIENT_PANELS[p] for p in st.session_state["show_panels"]]
    if g is None:
        drawn = [plots.Layer(W, b) for W, b in zip(s.W, s.b)]
    else:
        drawn = [plots.Layer(W, b, g.delta[k + 1], g.dW[k], g.db[k]) for k, (W, b) in enumerate(zip(s.W, s.b))]
    fig = plots.network_figure(drawn, lr=s.lr if g is not None else None, show=shown, ranges=ranges,
                               highlight=picked(s), label=_)
    page.chart(fig, "network")
    if s.light:
        st.caption(_("light_snapshot", s=s.step))
    elif g is None:
        st.caption(_("press_step"))


def network_switches(t: Trainer) -> Slots:
    """The Network view's switches, in the whole page's run, with a slot for each chart."""
    overview_slot = diagram_slot = pick_slot = None
    loss, net = not session.hidden("loss"), not session.hidden("diagram")
    left, right = st.columns([1.15, 1]) if loss and net else (st.container(), st.container())
    if loss:
        with left:
            st.toggle(_("log_scale"), **page.kept("loss_log", False))
            if not session.hidden("data") and not _drawable(t):
                st.caption(_("no_picture", n=t.dataset.n_inputs))
            overview_slot = st.container()
    if net:
        with right:
            diagram_switches(t)
            diagram_slot = st.container()
            if diagram.summarised(t.net.sizes):
                st.caption(_("dg_summary", n=diagram.MAX_EDGES, k=diagram.MAX_NODES))
            pick_slot = pick_switches(t)
    learned_slot = learned_switch(t)
    st.subheader(_("layers"))
    layer_switches()
    st.caption(_("layers_caption", shapes=", ".join(f"W{l} {W.shape[0]}×{W.shape[1]}"
                                                    for l, W in enumerate(t.net.W, 1))))
    return Slots(overview_slot, diagram_slot, pick_slot, learned_slot, st.container())


def network_view(t: Trainer, s: Snapshot, slots: Slots) -> None:
    """The loss and data beside the diagram, then every layer's matrices, each in its slot."""
    ranges = _ranges(s)
    if slots.overview is not None:
        with slots.overview:
            overview(t, s)
    if slots.diagram is not None:
        with slots.diagram:
            diagram_part(t, s, ranges)
    if slots.pick is not None:
        with slots.pick:
            pick_value(s)
    if slots.learned is not None:
        with slots.learned:
            learned(t, s)
    with slots.layers:
        layers(s, ranges)


LESSONS = {
    "equations": lessons.equations_view,
    "phases": lessons.phases_view,
    "gradcheck": lessons.gradcheck_view,
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
    stepping = row.container(horizontal=True, vertical_alignment="bottom", width="content")
    run_controls(t, row)
    top = st.container()  # the fragment's own place: the numbers
    view = "network"
    if not session.hidden("views"):
        row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
        view = row.segmented_control(_("view"), list(VIEWS), key="view", required=True, default="network",
                                     format_func=page.options("v_"), label_visibility="collapsed")
        row.toggle(_("quiz_mode"), key="quiz_mode", help=_("quiz_mode_help"))
    below = st.container()  # the quiz and the lesson views: step by step, all of it
    slots = network_switches(t) if view == "network" else None
    with top:
        st.fragment(stepper)(stepping, view, below, slots)


def stepper(stepping: DeltaGenerator, view: str, below: DeltaGenerator, slots: Slots | None) -> None:
    """What a Step redraws: Step and Undo, the numbers, the quiz, the view (the Network view's
    charts in their slots), and while playing the clock that asks for the next frame."""
    t = session.trainer()
    with stepping:
        step_controls(t)
    with session.DRAWING:  # in turns with the other sessions' Steps; a lesson view may take longer
        status(t)
        s = viewed_snapshot(t)
        if slots is not None:
            network_view(t, s, slots)
    with below:
        if session.page()["quiz"]:
            lessons.quiz_panel(t)
        if slots is None:
            LESSONS[view](t, s)
    ss = st.session_state
    if ss.get("playing"):  # after the charts: the clock asks for the next frame once they are drawn
        ss["frame"] = ss.get("frame", 0) + 1
        # In a container this fragment fills on every run: only there may it write at will.
        with below if slots is None else slots.layers:
            canvas.clock(ss["frame"], key="clock")


# Every page: the numbers (`numbers`) look like Streamlit's metrics, and each value shrinks with
# the window instead of being cut to "0.067…"; a wide equation scrolls inside its own box.
PAGE_CSS = """
<style>
  dl.numbers { display: flex; flex-wrap: wrap; gap: 0.25rem 2rem; margin: 0; padding: 0; }
  .numbers > div { min-width: 6rem; font-variant-numeric: tabular-nums; }  /* no jumps as values change */
  .numbers dt { font-size: 0.875rem; font-weight: normal; color: rgba(49, 51, 63, 0.6); }
  .numbers dd { margin: 0; font-size: clamp(1.1rem, 2vw, 2.25rem); line-height: 1.4; white-space: nowrap; }
  .katex-display { overflow-x: auto; overflow-y: hidden; padding: 2px 0; }
</style>
"""
# Projector mode: larger type everywhere, so the back row can read the numbers; the header bar
# is see-through (it hid the title's top); little space above, so one screen holds the charts.
PRESENTATION_CSS = """
<style>
  html { font-size: 20px; }
  .numbers dd { font-size: clamp(1.2rem, 2vw, 2.6rem); line-height: 1.2; }
  .numbers dt { font-size: 0.8rem; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
  .stButton button { font-size: 1.1rem; padding: 0.3rem 1.2rem; }
  [data-testid="stHeader"] { background: transparent; pointer-events: none; }
  [data-testid="stHeader"] * { pointer-events: auto; }
  [data-testid="stMainBlockContainer"] { padding-top: 1rem; }
  h1 { padding-top: 0.2rem !important; padding-bottom: 0.2rem !important; }
</style>
"""


def header(notice: str | None) -> None:
    """Title, link problems, a rebuild notice; the projector's style when presenting."""
    st.set_page_config(page_title=_("title"))  # the browser tab, in the session's language
    st.html(PAGE_CSS + (PRESENTATION_CSS if session.page()["present"] else ""))
    st.title(_("title"))
    if not session.page()["present"]:
        st.caption(_("subtitle"))
    link_problems()
    if notice:
        st.info(page.say(notice))


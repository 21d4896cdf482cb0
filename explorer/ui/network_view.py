"""The Network view: its switches, drawn by the page's run, and its charts, drawn by a Step's.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from explorer.figures import diagram, plots
from explorer.model.training import Snapshot, Trainer
from explorer.ui import page, session

_ = page.label


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
        panels[(l, "W")], panels[(l, "W_b")] = W, s.b[l - 1]
        if g is not None:
            panels |= {(l, "delta"): g.delta[l], (l, "dW"): g.dW[l - 1], (l, "update"): -s.lr * g.dW[l - 1],
                       (l, "dW_b"): g.db[l - 1], (l, "update_b"): -s.lr * g.db[l - 1]}
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
    node_zmax = None
    if nodes and ss.get("lock_colours"):  # the neurons' colour bar stays too, from the step it was locked at
        values = np.concatenate([np.ravel(v) for v in nodes])
        node_zmax = ss.setdefault("locked_ranges", {}).setdefault((0, f"node_{node}"), plots.symmetric_range(values))
    k = bisect.bisect_left(t.curve_steps, s.step)  # the curves may be thinned: the step's norms if kept
    norms = t.norm_history[k][:2] if k < len(t.curve_steps) and t.curve_steps[k] == s.step else None
    fig = diagram.network_diagram(s.W, s.b, edges=edges, biases=biases, edge_name=EDGE_KINDS[kind], nodes=nodes,
                                  node_name=node if nodes else "a", highlight=picked(s),
                                  norms=norms, zmax=zmax, node_zmax=node_zmax, label=_)
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

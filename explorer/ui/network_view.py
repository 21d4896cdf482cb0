"""The Network view: its switches, drawn by the page's run, and the board (explorer/ui/board.py),
drawn by a Step's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from explorer.figures import board, diagram, plots
from explorer.model.training import Snapshot, Trainer
from explorer.notation import sup
from explorer.ui import board as live
from explorer.ui import editing, explain_panel, page, session
from explorer.ui.controls import frame_steps

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


# The optional panels beside W and b: label -> key in `board.Shown.panels`.
GRADIENT_PANELS = {"∂L/∂W, ∂L/∂b": "dW", "ΔW = −η ∂L/∂W": "update"}
# What the diagram's edges can show, the heatmaps' names for them; what its nodes can show.
EDGE_KINDS = {"W": "W", "dW": "∂L/∂W", "update": "ΔW"}
NODE_KINDS = ("z", "a", "δ")


def _panels(s: Snapshot) -> dict[tuple[int, str], np.ndarray]:
    """Every matrix the network figure and the diagram can colour, by (layer, family)."""
    g, panels = s.g, {}
    stepped = s.update_gradient() if g is not None else None  # (17): ∂L/∂W, plus λ ∂R/∂W with a penalty
    for l, W in enumerate(s.W, start=1):
        panels[(l, "W")], panels[(l, "W_b")] = W, s.b[l - 1]
        if g is not None:
            panels |= {(l, "delta"): g.delta[l], (l, "dW"): g.dW[l - 1], (l, "update"): -s.lr * stepped[l - 1],
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
    fragment write into a container made outside it). A Step then re-sends the board, not
    the switches around it. None: that part is hidden."""

    board: DeltaGenerator
    pick: DeltaGenerator | None
    learned: DeltaGenerator | None


def pick_switches(t: Trainer) -> DeltaGenerator | None:
    """Pick W^l[i, j]: its heatmap cell and its edge in the diagram are both outlined."""
    ss = st.session_state
    if not st.toggle(page.noted("dg_pick"), **page.kept("pick", False)):
        return None
    shapes = [W.shape for W in t.net.W]
    ss["pick_l"] = min(ss.get("pick_l", 1), len(shapes))
    row = st.container(horizontal=True)
    l = row.number_input("l", 1, len(shapes), key="pick_l")
    m, n = shapes[l - 1]
    ss["pick_i"], ss["pick_j"] = min(ss.get("pick_i", 1), m), min(ss.get("pick_j", 1), n)
    row.number_input("i", 1, m, key="pick_i")
    row.number_input("j", 1, n, key="pick_j")
    editing.pick_row(row)  # set it by hand
    return st.container()


def pick_value(s: Snapshot) -> None:
    l, i, j = picked(s)
    r, c = session.notation().pair(i, j)
    st.caption(f"W{sup(l)}[{r}, {c}] = {s.W[l - 1][i - 1, j - 1]:.6g}")


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


def _drawable(t: Trainer) -> bool:
    """Whether the input space can be drawn: 2 inputs, or 1 input and one output of regression."""
    return board.pictured(t) is not None


def layer_switches() -> None:
    """Which panels each layer shows beside W and b, and how their colours compare."""
    # Off at first: each panel adds to every Step's payload and drawing.
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="large")
    if not session.hidden("gradients"):
        row.pills(_("also_show"), list(GRADIENT_PANELS), selection_mode="multi", **page.kept("show_panels", []))
    row.segmented_control(_("dg_scale"), SCALES, format_func=page.options("dg_scale_"), required=True,
                          **page.kept("colour_scale", "matrix"))


def network_switches(t: Trainer) -> Slots:
    """The Network view's switches, in the whole page's run, with a slot for the board: what
    the loss and the diagram show above it (little height: on a projector the board's first
    row stays on the screen), how the matrices are shown below it."""
    pick_slot = None
    loss, net = not session.hidden("loss"), not session.hidden("diagram")
    left, right = st.columns([1.15, 1]) if loss and net else (st.container(), st.container())
    with left:
        if loss:
            row = st.container(horizontal=True)
            row.toggle(_("log_scale"), **page.kept("loss_log", False))
            if not session.hidden("data") and board.pictured(t) == "regions":
                row.toggle(_("discretize"), help=_("discretize_help"),
                           **page.kept("discretize", session.page()["discretize"]))
            if not session.hidden("data") and not _drawable(t):
                st.caption(_("no_picture", n=t.dataset.n_inputs))
        if net:
            pick_slot = pick_switches(t)
    if net:
        with right:
            diagram_switches(t)
    slot = st.container(key="board_slot")  # its CSS class: no stale fade (page.css)
    if net and diagram.summarised(t.net.sizes):
        st.caption(_("dg_summary", n=diagram.MAX_EDGES, k=diagram.MAX_NODES))
    layer_switches()
    shapes = ", ".join(f"W{sup(l)} {m}×{n}" for l, (m, n) in enumerate((session.notation().shown(W).shape
                                                                           for W in t.net.W), 1))
    st.caption(page.noted("layers_caption", shapes=shapes))
    return Slots(slot, pick_slot, learned_switch(t))


def shown() -> board.Shown:
    """What the board draws: the panels asked for, the parts not hidden, the page's type and language."""
    ss = st.session_state
    panels = () if session.hidden("gradients") else tuple(GRADIENT_PANELS[p] for p in ss.get("show_panels", []))
    return board.Shown(panels=panels, loss=not session.hidden("loss"), data=not session.hidden("data"),
                       diagram=not session.hidden("diagram"), present=bool(session.page()["present"]),
                       lang=ss.get("lang", "en"), notation=session.notation().name)


def network_view(t: Trainer, s: Snapshot, slots: Slots, numbers: Callable[[Trainer], list[str]]) -> None:
    """The board (loss, data, diagram, every layer's matrices) in its slot and under it the
    derivation of the cell clicked on it, the picked weight's value, what each neuron learned.
    While playing, the board steps a chunk of frames."""
    ss = st.session_state
    ranges, nodes = _ranges(s), ss.get("dg_nodes", "a")
    where = shown()
    explained = explain_panel.cell(t, s, where.panels)
    locked = ss.get("locked_ranges", {}) if ss.get("lock_colours") else {}
    if (0, f"node_{nodes}") in locked:  # the neurons' colour bar stays too, from the step it was locked at
        ranges[(0, f"node_{nodes}")] = locked[(0, f"node_{nodes}")]
    view = board.View(ranges=ranges, edges=ss.get("dg_edges", "W"), nodes=nodes, sample=int(ss.get("dg_sample", 1)),
                      pick=picked(s), log_loss=bool(ss.get("loss_log")),
                      explain=explained.as_list() if explained else None, discretize=session.page()["discretize"])
    with slots.board:
        head = live.draw(t, s, where, view, numbers, _, [page.say(name) for name in t.dataset.target_names],
                         per_frame=frame_steps(t))
        if ss.get("lock_colours") and "nodes" in head["ranges"]:
            ss.setdefault("locked_ranges", {}).setdefault((0, f"node_{nodes}"), head["ranges"]["nodes"])
        editing.notes(s)
        if s.light:
            st.caption(_("light_snapshot", s=s.step))
        elif s.g is None:
            st.caption(_("press_step"))
        explain_panel.panel(t, s, explained)
    if slots.pick is not None:
        with slots.pick:
            pick_value(s)
    if slots.learned is not None:
        with slots.learned:
            learned(t, s)

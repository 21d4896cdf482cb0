"""Under the board: where a clicked number comes from. A click on a cell of δ, ∂L/∂W, ∂L/∂b, ΔW
or Δb (the board's `explain` trigger, explorer/ui/board.py) opens its derivation here, written
out with the numbers of the step the board shows (`explorer.teaching.explain`); the board
outlines that cell while it is open. It follows the step shown: after a Step (or Undo, or a
look back) the same cell's derivation at that step. It closes with its Close button, when
another cell replaces it, or when the cell is no longer on the board (its panel hidden, a new
network, a step whose batch has no such row: an epoch's last batch can be shorter).
"""

from __future__ import annotations

import streamlit as st

from explorer.model.training import Snapshot, Trainer
from explorer.teaching import explain
from explorer.ui import lessons, page, session

_ = page.label


def _rows(t: Trainer, s: Snapshot) -> int:
    """The rows of δ at snapshot `s`: its batch's (fewer at an epoch's end)."""
    return len(s.batch.rows) if s.batch is not None else t.config.batch


def opened() -> None:
    """The board's `explain` trigger, a click on a cell of δ, ∂L/∂W, ∂L/∂b, ΔW or Δb ([key, i, j],
    the exact entry under the pointer): its derivation opens, in place of any other. A value
    naming none of the network's cells changes nothing (a row past the shown step's batch, at
    an epoch's shorter end, opens nothing: `cell` closes it)."""
    ss, t = st.session_state, session.trainer()
    cell = explain.parse(ss["board"]["explain"], t.net.sizes, min(t.config.batch, t.n_train))  # any batch's rows
    if cell is not None:
        ss["explained"] = cell


def _fits(t: Trainer, s: Snapshot, cell: explain.Cell, panels: tuple[str, ...]) -> bool:
    """Whether the cell is on the board showing snapshot `s` with these gradient panels."""
    panel = explain.PANELS[cell.kind]
    return (panel is None or panel in panels) and explain.parse(cell.as_list(), t.net.sizes, _rows(t, s)) == cell


def cell(t: Trainer, s: Snapshot, panels: tuple[str, ...]) -> explain.Cell | None:
    """The cell whose derivation is open, if it is still on the board (else it is closed)."""
    ss = st.session_state
    open_cell = ss.get("explained")
    if open_cell is not None and not _fits(t, s, open_cell, panels):
        ss.pop("explained")
        return None
    return open_cell


def panel(t: Trainer, s: Snapshot, open_cell: explain.Cell | None) -> None:
    """The open cell's derivation at snapshot `s` (none open: the board's own line says how to
    open one). While playing, only its name: a derivation a frame would cost every frame its run."""
    if open_cell is None:  # the board says which cells can be clicked
        return
    nt = session.notation()
    name = open_cell.name(nt)
    if st.session_state.get("playing"):
        st.caption(_("x_playing", cell=name))
        return
    box = st.container(border=True, key="explain_panel")
    if s.g is None:
        box.caption(_("x_none", step=s.step))
    else:
        box.markdown(f"**{_('x_title', cell=name, value=f'{explain.value(s, open_cell):.6g}', step=s.step)}**")
        box.caption(_("x_follows") + (" " + page.noted("x_sample", r=open_cell.i, l=open_cell.l)
                                      if open_cell.kind == "delta" else ""))
        with box:
            for equation in explain.derivation(t.network_at(s), s, open_cell, st.session_state.get("lang", "en"), nt):
                lessons.show(equation)
    row = box.container(horizontal=True)
    if s.g is not None and row.button(_("x_open"), key="explain_open", icon=":material/functions:",
                                      on_click=_open_equations, args=(open_cell, len(s.W))):
        st.rerun(scope="app")  # the view switch is outside the Step's fragment
    row.button(_("x_close"), key="explain_close", icon=":material/close:", on_click=st.session_state.pop,
               args=("explained", None))


# The Equations view's widgets for the chain rule's entry (explorer/ui/lessons.py).
ENTRY_KEYS = {"l": "eq_layer", "i": "cell_i", "j": "cell_j", "r": "cell_r"}


def _open_equations(open_cell: explain.Cell, layers: int) -> None:
    """The Equations view, at the chain rule of the cell's entry (layer, i, j, sample)."""
    ss = st.session_state
    for name, value in explain.equations_entry(open_cell, layers).items():
        ss[ENTRY_KEYS[name]] = value
    ss["view"] = "equations"

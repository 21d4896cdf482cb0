"""The board's payload: what the Network view's live component (explorer/ui/static/board.js) draws,
as compact bytes. Pure functions: a Trainer and a Snapshot in, bytes out; no Streamlit.

A payload is a little-endian u32 n, then n bytes of a JSON header, then the arrays the
header's `arrays` table names (`[name, dtype, shape, offset]`, offsets from the end of the
header, each array 8-byte aligned). Every matrix shown (W, b, δ, ∂L/∂W, ΔW) travels as its
own array, neither packed with others nor rescaled; only a matrix larger than the board can
show cell by cell is sent at display resolution (`coarse`). Each goes as the page's notation shows
it (`Shown.notation`, named in the structure and in every frame's header): in the column notation
every matrix is the core's transposed (Wˡ n×m, b a column, δ one sample a column), the same
numbers; the diagram's edges keep the core's (row) indices, `data-w="l,i,j"` for Wˡ[i, j].

The structure (sizes, words, data points, the grid) goes only when it changes; a Step sends
one frame (the step's values), Play several. Frame k's arrays are named `f{k}.<name>`.
"""

from __future__ import annotations

import bisect
import json
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from explorer import i18n
from explorer.figures import diagram, plots
from explorer.figures.plots import (
    CLASS_COLOURS,
    DIVERGING,
    ENGLISH,
    GAP_CELLS,
    HIGHLIGHT,
    LINE_COLOURS,
    TEXT_CELLS,
    TEXT_ROWS,
    Label,
    symmetric_range,
)
from explorer.model import limits
from explorer.model.training import Snapshot, Trainer
from explorer.notation import ROW, Notation

Arrays = list[tuple[str, np.ndarray]]
# A matrix with more rows or columns than this is sent at display resolution: blocks of
# cells, each the entry of the largest size in it (sign kept), so that nothing strong hides.
SHOWN_CELLS = 48
# Matrices of at most this many entries travel as float64 (every bit of the trainer's), larger
# ones as float32 (seven significant digits; the hover shows six).
EXACT_CELLS = 1024
# The loss curve: a Step sends its new points; after this many the whole curve is sent again
# (Trainer.curve: at most limits.DRAW_POINTS), so that the board's copy stays small.
TAIL_POINTS = 300


@dataclass(frozen=True)
class Shown:
    """What the board draws, set by switches and the link: a change rebuilds the board."""

    panels: tuple[str, ...] = ()   # beside W, b, δ: "dW" (∂L/∂W, ∂L/∂b), "update" (ΔW, Δb)
    loss: bool = True              # the loss curve (and the data beside it)
    data: bool = True              # the data and the prediction
    diagram: bool = True           # the network diagram and its norms
    present: bool = False          # projector type
    lang: str = "en"
    notation: str = "row"          # how matrices are shown (explorer.notation): "row" or "column"


def pictured(t: Trainer) -> str | None:
    """What the data half draws: "regions" (2-D classification), "surface" (2-D regression),
    "fit" (1 input, 1 output); None where the input space cannot be drawn."""
    ds = t.dataset
    if ds.task == "regression" and ds.n_outputs > 1:
        return None
    if ds.n_inputs == 2:
        return "regions" if ds.task == "classification" else "surface"
    return "fit" if ds.n_inputs == 1 and ds.task == "regression" else None


def version(t: Trainer, shown: Shown) -> str:
    """A name for the board's structure: the same name, the same structure (other features of
    the same data set: other input names)."""
    ds = t.dataset
    return json.dumps([t.net.sizes, t.config.batch, id(ds), t.input_names, t.config.loss, shown.__dict__],
                      separators=(",", ":"),
                      ensure_ascii=False)


def structure(t: Trainer, shown: Shown, label: Label = ENGLISH, class_names: Sequence[str] | None = None,
              ) -> tuple[dict, Arrays]:
    """The parts of the board that stay from step to step: sizes, words, data points, grid.
    `class_names` are the data set's classes in the page's language (default: as the data set
    names them)."""
    ds, sizes = t.dataset, t.net.sizes
    drawn = pictured(t) if shown.loss and shown.data else None
    spec = {
        "version": version(t, shown), "sizes": sizes, "batch": t.config.batch, "panels": list(shown.panels),
        "loss": shown.loss, "diagram": shown.diagram, "present": shown.present, "pictured": drawn,
        "notation": shown.notation,
        "shown_cells": SHOWN_CELLS, "text": {"rows": TEXT_ROWS, "cells": TEXT_CELLS, "gaps": GAP_CELLS},
        "max_nodes": diagram.MAX_NODES, "max_edges": diagram.MAX_EDGES,
        "summarised": diagram.summarised(sizes),
        "colours": {"diverging": DIVERGING, "classes": CLASS_COLOURS, "lines": LINE_COLOURS,
                    "negative": diagram.NEGATIVE, "positive": diagram.POSITIVE, "nodes": diagram.NODE_SCALE,
                    "highlight": HIGHLIGHT},
        "words": _words(label, [str(name) for name in class_names or t.dataset.target_names],
                        Notation(shown.notation)) | {"confidence": label(f"p_confidence_{t.config.loss}", p="{p}")},
        "inputs": [str(name) for name in t.input_names],  # x₁, x₂, x₁², … or the data's columns, as text
    }
    arrays: Arrays = []
    if drawn is not None:
        X, y = ds.X_train, ds.y_train
        arrays += [("Xtr", X.astype(np.float32)), ("ytr", y), ("Xte", ds.X_test.astype(np.float32)), ("yte", ds.y_test)]
        if drawn != "fit":
            xs, ys, _ = t.grid_points(limits.grid_side(sizes))
            spec["grid"] = [float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1]), len(xs)]
        else:
            xs, _, _ = t.grid_points(limits.grid_side(sizes))
            spec["grid"] = [float(xs[0]), float(xs[-1]), len(xs)]
    return spec, arrays


def _words(label: Label, names: list[str], nt: Notation = ROW) -> dict[str, object]:
    """Every word the board shows, in the session's language (class names as given: the
    board shows them as text, never as HTML)."""
    return {
        "loss": label("loss"), "data": label("data"), "step": label("p_step_axis"), "loss_axis": label("p_loss_axis"),
        "train": label("p_train_batch"), "test": label("p_test_set"), "predicted": label("p_predicted_class"),
        "test_points": label("p_test"), "norms": label("dg_norms_key"), "classes": names,
        "norm_delta": label("dg_norm_delta_tip", l="{l}", v="{v}"),
        "norm_dW": label("dg_norm_dW_tip", l="{l}", v="{v}"),
        "targets": label("p_targets"), "curve": label("p_network_curve"), "train_points": label("p_train"),
        "delta": label(nt.key("p_delta_title", i18n.STRINGS["en"]), l="{l}"),
        "edit_hint": label("edit_hint"), "edit_pause": label("edit_pause"), "explain_hint": label("x_hint"),
    }


# -- one frame: the values of one step -------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """How a frame is drawn, from the Network view's switches."""

    # Colour half-widths fixed by the lock or per family, by (layer, family): "W", "dW", "update",
    # "delta", the biases' "W_b", "dW_b", "update_b"; the neurons' by (0, "node_z"), … while locked.
    ranges: Mapping[tuple[int, str], float]
    edges: str = "W"                          # what the diagram's edges show: "W", "dW", "update"
    nodes: str = "a"                          # what its neurons show: "z", "a", "δ"
    sample: int = 1                           # of which sample of the batch (1-based)
    pick: tuple[int, int, int] | None = None  # W^l[i, j] outlined
    log_loss: bool = False
    explain: list | None = None               # [key, i, j] (1-based): the cell whose derivation is open, outlined
    discretize: bool = False                  # the regions by their class alone, not shaded by confidence


def coarse(M: np.ndarray, most: int = SHOWN_CELLS) -> np.ndarray:
    """M at display resolution: at most `most` rows and columns, each cell the entry of the
    largest size in its block of M (with its sign). M itself when it fits."""
    m, n = M.shape
    fi, fj = -(-m // most), -(-n // most)
    if fi == 1 and fj == 1:
        return M
    rows, cols = -(-m // fi), -(-n // fj)
    padded = np.zeros((rows * fi, cols * fj), M.dtype)
    padded[:m, :n] = M
    blocks = padded.reshape(rows, fi, cols, fj).transpose(0, 2, 1, 3).reshape(rows, cols, fi * fj)
    k = np.abs(blocks).argmax(axis=2)
    return np.take_along_axis(blocks, k[..., None], axis=2)[..., 0]


def _sent(M: np.ndarray, nt: Notation = ROW) -> np.ndarray:
    """A matrix as it travels: at display resolution if large, float32 beyond EXACT_CELLS, as the
    notation `nt` shows it (transposed after `coarse`, so that both notations show the same cells)."""
    M = coarse(M)
    return nt.shown(M if M.size <= EXACT_CELLS else M.astype(np.float32))


FAMILIES = {"W": ("W", "b"), "dW": ("dW", "db"), "update": ("DW", "Db")}


def frame(t: Trainer, s: Snapshot, view: View, shown: Shown, numbers: Sequence[tuple[str, str]] = (),
          since: int | None = None, drawn: str | None = None) -> tuple[dict, Arrays]:
    """One step's values: the header's scalars and the arrays every part of the board draws;
    the loss curve's points after step `since` (all of them when None: see `curve`) and the
    prediction over the input space (`drawn`: what the structure's "pictured" says)."""
    g, L, nt = s.g, len(s.W), Notation(shown.notation)
    families = {"W"} | ({*shown.panels, view.edges} if g is not None else set())
    head: dict[str, object] = {"step": s.step, "latest": t.steps, "numbers": [list(cell) for cell in numbers],
                               "light": s.light, "gradients": g is not None,
                               "edges": view.edges if g is not None else "W", "nodes": view.nodes, "pick": view.pick,
                               "log": view.log_loss, "explain": view.explain, "ranges": {}, "notation": shown.notation}
    arrays: Arrays = []
    ranges = head["ranges"]
    stepped = s.update_gradient() if g is not None else None  # (17): ∂L/∂W, plus λ ∂R/∂W with a penalty
    for l in range(1, L + 1):
        matrices = _matrices(s, l, stepped)
        if g is not None:
            arrays.append((f"delta{l + 1}", _sent(g.delta[l], nt)))
            ranges[f"delta{l + 1}"] = view.ranges.get((l, "delta")) or symmetric_range(g.delta[l])
        for family in families:
            top, bottom = matrices[family]
            name, bias = FAMILIES[family]
            arrays += [(f"{name}{l}", _sent(top, nt)), (f"{bias}{l}", _sent(bottom, nt))]
            ranges[f"{name}{l}"] = view.ranges.get((l, family)) or symmetric_range(top)
            ranges[f"{bias}{l}"] = view.ranges.get((l, f"{family}_b")) or symmetric_range(bottom)  # b: its own
    head["shapes"] = [list(M.shape) for M in s.W]  # the core's (row notation)
    if shown.diagram:
        arrays += _diagram(t, s, view, head)
    if shown.loss:
        head["curve"], points = curve(t, since)
        arrays += points + data_values(t, s, drawn, shaded=not view.discretize)
    return head, arrays


def _matrices(s: Snapshot, l: int, stepped: Sequence[np.ndarray] | None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Layer l's matrices by family: W and b; with a step's gradients ∂L/∂W, ∂L/∂b and the
    update −η (17) stepped along (`stepped`: `Snapshot.update_gradient()`)."""
    matrices = {"W": (s.W[l - 1], s.b[l - 1])}
    if s.g is not None:
        matrices["dW"] = (s.g.dW[l - 1], s.g.db[l - 1])
        if stepped is not None:
            matrices["update"] = (-s.lr * stepped[l - 1], -s.lr * s.g.db[l - 1])
    return matrices


_ENTRY = re.compile(r"(W|b|dW|db|DW|Db|delta)([0-9]{1,3})")


def peek(s: Snapshot, asked: object, nt: Notation = ROW) -> dict | None:
    """The exact entry a hover asks for (`asked`: {"id", "key", "i", "j"} from the page, the key
    of a matrix as the frame names it, 0-based indices of the matrix as the notation `nt` shows
    it): {"id", "key", "i", "j", "v"} at the snapshot's step; None when `asked` names no entry of it."""
    if not isinstance(asked, Mapping):
        return None
    key, i, j, ident = (asked.get(k) for k in ("key", "i", "j", "id"))
    match = _ENTRY.fullmatch(key) if isinstance(key, str) else None
    if match is None or not all(type(v) is int for v in (i, j, ident)):
        return None
    name, l = match[1], int(match[2])
    if name == "delta":
        M = s.g.delta[l - 1] if s.g is not None and 2 <= l <= len(s.W) + 1 else None
    elif 1 <= l <= len(s.W):
        family = next(f for f, names in FAMILIES.items() if name in names)
        pair = _matrices(s, l, s.update_gradient() if family == "update" and s.g is not None else None).get(family)
        M = pair and pair[FAMILIES[family].index(name)]
    else:
        M = None
    M = None if M is None else nt.shown(M)
    if M is None or not (0 <= i < M.shape[0] and 0 <= j < M.shape[1]):
        return None
    return {"id": ident, "key": key, "i": i, "j": j, "v": float(M[i, j])}


def _diagram(t: Trainer, s: Snapshot, view: View, head: dict) -> Arrays:
    """The diagram's own arrays: the edges kept when the network is too large to draw them
    all (the strongest of each layer, `diagram.MAX_EDGES` in all), its neurons' values of one
    sample, the step's norms."""
    g, arrays = s.g, []
    if diagram.summarised(t.net.sizes):
        if g is None or view.edges == "W":
            edges = s.W
        else:
            edges = g.dW if view.edges == "dW" else [-s.lr * M for M in s.update_gradient()]
        quota = max(1, diagram.MAX_EDGES // len(edges))
        ls, i_s, j_s, vs = [], [], [], []
        for l, M in enumerate(edges, start=1):
            i, j = diagram._kept(M, quota)
            ls.append(np.full(len(i), l, np.uint8))
            i_s.append(i.astype(np.uint16))
            j_s.append(j.astype(np.uint16))
            vs.append(M[i, j])
        arrays += [("dg.l", np.concatenate(ls)), ("dg.i", np.concatenate(i_s)), ("dg.j", np.concatenate(j_s)),
                   ("dg.v", np.concatenate(vs))]
    if g is not None:
        node = view.nodes
        if node == "δ":  # a step leaves δ^1 out; the input layer's nodes show it
            g = t.complete(s).g
        r = min(view.sample, len(g.z[0]))
        head["sample"] = r
        values = [np.asarray(v[r - 1][: diagram.MAX_NODES], float) for v in {"z": g.z, "a": g.a, "δ": g.delta}[node]]
        arrays += [(f"node{l}", v) for l, v in enumerate(values, 1)]
        head["ranges"]["nodes"] = view.ranges.get((0, f"node_{node}")) or symmetric_range(np.concatenate(values))
    k = bisect.bisect_left(t.curve_steps, s.step)  # the curves may be thinned: the step's norms if kept
    if k < len(t.curve_steps) and t.curve_steps[k] == s.step:
        arrays.append(("norms", np.asarray(t.norm_history[k][:2], float)))
    return arrays


def data_values(t: Trainer, s: Snapshot, drawn: str | None, shaded: bool = True) -> Arrays:
    """The network's prediction over the input plane (or line) at the snapshot's weights; the
    regions' classes with, when `shaded`, the confidence of each as a byte (`confidence_bytes`):
    one more byte a grid point, limits.grid_side² ≤ 3,600 a frame."""
    if drawn is None:
        return []
    net = t.network_at(s)
    out = t.grid(net=net)[2]
    if drawn == "regions":
        classes = out.argmax(axis=-1)
        regions = [("regions", classes.astype(np.uint8))]
        if shaded:
            regions.append(("confidence", plots.confidence_bytes(plots.confidence(out, classes, net.loss))))
        return regions
    return [(drawn, out[..., 0].astype(np.float32))]


def curve(t: Trainer, since: int | None) -> tuple[str, Arrays]:
    """The loss curve's points the board lacks: ("tail", points after step `since`) when the
    board holds the curve up to `since` and few points came since, else ("full", Trainer.curve)."""
    steps = t.curve_steps
    k = bisect.bisect_right(steps, since) if since is not None else 0
    if since is not None and k and steps[k - 1] == since and len(steps) - k <= TAIL_POINTS:
        train, test = t.loss_history[k:], t.test_loss_history[k:] if t.test_loss_history else []
        return "tail", [("curve.steps", np.asarray(steps[k:], np.int32)), ("curve.train", np.asarray(train, float)),
                        ("curve.test", np.asarray(test, float))]
    full_steps, train, test = t.curve()
    return "full", [("curve.steps", np.asarray(full_steps, np.int32)), ("curve.train", np.asarray(train, float)),
                    ("curve.test", np.asarray(test, float))]


# -- bytes -----------------------------------------------------------------------------------------

_CODES = {np.dtype(np.float64): "f8", np.dtype(np.float32): "f4", np.dtype(np.int32): "i4",
          np.dtype(np.uint8): "u1", np.dtype(np.uint16): "u2"}


def _portable(a: np.ndarray) -> np.ndarray:
    """`a` in a dtype the browser reads (JavaScript typed arrays): floats as they are,
    integers as int32 unless already u1/u2/i4."""
    a = np.ascontiguousarray(a)
    if a.dtype in _CODES:
        return a
    if a.dtype.kind == "f":
        return a.astype(np.float64)
    if a.dtype.kind == "b":
        return a.astype(np.uint8)
    return a.astype(np.int32)


def pack(header: Mapping[str, object], arrays: Arrays) -> bytes:
    """The payload: u32 header length, the JSON header with its `arrays` table, the arrays."""
    blobs, table, offset = [], [], 0
    for name, a in arrays:
        a = _portable(a)
        raw = a.tobytes()
        table.append([name, _CODES[a.dtype], list(a.shape), offset])
        pad = -len(raw) % 8
        blobs.append(raw + b"\0" * pad)
        offset += len(raw) + pad
    head = json.dumps({**header, "arrays": table}, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False, default=_scalar).encode()
    head += b" " * (-(4 + len(head)) % 8)  # the arrays start 8-byte aligned
    return struct.pack("<I", len(head)) + head + b"".join(blobs)


def _scalar(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


def unpack(payload: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """A payload read back (tests, scripts/clients.py): the header and the arrays by name."""
    (n,) = struct.unpack_from("<I", payload)
    header = json.loads(payload[4:4 + n])
    start, arrays = 4 + n, {}
    for name, code, shape, offset in header["arrays"]:
        dtype = np.dtype("<" + code)
        count = int(np.prod(shape)) if shape else 1
        arrays[name] = np.frombuffer(payload, dtype, count, start + offset).reshape(shape)
    return header, arrays


def payload(version_name: str, spec: tuple[dict, Arrays] | None, frames: Sequence[tuple[dict, Arrays]], *,
            seq: int = 0, playing: bool = False, fps: float = 20.0, undoable: int = 0,
            peeked: dict | None = None) -> bytes:
    """The structure (when it changed) and the frames, as one payload. `seq` counts Play's
    chunks; `version_name` names the structure the frames are drawn on; `undoable`: how many
    steps computed ahead the server can take back on Pause; `peeked`: a hover's exact entry
    (`peek`), of the last frame or, with no frame, of the frame the board shows."""
    header: dict[str, object] = {"version": version_name, "seq": seq, "playing": playing, "fps": fps,
                                 "undoable": undoable, "frames": [h for h, _ in frames]}
    if peeked is not None:
        header["peek"] = peeked
    arrays: Arrays = []
    if spec is not None:
        header["structure"] = spec[0]
        arrays += spec[1]
    for k, (_, frame_arrays) in enumerate(frames):
        arrays += [(f"f{k}.{name}", a) for name, a in frame_arrays]
    return pack(header, arrays)

"""Gradient check: backprop's ∂L/∂W and ∂L/∂b against central finite differences.

∂L/∂θ ≈ n = (L(θ + ε) − L(θ − ε)) / 2ε for one parameter θ at a time, the others fixed.
The loss comes from the real forward pass (`Network.batch_loss`), so any gradient
under test, the core's or a deliberately broken one, is judged against it.

How an entry is judged. With a the gradient under test and n the finite difference, the
error of one entry is |a − n| / max(|a|, |n|, floor) (CS231n's relative error), and a
layer's verdict is that of its worst entry, which is named, so that one wrong entry
cannot hide in a layer's norm. The layer summary ‖a − n‖ / (‖a‖ + ‖n‖) is kept beside it.

- ε = 1e-6. The finite difference is off by its round-off, about R = u·(|L| + 1)/ε (u the
  float64 unit, 2.2e-16), and by its truncation, about ε²·L'''/6, negligible here. The + 1:
  the loss is computed from terms of order one even when it is tiny (cross-entropy takes
  the log of a sum that is at least 1, so a confident network's L ≈ 1e-5 still rounds
  like 1), and the data are standardised.
- The floor: an entry smaller than FLOOR_MARGIN·R/GOOD cannot be measured to GOOD by finite
  differences, since their round-off alone would be a tenth of GOOD of it; such entries
  (both a and n near zero) are compared with that floor instead of their own size, as
  long as they differ by no more than the finite difference resolves (GOOD·floor, ten
  times its round-off): a confident network, whose every gradient is tiny, is then judged
  as far as it can be measured. Entries that differ by more are judged by their own size,
  so a huge loss (after a blow-up), which makes the floor huge, hides nothing.
- A layer whose largest entry is under 100 times that round-off (its loss is huge, after a
  blow-up) cannot be checked to even 1 %: it is "unresolved", not judged.
- Thresholds on the worst entry: below GOOD = 1e-6 "good", above WRONG = 1e-4 "wrong",
  "doubtful" between. Across every data set, activation and loss the app offers, correct
  backprop scores below 3e-7 at the seeded start and after training (tests/
  test_gradcheck.py checks every combination).
- A worst entry above GOOD is measured again with ε/2. When the two finite differences
  differ by as much as backprop and the first one do (or are not finite), finite
  differences cannot decide: the loss is not smooth on the scale of ε, which happens
  when the weights are very large (after a blow-up). The layer is then "unresolved",
  not "wrong".

The cost of a check is bounded: see `plan`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from explorer.core import Network, count_parameters
from explorer.i18n import Message
from explorer.model import limits
from explorer.model.penalty import NONE, Penalty
from explorer.notation import ROW, Notation, entry, sup

EPS = 1e-6
GOOD = 1e-6
WRONG = 1e-4
ROUNDOFF = float(np.finfo(np.float64).eps)  # u: the relative rounding of one float64 operation
FLOOR_MARGIN = 10

# Cost, in multiply-adds: a forward pass of B rows through P parameters costs B·P, plus
# ELEMENT_COST for each of its B·Σ|l_i| values (f, softmax and the input checks: measured at
# about 40 multiply-adds' time each, which dominates narrow layers with a large batch), plus
# a fixed FORWARD_OVERHEAD (Python, about 85 µs measured, whatever the size).
# One click may take CHECK_SECONDS at the session budget's cautious rate
# (`limits.MACS_PER_SECOND`); measured with one BLAS thread on a 2-core machine the rate was
# 4.4e9 multiply-adds/s at the largest network, so a click took about 1 s there.
CHECK_SECONDS = 2.0
CHECK_BUDGET = CHECK_SECONDS * limits.MACS_PER_SECOND
FORWARD_OVERHEAD = 1e-4 * limits.MACS_PER_SECOND
ELEMENT_COST = 40
MAX_ENTRIES = 64   # entries checked per W^l and per b^l when the budget allows
MIN_ENTRIES = 4    # below this many per W^l and b^l, fewer samples of the batch are used
# A layer whose largest entry is not at least 1/RESOLUTION times the round-off cannot be
# checked at all: finite differences do not resolve it to 1 % (its loss is huge).
RESOLUTION = 1e-2
EXTRA_PASSES = 10  # backprop itself (about 3 passes), a buggy backward pass, the loss at θ


@dataclass(frozen=True)
class Entry:
    """One entry of ∂L/∂W^l or ∂L/∂b^l, in the derivation's 1-based indices (i = 1 for b)."""

    param: str  # "W" or "b"
    layer: int
    i: int
    j: int
    analytic: float
    numeric: float
    error: float

    @property
    def name(self) -> str:
        """W²₃,₄ or b²₄: the derivation's notation, with real super- and subscripts."""
        return self.named(ROW)

    def named(self, nt: Notation) -> str:
        """The entry's name in the notation `nt`: W²₃,₄ in rows is W²₄,₃ in columns; b²₄ either way."""
        return entry(self.param, self.layer, self.j) if self.param == "b" else nt.entry("W", self.layer, self.i, self.j)


@dataclass(frozen=True)
class Measured:
    """The entries of one parameter array (W^l or b^l) compared: flat indices, backprop's a
    and the finite difference n there, and how many entries the array has."""

    flat: np.ndarray
    analytic: np.ndarray
    numeric: np.ndarray
    size: int

    @property
    def error(self) -> float:
        return relative_error(self.analytic, self.numeric)


@dataclass(frozen=True)
class LayerCheck:
    """The check of one layer's W^l and b^l (l is the derivation's 1-based index)."""

    layer: int
    W_error: float   # layer summary of W^l: ‖a − n‖ / (‖a‖ + ‖n‖) over the entries checked
    b_error: float   # the same for b^l
    checked: int     # entries compared by finite differences
    total: int       # entries in W^l and b^l
    worst: Entry     # the entry with the largest per-entry error
    resolved: bool = True  # False: finite differences cannot decide at these weights
    # Why not resolved: "small" (gradients below what finite differences resolve even at an
    # ordinary loss: vanishing gradients), "large" (a huge loss makes the round-off huge) or
    # "rough" (the loss is not smooth on the scale of ε: very large weights).
    reason: str = ""
    largest: float = 0.0  # the largest |a| or |n| of the layer's entries checked
    noise: float = 0.0    # what finite differences resolve at this loss (FLOOR_MARGIN × round-off)
    measured: tuple[Measured, ...] = field(default=(), compare=False)  # W^l's and b^l's entries

    @property
    def complete(self) -> bool:
        """Whether every entry of W^l and b^l has been compared."""
        return self.checked == self.total

    @property
    def error(self) -> float:
        """The per-entry worst case, which decides the verdict."""
        return self.worst.error

    @property
    def summary(self) -> float:
        return max(self.W_error, self.b_error)

    @property
    def verdict(self) -> str:
        return verdict(self.error) if self.resolved else "unresolved"


def verdict(error: float) -> str:
    """"good" below GOOD, "wrong" above WRONG (or NaN), "doubtful" between."""
    if error < GOOD:
        return "good"
    return "wrong" if error > WRONG or math.isnan(error) else "doubtful"


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖), 0 where both are 0: a layer's summary."""
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(np.linalg.norm(analytic - numeric) / scale) if scale > 0 else 0.0


def entry_errors(analytic: np.ndarray, numeric: np.ndarray, floor: float) -> np.ndarray:
    """|a − n| / max(|a|, |n|) entry by entry, with the floor in the scale where the two differ
    by no more than finite differences resolve (|a − n| ≤ GOOD·floor); 0 where a = n."""
    difference = np.abs(analytic - numeric)
    scale = np.maximum(np.abs(analytic), np.abs(numeric))
    scale = np.where(difference <= GOOD * floor, np.maximum(scale, floor), scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(difference == 0, 0.0, difference / scale)


# -- cost ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How much of a batch and how many entries one check uses, within its budget."""

    rows: int     # the first `rows` samples of the batch
    entries: int  # entries checked per W^l and per b^l at most (all of a smaller one)
    cost: float   # multiply-adds, at most the budget


def plan(sizes: Sequence[int], batch: int, max_entries: int = MAX_ENTRIES,
         budget: float = CHECK_BUDGET) -> Plan:
    """The rows and entries per parameter array that fit `budget`.

    Each entry costs two forward passes, each layer's worst entry two more (ε/2), plus
    EXTRA_PASSES for the gradients themselves. The whole batch is used while it leaves
    at least MIN_ENTRIES per array; otherwise the first rows that do.
    """
    layers = len(sizes) - 1
    per_array = [m * n for m, n in pairwise(sizes)] + list(sizes[1:])
    wanted = max(1, min(max_entries, max(per_array)))
    per_row = count_parameters(sizes) + ELEMENT_COST * sum(sizes)

    def passes(entries: int) -> int:
        return 2 * sum(min(entries, size) for size in per_array) + 2 * layers + EXTRA_PASSES

    def affordable(rows: int) -> int:  # entries per array at this many rows, 0 if not even one
        per_pass = rows * per_row + FORWARD_OVERHEAD
        return max((k for k in range(wanted + 1) if passes(k) * per_pass <= budget), default=0)

    rows = batch
    if affordable(rows) < min(MIN_ENTRIES, wanted):
        per_pass = budget / passes(min(MIN_ENTRIES, wanted))
        rows = max(1, min(batch, int((per_pass - FORWARD_OVERHEAD) / per_row)))
    entries = max(1, affordable(rows))
    return Plan(rows, entries, passes(entries) * (rows * per_row + FORWARD_OVERHEAD))


# -- finite differences ---------------------------------------------------------------------------


def _entries(size: int, limit: int, rng: np.random.Generator, done: np.ndarray | None = None) -> np.ndarray:
    """Flat indices to check: all of them, or `limit` drawn without replacement from those not
    in `done` (checked by an earlier click), then from the rest once every one has been."""
    if size <= limit:
        return np.arange(size)
    fresh = np.setdiff1d(np.arange(size), done) if done is not None and len(done) else np.arange(size)
    if not len(fresh):
        fresh = np.arange(size)
    return np.sort(rng.choice(fresh, size=min(limit, len(fresh)), replace=False))


def numeric_derivative(net: Network, param: np.ndarray, flat: int, X: np.ndarray, Y: np.ndarray,
                       eps: float, penalty: Penalty = NONE) -> float:
    """(L(θ + ε) − L(θ − ε)) / 2ε for the entry `flat` of `param`, restored afterwards; with a
    penalty, of the whole loss L + λR(W) (the app's addition)."""
    view = param.reshape(-1)
    original = view[flat]
    try:
        view[flat] = original + eps
        loss_plus = net.batch_loss(X, Y) + penalty.value(net.W)
        view[flat] = original - eps
        loss_minus = net.batch_loss(X, Y) + penalty.value(net.W)
    finally:
        view[flat] = original
    with np.errstate(invalid="ignore", over="ignore"):
        return float((loss_plus - loss_minus) / (2 * eps))


# A ReLU pre-activation closer to 0 than this may cross the kink when one parameter
# moves by ε, and there the central difference is no derivative at all (it averages the
# two one-sided slopes). Such samples are left out of the check.
KINK_MARGIN = 1e-4


def smooth_rows(net: Network, X: np.ndarray) -> np.ndarray:
    """Which rows of X keep every hidden ReLU pre-activation at least KINK_MARGIN from 0
    (all rows for a smooth activation). A ReLU network at its seeded start, with b = 0,
    often puts whole rows exactly on the kink: a sample with no active neuron gives z = b = 0."""
    rows = np.ones(len(X), dtype=bool)
    if net.activation == "relu":
        z, _ = net.forward(np.asarray(X, dtype=np.float64))
        for z_hidden in z[1:-1]:
            rows &= np.abs(z_hidden).min(axis=1) >= KINK_MARGIN
    return rows


def gradient_check(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    dW: Sequence[np.ndarray] | None = None,
    db: Sequence[np.ndarray] | None = None,
    eps: float = EPS,
    max_entries: int = MAX_ENTRIES,
    seed: int = 0,
    budget: float = CHECK_BUDGET,
    done: Sequence[LayerCheck] = (),
    penalty: Penalty = NONE,
) -> list[LayerCheck]:
    """Compare dW, db (by default the core's backprop) with finite differences.

    With a `penalty` (regularisation, the app's addition) the whole gradient is checked:
    dW + λ ∂R/∂W against finite differences of the whole loss L + λR(W).

    Each layer's W and b are checked in full up to `max_entries` entries each (fewer when
    `budget` requires, see `plan`), and on a sample drawn from `seed` above that: from the
    entries that `done` (an earlier check of the same weights and batch) has not compared
    yet, so that `merge` of successive checks covers every entry. A batch too large
    for the budget raises ValueError naming the rows that fit. `net` is left exactly as it
    was. Samples at a ReLU kink are left out when the check computes the gradients itself;
    given dW, db must come from rows away from kinks (`X[smooth_rows(net, X)]`).
    """
    loss = net.batch_loss(X, Y)  # checks X and Y: a ValueError names what is wrong
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    cost = plan(net.sizes, len(X), max_entries, budget)
    if cost.rows < len(X):
        raise ValueError(f"checking {len(X)} samples exceeds the budget; check the first {cost.rows}")
    rows = smooth_rows(net, X)
    if not rows.any():
        raise ValueError("every sample sits at a ReLU kink, where finite differences are no derivative")
    if not rows.all():
        if dW is not None or db is not None:
            raise ValueError("some samples sit at a ReLU kink: compute dW, db on X[smooth_rows(net, X)]")
        X, Y = X[rows], Y[rows]
        loss = net.batch_loss(X, Y)
    if dW is None or db is None:
        g = net.gradients(X, Y)
        dW = g.dW if dW is None else dW
        db = g.db if db is None else db
    dW, loss = penalty.whole(dW, net.W), loss + penalty.value(net.W)
    probe = net.copy()  # perturb a copy: the caller's network is never touched
    rng = np.random.default_rng(seed)
    measured = []  # per layer: (W^l's, b^l's) Measured
    for k, (W, b) in enumerate(zip(probe.W, probe.b)):
        arrays = []
        for m, (param, analytic) in enumerate(((W, dW[k]), (b, db[k]))):
            before = done[k].measured[m].flat if k < len(done) and done[k].measured else None
            flat = _entries(param.size, cost.entries, rng, before)
            numeric = np.array([numeric_derivative(probe, param, i, X, Y, eps, penalty) for i in flat])
            arrays.append(Measured(flat, np.asarray(analytic, dtype=np.float64).reshape(-1)[flat], numeric, param.size))
        measured.append(arrays)

    roundoff = ROUNDOFF * (abs(loss) + 1.0) / eps
    noise = FLOOR_MARGIN * roundoff
    ordinary = FLOOR_MARGIN * ROUNDOFF * 2.0 / eps  # the same at a loss of order one
    floor = noise / GOOD

    checks = []
    for k, arrays in enumerate(measured):
        params = (probe.W[k], probe.b[k])
        _, name, flat_index, a_worst, n_worst, error = _worst(arrays, floor)
        largest = max(float(np.nanmax(np.abs(v), initial=0.0)) for m in arrays for v in (m.analytic, m.numeric))
        resolved = math.isfinite(noise) and not (largest > 0 and noise > RESOLUTION * largest)
        reason = "" if resolved else "small" if largest < ordinary / RESOLUTION else "large"
        if resolved and verdict(error) != "good":  # measure again with ε/2: is the finite difference settled?
            param = params["Wb".index(name)]
            n_half = numeric_derivative(probe, param, flat_index, X, Y, eps / 2, penalty)
            settled = 4 * (abs(n_worst - n_half) + roundoff)
            resolved = math.isfinite(n_worst) and math.isfinite(n_half) and abs(a_worst - n_worst) > settled
            reason = "" if resolved else "rough"
        i, j = np.unravel_index(flat_index, params["Wb".index(name)].shape)
        worst = Entry(name, k + 1, int(i) + 1, int(j) + 1, a_worst, n_worst, error)
        checks.append(LayerCheck(k + 1, arrays[0].error, arrays[1].error, len(arrays[0].flat) + len(arrays[1].flat),
                                 params[0].size + params[1].size, worst, resolved, reason, largest, noise,
                                 tuple(arrays)))
    return checks


def _worst(arrays: Sequence[Measured], floor: float) -> tuple:
    """(rank, "W" or "b", flat index, a, n, error) of the entry with the largest error (NaN worst of all)."""
    worst = None
    for name, m in zip("Wb", arrays):
        if not len(m.flat):
            continue
        errors = entry_errors(m.analytic, m.numeric, floor)
        ranks = np.where(np.isnan(errors), np.inf, errors)
        at = int(ranks.argmax())
        if worst is None or ranks[at] > worst[0]:
            worst = (ranks[at], name, int(m.flat[at]), float(m.analytic[at]), float(m.numeric[at]), float(errors[at]))
    return worst


def merge(earlier: Sequence[LayerCheck], later: Sequence[LayerCheck]) -> list[LayerCheck]:
    """Two checks of the same weights, batch and gradients as one: the entries of both (each
    once), each layer judged by its worst entry of either, unresolved if either was."""
    merged = []
    for old, new in zip(earlier, later):
        arrays = []
        for a, b in zip(old.measured, new.measured):
            keep = ~np.isin(b.flat, a.flat)
            arrays.append(Measured(*(np.concatenate([getattr(a, name), getattr(b, name)[keep]])
                                     for name in ("flat", "analytic", "numeric")), a.size))
        rank = lambda c: math.inf if math.isnan(c.error) else c.error  # noqa: E731 - NaN is the worst
        worse = max((old, new), key=lambda c: (not c.resolved, rank(c)))
        merged.append(LayerCheck(old.layer, arrays[0].error, arrays[1].error, sum(len(m.flat) for m in arrays),
                                 old.total, worse.worst, old.resolved and new.resolved, worse.reason,
                                 max(old.largest, new.largest), new.noise, tuple(arrays)))
    return merged


def coverage(check: LayerCheck) -> Message:
    """Exactly what was compared of a layer: "80 of 256 entries of W², all of b²"."""
    W, b = check.measured
    parts = [Message("gc_all_of", name=f"{param}{sup(check.layer)}", n=m.size) if len(m.flat) == m.size else
             Message("gc_some_of", name=f"{param}{sup(check.layer)}", n=len(m.flat), total=m.size)
             for param, m in (("W", W), ("b", b))]
    return Message("gc_coverage", W=parts[0], b=parts[1])


def fits_all(sizes: Sequence[int], batch: int, budget: float = CHECK_BUDGET) -> bool:
    """Whether one click can compare every entry of every W^l and b^l within `budget`."""
    largest = max([m * n for m, n in pairwise(sizes)] + list(sizes[1:]))
    whole = plan(sizes, batch, largest, budget)
    return whole.rows == batch and whole.entries >= largest

"""Gradient check: backprop's ∂L/∂W and ∂L/∂b against central finite differences.

∂L/∂θ ≈ (L(θ + ε) − L(θ − ε)) / 2ε for one parameter θ at a time, the others fixed.
The loss comes from the real forward pass (`Network.batch_loss`), so any gradient
under test, the core's or a deliberately broken one, is judged against it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from explorer.core import Network

# The usual thresholds for a relative error in float64 (cs231n, Goodfellow et al.).
GOOD = 1e-7
WRONG = 1e-4


@dataclass(frozen=True)
class LayerCheck:
    """The relative errors of one layer's W^l and b^l (l is the seed's 1-based index)."""

    layer: int
    W_error: float
    b_error: float
    checked: int  # entries compared by finite differences
    total: int    # entries in W^l and b^l

    @property
    def error(self) -> float:
        return max(self.W_error, self.b_error)

    @property
    def verdict(self) -> str:
        return verdict(self.error)


def verdict(error: float) -> str:
    """"good" below 1e-7, "wrong" above 1e-4, "doubtful" between."""
    if error < GOOD:
        return "good"
    return "wrong" if error > WRONG or math.isnan(error) else "doubtful"


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖), 0 where both are 0."""
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(np.linalg.norm(analytic - numeric) / scale) if scale > 0 else 0.0


def _entries(shape: tuple[int, ...], limit: int, rng: np.random.Generator) -> np.ndarray:
    """Flat indices to check: all of them, or `limit` drawn without replacement."""
    size = math.prod(shape)
    if size <= limit:
        return np.arange(size)
    return np.sort(rng.choice(size, size=limit, replace=False))


def numeric_derivative(net: Network, param: np.ndarray, flat: int, X: np.ndarray, Y: np.ndarray,
                       eps: float) -> float:
    """(L(θ + ε) − L(θ − ε)) / 2ε for the entry `flat` of `param`, restored afterwards."""
    view = param.reshape(-1)
    original = view[flat]
    view[flat] = original + eps
    loss_plus = net.batch_loss(X, Y)
    view[flat] = original - eps
    loss_minus = net.batch_loss(X, Y)
    view[flat] = original
    return (loss_plus - loss_minus) / (2 * eps)


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
    eps: float = 1e-6,
    max_entries: int = 64,
    seed: int = 0,
) -> list[LayerCheck]:
    """Compare dW, db (by default the core's backprop) with finite differences.

    Each layer's W and b are checked in full up to `max_entries` entries each, and on
    a seeded sample above that. `net` is left exactly as it was. Samples at a ReLU kink
    are left out when the check computes the gradients itself; given dW, db must come
    from rows away from kinks (`X[smooth_rows(net, X)]`).
    """
    net.batch_loss(X, Y)  # checks X and Y: a ValueError names what is wrong
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    rows = smooth_rows(net, X)
    if not rows.any():
        raise ValueError("every sample sits at a ReLU kink, where finite differences are no derivative")
    if not rows.all():
        if dW is not None or db is not None:
            raise ValueError("some samples sit at a ReLU kink: compute dW, db on X[smooth_rows(net, X)]")
        X, Y = X[rows], Y[rows]
    if dW is None or db is None:
        g = net.gradients(X, Y)
        dW = g.dW if dW is None else dW
        db = g.db if db is None else db
    probe = net.copy()  # perturb a copy: the caller's network is never touched
    rng = np.random.default_rng(seed)
    checks = []
    for k, (W, b) in enumerate(zip(probe.W, probe.b)):
        errors, checked = [], 0
        for param, analytic in ((W, dW[k]), (b, db[k])):
            flat = _entries(param.shape, max_entries, rng)
            numeric = [numeric_derivative(probe, param, i, X, Y, eps) for i in flat]
            errors.append(relative_error(np.asarray(analytic).reshape(-1)[flat], np.array(numeric)))
            checked += len(flat)
        checks.append(LayerCheck(k + 1, errors[0], errors[1], checked, W.size + b.size))
    return checks

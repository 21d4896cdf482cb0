"""Sizes of arrays as a step needs them, fast: sums of squares, Frobenius norms, and whether
any entry passes a limit (the trainer's norm history and its blow-up check)."""

from __future__ import annotations

import math

import numpy as np

from explorer.core import Network


def squares(M: np.ndarray) -> float:
    """The sum of the squares of M's entries, as one dot product (far cheaper than a ufunc reduction)."""
    flat = M.ravel(order="K")
    return flat.dot(flat)


def norm(M: np.ndarray) -> float:
    """The Frobenius norm: the bits of `np.linalg.norm(M)` (√ of the flat dot product) at a
    fraction of its overhead, which matters at a few norms per step."""
    return math.sqrt(squares(M))


def exceeds(params: list[np.ndarray], squares: list[float], limit: float) -> bool:
    """Whether any entry of `params` is larger than `limit` in size, given each array's sum of
    squares. That sum bounds the largest entry, so only an array whose sum passes half of
    limit² (room for its rounding) is scanned: the decision of a scan, without one a step."""
    return any(ss > 0.5 * limit * limit and max(p.max(), -p.min()) > limit for p, ss in zip(params, squares))


def largest(net: Network) -> float:
    """The largest size of any weight or bias."""
    return max(max(p.max(), -p.min()) for p in net.W + net.b)

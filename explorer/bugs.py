"""Deliberately broken backprop, for teaching what the gradient check catches.

Each bug is a classic mistake in writing (8), (9) and (15) by hand. The broken
backward pass lives here, apart from `explorer.core`, and only reads the network: it
never changes the real core or the weights. With no bug switched on it computes the
same gradients as the core (the tests check that), so any difference the gradient
check reports comes from the bug alone.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from explorer.core import LOSS_FUNCTIONS, Network

BUGS = {
    "no_activation_derivative": "forget the activation derivative ⊙ f'(z^l) in (15)",
    "no_batch_mean": "forget the 1/B of the batch mean in (8) and (9)",
    "W_not_transposed": "use W^l instead of (W^l)^T in (15)",
}


class BugShapeError(ValueError):
    """The bug makes a product undefined, as it would crash hand-written code."""


def buggy_gradients(
    net: Network, X: np.ndarray, Y: np.ndarray, bugs: Collection[str]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """∂L/∂W and ∂L/∂b by a backward pass with the given bugs switched on."""
    unknown = set(bugs) - set(BUGS)
    if unknown:
        raise ValueError(f"unknown bugs {sorted(unknown)}; choose from {', '.join(BUGS)}")
    z, a = net.forward(np.asarray(X, dtype=np.float64))
    _, delta = LOSS_FUNCTIONS[net.loss](z[-1], np.asarray(Y, dtype=np.float64))  # (21)/(25)
    B = 1 if "no_batch_mean" in bugs else len(X)
    n = len(net.sizes)
    dW, db = [delta] * (n - 1), [delta] * (n - 1)
    for l in range(n - 2, -1, -1):
        dW[l] = a[l].T @ delta / B  # (8)
        db[l] = delta.sum(axis=0, keepdims=True) / B  # (9)
        if l == 0:
            break
        W = net.W[l] if "W_not_transposed" in bugs else net.W[l].T
        if delta.shape[1] != W.shape[0]:
            raise BugShapeError(
                f"The bug crashes the backward pass: (15) at layer {l + 1}: "
                f"δ^{l + 2} is {delta.shape[0]}×{delta.shape[1]} and W^{l + 1} is "
                f"{net.W[l].shape[0]}×{net.W[l].shape[1]}, so δ^{l + 2} W^{l + 1} is undefined: "
                "only the transpose (W^l)^T makes the shapes fit"
            )
        delta = delta @ W  # (15)
        if "no_activation_derivative" not in bugs:
            delta = delta * net.f_prime(z[l], a[l])
    return dW, db

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
from explorer.i18n import Message

BUGS = {
    "no_activation_derivative": "forget the activation derivative ⊙ f'(z^l) in (15)",
    "no_batch_mean": "forget the 1/B of the batch mean in (8) and (9)",
    "W_not_transposed": "use W^l instead of (W^l)^T in (15)",
}


class BugShapeError(ValueError):
    """The bug makes a product undefined, as it would crash hand-written code.

    `layer` is the derivation's l of the (15) that fails, `delta` and `W` the shapes of δ^{l+1}
    and W^l; the message is a `Message`, said in the page's language."""

    def __init__(self, layer: int, delta: tuple[int, int], W: tuple[int, int]) -> None:
        self.layer, self.delta, self.W = layer, delta, W
        super().__init__(Message("gc_crash", l=layer, l1=layer + 1, B=delta[0], n=delta[1], m=W[0], k=W[1]))


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
            raise BugShapeError(l + 1, delta.shape, net.W[l].shape)
        delta = delta @ W  # (15)
        if "no_activation_derivative" not in bugs:
            delta = delta * net.f_prime(z[l], a[l])
    return dW, db


def without_effect(net: Network, X: np.ndarray, Y: np.ndarray, bug: str) -> Message | None:
    """Why `bug` alone gives exactly the core's gradients on this network and batch (a
    Message naming the reason, one of REASONS); None when the bug changes them.

    The gradients are compared first; the reason is then read off the network: a bug can
    only be caught where it changes something, and the page says why it did not.
    """
    g = net.gradients(X, Y)
    try:
        dW, db = buggy_gradients(net, X, Y, [bug])
    except BugShapeError:
        return None
    if not all(np.allclose(a, b, rtol=1e-12, atol=0.0) for a, b in zip(dW + db, g.dW + g.db)):
        return None
    hidden = range(1, len(net.sizes) - 1)  # z[l] for the derivation's hidden layers l+1
    f_prime = {l: net.f_prime(g.z[l], g.a[l]) for l in hidden}
    reason, values = "same", {}
    if bug == "no_batch_mean" and len(X) == 1:
        reason = "batch1"
    elif not hidden:
        reason = "no_hidden"
    elif bug == "no_activation_derivative" and net.activation == "identity":
        reason = "identity"
    elif bug == "no_activation_derivative" and all((f_prime[l] == 1).all() for l in hidden):
        reason = "all_on"
    elif bug == "W_not_transposed" and all(np.array_equal(net.W[l], net.W[l].T) for l in hidden):
        reason = "symmetric"
    elif bug == "W_not_transposed" and (off := [l for l in hidden if not f_prime[l].any()]):
        reason, values = "all_off", {"layer": max(off) + 1}
    return Message(REASONS[reason], **values)


# Why a bug changed nothing: reason -> the i18n key of the sentence that says so.
REASONS = {reason: f"gc_none_{reason}" for reason in
           ("batch1", "no_hidden", "identity", "all_on", "symmetric", "all_off", "same")}

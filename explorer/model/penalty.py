"""Regularisation: the app's extension of the derivation, a penalty λR(W) on the weights.

The derivation minimises the data loss L alone. With a penalty the training minimises
L + λR(W), R summed over every W^l (not the biases, as TensorFlow Playground does):

- L2: R(W) = ½ Σ_l Σ_ij (W^l_ij)², so ∂R/∂W^l = W^l (weight decay);
- L1: R(W) = Σ_l Σ_ij |W^l_ij|, so ∂R/∂W^l = sign(W^l) (0 at exactly 0, a subgradient).

Backprop is unchanged: δ and (8) ∂L/∂W^l are the data term's. The update (17) gains the
penalty's gradient: W^l ← W^l − η (∂L/∂W^l + λ ∂R/∂W^l); (18) for b is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["KINDS", "MAX_LAMBDA", "NONE", "Penalty"]

KINDS = ("none", "l2", "l1")
MAX_LAMBDA = 10.0  # TensorFlow Playground's largest rate; λη > 2 makes L2 alone overshoot 0


@dataclass(frozen=True)
class Penalty:
    """λR(W) of one kind ("none", "l2" or "l1") at rate λ = `lam`."""

    kind: str = "none"
    lam: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"regularisation must be one of {', '.join(KINDS)}, got {self.kind!r}")

    @property
    def active(self) -> bool:
        return self.kind != "none"

    def value(self, W: Sequence[np.ndarray]) -> float:
        """λR(W): ½λ Σ W² (L2) or λ Σ |W| (L1) over every W^l; 0 without a penalty."""
        if self.kind == "l2":
            return 0.5 * self.lam * sum(float(np.vdot(M, M)) for M in W)
        if self.kind == "l1":
            return self.lam * sum(float(np.abs(M).sum()) for M in W)
        return 0.0

    def dR(self, M: np.ndarray) -> np.ndarray:
        """∂R/∂W^l for one layer's W^l = M: M itself (L2), sign(M) (L1), zeros without a penalty."""
        if self.kind == "l2":
            return M
        return np.sign(M) if self.kind == "l1" else np.zeros_like(M)

    def gradient(self, W: Sequence[np.ndarray]) -> list[np.ndarray]:
        """λ ∂R/∂W^l for every layer: λW^l (L2) or λ sign(W^l) (L1); zeros without a penalty."""
        return [self.lam * self.dR(M) for M in W]

    def whole(self, dW: Sequence[np.ndarray], W: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The gradient (17) steps along: ∂L/∂W^l + λ ∂R/∂W^l at the weights W the step started
        from. Without a penalty it is ∂L/∂W itself (the same arrays: the same bits as ever)."""
        if not self.active:
            return list(dW)
        return [d + r for d, r in zip(dW, self.gradient(W))]


NONE = Penalty()

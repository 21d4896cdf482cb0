"""The backprop core: fully connected layers, MSE and softmax cross-entropy, SGD.

Every line of arithmetic below is one formula of the derivation in docs/derivation.md
and carries its number. The derivation's conventions: a sample is a row vector, W^i is
(|l_i|, |l_{i+1}|), b^i is (1, |l_{i+1}|), a layer is z^{i+1} = z^i W^i + b^i with no
activation, and δ^i = ∂L/∂z^i (1).

What this core adds to it: an activation f in the hidden layers, so z^{i+1} = a^i W^i
+ b^i with a^1 = x and a^i = f(z^i), the output has none (y = z^n), (8) multiplies a^l
instead of z^l and (15) gains ⊙ f'(z^l); and a batch X of shape (B, |l_1|), one sample a
row, where δ^i is kept per sample (row r is the derivation's δ^i for sample r) and the
loss and gradients are means over the batch (1/B). With B = 1 and f the identity every
number is the derivation's; with another f, (8) and (15) differ from it by a and ⊙ f'.

Only NumPy is imported here: the app, the plots and the tests build on this module.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from numbers import Integral, Real

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "MAX_LAYERS",
    "MAX_LAYER_SIZE",
    "MAX_PARAMETERS",
    "DivergedError",
    "Gradients",
    "Network",
    "count_parameters",
]

# A cap so that one session cannot exhaust a small shared host (Community Cloud gives
# an app as little as 690 MB): 1,000,000 float64 parameters are 8 MB per copy.
MAX_LAYERS = 12
MAX_LAYER_SIZE = 2048
MAX_PARAMETERS = 1_000_000

LOSSES = ("mse", "cross_entropy")

# Probability rows for cross-entropy must sum to 1 up to this (float32 one-hot rows
# from a CSV or a UI still pass).
_PROBABILITY_TOLERANCE = 1e-6


class DivergedError(ValueError):
    """A step whose loss or new parameters would not be finite; W and b are unchanged."""


# Each activation f sits beside its derivative f'. The derivative takes z (the
# formula's argument) and a = f(z), which it may reuse because that is cheaper.
def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _identity_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _relu_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return (z > 0.0).astype(np.float64)  # f'(0) taken as 0, as every framework does


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def _tanh_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return 1.0 - a * a  # tanh'(z) = 1 − tanh²(z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # 0.5 (1 + tanh(z/2)) is σ(z) without overflow in exp for large |z|.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _sigmoid_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return a * (1.0 - a)  # σ'(z) = σ(z)(1 − σ(z))


Activation = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray, np.ndarray], np.ndarray]]

ACTIVATIONS: dict[str, Activation] = {
    "identity": (_identity, _identity_prime),
    "relu": (_relu, _relu_prime),
    "tanh": (_tanh, _tanh_prime),
    "sigmoid": (_sigmoid, _sigmoid_prime),
}


def mse(y: np.ndarray, y_star: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean over the batch of (19) L = ½ Σ_j (y_j − y*_j)², and δ^n per sample."""
    delta_n = y - y_star  # (21) δ^n = y − y*
    loss = 0.5 * float(np.vdot(delta_n, delta_n)) / len(y)  # (19)
    return loss, delta_n


def log_softmax(y: np.ndarray) -> np.ndarray:
    """log a with a = softmax(y) (22), by log-sum-exp so that no exp overflows."""
    shifted = y - y.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy(y: np.ndarray, y_star: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean over the batch of (23) L = −Σ_i y*_i log a_i, and δ^n per sample."""
    log_a = log_softmax(y)  # (22) a = softmax(y), kept as log a
    loss = -float(np.vdot(y_star, log_a)) / len(y)  # (23)
    delta_n = np.exp(log_a) - y_star  # (25) δ^n = a − y*
    return loss, delta_n


LOSS_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]] = {
    "mse": mse,
    "cross_entropy": cross_entropy,
}


@dataclass(frozen=True, slots=True)
class Gradients:
    """Everything one forward and backward pass computed for a batch.

    Index k of a per-layer list is layer k+1 in the derivation's numbering: z[0] is z^1,
    delta[0] is δ^1, W-shaped lists (dW) follow `Network.W`, so dW[0] is ∂L/∂W^1.
    The core makes them lists; a kept copy may hold tuples (explorer.model.training.Snapshot).
    """

    loss: float                  # the batch loss: mean of the per-sample losses
    z: Sequence[np.ndarray]      # z^1 = X, …, z^n = y; (B, |l_i|) pre-activation values
    a: Sequence[np.ndarray]      # a^1 = X, a^i = f(z^i) for hidden layers; a[-1] is y itself, not an "a^n":
                                 # a without a layer index means softmax(y) (22), computed by the loss
    delta: Sequence[np.ndarray]  # δ^1 … δ^n, (B, |l_i|) per sample
    dW: Sequence[np.ndarray]     # ∂L/∂W^l, batch mean
    db: Sequence[np.ndarray]     # ∂L/∂b^l, batch mean, (1, |l_{l+1}|)


def count_parameters(sizes: Sequence[int]) -> int:
    """Number of entries in all W and b of a network with these layer sizes."""
    return sum((m + 1) * n for m, n in pairwise(sizes))


def _check_sizes(sizes: object) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise ValueError(f"sizes must be a list of layer sizes, got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least two layers (input and output), got {list(sizes)}")
    if len(sizes) > MAX_LAYERS:
        raise ValueError(f"sizes has {len(sizes)} layers; at most {MAX_LAYERS} are allowed")
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, Integral) or size < 1:
            raise ValueError(f"sizes must be positive integers, got {size!r} in {list(sizes)}")
        if size > MAX_LAYER_SIZE:
            raise ValueError(f"sizes: a layer of {size} neurons is over the cap of {MAX_LAYER_SIZE}")
    sizes = [int(size) for size in sizes]
    if count_parameters(sizes) > MAX_PARAMETERS:
        raise ValueError(
            f"sizes {sizes} give {count_parameters(sizes):,} parameters; "
            f"at most {MAX_PARAMETERS:,} fit a shared host"
        )
    return sizes


def _as_matrix(values: object, name: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a numeric array, one sample a row") from None


def _all_finite(array: np.ndarray) -> bool:
    """Whether every entry is finite. A sum is finite only if every entry is (NaN and ±inf
    propagate), so one cheap pass decides almost always; only a sum of finite entries that
    overflows needs the exact, slower test."""
    return math.isfinite(array.sum()) or bool(np.isfinite(array).all())


def _minus_scaled(p: np.ndarray, lr: float, grad: np.ndarray) -> np.ndarray:
    """p − lr·grad as a new array: the bits of `p - lr * grad` with one temporary fewer.
    Two large temporaries at once can make the allocator give memory back to the system
    and fault it in again on every step (1.5 ms instead of 0.1 ms for a 784×256 W)."""
    new = lr * grad
    return np.subtract(p, new, out=new)


def check_learning_rate(lr: object) -> float:
    if isinstance(lr, bool) or not isinstance(lr, Real) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr (learning rate η) must be a finite positive number, got {lr!r}")
    return float(lr)


class Network:
    """A fully connected network trained by backprop and SGD.

    `W[k]` and `b[k]` are the derivation's W^{k+1} and b^{k+1} (lists are 0-based, its
    layers 1-based).
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "tanh",
        loss: str = "cross_entropy",
        seed: int = 0,
    ) -> None:
        self.sizes = _check_sizes(sizes)
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
        if not isinstance(loss, str) or loss not in LOSS_FUNCTIONS:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {loss!r}")
        if loss == "cross_entropy" and self.sizes[-1] < 2:  # (22) softmax of one output is 1: L is always 0
            raise ValueError(
                f"loss cross_entropy needs at least 2 outputs (one per class), but sizes {self.sizes} end in 1; "
                "use mse for a single output"
            )
        if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        self.activation = activation
        self.loss = loss
        self.seed = int(seed)
        self.f, self.f_prime = ACTIVATIONS[activation]
        self._loss = LOSS_FUNCTIONS[loss]
        self.W, self.b = self.initial_parameters()

    def initial_parameters(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """W drawn from the seed, b = 0: the same bits on every machine for one seed.

        Xavier/Glorot scale for tanh, sigmoid and identity, He scale for ReLU, so
        that signals neither vanish nor explode through the layers at the start.
        """
        rng = np.random.default_rng(self.seed)
        W, b = [], []
        for fan_in, fan_out in pairwise(self.sizes):
            he = self.activation == "relu"
            scale = math.sqrt(2.0 / fan_in) if he else math.sqrt(2.0 / (fan_in + fan_out))
            W.append(rng.standard_normal((fan_in, fan_out)) * scale)
            b.append(np.zeros((1, fan_out)))
        return W, b

    def __repr__(self) -> str:
        return (
            f"Network(sizes={self.sizes}, activation={self.activation!r}, "
            f"loss={self.loss!r}, seed={self.seed})"
        )

    # -- input checks: shapes first (free), then one finiteness scan per array --------

    def _check_X(self, X: object) -> np.ndarray:
        X = _as_matrix(X, "X")
        if X.ndim != 2 or X.shape[1] != self.sizes[0] or X.shape[0] == 0:
            raise ValueError(f"X must have shape (B, {self.sizes[0]}) with B ≥ 1, got {X.shape}")
        if not _all_finite(X):
            raise ValueError("X must be finite: it holds NaN or infinity")
        return X

    def _check_Y(self, Y: object, batch: int) -> np.ndarray:
        Y = _as_matrix(Y, "Y")
        if Y.shape != (batch, self.sizes[-1]):
            raise ValueError(f"Y must have shape ({batch}, {self.sizes[-1]}) to match X, got {Y.shape}")
        if self.loss == "cross_entropy":
            # Probability rows are finite, so rows that pass this pass the finiteness rule
            # too (NaN fails every comparison, an infinite entry fails its row's sum).
            row_error = np.abs(Y.sum(axis=1) - 1.0).max()
            if Y.min() >= 0.0 and row_error <= _PROBABILITY_TOLERANCE:
                return Y
        if not _all_finite(Y):
            raise ValueError("Y must be finite: it holds NaN or infinity")
        if self.loss == "cross_entropy":
            raise ValueError(
                "Y must hold probability rows for cross_entropy: entries ≥ 0, each row summing to 1"
            )
        return Y

    # -- forward, loss, backward ---------------------------------------------------------

    def forward(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """z^1 … z^n and a^1 … a^n for a checked batch X."""
        z, a = [X], [X]
        last = len(self.W) - 1
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z.append(a[i] @ W + b)  # z^{i+1} = a^i W^i + b^i
            a.append(self.f(z[-1]) if i < last else z[-1])  # a = f(z); the output has none: y = z^n
        return z, a

    def backward(
        self, z: list[np.ndarray], a: list[np.ndarray], delta_n: np.ndarray, input_delta: bool = True
    ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
        """δ^1 … δ^n and the batch-mean ∂L/∂W, ∂L/∂b, from δ^n back through each layer.

        δ^1 (the gradient w.r.t. the input) updates nothing: with `input_delta=False` it is
        left out (delta[0] is None), which saves a product as large as the first layer's.
        """
        B = len(delta_n)
        n = len(self.sizes)
        delta = [delta_n] * n
        dW = [delta_n] * (n - 1)
        db = [delta_n] * (n - 1)
        for l in range(n - 2, -1, -1):  # l is the derivation's layer l+1; W[l] joins it to l+2
            dW[l] = a[l].T @ delta[l + 1] / B  # (8) ∂L/∂W^l = (a^l)^T δ^{l+1}: a^l for z^l, batch mean
            db[l] = delta[l + 1].sum(axis=0, keepdims=True) / B  # (9) ∂L/∂b^l = δ^{l+1}, batch mean
            if l > 0:
                delta[l] = delta[l + 1] @ self.W[l].T * self.f_prime(z[l], a[l])  # (15) δ^l = δ^{l+1} (W^l)^T ⊙ f'(z^l)
            else:
                delta[0] = delta[1] @ self.W[0].T if input_delta else None  # (15) δ^1 = δ^2 (W^1)^T, no f'
        return delta, dW, db

    def check_batch(self, X: object, Y: object) -> tuple[np.ndarray, np.ndarray]:
        """X and Y as float64 arrays, checked against the contract (ValueError naming the rule
        they break). Rows of a checked batch are checked too: a `Trainer` checks its data
        once and steps with `update`, which does not scan the batch again."""
        X = self._check_X(X)
        return X, self._check_Y(Y, len(X))

    def backprop(self, X: np.ndarray, Y: np.ndarray, input_delta: bool = True) -> Gradients:
        """Forward and backward pass for a batch that `check_batch` has passed; no update."""
        z, a = self.forward(X)
        loss, delta_n = self._loss(z[-1], Y)  # (19)/(23) and (21)/(25)
        delta, dW, db = self.backward(z, a, delta_n, input_delta)
        return Gradients(loss=loss, z=z, a=a, delta=delta, dW=dW, db=db)

    def gradients(self, X: np.ndarray, Y: np.ndarray) -> Gradients:
        """Forward and backward pass for the batch (X, Y); the parameters are not changed."""
        return self.backprop(*self.check_batch(X, Y))

    def step(self, X: np.ndarray, Y: np.ndarray, lr: float) -> Gradients:
        """One SGD update on the batch (X, Y); returns the gradients it used.

        Raises DivergedError, leaving W and b exactly as they were, when the loss or
        any new parameter would not be finite.
        """
        lr = check_learning_rate(lr)
        return self.update(*self.check_batch(X, Y), lr)

    def update(self, X: np.ndarray, Y: np.ndarray, lr: float, input_delta: bool = True) -> Gradients:
        """`step` for a batch that `check_batch` has passed and a checked learning rate:
        the same arithmetic, the same bits, the same DivergedError, without scanning X and Y."""
        g = self.backprop(X, Y, input_delta)
        self.descend(g.dW, g.db, lr, g.loss)
        return g

    def descend(self, dW: Sequence[np.ndarray], db: Sequence[np.ndarray], lr: float, loss: float) -> None:
        """(17) and (18) along the given gradients at a checked learning rate, for a step whose
        loss was `loss`: `update` passes backprop's own; a trainer may add to them (a penalty).
        Raises DivergedError, leaving W and b exactly as they were, when the loss or any new
        parameter would not be finite."""
        W = [_minus_scaled(W, lr, d) for W, d in zip(self.W, dW)]  # (17) W ← W − η ∂L/∂W
        b = [_minus_scaled(b, lr, d) for b, d in zip(self.b, db)]  # (18) b ← b − η ∂L/∂b
        if not (math.isfinite(loss) and all(_all_finite(p) for p in W + b)):
            raise DivergedError(
                f"the step diverged (loss {loss:.4g}, weights no longer finite) at lr={lr:g}; "
                "the weights were kept as they were before it. Try a smaller learning rate."
            )
        self.W, self.b = W, b

    def batch_loss(self, X: np.ndarray, Y: np.ndarray) -> float:
        """The batch loss alone (a forward pass), e.g. for finite differences."""
        X, Y = self.check_batch(X, Y)
        z, _ = self.forward(X)
        return self._loss(z[-1], Y)[0]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """y = z^n for "mse"; the softmax probabilities a (22) for "cross_entropy"."""
        z, _ = self.forward(self._check_X(X))
        if self.loss == "cross_entropy":
            return np.exp(log_softmax(z[-1]))  # (22)
        return z[-1]

    def with_parameters(self, W: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> Network:
        """The same network (sizes, activation, loss, seed) holding W and b, which are not copied."""
        other = copy.copy(self)  # the configuration is shared: a copy is not checked and drawn again
        other.W, other.b = list(W), list(b)
        return other

    def copy(self) -> Network:
        """An independent network with the same configuration and current parameters."""
        return self.with_parameters([W.copy() for W in self.W], [b.copy() for b in self.b])

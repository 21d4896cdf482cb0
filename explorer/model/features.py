"""Input features of the 2-D data sets, as TensorFlow Playground offers them.

A point of a 2-D data set is (x₁, x₂), standardised. The network's input layer l₁ is fed the
chosen features of it, one neuron each: x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂. The input
layer and W¹ grow with them, at most to `len(FEATURES)` inputs. Nothing is standardised again:
the input x₁² is x₁ squared, as its name says. The regions are still drawn over (x₁, x₂): the
grid's points go through the same map (`explorer.model.training.Trainer.grid_points`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["DEFAULT", "FEATURES", "PLANAR", "SHOWN", "applies", "expand", "width"]

# name in a link -> the feature of the points' columns x₁, x₂; in this order in the input layer.
FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sinx1": lambda x1, x2: np.sin(x1),
    "sinx2": lambda x1, x2: np.sin(x2),
}
SHOWN = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1x2": "x₁x₂", "sinx1": "sin x₁", "sinx2": "sin x₂"}
DEFAULT = ("x1", "x2")
# The generated data sets whose points are (x₁, x₂): the ones features apply to.
PLANAR = frozenset({"xor", "circles", "gaussians", "spiral", "spiral3", "plane"})


def applies(dataset: str) -> bool:
    """Whether a data set (by name) is fed features of its (x₁, x₂); any other is fed its own columns."""
    return dataset in PLANAR


def width(dataset: str, features: tuple[str, ...], n_inputs: int) -> int:
    """The input layer's width |l₁|: one neuron a feature, or the data set's own columns."""
    return len(features) if applies(dataset) else n_inputs


def expand(X: np.ndarray, features: tuple[str, ...]) -> np.ndarray:
    """The features of each point (a row (x₁, x₂) of X), one column each, in the given order.
    The plain (x₁, x₂) is X itself, not a copy: the default network gets the same bits as ever."""
    if features == DEFAULT:
        return X
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([FEATURES[name](x1, x2) for name in features])

"""The generated data sets, drawn from the seed: (X, y) before the split and standardisation
(`explorer.model.data.load` does both).
"""

from __future__ import annotations

import functools

import numpy as np

from explorer.i18n import Message

_XY = tuple[np.ndarray, np.ndarray]  # features, targets
PLANE = (2.0, -1.0, 0.5)  # a, b, c of y = a x1 + b x2 + c; keep the label ds_plane (explorer/locales/) in sync

# Raw shapes span roughly [-1, 1]; `noise` is the standard deviation of
# Gaussian jitter (for regression: of the noise added to y). Labels cycle 0, 1, ..., k-1,
# so class sizes differ by at most one; the split permutation shuffles them afterwards.


def _xor(rng: np.random.Generator, n: int, noise: float) -> _XY:
    blob = np.arange(n) % 4
    # Blobs in order (+,+), (+,-), (-,-), (-,+): even blobs have x1*x2 > 0 (class 0).
    centres = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, -1.0], [-1.0, 1.0]])[blob]
    # Uniform in a disc of radius 0.8, so without noise every point stays in its quadrant.
    r = 0.8 * np.sqrt(rng.uniform(size=n))
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    X = centres + r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * rng.standard_normal((n, 2)), blob % 2


def _circles(rng: np.random.Generator, n: int, noise: float) -> _XY:
    y = np.arange(n) % 2
    radius = np.where(y == 0, 0.5, 1.0)
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * rng.standard_normal((n, 2)), y


def _gaussians(rng: np.random.Generator, n: int, noise: float) -> _XY:
    y = np.arange(n) % 2
    centres = np.where(y[:, None] == 0, -1.0, 1.0) * np.array([1.0, 1.0])
    X = centres + 0.5 * rng.standard_normal((n, 2))
    return X + noise * rng.standard_normal((n, 2)), y


def _spiral(rng: np.random.Generator, n: int, noise: float, arms: int) -> _XY:
    y = np.arange(n) % arms
    # sqrt spreads points evenly along each arm; starting at 0.15 keeps the arms
    # from meeting in one ambiguous blob at the centre.
    t = np.sqrt(rng.uniform(0.15**2, 1.0, size=n))
    angle = 2.5 * np.pi * t + 2 * np.pi * y / arms  # 1.25 turns, arms interleaved
    # Radius 2 (not 1) leaves room between the arms for the default noise.
    X = 2.0 * t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * rng.standard_normal((n, 2)), y


def _sine(rng: np.random.Generator, n: int, noise: float) -> _XY:
    x = rng.uniform(-np.pi, np.pi, size=(n, 1))
    return x, np.sin(x) + noise * rng.standard_normal((n, 1))


def _plane(rng: np.random.Generator, n: int, noise: float) -> _XY:
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    a, b, c = PLANE
    y = a * X[:, :1] + b * X[:, 1:] + c
    return X, y + noise * rng.standard_normal((n, 1))


# name -> (generator, feature names, target names)
GENERATORS = {
    "xor": (_xor, ("x1", "x2"), ("x1·x2 > 0", "x1·x2 < 0")),
    "circles": (_circles, ("x1", "x2"), (Message("c_inner"), Message("c_outer"))),
    "gaussians": (_gaussians, ("x1", "x2"), ("A", "B")),
    "spiral": (
        functools.partial(_spiral, arms=2),
        ("x1", "x2"),
        (Message("c_arm_1"), Message("c_arm_2")),
    ),
    "spiral3": (
        functools.partial(_spiral, arms=3),
        ("x1", "x2"),
        (Message("c_arm_1"), Message("c_arm_2"), Message("c_arm_3")),
    ),
    "sine": (_sine, ("x",), ("y",)),
    "plane": (_plane, ("x1", "x2"), ("y",)),
}
REGRESSION = frozenset({"sine", "plane"})

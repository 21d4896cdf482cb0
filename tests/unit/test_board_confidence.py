"""The regions shaded by confidence (explorer/figures/board.py, plots.confidence): the winning class's softmax
probability (or, with MSE, its y clipped to [0, 1]) travels as one byte a grid point, and only
while the regions are shaded; the shade of a class colour at a confidence (plots.shade)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.figures import board, plots
from explorer.model import limits
from explorer.model.training import Config, Trainer


def regions_frame(t: Trainer, discretize: bool = False) -> dict[str, np.ndarray]:
    """The data half's arrays of the frame the board gets, by name."""
    view = board.View(ranges={}, discretize=discretize)
    _, arrays = board.frame(t, t.current, view, board.Shown(), drawn="regions")
    return {name: a for name, a in arrays if name in ("regions", "confidence")}


def trained(steps: int, **config) -> Trainer:
    t = Trainer.from_config(Config(**config))
    t.run(steps)
    return t


@pytest.mark.parametrize("config", [{}, {"dataset": "spiral3", "hidden": (6,)}])
def test_the_confidence_is_the_winning_classs_softmax_probability(config):
    t = trained(40, **config)
    arrays = regions_frame(t)
    side = limits.grid_side(t.net.sizes)
    _, _, points = t.grid_points(side)
    q = arrays["confidence"]
    assert q.dtype == np.uint8 and q.shape == arrays["regions"].shape == (side, side)
    for k in (0, 17, side * side // 2 + 5, side * side - 1):  # a few grid points, through the network by hand
        a = points[k:k + 1]
        for W, b in zip(t.net.W[:-1], t.net.b[:-1]):
            a = np.tanh(a @ W + b)
        y = (a @ t.net.W[-1] + t.net.b[-1])[0]
        e = [math.exp(v) for v in y]
        p = max(e) / sum(e)  # softmax (22) of the winning class
        row, col = divmod(k, side)
        assert arrays["regions"][row, col] == int(np.argmax(y))
        assert abs(q[row, col] / 255 - p) <= 1 / 510 + 1e-12, (k, q[row, col], p)
        assert q[row, col] >= math.floor(255 / len(y))  # never below chance, 1/K


def test_with_mse_the_confidence_is_the_winning_y_clipped_to_0_1():
    t = trained(40, loss="mse")
    arrays = regions_frame(t)
    y = t.grid()[2]
    expected = np.clip(y.max(axis=-1), 0, 1)
    np.testing.assert_allclose(arrays["confidence"] / 255, expected, atol=1 / 510 + 1e-12)
    y = np.array([[1.7, -0.2], [-0.3, -0.1]])
    assert plots.confidence(y, y.argmax(axis=-1), "mse").tolist() == [1.0, 0.0]  # clipped


def test_the_byte_is_within_half_a_step_of_the_confidence():
    c = np.concatenate([np.linspace(0, 1, 10_001), np.random.default_rng(0).random(10_000), [0.5 / 255, 1.5 / 255]])
    q = plots.confidence_bytes(c)
    assert q.dtype == np.uint8 and q[0] == 0 and q[10_000] == 255
    assert np.abs(q / 255 - c).max() <= 1 / 510 + 1e-12


def test_discretize_sends_the_classes_alone_and_shading_costs_one_byte_a_grid_point():
    t = trained(5)
    assert "confidence" not in regions_frame(t, discretize=True)
    shaded = board.frame(t, t.current, board.View(ranges={}), board.Shown(), drawn="regions")[1]
    hard = board.frame(t, t.current, board.View(ranges={}, discretize=True), board.Shown(), drawn="regions")[1]
    side = limits.grid_side(t.net.sizes)
    assert len(board.pack({}, shaded)) - len(board.pack({}, hard)) <= side * side + 64  # the array and its table entry
    largest = trained(1, hidden=(256,) * 6, batch=4)  # the grid shrinks with the network: so does the byte array
    assert regions_frame(largest)["confidence"].size == limits.grid_side(largest.net.sizes) ** 2 < side * side


@pytest.mark.parametrize("classes", [2, 3, 10])
def test_a_shade_is_white_at_chance_and_the_class_colour_when_sure(classes):
    for colour in plots.CLASS_COLOURS:
        rgb = tuple(int(colour[k:k + 2], 16) for k in (1, 3, 5))
        assert plots.shade(colour, 1 / classes, classes) == (255, 255, 255)
        assert plots.shade(colour, 0.0, classes) == (255, 255, 255)
        assert plots.shade(colour, 1.0, classes) == rgb
        steps = [plots.shade(colour, q / 255, classes) for q in range(256)]
        for c in range(3):  # from white to the colour, never back
            channel = [s[c] for s in steps]
            assert channel == sorted(channel, reverse=rgb[c] < 255)

"""The core's update as a Step calls it: `Network.update` is `Network.step` without scanning
the batch again (a `Trainer` checks its data once, tests/unit/test_trainer.py); with
`input_delta=False` it leaves δ^1 out and nothing else.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.core import ACTIVATIONS, LOSSES, DivergedError, Gradients, Network

SIZES = [3, 5, 4, 2]


def batch(B: int, loss: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((B, SIZES[0]))
    if loss == "cross_entropy":
        return X, np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], B)]
    return X, rng.standard_normal((B, SIZES[-1]))


def assert_same_gradients(g: Gradients, h: Gradients, skip_input_delta: bool = False) -> None:
    assert g.loss == h.loss
    for name in ("z", "a", "delta", "dW", "db"):
        ours, theirs = getattr(g, name), getattr(h, name)
        assert len(ours) == len(theirs)
        for k, (p, q) in enumerate(zip(ours, theirs)):
            if name == "delta" and k == 0 and skip_input_delta:
                continue
            assert np.array_equal(p, q), (name, k)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("B", [1, 7])
def test_update_is_step_bit_for_bit(activation, loss, B):
    stepped, updated = (Network(SIZES, activation, loss, seed=4) for _ in range(2))
    X, Y = batch(B, loss)
    checked = updated.check_batch(X, Y)
    for _ in range(3):
        assert_same_gradients(stepped.step(X, Y, 0.3), updated.update(*checked, 0.3))
        for p, q in zip(stepped.W + stepped.b, updated.W + updated.b):
            assert np.array_equal(p, q)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
def test_leaving_out_input_delta_changes_nothing_else(activation, loss):
    full, short = (Network(SIZES, activation, loss, seed=2) for _ in range(2))
    X, Y = full.check_batch(*batch(6, loss))
    g, h = full.update(X, Y, 0.1), short.update(X, Y, 0.1, input_delta=False)
    assert h.delta[0] is None and g.delta[0].shape == X.shape
    assert_same_gradients(g, h, skip_input_delta=True)
    for p, q in zip(full.W + full.b, short.W + short.b):
        assert np.array_equal(p, q)
    assert np.array_equal(full.gradients(X, Y).delta[0], full.backprop(X, Y).delta[0])  # computed by default


def test_input_delta_is_the_input_gradient_by_default():
    net = Network(SIZES, "tanh", "mse", seed=1)
    X, Y = batch(4, "mse")
    g = net.gradients(X, Y)
    assert np.array_equal(g.delta[0], g.delta[1] @ net.W[0].T)  # (15) at l = 1: no f'
    eps, r, j = 1e-6, 2, 1
    up, down = X.copy(), X.copy()
    up[r, j] += eps
    down[r, j] -= eps
    # δ^1 is per sample: the batch loss is a mean, so ∂L/∂x_rj = δ^1_rj / B.
    numeric = (net.batch_loss(up, Y) - net.batch_loss(down, Y)) / (2 * eps)
    assert math.isclose(numeric, g.delta[0][r, j] / len(X), rel_tol=1e-6)


def test_public_step_still_checks_every_call():
    net = Network(SIZES, "tanh", "cross_entropy")
    X, Y = batch(3, "cross_entropy")
    bad = X.copy()
    bad[1, 1] = np.nan
    with pytest.raises(ValueError, match="X must be finite"):
        net.step(bad, Y, 0.1)
    with pytest.raises(ValueError, match="probability rows"):
        net.step(X, Y * 2, 0.1)
    with pytest.raises(ValueError, match="lr"):
        net.step(X, Y, -1.0)
    with pytest.raises(ValueError, match="X must have shape"):
        net.check_batch(X[:, :2], Y)


def test_update_diverges_like_step():
    net = Network([1, 1], "identity", "mse")
    net.W = [np.array([[1e200]])]
    X, Y = net.check_batch([[1e200]], [[0.0]])
    W, b = net.W, net.b
    with pytest.raises(DivergedError), np.errstate(all="ignore"):
        net.update(X, Y, 1.0, input_delta=False)
    assert net.W is W and net.b is b

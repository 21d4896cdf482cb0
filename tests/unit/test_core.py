"""Tests of explorer.core against the derivation's formulas (1)-(25) and its public API.

The references here are independent of the core's vectorised NumPy code: a scalar
reverse-mode autodiff on Python floats (`Value`), central finite differences on z^i,
and tiny networks worked out by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from explorer.core import (
    MAX_LAYER_SIZE,
    MAX_LAYERS,
    MAX_PARAMETERS,
    DivergedError,
    Network,
    count_parameters,
)

ACTIVATION_NAMES = ("identity", "relu", "tanh", "sigmoid")
LOSS_NAMES = ("mse", "cross_entropy")

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------------------
# An independent reference: micrograd-style scalar reverse-mode autodiff on floats.
# --------------------------------------------------------------------------------------


class Value:
    """A scalar in a computation graph; `backward` fills `grad` = ∂(root)/∂(this)."""

    __slots__ = ("data", "grad", "local", "parents")

    def __init__(self, data: float, parents: tuple[Value, ...] = (), local: tuple[float, ...] = ()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.local = local  # ∂(this)/∂(parent) for each parent

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    __rmul__ = __mul__

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-other if isinstance(other, Value) else -float(other))

    def exp(self) -> Value:
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def log(self) -> Value:
        return Value(math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def sigmoid(self) -> Value:
        s = 1.0 / (1.0 + math.exp(-self.data)) if self.data >= 0 else math.exp(self.data) / (
            1.0 + math.exp(self.data)
        )
        return Value(s, (self,), (s * (1.0 - s),))

    def relu(self) -> Value:
        return Value(max(self.data, 0.0), (self,), (1.0 if self.data > 0 else 0.0,))

    def backward(self) -> None:
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # iterative post-order DFS: a topological order of the graph
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local):
                parent.grad += local * node.grad


_VALUE_ACTIVATIONS = {
    "identity": lambda u: u,
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
}


def _activate(name: str, v: Value) -> Value:
    return _VALUE_ACTIVATIONS[name](v)


@dataclass
class SampleReference:
    loss: float
    z: list[list[float]]       # z^1 … z^n of this sample
    delta: list[list[float]]   # ∂(sample loss)/∂z^i
    dW: list[np.ndarray]
    db: list[np.ndarray]


def reference_sample(W, b, activation: str, loss: str, x, y_star) -> SampleReference:
    """One sample's loss and gradients by scalar autodiff: no matrices, no core code."""
    Wv = [[[Value(w) for w in row] for row in Wk] for Wk in W]
    bv = [[Value(v) for v in bk[0]] for bk in b]
    z = [[Value(v) for v in x]]  # z^1 = x, a Value so that δ^1 is computed too
    a = z[0]
    n_links = len(W)
    for k in range(n_links):
        out = []
        for j in range(len(bv[k])):
            s = bv[k][j]
            for i in range(len(a)):
                s = s + a[i] * Wv[k][i][j]
            out.append(s)
        z.append(out)
        a = out if k == n_links - 1 else [_activate(activation, v) for v in out]
    y = z[-1]
    if loss == "mse":
        total = Value(0.0)
        for yj, tj in zip(y, y_star):
            d = yj - float(tj)
            total = total + 0.5 * (d * d)  # (19)
    else:
        m = max(v.data for v in y)  # a constant shift: log-sum-exp does not depend on it
        sum_exp = Value(0.0)
        for v in y:
            sum_exp = sum_exp + (v - m).exp()
        log_norm = sum_exp.log() + m
        total = Value(0.0)
        for yj, tj in zip(y, y_star):
            total = total - float(tj) * (yj - log_norm)  # (23) with log a_j = y_j − log Σ e^{y_k}
    total.backward()
    return SampleReference(
        loss=total.data,
        z=[[v.data for v in layer] for layer in z],
        delta=[[v.grad for v in layer] for layer in z],
        dW=[np.array([[w.grad for w in row] for row in Wk]) for Wk in Wv],
        db=[np.array([[v.grad for v in bk]]) for bk in bv],
    )


def reference_batch(net: Network, X: np.ndarray, Y: np.ndarray):
    """Per-sample autodiff, then the batch convention (mean loss, mean gradients)."""
    refs = [reference_sample(net.W, net.b, net.activation, net.loss, x, y) for x, y in zip(X, Y)]
    B = len(refs)
    loss = sum(r.loss for r in refs) / B
    dW = [sum(r.dW[k] for r in refs) / B for k in range(len(net.W))]
    db = [sum(r.db[k] for r in refs) / B for k in range(len(net.b))]
    z = [np.array([r.z[i] for r in refs]) for i in range(len(net.sizes))]
    delta = [np.array([r.delta[i] for r in refs]) for i in range(len(net.sizes))]
    return loss, z, delta, dW, db


# Plain-NumPy per-sample forward *from a given z^i*, for finite differences on z.
_F = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
}


def per_sample_loss_from(net: Network, layer: int, z_layer: np.ndarray, y_star: np.ndarray) -> float:
    """L for one sample when z^{layer+1} (0-based index `layer`) is set to `z_layer`."""
    n = len(net.sizes)
    z = np.asarray(z_layer, dtype=float)
    for k in range(layer, n - 1):
        a = z if k == 0 else _F[net.activation](z)  # z^1 = x has no activation
        z = a @ net.W[k] + net.b[k][0]
    if net.loss == "mse":
        return 0.5 * float(np.sum((z - y_star) ** 2))
    m = z.max()
    log_a = z - m - math.log(float(np.sum(np.exp(z - m))))
    return -float(np.sum(y_star * log_a))


# --------------------------------------------------------------------------------------
# Random cases
# --------------------------------------------------------------------------------------


@dataclass
class Case:
    net: Network
    X: np.ndarray
    Y: np.ndarray


def make_case(sizes, activation, loss, batch, seed, data_seed, one_hot=True, bias=True) -> Case:
    if loss == "cross_entropy" and sizes[-1] == 1:  # softmax needs two outputs; the core refuses one
        sizes = [*sizes[:-1], 2]
    net = Network(sizes, activation=activation, loss=loss, seed=seed)
    rng = np.random.default_rng(data_seed)
    if bias:  # b starts at 0; give it values so that db and the "+ b" are exercised
        net.b = [rng.normal(scale=0.5, size=b.shape) for b in net.b]
    X = rng.normal(size=(batch, sizes[0]))
    if loss == "mse":
        Y = rng.normal(size=(batch, sizes[-1]))
    elif one_hot:
        Y = np.eye(sizes[-1])[rng.integers(sizes[-1], size=batch)]
    else:
        Y = rng.dirichlet(np.ones(sizes[-1]), size=batch)
    return Case(net, X, Y)


ANY_BATCH = st.integers(1, 8)


@st.composite
def cases(draw, activations=ACTIVATION_NAMES, losses=LOSS_NAMES, batches=ANY_BATCH):
    sizes = draw(st.lists(st.integers(1, 6), min_size=2, max_size=4))
    return make_case(
        sizes,
        draw(st.sampled_from(activations)),
        draw(st.sampled_from(losses)),
        draw(batches),
        draw(st.integers(0, 2**32 - 1)),
        draw(st.integers(0, 2**32 - 1)),
        one_hot=draw(st.booleans()),
    )


def away_from_relu_kinks(case: Case, margin: float = 1e-4) -> bool:
    """True unless relu sits on a hidden pre-activation within `margin` of its kink."""
    if case.net.activation != "relu":
        return True
    z = case.net.gradients(case.X, case.Y).z
    return all(np.abs(zi).min() >= margin for zi in z[1:-1])


def assert_close(actual, expected, rtol, atol=1e-12, what=""):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=what)


# --------------------------------------------------------------------------------------
# 1. Backprop equals an independent reference
# --------------------------------------------------------------------------------------


@FAST
@given(cases())
def test_backprop_matches_scalar_autodiff(case: Case):
    assume(away_from_relu_kinks(case))
    net, X, Y = case.net, case.X, case.Y
    g = net.gradients(X, Y)
    loss, z, delta, dW, db = reference_batch(net, X, Y)

    assert g.loss == pytest.approx(loss, rel=1e-9, abs=1e-12)
    assert len(g.z) == len(g.delta) == len(net.sizes)
    for i in range(len(net.sizes)):
        assert_close(g.z[i], z[i], 1e-9, what=f"z^{i + 1}")
        assert_close(g.delta[i], delta[i], 1e-9, what=f"δ^{i + 1}")
    for k in range(len(net.W)):
        assert_close(g.dW[k], dW[k], 1e-9, what=f"dW^{k + 1}")
        assert_close(g.db[k], db[k], 1e-9, what=f"db^{k + 1}")


@settings(max_examples=60, deadline=None)
@given(cases(batches=st.integers(1, 4)))
def test_every_delta_is_the_derivative_of_the_sample_loss_wrt_z(case: Case):
    """δ^i[r, j] = ∂L_r/∂z^i_j by central differences, forwarding from a perturbed z^i."""
    assume(away_from_relu_kinks(case, margin=1e-3))
    net, X, Y = case.net, case.X, case.Y
    g = net.gradients(X, Y)
    h = 1e-6
    for i in range(len(net.sizes)):
        numeric = np.empty_like(g.z[i])
        for r in range(len(X)):
            for j in range(net.sizes[i]):
                zp, zm = g.z[i][r].copy(), g.z[i][r].copy()
                zp[j] += h
                zm[j] -= h
                numeric[r, j] = (
                    per_sample_loss_from(net, i, zp, Y[r]) - per_sample_loss_from(net, i, zm, Y[r])
                ) / (2 * h)
        assert_close(g.delta[i], numeric, rtol=1e-6, atol=1e-8, what=f"δ^{i + 1}")


@settings(max_examples=60, deadline=None)
@given(cases(batches=st.integers(1, 4)))
def test_dW_db_match_finite_differences_of_the_batch_loss(case: Case):
    assume(away_from_relu_kinks(case, margin=1e-3))
    net, X, Y = case.net, case.X, case.Y
    g = net.gradients(X, Y)
    h = 1e-6

    def batch_loss() -> float:  # the test's own forward pass, not the core's
        return sum(per_sample_loss_from(net, 0, x, y) for x, y in zip(X, Y)) / len(X)

    for grads, params in ((g.dW, net.W), (g.db, net.b)):
        for k, P in enumerate(params):
            numeric = np.empty_like(P)
            for idx in np.ndindex(P.shape):
                old = P[idx]
                P[idx] = old + h
                plus = batch_loss()
                P[idx] = old - h
                minus = batch_loss()
                P[idx] = old
                numeric[idx] = (plus - minus) / (2 * h)
            assert_close(grads[k], numeric, rtol=1e-6, atol=1e-8, what=f"layer {k + 1}")


# --------------------------------------------------------------------------------------
# 2. Each seed formula on a 2-2-2 network worked by hand
# --------------------------------------------------------------------------------------


def hand_network(activation: str = "identity", loss: str = "mse") -> Network:
    net = Network([2, 2, 2], activation=activation, loss=loss, seed=0)
    net.W = [np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[0.5, 0.0], [-1.0, 1.0]])]
    net.b = [np.array([[0.0, 1.0]]), np.array([[1.0, -2.0]])]
    return net


X_HAND = np.array([[1.0, 2.0]])
# z^2 = x W^1 + b^1 = [1·1 + 2·0.5 + 0, 1·(−1) + 2·2 + 1] = [2, 4]
Z2_HAND = [2.0, 4.0]
# identity: a^2 = z^2; y = z^3 = z^2 W^2 + b^2 = [2·0.5 + 4·(−1) + 1, 2·0 + 4·1 − 2] = [−2, 2]
Y_OUT_HAND = [-2.0, 2.0]


def test_forward_by_hand_identity():
    g = hand_network().gradients(X_HAND, [[0.0, 1.0]])
    np.testing.assert_array_equal(g.z[0], X_HAND)  # z^1 = x
    np.testing.assert_allclose(g.z[1], [Z2_HAND], rtol=1e-12)
    np.testing.assert_allclose(g.z[2], [Y_OUT_HAND], rtol=1e-12)


def test_formula_19_mse_loss_by_hand():
    g = hand_network().gradients(X_HAND, [[0.0, 1.0]])
    # (19) L = ½ Σ (y − y*)² = ½ ((−2 − 0)² + (2 − 1)²) = ½ (4 + 1) = 2.5
    assert g.loss == pytest.approx(2.5, rel=1e-12)


def test_formula_21_mse_output_delta_by_hand():
    g = hand_network().gradients(X_HAND, [[0.0, 1.0]])
    # (21) δ^3 = y − y* = [−2 − 0, 2 − 1] = [−2, 1]
    np.testing.assert_allclose(g.delta[2], [[-2.0, 1.0]], rtol=1e-12)


def test_formula_8_dW_by_hand():
    g = hand_network().gradients(X_HAND, [[0.0, 1.0]])
    # (8) ∂L/∂W^2 = (z^2)^T δ^3 = [[2], [4]] [−2, 1] = [[−4, 2], [−8, 4]]
    np.testing.assert_allclose(g.dW[1], [[-4.0, 2.0], [-8.0, 4.0]], rtol=1e-12)
    # δ^2 = [−1, 3] (see (15) below); ∂L/∂W^1 = x^T δ^2 = [[1], [2]] [−1, 3] = [[−1, 3], [−2, 6]]
    np.testing.assert_allclose(g.dW[0], [[-1.0, 3.0], [-2.0, 6.0]], rtol=1e-12)


def test_formula_9_db_by_hand():
    g = hand_network().gradients(X_HAND, [[0.0, 1.0]])
    # (9) ∂L/∂b^2 = δ^3 = [−2, 1]; ∂L/∂b^1 = δ^2 = [−1, 3]
    np.testing.assert_allclose(g.db[1], [[-2.0, 1.0]], rtol=1e-12)
    np.testing.assert_allclose(g.db[0], [[-1.0, 3.0]], rtol=1e-12)


def test_formula_15_hidden_delta_by_hand():
    g = hand_network().gradients(X_HAND, [[0.0, 1.0]])
    # (15) δ^2 = δ^3 (W^2)^T, (W^2)^T = [[0.5, −1], [0, 1]]:
    #      [−2·0.5 + 1·0, −2·(−1) + 1·1] = [−1, 3]
    np.testing.assert_allclose(g.delta[1], [[-1.0, 3.0]], rtol=1e-12)
    # δ^1 = δ^2 (W^1)^T, (W^1)^T = [[1, 0.5], [−1, 2]]:
    #      [−1·1 + 3·(−1), −1·0.5 + 3·2] = [−4, 5.5]
    np.testing.assert_allclose(g.delta[0], [[-4.0, 5.5]], rtol=1e-12)


def test_formulas_17_18_sgd_update_by_hand():
    net = hand_network()
    net.step(X_HAND, [[0.0, 1.0]], lr=0.1)
    # (17) W ← W − η ∂L/∂W, η = 0.1:
    #   W^1: [[1 − 0.1·(−1), −1 − 0.1·3], [0.5 − 0.1·(−2), 2 − 0.1·6]] = [[1.1, −1.3], [0.7, 1.4]]
    #   W^2: [[0.5 − 0.1·(−4), 0 − 0.1·2], [−1 − 0.1·(−8), 1 − 0.1·4]] = [[0.9, −0.2], [−0.2, 0.6]]
    np.testing.assert_allclose(net.W[0], [[1.1, -1.3], [0.7, 1.4]], rtol=1e-12)
    np.testing.assert_allclose(net.W[1], [[0.9, -0.2], [-0.2, 0.6]], rtol=1e-12)
    # (18) b ← b − η ∂L/∂b:
    #   b^1: [0 − 0.1·(−1), 1 − 0.1·3] = [0.1, 0.7];  b^2: [1 − 0.1·(−2), −2 − 0.1·1] = [1.2, −2.1]
    np.testing.assert_allclose(net.b[0], [[0.1, 0.7]], rtol=1e-12)
    np.testing.assert_allclose(net.b[1], [[1.2, -2.1]], rtol=1e-12)


# Cross-entropy on the same network: y = [−2, 2].
# (22) a = [e^−2, e^2] / (e^−2 + e^2) = [1/(1 + e^4), 1/(1 + e^−4)]
S_HAND = 1.0 / (1.0 + math.exp(4.0))  # a_1 ≈ 0.0180


def test_formula_22_softmax_by_hand():
    probs = hand_network(loss="cross_entropy").predict(X_HAND)
    np.testing.assert_allclose(probs, [[S_HAND, 1.0 / (1.0 + math.exp(-4.0))]], rtol=1e-12)


def test_formula_23_cross_entropy_loss_by_hand():
    net = hand_network(loss="cross_entropy")
    # one-hot y* = [0, 1]: (23) L = −log a_2 = log(1 + e^−4)
    assert net.gradients(X_HAND, [[0.0, 1.0]]).loss == pytest.approx(math.log(1 + math.exp(-4.0)), rel=1e-12)
    # soft y* = [0.25, 0.75]: L = −0.25 log a_1 − 0.75 log a_2 = 0.25 log(1 + e^4) + 0.75 log(1 + e^−4)
    expected = 0.25 * math.log(1 + math.exp(4.0)) + 0.75 * math.log(1 + math.exp(-4.0))
    assert net.gradients(X_HAND, [[0.25, 0.75]]).loss == pytest.approx(expected, rel=1e-12)


def test_formula_25_cross_entropy_output_delta_by_hand():
    net = hand_network(loss="cross_entropy")
    s = S_HAND
    # (25) δ^3 = a − y* = [s − 0, (1 − s) − 1] = [s, −s]
    g = net.gradients(X_HAND, [[0.0, 1.0]])
    np.testing.assert_allclose(g.delta[2], [[s, -s]], rtol=1e-12)
    # and it flows back by (15)/(8): δ^2 = [s·0.5 + (−s)·0, s·(−1) + (−s)·1] = [0.5 s, −2 s]
    np.testing.assert_allclose(g.delta[1], [[0.5 * s, -2 * s]], rtol=1e-12)
    # (8) ∂L/∂W^2 = (z^2)^T δ^3 = [[2s, −2s], [4s, −4s]]
    np.testing.assert_allclose(g.dW[1], [[2 * s, -2 * s], [4 * s, -4 * s]], rtol=1e-12)
    # soft y* = [0.25, 0.75]: δ^3 = [s − 0.25, (1 − s) − 0.75]
    g = net.gradients(X_HAND, [[0.25, 0.75]])
    np.testing.assert_allclose(g.delta[2], [[s - 0.25, 0.25 - s]], rtol=1e-12)


def test_tanh_hidden_delta_by_hand():
    """δ^2 = δ^3 (W^2)^T ⊙ (1 − tanh²(z^2)), and ∂L/∂W^2 uses a^2 = tanh(z^2)."""
    net = hand_network(activation="tanh", loss="mse")
    g = net.gradients(X_HAND, [[0.0, 1.0]])
    t2, t4 = math.tanh(2.0), math.tanh(4.0)
    # z^2 = [2, 4] as before (the input layer has no activation); a^2 = [tanh 2, tanh 4]
    np.testing.assert_allclose(g.z[1], [[2.0, 4.0]], rtol=1e-12)
    np.testing.assert_allclose(g.a[1], [[t2, t4]], rtol=1e-12)
    # y = a^2 W^2 + b^2 = [0.5 t2 − t4 + 1, t4 − 2]; δ^3 = y − [0, 1]
    d3 = [0.5 * t2 - t4 + 1.0, t4 - 2.0 - 1.0]
    np.testing.assert_allclose(g.delta[2], [d3], rtol=1e-12)
    # δ^3 (W^2)^T = [0.5 d3_1, −d3_1 + d3_2], then ⊙ [1 − t2², 1 − t4²]
    d2 = [0.5 * d3[0] * (1 - t2**2), (-d3[0] + d3[1]) * (1 - t4**2)]
    np.testing.assert_allclose(g.delta[1], [d2], rtol=1e-12)
    # (8) with activations: ∂L/∂W^2 = (a^2)^T δ^3
    np.testing.assert_allclose(g.dW[1], [[t2 * d3[0], t2 * d3[1]], [t4 * d3[0], t4 * d3[1]]], rtol=1e-12)
    # δ^1 = δ^2 (W^1)^T with no activation factor: [d2_1 − d2_2, 0.5 d2_1 + 2 d2_2]
    np.testing.assert_allclose(g.delta[0], [[d2[0] - d2[1], 0.5 * d2[0] + 2 * d2[1]]], rtol=1e-12)


# --------------------------------------------------------------------------------------
# 3. Identity activations, B = 1: the derivation's single-sample formulas exactly
# --------------------------------------------------------------------------------------


@FAST
@given(cases(activations=("identity",), batches=st.just(1)))
def test_identity_single_sample_is_the_derivations_formulas(case: Case):
    net, X, Y = case.net, case.X, case.Y
    g = net.gradients(X, Y)
    n = len(net.sizes)
    # the derivation's forward: z^1 = x, z^{i+1} = z^i W^i + b^i, y = z^n
    z = [X]
    for W, b in zip(net.W, net.b):
        z.append(z[-1] @ W + b)
    for i in range(n):
        np.testing.assert_allclose(g.z[i], z[i], rtol=1e-12, atol=1e-15)
    # (21)/(25) δ^n
    y = z[-1]
    a = np.exp(y - y.max()) / np.exp(y - y.max()).sum()
    delta_n = y - Y if net.loss == "mse" else a - Y
    np.testing.assert_allclose(g.delta[-1], delta_n, rtol=1e-12, atol=1e-15)
    for l in range(n - 1):
        # (16) δ^{l+1} = δ^n (W^{n-1})^T … (W^{l+1})^T, the whole chain at once
        chain = delta_n
        for k in range(n - 2, l, -1):
            chain = chain @ net.W[k].T
        np.testing.assert_allclose(g.delta[l + 1], chain, rtol=1e-12, atol=1e-15)
        # (5)/(8) ∂L/∂W^l = (z^l)^T δ^{l+1}; (6)/(9) ∂L/∂b^l = δ^{l+1}
        np.testing.assert_allclose(g.dW[l], z[l].T @ chain, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(g.db[l], chain, rtol=1e-12, atol=1e-15)
    # and δ^1 = δ^n (W^{n-1})^T … (W^1)^T
    chain = delta_n
    for k in range(n - 2, -1, -1):
        chain = chain @ net.W[k].T
    np.testing.assert_allclose(g.delta[0], chain, rtol=1e-12, atol=1e-15)


# --------------------------------------------------------------------------------------
# 4. Batch convention
# --------------------------------------------------------------------------------------


@FAST
@given(cases(batches=st.integers(2, 8)))
def test_batch_is_the_mean_of_single_samples(case: Case):
    net, X, Y = case.net, case.X, case.Y
    g = net.gradients(X, Y)
    singles = [net.gradients(X[r : r + 1], Y[r : r + 1]) for r in range(len(X))]
    B = len(X)
    assert g.loss == pytest.approx(sum(s.loss for s in singles) / B, rel=1e-12, abs=1e-14)
    for k in range(len(net.W)):
        np.testing.assert_allclose(g.dW[k], sum(s.dW[k] for s in singles) / B, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(g.db[k], sum(s.db[k] for s in singles) / B, rtol=1e-10, atol=1e-13)
    for i in range(len(net.sizes)):  # δ rows are per sample: no 1/B in them
        rows = np.vstack([s.delta[i] for s in singles])
        np.testing.assert_allclose(g.delta[i], rows, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(g.z[i], np.vstack([s.z[i] for s in singles]), rtol=1e-12, atol=1e-14)


def test_duplicating_the_batch_changes_nothing():
    case = make_case([3, 4, 2], "tanh", "cross_entropy", 5, 1, 2)
    g1 = case.net.gradients(case.X, case.Y)
    g2 = case.net.gradients(np.vstack([case.X, case.X]), np.vstack([case.Y, case.Y]))
    assert g2.loss == pytest.approx(g1.loss, rel=1e-12)
    for k in range(len(g1.dW)):
        np.testing.assert_allclose(g2.dW[k], g1.dW[k], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(g2.db[k], g1.db[k], rtol=1e-12, atol=1e-15)


# --------------------------------------------------------------------------------------
# 5. Contract: shapes, types, seeding, initialisation
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[2, 1], [2, 8, 8, 2], [5, 3, 7, 1, 4]])
@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_contract_shapes_and_types(sizes, loss):
    if loss == "cross_entropy" and sizes[-1] == 1:  # softmax needs two outputs; the core refuses one
        sizes = [*sizes[:-1], 2]
    net = Network(sizes=sizes, activation="tanh", loss=loss, seed=3)
    assert net.sizes == sizes and isinstance(net.sizes, list)
    n = len(sizes)
    assert len(net.W) == len(net.b) == n - 1
    for k in range(n - 1):
        assert net.W[k].dtype == np.float64 and net.W[k].shape == (sizes[k], sizes[k + 1])
        assert net.b[k].dtype == np.float64 and net.b[k].shape == (1, sizes[k + 1])
        np.testing.assert_array_equal(net.b[k], 0.0)  # b starts at zero
        assert np.isfinite(net.W[k]).all() and np.any(net.W[k] != 0)
    B = 3
    case = make_case(sizes, "tanh", loss, B, 3, 4)
    g = case.net.gradients(case.X, case.Y)
    assert isinstance(g.loss, float)
    assert len(g.z) == len(g.a) == len(g.delta) == n
    assert len(g.dW) == len(g.db) == n - 1
    for i in range(n):
        assert g.z[i].shape == g.a[i].shape == g.delta[i].shape == (B, sizes[i])
    for k in range(n - 1):
        assert g.dW[k].shape == net.W[k].shape and g.db[k].shape == net.b[k].shape
    np.testing.assert_array_equal(g.z[0], case.X)
    np.testing.assert_array_equal(g.a[0], case.X)
    np.testing.assert_array_equal(g.a[-1], g.z[-1])  # the output has no activation: y = z^n


def test_predict_mse_returns_y():
    case = make_case([3, 5, 2], "sigmoid", "mse", 4, 7, 8)
    y = case.net.predict(case.X)
    np.testing.assert_array_equal(y, case.net.gradients(case.X, case.Y).z[-1])


def test_predict_cross_entropy_returns_probability_rows():
    case = make_case([3, 5, 4], "relu", "cross_entropy", 6, 7, 8)
    probs = case.net.predict(case.X)
    y = case.net.gradients(case.X, case.Y).z[-1]
    expected = np.exp(y) / np.exp(y).sum(axis=1, keepdims=True)  # (22), small logits: no overflow
    np.testing.assert_allclose(probs, expected, rtol=1e-12)
    assert probs.shape == (6, 4) and (probs > 0).all()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-14)


def test_gradients_and_predict_do_not_change_parameters():
    case = make_case([3, 4, 2], "tanh", "mse", 4, 0, 1)
    W0, b0 = [w.copy() for w in case.net.W], [b.copy() for b in case.net.b]
    case.net.gradients(case.X, case.Y)
    case.net.predict(case.X)
    case.net.batch_loss(case.X, case.Y)
    for k in range(len(W0)):
        np.testing.assert_array_equal(case.net.W[k], W0[k])
        np.testing.assert_array_equal(case.net.b[k], b0[k])


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_same_seed_same_bits_different_seed_different(activation):
    sizes = [4, 6, 5, 3]
    a = Network(sizes, activation=activation, loss="mse", seed=42)
    b = Network(sizes, activation=activation, loss="mse", seed=42)
    c = Network(sizes, activation=activation, loss="mse", seed=43)
    assert all(np.array_equal(x, y) for x, y in zip(a.W, b.W))
    assert all(np.array_equal(x, y) for x, y in zip(a.b, b.b))
    assert all(not np.array_equal(x, y) for x, y in zip(a.W, c.W))


def test_seed_does_not_depend_on_loss():
    a = Network([3, 4, 2], activation="tanh", loss="mse", seed=9)
    b = Network([3, 4, 2], activation="tanh", loss="cross_entropy", seed=9)
    assert all(np.array_equal(x, y) for x, y in zip(a.W, b.W))


@pytest.mark.parametrize(
    ("activation", "scale"),
    [
        ("tanh", math.sqrt(2.0 / (1000 + 500))),  # Xavier/Glorot
        ("sigmoid", math.sqrt(2.0 / (1000 + 500))),
        ("identity", math.sqrt(2.0 / (1000 + 500))),
        ("relu", math.sqrt(2.0 / 1000)),  # He
    ],
)
def test_initial_scale_xavier_or_he(activation, scale):
    W = Network([1000, 500], activation=activation, loss="mse", seed=1).W[0]
    assert abs(W.mean()) < 0.01 * scale  # mean ≈ 0 (its standard error is σ/√N ≈ 0.0014 σ)
    assert W.std() == pytest.approx(scale, rel=0.01)


def test_count_parameters():
    # [2, 3, 1]: W^1 2·3 + b^1 3 + W^2 3·1 + b^2 1 = 6 + 3 + 3 + 1 = 13
    assert count_parameters([2, 3, 1]) == 13
    net = Network([4, 6, 5, 3], seed=0)
    assert count_parameters(net.sizes) == sum(w.size for w in net.W) + sum(b.size for b in net.b)


# --------------------------------------------------------------------------------------
# 6. Numerically stable cross-entropy
# --------------------------------------------------------------------------------------


def logit_network(logits) -> Network:
    """A 2-layer net whose output is exactly `logits` for an input of zeros."""
    net = Network([2, len(logits)], activation="identity", loss="cross_entropy", seed=0)
    net.b = [np.array([logits], dtype=float)]
    return net


def test_cross_entropy_stable_for_huge_logits():
    net = logit_network([1000.0, -1000.0])
    X = np.zeros((1, 2))
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # e^−2000 may underflow to 0
        g_wrong = net.gradients(X, [[0.0, 1.0]])
        g_right = net.gradients(X, [[1.0, 0.0]])
        probs = net.predict(X)
    # −log a_2 = −(−1000 − log(e^1000 + e^−1000)) = 2000 + log(1 + e^−2000) = 2000
    assert g_wrong.loss == pytest.approx(2000.0, rel=1e-12)
    assert g_right.loss == pytest.approx(0.0, abs=1e-12)
    for g in (g_wrong, g_right):
        assert all(np.isfinite(d).all() for d in g.delta + g.dW + g.db)
    np.testing.assert_allclose(g_wrong.delta[-1], [[1.0, -1.0]], atol=1e-12)  # (25) a − y*
    np.testing.assert_allclose(probs, [[1.0, 0.0]], atol=1e-12)
    assert np.isfinite(probs).all()


@pytest.mark.parametrize("logits", [[1000.0, 1000.0, 1000.0], [-1000.0, -1000.0], [700.0, -700.0, 0.0]])
def test_softmax_rows_sum_to_one_at_extremes(logits):
    net = logit_network(logits)
    probs = net.predict(np.zeros((3, 2)))
    assert np.isfinite(probs).all()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-14)
    g = net.gradients(np.zeros((1, 2)), [np.eye(len(logits))[0]])
    assert math.isfinite(g.loss) and all(np.isfinite(d).all() for d in g.delta + g.dW + g.db)


def test_equal_huge_logits_give_uniform_probabilities():
    probs = logit_network([1000.0, 1000.0]).predict(np.zeros((1, 2)))
    np.testing.assert_allclose(probs, [[0.5, 0.5]], rtol=1e-14)


# --------------------------------------------------------------------------------------
# 7. SGD
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.1, 0.75, 1e-3])
def test_step_applies_exactly_W_minus_lr_dW(lr):
    case = make_case([3, 5, 4, 2], "tanh", "cross_entropy", 6, 11, 12)
    net = case.net
    before = net.gradients(case.X, case.Y)
    W0, b0 = [w.copy() for w in net.W], [b.copy() for b in net.b]
    g = net.step(case.X, case.Y, lr)
    assert g.loss == before.loss
    for k in range(len(W0)):
        np.testing.assert_array_equal(g.dW[k], before.dW[k])  # the gradients it used
        np.testing.assert_array_equal(net.W[k], W0[k] - lr * before.dW[k])  # (17)
        np.testing.assert_array_equal(net.b[k], b0[k] - lr * before.db[k])  # (18)
    assert net.gradients(case.X, case.Y).loss < before.loss  # a small step goes downhill


def xor_data(n: int = 64, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    label = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X, np.eye(2)[label]


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_training_on_xor_halves_the_loss(activation, seed):
    X, Y = xor_data()
    net = Network([2, 8, 2], activation=activation, loss="cross_entropy", seed=seed)
    start = net.gradients(X, Y).loss
    losses = [net.step(X, Y, 0.5).loss for _ in range(200)]
    end = net.gradients(X, Y).loss
    assert end < 0.5 * start
    assert losses[0] == start  # step reports the loss before its own update


def test_training_mse_regression_converges():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(32, 3))
    Y = X @ np.array([[1.0, -2.0], [0.5, 0.0], [0.0, 3.0]]) + np.array([[0.3, -0.7]])
    net = Network([3, 2], activation="identity", loss="mse", seed=0)
    start = net.gradients(X, Y).loss
    for _ in range(300):
        net.step(X, Y, 0.1)
    assert net.gradients(X, Y).loss < 1e-6 * start  # a linear model fits linear data


# --------------------------------------------------------------------------------------
# 8. Bad input is rejected with a ValueError naming the argument
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sizes",
    [
        "2,3",
        5,
        None,
        {2: 3},
        [],
        [2],
        [2, 0],
        [0, 2],
        [2, -1],
        [2, 2.5],
        [2, True],
        [2, "3"],
        [2, None],
        [2] * (MAX_LAYERS + 1),
        [MAX_LAYER_SIZE + 1, 1],
        [1, MAX_LAYER_SIZE + 1],
    ],
    ids=repr,
)
def test_bad_sizes_rejected(sizes):
    with pytest.raises(ValueError, match=r"\bsizes\b"):
        Network(sizes)


def test_too_many_parameters_rejected_and_the_cap_is_inclusive():
    at_cap, over_cap = [999, 1000], [1000, 1000]  # (999 + 1)·1000 = 10^6; (1000 + 1)·1000 > 10^6
    assert count_parameters(at_cap) == MAX_PARAMETERS < count_parameters(over_cap)
    assert max(over_cap) <= MAX_LAYER_SIZE  # it is the parameter cap that must reject it
    Network(at_cap, seed=0)
    with pytest.raises(ValueError, match=r"\bsizes\b"):
        Network(over_cap)


def test_limits_are_inclusive():
    Network([2] * MAX_LAYERS)
    Network([MAX_LAYER_SIZE, 1], loss="mse")


@pytest.mark.parametrize("activation", ["softmax", "Tanh", "", None, 3])
def test_unknown_activation_rejected(activation):
    with pytest.raises(ValueError, match=r"\bactivation\b"):
        Network([2, 2], activation=activation)


@pytest.mark.parametrize("loss", ["mae", "MSE", "", None, 1])
def test_unknown_loss_rejected(loss):
    with pytest.raises(ValueError, match=r"\bloss\b"):
        Network([2, 2], loss=loss)


@pytest.mark.parametrize("bad", [["tanh"], {"mse": 1}])
def test_unhashable_activation_or_loss_rejected_with_value_error(bad):
    # Contract: bad input raises ValueError naming the argument, whatever its type.
    with pytest.raises(ValueError, match=r"\bactivation\b"):
        Network([2, 2], activation=bad)
    with pytest.raises(ValueError, match=r"\bloss\b"):
        Network([2, 2], loss=bad)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", None, True])
def test_bad_seed_rejected(seed):
    with pytest.raises(ValueError, match=r"\bseed\b"):
        Network([2, 2], seed=seed)


def assert_unchanged(net: Network, W_list, b_list, W_copy, b_copy):
    assert net.W is W_list and net.b is b_list
    for k in range(len(W_copy)):
        assert net.W[k] is W_list[k] and net.b[k] is b_list[k]
        np.testing.assert_array_equal(net.W[k], W_copy[k])
        np.testing.assert_array_equal(net.b[k], b_copy[k])


def snapshot(net: Network):
    return net.W, net.b, [w.copy() for w in net.W], [b.copy() for b in net.b]


GOOD_X = [[0.5, -1.0]]
NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "X",
    [
        [[1.0, 2.0, 3.0]],  # wrong width
        [[1.0]],
        [1.0, 2.0],  # one dimension
        [[[1.0, 2.0]]],  # three dimensions
        np.zeros((0, 2)),  # empty batch
        [[NAN, 0.0]],
        [[0.0, INF]],
        [[-INF, 0.0]],
    ],
    ids=repr,
)
@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_bad_X_rejected_and_nothing_changes(X, loss):
    net = Network([2, 3, 2], loss=loss, seed=0)
    state = snapshot(net)
    Y = np.zeros((0, 2)) if len(np.shape(X)) == 2 and np.shape(X)[0] == 0 else [[0.0, 1.0]]
    for call in (
        lambda: net.gradients(X, Y),
        lambda: net.step(X, Y, 0.1),
        lambda: net.predict(X),
        lambda: net.batch_loss(X, Y),
    ):
        with pytest.raises(ValueError, match=r"\bX\b"):
            call()
        assert_unchanged(net, *state)


@pytest.mark.parametrize(
    "X",
    [[["a", "b"]], [[1.0, 2.0], [3.0]], [[1j, 0.0]], "abc"],
    ids=["strings", "ragged", "complex", "a string"],
)
def test_non_numeric_X_rejected_naming_X(X):
    net = Network([2, 2], loss="mse", seed=0)
    with pytest.raises(ValueError, match=r"\bX\b"):
        net.gradients(X, [[0.0, 0.0]])


@pytest.mark.parametrize(
    "Y",
    [
        [[0.0, 1.0, 0.0]],  # wrong width
        [[0.0, 1.0], [1.0, 0.0]],  # wrong batch
        [0.0, 1.0],  # one dimension
        [[NAN, 1.0]],
        [[0.0, INF]],
    ],
    ids=repr,
)
@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_bad_Y_rejected_and_nothing_changes(Y, loss):
    net = Network([2, 3, 2], loss=loss, seed=0)
    state = snapshot(net)
    for call in (lambda: net.gradients(GOOD_X, Y), lambda: net.step(GOOD_X, Y, 0.1)):
        with pytest.raises(ValueError, match=r"\bY\b"):
            call()
        assert_unchanged(net, *state)


@pytest.mark.parametrize(
    "Y",
    [
        [[1.5, -0.5]],  # sums to 1 but negative
        [[-0.0001, 1.0001]],
        [[0.5, 0.4]],  # does not sum to 1
        [[1.0, 1.0]],
        [[0.0, 0.0]],
        [[0.0, 1.0], [0.3, 0.3]],  # one bad row among good ones
    ],
    ids=repr,
)
def test_cross_entropy_targets_must_be_probability_rows(Y):
    net = Network([2, 3, 2], loss="cross_entropy", seed=0)
    state = snapshot(net)
    X = np.zeros((len(Y), 2))
    for call in (lambda: net.gradients(X, Y), lambda: net.step(X, Y, 0.1)):
        with pytest.raises(ValueError, match=r"\bY\b"):
            call()
        assert_unchanged(net, *state)
    # the same numbers are fine targets for MSE
    Network([2, 3, 2], loss="mse", seed=0).gradients(X, Y)


def test_cross_entropy_accepts_float32_one_hot_and_soft_rows():
    net = Network([2, 3, 3], loss="cross_entropy", seed=0)
    net.gradients(np.zeros((2, 2)), np.eye(3, dtype=np.float32)[[0, 2]])
    net.gradients(np.zeros((1, 2)), np.array([[0.1, 0.2, 0.7]], dtype=np.float32))


@pytest.mark.parametrize("lr", [0, 0.0, -0.1, -1, NAN, INF, -INF, "0.1", True, False, None, [0.1]], ids=repr)
def test_bad_learning_rate_rejected_and_nothing_changes(lr):
    case = make_case([2, 3, 2], "tanh", "mse", 2, 0, 0)
    net = case.net
    state = snapshot(net)
    with pytest.raises(ValueError, match=r"\blr\b") as info:
        net.step(case.X, case.Y, lr)
    # rejected as a bad argument up front, not reported as a divergence after computing with it
    assert not isinstance(info.value, DivergedError)
    assert_unchanged(net, *state)


@pytest.mark.parametrize("lr", [1, 0.5, np.float64(0.1), np.float32(0.25), 1e-12])
def test_good_learning_rates_accepted(lr):
    case = make_case([2, 3, 2], "tanh", "mse", 2, 0, 0)
    W0 = case.net.W[0].copy()
    g = case.net.step(case.X, case.Y, lr)
    np.testing.assert_array_equal(case.net.W[0], W0 - float(lr) * g.dW[0])


# --------------------------------------------------------------------------------------
# 9. Divergence
# --------------------------------------------------------------------------------------


def assert_diverges(net: Network, X, Y, lr):
    state = snapshot(net)
    with pytest.raises(DivergedError, match=r"learning rate|\blr\b") as info:
        net.step(X, Y, lr)
    assert isinstance(info.value, ValueError)
    assert_unchanged(net, *state)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_overflowing_loss_diverges_and_keeps_weights():
    net = Network([2, 3, 2], activation="tanh", loss="mse", seed=0)
    assert_diverges(net, np.ones((2, 2)), np.full((2, 2), 1e200), 1e10)  # ½ (1e200)² = inf


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_huge_weights_diverge_and_keep_weights(loss):
    net = Network([2, 3, 3, 2], activation="identity", loss=loss, seed=0)
    net.W = [np.full_like(w, 1e300) for w in net.W]
    assert_diverges(net, np.ones((1, 2)), [[0.0, 1.0]], 0.1)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_finite_loss_but_overflowing_update_diverges():
    # [1, 1] identity, W = 0, b = 0, x = 1, y* = 1e150: y = 0, L = ½·1e300 (finite),
    # ∂L/∂W = x (y − y*) = −1e150, and W − 1e200·(−1e150) = 1e350 overflows.
    net = Network([1, 1], activation="identity", loss="mse", seed=0)
    net.W = [np.zeros((1, 1))]
    g = net.gradients([[1.0]], [[1e150]])
    assert math.isfinite(g.loss) and np.isfinite(g.dW[0]).all()
    assert_diverges(net, [[1.0]], [[1e150]], 1e200)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_network_still_trains_after_a_rejected_divergent_step():
    case = make_case([2, 4, 2], "tanh", "mse", 4, 0, 0)
    with pytest.raises(DivergedError):
        case.net.step(case.X, np.full_like(case.Y, 1e200), 1e10)
    before = case.net.gradients(case.X, case.Y).loss
    case.net.step(case.X, case.Y, 0.05)
    assert case.net.gradients(case.X, case.Y).loss < before


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_large_but_finite_parameters_do_not_count_as_divergence():
    # Contract: DivergedError only when the loss or a new parameter is not finite. Here
    # x = 0, so y = b, L is small and ∂L/∂W = x^T δ = 0: the step only moves b, and every
    # new parameter (W stays at 1e308, finite) is finite.
    net = Network([2, 2], activation="identity", loss="mse", seed=0)
    net.W = [np.full((2, 2), 1e308)]
    X, Y = np.zeros((1, 2)), np.ones((1, 2))
    g = net.step(X, Y, 0.1)
    assert math.isfinite(g.loss)
    np.testing.assert_array_equal(net.W[0], 1e308)
    np.testing.assert_allclose(net.b[0], [[0.1, 0.1]], rtol=1e-12)  # b − 0.1·(0 − 1)


def test_with_parameters_holds_the_given_W_b_and_leaves_the_network_alone():
    net = Network([2, 3, 2], activation="relu", loss="mse", seed=4)
    W, b = [np.ones((2, 3)), np.ones((3, 2))], [np.zeros((1, 3)), np.ones((1, 2))]
    before = [w.copy() for w in net.W]
    other = net.with_parameters(W, b)
    assert other.W[0] is W[0] and other.b[1] is b[1]  # not copied
    assert (other.sizes, other.activation, other.loss, other.seed) == ([2, 3, 2], "relu", "mse", 4)
    assert all(np.array_equal(w, w0) for w, w0 in zip(net.W, before))
    X = np.array([[1.0, -2.0]])
    np.testing.assert_allclose(other.forward(X)[0][-1], np.maximum(X @ W[0] + b[0], 0) @ W[1] + b[1])
    copied = net.copy()
    copied.W[0][0, 0] += 1.0
    assert not np.array_equal(copied.W[0], net.W[0])

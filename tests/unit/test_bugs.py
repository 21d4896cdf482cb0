"""Tests of explorer.model.bugs: with no bug the broken backward pass is the core's; each bug is
caught by the gradient check, where it acts; a bug-free network is never flagged.

Whether a bug acts on a layer is decided exactly (its gradient against the core's), and
the finite-difference check must agree: "wrong" where the gradient is far off, never
"wrong" where it is the core's. ReLU kinks (|z| near 0, where finite differences do not
estimate the derivative) are kept out of the random networks.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from explorer.core import Network
from explorer.model.bugs import BUGS, REASONS, BugShapeError, buggy_gradients, without_effect
from explorer.model.gradcheck import WRONG, gradient_check
from explorer.model.training import Config, Trainer
from explorer.notation import sup

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
# A bug "acts" on a layer when it moves that layer's gradient by more than this (relative).
ACTS = 1e-2


def make(sizes, activation, loss, batch, seed):
    """A network with non-zero biases (b = 0 puts ReLU inputs exactly on the kink) and a batch."""
    if loss == "cross_entropy" and sizes[-1] == 1:  # softmax needs two outputs; the core refuses one
        sizes = [*sizes[:-1], 2]
    net = Network(sizes, activation, loss, seed)
    rng = np.random.default_rng(seed)
    net.b = [rng.normal(scale=0.5, size=b.shape) for b in net.b]
    X = rng.normal(size=(batch, sizes[0]))
    Y = rng.normal(size=(batch, sizes[-1])) if loss == "mse" else np.eye(sizes[-1])[rng.integers(sizes[-1], size=batch)]
    return net, X, Y


def away_from_kinks(net: Network, X) -> bool:
    if net.activation != "relu":
        return True
    z, _ = net.forward(X)
    return all(np.abs(zl).min() > 1e-4 for zl in z[1:-1])


def relative(a: np.ndarray, b: np.ndarray) -> float:
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale else 0.0


def effect(net, X, Y, dW, db) -> list[float]:
    """Per layer (index k = layer k+1), how far the buggy gradients are from the core's."""
    g = net.gradients(X, Y)
    return [max(relative(dW[k], g.dW[k]), relative(db[k], g.db[k])) for k in range(len(net.W))]


def same_as_core(net, X, Y, dW, db, k) -> bool:
    g = net.gradients(X, Y)
    return np.array_equal(dW[k], g.dW[k]) and np.array_equal(db[k], g.db[k])


def assert_caught_where_it_acts(net, X, Y, dW, db) -> list:
    checks = gradient_check(net, X, Y, dW=dW, db=db)
    moved = effect(net, X, Y, dW, db)
    assume(max(moved) > ACTS)  # a bug that changes nothing cannot be caught
    for check, by in zip(checks, moved):
        if by > ACTS:
            assert check.verdict == "wrong", (check, by)
        if same_as_core(net, X, Y, dW, db, check.layer - 1):
            assert check.verdict != "wrong", check
    assert any(c.verdict == "wrong" for c in checks)
    return checks


def sizes_strategy(min_layers=3, max_layers=5, top=4, bottom=1):
    return st.lists(st.integers(bottom, top), min_size=min_layers, max_size=max_layers)


ACTIVATIONS = st.sampled_from(["tanh", "sigmoid", "relu", "identity"])
LOSSES = st.sampled_from(["mse", "cross_entropy"])
BATCH = st.integers(2, 5)
SEED = st.integers(0, 2**20)


# -- no bug: the core's gradients -------------------------------------------------------------


@SETTINGS
@given(sizes_strategy(min_layers=2), ACTIVATIONS, LOSSES, st.integers(1, 5), SEED)
def test_with_no_bug_the_gradients_are_the_cores(sizes, activation, loss, batch, seed):
    net, X, Y = make(sizes, activation, loss, batch, seed)
    g = net.gradients(X, Y)
    dW, db = buggy_gradients(net, X, Y, [])
    assert len(dW) == len(db) == len(net.W)
    for k in range(len(net.W)):
        assert np.array_equal(dW[k], g.dW[k]), f"dW^{k + 1}"
        assert np.allclose(db[k], g.db[k], rtol=1e-15, atol=1e-15), f"db^{k + 1}"


@SETTINGS
@given(sizes_strategy(min_layers=2), ACTIVATIONS, LOSSES, BATCH, SEED)
def test_no_bug_free_network_is_flagged(sizes, activation, loss, batch, seed):
    net, X, Y = make(sizes, activation, loss, batch, seed)
    assume(away_from_kinks(net, X))
    for check in gradient_check(net, X, Y):
        assert check.verdict != "wrong", check
        assert check.error < WRONG


def test_a_seeded_relu_network_before_its_first_step_is_not_flagged():
    t = Trainer.from_config(Config(dataset="xor", hidden=(8, 8), activation="relu", batch=16))
    batch = t.next_batch()
    checks = gradient_check(t.net, batch.X, batch.Y)
    assert [c.verdict for c in checks if c.verdict == "wrong"] == [], checks


# -- each bug is caught, where it acts ---------------------------------------------------------


@SETTINGS
@given(sizes_strategy(), st.sampled_from(["tanh", "sigmoid", "relu"]), LOSSES, BATCH, SEED)
def test_forgetting_the_activation_derivative_is_caught_below_the_last_layer(sizes, activation, loss, batch, seed):
    net, X, Y = make(sizes, activation, loss, batch, seed)
    assume(away_from_kinks(net, X))
    dW, db = buggy_gradients(net, X, Y, ["no_activation_derivative"])
    last = len(net.W) - 1
    assert same_as_core(net, X, Y, dW, db, last)  # (8), (9) of the last layer use δ^n only
    checks = assert_caught_where_it_acts(net, X, Y, dW, db)
    assert checks[last].verdict != "wrong"


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_forgetting_the_activation_derivative_leaves_the_last_layer_right_and_earlier_ones_wrong(activation):
    net, X, Y = make([3, 4, 4, 3], activation, "cross_entropy", 5, seed=11)
    dW, db = buggy_gradients(net, X, Y, ["no_activation_derivative"])
    assert [c.verdict for c in gradient_check(net, X, Y, dW=dW, db=db)] == ["wrong", "wrong", "good"]


def test_forgetting_the_activation_derivative_changes_nothing_for_the_identity():
    net, X, Y = make([3, 4, 2], "identity", "mse", 4, seed=2)
    g = net.gradients(X, Y)
    dW, db = buggy_gradients(net, X, Y, ["no_activation_derivative"])
    assert all(np.array_equal(a, b) for a, b in zip(dW + db, g.dW + g.db))


@SETTINGS
@given(sizes_strategy(min_layers=2), ACTIVATIONS, LOSSES, BATCH, SEED)
def test_forgetting_the_batch_mean_multiplies_by_B_and_is_caught_in_every_layer(sizes, activation, loss, batch, seed):
    net, X, Y = make(sizes, activation, loss, batch, seed)
    assume(away_from_kinks(net, X))
    g = net.gradients(X, Y)
    dW, db = buggy_gradients(net, X, Y, ["no_batch_mean"])
    for k in range(len(net.W)):
        assert np.allclose(dW[k], batch * g.dW[k], rtol=1e-12, atol=1e-15)
        assert np.allclose(db[k], batch * g.db[k], rtol=1e-12, atol=1e-15)
    checks = assert_caught_where_it_acts(net, X, Y, dW, db)
    for check, dWk, dbk in zip(checks, g.dW, g.db):
        if np.linalg.norm(dWk) + np.linalg.norm(dbk) > 1e-6:
            assert check.verdict == "wrong"  # (B − 1)/(B + 1) ≥ 1/3 relative


@pytest.mark.parametrize("activation", ["tanh", "relu", "identity"])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_forgetting_the_batch_mean_with_one_sample_changes_nothing(activation, loss):
    net, X, Y = make([3, 4, 2], activation, loss, 1, seed=5)
    g = net.gradients(X, Y)
    dW, db = buggy_gradients(net, X, Y, ["no_batch_mean"])
    assert all(np.array_equal(a, b) for a, b in zip(dW + db, g.dW + g.db))


@SETTINGS
@given(st.integers(2, 4), st.integers(3, 5), st.integers(1, 4), ACTIVATIONS, LOSSES, BATCH, SEED)
def test_W_instead_of_its_transpose_is_caught_when_the_shapes_fit(width, layers, n_in, activation, loss, batch, seed):
    sizes = [n_in] + [width] * (layers - 1)  # W^2 … W^{n-1} square: δ W^l is defined
    net, X, Y = make(sizes, activation, loss, batch, seed)
    assume(away_from_kinks(net, X))
    dW, db = buggy_gradients(net, X, Y, ["W_not_transposed"])
    last = len(net.W) - 1
    assert same_as_core(net, X, Y, dW, db, last)
    checks = assert_caught_where_it_acts(net, X, Y, dW, db)
    assert checks[last].verdict != "wrong"


def test_W_instead_of_its_transpose_on_square_layers_3_3_3_3():
    net, X, Y = make([3, 3, 3, 3], "tanh", "cross_entropy", 4, seed=1)
    dW, db = buggy_gradients(net, X, Y, ["W_not_transposed"])
    assert [c.verdict for c in gradient_check(net, X, Y, dW=dW, db=db)] == ["wrong", "wrong", "good"]


def expected_shape_error_layer(sizes) -> int | None:
    """The derivation's layer l whose (15) δ^{l+1} W^l is undefined first, going backwards."""
    for k in range(len(sizes) - 2, 0, -1):  # W[k] is W^{k+1}, (|l_{k+1}| × |l_{k+2}|)
        if sizes[k] != sizes[k + 1]:
            return k + 1
    return None


@settings(max_examples=40, deadline=None)
@given(sizes_strategy(min_layers=3, top=5), BATCH, SEED)
def test_W_instead_of_its_transpose_names_the_layer_where_the_shapes_do_not_fit(sizes, batch, seed):
    net, X, Y = make(sizes, "tanh", "mse", batch, seed)
    layer = expected_shape_error_layer(sizes)
    if layer is None:
        buggy_gradients(net, X, Y, ["W_not_transposed"])  # every product defined: no error
        return
    with pytest.raises(BugShapeError) as caught:
        buggy_gradients(net, X, Y, ["W_not_transposed"])
    message = str(caught.value)
    assert f"(15) at layer {layer}:" in message
    assert f"W{sup(layer)} is {sizes[layer - 1]}×{sizes[layer]}" in message
    assert f"δ{sup(layer + 1)} is {batch}×{sizes[layer]}" in message
    assert isinstance(caught.value, ValueError)


def test_W_instead_of_its_transpose_on_2_4_3_2_fails_at_layer_3():
    net, X, Y = make([2, 4, 3, 2], "tanh", "cross_entropy", 4, seed=0)
    with pytest.raises(BugShapeError, match=r"\(15\) at layer 3: δ⁴ is 4×2 and W³ is 3×2"):
        buggy_gradients(net, X, Y, ["W_not_transposed"])


# -- the bugs never touch the network ---------------------------------------------------------


ALL_COMBINATIONS = [list(c) for r in range(len(BUGS) + 1) for c in itertools.combinations(BUGS, r)]


@pytest.mark.parametrize("sizes", [[3, 3, 3, 3], [2, 4, 3, 2]])
@pytest.mark.parametrize("chosen", ALL_COMBINATIONS, ids=lambda c: "+".join(c) or "none")
def test_buggy_gradients_never_change_the_network(sizes, chosen):
    net, X, Y = make(sizes, "tanh", "cross_entropy", 4, seed=3)
    W_lists, b_lists = net.W, net.b
    W, b = [w.copy() for w in net.W], [v.copy() for v in net.b]
    X_before, Y_before = X.copy(), Y.copy()
    try:
        dW, db = buggy_gradients(net, X, Y, chosen)
    except BugShapeError:
        pass
    else:
        assert all(not np.shares_memory(d, p) for d in dW + db for p in net.W + net.b)
    assert net.W is W_lists and net.b is b_lists
    assert all(np.array_equal(x, y) for x, y in zip(net.W + net.b, W + b))
    assert np.array_equal(X, X_before) and np.array_equal(Y, Y_before)


@pytest.mark.parametrize("chosen", [["nope"], ["no_batch_mean", "no_activation_derivatives"], "no_batch_mean"])
def test_unknown_bug_names_are_rejected(chosen):
    net, X, Y = make([2, 3, 2], "tanh", "mse", 3, seed=0)
    with pytest.raises(ValueError, match="unknown bugs") as caught:
        buggy_gradients(net, X, Y, chosen)
    assert not isinstance(caught.value, BugShapeError)
    for name in BUGS:
        assert name in str(caught.value)


def test_every_bug_has_a_description():
    assert set(BUGS) == {"no_activation_derivative", "no_batch_mean", "W_not_transposed"}
    assert all(isinstance(text, str) and text for text in BUGS.values())


# -- a bug that changes nothing on this network and batch says why ------------------------------


def reason(net, X, Y, bug):
    """The reason key and its values that `without_effect` gives, or None."""
    message = without_effect(net, X, Y, bug)
    return None if message is None else (message.key, message.values)


def test_a_bug_that_acts_has_no_excuse():
    net, X, Y = make([3, 4, 4, 3], "tanh", "cross_entropy", 4, seed=1)
    for bug in BUGS:
        assert reason(net, X, Y, bug) is None, bug


def test_forgetting_1_over_B_with_one_sample():
    net, X, Y = make([3, 4, 2], "tanh", "mse", 1, seed=5)
    assert reason(net, X, Y, "no_batch_mean") == ("gc_none_batch1", {})


def test_forgetting_f_prime_with_the_identity():
    net, X, Y = make([3, 4, 4, 2], "identity", "mse", 4, seed=2)
    assert reason(net, X, Y, "no_activation_derivative") == ("gc_none_identity", {})


def test_forgetting_f_prime_when_every_relu_unit_is_on():
    net, X, Y = make([3, 4, 4, 2], "relu", "mse", 4, seed=2)
    net.W = [np.abs(W) for W in net.W]
    net.b = [np.full_like(b, 50.0) for b in net.b]  # every hidden z far above 0
    assert reason(net, X, Y, "no_activation_derivative") == ("gc_none_all_on", {})
    net.b[0][0, 1] = -50.0  # one unit off: f′ = 0 there, and forgetting it now acts
    assert reason(net, X, Y, "no_activation_derivative") is None


def test_W_instead_of_its_transpose_when_every_unit_of_the_top_hidden_layer_is_off():
    net, X, Y = make([2, 3, 3, 3], "relu", "cross_entropy", 5, seed=4)
    assert reason(net, X, Y, "W_not_transposed") is None
    net.b[1] = np.full_like(net.b[1], -50.0)  # z^3 ≤ 0 for every sample: δ^3 = 0 either way
    assert reason(net, X, Y, "W_not_transposed") == ("gc_none_all_off", {"layer": 3})
    dW, db = buggy_gradients(net, X, Y, ["W_not_transposed"])
    assert all(c.verdict == "good" for c in gradient_check(net, X, Y, dW=dW, db=db))


def test_W_instead_of_its_transpose_with_1x1_weights():
    net, X, Y = make([1, 1, 1, 1], "tanh", "mse", 3, seed=6)
    assert reason(net, X, Y, "W_not_transposed") == ("gc_none_symmetric", {})


@pytest.mark.parametrize("bug", ["no_activation_derivative", "W_not_transposed"])
def test_bugs_of_15_without_a_hidden_layer(bug):
    net, X, Y = make([3, 2], "tanh", "cross_entropy", 4, seed=7)
    assert reason(net, X, Y, bug) == ("gc_none_no_hidden", {})


def test_a_bug_that_crashes_has_no_excuse_and_its_error_carries_the_shapes():
    net, X, Y = make([2, 4, 3, 2], "tanh", "cross_entropy", 4, seed=0)
    assert reason(net, X, Y, "W_not_transposed") is None
    with pytest.raises(BugShapeError) as caught:
        buggy_gradients(net, X, Y, ["W_not_transposed"])
    assert (caught.value.layer, caught.value.delta, caught.value.W) == (3, (4, 2), (3, 2))


def test_every_reason_has_a_sentence_in_both_languages():
    from explorer.i18n import STRINGS
    assert set(REASONS) == {"batch1", "no_hidden", "identity", "all_on", "symmetric", "all_off", "same"}
    for key in REASONS.values():
        assert key in STRINGS["en"] and key in STRINGS["zh"]
    for bug in BUGS:
        assert f"bug_{bug}" in STRINGS["en"] and f"bug_{bug}" in STRINGS["zh"]

"""Tests of explorer.model.gradcheck: finite differences judge backprop's (or a broken) gradient."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from explorer import i18n
from explorer.core import ACTIVATIONS, LOSSES, Network
from explorer.model import training
from explorer.model.data import DATASETS, load
from explorer.model.gradcheck import (
    CHECK_BUDGET,
    EPS,
    GOOD,
    MAX_ENTRIES,
    MIN_ENTRIES,
    WRONG,
    Entry,
    LayerCheck,
    coverage,
    entry_errors,
    fits_all,
    gradient_check,
    merge,
    numeric_derivative,
    plan,
    relative_error,
    verdict,
)
from explorer.model.training import Config, Trainer
from explorer.notation import entry as written


def make_net(sizes, activation="tanh", loss="cross_entropy", seed=0, data_seed=0, batch=4):
    if loss == "cross_entropy" and sizes[-1] == 1:  # softmax needs two outputs; the core refuses one
        sizes = [*sizes[:-1], 2]
    net = Network(sizes, activation=activation, loss=loss, seed=seed)
    rng = np.random.default_rng(data_seed)
    net.b = [rng.normal(scale=0.5, size=b.shape) for b in net.b]  # b starts at 0: exercise it
    X = rng.normal(size=(batch, sizes[0]))
    if loss == "mse":
        Y = rng.normal(size=(batch, sizes[-1]))
    else:
        Y = np.eye(sizes[-1])[rng.integers(sizes[-1], size=batch)]
    return net, X, Y


def snapshot(net):
    return net.W, net.b, [w.copy() for w in net.W], [b.copy() for b in net.b]


def assert_unchanged(net, W_list, b_list, W_copy, b_copy):
    assert net.W is W_list and net.b is b_list
    for k in range(len(W_copy)):
        assert net.W[k] is W_list[k] and net.b[k] is b_list[k]
        np.testing.assert_array_equal(net.W[k], W_copy[k])
        np.testing.assert_array_equal(net.b[k], b_copy[k])


# --------------------------------------------------------------------------------------
# relative_error and verdict
# --------------------------------------------------------------------------------------


def test_relative_error_of_zeros_is_zero():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array(0.0), np.array(0.0)) == 0.0


def test_relative_error_values():
    x = np.array([3.0, -4.0])  # ‖x‖ = 5
    assert relative_error(x, x) == 0.0
    # ‖x − (−x)‖ / (‖x‖ + ‖−x‖) = 10 / 10 = 1
    assert relative_error(x, -x) == pytest.approx(1.0, rel=1e-15)
    # ‖2x − x‖ / (‖2x‖ + ‖x‖) = 5 / 15 = 1/3
    assert relative_error(2 * x, x) == pytest.approx(1 / 3, rel=1e-15)
    # one side zero: ‖x‖ / ‖x‖ = 1
    assert relative_error(x, np.zeros(2)) == pytest.approx(1.0, rel=1e-15)
    # symmetric, and scale-free
    y = np.array([3.0, -4.5])
    assert relative_error(x, y) == pytest.approx(relative_error(y, x), rel=1e-15)
    assert relative_error(1e-9 * x, 1e-9 * y) == pytest.approx(relative_error(x, y), rel=1e-12)


def test_thresholds_are_the_documented_ones():
    assert GOOD == 1e-6 and WRONG == 1e-4 and EPS == 1e-6


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (0.0, "good"),
        (1e-12, "good"),
        (1e-7, "good"),
        (9.99e-7, "good"),
        (1e-6, "doubtful"),
        (1.01e-6, "doubtful"),
        (5e-6, "doubtful"),
        (1e-4, "doubtful"),
        (1.01e-4, "wrong"),
        (0.5, "wrong"),
        (math.inf, "wrong"),
        (math.nan, "wrong"),
    ],
)
def test_verdict_thresholds(error, expected):
    assert verdict(error) == expected


def entry(error, param="W", layer=2, i=1, j=1):
    return Entry(param, layer, i, j, 1.0, 1.0, error)


def test_a_layer_is_judged_by_its_worst_entry_not_by_its_summary():
    check = LayerCheck(layer=2, W_error=1e-9, b_error=1e-9, checked=5, total=5, worst=entry(3e-3))
    assert check.error == 3e-3 and check.verdict == "wrong"
    check = LayerCheck(layer=2, W_error=2e-3, b_error=1e-10, checked=5, total=5, worst=entry(2e-6))
    assert check.summary == 2e-3 and check.verdict == "doubtful"
    assert LayerCheck(1, 1e-10, 2e-10, 1, 1, entry(1e-8)).verdict == "good"
    assert LayerCheck(1, 1e-10, 2e-10, 1, 1, entry(0.5), resolved=False).verdict == "unresolved"


def test_entries_are_named_in_the_seeds_1_based_indices():
    assert Entry("W", 2, 3, 5, 0.0, 0.0, 0.0).name == "W²₃,₅"
    assert Entry("b", 1, 1, 4, 0.0, 0.0, 0.0).name == "b¹₄"


def test_entry_errors_use_the_larger_size_or_the_floor():
    a, n = np.array([1.0, 1e-12, 0.0, -3e-3, 1e-9]), np.array([1.0 + 1e-9, 1.5e-12, 0.0, 1e-3, 2e-9])
    errors = entry_errors(a, n, floor=1e-6)
    assert errors[0] == pytest.approx(1e-9 / (1 + 1e-9), rel=1e-6)
    # both below the floor and within what finite differences resolve (GOOD·floor): against the floor
    assert errors[1] == pytest.approx(0.5e-12 / 1e-6)
    assert errors[2] == 0.0
    assert errors[3] == pytest.approx(4e-3 / 3e-3)  # a flipped and tripled entry
    assert errors[4] == pytest.approx(0.5)  # tiny, but differing by more than resolved: its own size


# --------------------------------------------------------------------------------------
# numeric_derivative
# --------------------------------------------------------------------------------------


def test_numeric_derivative_matches_backprop_and_restores_the_entry():
    net, X, Y = make_net([3, 4, 2], "tanh", "mse", seed=1, data_seed=2)
    g = net.gradients(X, Y)
    W = net.W[0]
    before = W.copy()
    for flat in range(W.size):
        numeric = numeric_derivative(net, W, flat, X, Y, 1e-6)
        assert numeric == pytest.approx(g.dW[0].reshape(-1)[flat], rel=1e-6, abs=1e-9)
    np.testing.assert_array_equal(W, before)
    assert net.W[0] is W


def test_numeric_derivative_of_a_quadratic_is_exact_up_to_rounding():
    # [1, 1] identity MSE: L = ½ (w x + b − y*)²; x = 2, w = 3, b = 0, y* = 1:
    # ∂L/∂w = (w x − y*) x = (6 − 1)·2 = 10; central differences are exact for a quadratic.
    net = Network([1, 1], activation="identity", loss="mse", seed=0)
    net.W = [np.array([[3.0]])]
    assert numeric_derivative(net, net.W[0], 0, [[2.0]], [[1.0]], 1e-3) == pytest.approx(10.0, rel=1e-9)
    # ∂L/∂b = w x − y* = 5
    assert numeric_derivative(net, net.b[0], 0, [[2.0]], [[1.0]], 1e-3) == pytest.approx(5.0, rel=1e-9)


# --------------------------------------------------------------------------------------
# gradient_check on the core's own gradients
# --------------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=4),
    activation=st.sampled_from(["identity", "relu", "tanh", "sigmoid"]),
    loss=st.sampled_from(["mse", "cross_entropy"]),
    batch=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
    data_seed=st.integers(0, 2**32 - 1),
)
def test_backprop_passes_the_gradient_check(sizes, activation, loss, batch, seed, data_seed):
    net, X, Y = make_net(sizes, activation, loss, seed, data_seed, batch)
    g = net.gradients(X, Y)
    if activation == "relu":  # finite differences across a kink are not a derivative
        assume(all(np.abs(z).min() > 1e-3 for z in g.z[1:-1]))
    state = snapshot(net)
    checks = gradient_check(net, X, Y)
    assert_unchanged(net, *state)
    assert [c.layer for c in checks] == list(range(1, len(sizes)))
    for c, dW, db in zip(checks, g.dW, g.db):
        assert c.total == dW.size + db.size
        assert c.checked == c.total  # small layers are checked in full
        assert c.error < GOOD and c.verdict == "good", c  # tiny gradients too: the floor


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
@pytest.mark.parametrize("activation", ["identity", "relu", "tanh", "sigmoid"])
def test_backprop_passes_the_gradient_check_fixed(activation, loss):
    net, X, Y = make_net([3, 5, 4, 3], activation, loss, seed=3, data_seed=4, batch=5)
    checks = gradient_check(net, X, Y)
    assert len(checks) == 3
    assert all(c.verdict == "good" for c in checks), checks


# --------------------------------------------------------------------------------------
# gradient_check on deliberately broken gradients
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("broken", [0, 1, 2])
def test_doubled_dW_is_wrong_in_that_layer_only(broken):
    net, X, Y = make_net([3, 4, 4, 2], "tanh", "mse", seed=5, data_seed=6)
    g = net.gradients(X, Y)
    dW = [2 * d if k == broken else d for k, d in enumerate(g.dW)]
    checks = gradient_check(net, X, Y, dW=dW, db=g.db)
    assert [c.verdict for c in checks] == ["wrong" if k == broken else "good" for k in range(3)]
    # ‖2g − g‖ / (‖2g‖ + ‖g‖) = 1/3, up to finite-difference noise
    assert checks[broken].W_error == pytest.approx(1 / 3, rel=1e-5)
    assert checks[broken].b_error < GOOD


@pytest.mark.parametrize("broken", [0, 1])
def test_shifted_db_is_wrong_in_that_layer_only(broken):
    net, X, Y = make_net([3, 4, 3], "sigmoid", "cross_entropy", seed=7, data_seed=8)
    g = net.gradients(X, Y)
    db = [d + 0.5 if k == broken else d for k, d in enumerate(g.db)]
    checks = gradient_check(net, X, Y, dW=g.dW, db=db)
    assert [c.verdict for c in checks] == ["wrong" if k == broken else "good" for k in range(2)]
    assert checks[broken].b_error > WRONG and checks[broken].W_error < GOOD


def test_transposed_dW_is_wrong():
    net, X, Y = make_net([3, 3, 3], "tanh", "cross_entropy", seed=9, data_seed=10)
    g = net.gradients(X, Y)
    assert not np.allclose(g.dW[0], g.dW[0].T)
    checks = gradient_check(net, X, Y, dW=[g.dW[0].T, g.dW[1]], db=g.db)
    assert [c.verdict for c in checks] == ["wrong", "good"]


def test_gradient_missing_the_activation_derivative_is_caught():
    # The classic bug: δ^l = δ^{l+1} (W^l)^T without ⊙ f'(z^l). Build those gradients here.
    net, X, Y = make_net([3, 4, 2], "tanh", "mse", seed=11, data_seed=12)
    g = net.gradients(X, Y)
    delta2_no_fprime = g.delta[2] @ net.W[1].T
    dW1 = g.a[0].T @ delta2_no_fprime / len(X)
    db1 = delta2_no_fprime.mean(axis=0, keepdims=True)
    checks = gradient_check(net, X, Y, dW=[dW1, g.dW[1]], db=[db1, g.db[1]])
    assert [c.verdict for c in checks] == ["wrong", "good"]


def test_broken_dW_alone_is_judged_not_replaced():
    # Passing only dW (db left at its default) must still check *that* dW; it may not be
    # silently swapped for the core's own gradients, which would always look "good".
    net, X, Y = make_net([3, 4, 2], "tanh", "mse", seed=5, data_seed=6)
    g = net.gradients(X, Y)
    checks = gradient_check(net, X, Y, dW=[2 * g.dW[0], g.dW[1]])
    assert [c.verdict for c in checks] == ["wrong", "good"]


def test_broken_db_alone_is_judged_not_replaced():
    net, X, Y = make_net([3, 4, 2], "tanh", "mse", seed=5, data_seed=6)
    g = net.gradients(X, Y)
    checks = gradient_check(net, X, Y, db=[g.db[0], g.db[1] + 1.0])
    assert [c.verdict for c in checks] == ["good", "wrong"]


def test_broken_gradients_leave_the_network_unchanged():
    net, X, Y = make_net([3, 4, 2], "relu", "cross_entropy", seed=13, data_seed=14)
    g = net.gradients(X, Y)
    state = snapshot(net)
    gradient_check(net, X, Y, dW=[-d for d in g.dW], db=[-d for d in g.db])
    assert_unchanged(net, *state)


def test_a_check_that_fails_midway_leaves_the_network_unchanged():
    # With dW, db given, the first loss evaluation happens with an entry perturbed; a bad X
    # makes it raise there. The caller's network must not keep the perturbation.
    net, X, Y = make_net([3, 4, 2], "tanh", "mse", seed=1, data_seed=2)
    g = net.gradients(X, Y)
    state = snapshot(net)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"\bX\b"):
        gradient_check(net, X_bad, Y, dW=g.dW, db=g.db)
    assert_unchanged(net, *state)


# --------------------------------------------------------------------------------------
# Sampling large layers
# --------------------------------------------------------------------------------------


def test_sampling_large_layers():
    net, X, Y = make_net([2, 40, 3], "tanh", "cross_entropy", seed=15, data_seed=16, batch=6)
    state = snapshot(net)
    m = 16
    checks = gradient_check(net, X, Y, max_entries=m, seed=1)
    assert_unchanged(net, *state)
    # layer 1: W^1 has 2·40 = 80 > 16 entries (16 sampled), b^1 has 40 > 16 (16 sampled)
    assert (checks[0].checked, checks[0].total) == (2 * m, 80 + 40)
    # layer 2: W^2 has 40·3 = 120 > 16 (16 sampled), b^2 has 3 ≤ 16 (all 3)
    assert (checks[1].checked, checks[1].total) == (m + 3, 120 + 3)
    assert all(c.verdict == "good" for c in checks)


def test_sampling_is_seeded_and_still_catches_a_broken_layer():
    net, X, Y = make_net([2, 40, 3], "tanh", "mse", seed=17, data_seed=18, batch=6)
    g = net.gradients(X, Y)
    dW = [g.dW[0], 2 * g.dW[1]]
    first = gradient_check(net, X, Y, dW=dW, db=g.db, max_entries=8, seed=3)
    again = gradient_check(net, X, Y, dW=dW, db=g.db, max_entries=8, seed=3)
    assert first == again
    assert [c.verdict for c in first] == ["good", "wrong"]


def test_sampling_different_seeds_pick_different_entries():
    # One wrong entry in W^1 (80 entries, 8 sampled): across seeds it is found only sometimes,
    # which can only happen if the sampled entries depend on the seed.
    net, X, Y = make_net([2, 40, 3], "tanh", "mse", seed=19, data_seed=20, batch=6)
    g = net.gradients(X, Y)
    dW0 = g.dW[0].copy()
    dW0.reshape(-1)[37] += 1.0
    verdicts = {
        gradient_check(net, X, Y, dW=[dW0, g.dW[1]], db=g.db, max_entries=8, seed=s)[0].verdict
        for s in range(30)
    }
    assert verdicts == {"good", "wrong"}


def test_max_entries_at_or_above_the_layer_size_checks_everything():
    net, X, Y = make_net([3, 4, 2], "tanh", "mse")
    for m in (12, 13, 1000):  # W^1 has 3·4 = 12 entries
        checks = gradient_check(net, X, Y, max_entries=m)
        assert checks[0].checked == checks[0].total == 12 + 4
        assert checks[1].checked == checks[1].total == 8 + 2


# --------------------------------------------------------------------------------------
# One wrong entry cannot hide; no correct network is flagged; weights too large to check
# --------------------------------------------------------------------------------------


def test_one_flipped_and_tripled_entry_in_an_8x8_layer_is_wrong_and_named():
    # The default network (circles, 2-8-8-2): W^2 is 8×8. Its smallest ∂L/∂W entry, flipped
    # and tripled, barely moves the layer's norm, but it is that entry's own error.
    t = Trainer.from_config(Config())
    batch = t.next_batch()
    g = t.net.gradients(batch.X, batch.Y)
    assert g.dW[1].shape == (8, 8)
    flat = int(np.abs(g.dW[1]).argmin())
    dW = [d.copy() for d in g.dW]
    dW[1].reshape(-1)[flat] *= -3
    i, j = np.unravel_index(flat, (8, 8))
    checks = gradient_check(t.net, batch.X, batch.Y, dW=dW, db=g.db)
    assert relative_error(dW[1], g.dW[1]) < WRONG  # the layer's norm alone would not call it wrong
    assert [c.verdict for c in checks] == ["good", "wrong", "good"]
    assert checks[1].worst.name == written("W", 2, i + 1, j + 1)
    assert checks[1].worst.analytic == dW[1][i, j]
    assert checks[1].worst.numeric == pytest.approx(g.dW[1][i, j], rel=1e-3)


def test_a_wrong_bias_entry_is_named_b_l_j():
    net, X, Y = make_net([3, 4, 2], "tanh", "mse", seed=5, data_seed=6)
    g = net.gradients(X, Y)
    db = [g.db[0].copy(), g.db[1]]
    db[0][0, 2] += 0.1
    checks = gradient_check(net, X, Y, dW=g.dW, db=db)
    assert checks[0].verdict == "wrong" and checks[0].worst.name == "b¹₃"
    assert checks[1].verdict == "good"


def every_configuration():
    for name in DATASETS:
        task = load(name).task
        for activation in ACTIVATIONS:
            for loss in LOSSES if task == "classification" else ("mse",):
                yield name, activation, loss


@pytest.mark.parametrize(("dataset", "activation", "loss"), list(every_configuration()))
def test_no_correct_network_is_flagged_on_any_data_set(dataset, activation, loss):
    # Every data set, activation and loss the app offers, at the seeded start and after
    # 40 steps (larger weights, sharper curvature), on a small deep network; a few
    # entries per array keep it fast. Digits with sigmoid on 4-4-4 once scored "doubtful".
    t = Trainer.from_config(Config(dataset=dataset, hidden=(4, 4, 4), activation=activation, loss=loss))
    for steps in (0, 40):
        t.run(steps - t.steps)
        batch = t.next_batch()
        checks = gradient_check(t.net, batch.X, batch.Y, max_entries=8)
        assert [c.verdict for c in checks] == ["good"] * 4, (steps, checks)


def test_weights_too_large_to_check_are_unresolved_not_wrong(monkeypatch):
    # ?dataset=sine&loss=mse&lr=10: after 10 steps the loss is about 1e34 and the weights
    # about 1e16; a finite difference there is rounding noise. (The app's trainer stops such a
    # run at its blow-up; here the weights are grown past it on purpose.)
    monkeypatch.setattr(training, "BLOW_UP_LOSS", math.inf)
    monkeypatch.setattr(training, "BLOW_UP_WEIGHT", math.inf)
    t = Trainer.from_config(Config(dataset="sine", loss="mse", lr=10.0))
    t.run(10)
    batch = t.next_batch()
    assert t.net.batch_loss(batch.X, batch.Y) > 1e20
    checks = gradient_check(t.net, batch.X, batch.Y)
    verdicts = [c.verdict for c in checks]
    assert "wrong" not in verdicts and "unresolved" in verdicts, checks


def test_a_real_bug_at_ordinary_weights_is_not_called_unresolved():
    net, X, Y = make_net([3, 4, 4, 2], "tanh", "mse", seed=5, data_seed=6)
    g = net.gradients(X, Y)
    checks = gradient_check(net, X, Y, dW=[d * 1.01 for d in g.dW], db=g.db)
    assert [c.verdict for c in checks] == ["wrong"] * 3


# --------------------------------------------------------------------------------------
# The cost of one check is bounded
# --------------------------------------------------------------------------------------


LARGEST = [64, 256, 256, 256, 256, 256, 256, 10]  # digits with six hidden layers of 256


def test_the_plan_keeps_every_check_within_the_budget():
    for sizes, batch in [([2, 8, 8, 2], 16), (LARGEST, 1797), (LARGEST, 64), ([64, 256, 256, 10], 1437),
                         ([1, 1], 1), ([2, 2048, 2], 10_000)]:
        p = plan(sizes, batch)
        assert p.cost <= CHECK_BUDGET, (sizes, batch, p)
        assert 1 <= p.rows <= batch and 1 <= p.entries <= 64
    assert plan([2, 8, 8, 2], 16) == plan([2, 8, 8, 2], 16, budget=math.inf)  # small: everything
    assert plan([2, 8, 8, 2], 16).entries == 64 and plan([2, 8, 8, 2], 16).rows == 16
    largest = plan(LARGEST, 1797)
    assert largest.rows < 1797 and largest.entries >= MIN_ENTRIES


def test_a_batch_over_the_budget_is_refused_with_the_rows_that_fit():
    net = Network([2, 64, 64, 2], "tanh", "mse", seed=0)
    X, Y = np.ones((500, 2)), np.zeros((500, 2))
    budget = 5e7
    rows = plan(net.sizes, 500, budget=budget).rows
    assert rows < 500
    with pytest.raises(ValueError, match=f"check the first {rows}"):
        gradient_check(net, X, Y, budget=budget)
    checks = gradient_check(net, X[:rows], Y[:rows], budget=budget)
    assert all(c.checked <= 2 * plan(net.sizes, rows, budget=budget).entries for c in checks)


# --------------------------------------------------------------------------------------
# What a check proved: its coverage, and more of it click by click
# --------------------------------------------------------------------------------------


def test_the_coverage_says_exactly_which_entries_were_compared():
    net, X, Y = make_net([2, 16, 16, 2], "tanh", "mse", seed=3, data_seed=4, batch=4)
    checks = gradient_check(net, X, Y)
    middle = checks[1]
    assert (middle.checked, middle.total) == (MAX_ENTRIES + 16, 272) and not middle.complete
    assert coverage(middle) == f"{MAX_ENTRIES} of 256 entries of W², all 16 of b²"
    assert i18n.say(coverage(middle), "zh") == f"W² 的 256 个元素中的 {MAX_ENTRIES} 个，b² 的全部 16 个元素"
    assert checks[2].complete and coverage(checks[2]) == "all 32 of W³, all 2 of b³"


def test_successive_clicks_compare_new_entries_until_a_planted_error_is_caught():
    # One entry of W² (256 entries, 64 a click) tripled: every click compares entries not
    # compared before, so the fourth click at the latest finds it, and the layer is wrong from then on.
    net, X, Y = make_net([2, 16, 16, 2], "tanh", "mse", seed=3, data_seed=4, batch=4)
    g = net.gradients(X, Y)
    dW = [d.copy() for d in g.dW]
    flat = 201
    dW[1].reshape(-1)[flat] *= 3
    checks, caught = [], None
    for click in range(4):
        new = gradient_check(net, X, Y, dW=dW, db=g.db, seed=click, done=checks)
        assert not checks or not np.isin(new[1].measured[0].flat, checks[1].measured[0].flat).any()
        checks = merge(checks, new) if checks else new
        assert checks[1].checked == min(256, MAX_ENTRIES * (click + 1)) + 16
        if caught is None and checks[1].verdict == "wrong":
            caught = click
    assert checks[1].complete and checks[1].verdict == "wrong" and caught is not None
    assert checks[1].worst.name == written("W", 2, flat // 16 + 1, flat % 16 + 1)
    assert [c.verdict for c in checks] == ["good", "wrong", "good"]


def test_every_entry_in_one_click_where_the_budget_allows():
    assert fits_all([2, 8, 8, 2], 16)  # the default network
    assert fits_all([2, 16, 16, 2], 16)
    assert not fits_all(LARGEST, 64)
    net, X, Y = make_net([2, 16, 16, 2], "tanh", "mse", seed=3, data_seed=4, batch=4)
    checks = gradient_check(net, X, Y, max_entries=256)
    assert all(c.complete for c in checks)


def test_vanishing_gradients_are_not_blamed_on_large_weights():
    # ?dataset=xor&hidden=2,2,2,2,2,2&activation=sigmoid&loss=cross_entropy&batch=16&seed=1 at step 0:
    # the first layer's gradients are about 1e-7, below what central differences resolve at ε = 1e-6.
    t = Trainer.from_config(Config(dataset="xor", hidden=(2,) * 6, activation="sigmoid", loss="cross_entropy",
                                   lr=0.1, batch=16, seed=1))
    batch = t.next_batch()
    checks = gradient_check(t.net, batch.X, batch.Y)
    assert checks[0].verdict == "unresolved" and checks[0].reason == "small"
    assert checks[0].largest < checks[0].noise / 1e-2
    assert max(float(np.abs(W).max()) for W in t.net.W) < 3  # ordinary weights

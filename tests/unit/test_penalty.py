"""Regularisation (the app's extension of the derivation): the penalty λR(W), the trainer's
update (17) with it, and the link; against finite differences of the whole loss and a plain
NumPy loop written here."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.model import gradcheck
from explorer.model.penalty import MAX_LAMBDA, NONE, Penalty
from explorer.model.training import Config, Trainer
from explorer.teaching import export, quiz, teach
from explorer.teaching.teach import matrix, number
from explorer.ui.links import DEFAULT, parse_query, to_query

EPS = 1e-6


def total_loss(t: Trainer, W: list[np.ndarray], b: list[np.ndarray], X: np.ndarray, Y: np.ndarray,
               reg: str, lam: float) -> float:
    """L + λR(W) written out: the data loss by the network's forward pass, R by hand."""
    data = t.net.with_parameters(W, b).batch_loss(X, Y)
    R = sum(0.5 * (M**2).sum() if reg == "l2" else np.abs(M).sum() for M in W)
    return data + lam * R


@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_the_penalty_and_its_gradient_against_finite_differences(reg):
    rng = np.random.default_rng(1)
    W = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    p = Penalty(reg, 0.3)
    grad = p.gradient(W)
    for k, M in enumerate(W):
        for i, j in np.ndindex(M.shape):
            plus, minus = [w.copy() for w in W], [w.copy() for w in W]
            plus[k][i, j] += EPS
            minus[k][i, j] -= EPS
            assert grad[k][i, j] == pytest.approx((p.value(plus) - p.value(minus)) / (2 * EPS), rel=1e-6, abs=1e-8)
    by_hand = 0.3 * sum((0.5 * M**2 if reg == "l2" else np.abs(M)).sum() for M in W)
    assert p.value(W) == pytest.approx(by_hand, rel=1e-14)


def test_no_penalty_is_nothing_and_leaves_the_gradient_as_it_is():
    W = [np.ones((2, 3))]
    dW = [np.full((2, 3), 0.5)]
    assert NONE.value(W) == 0.0 and not NONE.active
    assert NONE.whole(dW, W)[0] is dW[0]
    assert Config().penalty == NONE and Config(lam=3.0).penalty == NONE
    with pytest.raises(ValueError, match="regularisation must be one of none, l2, l1"):
        Penalty("l3", 0.1)


@pytest.mark.parametrize("reg", ["l2", "l1"])
@pytest.mark.parametrize("activation, loss", [("tanh", "cross_entropy"), ("relu", "mse")])
def test_a_step_follows_finite_differences_of_the_whole_loss(reg, activation, loss):
    """(17) with the penalty: W_after = W − η ∂(L + λR)/∂W, every entry of every W^l checked
    against central differences of the whole loss L + λR written out above; b by (18) alone."""
    lam, lr = 0.05, 0.1
    t = Trainer.from_config(Config(dataset="xor", hidden=(3,), activation=activation, loss=loss, lr=lr, batch=8,
                                   seed=4, reg=reg, lam=lam))
    t.run(3)  # away from the seeded start
    W, b = [M.copy() for M in t.net.W], [M.copy() for M in t.net.b]
    g = t.step()
    s = t.current
    X, Y = s.batch.X, s.batch.Y
    for k in range(len(W)):
        stepped = (W[k] - t.net.W[k]) / lr
        for i, j in np.ndindex(W[k].shape):
            plus, minus = [M.copy() for M in W], [M.copy() for M in W]
            plus[k][i, j] += EPS
            minus[k][i, j] -= EPS
            numeric = (total_loss(t, plus, b, X, Y, reg, lam) - total_loss(t, minus, b, X, Y, reg, lam)) / (2 * EPS)
            assert stepped[i, j] == pytest.approx(numeric, rel=1e-5, abs=1e-7), (k, i, j)
        np.testing.assert_allclose((b[k] - t.net.b[k]) / lr, g.db[k], rtol=1e-12)  # no penalty on b
    # What the step keeps: the data gradient (8) as ever, the whole one and the penalty beside it.
    np.testing.assert_array_equal(g.dW[0], t.net.with_parameters(W, b).gradients(X, Y).dW[0])
    np.testing.assert_allclose(s.update_gradient()[0], (W[0] - t.net.W[0]) / lr, rtol=1e-9, atol=1e-12)
    assert s.penalty == Penalty(reg, lam) and s.penalty_value() == pytest.approx(
        total_loss(t, W, b, X, Y, reg, lam) - g.loss, rel=1e-9)


@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_ten_steps_match_a_plain_numpy_loop(reg):
    """The trainer's run against the textbook loop written out here: forward, softmax
    cross-entropy, backprop, then W ← W − η (∂L/∂W + λ ∂R/∂W), b ← b − η ∂L/∂b."""
    lam, lr = 0.02, 0.3
    t = Trainer.from_config(Config(dataset="circles", hidden=(5,), lr=lr, batch=10, seed=2, reg=reg, lam=lam))
    W, b = [M.copy() for M in t.net.W], [M.copy() for M in t.net.b]
    for _ in range(10):
        batch = t.next_batch()
        t.step()
        X, Y = batch.X, batch.Y
        a1 = np.tanh(X @ W[0] + b[0])
        y = a1 @ W[1] + b[1]
        p = np.exp(y - y.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        d2 = p - Y
        d1 = d2 @ W[1].T * (1 - a1**2)
        dW = [X.T @ d1 / len(X), a1.T @ d2 / len(X)]
        db = [d1.mean(axis=0, keepdims=True), d2.mean(axis=0, keepdims=True)]
        dR = [M if reg == "l2" else np.sign(M) for M in W]
        W = [M - lr * (d + lam * r) for M, d, r in zip(W, dW, dR)]
        b = [M - lr * d for M, d in zip(b, db)]
    for mine, theirs in zip(W + b, t.net.W + t.net.b):
        np.testing.assert_allclose(theirs, mine, rtol=1e-12, atol=1e-14)


def test_l2_shrinks_the_weights_and_l1_zeroes_some():
    plain = Trainer.from_config(Config(hidden=(8,), seed=1))
    l2 = Trainer.from_config(Config(hidden=(8,), seed=1, reg="l2", lam=0.1))
    l1 = Trainer.from_config(Config(hidden=(8,), seed=1, reg="l1", lam=0.03))
    for t in (plain, l2, l1):
        t.run(300)
    size = {name: sum(float((M**2).sum()) for M in t.net.W) for name, t in (("plain", plain), ("l2", l2))}
    assert size["l2"] < 0.5 * size["plain"], size
    small = lambda t: sum(int((np.abs(M) < 0.01).sum()) for M in t.net.W)  # noqa: E731
    assert small(l1) > small(plain) + 5, (small(l1), small(plain))


def test_the_update_ratio_counts_the_penalty():
    t = Trainer.from_config(Config(reg="l2", lam=1.0))
    W_before = list(t.net.W)
    t.step()
    ratio = t.norm_history[-1][2]
    expected = [t.config.lr * np.linalg.norm(d) / np.linalg.norm(W) for d, W in
                zip(t.current.update_gradient(), W_before)]
    np.testing.assert_allclose(ratio, expected, rtol=1e-12)


def test_without_a_penalty_a_step_is_the_cores_step_bit_for_bit():
    t = Trainer.from_config(Config())
    net = t.net.copy()
    for _ in range(5):
        batch = t.next_batch()
        t.step()
        net.step(batch.X, batch.Y, t.config.lr)
    for mine, core in zip(t.net.W + t.net.b, net.W + net.b):
        np.testing.assert_array_equal(mine, core)


# -- the link ---------------------------------------------------------------------------------


def test_a_link_carries_the_penalty_only_when_there_is_one():
    assert not {"reg", "lambda"} & set(to_query(DEFAULT))
    config = DEFAULT.with_(reg="l1", lam=0.003)
    assert to_query(config)["reg"] == "l1" and to_query(config)["lambda"] == "0.003"
    assert parse_query(to_query(config)) == (config, [])
    assert parse_query({"reg": "l2"})[0].penalty == Penalty("l2", DEFAULT.lam)


@pytest.mark.parametrize("name, value, rule", [("reg", "l3", "one of none, l2, l1"), ("reg", "L2", "one of"),
                                               ("lambda", "-1", "from 0 to 10"), ("lambda", "11", "from 0 to 10"),
                                               ("lambda", "1e400", "from 0 to 10"), ("lambda", "x", "0–9")])
def test_a_bad_penalty_value_is_named_and_the_default_used(name, value, rule):
    config, problems = parse_query({"reg": "l2", name: value} if name == "lambda" else {name: value})
    assert len(problems) == 1 and problems[0].startswith(f"`{name}={value}`") and rule in problems[0], problems
    assert (config.reg, config.lam) == (("l2" if name == "lambda" else "none"), DEFAULT.lam)
    assert MAX_LAMBDA == 10


# -- (17) in the Equations view and the handout ---------------------------------------------------


@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_17_gains_the_penalty_written_with_the_steps_own_numbers(reg):
    lam, lr = 0.1, 0.1
    t = Trainer.from_config(Config(dataset="xor", hidden=(2,), reg=reg, lam=lam, lr=lr))
    t.step()
    s = t.current
    W17, b18 = teach.update(s, 1)
    Wb, dW = s.W_before[0], s.g.dW[0]
    dR = Wb if reg == "l2" else np.sign(Wb)
    after = Wb - lr * (dW + lam * dR)  # (17) with the penalty, written out here
    np.testing.assert_allclose(s.W[0], after, rtol=1e-12, atol=1e-15)
    assert W17.numeric == (rf"{matrix(Wb)} - {number(lr)}\,\Big({matrix(dW)} + {number(lam)}\,{matrix(dR)}\Big)"
                           rf" = {matrix(after)}")
    assert r"\lambda \frac{\partial R}{\partial W^{1}}" in W17.symbolic
    assert "app's addition" in W17.origin and "(8)" in W17.origin
    assert r"\lambda" not in b18.symbolic  # the biases are not penalised
    assert "本应用的扩展" in teach.update(s, 1, "zh")[0].origin
    handout = export.handout(t.net, t.complete(s), "xor")  # with δ¹, as the page writes it
    assert W17.numeric in handout and W17.origin in handout


def test_17_without_a_penalty_is_the_derivations():
    t = Trainer.from_config(Config(dataset="xor", hidden=(2,)))
    t.step()
    W17 = teach.update(t.current, 1)[0]
    assert r"\lambda" not in W17.symbolic and "as the derivation writes it" in W17.origin


# -- the gradient check checks the whole gradient -------------------------------------------------


@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_the_gradient_check_compares_the_whole_gradient_with_the_whole_loss(reg):
    p = Penalty(reg, 0.1)
    t = Trainer.from_config(Config(dataset="xor", hidden=(3,), reg=reg, lam=0.1, batch=8, seed=5))
    t.run(2)
    batch = t.next_batch()
    net, W, b = t.net, t.net.W, t.net.b
    checks = gradcheck.gradient_check(net, batch.X, batch.Y, penalty=p)
    assert [c.verdict for c in checks] == ["good", "good"] and all(c.complete for c in checks)
    g = net.gradients(batch.X, batch.Y)
    for k, check in enumerate(checks):
        Wm = check.measured[0]
        whole = (g.dW[k] + 0.1 * (W[k] if reg == "l2" else np.sign(W[k]))).ravel()
        np.testing.assert_allclose(Wm.analytic, whole[Wm.flat], rtol=1e-12)
        for flat, numeric in zip(Wm.flat, Wm.numeric):  # the whole loss L + λR written out here
            plus, minus = [M.copy() for M in W], [M.copy() for M in W]
            plus[k].ravel()[flat] += gradcheck.EPS
            minus[k].ravel()[flat] -= gradcheck.EPS
            by_hand = (total_loss(t, plus, b, batch.X, batch.Y, reg, 0.1)
                       - total_loss(t, minus, b, batch.X, batch.Y, reg, 0.1)) / (2 * gradcheck.EPS)
            assert numeric == pytest.approx(by_hand, rel=1e-6, abs=1e-9)
    # The same whole gradient against the data loss alone disagrees: the check sees the penalty.
    whole = p.whole(g.dW, W)
    wrong = gradcheck.gradient_check(net, batch.X, batch.Y, dW=whole, db=g.db)
    assert [c.verdict for c in wrong] == ["wrong", "wrong"]


# -- the quiz's "which weight changes most" counts the penalty -----------------------------------


def test_which_weight_changes_most_counts_the_penalty():
    """With a strong L2 penalty the largest change is often not the largest η ∂L/∂W: the
    question's answer must be the step's own largest |ΔW|, penalty included."""
    differs = 0
    for seed in range(12):
        t = Trainer.from_config(Config(dataset="xor", hidden=(3,), reg="l2", lam=1.0, seed=seed))
        question = quiz.ask("largest_change", t.net, t.next_batch(), t.config.lr, 0, seed, t.config.penalty)
        if question is None:
            continue
        g = t.net.gradients(t.next_batch().X, t.next_batch().Y)
        data_only = max(question.choices, key=lambda c: abs(g.dW[question.layer - 1][c[0] - 1, c[1] - 1]))
        t.step()
        s = t.current
        actual = quiz.outcome(question, s, t.net.with_parameters(s.W, s.b))
        assert question.answer == actual, seed
        differs += data_only != actual
    assert differs >= 2, differs


@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_the_phases_end_in_the_weights_the_regularised_step_makes(reg):
    t = Trainer.from_config(Config(dataset="xor", hidden=(3,), reg=reg, lam=0.3))
    batch = t.next_batch()
    g = t.net.gradients(batch.X, batch.Y)
    update = teach.phases(t.net, g, batch.Y, t.config.lr, penalty=t.config.penalty)[-1]
    t.step()
    for shown, W in zip(update.shows.values(), t.net.W, strict=True):
        np.testing.assert_array_equal(shown, W)
    assert r"\lambda" in update.equation.symbolic and "app's addition" in update.equation.origin


def test_the_handout_names_the_inputs_and_the_penalty():
    t = Trainer.from_config(Config(dataset="circles", hidden=(2,), features=("x1", "x1^2"), reg="l1", lam=0.03))
    t.step()
    text = export.handout(t.net, t.complete(t.current), "circles", "en", t.input_names)
    assert "Inputs $a^1$, one column each: `x₁`, `x₁²`." in text
    assert "Regularisation (the app's addition to the derivation): L1  (λ Σ |W|), $\\lambda = 0.03$" in text
    zh = export.handout(t.net, t.complete(t.current), "circles", "zh", ("`x`$", "<b>"))
    assert "输入 $a^1$，每列一个：`` `x`$ ``, `<b>`。" in zh and "本应用对推导的扩展" in zh

"""The quiz generator over many networks, seeds and steps: every question it asks has one
right answer among its choices, clear by the stated margins on the numbers the step then
computes (read here from the step's snapshot, not from explorer.teaching.quiz); where a
kind has no such question, another kind is asked and says so.
"""

from __future__ import annotations

import itertools

import numpy as np

from explorer.core import ACTIVATIONS, DivergedError
from explorer.model.training import Config, Trainer
from explorer.teaching import quiz

# The two links of the report: a δ of exactly 0 (ReLU off), and nothing changing at all.
REPORTED = [Config(dataset="circles", hidden=(4, 3), activation="relu", loss="mse", lr=0.1, batch=1, seed=7),
            Config(dataset="circles", hidden=(2, 2, 2), activation="relu", loss="mse", lr=0.1, batch=1, seed=35)]


def networks():
    shapes = [(), (4, 3), (2, 2, 2), (8,), (3, 3, 3, 3)]
    for dataset, activation, hidden, loss, seed in itertools.product(
            ("xor", "circles", "sine", "iris"), ACTIVATIONS, shapes, ("mse", "cross_entropy"), (1, 7, 35)):
        if dataset == "sine" and loss == "cross_entropy":
            continue
        yield Config(dataset=dataset, hidden=hidden, activation=activation, loss=loss, lr=(0.1, 1.0, 3.0)[seed % 3],
                     batch=(1, 4, 16)[seed % 3], seed=seed)


def judge(question: quiz.Question, t: Trainer) -> None:
    """The question has exactly one right answer on the step just taken, and it is the key."""
    s, l = t.current, question.layer
    assert len(question.choices) >= (1 if question.kind == "zero_cells" else 2), question  # a set: {} or {cell}
    if question.kind == "delta_sign":
        d = s.g.delta[l - 1]
        value = d[question.sample - 1, question.neuron - 1]
        if value == 0:
            assert question.answer == "0" and "0" in question.choices
            assert t.config.activation == "relu" and l < len(t.net.sizes)
        else:
            assert abs(value) >= quiz.SIGN_MARGIN * np.abs(d).max()
            assert question.answer == ("+" if value > 0 else "−")
        assert ("0" in question.choices) == (t.config.activation == "relu" and 1 < l < len(t.net.sizes))
    elif question.kind == "zero_cells":
        dW = s.g.dW[l - 1]
        assert question.answer == {(int(i) + 1, int(j) + 1) for i, j in zip(*np.nonzero(dW == 0))}
        assert (s.W[l - 1] == s.W_before[l - 1])[dW == 0].all()  # (17) leaves them as they were
        nonzero = np.abs(dW[dW != 0])
        assert (nonzero >= quiz.ZERO_MARGIN * np.abs(dW).max()).all()
    elif question.kind == "loss_down":
        after = t.net.batch_loss(s.batch.X, s.batch.Y)
        assert abs(after - s.g.loss) >= quiz.LOSS_MARGIN * max(abs(after), abs(s.g.loss))
        assert question.answer == ("down" if after < s.g.loss else "not_down")
    else:
        change = np.abs(s.W[l - 1] - s.W_before[l - 1])
        (i, j) = question.answer
        top = change[i - 1, j - 1]
        assert top > 0
        assert len(set(question.choices)) == len(question.choices) and question.answer in question.choices
        for a, b in question.choices:
            assert (a, b) == (i, j) or change[a - 1, b - 1] <= (1 - quiz.CHANGE_GAP) * top
    assert quiz.outcome(question, s, t.net) == question.answer


def test_thousands_of_questions_each_with_one_clear_answer():
    asked, instead, none = 0, 0, 0
    for config in [*REPORTED, *networks()]:
        t = Trainer.from_config(config)
        for _ in range(6):
            batch = t.next_batch()
            questions = []
            for kind in quiz.kinds(t.net):
                question = quiz.ask(kind, t.net, batch, config.lr, t.steps, config.seed)
                picked = quiz.pick(kind, t.net, batch, config.lr, t.steps, config.seed)
                if question is not None:
                    assert picked == question
                    questions.append(question)
                elif picked is not None:  # another kind, which says which was asked for
                    assert picked.kind != kind and picked.instead == kind
                    questions.append(picked)
                    instead += 1
                else:
                    none += 1
            try:
                t.step()
            except DivergedError:  # a blow-up takes the step back: nothing to judge against
                break
            assert np.array_equal(t.current.batch.rows, batch.rows)  # the question's batch is the step's
            for question in questions:
                judge(question, t)
            asked += len(questions)
            try:
                t.run(3)
            except DivergedError:
                break
    print(f"{asked} questions checked ({instead} asked in place of another kind, {none} kinds with none)")
    assert asked > 5000 and instead > 0


def test_zero_is_offered_and_explained_where_a_relu_unit_is_off():
    t = Trainer.from_config(REPORTED[0])
    zeros = 0
    for step in range(40):
        batch = t.next_batch()
        for seed in range(10):
            question = quiz.ask("delta_sign", t.net, batch, t.config.lr, step, seed)
            if question.answer == "0":
                zeros += 1
                g = t.net.gradients(batch.X, batch.Y)
                reason = quiz.zero_reason(t.net, g, question.layer, question.sample, question.neuron)
                assert reason.key in ("quiz_zero_relu_off", "quiz_zero_nothing_back")
                if reason.key == "quiz_zero_relu_off":
                    assert g.z[question.layer - 1][question.sample - 1, question.neuron - 1] <= 0
        t.step()
    assert zeros


def test_nothing_changing_asks_another_kind_and_says_so():
    # Seed 35's ReLU units are all off at the start: no weight changes, so "which weight
    # changes most" has no answer; a single-option question is never offered.
    t = Trainer.from_config(REPORTED[1])
    t.step()
    batch = t.next_batch()
    assert quiz.ask("largest_change", t.net, batch, t.config.lr, t.steps, t.config.seed) is None
    question = quiz.pick("largest_change", t.net, batch, t.config.lr, t.steps, t.config.seed)
    assert question is not None and question.kind != "largest_change" and question.instead == "largest_change"


def test_an_update_too_small_to_change_w_is_never_asked_about():
    # At η = 1e-30 every W − η ∂L/∂W rounds back to W in float64.
    t = Trainer.from_config(Config(dataset="xor", hidden=(4,), activation="tanh", lr=1e-30))
    batch = t.next_batch()
    assert quiz.ask("largest_change", t.net, batch, 1e-30, 0) is None
    assert quiz.ask("loss_down", t.net, batch, 1e-30, 0) is None
    assert quiz.pick("largest_change", t.net, batch, 1e-30, 0).kind == "delta_sign"


def test_the_margins_are_stated():
    for kind in quiz.KINDS:
        message = quiz.margin(kind)
        assert message.key == f"quiz_margin_{kind}"

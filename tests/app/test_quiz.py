"""Predict, then step: every question is generated from the network and the next batch, its
answer key (known before the step) equals what the step then computes, read independently
from the step's snapshot and the new weights; the page scores a committed prediction through
the real Step button, and `quiz=1` in a link switches the mode on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from specs import ok
from streamlit.testing.v1 import AppTest

from explorer.core import ACTIVATIONS
from explorer.model.data import DATASETS, load
from explorer.model.training import Config, Trainer
from explorer.teaching import quiz
from explorer.ui import links

APP = str(Path(__file__).parents[2] / "app.py")


def configurations():
    for name in DATASETS:
        loss = "cross_entropy" if load(name).task == "classification" else "mse"
        for activation in ACTIVATIONS:
            yield Config(dataset=name, hidden=(4, 3), activation=activation, loss=loss, batch=8)


def cells(M: np.ndarray, where: np.ndarray) -> frozenset:
    return frozenset((int(i) + 1, int(j) + 1) for i, j in zip(*np.nonzero(where)))


def what_the_step_did(question: quiz.Question, t: Trainer) -> object:
    """The answer read off the step just taken, without explorer.teaching.quiz: its δ, its ∂L/∂W, the
    loss of its batch under the new weights, the change of its weights."""
    s, l = t.current, question.layer
    if question.kind == "delta_sign":
        value = s.g.delta[l - 1][question.sample - 1, question.neuron - 1]
        return "+" if value > 0 else "−" if value < 0 else "0"
    if question.kind == "zero_cells":
        dW = s.g.dW[l - 1]
        unchanged = cells(dW, s.W[l - 1] == s.W_before[l - 1])
        zero = cells(dW, dW == 0)
        assert zero <= unchanged  # (17) with ∂L/∂W = 0 leaves the weight exactly as it was
        return zero
    if question.kind == "loss_down":
        return "down" if t.net.batch_loss(s.batch.X, s.batch.Y) < s.g.loss else "not_down"
    change = np.abs(s.W[l - 1] - s.W_before[l - 1])
    return max(question.choices, key=lambda cell: change[cell[0] - 1, cell[1] - 1])


@pytest.mark.parametrize("config", list(configurations()), ids=lambda c: f"{c.dataset}-{c.activation}")
def test_every_answer_key_is_what_the_step_then_computes(config):
    t = Trainer.from_config(config)
    for _ in range(4):
        batch = t.next_batch()
        questions = [q for kind in quiz.kinds(t.net) if (q := quiz.ask(kind, t.net, batch, config.lr, t.steps,
                                                                        config.seed)) is not None]
        t.step()
        assert np.array_equal(t.current.batch.rows, batch.rows)  # the question's batch is the step's
        for question in questions:
            assert question.answer == what_the_step_did(question, t), question
            assert quiz.outcome(question, t.current, t.net) == question.answer
            offered = question.answer if question.kind == "zero_cells" else {question.answer}
            assert set(offered) <= set(question.choices)
        t.run(5)  # further on, where the weights have moved


def test_zero_cells_are_asked_only_of_relu_networks():
    for activation in ACTIVATIONS:
        t = Trainer.from_config(Config(dataset="xor", activation=activation))
        assert ("zero_cells" in quiz.kinds(t.net)) == (activation == "relu")
    t = Trainer.from_config(Config(dataset="xor", activation="tanh"))
    with pytest.raises(ValueError, match="kind must be one of"):
        quiz.ask("zero_cells", t.net, t.next_batch(), 0.1, 0)


def test_relu_gives_zero_cells_that_the_step_leaves_unchanged():
    # A ReLU unit that is off for every sample of the batch zeroes a row of ∂L/∂W^{l}, (8).
    t = Trainer.from_config(Config(dataset="sine", hidden=(4, 4), activation="relu", loss="mse", lr=0.3))
    found = 0
    for _ in range(30):
        question = quiz.ask("zero_cells", t.net, t.next_batch(), t.config.lr, t.steps)
        t.step()
        assert question.answer == what_the_step_did(question, t)
        found += bool(question.answer)
    assert found  # not an empty key every time


def test_the_loss_does_not_always_go_down():
    small = Trainer.from_config(Config(dataset="sine", loss="mse", lr=0.01))
    large = Trainer.from_config(Config(dataset="sine", loss="mse", lr=10.0))
    answers = set()
    for t in (small, large):
        for _ in range(3):
            question = quiz.ask("loss_down", t.net, t.next_batch(), t.config.lr, t.steps)
            t.step()
            assert question.answer == what_the_step_did(question, t)
            answers.add(question.answer)
    assert answers == {"down", "not_down"}


def test_questions_are_drawn_from_the_seed_and_step_not_fixed():
    t = Trainer.from_config(Config(dataset="digits", hidden=(8, 8)))
    batch = t.next_batch()
    asked = {(q.layer, q.sample, q.neuron) for step in range(12)
             for q in [quiz.ask("delta_sign", t.net, batch, 0.1, step, seed=3)]}
    assert len(asked) > 3
    again = quiz.ask("delta_sign", t.net, batch, 0.1, 5, seed=3)
    assert again == quiz.ask("delta_sign", t.net, batch, 0.1, 5, seed=3)  # the whole class sees the same
    offered = quiz.ask("largest_change", t.net, batch, 0.1, 0)
    assert len(offered.choices) == quiz.CANDIDATES and offered.answer in offered.choices


def test_ties_are_never_offered_for_the_largest_change():
    # Softmax with two classes: the two columns of ∂L/∂W^3 are exact opposites.
    t = Trainer.from_config(Config(dataset="xor", hidden=(4, 4)))
    batch = t.next_batch()
    g = t.net.gradients(batch.X, batch.Y)
    assert np.allclose(g.dW[2][:, 0], -g.dW[2][:, 1])
    for step in range(20):
        question = quiz.ask("largest_change", t.net, batch, 0.1, step)
        if question.layer == 3:
            (i, j) = question.answer
            assert (i, 3 - j) not in question.choices


# -- the link ------------------------------------------------------------------------------------


def test_quiz_is_a_page_option_of_the_link():
    options, problems = links.parse_page({"quiz": "1"})
    assert options["quiz"] is True and not problems
    assert links.page_query(options)["quiz"] == "1"
    options, problems = links.parse_page({})
    assert options["quiz"] is False and "quiz" not in links.page_query(options)
    options, problems = links.parse_page({"quiz": "maybe"})
    assert options["quiz"] is False and len(problems) == 1


# -- the page, through the real Step button ----------------------------------------------------------


LINK = {"dataset": "xor", "hidden": "4,4", "activation": "relu", "loss": "cross_entropy", "lr": "0.3", "batch": "8",
        "seed": "4", "quiz": "1"}
CONFIG = Config(dataset="xor", hidden=(4, 4), activation="relu", loss="cross_entropy", lr=0.3, batch=8, seed=4)




def open_app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in (LINK | params).items():
        at.query_params[name] = value
    return ok(at.run())


def predict(at: AppTest, kind: str, answer: object) -> AppTest:
    ok(at.selectbox(key="quiz_kind").set_value(kind).run())
    steps = at.session_state["trainer"].steps
    asked = at.session_state["quiz_question"][1].kind  # another kind where this one has no clear answer
    widget = f"quiz_answer_{steps}_{asked}"
    if asked == "zero_cells":
        ok(at.multiselect(key=widget).set_value(sorted(answer)).run())
    else:
        ok(at.radio(key=widget).set_value(answer).run())
    return ok(at.button(key="quiz_commit").click().run())


def key_for(kind: str, steps: int) -> quiz.Question:
    """The question a fresh trainer of the same link asks at this step: an independent replica."""
    t = Trainer.from_config(CONFIG)
    t.run(steps)
    return quiz.pick(kind, t.net, t.next_batch(), CONFIG.lr, steps, CONFIG.seed)


def test_a_prediction_is_committed_then_scored_by_the_real_step():
    at = open_app()
    assert at.session_state["quiz_score"] == (0, 0)
    assert at.query_params["quiz"] == "1"
    right = key_for("loss_down", 0).answer
    predict(at, "loss_down", right)
    assert at.info and "locked in" in at.info[0].value
    assert not at.radio  # committed: no more changing it
    ok(at.button(key="step").click().run())
    assert at.session_state["quiz_score"] == (1, 1)
    assert at.success[0].value.startswith("Right: you predicted ")
    assert "Batch loss before the update" in " ".join(c.value for c in at.caption)

    question = key_for("delta_sign", 1)
    wrong = next(sign for sign in question.choices if sign != question.answer)
    predict(at, "delta_sign", wrong)
    ok(at.button(key="step").click().run())
    assert at.session_state["quiz_score"] == (1, 2)
    assert at.error[0].value == f"Not this time: you predicted {wrong}; the step gave {question.answer}."

    question = key_for("zero_cells", 2)
    predict(at, "zero_cells", question.answer)
    ok(at.button(key="step").click().run())
    assert at.session_state["quiz_score"] == (2, 3)

    question = key_for("largest_change", 3)
    predict(at, "largest_change", question.answer)
    ok(at.button(key="step").click().run())
    assert at.session_state["quiz_score"] == (3, 4)
    t = Trainer.from_config(CONFIG)
    t.run(4)
    assert all(np.array_equal(a, b) for a, b in zip(at.session_state["net"].W, t.net.W))  # the quiz changes nothing


def test_undo_drops_a_prediction_without_scoring_it():
    at = open_app()
    ok(at.button(key="step").click().run())
    predict(at, "loss_down", "down")
    ok(at.button(key="undo").click().run())
    assert "quiz_prediction" not in at.session_state and at.session_state["quiz_score"] == (0, 0)
    # Step 0's next step has been seen (taken, then undone): its question is not scored again.
    assert not [b for b in at.button if b.key == "quiz_commit"]


def test_without_the_link_the_mode_is_off_until_switched_on():
    at = open_app(quiz="0")
    assert not [b for b in at.button if b.key == "quiz_commit"]
    assert "quiz" not in at.query_params
    ok(at.toggle(key="quiz_mode").set_value(True).run())
    assert at.button(key="quiz_commit")
    assert at.query_params["quiz"] == "1"


def test_the_panel_in_chinese():
    at = open_app(lang="zh")
    assert at.button(key="quiz_commit").label == "提交我的预测"
    assert any(m.value.startswith("**先预测，再单步** · 得分：0 题中答对 0 题") for m in at.markdown)


# -- a question is scored once; what gives the answer away waits -----------------------------------


def quiz_messages(at: AppTest) -> list[str]:
    return [e.value for e in (*at.success, *at.error, *at.warning)]


def test_undo_does_not_let_a_revealed_answer_score_again():
    at = open_app()
    question = key_for("delta_sign", 0)
    wrong = next(sign for sign in question.choices if sign != question.answer)
    predict(at, "delta_sign", wrong)
    ok(at.button(key="step").click().run())
    assert at.session_state["quiz_score"] == (0, 1)
    ok(at.button(key="undo").click().run())  # back where the answer was just shown
    assert any("not scored" in m for m in quiz_messages(at))
    assert not [b for b in at.button if b.key == "quiz_commit"]
    ok(at.button(key="step").click().run())
    assert at.session_state["quiz_score"] == (0, 1)  # nothing scored on the way
    assert at.button(key="quiz_commit")  # a state never stepped from asks again


def test_undo_after_a_step_without_a_prediction_also_counts_as_seen():
    at = open_app()
    ok(at.button(key="step").click().run())
    ok(at.button(key="undo").click().run())
    assert not [b for b in at.button if b.key == "quiz_commit"]


def test_the_phases_view_waits_for_the_prediction():
    at = open_app()
    ok(at.segmented_control(key="view").set_value("phases").run())
    assert any("Commit your prediction first" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "phase_next"]
    predict(at, "loss_down", "down")
    assert at.button(key="phase_next")  # committed: the step's own numbers may be shown


def test_the_kind_stays_after_a_step_and_stale_feedback_goes():
    at = open_app()
    predict(at, "loss_down", key_for("loss_down", 0).answer)
    ok(at.button(key="step").click().run())
    assert at.selectbox(key="quiz_kind").value == "loss_down"
    assert at.success and at.success[0].value.startswith("Right")
    ok(at.button(key="step").click().run())  # a step without a prediction
    assert at.selectbox(key="quiz_kind").value == "loss_down"
    assert not [m for m in quiz_messages(at) if m.startswith(("Right", "Not this time"))]


ZERO_LINK = {"dataset": "circles", "hidden": "4,3", "activation": "relu", "loss": "mse", "lr": "0.1", "batch": "1",
             "seed": "7", "quiz": "1"}


def test_a_wrong_minus_where_the_truth_was_zero_says_the_relu_unit_was_off():
    config = Config(dataset="circles", hidden=(4, 3), activation="relu", loss="mse", lr=0.1, batch=1, seed=7)
    t = Trainer.from_config(config)
    while (question := quiz.ask("delta_sign", t.net, t.next_batch(), 0.1, t.steps, 7)).answer != "0":
        t.step()
    assert question.choices == ("+", "−", "0")
    at = open_app(**ZERO_LINK, step=str(t.steps))
    assert at.session_state["trainer"].steps == t.steps
    predict(at, "delta_sign", "−")
    ok(at.button(key="step").click().run())
    assert at.error[0].value == "Not this time: you predicted −; the step gave 0."
    facts = " ".join(c.value for c in at.caption)
    assert f"the ReLU unit {question.neuron} of layer {question.layer} was off" in facts


def test_a_kind_without_a_clear_question_asks_another_and_says_so():
    # Seed 35: every ReLU unit is off, nothing changes: no "which weight changes most".
    at = open_app(dataset="circles", hidden="2,2,2", activation="relu", loss="mse", lr="0.1", batch="1", seed="35")
    ok(at.button(key="step").click().run())
    ok(at.selectbox(key="quiz_kind").set_value("largest_change").run())
    assert at.session_state["quiz_question"][1].kind != "largest_change"
    assert any("No “which weight changes most” question has a clear answer" in c.value for c in at.caption)

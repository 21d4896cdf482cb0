"""Predict, then step: the panel that asks about the next Step, takes a prediction, and
scores it against what the Step computed (`explorer.teaching.quiz`).

A question is scored once. A state of the network from which a Step has been seen (it was
taken, then undone) asks no scored question again: its answer has been shown. While a
question is open, views that would show the next step's numbers ask for the prediction
first (`answer_open`).
"""

from __future__ import annotations

import hashlib

import streamlit as st

from explorer.model.training import Trainer
from explorer.teaching import quiz
from explorer.ui import page, session

_ = page.label
MAX_SEEN = 1_000  # states remembered as seen, per session (32 bytes each)


def _say_answer(question: quiz.Question, value: object) -> str:
    """A prediction or an outcome in words: a sign, a cell of W^l, a set of cells, down or not."""
    if question.kind == "loss_down":
        return _(f"quiz_a_{value}")
    nt = session.notation()
    if question.kind == "largest_change":
        return nt.entry("W", question.layer, *value)
    if question.kind == "zero_cells":
        return ", ".join("({}, {})".format(*nt.pair(i, j)) for i, j in sorted(value)) or _("quiz_a_none")
    return str(value)


def _state(t: Trainer) -> str:
    """The network's state and its next batch, as a short digest: the last layer's W and b
    (a step changes them), the step, the position in the data, the configuration."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(t.net.W[-1].tobytes())
    digest.update(t.net.b[-1].tobytes())
    digest.update(repr((t.steps, t.epoch, t.position, t.config)).encode())
    return digest.hexdigest()


def forget_state() -> None:
    """A new starting point (loaded weights): going back to it is no Undo of a step seen."""
    st.session_state.pop("quiz_at", None)


def _observe(t: Trainer) -> str:
    """Remember which states a Step has been seen from: the one drawn before, when the step
    count has since gone up; the current one, when it has gone back (Undo, or Reset to the
    same seeded start) within the same configuration."""
    ss = st.session_state
    now = _state(t)
    seen = ss.setdefault("quiz_seen", {})
    before = ss.get("quiz_at")
    if before is not None and before[0] != now:
        was, steps, config = before
        if t.steps > steps:
            seen[was] = True
        elif t.steps < steps and t.config == config:
            seen[now] = True
        while len(seen) > MAX_SEEN:
            del seen[next(iter(seen))]
    ss["quiz_at"] = (now, t.steps, t.config)
    return now


def _score(t: Trainer) -> None:
    """Score a committed prediction once its step has been taken, against what the step did."""
    ss = st.session_state
    committed = ss.get("quiz_prediction")
    if committed is None or t.steps == committed["question"].step:
        return
    del ss["quiz_prediction"]
    question = committed["question"]
    try:
        s = t.snapshot(question.step + 1)
    except KeyError:  # undone, reset, or no longer kept: there is nothing to check against
        return
    after = t.net.with_parameters(s.W, s.b)
    actual = quiz.outcome(question, s, after)
    right = committed["answer"] == actual
    ss["quiz_score"] = (ss["quiz_score"][0] + right, ss["quiz_score"][1] + 1)
    ss["quiz_last"] = {"question": question, "predicted": committed["answer"], "actual": actual, "right": right,
                       "facts": quiz.facts(question, s, after, session.notation()), "step": question.step + 1}


def _question(t: Trainer, kind: str) -> quiz.Question | None:
    """The question for the next step, of `kind` where one has a clear answer, made once per
    network state (it runs backprop)."""
    ss = st.session_state
    key = (t.steps, kind, id(t.net.W[0]), t.config.lr, t.config.batch, t.config.seed, t.config.penalty,
           t.current.edited, t.current.edit)  # a hand edit changes the weights at the same step
    kept = ss.get("quiz_question")
    if kept is None or kept[0] != key:
        kept = (key, quiz.pick(kind, t.net, t.next_batch(), t.config.lr, t.steps, t.config.seed,
                               t.config.penalty))
        ss["quiz_question"] = kept
    return kept[1]


def answer_open(t: Trainer) -> bool:
    """Whether a prediction about the next step is still to be committed: then the views that
    show that step's own numbers wait for it."""
    ss = st.session_state
    if not session.page()["quiz"] or ss.get("quiz_prediction") is not None:
        return False
    return _state(t) not in ss.get("quiz_seen", {})


def _feedback(t: Trainer) -> None:
    """The verdict on the last prediction, while its step is the latest one; after a Step taken
    without a prediction it is gone."""
    ss = st.session_state
    last = ss.get("quiz_last")
    if last is None:
        return
    if last["step"] != t.steps:
        del ss["quiz_last"]
        return
    said = {"predicted": _say_answer(last["question"], last["predicted"]),
            "actual": _say_answer(last["question"], last["actual"])}
    (st.success if last["right"] else st.error)(_("quiz_right" if last["right"] else "quiz_wrong", **said))
    st.caption(page.say(last["facts"]))


def quiz_panel(t: Trainer) -> None:
    """Predict, then step: commit a prediction about the next Step, then see it checked."""
    ss = st.session_state
    ss.setdefault("quiz_score", (0, 0))
    now = _observe(t)
    _score(t)
    right, asked = ss["quiz_score"]
    committed = ss.get("quiz_prediction")
    available = quiz.kinds(t.net)
    kept = page.kept("quiz_kind", available[0])  # the kind chosen stays across Steps
    if ss["quiz_kind"] not in available:  # a network that cannot be asked it
        ss["quiz_kind"] = available[0]
    with st.container(border=True):
        head = st.container(horizontal=True, vertical_alignment="center")
        head.markdown(f"**{_('quiz_title')}** · {_('quiz_score', right=right, asked=asked)}", width="content")
        kind = head.selectbox(_("quiz_kind"), available, format_func=page.options("quiz_k_"), width=320,
                              label_visibility="collapsed", disabled=committed is not None,
                              **kept)
        if committed is not None:
            question = committed["question"]
            st.markdown(page.say(question.prompt))
            st.info(_("quiz_committed", answer=_say_answer(question, committed["answer"])))
            return
        question = _question(t, kind)
        if question is None:
            st.info(_("quiz_none"))
            _feedback(t)
            return
        if question.instead:
            st.caption(_("quiz_instead", asked=_(f"quiz_k_{question.instead}"), kind=_(f"quiz_k_{question.kind}"),
                         why=page.say(quiz.why(question.instead))))
        st.markdown(page.say(question.prompt))
        if now in ss["quiz_seen"]:
            st.warning(_("quiz_seen"))
        else:
            _answer(t, question)
        _feedback(t)


def _answer(t: Trainer, question: quiz.Question) -> None:
    """The answer widget and Commit, on one row; how the answer is judged below them."""
    row = st.container(horizontal=True, vertical_alignment="bottom")
    if question.kind == "zero_cells":
        labels = {cell: _say_answer(question, {cell}) for cell in question.choices}
        answer = frozenset(row.multiselect(page.noted("quiz_cells"), question.choices, format_func=labels.get,
                                           key=f"quiz_answer_{t.steps}_{question.kind}",
                                           placeholder=_("quiz_cells_placeholder")))
    else:
        labels = {value: _say_answer(question, value) for value in question.choices}
        answer = row.radio(_("quiz_answer"), question.choices, key=f"quiz_answer_{t.steps}_{question.kind}",
                           horizontal=True, index=None, format_func=labels.get, width="content")
    row.button(_("quiz_commit"), key="quiz_commit", type="primary", disabled=answer is None, on_click=_commit,
               args=(question, answer))
    st.caption(page.say(quiz.margin(question.kind)))


def _commit(question: quiz.Question, answer: object) -> None:
    """Lock the prediction in (a button callback, so the page then draws it committed)."""
    st.session_state["quiz_prediction"] = {"question": question, "answer": answer}

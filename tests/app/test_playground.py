"""AppTest tests of what the app takes from TensorFlow Playground: input features and
regularisation, chosen in the sidebar and in the link, in both languages and on the projector."""

from __future__ import annotations

import numpy as np
import pytest
from specs import APP, chart, metrics, ok, open_app, texts
from streamlit.testing.v1 import AppTest

from explorer.teaching import teach
from explorer.ui.links import DEFAULT

SQUARES = ["x1", "x2", "x1^2", "x2^2"]




def url(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


# -- input features ---------------------------------------------------------------------------


def test_features_chosen_in_the_sidebar_widen_the_input_layer_and_the_link():
    at = open_app()
    assert at.session_state["net"].sizes == [2, 8, 8, 2] and "features" not in url(at)
    ok(at.multiselect(key="cfg_features").set_value(["x1^2", "x1", "x2", "x2^2"]).run())
    assert at.session_state["net"].sizes == [4, 8, 8, 2]
    assert at.session_state["net"].W[0].shape == (4, 8)
    assert url(at)["features"] == "x1,x2,x1^2,x2^2"  # in the input layer's order
    assert any("[4, 8, 8, 2]" in c for c in texts(at.sidebar.caption))
    ok(at.button(key="step").click().run())
    assert at.session_state["trainer"].steps == 1 and at.session_state["net"].sizes[0] == 4


def test_no_feature_at_all_is_refused_and_the_network_keeps_its_inputs():
    at = open_app(features="x1,x1x2")
    ok(at.multiselect(key="cfg_features").set_value([]).run())
    assert any("at least one input feature" in e for e in texts(at.sidebar.error))
    assert at.session_state["net"].sizes[0] == 2 and at.session_state["config"].features == ("x1", "x1x2")


def test_a_link_with_features_builds_the_wider_network_without_a_hidden_layer():
    at = open_app(features=",".join(SQUARES), hidden="")
    assert not at.warning
    assert at.session_state["net"].sizes == [4, 2]
    assert list(at.multiselect(key="cfg_features").value) == SQUARES
    at.number_input(key="n_steps").set_value(500)
    ok(at.button(key="run").click().run())
    assert float(metrics(at)["Train accuracy"].rstrip("%")) > 97


def test_a_bad_features_value_is_reported_as_inert_code_and_the_default_used():
    at = open_app(features="x1,<img src=x>")
    (warning,) = texts(at.warning)
    assert "`features=x1,<img src=x>`" in warning and "x1x2" in warning and "x1,x2" in warning
    assert at.session_state["config"] == DEFAULT and at.session_state["net"].sizes[0] == 2


def test_features_on_a_data_set_that_is_not_2d_are_reported_and_the_choice_disabled():
    at = open_app(dataset="iris", features="x1,x1^2")
    (warning,) = texts(at.warning)
    assert "2-D data sets only" in warning
    assert at.session_state["net"].sizes[0] == 4 and at.multiselect(key="cfg_features").disabled
    assert "features" not in url(at)


def test_features_in_chinese():
    at = open_app(lang="zh", features="x3")
    (warning,) = texts(at.warning)
    assert warning.startswith("链接：") and "输入特征" in warning
    assert at.multiselect(key="cfg_features").label == "输入特征（二维数据集）"


def test_features_on_the_projector():
    at = open_app(present="1", features="x1,x2,x1x2", dataset="xor")
    assert len(at.sidebar.multiselect) == 0
    assert at.session_state["net"].sizes == [3, 8, 8, 2]
    ok(at.button(key="step").click().run())
    assert at.session_state["trainer"].last_batch.X.shape[1] == 3
    assert url(at)["features"] == "x1,x2,x1x2" and url(at)["present"] == "1"


# -- regularisation ---------------------------------------------------------------------------


def test_a_penalty_chosen_in_the_sidebar_trains_and_the_numbers_show_it_apart():
    at = open_app()
    assert "Penalty λR(W)" not in metrics(at) and at.select_slider(key="cfg_lam").disabled
    ok(at.selectbox(key="cfg_reg").set_value("l2").run())
    ok(at.select_slider(key="cfg_lam").set_value(0.3).run())
    assert url(at)["reg"] == "l2" and url(at)["lambda"] == "0.3"
    net = at.session_state["net"]
    W = [M.copy() for M in net.W]
    ok(at.button(key="step").click().run())
    assert at.session_state["trainer"].steps == 1  # the penalty is training's: the weights were kept
    s = at.session_state["trainer"].current
    assert s.penalty.kind == "l2" and s.penalty.lam == 0.3
    np.testing.assert_allclose(W[0] - at.session_state["net"].W[0],
                               0.1 * (s.g.dW[0] + 0.3 * W[0]), rtol=1e-12, atol=1e-15)
    shown = metrics(at)
    penalty = 0.15 * sum(float((M**2).sum()) for M in at.session_state["net"].W)
    assert float(shown["Penalty λR(W)"]) == pytest.approx(penalty, rel=1e-3)
    assert float(shown["Train loss + λR(W)"]) == pytest.approx(float(shown["Train loss"]) + penalty, rel=1e-3)


def test_a_link_with_a_penalty_sets_the_sidebar_and_keeps_an_unlisted_rate():
    at = open_app(reg="l1", **{"lambda": "0.002"})
    assert not at.warning
    assert at.selectbox(key="cfg_reg").value == "l1" and at.select_slider(key="cfg_lam").value == 0.002
    assert at.session_state["config"].penalty.lam == 0.002
    assert "Penalty λR(W)" in metrics(at)


def test_a_bad_penalty_in_the_link_is_reported_and_the_default_used():
    at = open_app(reg="l3", **{"lambda": "99"})
    warnings = texts(at.warning)
    assert len(warnings) == 2 and "`reg=l3`" in warnings[0] and "`lambda=99`" in warnings[1], warnings
    assert at.session_state["config"] == DEFAULT


def test_the_penalty_in_chinese_and_on_the_projector():
    at = open_app(lang="zh", present="1", reg="l2", **{"lambda": "0.1"})
    assert len(at.sidebar.selectbox) == 0
    ok(at.button(key="step").click().run())
    assert "惩罚项 λR(W)" in metrics(at) and "训练损失 + λR(W)" in metrics(at)
    assert url(at)["reg"] == "l2" and url(at)["present"] == "1"
    at = open_app(lang="zh", reg="l9")
    assert "正则化" in texts(at.warning)[0]


@pytest.mark.parametrize("lang, origin", [("en", "app's addition"), ("zh", "本应用的扩展")])
def test_the_equations_view_writes_17_with_the_penalty_as_the_apps_addition(lang, origin):
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in {"dataset": "xor", "hidden": "3", "reg": "l1", "lambda": "0.03", "step": "2",
                        "lang": lang}.items():
        at.query_params[name] = value
    at.session_state["view"] = "equations"
    ok(at.run())
    t = at.session_state["trainer"]
    (W17, _) = teach.update(t.complete(t.current), 2, lang)  # the output layer, shown first
    assert W17.numeric in "\n".join(str(e.value) for e in at.latex)
    assert any(origin in str(c.value) for c in at.caption)


def test_the_gradient_check_view_checks_the_whole_gradient_of_a_regularised_step():
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in {"dataset": "xor", "hidden": "3", "reg": "l2", "lambda": "0.3", "step": "1"}.items():
        at.query_params[name] = value
    at.session_state["view"] = "gradcheck"
    ok(at.run())
    assert any("whole gradient ∂L/∂W + λ ∂R/∂W" in str(c.value) for c in at.caption)
    ok(at.button(key="gradcheck").click().run())
    assert at.success and not at.error, texts(at.error)
    s = at.session_state["trainer"].current
    checks = at.session_state["gradcheck_result"][2]["checks"]
    for l, check in enumerate(checks):
        measured = check.measured[0]  # W^l's entries: backprop's side is the step's whole gradient
        np.testing.assert_allclose(measured.analytic, s.update_gradient()[l].ravel()[measured.flat], rtol=1e-12)


def test_the_phase_diagram_names_each_input_node():
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in {"dataset": "circles", "features": "x1,x2,x1^2,sinx2", "hidden": "3"}.items():
        at.query_params[name] = value
    at.session_state["view"] = "phases"
    ok(at.run())
    notes = chart(at, "phase_diagram")["layout"]["annotations"]
    named = [n for n in notes if n.get("xanchor") == "right" and n.get("yref") == "y"]
    assert [n["text"] for n in named] == ["x₁", "x₂", "x₁²", "sin x₂"]
    assert [n["y"] for n in named] == sorted((n["y"] for n in named), reverse=True)  # neuron 1 at the top

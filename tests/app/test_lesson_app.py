"""AppTest tests of the teaching views: the numbers on the page are the core's, the
phases compose to one Step, the gradient check catches each injected bug without
touching training, history scrubbing and undo show the stored state, a link with
`step=N` replays exactly, and the page options of a link (`lang`, `hide`, `present`)
work or are named when wrong.

References are independent: a fresh `Trainer` from the same configuration (tests/
test_training.py checks it against the documented batch order), stepped the same number
of times, compared bit for bit.
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
import specs
from specs import chart, click, decode, ok, texts
from streamlit.testing.v1 import AppTest

from explorer.model import gradcheck, limits
from explorer.model.training import Config, Trainer
from explorer.teaching import export, teach

APP = str(Path(__file__).parents[2] / "app.py")
# sizes [2, 3, 2], batch 4: every matrix of the equations is written out.
LINK = {"dataset": "xor", "hidden": "3", "activation": "tanh", "loss": "cross_entropy", "lr": "0.3", "batch": "4",
        "seed": "2"}
CONFIG = Config(dataset="xor", hidden=(3,), activation="tanh", loss="cross_entropy", lr=0.3, batch=4, seed=2)


# -- helpers ------------------------------------------------------------------------------------




def open_app(link: dict[str, str] | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in {**(LINK if link is None else link), **params}.items():
        at.query_params[name] = value
    return ok(at.run())




def view(at: AppTest, name: str) -> AppTest:
    return ok(at.segmented_control(key="view").set_value(name).run())


def looking_back(steps: int, at_step: int) -> AppTest:
    """The page after `steps` Steps, its History slider moved back to `at_step`: every view
    then shows that step."""
    at = open_app()
    for _ in range(steps):
        click(at, "step")
    view(at, "history")
    return ok(at.slider(key="view_step").set_value(at_step).run())


def trained(steps: int, config: Config = CONFIG) -> Trainer:
    t = Trainer.from_config(config)
    t.run(steps)
    return t


def same(xs, ys) -> bool:
    return len(xs) == len(ys) and all(np.array_equal(x, y) for x, y in zip(xs, ys))


def latex(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.latex)




def url(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}




def panel(spec: dict, prefix: str) -> np.ndarray:
    found = [t for t in spec["data"] if str(t.get("hovertemplate", "")).startswith(prefix)]
    assert len(found) == 1, f"{len(found)} traces start with {prefix!r}"
    return decode(found[0]["z"])


def W1(at: AppTest) -> np.ndarray:
    """W¹ as the board shows it."""
    return specs.board(at)["W1"]


def parts(at: AppTest) -> set[str]:
    """The parts the board draws beside the matrices: the loss, the data, the diagram."""
    spec = specs.structure(at)
    return {part for part, shown in (("loss", spec["loss"]), ("data", spec["pictured"]),
                                     ("diagram", spec["diagram"])) if shown}


# The options of the "Also show" pills: the gradient panels, off at first.
GRADIENT_PANELS = ["∂L/∂W, ∂L/∂b", "ΔW = −η ∂L/∂W"]


def show_gradient_panels(at: AppTest) -> AppTest:
    return ok(at.pills(key="show_panels").set_value(GRADIENT_PANELS).run())


# -- equations with live numbers ------------------------------------------------------------------


def test_the_equations_view_writes_the_cores_numbers():
    at = open_app()
    click(at, "step")
    view(at, "equations")
    ref = trained(1)
    s = ref.complete(ref.current)  # with δ^1, as the view shows it
    g = s.g
    shown = latex(at)
    for M in (g.delta[-1], g.a[1].T, g.dW[1], g.db[1], s.W_before[1].T, s.W_before[1], s.W[1], s.b[1],
              s.batch.Y, g.delta[1]):  # the last layer (2), chosen by default
        assert teach.matrix(M, label=False) in shown, M.shape
    assert r"\delta^{3} = a - y^*" in shown  # (25) for cross-entropy
    ok(at.selectbox(key="eq_layer").set_value(1).run())
    shown = latex(at)
    for M in (g.a[0].T, g.delta[1], g.dW[0], g.db[0], s.W_before[0], s.W[0], g.delta[0]):
        assert teach.matrix(M, label=False) in shown, M.shape
    assert teach.matrix(g.dW[1], label=False) not in shown
    ok(at.number_input(key="cell_i").set_value(2).run())
    ok(at.number_input(key="cell_j").set_value(3).run())
    value = g.dW[0][1, 2]
    mean = float(np.mean(g.a[0][:, 1] * g.delta[1][:, 2]))
    assert any(f"= {mean:.6g}" in m and f"∂L/∂W¹₂,₃ = {value:.6g}" in m for m in texts(at.markdown))
    cells = at.dataframe[0].value
    assert np.array_equal(cells["product"].to_numpy(), g.a[0][:, 1] * g.delta[1][:, 2])
    # MSE against cross-entropy on the weights the step used, same batch.
    y = g.z[-1]
    e = np.exp(y - y.max(axis=1, keepdims=True))
    ce = -np.sum(s.batch.Y * np.log(e / e.sum(axis=1, keepdims=True))) / len(y)
    mse = 0.5 * np.sum((y - s.batch.Y) ** 2) / len(y)
    assert f"L_{{(19)}} = {teach.number(mse)}" in shown and f"L_{{(23)}} = {teach.number(ce)}" in shown
    assert np.allclose(panel(chart(at, "compare_mse"), "MSE"), y - s.batch.Y, rtol=0, atol=1e-15)
    assert np.allclose(panel(chart(at, "compare_ce"), "cross-entropy"), g.delta[-1], rtol=0, atol=1e-15)


def test_the_equations_of_a_past_step_are_that_steps():
    at = looking_back(3, 1)
    view(at, "equations")
    g = trained(1).current.g
    assert teach.matrix(g.dW[1], label=False) in latex(at)
    assert teach.matrix(trained(3).current.g.dW[1], label=False) not in latex(at)


def test_the_equations_before_any_step_ask_for_one():
    at = view(open_app(), "equations")
    assert not at.latex and at.info


# -- one update, phase by phase ---------------------------------------------------------------------


def test_finishing_the_phases_gives_exactly_one_step():
    at = view(open_app(), "phases")
    one = click(open_app(), "step")
    ref = Trainer.from_config(CONFIG)
    batch = ref.next_batch()
    phases = teach.phases(ref.net, ref.net.gradients(batch.X, batch.Y), batch.Y, CONFIG.lr)
    assert len(phases) == 4 * (3 - 1) + 3
    start = [w.copy() for w in at.session_state["net"].W]
    for k, phase in enumerate(phases):
        assert phase.equation.numeric in latex(at), phase.title
        assert any(f"**{phase.title}**" in m for m in texts(at.markdown))  # the current one in bold
        label = at.button(key="phase_next").label
        assert label == ("Finish: apply the update" if k == len(phases) - 1 else "Next phase")
        if k < len(phases) - 1:
            assert same(at.session_state["net"].W, start) and at.session_state["loss_history"] == []
        click(at, "phase_next")
    net, other = at.session_state["net"], one.session_state["net"]
    assert same(net.W, other.W) and same(net.b, other.b)
    ref.step()
    assert same(net.W, ref.net.W) and same(net.b, ref.net.b)
    assert same(net.W, list(phases[-1].shows.values()))
    assert at.session_state["loss_history"] == one.session_state["loss_history"] == ref.loss_history
    assert at.button(key="phase_next").label == "Next phase"  # the next update starts at its first phase


def test_restarting_the_phases_changes_nothing():
    at = view(open_app(), "phases")
    for _ in range(4):
        click(at, "phase_next")
    click(at, "phase_restart")
    for _ in range(11):
        click(at, "phase_next")
    assert same(at.session_state["net"].W, trained(1).net.W)


# -- gradient check with injected bugs ----------------------------------------------------------------


def run_check(at: AppTest, *bugs: str) -> AppTest:
    for name in ("no_activation_derivative", "no_batch_mean", "W_not_transposed"):
        at.toggle(key=f"bug_{name}").set_value(name in bugs)
    ok(at.run())
    return click(at, "gradcheck")


def caught(at: AppTest) -> str:
    """The verdict sentence of a check that caught a bug, whose named worst entry must be the
    table's worst entry of the worst layer; returns the sentence up to the entry."""
    (message,) = texts(at.error)
    table = at.dataframe[0].value
    wrong = table[table["verdict"] == "wrong"]
    worst = wrong.iloc[wrong["its error"].str.replace("−", "-").astype(float).argmax()]
    head, entry = message.split(" Worst entry ")
    assert entry == (f"∂L/∂{worst['worst entry']}: backprop {worst['backprop a']}, "
                     f"finite difference {worst['finite difference n']}, error {worst['its error']}.")
    return head


def test_the_gradient_check_passes_the_core_and_catches_each_bug_without_touching_training():
    at = view(open_app(hidden="3,3"), "gradcheck")  # sizes [2, 3, 3, 2]
    config = CONFIG.with_(hidden=(3, 3))
    start = trained(0, config).net
    run_check(at)
    assert texts(at.success) == ["Every entry of every layer compared (29 entries): none disagrees with finite "
                                 "differences. Backprop's gradients are right for these weights and this batch."]
    assert not at.error
    run_check(at, "no_activation_derivative")
    assert caught(at) == "The gradient check catches it: layer(s) 1, 2 disagree with finite differences."
    run_check(at, "no_batch_mean")
    assert caught(at) == "The gradient check catches it: layer(s) 1, 2, 3 disagree with finite differences."
    run_check(at, "W_not_transposed")
    (message,) = texts(at.error)
    assert message.startswith("The bug crashes the backward pass: (15) at layer 3:") and "W³ is 3×2" in message
    net = at.session_state["net"]
    assert same(net.W, start.W) and same(net.b, start.b)  # the bugs never reach training
    click(at, "step")  # with every bug still switched on
    ref = trained(1, config)
    assert same(net.W, ref.net.W) and same(net.b, ref.net.b)
    assert at.session_state["loss_history"] == ref.loss_history
    run_check(at)  # the step just taken, on the weights and batch it used
    assert at.success and not at.error


def test_W_instead_of_its_transpose_on_square_layers_is_caught_below_the_last_layer():
    at = view(open_app(hidden="2,2"), "gradcheck")  # sizes [2, 2, 2, 2]
    run_check(at, "W_not_transposed")
    assert caught(at) == "The gradient check catches it: layer(s) 1, 2 disagree with finite differences."
    verdicts = at.dataframe[0].value["verdict"].tolist()
    assert verdicts == ["wrong", "wrong", "good"]


def test_a_bug_that_changes_nothing_says_why():
    at = view(open_app(hidden="3,3", activation="identity"), "gradcheck")
    run_check(at, "no_activation_derivative")
    assert texts(at.info) == ["With the identity activation f′(z) = 1, so forgetting ⊙ f′(zˡ) changes nothing: "
                              "choose relu, tanh or sigmoid to see this bug."]
    assert at.success and not at.error
    run_check(at, "no_batch_mean")
    assert not at.info and at.error


def test_weights_too_large_to_check_are_said_to_be_so():
    # Loaded weights 1e8 times the seeded ones: the loss is about 1e30 and a finite difference
    # of it is rounding noise. The page says so, and blames no layer.
    at = view(open_app({"dataset": "sine", "loss": "mse"}), "gradcheck")
    t = at.session_state["trainer"]
    t.reset([W * 1e8 for W in t.net.W], [b + 1.0 for b in t.net.b])  # as loading a weights file does
    run_check(at)
    (warning,) = texts(at.warning)
    assert warning.startswith("Layer(s) 3: finite differences cannot check these weights (the largest |W| is ")
    assert not at.error and not at.success
    assert at.dataframe[0].value["verdict"].tolist()[-1] == "cannot tell"


def test_a_network_too_costly_to_check_in_full_says_how_much_was_checked():
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in {"dataset": "digits", "hidden": "256,256,256,256,256,256", "split": "0",
                        "batch": "1797"}.items():
        at.query_params[name] = value
    at.session_state["view"] = "gradcheck"
    click(ok(at.run()), "gradcheck")
    (caption,) = [c for c in texts(at.caption) if "2 s" in c]
    sizes = [64, *[256] * 6, 10]
    batch = limits.max_batch(sizes)  # the link's 1797 is capped to what one step may cost
    rows = gradcheck.plan(sizes, batch).rows
    assert caption.startswith(f"To keep one click under about 2 s, this network is checked on the first {rows} of "
                              f"the batch's {batch} samples")
    per_click = gradcheck.plan(sizes, rows).entries
    assert at.dataframe[0].value["entries checked"].tolist()[0] == (f"{per_click} of 16384 entries of W¹, "
                                                                     f"{per_click} of 256 entries of b¹")
    (success,) = texts(at.success)  # a sample, not a proof
    assert success.startswith("No disagreement in the entries compared so far:") and "not a proof" in success
    assert "backprop is right" not in success.lower()
    click(at, "gradcheck")  # another sample: entries not compared yet
    assert at.dataframe[0].value["entries checked"].tolist()[0].startswith(f"{2 * per_click} of 16384 entries of W¹")


def test_a_result_is_shown_only_for_the_bugs_it_was_run_with():
    at = view(open_app(), "gradcheck")
    run_check(at, "no_batch_mean")
    assert at.error
    ok(at.toggle(key="bug_no_batch_mean").set_value(False).run())
    assert not at.error and not at.success


def test_a_bug_free_relu_network_is_not_flagged_before_its_first_step():
    at = view(open_app(hidden="8,8", activation="relu", batch="16", seed="0"), "gradcheck")
    run_check(at)
    assert at.success and not at.error


# -- history: undo, scrubbing, a link to a step ---------------------------------------------------------


def test_undo_restores_the_previous_weights_and_loss_history():
    at = open_app()
    for _ in range(3):
        click(at, "step")
    click(at, "undo")
    ref = trained(2)
    net = at.session_state["net"]
    assert same(net.W, ref.net.W) and same(net.b, ref.net.b)
    assert at.session_state["loss_history"] == ref.loss_history
    click(at, "step")
    assert same(at.session_state["net"].W, trained(3).net.W)
    for _ in range(3):
        click(at, "undo")
    assert same(at.session_state["net"].W, trained(0).net.W) and at.session_state["loss_history"] == []
    ok(at.run())
    assert at.button(key="undo").disabled


def test_undo_back_to_the_start_restores_the_seeded_network():
    at = open_app()
    click(at, "step")
    click(at, "undo")
    assert same(at.session_state["net"].W, trained(0).net.W) and at.session_state["loss_history"] == []


def test_undo_is_disabled_as_soon_as_there_is_nothing_to_undo():
    at = open_app()
    click(at, "step")
    click(at, "undo")
    assert at.button(key="undo").disabled


def test_scrubbing_back_shows_that_steps_weights_in_the_layer_heatmaps():
    at = looking_back(3, 1)
    view(at, "network")
    show_gradient_panels(at)
    one = trained(1)
    frame = specs.board(at)
    assert (frame["head"]["step"], frame["head"]["latest"]) == (1, 3)  # the board marks the step on the loss curve
    for l in (1, 2):
        assert np.array_equal(frame[f"W{l}"], one.net.W[l - 1])
        assert np.array_equal(frame[f"b{l}"], one.net.b[l - 1])
        assert np.array_equal(frame[f"dW{l}"], one.current.g.dW[l - 1])
    assert any("step 1 of 3" in m for m in texts(at.info))
    assert same(at.session_state["net"].W, trained(3).net.W)  # looking back changes nothing
    view(at, "history")
    ok(at.slider(key="view_step").set_value(0).run())
    view(at, "network")
    assert np.array_equal(W1(at), trained(0).net.W[0])
    click(at, "step")  # a step continues from step 3 and shows the latest again
    assert same(at.session_state["net"].W, trained(4).net.W)
    assert not any("of 4" in m for m in texts(at.info))
    assert np.array_equal(W1(at), trained(4).net.W[0])
    view(at, "history")
    assert at.slider(key="view_step").value == 4


def test_the_line_that_says_a_past_step_is_shown_goes_back_to_the_latest():
    at = looking_back(2, 1)
    view(at, "network")
    assert np.array_equal(W1(at), trained(1).net.W[0])
    ok(at.button(key="view_back").click().run())
    assert not any("step 1 of 2" in m for m in texts(at.info))
    assert np.array_equal(W1(at), trained(2).net.W[0])
    assert same(at.session_state["net"].W, trained(2).net.W)


def test_the_gradient_panels_chosen_stay_on_after_a_visit_to_another_view():
    at = open_app()
    click(at, "step")
    show_gradient_panels(at)
    assert {"dW1", "DW2"} <= set(specs.board(at))
    view(at, "equations")
    view(at, "network")
    assert at.pills(key="show_panels").value == GRADIENT_PANELS
    assert {"dW1", "DW2"} <= set(specs.board(at)) and specs.structure(at)["panels"] == ["dW", "update"]


def test_the_log_scale_chosen_stays_on_after_a_visit_to_another_view():
    at = open_app()
    click(at, "step")
    ok(at.toggle(key="loss_log").set_value(True).run())
    assert specs.board(at)["head"]["log"]
    view(at, "history")
    view(at, "network")
    assert at.toggle(key="loss_log").value
    assert specs.board(at)["head"]["log"]


def test_a_link_to_step_17_replays_the_seeded_run():
    at = open_app(step="17")
    ref = trained(17)
    net = at.session_state["net"]
    assert same(net.W, ref.net.W) and same(net.b, ref.net.b)
    assert at.session_state["loss_history"] == ref.loss_history and len(ref.loss_history) == 17
    assert url(at)["step"] == "17"  # kept: reloading the page or sharing its address shows step 17 again
    assert url(at)["seed"] == "2"
    click(at, "step")  # the replay happens once
    assert same(at.session_state["net"].W, trained(18).net.W)


def test_the_history_view_shares_a_link_that_replays_the_viewed_step():
    at = looking_back(5, 3)
    (code,) = texts(at.code)
    params = dict(parse_qsl(urlsplit(code).query))
    assert params["step"] == "3"
    other = open_app(params)
    assert same(other.session_state["net"].W, trained(3).net.W)
    norms = chart(at, "norms")
    assert norms["data"]


# -- the page options of a link ----------------------------------------------------------------------


def test_lang_zh_shows_chinese_labels():
    at = open_app(lang="zh")
    assert at.button(key="step").label == "单步"
    assert at.button(key="undo").label == "撤销"
    assert at.markdown[0].value == "# 反向传播探索器"  # the page's title
    assert url(at)["lang"] == "zh"
    assert at.segmented_control(key="view").options == ["网络", "公式", "分阶段", "梯度检验", "历史", "保存与加载",
                                                        "推导"]
    ok(at.segmented_control(key="lang").set_value("en").run())
    assert at.button(key="step").label == "Step"


def test_lang_zh_in_a_teaching_view():
    # AppTest formats a segmented control's value outside the script (in English), so the
    # Chinese page's view is chosen through its session-state key before the first run.
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in (LINK | {"lang": "zh"}).items():
        at.query_params[name] = value
    at.session_state["view"] = "gradcheck"
    ok(at.run())
    assert at.button(key="gradcheck").label == "运行梯度检验"
    click(at, "gradcheck")
    (success,) = texts(at.success)
    assert success.startswith("每一层的每个元素都已比较（共 ")
    assert success.endswith("对这组权重和这一批，反向传播的梯度是正确的。")


@pytest.mark.parametrize("name, value", [("lang", "xx"), ("step", "-1"), ("hide", "foo"), ("present", "maybe"),
                                         ("step", "10001"), ("step", "two")])
def test_a_bad_page_option_is_named_and_ignored(name, value):
    at = open_app(**{name: value})
    warnings = texts(at.warning)
    assert any(f"`{name}={value}`" in w for w in warnings), warnings
    assert at.button(key="step").label == "Step"
    assert at.session_state["loss_history"] == [] and at.segmented_control(key="view")
    assert name not in url(at)


def test_all_bad_page_options_at_once():
    at = open_app(lang="xx", step="-1", hide="foo", present="maybe")
    warnings = " ".join(texts(at.warning))
    for part in ("`lang=xx`", "`step=-1`", "`hide=foo`", "`present=maybe`"):
        assert part in warnings
    assert at.sidebar.selectbox  # nothing hidden


def test_hide_views_hides_the_view_switcher():
    at = open_app(hide="views")
    with pytest.raises(KeyError):
        at.segmented_control(key="view")
    assert np.array_equal(W1(at), trained(0).net.W[0])  # the network view
    assert parts(at) == {"loss", "data", "diagram"}
    assert url(at)["hide"] == "views"


def test_hide_loss_hides_the_whole_overview_chart():
    at = open_app(hide="loss")
    click(at, "step")
    assert parts(at) == {"diagram"}
    assert "curve.train" not in specs.board(at)
    with pytest.raises(KeyError):
        at.toggle(key="loss_log")
    assert np.array_equal(W1(at), trained(1).net.W[0])
    assert url(at)["hide"] == "loss"


def test_hide_data_keeps_the_loss_half_of_the_overview():
    at = open_app(hide="data")
    click(at, "step")
    assert parts(at) == {"loss", "diagram"}
    frame = specs.board(at)
    assert "regions" not in frame and "Xtr" not in specs.unpack(at.get_by_key("board").proto.bytes)[1]
    assert list(frame["curve.train"]) == trained(1).loss_history
    assert parts(open_app()) == {"loss", "data", "diagram"}  # without it: the data beside the loss


def test_hide_gradients_takes_the_pills_and_the_gradient_panels_away():
    at = open_app(hide="gradients")
    with pytest.raises(KeyError):
        at.pills(key="show_panels")
    click(at, "step")
    frame = specs.board(at)
    assert not any(name.startswith(("dW", "db", "DW", "Db")) for name in frame)
    assert np.array_equal(frame["delta2"], trained(1).current.g.delta[1])  # δ is still shown


def test_present_hides_the_sidebar_configuration():
    at = open_app(present="1")
    assert len(at.sidebar.selectbox) == 0 and len(at.sidebar.number_input) == 0
    assert at.button(key="step")
    click(at, "step")
    assert same(at.session_state["net"].W, trained(1).net.W)


# -- save and load --------------------------------------------------------------------------------------


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    return ok(at.file_uploader(key="upload_weights").set_value((name, content, "application/octet-stream")).run())


def test_loading_saved_weights_goes_on_from_their_step_and_batch():
    at = open_app()
    click(at, "step")
    view(at, "export")
    assert at.get_by_key("download_handout")
    run = trained(5)
    upload(at, "w.npz", export.weights_npz(run.net, 5))
    assert any("Loaded the weights from `w.npz` at step 5" in m for m in texts(at.success))
    t = at.session_state["trainer"]
    assert same(t.net.W, run.net.W) and same(t.net.b, run.net.b)
    assert at.session_state["loss_history"] == [] and t.steps == 5
    assert np.array_equal(t.next_batch().rows, run.next_batch().rows)  # the batches go on where the file was saved
    click(at, "step")
    run.step()
    assert same(at.session_state["net"].W, run.net.W)  # the same step as the run that saved them


@pytest.mark.parametrize("tamper, says", [
    (lambda arrays: arrays | {"W2": np.zeros((2, 3))}, "W2 has shape (2, 3)"),
    (lambda arrays: {k: v for k, v in arrays.items() if k != "b1"}, "b1 is missing"),
    (lambda arrays: arrays | {"W1": np.full((2, 3), np.nan)}, "NaN"),
    (lambda arrays: arrays | {"W5": np.zeros((1, 1))}, "W5"),
    (lambda arrays: arrays | {"b2": np.array([print], dtype=object)}, "pickled"),
], ids=["shape", "missing", "nan", "extra", "pickle"])
def test_a_tampered_weights_file_is_refused_with_a_message(tamper, says):
    at = view(open_app(), "export")
    click(at, "step")
    before = [w.copy() for w in at.session_state["net"].W]
    arrays = {f"W{k + 1}": W for k, W in enumerate(before)} | {"b1": np.zeros((1, 3)), "b2": np.zeros((1, 2))}
    buffer = io.BytesIO()
    np.savez(buffer, **tamper(arrays))
    upload(at, "bad.npz", buffer.getvalue())
    (message,) = texts(at.error)
    assert message.startswith("The file `bad.npz` was not loaded:") and says in message
    assert same(at.session_state["net"].W, before) and len(at.session_state["loss_history"]) == 1


def test_a_single_npy_upload_is_refused_with_a_message():
    at = view(open_app(), "export")
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((2, 3)))
    upload(at, "array.npz", buffer.getvalue())
    assert texts(at.error)

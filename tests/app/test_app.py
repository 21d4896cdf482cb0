"""AppTest tests of the whole page: click, then check the numbers against the core's own.

They drive the app only through its public contract (the query parameters,
the widget keys `step`, `run`, `n_steps`, `reset`, and `st.session_state["net"]` /
`["loss_history"]`) and the sidebar's `cfg_*` keys. Figures are read back from the
Plotly chart specs the page sends (typed arrays decoded) and compared bit for bit with
an independent `explorer.core.Network` stepped on the same documented mini-batches.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from specs import board, click, metrics, ok, open_app, payload, structure, texts, trained
from streamlit.testing.v1 import AppTest

from explorer.core import Network
from explorer.model import data
from explorer.model.training import Config
from explorer.ui import board as live
from explorer.ui.links import DEFAULT, parse_query

GOOD_LINK = {"dataset": "xor", "hidden": "4,3", "activation": "relu", "loss": "mse", "lr": "0.03", "batch": "8",
             "seed": "7"}
GOOD_CONFIG = Config(dataset="xor", hidden=(4, 3), activation="relu", loss="mse", lr=0.03, batch=8, seed=7)
# Reliably diverges on the 4th update (the loss overflows; earlier updates are finite).
DIVERGING_LINK = {"dataset": "sine", "loss": "mse", "lr": "100", "hidden": "64,64", "activation": "relu"}


# -- helpers ------------------------------------------------------------------------------





def url(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def url_config(at: AppTest) -> Config:
    """The configuration the address bar's link reproduces (it must be a clean one)."""
    config, problems = parse_query(url(at))
    assert problems == []
    return config





def history(at: AppTest) -> list[float]:
    return list(at.session_state["loss_history"])


def net(at: AppTest) -> Network:
    return at.session_state["net"]




def matrices(frame: dict) -> set[str]:
    """The names of the matrices a board frame carries: W1, b1, delta2, dW1, db1, DW1 (ΔW), Db1 (Δb), …"""
    return {name for name in frame if re.fullmatch(r"(W|b|delta|dW|db|DW|Db)\d+", name)}


# The options of the "Also show" pills (key `show_panels`): the gradient panels, off at first.
DW_PANELS, UPDATE_PANELS = "∂L/∂W, ∂L/∂b", "ΔW = −η ∂L/∂W"


def show_gradient_panels(at: AppTest, *options: str) -> AppTest:
    """Select these "Also show" options (both gradient panels when none are named)."""
    return ok(at.pills(key="show_panels").set_value(list(options or (DW_PANELS, UPDATE_PANELS))).run())


def same_parameters(a: Network, b: Network) -> bool:
    return len(a.W) == len(b.W) and all(np.array_equal(x, y) for x, y in zip(a.W + a.b, b.W + b.b))


def fresh(config: Config, dataset: data.Dataset | None = None) -> Network:
    """The seeded network a config starts from, built from the core alone."""
    ds = dataset or data.load(config.dataset, noise=config.noise, test_fraction=config.test_fraction,
                              seed=config.seed)
    return Network([ds.n_inputs, *config.hidden, ds.n_outputs], config.activation, config.loss, config.seed)


def first_step(config: Config, dataset: data.Dataset | None = None):
    """Step 1 recomputed independently: the first `batch` rows of epoch 0's documented order."""
    ds = dataset or data.load(config.dataset, noise=config.noise, test_fraction=config.test_fraction,
                              seed=config.seed)
    rows = np.random.default_rng([config.seed, 0]).permutation(len(ds.X_train))[: config.batch]
    network = fresh(config, ds)
    g = network.step(ds.X_train[rows], ds.targets(config.loss)[rows], config.lr)
    return network, g




# -- opening the page ---------------------------------------------------------------------


def test_default_page():
    at = open_app()
    assert isinstance(net(at), Network)
    assert net(at).sizes == [2, 8, 8, 2]
    assert (net(at).activation, net(at).loss, net(at).seed) == ("tanh", "cross_entropy", 0)
    assert same_parameters(net(at), fresh(DEFAULT))
    assert history(at) == []
    assert url_config(at) == DEFAULT
    assert not at.warning and not at.error


def test_default_url_carries_every_contract_parameter():
    query = url(open_app())
    assert {k: query[k] for k in ("dataset", "hidden", "activation", "loss", "lr", "batch", "seed")} == {
        "dataset": "circles", "hidden": "8,8", "activation": "tanh", "loss": "cross_entropy", "lr": "0.1",
        "batch": "16", "seed": "0"}


def test_before_a_step_the_layers_show_W_and_b_only():
    at = open_app()
    n = net(at)
    for shown in ([], [DW_PANELS, UPDATE_PANELS]):  # nothing to show yet, even with the gradient panels on
        if shown:
            show_gradient_panels(at, *shown)
        frame = board(at)
        for k in range(3):
            assert np.array_equal(frame[f"W{k + 1}"], n.W[k])
            assert np.array_equal(frame[f"b{k + 1}"], n.b[k])
        assert not frame["head"]["gradients"]
        assert matrices(frame) == {f"{name}{l}" for name in ("W", "b") for l in (1, 2, 3)}


# -- Step, Run, Reset ---------------------------------------------------------------------


def test_step_is_one_sgd_update_on_the_first_batch():
    at = open_app()
    click(at, "step")
    expected, g = first_step(DEFAULT)
    assert history(at) == [g.loss]
    assert same_parameters(net(at), expected)
    click(at, "step")
    reference = trained(DEFAULT, 2)
    assert history(at) == reference.loss_history
    assert same_parameters(net(at), reference.net)


def test_layer_heatmaps_show_the_step_exactly():
    at = open_app()
    click(at, "step")
    show_gradient_panels(at)
    expected, g = first_step(DEFAULT)
    lr = DEFAULT.lr
    frame = board(at)  # every layer's matrices, each its own array
    assert len(matrices(frame)) == 3 * 7
    for k in range(3):
        l = k + 1
        shown = {f"W{l}": expected.W[k], f"b{l}": expected.b[k], f"delta{l + 1}": g.delta[k + 1],
                 f"dW{l}": g.dW[k], f"db{l}": g.db[k], f"DW{l}": -lr * g.dW[k], f"Db{l}": -lr * g.db[k]}
        for name, M in shown.items():
            assert frame[name].shape == M.shape and np.array_equal(frame[name], M), name
        for name in (f"W{l}", f"delta{l + 1}", f"dW{l}", f"DW{l}"):  # colours symmetric around zero, each its own
            assert frame["head"]["ranges"][name] == np.abs(frame[name]).max() > 0
        assert frame[f"delta{l + 1}"].shape == (DEFAULT.batch, expected.sizes[l])


def test_gradient_panels_follow_the_also_show_pills():
    at = open_app()
    click(at, "step")
    pills = at.pills(key="show_panels")
    assert pills.options == [DW_PANELS, UPDATE_PANELS]
    assert pills.value == []  # off at first
    gradients = {f"{name}{l}" for name in ("dW", "db", "DW", "Db") for l in (1, 2, 3)}
    assert not matrices(board(at)) & gradients
    assert {f"delta{l + 1}" for l in (1, 2, 3)} <= matrices(board(at))  # δ is always shown after a step
    show_gradient_panels(at, DW_PANELS)
    assert matrices(board(at)) & gradients == {f"{name}{l}" for name in ("dW", "db") for l in (1, 2, 3)}
    assert structure(at)["panels"] == ["dW"]
    show_gradient_panels(at, UPDATE_PANELS)
    assert matrices(board(at)) & gradients == {f"{name}{l}" for name in ("DW", "Db") for l in (1, 2, 3)}
    show_gradient_panels(at)
    assert len(matrices(board(at))) == 3 * 7
    ok(at.pills(key="show_panels").set_value([]).run())
    assert len(matrices(board(at))) == 3 * 3 and structure(at)["panels"] == []


def test_run_n_steps_then_reset():
    at = open_app()
    click(at, "step")
    at.number_input(key="n_steps").set_value(12)
    click(at, "run")
    reference = trained(DEFAULT, 13)
    assert history(at) == reference.loss_history
    assert same_parameters(net(at), reference.net)
    assert metrics(at)["Step"] == "13"
    click(at, "reset")
    assert history(at) == []
    assert same_parameters(net(at), fresh(DEFAULT))
    assert metrics(at)["Step"] == "0"
    click(at, "step")  # from the start again: the same first batch
    assert history(at) == reference.loss_history[:1]


def test_a_long_run_with_a_progress_bar_finishes():
    at = open_app(hidden="4")
    at.number_input(key="n_steps").set_value(250)
    click(at, "run")
    config = DEFAULT.with_(hidden=(4,))
    reference = trained(config, 250)
    assert history(at) == reference.loss_history
    assert same_parameters(net(at), reference.net)
    assert not at.get("progress")  # emptied when done


def test_loss_chart_is_the_history():
    at = open_app()
    at.number_input(key="n_steps").set_value(3)
    click(at, "run")
    reference = trained(DEFAULT, 3)
    frame = board(at)  # the curve's points since the board's last frame: here all of them
    assert list(frame["curve.train"]) == history(at) == reference.loss_history
    assert list(frame["curve.steps"]) == [1, 2, 3]
    assert list(frame["curve.test"]) == reference.test_loss_history
    assert frame["head"]["log"] is False
    click(at, "step")
    frame = board(at)
    assert frame["head"]["curve"] == "tail" and list(frame["curve.steps"]) == [4]  # a Step sends its point
    assert list(frame["curve.train"]) == history(at)[-1:]
    ok(at.toggle(key="loss_log").set_value(True).run())
    assert board(at)["head"]["log"] is True


def test_decision_regions_are_the_networks_predictions():
    at = open_app()
    at.number_input(key="n_steps").set_value(5)
    click(at, "run")
    xs, ys, out = trained(DEFAULT, 5).grid()
    spec = structure(at)
    assert spec["pictured"] == "regions"
    assert spec["grid"] == [xs[0], xs[-1], ys[0], ys[-1], len(xs)] and len(xs) == len(ys)
    assert np.array_equal(board(at)["regions"], out.argmax(axis=-1))


def test_a_1d_regression_shows_the_fitted_curve():
    at = open_app(dataset="sine", loss="mse")
    click(at, "step")
    config = DEFAULT.with_(dataset="sine", loss="mse")
    xs, _, out = trained(config, 1).grid()
    spec = structure(at)
    assert spec["pictured"] == "fit" and spec["grid"] == [xs[0], xs[-1], len(xs)]
    assert np.array_equal(board(at)["fit"], out[:, 0].astype(np.float32))


# -- status -------------------------------------------------------------------------------


def test_classification_metrics_are_the_trainers_numbers():
    at = open_app()
    assert {"Step", "Epoch", "Train loss", "Test loss", "Train accuracy", "Test accuracy"} <= set(metrics(at))
    click(at, "step")
    t = trained(DEFAULT, 1)
    m = metrics(at)
    assert m["Step"] == "1" and m["Epoch"] == "0.10"
    assert m["Batch loss"] == f"{t.loss_history[0]:.4g}"
    assert m["Train loss"] == f"{t.loss_on('train'):.4g}" and m["Test loss"] == f"{t.loss_on('test'):.4g}"
    assert m["Train accuracy"] == f"{t.accuracy('train'):.1%}"
    assert m["Test accuracy"] == f"{t.accuracy('test'):.1%}"


def test_regression_shows_no_accuracy():
    at = open_app(dataset="sine", loss="mse")
    click(at, "step")
    labels = set(metrics(at))
    assert {"Step", "Epoch", "Batch loss", "Train loss"} <= labels
    assert not any("accuracy" in label.lower() for label in labels)


def test_epoch_counter_after_a_full_epoch():
    at = open_app(batch="40")
    at.number_input(key="n_steps").set_value(5)  # 160 training rows: 4 batches an epoch
    click(at, "run")
    assert metrics(at)["Epoch"] == "1.25"


# -- links --------------------------------------------------------------------------------


def test_a_good_link_gives_exactly_that_network_and_those_widgets():
    at = open_app(**GOOD_LINK)
    n = net(at)
    assert n.sizes == [2, 4, 3, 2]
    assert (n.activation, n.loss, n.seed) == ("relu", "mse", 7)
    assert same_parameters(n, Network([2, 4, 3, 2], "relu", "mse", 7))
    assert not at.warning
    assert at.selectbox(key="cfg_dataset").value == "xor"
    assert at.number_input(key="cfg_n_hidden").value == 2
    assert [at.number_input(key=f"cfg_hidden_{k}").value for k in range(2)] == [4, 3]
    assert at.selectbox(key="cfg_activation").value == "relu"
    assert at.selectbox(key="cfg_loss").value == "mse"
    assert at.text_input(key="cfg_lr_text").value == "0.03"
    assert at.select_slider(key="cfg_lr_preset").value == 0.03
    assert at.number_input(key="cfg_batch").value == 8
    assert at.number_input(key="cfg_seed").value == 7
    assert url_config(at) == GOOD_CONFIG
    click(at, "step")
    expected, g = first_step(GOOD_CONFIG)
    assert history(at) == [g.loss] and same_parameters(net(at), expected)


def test_a_link_without_hidden_layers():
    at = open_app(hidden="")
    assert net(at).sizes == [2, 2] and not at.warning
    assert at.number_input(key="cfg_n_hidden").value == 0
    assert url(at)["hidden"] == ""


BAD_LINKS = [
    ({"hidden": "8,x"}, "hidden"),
    ({"hidden": "0"}, "hidden"),
    ({"hidden": "999"}, "hidden"),
    ({"activation": "foo"}, "activation"),
    ({"loss": "bar"}, "loss"),
    ({"lr": "-1"}, "lr"),
    ({"lr": "abc"}, "lr"),
    ({"lr": "inf"}, "lr"),
    ({"batch": "0"}, "batch"),
    ({"seed": "-3"}, "seed"),
    ({"dataset": "nope"}, "dataset"),
]


@pytest.mark.parametrize(("link", "name"), BAD_LINKS, ids=[f"{n}={v[n]}" for v, n in BAD_LINKS])
def test_a_bad_link_value_is_named_and_replaced_by_its_default(link, name):
    at = open_app(**link)
    assert any(f"{name}=" in w and "default" in w for w in texts(at.warning)), texts(at.warning)
    assert url_config(at) == DEFAULT
    assert net(at).sizes == [2, 8, 8, 2]
    assert same_parameters(net(at), fresh(DEFAULT))
    assert at.text_input(key="cfg_lr_text").value == "0.1"
    click(at, "step")  # and it trains as the default would
    assert history(at) == [first_step(DEFAULT)[1].loss]


def test_a_bad_link_value_keeps_the_good_ones():
    at = open_app(dataset="xor", hidden="8,x", activation="relu", seed="5", lr="abc")
    assert sum("hidden=" in w for w in texts(at.warning)) == 1 and sum("lr=" in w for w in texts(at.warning)) == 1
    assert url_config(at) == DEFAULT.with_(dataset="xor", activation="relu", seed=5)
    assert same_parameters(net(at), fresh(DEFAULT.with_(dataset="xor", activation="relu", seed=5)))


def test_cross_entropy_on_a_regression_link_becomes_mse():
    at = open_app(dataset="sine", loss="cross_entropy")
    assert any("loss=cross_entropy" in w for w in texts(at.warning))
    assert (net(at).sizes, net(at).loss) == ([1, 8, 8, 1], "mse")
    assert url_config(at) == DEFAULT.with_(dataset="sine", loss="mse")


def test_a_batch_beyond_the_training_set_is_named_and_clamped():
    at = open_app(batch="100000")
    assert any("batch=100000" in w for w in texts(at.warning))
    assert url_config(at) == DEFAULT.with_(batch=160)
    assert at.number_input(key="cfg_batch").value == 160
    click(at, "step")
    assert history(at) == [first_step(DEFAULT.with_(batch=160))[1].loss]


# -- changing the configuration -----------------------------------------------------------

REBUILDS = [
    ("selectbox", "cfg_dataset", "spiral3", lambda n: n.sizes == [2, 8, 8, 3]),
    ("number_input", "cfg_n_hidden", 1, lambda n: n.sizes == [2, 8, 2]),
    ("number_input", "cfg_n_hidden", 3, lambda n: n.sizes == [2, 8, 8, 8, 2]),
    ("number_input", "cfg_hidden_0", 5, lambda n: n.sizes == [2, 5, 8, 2]),
    ("number_input", "cfg_hidden_1", 3, lambda n: n.sizes == [2, 8, 3, 2]),
    ("selectbox", "cfg_activation", "sigmoid", lambda n: n.activation == "sigmoid"),
    ("selectbox", "cfg_loss", "mse", lambda n: n.loss == "mse"),
    ("number_input", "cfg_seed", 3, lambda n: n.seed == 3),
    ("slider", "cfg_noise", 0.3, lambda n: n.sizes == [2, 8, 8, 2]),
    ("slider", "cfg_test_fraction", 0.3, lambda n: n.sizes == [2, 8, 8, 2]),
]


@pytest.mark.parametrize(("kind", "key", "value", "check"), REBUILDS, ids=[f"{r[1]}={r[2]}" for r in REBUILDS])
def test_changing_the_network_data_or_seed_rebuilds_from_the_seed(kind, key, value, check):
    at = open_app()
    click(at, "step")
    old = net(at)
    ok(getattr(at, kind)(key=key).set_value(value).run())
    assert any("Rebuilt" in i for i in texts(at.info)), texts(at.info)
    assert history(at) == []
    assert net(at) is not old and check(net(at))
    config = url_config(at)  # the link follows the change ...
    assert config != DEFAULT
    assert same_parameters(net(at), fresh(config))  # ... and the network is that link's seeded one
    click(at, "step")
    expected, g = first_step(config)
    assert history(at) == [g.loss] and same_parameters(net(at), expected)


@pytest.mark.parametrize("lr", ["0.5", "1e-3", "100"])
def test_typing_a_learning_rate_keeps_the_weights_and_history(lr):
    at = open_app()
    click(at, "step")
    before, losses = net(at), history(at)
    W = [w.copy() for w in before.W]
    ok(at.text_input(key="cfg_lr_text").set_value(lr).run())
    assert not any("Rebuilt" in i for i in texts(at.info)) and not at.error
    assert net(at) is before and all(np.array_equal(a, b) for a, b in zip(net(at).W, W))
    assert history(at) == losses
    assert url_config(at) == DEFAULT.with_(lr=float(lr))
    assert at.select_slider(key="cfg_lr_preset").value == {"0.5": 0.3, "1e-3": 0.001, "100": 10.0}[lr]  # it follows
    click(at, "step")
    reference = trained(DEFAULT, 1)
    reference.config = reference.config.with_(lr=float(lr))
    reference.step()
    assert history(at) == reference.loss_history and same_parameters(net(at), reference.net)


def test_the_preset_slider_sets_the_learning_rate_and_keeps_the_weights():
    at = open_app()
    click(at, "step")
    before, losses = net(at), history(at)
    ok(at.select_slider(key="cfg_lr_preset").set_value(0.01).run())
    assert at.text_input(key="cfg_lr_text").value == "0.01"
    assert net(at) is before and history(at) == losses
    assert url_config(at) == DEFAULT.with_(lr=0.01)
    assert not any("Rebuilt" in i for i in texts(at.info))
    click(at, "step")
    reference = trained(DEFAULT, 1)
    reference.config = reference.config.with_(lr=0.01)
    reference.step()
    assert same_parameters(net(at), reference.net)


def test_changing_the_batch_size_keeps_the_weights_and_history():
    at = open_app()
    click(at, "step")
    before, losses = net(at), history(at)
    ok(at.number_input(key="cfg_batch").set_value(32).run())
    assert net(at) is before and history(at) == losses
    assert not any("Rebuilt" in i for i in texts(at.info))
    assert url_config(at) == DEFAULT.with_(batch=32)
    click(at, "step")
    reference = trained(DEFAULT, 1)
    reference.config = reference.config.with_(batch=32)
    reference.step()
    assert np.array_equal(reference.last_batch.rows, reference.epoch_order(0)[16:48])
    assert history(at) == reference.loss_history and same_parameters(net(at), reference.net)


@pytest.mark.parametrize("typed", ["abc", "0", "-2", "inf", "1000", ""])
def test_a_bad_typed_learning_rate_is_named_and_the_previous_one_kept(typed):
    at = open_app(lr="0.3")
    click(at, "step")
    before, losses = net(at), history(at)
    W = [w.copy() for w in before.W]
    ok(at.text_input(key="cfg_lr_text").set_value(typed).run())
    assert any("η" in e for e in texts(at.error)), texts(at.error)
    assert net(at) is before and all(np.array_equal(a, b) for a, b in zip(net(at).W, W))
    assert history(at) == losses
    assert url_config(at).lr == 0.3
    click(at, "step")  # still trains, with the previous η
    assert history(at) == trained(DEFAULT.with_(lr=0.3), 2).loss_history


# -- divergence ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_stops_with_a_message_and_keeps_the_last_good_weights():
    at = open_app(**DIVERGING_LINK)
    config = url_config(at)
    assert config.lr == 100.0
    click(at, "run")  # 50 steps asked; it diverges on the way
    errors = texts(at.error)
    assert any("diverged" in e and "100" in e and "η" in e for e in errors), errors
    good = len(history(at))
    assert good < 50  # stopped early, back at the last sane weights (tests/test_limits.py has the rule)
    reference = trained(config, good)
    assert history(at) == reference.loss_history
    assert same_parameters(net(at), reference.net)
    assert all(np.isfinite(p).all() for p in net(at).W + net(at).b)
    assert metrics(at)["Step"] == str(good)
    click(at, "step")  # a student can go on from them
    assert len(history(at)) == good + 1 and all(np.isfinite(p).all() for p in net(at).W + net(at).b)
    click(at, "reset")
    assert not any("diverged" in e for e in texts(at.error))
    assert history(at) == [] and same_parameters(net(at), fresh(config))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_stops_play():
    at = open_app(**DIVERGING_LINK)
    click(at, "play")
    for _ in range(6):
        ok(at.run())
    assert not at.session_state["playing"]
    assert any("diverged" in e for e in texts(at.error))
    good = len(history(at))
    ok(at.run())
    assert len(history(at)) == good


# -- Play ---------------------------------------------------------------------------------


def test_play_steps_a_chunk_of_frames_per_run_until_paused():
    at = open_app()
    click(at, "play")
    assert at.session_state["playing"]
    assert at.button(key="play").label == "Pause"
    frames = live.chunk(1, at.session_state["trainer"])  # about 0.4 s of frames at 20 a second
    assert frames == 8
    shown = [head["step"] for head in payload(at)["frames"]]
    assert shown == list(range(1, frames + 1)) == list(range(1, len(history(at)) + 1))
    ok(at.run())  # the board asked for the next chunk
    assert [head["step"] for head in payload(at)["frames"]] == list(range(frames + 1, 2 * frames + 1))
    assert payload(at)["playing"] and len(history(at)) == 2 * frames
    reference = trained(DEFAULT, 2 * frames)
    assert history(at) == reference.loss_history and same_parameters(net(at), reference.net)
    np.testing.assert_array_equal(board(at)["W2"], reference.net.W[1])
    click(at, "step")  # a Step while playing is one update, and one frame
    assert len(history(at)) == 2 * frames + 1 and len(payload(at)["frames"]) == 1
    click(at, "play")  # Pause
    assert not at.session_state["playing"]
    assert at.button(key="play").label == "Play"
    paused = history(at)
    ok(at.run())
    ok(at.run())
    assert history(at) == paused == trained(DEFAULT, len(paused)).loss_history
    assert not payload(at)["playing"]


def test_reset_stops_play():
    at = open_app()
    click(at, "play")
    click(at, "reset")
    assert not at.session_state["playing"] and history(at) == []
    ok(at.run())
    assert history(at) == []


# -- colour scales ------------------------------------------------------------------------


def test_colour_scales_follow_the_data_unless_locked():
    at = open_app()
    click(at, "step")
    show_gradient_panels(at)
    frame = board(at)
    for name in ("W1", "dW1"):
        assert frame["head"]["ranges"][name] == np.abs(frame[name]).max()
    assert np.array_equal(frame["W1"], net(at).W[0])

    names = [f"{name}{l}" for l in (1, 2, 3) for name in ("W", "b", "dW", "db", "DW", "Db")]
    names += [f"delta{l}" for l in (2, 3, 4)] + ["nodes"]
    before = {name: board(at)["head"]["ranges"][name] for name in names}
    ok(at.toggle(key="lock_colours").set_value(True).run())
    locked = {name: board(at)["head"]["ranges"][name] for name in names}
    assert locked == before  # switching the lock on changes no colour: b¹ keeps its own range
    for l in (1, 2, 3):
        assert locked[f"b{l}"] == np.abs(net(at).b[l - 1]).max() or not net(at).b[l - 1].any()
    at.number_input(key="n_steps").set_value(20)
    click(at, "run")
    frame = board(at)
    assert {name: frame["head"]["ranges"][name] for name in names} == locked  # the neurons' too
    # the data moved on while the colours stayed: the W panel shows the current W
    assert np.array_equal(frame["W1"], net(at).W[0])
    assert np.abs(net(at).W[0]).max() != locked["W1"]

    ok(at.toggle(key="lock_colours").set_value(False).run())
    click(at, "step")
    assert board(at)["head"]["ranges"]["W1"] == np.abs(net(at).W[0]).max()


# -- other data sets and CSV upload ---------------------------------------------------------


def csv_file(n: int = 60) -> bytes:
    rng = np.random.default_rng(5)
    lines = ["f1,f2,f3,label"]  # three numeric features, classes 0, 1, 2 in the last column
    for i in range(n):
        f = rng.normal(size=3) + i % 3
        lines.append(f"{f[0]:.5f},{f[1]:.5f},{f[2]:.5f},{i % 3}")
    return ("\n".join(lines) + "\n").encode()


def test_a_csv_upload_trains_on_the_file():
    at = open_app()
    click(at, "step")
    ok(at.selectbox(key="cfg_dataset").set_value("csv").run())
    assert any("Upload a CSV" in i for i in texts(at.info))
    assert net(at).sizes == [2, 8, 8, 2] and len(history(at)) == 1  # keeps training what is there
    raw = csv_file()
    ok(at.file_uploader(key="csv_file").set_value(("toy.csv", raw, "text/csv")).run())
    assert any("Rebuilt" in i for i in texts(at.info))
    assert net(at).sizes == [3, 8, 8, 3] and history(at) == []
    assert "dataset" not in url(at)  # a link cannot carry the file
    click(at, "step")
    ds = data.from_csv(raw, "label", test_fraction=DEFAULT.test_fraction, seed=DEFAULT.seed)
    expected, g = first_step(DEFAULT, ds)
    assert history(at) == [g.loss] and same_parameters(net(at), expected)
    assert "Train accuracy" in metrics(at)
    click(at, "step")  # the same uploaded data set, not a rebuild
    assert len(history(at)) == 2

    ok(at.selectbox(key="csv_target").set_value("f3").run())  # predict a number instead
    assert at.radio(key="csv_task").value == "auto"
    assert net(at).sizes == [3, 8, 8, 1] and net(at).loss == "mse" and history(at) == []

    ok(at.file_uploader(key="csv_file").set_value(("bad.csv", b"only\n1\n2\n", "text/csv")).run())
    assert any("CSV" in e for e in texts(at.error))



@pytest.mark.parametrize("dataset", ["iris", "digits"])
def test_choosing_a_real_data_set_in_the_sidebar_then_stepping(dataset):
    at = open_app()
    ok(at.selectbox(key="cfg_dataset").set_value(dataset).run())
    assert net(at).sizes[0] == {"iris": 4, "digits": 64}[dataset]
    click(at, "step")
    assert len(history(at)) == 1


def test_uploading_a_csv_after_choosing_it():
    at = open_app()
    ok(at.selectbox(key="cfg_dataset").set_value("csv").run())
    ok(at.file_uploader(key="csv_file").set_value(("toy.csv", csv_file(), "text/csv")).run())
    assert net(at).sizes == [3, 8, 8, 3]


def test_a_real_data_set_from_a_link_steps():
    at = open_app(dataset="iris")
    assert net(at).sizes == [4, 8, 8, 3]
    click(at, "step")
    config = DEFAULT.with_(dataset="iris")
    expected, g = first_step(config)
    assert history(at) == [g.loss] and same_parameters(net(at), expected)


def test_removing_the_csv_keeps_the_network_as_the_page_says():
    at = open_app()
    ok(at.selectbox(key="cfg_dataset").set_value("csv").run())
    ok(at.file_uploader(key="csv_file").set_value(("toy.csv", csv_file(), "text/csv")).run())
    click(at, "step")
    trained_net, losses = net(at), history(at)
    ok(at.file_uploader(key="csv_file").set_value(None).run())
    assert any("keeps its current data" in i for i in texts(at.info))
    assert net(at) is trained_net and history(at) == losses

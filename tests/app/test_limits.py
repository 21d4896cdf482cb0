"""The session budget of explorer/model/limits.py: memory kept, work per action, long runs taking
turns, and a blow-up stopped early with weights a student can go on from.

Unit tests drive the Trainer; AppTest tests open the page from links as a student would.
"""

from __future__ import annotations

import io
import itertools
import threading

import numpy as np
import pytest
from specs import board, click, metrics, ok, open_app, structure, texts
from streamlit.testing.v1 import AppTest

from explorer.core import LOSS_FUNCTIONS, count_parameters
from explorer.model import data, limits, training
from explorer.model.training import BlowUpError, Config, Trainer
from explorer.ui import links, server, session

BIG = {"dataset": "digits", "hidden": "256,256,256,256,256,256", "split": "0", "batch": "1797"}
BIG_SIZES = [64, *[256] * 6, 10]
BLOWS_UP = Config(dataset="sine", loss="mse", lr=10.0)  # ?dataset=sine&loss=mse&lr=10








def run_n(at: AppTest, n: int) -> AppTest:
    at.number_input(key="n_steps").set_value(n)
    return click(at, "run")




def older_bytes(t: Trainer) -> int:
    """What the snapshots before the latest hold (the budget's part)."""
    return sum(s.nbytes() for s in list(t.history)[:-1])


def largest(arrays: list[np.ndarray]) -> float:
    return max(float(np.abs(a).max()) for a in arrays)


# -- the cost model ------------------------------------------------------------------------------


def test_the_cost_of_an_update_is_parameters_times_rows():
    sizes = [2, 8, 8, 2]
    P = count_parameters(sizes)
    assert limits.update_macs(sizes, 16, 40) == P * (3 * 16 + 40)
    assert limits.activations(sizes, 16) == 16 * 20
    assert limits.update_seconds(sizes, 16, 40) == limits.UPDATE_OVERHEAD + P * 88 / limits.MACS_PER_SECOND


@pytest.mark.parametrize("sizes, test_rows", [(BIG_SIZES, 0), (BIG_SIZES, 898), ([2, 8, 8, 2], 40), ([40, 64, 1], 0)])
def test_the_largest_batch_fits_the_time_and_memory_of_a_step(sizes, test_rows):
    most = limits.max_batch(sizes, test_rows)
    assert limits.update_seconds(sizes, most, test_rows) <= limits.MAX_UPDATE_SECONDS
    assert limits.activations(sizes, most) <= limits.MAX_ACTIVATIONS
    over = most + 1  # one more row breaks one of the two
    assert (limits.update_seconds(sizes, over, test_rows) > limits.MAX_UPDATE_SECONDS
            or limits.activations(sizes, over) > limits.MAX_ACTIVATIONS)


def test_a_run_is_bounded_by_its_estimated_time():
    most = limits.max_run(BIG_SIZES, 310)
    assert most * limits.update_seconds(BIG_SIZES, 310) <= limits.MAX_RUN_SECONDS
    assert (most + 1) * limits.update_seconds(BIG_SIZES, 310) > limits.MAX_RUN_SECONDS
    assert most < 10_000 <= limits.max_run([2, 8, 8, 2], 16, 40)  # the default network runs 10,000


@pytest.mark.parametrize("n, points, recent", [(10, 20, 5), (100, 20, 5), (5000, 1000, 500), (1001, 1000, 500)])
def test_thinning_keeps_the_latest_points_and_spreads_the_rest(n, points, recent):
    kept = limits.thin(n, points, recent)
    assert kept == sorted(set(kept)) and len(kept) <= points and kept[0] == 0
    if n <= points:
        assert kept == list(range(n))
    else:
        assert kept[-recent:] == list(range(n - recent, n))


# -- memory ------------------------------------------------------------------------------------


def test_the_budget_holds_for_the_largest_network_at_its_largest_batch():
    config, problems = links.parse_query(BIG)
    assert config.batch == limits.max_batch(BIG_SIZES) < 1797 and problems  # capped, and said
    t = Trainer.from_config(config)
    t.run(6)
    # Within the budget, or only the step before the latest (kept for Undo) when its W and b alone are over it.
    assert older_bytes(t) <= max(limits.HISTORY_BYTES, t.history[-2].nbytes())
    assert 3 * 8 * limits.activations(BIG_SIZES, config.batch) <= 3 * 8 * limits.MAX_ACTIVATIONS
    assert t.history_bytes == older_bytes(t) + t.current.nbytes() < 30 * 2**20
    assert t.history[-2].light and t.can_undo()  # the step before is kept for Undo, as W and b
    t.undo()
    assert t.steps == 5 and [W.shape for W in t.net.W] == list(itertools.pairwise(BIG_SIZES))


def big_csv(rows: int = 10_000, features: int = 12) -> data.Dataset:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, features))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    text = ",".join(f"x{k}" for k in range(features)) + ",label\n"
    text += "\n".join(",".join(f"{v:.4f}" for v in row) + f",{label}" for row, label in zip(X, y))
    return data.from_csv(io.BytesIO(text.encode()), "label", test_fraction=0.2, seed=0)


def test_the_budget_holds_for_a_big_csv_at_full_batch():
    dataset = big_csv()
    sizes = [dataset.n_inputs, 8, 8, dataset.n_outputs]
    batch = min(len(dataset.X_train), limits.max_batch(sizes, len(dataset.X_test)))
    assert batch == 8000  # the whole training set fits one step of this small network
    t = Trainer(Config(dataset="csv", batch=batch), dataset)
    t.run(8)
    full = t.current.nbytes()
    assert full > limits.HISTORY_BYTES  # one step's z, a and δ alone are over the budget …
    assert older_bytes(t) <= limits.HISTORY_BYTES  # … so the older steps keep only W and b
    assert all(s.light for s in list(t.history)[:-1]) and len(t.history) == 9
    assert full <= 3 * 8 * limits.MAX_ACTIVATIONS + 3 * 8 * count_parameters(sizes) + 8 * batch * (12 + 2)


def test_the_curves_keep_the_latest_steps_exactly_and_thin_the_older(monkeypatch):
    monkeypatch.setattr(limits, "SERIES_POINTS", 40)
    monkeypatch.setattr(limits, "RECENT_POINTS", 20)
    monkeypatch.setattr(limits, "DRAW_POINTS", 16)
    monkeypatch.setattr(limits, "DRAW_RECENT", 8)
    config = Config(dataset="xor", hidden=(4,), batch=8, seed=3)
    t, ref = Trainer.from_config(config), Trainer.from_config(config)
    t.run(150)
    ref_losses = []
    for _ in range(150):
        ref_losses.append(ref.step().loss)
    steps = t.curve_steps
    assert len(steps) <= 40 and steps == sorted(set(steps)) and steps[0] == 1 and steps[-1] == 150
    assert steps[-20:] == list(range(131, 151))  # the latest exactly
    assert t.loss_history == [ref_losses[k - 1] for k in steps]  # each point is that step's loss
    assert len(t.test_loss_history) == len(t.norm_history) == len(steps)
    drawn_steps, drawn, _ = t.curve()
    assert len(drawn_steps) <= 16 and drawn_steps[-8:] == list(range(143, 151))
    assert drawn == [ref_losses[k - 1] for k in drawn_steps]
    t.undo()
    assert t.curve_steps[-1] == 149 and len(t.loss_history) == len(t.curve_steps)


def test_the_loss_chart_stays_small_after_many_steps_and_the_csv_says_what_it_holds():
    at = open_app()
    run_n(at, 10_000)
    t = at.session_state["trainer"]
    assert t.steps == 10_000 and len(t.loss_history) <= limits.SERIES_POINTS
    structure(at)  # a board built again: the whole curve, as a new page gets it
    x = board(at)["curve.steps"]
    assert len(x) <= limits.DRAW_POINTS and x[-1] == 10_000 and list(x[-limits.DRAW_RECENT:]) == list(
        range(10_001 - limits.DRAW_RECENT, 10_001))
    at.session_state["view"] = "export"
    ok(at.run())
    assert any("holds" in c and "10,000" in c for c in texts(at.caption)), texts(at.caption)


# -- work per action -------------------------------------------------------------------------------


def test_run_refuses_what_would_take_too_long_and_keeps_the_network():
    at = open_app(**BIG)
    before = at.session_state["net"].W[0]
    run_n(at, 10_000)
    (warning,) = [w for w in texts(at.warning) if "at most" in w]
    most = limits.max_run(BIG_SIZES, limits.max_batch(BIG_SIZES))
    assert f"at most {most:,} steps" in warning and "10,000" in warning
    assert at.session_state["trainer"].steps == 0 and at.session_state["net"].W[0] is before


def test_run_is_refused_in_chinese_too():
    at = open_app(lang="zh", **BIG)
    run_n(at, 10_000)
    assert any("最多" in w and "10,000" in w for w in texts(at.warning))


def test_a_replay_link_beyond_the_limit_starts_at_step_0_and_says_so():
    at = open_app(step="10000", **BIG)
    assert at.session_state["trainer"].steps == 0
    assert any("replay" in i and "10,000" in i for i in texts(at.info)), texts(at.info)


def test_a_replay_link_within_the_limit_replays_exactly():
    at = open_app(step="1500", seed="4")
    ref = Trainer.from_config(Config(seed=4))
    ref.run(1500)
    t = at.session_state["trainer"]
    assert t.steps == 1500 and t.loss_history == ref.loss_history
    assert all(np.array_equal(a, b) for a, b in zip(t.net.W, ref.net.W))


def test_a_long_run_reports_progress_and_pauses_between_bursts(monkeypatch):
    monkeypatch.setattr(limits, "PROGRESS_SECONDS", 0.0)
    seen = []
    Trainer.from_config(Config()).run(5, progress=seen.append)
    assert seen == [1, 2, 3, 4, 5]


def test_a_stopped_run_keeps_its_steps_and_frees_its_turn(monkeypatch):
    class Stopped(BaseException):  # as Streamlit's StopException when the tab goes away
        pass

    def stop_at_3(i):
        if i == 3:
            raise Stopped
    monkeypatch.setattr(limits, "PROGRESS_SECONDS", 0.0)
    t = Trainer.from_config(Config())
    with pytest.raises(Stopped):
        t.run(10, progress=stop_at_3)
    assert t.steps == 3 and len(t.loss_history) == 3  # a consistent trainer, three steps on

    def run_stopped_at_3(self, n, progress=None):
        progress(1)
        stop_at_3(3)
    monkeypatch.setattr(Trainer, "run", run_stopped_at_3)
    monkeypatch.setattr(limits, "LONG_RUN_SECONDS", 0.0)
    with pytest.raises(Stopped):
        session.run_steps(t, 10)
    assert server.LONG_RUNS.acquire(blocking=False)  # the turn was given back
    server.LONG_RUNS.release()


def test_a_long_run_waits_for_the_one_going_on(monkeypatch):
    events = []
    step = Trainer.step

    def counted(self):
        events.append("step")
        return step(self)
    monkeypatch.setattr(Trainer, "step", counted)
    monkeypatch.setattr(limits, "LONG_RUN_SECONDS", 0.0)  # every Run counts as long
    at = open_app()
    assert server.LONG_RUNS.acquire(blocking=False)  # another session's long run holds the turn

    def other_run_ends():
        events.append("released")
        server.LONG_RUNS.release()
    timer = threading.Timer(1.0, other_run_ends)
    timer.start()
    run_n(at, 20)
    timer.join()
    assert events[0] == "released" and events.count("step") == 20  # no step before its turn
    assert at.session_state["trainer"].steps == 20


def test_a_step_never_waits_for_a_long_run():
    at = open_app()
    assert server.LONG_RUNS.acquire(blocking=False)
    try:
        click(at, "step")
        assert at.session_state["trainer"].steps == 1
    finally:
        server.LONG_RUNS.release()


def test_a_steps_numbers_and_charts_wait_for_the_step_being_drawn(monkeypatch):
    """Sessions compute and draw their Steps in turns (server.TURNS): nothing before the turn."""
    from explorer.ui import board as live

    at = open_app()
    events = []
    mount = live._mount
    monkeypatch.setattr(live, "_mount", lambda **kw: (events.append("drawn"), mount(**kw))[1])
    steps = at.session_state["trainer"].steps
    held, done = threading.Event(), threading.Event()

    def other_step():  # another light session's Step is being drawn for a second
        with server.TURNS.turn("another session"):
            held.set()
            done.wait(1.0)
            events.append("released")
    other = threading.Thread(target=other_step)
    other.start()
    held.wait(5)
    click(at, "step")
    other.join()
    assert events == ["released", "drawn"]  # the board not drawn before its turn
    assert at.session_state["trainer"].steps == steps + 1
    assert server.TURNS._holder == {False: None, True: None}  # and the turn is free again


def test_what_the_server_loaded_is_left_out_of_full_collections():
    """At its first page the server freezes what it has loaded (server.settle): a full garbage
    collection then walks the sessions' objects, not Streamlit's, NumPy's and Plotly's; and
    a Step's short-lived objects die young instead of ageing into what it walks."""
    import gc

    open_app()
    assert gc.get_freeze_count() > 50_000
    assert gc.get_threshold()[0] == server.YOUNG_OBJECTS > 700


def test_play_refuses_a_network_too_slow_for_its_ticks():
    at = open_app(**BIG)
    assert limits.update_seconds(BIG_SIZES, limits.max_batch(BIG_SIZES)) > limits.MAX_PLAY_SECONDS
    click(at, "play")
    assert not at.session_state["playing"]
    assert any("Play" in w for w in texts(at.warning))
    ok(at.run())
    assert at.session_state["trainer"].steps == 0


def test_the_sidebar_caps_the_batch_for_a_large_network():
    at = open_app(**BIG)
    (batch,) = [n for n in at.number_input if n.key == "cfg_batch"]
    assert batch.max == batch.value == limits.max_batch(BIG_SIZES)
    assert any("At most" in c for c in texts(at.sidebar.caption))


# -- a blow-up ---------------------------------------------------------------------------------------


def test_a_blow_up_stops_early_and_goes_back_to_sane_weights():
    t = Trainer.from_config(BLOWS_UP)
    with pytest.raises(BlowUpError) as caught:
        t.run(200)
    error = caught.value
    assert error.step <= 5 and error.loss < 1e6  # long before 1e303
    assert error.back_to == t.steps < error.step and error.lr == 10.0
    assert largest(t.net.W + t.net.b) <= training.SANE_WEIGHT
    assert all(loss <= training.SANE_LOSS * t.start_loss for loss in t.loss_history)
    while t.can_undo():  # Undo gives usable networks all the way back
        t.undo()
        assert largest(t.net.W + t.net.b) <= training.SANE_WEIGHT
    t.config = t.config.with_(lr=0.1)  # and a student goes on with a smaller η
    t.run(50)
    assert np.isfinite(t.loss_history).all() and t.loss_history[-1] < 10 * t.start_loss


def test_ordinary_training_never_counts_as_a_blow_up():
    for config in (Config(), Config(dataset="sine", loss="mse", lr=0.3), Config(lr=3.0, batch=1)):
        Trainer.from_config(config).run(500)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("lang, words", [("en", ("diverged", "η = 10", "step")), ("zh", ("发散", "η = 10", "第"))])
def test_the_page_says_a_blow_up_in_one_sentence_with_eta(lang, words):
    at = open_app(dataset="sine", loss="mse", lr="10", lang=lang)
    run_n(at, 200)
    t = at.session_state["trainer"]
    (error,) = texts(at.error)
    assert all(word in error for word in words), error
    assert t.steps < 5 and largest(t.net.W + t.net.b) <= training.SANE_WEIGHT
    assert at.session_state["net"] is t.net and at.session_state["loss_history"] is t.loss_history


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_blow_up_stops_play():
    at = open_app(dataset="sine", loss="mse", lr="10")
    click(at, "play")
    for _ in range(8):
        ok(at.run())
        if not at.session_state["playing"]:
            break
    assert not at.session_state["playing"] and any("η = 10" in e for e in texts(at.error))
    assert at.button(key="play").label == "Play"  # the page redrew its button: not "Pause"
    steps = at.session_state["trainer"].steps
    ok(at.run())
    assert at.session_state["trainer"].steps == steps


# -- the losses and accuracies a Step measures: a split larger than `limits.eval_rows` for its
# network is measured on that many rows, evenly spread and the same every time, and the page
# says so; every shipped data set at the default network is measured whole.


WIDE = (256,) * 6  # the largest network the sidebar builds


def wide_csv(rows: int = 10_000, features: int = 60) -> data.Dataset:
    """A CSV at the upload limits' scale (about 4 MB), half of it the test split."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(rows, features))
    labels = rng.integers(0, 3, rows)
    text = ",".join(f"x{k}" for k in range(features)) + ",label\n"
    text += "\n".join(",".join(f"{v:.3f}" for v in row) + f",{label}" for row, label in zip(X, labels))
    return data.from_csv(io.BytesIO(text.encode()), "label", test_fraction=0.5, seed=0)


@pytest.mark.parametrize("name", data.DATASETS)
def test_every_shipped_data_set_is_measured_whole_at_the_default_network(name):
    loss = "cross_entropy" if data.load(name).task == "classification" else "mse"
    t = Trainer.from_config(Config(dataset=name, loss=loss))
    for split in ("train", "test"):
        assert np.array_equal(t.measured[split], np.arange(len(t.split(split)[0])))


def test_a_large_split_is_measured_on_a_spread_sample_within_the_budget():
    dataset = wide_csv()
    sizes = [dataset.n_inputs, *WIDE, dataset.n_outputs]
    most = limits.eval_rows(sizes)
    assert most < len(dataset.X_test) == 5_000
    assert count_parameters(sizes) * most <= limits.MAX_EVAL_SECONDS * limits.MACS_PER_SECOND
    batch = limits.max_batch(sizes, len(dataset.X_test))
    assert batch > 1  # the test loss no longer takes the whole Step's budget
    assert limits.update_seconds(sizes, batch, len(dataset.X_test)) <= limits.MAX_UPDATE_SECONDS

    t = Trainer(Config(dataset="csv", hidden=WIDE, batch=batch, test_fraction=0.5), dataset)
    t.run(2)
    for split in ("train", "test"):
        rows = t.measured[split]
        X, Y = t.split(split)
        assert len(rows) == most and rows[0] == 0 and rows[-1] == len(X) - 1 and np.all(np.diff(rows) > 0)
        y = t.net.forward(X[rows])[0][-1]
        loss, accuracy = t.evaluate(split)
        assert loss == LOSS_FUNCTIONS[t.net.loss](y, Y[rows])[0]
        labels = dataset.y_train if split == "train" else dataset.y_test
        assert accuracy == np.mean(y.argmax(axis=1) == labels[rows])
    assert t.test_loss_history[-1] == t.evaluate("test")[0]  # the curve measures the same rows


def test_the_page_names_a_sampled_measurement(monkeypatch):
    monkeypatch.setattr(limits, "MAX_EVAL_SECONDS", 30.5 * count_parameters([2, 8, 8, 2]) / limits.MACS_PER_SECOND)
    at = open_app()
    ok(at.button(key="step").click().run())
    labels = metrics(at)
    t = at.session_state["trainer"]
    train, test = (len(t.split(split)[0]) for split in ("train", "test"))
    assert f"Train loss (30 of {train} rows)" in labels and f"Test accuracy (30 of {test} rows)" in labels
    assert labels[f"Train loss (30 of {train} rows)"] == f"{t.evaluate('train')[0]:.4g}"
    assert labels[f"Test accuracy (30 of {test} rows)"] == f"{t.evaluate('test')[1]:.1%}"
    assert "Batch loss" in labels and "Step" in labels  # the batch's own numbers are whole


def test_the_decision_regions_grid_shrinks_with_the_network_within_its_budget():
    small, wide = Trainer.from_config(Config()), Trainer.from_config(Config(hidden=WIDE))
    assert limits.grid_side(small.net.sizes) == 60 and len(small.grid()[0]) == 60
    side = limits.grid_side(wide.net.sizes)
    assert side == 16 and len(wide.grid()[0]) == side and wide.grid()[2].shape[:2] == (side, side)
    # the smallest grid allowed; above it, every side fits the budget
    assert count_parameters(wide.net.sizes) * 17**2 > limits.MAX_GRID_SECONDS * limits.MACS_PER_SECOND
    at = open_app(hidden=",".join(map(str, WIDE)))
    ok(at.button(key="step").click().run())
    regions = board(at)["regions"]
    assert regions.shape == (side, side)
    assert np.array_equal(regions, at.session_state["trainer"].grid()[2].argmax(axis=-1))


def test_play_counts_the_redraw_of_a_large_network():
    wide = [2, *WIDE, 2]
    update = limits.update_seconds(wide, 16, 40)
    assert update <= limits.MAX_PLAY_SECONDS < update + limits.draw_seconds(wide)  # only its redraw is too slow
    at = open_app(hidden=",".join(map(str, WIDE)))
    ok(at.button(key="play").click().run())
    assert not at.session_state["playing"] and at.session_state["trainer"].steps == 0
    assert any("Play" in w.value for w in at.warning)
    at = open_app()  # the default network plays
    ok(at.button(key="play").click().run())
    assert at.session_state["playing"]

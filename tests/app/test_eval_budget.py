"""The losses and accuracies a Step measures stay within the session budget: a split larger
than `limits.eval_rows` for its network is measured on that many rows, evenly spread and the
same every time, and the page says so. Every shipped data set at the default network is
measured whole."""

from __future__ import annotations

import io

import numpy as np
import pytest
from specs import chart, decode, metrics, ok, open_app

from explorer.core import LOSS_FUNCTIONS, count_parameters
from explorer.model import data, limits
from explorer.model.training import Config, Trainer

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
    regions = next(t for t in chart(at, "overview")["data"] if t["type"] == "heatmap")
    assert decode(regions["z"]).shape == (side, side)
    assert np.array_equal(decode(regions["z"]), at.session_state["trainer"].grid()[2].argmax(axis=-1))


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

"""Tests of explorer.teaching.export: the weights file round-trips bit for bit, a tampered one is
refused with a message that says what is wrong, and the loss CSV reads back with pandas."""

from __future__ import annotations

import io
import math
import zipfile

import numpy as np
import pandas as pd
import pytest

from explorer.core import Network
from explorer.model.training import BLOW_UP_WEIGHT, Config, Trainer
from explorer.teaching import export
from explorer.teaching.export import MAX_WEIGHTS_BYTES, WeightsError, load_weights_npz, loss_csv, weights_npz

SIZES = [2, 4, 3, 2]


def trained_net(steps: int = 3) -> Network:
    t = Trainer.from_config(Config(dataset="xor", hidden=(4, 3), batch=8, seed=5))
    t.run(steps)
    return t.net


def arrays_of(net: Network) -> dict[str, np.ndarray]:
    return {f"W{k + 1}": W for k, W in enumerate(net.W)} | {f"b{k + 1}": b for k, b in enumerate(net.b)}


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def refused(content: bytes, net: Network) -> str:
    W, b = [w.copy() for w in net.W], [v.copy() for v in net.b]
    with pytest.raises(WeightsError) as caught:
        load_weights_npz(content, net)
    assert all(np.array_equal(x, y) for x, y in zip(net.W + net.b, W + b))  # nothing loaded
    return str(caught.value)


# -- the round trip -------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[2, 2], SIZES, [3, 5, 1]])
def test_weights_round_trip_bit_for_bit(sizes):
    net = Network(sizes, "relu", "mse", seed=9)
    rng = np.random.default_rng(0)
    net.W = [rng.normal(size=w.shape) * 10.0 ** rng.integers(-300, 3) for w in net.W]  # up to a few hundred
    net.b = [rng.normal(size=b.shape) for b in net.b]
    other = Network(sizes, "relu", "mse", seed=1)
    W, b, step = load_weights_npz(weights_npz(net, step=4), other)
    assert step == 4
    assert len(W) == len(b) == len(net.W)
    for loaded, original in zip(W + b, net.W + net.b):
        assert loaded.dtype == np.float64 and loaded.shape == original.shape
        assert np.array_equal(loaded, original)
        assert not np.shares_memory(loaded, original)


def test_the_weights_file_carries_the_configuration():
    net = trained_net()
    with np.load(io.BytesIO(weights_npz(net, step=3)), allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted([*arrays_of(net), "sizes", "activation", "loss", "seed", "step"])
        assert archive["sizes"].tolist() == net.sizes
        assert str(archive["activation"]) == net.activation and str(archive["loss"]) == net.loss
        assert int(archive["seed"]) == net.seed and int(archive["step"]) == 3
        for name, array in arrays_of(net).items():
            assert np.array_equal(archive[name], array)


def test_integer_weights_of_the_right_shapes_are_accepted_as_floats():
    net = Network(SIZES)
    arrays = {name: np.ones(a.shape, dtype=np.int32) for name, a in arrays_of(net).items()}
    W, b, _ = load_weights_npz(npz(**arrays), net)
    assert all(x.dtype == np.float64 and np.array_equal(x, np.ones(x.shape)) for x in W + b)


# -- tampered files ------------------------------------------------------------------------------


def test_a_wrong_shape_names_the_array_and_both_shapes():
    net = Network(SIZES)
    arrays = arrays_of(net) | {"W2": np.zeros((3, 4))}
    message = refused(npz(**arrays), net)
    assert "W2" in message and "(3, 4)" in message and "(4, 3)" in message


def test_a_file_from_another_network_is_refused():
    message = refused(weights_npz(Network([2, 3, 3, 2]), 0), Network(SIZES))
    assert "W1" in message and "(2, 3)" in message and "(2, 4)" in message


def test_a_missing_array_is_named():
    net = Network(SIZES)
    arrays = arrays_of(net)
    del arrays["W2"]
    message = refused(npz(**arrays), net)
    assert "W2 is missing" in message
    arrays = arrays_of(net)
    del arrays["b3"]
    assert "b3 is missing" in refused(npz(**arrays), net)


def test_an_extra_layer_is_named():
    net = Network(SIZES)
    message = refused(npz(**arrays_of(net), W9=np.zeros((2, 2))), net)
    assert "W9" in message and "more layers" in message
    assert "W4" in refused(npz(**arrays_of(net), W4=np.zeros((2, 2)), b4=np.zeros((1, 2))), net)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_refused(bad):
    net = Network(SIZES)
    W1 = net.W[0].copy()
    W1[1, 2] = bad
    message = refused(npz(**arrays_of(net) | {"W1": W1}), net)
    assert "W1" in message and "NaN or infinite" in message


@pytest.mark.parametrize("size", [1e300, 1e4, -2e3])
def test_weights_too_large_to_train_are_refused_with_their_size(size):
    """A file whose weights are around 1e300 used to load, and its first Step blamed η."""
    net = Network(SIZES)
    b2 = net.b[1].copy()
    b2[0, 1] = size
    message = refused(npz(**arrays_of(net) | {"b2": b2}), net)
    assert "b2" in message and f"{abs(size):.3g}" in message and "1,000" in message and "η" not in message


def test_weights_at_the_largest_size_that_trains_load():
    net = Network(SIZES)
    W1 = net.W[0].copy()
    W1[0, 0] = -BLOW_UP_WEIGHT
    W, *_ = load_weights_npz(npz(**arrays_of(net) | {"W1": W1}), net)
    assert W[0][0, 0] == -BLOW_UP_WEIGHT


def test_non_numeric_values_are_refused():
    net = Network(SIZES)
    message = refused(npz(**arrays_of(net) | {"b2": np.full((1, 3), "x")}), net)
    assert "b2" in message and "not numbers" in message


@pytest.mark.parametrize("where", ["W1", "extra"])
def test_object_arrays_are_never_unpickled(where):
    net = Network(SIZES)
    evil = np.array([{"a": 1}, len], dtype=object)
    content = npz(**arrays_of(net) | {where: evil})
    message = refused(content, net)
    assert "pickled" in message and "objects" in message


def test_random_bytes_are_refused():
    refused(np.random.default_rng(0).bytes(1000), Network(SIZES))


@pytest.mark.parametrize("content", [np.random.default_rng(0).bytes(1000), b"W1,W2\n1,2\n" * 20],
                         ids=["random", "text"])
def test_a_file_that_is_not_a_zip_is_called_unreadable(content):
    message = refused(content, Network(SIZES))
    assert "not a readable .npz" in message and "pickled" not in message


def test_a_single_npy_file_is_refused():
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((2, 4)))
    assert ".npz" in refused(buffer.getvalue(), Network(SIZES))


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.1])
def test_a_truncated_file_is_unreadable(cut):
    net = trained_net()
    content = weights_npz(net, 3)
    message = refused(content[: int(len(content) * cut)], net)
    assert "not a readable .npz" in message


def test_an_empty_file_is_unreadable():
    assert "not a readable .npz" in refused(b"", Network(SIZES))


def test_a_zip_whose_member_is_not_an_array_is_unreadable():
    net = Network(SIZES)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays_of(net).items():
            member = io.BytesIO()
            np.save(member, array)
            archive.writestr(f"{name}.npy", member.getvalue() if name != "W2" else b"not an array")
    assert "not a readable .npz" in refused(buffer.getvalue(), net)


def test_a_file_over_the_size_limit_is_refused_before_reading():
    net = Network(SIZES)
    message = refused(weights_npz(net, 0) + b"\0" * (MAX_WEIGHTS_BYTES + 1), net)
    assert f"over {export.MAX_WEIGHTS_MB} MB" in message


def test_the_size_limit_is_read_when_loading(monkeypatch):
    net = Network(SIZES)
    content = weights_npz(net, 0)
    monkeypatch.setattr(export, "MAX_WEIGHTS_BYTES", len(content) - 1)
    assert "over" in refused(content, net)
    monkeypatch.setattr(export, "MAX_WEIGHTS_BYTES", len(content))
    load_weights_npz(content, net)


def test_a_small_file_that_decompresses_beyond_the_limit_is_refused():
    net = Network(SIZES)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays_of(net), junk=np.zeros(MAX_WEIGHTS_BYTES // 8 + 1024**2 // 8 * 4))
    assert len(buffer.getvalue()) < 100_000
    refused(buffer.getvalue(), net)


# -- the loss history as CSV -----------------------------------------------------------------


def test_loss_csv_reads_back_with_pandas():
    t = Trainer.from_config(Config(dataset="xor", hidden=(4,), batch=8, seed=2))
    t.run(12)
    content = loss_csv(t.loss_history, t.test_loss_history)
    table = pd.read_csv(io.BytesIO(content))
    assert list(table.columns) == ["step", "train_batch_loss", "test_loss"]
    assert table["step"].tolist() == list(range(1, 13))
    assert table["train_batch_loss"].tolist() == t.loss_history  # exact: written with every digit
    assert table["test_loss"].tolist() == t.test_loss_history


def test_loss_csv_says_what_it_is_and_where_the_run_started():
    t = Trainer.from_config(Config(dataset="xor", hidden=(4,), batch=8, seed=2))
    start = t.loss_on("test")
    t.run(3)
    about = ["dataset: xor, seed 2", "link: ?dataset=xor&seed=2\n# not a new line", "train accuracy at step 3: 0.5"]
    content = loss_csv(t.loss_history, t.test_loss_history, about=about, start_test=start)
    lines = content.decode().splitlines()
    assert lines[:3] == ["# dataset: xor, seed 2", "# link: ?dataset=xor&seed=2 # not a new line",
                         "# train accuracy at step 3: 0.5"]
    table = pd.read_csv(io.BytesIO(content), comment="#")
    assert table["step"].tolist() == [0, 1, 2, 3] and table["test_loss"].tolist() == [start, *t.test_loss_history]
    assert math.isnan(table["train_batch_loss"][0]) and table["train_batch_loss"].tolist()[1:] == t.loss_history


def test_loss_csv_without_a_test_set_has_no_test_column():
    table = pd.read_csv(io.BytesIO(loss_csv([0.5, 0.25, 1e-300], [])))
    assert list(table.columns) == ["step", "train_batch_loss"]
    assert table["train_batch_loss"].tolist() == [0.5, 0.25, 1e-300]


def test_loss_csv_of_no_steps_is_a_header():
    table = pd.read_csv(io.BytesIO(loss_csv([], [])))
    assert list(table.columns) == ["step", "train_batch_loss"] and len(table) == 0


@pytest.mark.parametrize("step", [np.array(-1), np.array(10**12), np.array(2.5), np.array([1, 2])])
def test_a_step_that_is_not_one_whole_number_is_refused(step):
    net = trained_net()
    assert "its step is not one whole number from 0 to 1,000,000,000" in refused(npz(**arrays_of(net), step=step), net)
    *_, saved = load_weights_npz(npz(**arrays_of(net)), net)  # no step: saved at 0
    assert saved == 0

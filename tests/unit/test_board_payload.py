"""The board's payload (explorer/figures/board.py): it reads back to the trainer's own arrays,
stays small, sends the structure and the curve only when needed."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.figures import board
from explorer.model.training import Config, Trainer

SHOWN = board.Shown()
VIEW = board.View(ranges={})


def trained(steps: int = 30, **config) -> Trainer:
    t = Trainer.from_config(Config(**config))
    t.run(steps)
    return t


def step_payload(t: Trainer, since: int | None = None, shown: board.Shown = SHOWN, view: board.View = VIEW,
                 with_structure: bool = False) -> bytes:
    spec = board.structure(t, shown)
    frame = board.frame(t, t.current, view, shown, ["1"], since=since, drawn=spec[0]["pictured"])
    return board.payload(spec[0]["version"], spec if with_structure else None, [frame])


def test_the_payload_reads_back_to_the_trainers_arrays_bit_for_bit():
    t = trained()
    header, arrays = board.unpack(step_payload(t, with_structure=True))
    s, g = t.current, t.current.g
    (frame,) = header["frames"]
    assert frame["step"] == t.steps == 30 and header["structure"]["sizes"] == [2, 8, 8, 2]
    for l in range(1, 4):
        np.testing.assert_array_equal(arrays[f"f0.W{l}"], s.W[l - 1])
        np.testing.assert_array_equal(arrays[f"f0.b{l}"], s.b[l - 1])
        np.testing.assert_array_equal(arrays[f"f0.delta{l + 1}"], g.delta[l])
        assert arrays[f"f0.W{l}"].dtype == np.float64  # small matrices travel exact
        assert frame["ranges"][f"W{l}"] == np.abs(s.W[l - 1]).max()
    np.testing.assert_array_equal(arrays["Xtr"], t.dataset.X_train.astype(np.float32))
    _, _, out = t.grid()
    np.testing.assert_array_equal(arrays["f0.regions"], out.argmax(axis=-1))
    np.testing.assert_array_equal(arrays["f0.node3"], g.a[2][0])  # a of sample 1, every layer
    np.testing.assert_array_equal(arrays["f0.norms"], t.norm_history[-1][:2])


def test_gradient_panels_travel_only_when_shown_each_as_its_own_array():
    t = trained()
    _, plain = board.unpack(step_payload(t))
    assert not any(name.startswith(("f0.dW", "f0.DW")) for name in plain)
    shown = board.Shown(panels=("dW", "update"))
    _, arrays = board.unpack(step_payload(t, shown=shown))
    g = t.current.g
    for l in range(1, 4):
        np.testing.assert_array_equal(arrays[f"f0.dW{l}"], g.dW[l - 1])
        np.testing.assert_array_equal(arrays[f"f0.db{l}"], g.db[l - 1])
        np.testing.assert_array_equal(arrays[f"f0.DW{l}"], -t.config.lr * g.dW[l - 1])


@pytest.mark.parametrize("reg, gradient", [("l2", lambda W: W), ("l1", np.sign)])
def test_the_update_with_a_penalty_is_what_17_stepped_along(reg, gradient):
    """ΔW = −η (∂L/∂W + λ ∂R/∂W) at the weights the step started from: the panel and the summarised
    diagram's edges show the change the weights really made, not −η ∂L/∂W alone."""
    t = trained(reg=reg, lam=0.05)
    s, g = t.current, t.current.g
    _, arrays = board.unpack(step_payload(t, shown=board.Shown(panels=("update",))))
    for l in range(1, 4):
        expected = -t.config.lr * (g.dW[l - 1] + 0.05 * gradient(s.W_before[l - 1]))
        np.testing.assert_allclose(arrays[f"f0.DW{l}"], expected, rtol=0, atol=1e-15)
        np.testing.assert_allclose(arrays[f"f0.DW{l}"], s.W[l - 1] - s.W_before[l - 1], rtol=1e-12, atol=1e-15)


def test_a_step_sends_values_only_and_under_20_kb_at_the_default_network():
    t = trained(1000)
    with_structure = step_payload(t, since=t.steps - 1, with_structure=True)
    values = step_payload(t, since=t.steps - 1)
    header, arrays = board.unpack(values)
    assert "structure" not in header and "Xtr" not in arrays
    assert header["frames"][0]["curve"] == "tail" and list(arrays["f0.curve.steps"]) == [1000]
    assert len(values) < 20_000 < len(with_structure) + 10_000  # values alone: about 8 KB


def test_the_largest_network_is_sent_at_display_resolution_under_200_kb():
    t = trained(2, hidden=(256,) * 6, batch=4)
    arrays = board.unpack(values := step_payload(t, since=t.steps - 1))[1]
    assert len(values) < 200_000
    W = arrays["f0.W3"]
    assert W.shape == (43, 43) and W.dtype == np.float32  # 256 in blocks of 6
    full = t.current.W[2]
    assert W[0, 0] == np.float32(full[:6, :6].flat[np.abs(full[:6, :6]).argmax()])  # the strongest of its block
    assert len(arrays["f0.dg.v"]) <= 600  # the diagram: the strongest edges only


def test_coarse_keeps_each_blocks_strongest_entry_with_its_sign():
    M = np.arange(-50.0, 50.0).reshape(10, 10)
    C = board.coarse(M, most=5)
    assert C.shape == (5, 5) and C[0, 0] == -50.0 and C[4, 4] == 49.0
    assert board.coarse(M, most=10) is M


def test_the_curve_goes_whole_after_an_undo_and_as_a_tail_after_a_step():
    t = trained(20)
    kind, arrays = board.curve(t, since=19)
    assert kind == "tail" and list(dict(arrays)["curve.steps"]) == [20]
    t.undo()
    kind, arrays = board.curve(t, since=20)
    assert kind == "full" and list(dict(arrays)["curve.steps"])[-1] == 19
    kind, arrays = board.curve(t, since=None)
    assert kind == "full" and len(dict(arrays)["curve.train"]) == 19


def test_before_the_first_step_a_frame_has_w_and_b_only():
    t = Trainer.from_config(Config())
    header, arrays = board.unpack(step_payload(t))
    assert header["frames"][0]["gradients"] is False
    assert {"f0.W1", "f0.b1"} <= set(arrays) and not any("delta" in name or "node" in name for name in arrays)


@pytest.mark.parametrize("dataset, loss, pictured", [("sine", "mse", "fit"), ("plane", "mse", "surface"),
                                                     ("digits", "cross_entropy", None)])
def test_the_data_half_draws_what_the_data_set_has(dataset, loss, pictured):
    t = trained(3, dataset=dataset, loss=loss, hidden=(4,))
    header, arrays = board.unpack(step_payload(t, with_structure=True))
    assert header["structure"]["pictured"] == pictured
    if pictured is not None:
        assert arrays[f"f0.{pictured}"].size
    else:
        assert "Xtr" not in arrays


def test_pack_aligns_every_array_and_refuses_nan_in_the_header():
    header, arrays = board.unpack(board.pack({"x": 1}, [("a", np.arange(3, dtype=np.uint8)), ("b", np.ones(2))]))
    assert header["x"] == 1 and arrays["b"].tolist() == [1.0, 1.0]
    assert all(offset % 8 == 0 for _, _, _, offset in header["arrays"])
    with pytest.raises(ValueError):
        board.pack({"x": float("nan")}, [])

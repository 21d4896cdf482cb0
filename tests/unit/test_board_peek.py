"""A hover's exact entry (explorer/figures/board.py `peek`): what a coarse cell of the board
stands for is read from the snapshot itself, at full precision, in a payload of a few hundred
bytes; a request that names no entry is refused, not guessed."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.figures import board
from explorer.model.training import Config, Trainer


@pytest.fixture(scope="module")
def wide() -> Trainer:
    t = Trainer.from_config(Config(hidden=(256, 256), reg="l2", lam=0.05))
    t.run(3)
    return t


def asked(key: str, i: int, j: int, ident: int = 7) -> dict:
    return {"id": ident, "key": key, "i": i, "j": j}


def test_every_family_is_read_back_exactly_from_the_snapshot(wide: Trainer):
    s, g = wide.current, wide.current.g
    stepped = -s.lr * (g.dW[1] + 0.05 * s.W_before[1])  # (17) with the L2 penalty
    expected = {("W2", 61, 125): s.W[1][61, 125], ("b2", 0, 200): s.b[1][0, 200], ("dW2", 255, 0): g.dW[1][255, 0],
                ("db1", 0, 17): g.db[0][0, 17], ("DW2", 100, 101): stepped[100, 101],
                ("Db3", 0, 1): -s.lr * g.db[2][0, 1], ("delta3", 5, 250): g.delta[2][5, 250],
                ("delta4", 15, 1): g.delta[3][15, 1]}
    for (key, i, j), v in expected.items():
        answer = board.peek(s, asked(key, i, j))
        assert answer == {"id": 7, "key": key, "i": i, "j": j, "v": pytest.approx(v, rel=1e-12, abs=1e-18)}, key
    # the coarse matrix the board draws holds that entry's block at display resolution, not the entry
    assert board.coarse(s.W[1]).shape == (43, 43)


@pytest.mark.parametrize("request_", [
    None, "W2", [1, 2], asked("W9", 0, 0), asked("W0", 0, 0), asked("delta1", 0, 0), asked("delta5", 0, 0),
    asked("W2", 256, 0), asked("W2", -1, 0), asked("b2", 1, 0), asked("Z2", 0, 0), asked("W2 ", 0, 0),
    asked("W2", 1.5, 0), asked("W2", "1", 0), asked("W2", 1, True), {"key": "W2", "i": 0, "j": 0},
])
def test_a_request_naming_no_entry_is_refused(wide: Trainer, request_):
    assert board.peek(wide.current, request_) is None


def test_before_the_first_step_only_w_and_b_have_entries():
    t = Trainer.from_config(Config())
    s = t.current
    assert board.peek(s, asked("W1", 1, 7))["v"] == s.W[0][1, 7]
    assert board.peek(s, asked("dW1", 1, 7)) is None and board.peek(s, asked("delta2", 0, 0)) is None


def test_a_peek_travels_alone_in_a_few_hundred_bytes(wide: Trainer):
    spec = board.structure(wide, board.Shown())
    answer = board.peek(wide.current, asked("W2", 61, 125))
    data = board.payload(spec[0]["version"], None, [], peeked=answer)
    header, arrays = board.unpack(data)
    assert header["frames"] == [] and arrays == {}
    assert header["peek"]["v"] == wide.current.W[1][61, 125]  # every bit: JSON's shortest repr of a double
    assert len(data) < 400 + len(spec[0]["version"]), len(data)
    assert np.isfinite(header["peek"]["v"])

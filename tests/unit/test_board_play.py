"""Play's chunks (explorer/ui/board.py): never more steps ahead than Undo can take back, so
that on Pause the trainer goes back to the step on the screen exactly."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.model.training import Config, Trainer
from explorer.ui import board


@pytest.mark.parametrize("hidden", [(8, 8), (64, 64), (128,)])
def test_a_chunk_of_frames_can_always_be_taken_back(hidden):
    t = Trainer.from_config(Config(hidden=hidden))
    t.run(600)  # the history full: what it keeps is at its smallest
    for per_frame in (1, 10, 100):
        ahead = board.chunk(per_frame, t) * per_frame
        if ahead > board.undoable(t):  # a single frame larger than the history: shown, not taken back
            assert board.chunk(per_frame, t) == 1
            continue
        shown = t.steps
        W = [w.copy() for w in t.net.W]
        t.run(ahead)
        while t.steps > shown:
            t.undo()
        assert all(np.array_equal(a, b) for a, b in zip(W, t.net.W))
        again = Trainer.from_config(Config(hidden=hidden))
        again.run(shown + 1)
        t.step()  # the next Step continues as if every step had been taken one at a time
        assert all(np.array_equal(a, b) for a, b in zip(again.net.W, t.net.W))
        t.undo()


def test_chunks_are_about_0_4_s_of_frames():
    t = Trainer.from_config(Config())
    t.run(10)
    assert board.chunk(1, t) == round(board.CHUNK_SECONDS * board.FPS) == 8

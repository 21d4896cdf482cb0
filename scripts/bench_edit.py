"""Benchmark: what a hand edit of one weight costs the server, against a Step.

Run from the repository root:

    python scripts/bench_edit.py            # 31 rounds a network
    python scripts/bench_edit.py --rounds 9

For the default network (circles, 2-8-8-2, B = 16) and the largest the sidebar builds (the
digits, 6 hidden layers of 256, at the largest batch it allows), after 20 steps, each round
times, in alternating order:

- `edit`: `Trainer.edit` (one copy of the edited matrix, one backprop of the last batch through
  the edited weights) and then what the page computes for it as for a Step: both splits' loss
  and accuracy (the numbers row) and the board's frame (its matrices, the diagram, the
  regions);
- `step`: `Trainer.step` and the same redraw.

Each is taken back with Undo (not timed), so that every round starts from the same weights.
Prints the medians, their ratio, the memory the entry keeps in the history against a step's,
and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from explorer.figures import board
from explorer.model.config import batch_bounds
from explorer.model.training import Config, Trainer

LARGEST = Config(dataset="digits", hidden=(256,) * 6)


def redraw(t: Trainer) -> None:
    """What the page computes after a Step or an edit: the numbers row's scores, the board's frame."""
    for split in ("train", "test"):
        t.evaluate(split)
    board.frame(t, t.current, board.View(ranges={}), board.Shown(), drawn=board.pictured(t))


def timed(action: Callable[[], object], t: Trainer) -> float:
    start = time.perf_counter()
    action()
    redraw(t)
    seconds = time.perf_counter() - start
    t.undo()
    return seconds


def bench(name: str, config: Config, rounds: int) -> None:
    t = Trainer.from_config(config)
    t.run(20)
    l, (m, n) = len(t.net.W) // 2 + 1, t.net.W[len(t.net.W) // 2].shape
    edit = lambda: t.edit(l, m // 2 + 1, n // 2 + 1, "0")  # noqa: E731 - a middle weight of a middle layer
    times: dict[str, list[float]] = {"edit": [], "step": []}
    for k in range(rounds):
        for side in (("edit", "step") if k % 2 else ("step", "edit")):
            times[side].append(timed(edit if side == "edit" else t.step, t))
    edit_entry = t.edit(l, 1, 1, "0").nbytes()
    t.undo()
    step_entry = t.current.nbytes()
    e, s = statistics.median(times["edit"]), statistics.median(times["step"])
    print(f"{name}: sizes {t.net.sizes}, B = {t.config.batch}: edit {e * 1e3:.2f} ms, step {s * 1e3:.2f} ms "
          f"(median of {rounds}; edit / step = {e / s:.2f}); the entry keeps {edit_entry / 1024:,.0f} KiB, "
          f"a step {step_entry / 1024:,.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    bench("default", Config(), args.rounds)
    dataset = Trainer.from_config(LARGEST).dataset
    bench("largest", LARGEST.with_(batch=min(batch_bounds(LARGEST.sizes(dataset), dataset))), args.rounds)
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()

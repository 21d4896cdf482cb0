"""The budget of one session: what it may keep and how much work one action may cost.

A classroom of 30 shares one small host (about one core and 690 MB to 2.7 GB), so every
session keeps a bounded amount of memory and every action a bounded amount of CPU:

- Memory. The latest step is kept whole (the page draws its z, a, δ and gradients); its
  activations are at most `MAX_ACTIVATIONS` values (B × Σ|l_i|, times 3 for z, a and δ).
  Older steps share `HISTORY_BYTES`: the newest of them keep everything, older ones only
  W and b, the oldest are dropped; at most `MAX_SNAPSHOTS` are kept. The step before the
  latest is always kept (its W and b are the latest step's W_before anyway), so Undo works.
  The loss, test-loss and norm curves keep at most `SERIES_POINTS` points: the last
  `RECENT_POINTS` updates exactly, older ones thinned to every 2nd, 4th, … update.
  The loss chart draws at most `DRAW_POINTS` of them. So one trainer holds at most
  `trainer_bytes`, and all the process's trainers together at most `TRAINERS_BYTES`
  (explorer/ui/memory.py counts them): room for `LARGEST_TRAINERS` of the largest network.
- Work. One update costs about `update_seconds`: the multiply-adds of the forward and
  backward pass, P × 3B for P parameters and batch B, plus P × (test rows) for the test
  loss after it, at `MACS_PER_SECOND`, plus a fixed overhead. A batch is refused when an
  update would cost more than `MAX_UPDATE_SECONDS` or hold more than `MAX_ACTIVATIONS`.
  Run n and a link's `step=N` are refused above `MAX_RUN_SECONDS`; from `LONG_RUN_SECONDS`
  on they show progress at least every `PROGRESS_SECONDS` (each update of the bar lets
  Streamlit stop the run when its tab goes away) and wait for one of `MAX_LONG_RUNS`
  slots of the process, so long runs never crowd out the room's single Steps. Play steps
  only networks whose update and redraw take under `MAX_PLAY_SECONDS` a frame. Steps and
  frames take turns, lightest recent use first (`SHARE_WINDOW_SECONDS`, `SHARE_SECONDS`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from explorer.core import count_parameters

# -- memory ------------------------------------------------------------------------------------

HISTORY_BYTES = 2 * 2**20     # older steps' snapshots, per session
MAX_SNAPSHOTS = 500           # steps the history slider and Undo can go back to, at most
MAX_ACTIVATIONS = 500_000     # B × Σ|l_i| of one step: z, a and δ take 3 × 8 B each (12 MB)
SERIES_POINTS = 4_000         # points of each of the loss, test-loss and norm curves
RECENT_POINTS = 2_000         # of them, the latest updates, kept exactly (≥ MAX_SNAPSHOTS)
# A curve's points, sent with every Step: about two a pixel of the widest loss panel (a
# projector's, ~380 px); float64 and exact, they are a Step's largest payload.
DRAW_POINTS = 600             # points of a curve sent to the chart
DRAW_RECENT = 300             # of them, the latest updates, drawn exactly
LISTED_EDITS = 20             # hand edits the History view lists and offers to look back at, the latest

# The largest network the sidebar builds (6 hidden layers of 256, on the 8×8 digits) with the
# largest batch it allows there: the process keeps room for this many such trainers at once.
LARGEST = (64, 256, 256, 256, 256, 256, 256, 10)
LARGEST_TRAINERS = 30

# -- work -----------------------------------------------------------------------------------------

MACS_PER_SECOND = 2e9         # multiply-adds per second of one core, on the cautious side
UPDATE_OVERHEAD = 1e-3        # seconds of an update beyond its arithmetic (Python, small arrays)
MAX_UPDATE_SECONDS = 0.25     # one Step, at most
MAX_PLAY_SECONDS = 0.1        # one frame of Play, its steps and their redraw, at most
MAX_EVAL_SECONDS = 0.02       # a split's loss and accuracy, measured whenever the weights change
MAX_GRID_SECONDS = 0.02       # the network's output over the input plane, drawn on every Step
# The page's redraw after a Step grows with the matrices it sends, by about this much a
# parameter (on the cautious side of what the README's benchmark table says was measured).
DRAW_SECONDS_PER_PARAMETER = 5e-7
LONG_RUN_SECONDS = 1.0        # a Run or replay this long waits for a slot and shows progress
MAX_RUN_SECONDS = 120.0       # one Run or replay, at most
MAX_LONG_RUNS = 1             # long runs at a time in the whole process; the others queue
PROGRESS_SECONDS = 0.25       # a long run shows its progress at least this often
MIN_FRAME_SECONDS = 0.05      # frames of Play, at most 20 a second (the server waits out a faster ask)
YIELD_SECONDS = 0.02          # a long run pauses this long between bursts of work
# Steps and frames of Play take turns at the interpreter (explorer/ui/turns.py). A session that
# used more than SHARE_SECONDS of it over the last SHARE_WINDOW_SECONDS (a tenth; a Step of the
# default network every 2 s uses a hundredth) is heavy: it takes turns with the other heavy
# ones, beside the room's light Steps, and is told that the server is shared and its network large.
SHARE_WINDOW_SECONDS = 10.0
SHARE_SECONDS = 1.0


def activations(sizes: Sequence[int], batch: int) -> int:
    """Values in one of z, a or δ of a step: B × Σ|l_i|."""
    return batch * sum(sizes)


def eval_rows(sizes: Sequence[int]) -> int:
    """The most rows of a split whose loss one measurement takes (P multiply-adds a row, within
    MAX_EVAL_SECONDS): every row of the shipped data sets at the default network, a sample of
    a 10,000-row CSV at the largest one."""
    return max(1, int(MAX_EVAL_SECONDS * MACS_PER_SECOND / count_parameters(sizes)))


def grid_side(sizes: Sequence[int], most: int = 60, least: int = 16) -> int:
    """Points on each side of the grid the decision regions are drawn on: `most` (smooth) while
    P × side² multiply-adds fit MAX_GRID_SECONDS, down to `least` for the largest networks."""
    side = math.isqrt(int(MAX_GRID_SECONDS * MACS_PER_SECOND / count_parameters(sizes)))
    return max(least, min(most, side))


def measured_rows(sizes: Sequence[int], rows: int) -> int:
    """How many of a split's `rows` one measurement of its loss takes."""
    return min(rows, eval_rows(sizes))


def update_macs(sizes: Sequence[int], batch: int, test_rows: int = 0) -> int:
    """Multiply-adds of one update: forward, δ and ∂L/∂W (P × 3B), then the test loss (P × the
    test rows measured)."""
    return count_parameters(sizes) * (3 * batch + measured_rows(sizes, test_rows))


def update_seconds(sizes: Sequence[int], batch: int, test_rows: int = 0) -> float:
    """The estimated server time of one update."""
    return UPDATE_OVERHEAD + update_macs(sizes, batch, test_rows) / MACS_PER_SECOND


def draw_seconds(sizes: Sequence[int]) -> float:
    """The estimated server time of redrawing the page's matrices after a Step, beyond its fixed part."""
    return count_parameters(sizes) * DRAW_SECONDS_PER_PARAMETER


def max_batch(sizes: Sequence[int], test_rows: int = 0) -> int:
    """The largest batch whose update fits `MAX_UPDATE_SECONDS` and `MAX_ACTIVATIONS` (at least 1)."""
    by_memory = MAX_ACTIVATIONS // sum(sizes)
    macs = (MAX_UPDATE_SECONDS - UPDATE_OVERHEAD) * MACS_PER_SECOND
    by_time = int((macs / count_parameters(sizes) - measured_rows(sizes, test_rows)) // 3)
    return max(1, min(by_memory, by_time))


def max_run(sizes: Sequence[int], batch: int, test_rows: int = 0) -> int:
    """The most updates one Run (or replay) may take."""
    return max(1, int(MAX_RUN_SECONDS / update_seconds(sizes, batch, test_rows)))


def trainer_bytes(sizes: Sequence[int], batch: int) -> int:
    """The most memory one trainer comes to hold: its W and b, the latest step's z, a and δ
    (B × Σ|l_i| each), ∂L/∂W and ∂L/∂b and batch, and the older steps' HISTORY_BYTES (at least
    the step before the latest, which Undo needs: its W and b)."""
    parameters = 8 * count_parameters(sizes)
    step = 8 * (3 * activations(sizes, batch) + batch * (sizes[0] + sizes[-1]))
    return 2 * parameters + step + max(HISTORY_BYTES, parameters)


def thin(n: int, points: int, recent: int) -> list[int]:
    """Indices of at most `points` of n points: the last `recent` all, older ones evenly spaced
    (the first always among them)."""
    if n <= points:
        return list(range(n))
    older = n - recent
    spread = points - recent
    return sorted({k * (older - 1) // max(1, spread - 1) for k in range(spread)}) + list(range(older, n))


# All trainers of the process at once: LARGEST_TRAINERS of the largest network, each with its
# largest batch (explorer/ui/memory.py refuses a larger network past it).
TRAINERS_BYTES = LARGEST_TRAINERS * trainer_bytes(LARGEST, max_batch(LARGEST))

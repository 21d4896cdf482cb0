"""What the whole server process shares: the garbage collector's settings, the turn of long
runs, and the turns in which Steps and frames of Play compute and draw.
"""

from __future__ import annotations

import functools
import gc
import threading

from explorer.model import limits
from explorer.ui import memory
from explorer.ui.turns import Turns

# The garbage collector looks at the newest objects once this many more have been made (Python's
# default is 700). A Step makes thousands that live until the session's next run: collected that
# often, they age into the generations a full collection walks, and full collections come every
# few seconds (what it bought: the README's benchmark table, scripts/load_test.py).
YOUNG_OBJECTS = 10_000


@functools.cache
def settle() -> None:
    """Once per server, at its first page: Streamlit, NumPy, Plotly and this package, all loaded
    by now (over 100,000 objects), live as long as the server, so the garbage collector's full
    collections need not walk them. A full collection holds up every session's Step, and with
    a room of 60 these were a third of what it walked (the README's benchmark table).

    The first session's own Streamlit objects are frozen too and stay until the server
    restarts; its trainer does not (explorer/ui/memory.py releases every closed tab's). Large
    arrays are given back to the system when freed, and the upload store is bounded per session."""
    memory.settle_malloc()
    memory.bound_uploads()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


# Long runs of the whole process take turns (see explorer.model.limits): a Step never waits for one.
LONG_RUNS = threading.BoundedSemaphore(limits.MAX_LONG_RUNS)
# The sessions' Steps and frames of Play compute and draw in turns, one at a time. They share
# one interpreter, and so one core: drawn all at once, every Step of a busy room finishes late
# (the README's benchmark table, scripts/load_test.py). Sessions that used more than their share
# lately (the largest networks) take turns in a line of their own, beside the room's: a light
# Step never waits for a heavy one (explorer/ui/turns.py).
TURNS = Turns(window=limits.SHARE_WINDOW_SECONDS, share=limits.SHARE_SECONDS)

"""What the whole server process shares: the garbage collector's settings, the turn of long
runs, and the turns in which Steps and frames of Play compute and draw.
"""

from __future__ import annotations

import functools
import gc
import socket
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

    A run's messages leave as soon as they are made (`send_at_once`).

    The first session's own Streamlit objects are frozen too and stay until the server
    restarts; its trainer does not (explorer/ui/memory.py releases every closed tab's). Large
    arrays are given back to the system when freed, and the upload store is bounded per session."""
    memory.settle_malloc()
    memory.bound_uploads()
    send_at_once()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


def send_at_once() -> int:
    """Turn Nagle's algorithm off (TCP_NODELAY) on the process's TCP sockets: the one the server
    listens on, whose setting the connections it accepts from now on inherit, and those already
    open; returns how many. Streamlit binds its socket without naming the protocol, and asyncio
    turns the algorithm off only on sockets made for TCP by name: left on, it holds a run's
    second and later messages until the page acknowledges the first, which its system may
    delay by 40 ms (a Step's round trip for a client that does: the README's benchmark table)."""
    done = 0
    for s in gc.get_objects():
        if (isinstance(s, socket.socket) and s.fileno() >= 0 and s.type == socket.SOCK_STREAM
                and s.family in (socket.AF_INET, socket.AF_INET6)):
            try:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                done += 1
            except OSError:  # not connected yet, or closed meanwhile
                pass
    return done


# Long runs of the whole process take turns (see explorer.model.limits): a Step never waits for one.
LONG_RUNS = threading.BoundedSemaphore(limits.MAX_LONG_RUNS)
# The sessions' Steps and frames of Play compute and draw in turns, one at a time. They share
# one interpreter, and so one core: drawn all at once, every Step of a busy room finishes late
# (the README's benchmark table, scripts/load_test.py). Sessions that used more than their share
# lately (the largest networks) take turns in a line of their own, beside the room's: a light
# Step never waits for a heavy one (explorer/ui/turns.py).
TURNS = Turns(window=limits.SHARE_WINDOW_SECONDS, share=limits.SHARE_SECONDS)

"""Turns at the one interpreter: the room's light Steps never wait behind a large network's.

A server process runs every session's Python in one interpreter: one core's worth, whoever
asks. Sessions take turns for their Steps and frames (`with TURNS.turn(session):`). Each
session's time in its turns over the last `window` seconds is its recent use, and a session
that used more than `share` seconds of it is heavy. There are two lines, one turn each:

- the light sessions take turns one at a time (a room's Steps all at once would each finish
  late), the one that used the least first;
- the heavy sessions take turns beside them, also one at a time, the one that used the least
  first, and work in the light line's gaps: a heavy turn starts, and goes on at each point
  where its work can pause (`offer`), once no light session holds or waits for its turn (a
  heavy turn waits so at most `most_delay` seconds in all: a full room delays the heavy ones,
  never stops them).

So a light Step waits for other light Steps only, and shares the interpreter at most with the
part of one heavy session's work that was under way; a heavy student's next Step waits behind
the light ones and the other heavy ones, is never refused, and gets the time the light ones
leave. At each `offer` a session of its line that used less goes first, and work that has
become heavy moves to the heavy line.

No Streamlit here: a session is any hashable name (the app uses Streamlit's session id).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

MERGE = 0.5  # seconds: a session's spans of use that end this close together are kept as one


class Turns:
    """A turn for the light sessions and one for the heavy (see the module's docstring)."""

    def __init__(self, window: float = 10.0, share: float = 1.0, most_delay: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window, self.share, self.most_delay = window, share, most_delay
        self._clock = clock
        self._lock = threading.Lock()  # guards everything below
        self._light_idle = threading.Condition(self._lock)
        # Per line (False: light, True: heavy): who holds its turn, since when it was last
        # counted, and who waits for it: a heap of (use, arrival, who, go).
        self._holder: dict[bool, Hashable | None] = {False: None, True: None}
        self._since: dict[bool, float] = {False: 0.0, True: 0.0}
        self._gaps_left = 0.0  # seconds the heavy turn may still wait for the light line
        self._waiting: dict[bool, list[tuple[float, int, Hashable, threading.Event]]] = {False: [], True: []}
        self._arrivals = itertools.count()
        self._spans: dict[Hashable, deque[tuple[float, float]]] = {}  # who -> (end, seconds) in the window
        self._swept = 0.0

    @contextmanager
    def turn(self, who: Hashable) -> Iterator[None]:
        """Hold a turn for `who`, in its line, after the sessions of that line that used less; not reentrant."""
        with self._lock:
            line = self._use(who, self._clock()) > self.share
        line = self._wait(who, line)
        try:
            yield
        finally:
            with self._lock:
                line = self._line_of(who)
                self._count(line, self._clock())
                self._next(line)

    def offer(self, who: Hashable) -> None:
        """Inside `who`'s turn, where its work can pause: a session of its line that used less goes
        first, and work that has grown heavy moves to the heavy line. Nothing outside a turn of `who`'s."""
        with self._lock:
            line = self._line_of(who)
            if line is None:
                return
            now = self._clock()
            self._count(line, now)
            use = self._use(who, now)
            heavy = use > self.share
            lighter = self._waiting[line] and self._waiting[line][0][0] < use
            if heavy == line and not lighter:
                if heavy:
                    self._gap()
                return
            self._next(line)  # pass this line's turn on
        self._wait(who, heavy)

    def used(self, who: Hashable) -> float:
        """Seconds `who` held a turn over the last window (its current turn so far included)."""
        with self._lock:
            now, line = self._clock(), self._line_of(who)
            return self._use(who, now) + (now - self._since[line] if line is not None else 0.0)

    def _line_of(self, who: Hashable) -> bool | None:
        """The line whose turn `who` holds, or None."""
        return next((line for line, holder in self._holder.items() if holder == who), None)

    def _wait(self, who: Hashable, line: bool) -> bool:
        """Take `line`'s turn for `who`, waiting for it if it is held or others wait (and a heavy
        turn for a gap in the light line)."""
        with self._lock:
            now = self._clock()
            if self._holder[line] is None and not self._waiting[line]:
                self._holder[line], self._since[line] = who, now
                self._gaps_left = self.most_delay
            else:
                go = threading.Event()
                heapq.heappush(self._waiting[line], (self._use(who, now), next(self._arrivals), who, go))
                self._lock.release()
                try:
                    go.wait()
                finally:
                    self._lock.acquire()
            if line:
                self._gap()
        return line

    def _gap(self) -> None:
        """Holding the heavy turn: wait until the light line is idle, within what is left of the
        turn's `most_delay`. The time waited is not the heavy session's use."""
        if (self._holder[False] is not None or self._waiting[False]) and self._gaps_left > 0:
            self._count(True, self._clock())
            start = time.monotonic()
            self._light_idle.wait_for(lambda: self._holder[False] is None and not self._waiting[False],
                                      self._gaps_left)
            self._gaps_left -= time.monotonic() - start
            self._since[True] = self._clock()

    def _next(self, line: bool) -> None:
        """Hand `line`'s turn to the session waiting in it that used the least (the earliest among equals)."""
        if self._waiting[line]:
            *_, who, go = heapq.heappop(self._waiting[line])
            self._holder[line], self._since[line] = who, self._clock()
            if line:
                self._gaps_left = self.most_delay
            go.set()
        else:
            self._holder[line] = None
            if not line:
                self._light_idle.notify_all()

    def _count(self, line: bool, now: float) -> None:
        """Add the time since `line`'s holder was last counted to its use."""
        spans = self._spans.setdefault(self._holder[line], deque())
        if spans and now - spans[-1][0] < MERGE:
            spans[-1] = (now, spans[-1][1] + now - self._since[line])
        else:
            spans.append((now, now - self._since[line]))
        self._since[line] = now
        if now - self._swept > self.window:  # sessions that have gone leave nothing behind
            self._swept = now
            for who in list(self._spans):
                self._use(who, now)

    def _use(self, who: Hashable, now: float) -> float:
        spans = self._spans.get(who)
        while spans and spans[0][0] < now - self.window:
            spans.popleft()
        if not spans:
            self._spans.pop(who, None)
            return 0.0
        return sum(seconds for _, seconds in spans)

"""Tests of explorer.ui.turns: light sessions take turns lightest first and never wait behind a
heavy one, heavy ones take turns beside them, long work offers its turn and moves to the heavy
line once heavy, nobody is refused, and use leaves the window."""

from __future__ import annotations

import threading
import time

import pytest

from explorer.ui.turns import MERGE, Turns


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def turns_of(window: float = 10, share: float = 1) -> tuple[Turns, Clock]:
    clock = Clock()
    return Turns(window=window, share=share, clock=clock), clock


def hold(turns: Turns, clock: Clock, who: str, seconds: float) -> None:
    with turns.turn(who):
        clock.now += seconds


def waiting(turns: Turns, n: int, line: bool = False) -> None:
    """Until n sessions wait in a line (False: light, True: heavy)."""
    deadline = time.monotonic() + 5
    while len(turns._waiting[line]) < n:
        assert time.monotonic() < deadline, "nobody came to wait"
        time.sleep(0.001)


def start(turns: Turns, who: str, order: list[str], work=None) -> threading.Thread:
    def run():
        with turns.turn(who):
            order.append(who)
            if work:
                work()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_light_sessions_take_turns_the_one_that_used_least_first_not_the_first_to_come():
    turns, clock = turns_of(share=5)
    hold(turns, clock, "more", 3.0)
    hold(turns, clock, "less", 0.02)
    order = []
    with turns.turn("teacher"):
        more = start(turns, "more", order)
        waiting(turns, 1)
        less = start(turns, "less", order)
        waiting(turns, 2)
    more.join(5), less.join(5)
    assert order == ["less", "more"]


def test_a_light_step_does_not_wait_for_a_heavy_session_to_finish():
    turns, clock = turns_of()
    hold(turns, clock, "heavy", 3.0)
    order = []
    with turns.turn("heavy"):
        light = start(turns, "light", order)
        light.join(5)  # it took the light line's turn while the heavy one held its own
        assert order == ["light"]
        assert turns._holder[True] == "heavy"


def test_heavy_sessions_take_turns_among_themselves_the_one_that_used_least_first():
    turns, clock = turns_of()
    hold(turns, clock, "h1", 5.0)
    hold(turns, clock, "h2", 2.0)
    hold(turns, clock, "h3", 3.0)
    order = []
    with turns.turn("h1"):
        threads = [start(turns, who, order) for who in ("h3", "h2")]
        waiting(turns, 2, line=True)
        assert order == []
    for thread in threads:
        thread.join(5)
    assert order == ["h2", "h3"]


def test_long_work_offers_its_turn_to_a_session_that_used_less():
    turns, clock = turns_of(share=5)
    hold(turns, clock, "light", 0.02)
    order = []
    with turns.turn("long"):
        clock.now += 0.5
        light = start(turns, "light", order)
        waiting(turns, 1)
        turns.offer("long")  # light has used less: it goes first
        order.append("long again")
    light.join(5)
    assert order == ["light", "long again"]


def test_work_that_grows_heavy_moves_to_the_heavy_line_at_its_next_offer():
    turns, clock = turns_of()
    order = []
    with turns.turn("grows"):
        assert turns._holder[False] == "grows"
        clock.now += 2.0  # past its share
        light = start(turns, "light", order)
        waiting(turns, 1)
        turns.offer("grows")
        light.join(5)
        assert order == ["light"] and turns._holder == {False: None, True: "grows"}
    assert turns._holder == {False: None, True: None}


def test_an_offer_keeps_the_turn_when_nobody_lighter_waits_and_outside_a_turn_does_nothing():
    turns, clock = turns_of(share=10)
    hold(turns, clock, "other", 5.0)
    order = []
    with turns.turn("me"):
        other = start(turns, "other", order)
        waiting(turns, 1)
        turns.offer("me")  # the waiting one used more
        order.append("me")
        turns.offer("someone else")  # holds no turn: nothing happens
    other.join(5)
    assert order == ["me", "other"]


def test_the_heaviest_session_is_delayed_never_refused():
    turns, clock = turns_of()
    for who, seconds in (("heaviest", 9.0), ("h0", 4.0), ("h1", 2.0), ("h2", 3.0)):
        hold(turns, clock, who, seconds)
    order = []
    with turns.turn("h0"):
        threads = [start(turns, who, order) for who in ("heaviest", "h2", "h1")]
        waiting(turns, 3, line=True)
    for thread in threads:
        thread.join(5)
    assert order == ["h1", "h2", "heaviest"]


def test_use_counts_the_window_only_and_gone_sessions_leave_nothing_behind():
    turns, clock = turns_of()
    hold(turns, clock, "gone", 2.0)
    with turns.turn("here"):
        clock.now += 0.25
        assert turns.used("here") == pytest.approx(0.25)  # its turn so far
    assert turns.used("gone") == pytest.approx(2.0)
    clock.now += 10.5
    assert turns.used("gone") == 0
    hold(turns, clock, "here", 0.1)
    clock.now += 11
    hold(turns, clock, "last", 0.1)
    assert set(turns._spans) == {"last"}


def test_a_session_that_offers_often_keeps_few_spans():
    turns, clock = turns_of(window=100, share=100)
    hold(turns, clock, "heavier", 50.0)
    order = []
    with turns.turn("me"):
        heavier = start(turns, "heavier", order)
        waiting(turns, 1)
        for _ in range(1000):  # each offer counts the time so far; the heavier one waits on
            clock.now += 0.01
            turns.offer("me")
        assert turns.used("me") == pytest.approx(10.0)
        assert len(turns._spans["me"]) <= 10 / MERGE + 1
    heavier.join(5)
    assert order == ["heavier"]


def test_heavy_work_goes_on_in_the_light_lines_gaps_and_waits_at_most_most_delay():
    turns, clock = turns_of()
    turns.most_delay = 5
    hold(turns, clock, "heavy", 3.0)
    order, light_in, light_may_go = [], threading.Event(), threading.Event()

    def light_work():
        light_in.set()
        light_may_go.wait(5)

    with turns.turn("heavy"):
        light = start(turns, "light", order, light_work)
        light_in.wait(5)
        later = threading.Timer(0.2, lambda: (order.append("light done"), light_may_go.set()))
        later.start()
        turns.offer("heavy")  # waits for the light turn to end
        order.append("heavy goes on")
    light.join(5)
    assert order == ["light", "light done", "heavy goes on"]

    # A light line that stays busy delays a heavy turn by most_delay in all, however often it offers.
    turns.most_delay = 0.2
    done = threading.Event()

    def heavy_turn():
        with turns.turn("heavy"):
            for _ in range(5):
                turns.offer("heavy")
        done.set()

    with turns.turn("light"):
        start_time = time.monotonic()
        threading.Thread(target=heavy_turn, daemon=True).start()
        assert done.wait(5), "a light line that stays busy stopped the heavy session"
        assert time.monotonic() - start_time < 0.6  # 5 offers × 0.2 s would be 1 s

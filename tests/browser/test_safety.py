"""What one careless or curious student can do, against a real server on loopback, driven over
Streamlit's own websocket protocol (scripts/clients.py, scripts/load_cases.py): a widget pressed
during one's own Run, an upload flood, closed tabs, Play asked faster than its clock."""

from __future__ import annotations

import asyncio
import random
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from clients import Session
from load_cases import ACTIONS, HEAVY, _put, _xsrf, one_race
from load_test import rss_mb
from serve import serving

from explorer.model import limits
from explorer.ui import memory


def run(coroutine):
    """asyncio.run in a thread of its own: Playwright's pages, in the tests before, keep an event
    loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def own_server():
    """A server of this module's own, whose memory (RSS) the tests read."""
    with serving(timeout=30) as running:
        yield running


@pytest.mark.parametrize("action", [*ACTIONS, "reset", "step"])
def test_a_widget_pressed_during_ones_own_run_stops_it_and_then_acts(own_server, action):
    """Run 10,000, then within a second the action: the page ends on a step whose W¹ is the
    seeded run's own at that step, and Undo then shows the step before it (the history is
    contiguous, no old Run steps on)."""
    seed = 2000 + ACTIONS.index(action) + (10 if action in ("reset", "step") else 0)
    problem = run(one_race(own_server.url, seed, action, random.Random(seed)))
    assert problem is None


def test_one_session_keeps_at_most_its_bound_of_uploaded_files(own_server):
    async def flood() -> tuple[float, float, list[int]]:
        session = await Session.open(own_server.url)
        xsrf = await asyncio.to_thread(_xsrf, own_server.url)
        data = b"1,2\n" * (5 * 2**20 // 4 - 256)
        before = rss_mb(own_server.pid)
        codes = [await asyncio.to_thread(_put, own_server.url, session.session_id, xsrf, data) for _ in range(20)]
        after = rss_mb(own_server.pid)
        await session.click("step")
        assert not session.exceptions and session.metrics["Step"] == "1"  # the page goes on
        await session.close()
        return before, after, codes

    before, after, codes = run(flood())
    assert codes == [204] * 20  # taken, and the older ones dropped
    assert after - before < 2 * memory.UPLOAD_BYTES / 2**20 + 12, (before, after)  # 100 MB sent


def test_closed_tabs_give_their_trainers_memory_back(own_server):
    async def tabs() -> tuple[float, float]:
        for _ in range(4):
            session = await Session.open(own_server.url, HEAVY)
            await session.click("step")
            assert not session.exceptions
            await session.close()
        peak = rss_mb(own_server.pid)
        await asyncio.sleep(memory.RECONNECT_SECONDS + 3)
        return peak, rss_mb(own_server.pid)

    peak, after = run(tabs())
    largest = limits.trainer_bytes(limits.LARGEST, limits.max_batch(limits.LARGEST)) / 2**20
    assert peak - after > 2 * largest, (peak, after)  # four trainers of about 20 MB each


def test_play_steps_at_most_20_frames_a_second_however_fast_it_is_asked(own_server):
    """A script asking for Play's next frames as fast as the server answers gets them no faster
    than the page shows them (board.FPS, limits.MIN_FRAME_SECONDS a frame): each ask is a chunk."""
    from explorer.ui import board

    chunk = round(board.CHUNK_SECONDS * board.FPS)

    async def frames() -> float:
        session = await Session.open(own_server.url, "seed=9")
        await session.click("play")
        fragment = session.widgets["step"][1]
        start = time.perf_counter()
        for _ in range(10):
            await session._rerun((), fragment)  # what the board sends for its next chunk
        seconds = time.perf_counter() - start
        assert not session.exceptions
        await session.close()
        return seconds

    assert run(frames()) >= 8 * chunk * limits.MIN_FRAME_SECONDS  # 11 chunks asked: about 9 × 0.4 s paced

"""A fair share of one server: a room of light students stepping while a few heavy students
work, the named cases of scripts/load_test.py (`--case NAME`).

    .venv/bin/python scripts/load_test.py --case heavy-steps   # 5 tabs Step back to back at the largest network
    .venv/bin/python scripts/load_test.py --case heavy-play    # 10 tabs Play, 1,000 steps a frame
    .venv/bin/python scripts/load_test.py --case gradient-checks   # 3 tabs check the gradients back to back
    .venv/bin/python scripts/load_test.py --case step-links    # 10 tabs open a step=736 link at once
    .venv/bin/python scripts/load_test.py --case long-runs     # 10 tabs Run 10,000 at the default network
    .venv/bin/python scripts/load_test.py --case churn         # 400 tabs open, Step 50 times, close

In each of the first five, `--light` sessions of the default network press Step every 0 …
2 × `--think` seconds, alone for 10 s (the reference), then while the heavy ones work (for
`--seconds`, or until their work is done). It prints the light Steps' latency in both phases
(goal beside the heavy ones: p95 ≤ 300 ms) and what the heavy students got done (their
steps a second: delayed is fine, stopped is not). The churn case opens and closes `--churn`
sessions, `--churn-steps` Steps each, 20 at a time, and prints the RSS after (a leak shows
as memory that grows with the sessions that have gone).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time

from clients import Session, percentile

LIGHT = "seed={seed}"  # the default network, a seed per student
# The largest network the sidebar builds, on the largest shipped data set (its default batch: a
# link to step 736 replays within the limit), and with the largest batch it allows.
LARGEST = "dataset=digits&hidden=256,256,256,256,256,256&seed={seed}"
LARGEST_BATCH = LARGEST + "&batch=310"
# The largest network Play steps (explorer/model/limits.py MAX_PLAY_SECONDS): its frames are Play's heaviest.
PLAYABLE = "dataset=digits&hidden=256,256,256&seed={seed}"
GOAL_P95_MS = 300
LEAD_IN = 10  # seconds the light room steps alone before the heavy students start


async def _light(url: str, n: int, think: float, until: asyncio.Event, latencies: list[float]) -> list[Session]:
    """`n` light students: each presses Step every 0 … 2 × think s until `until` is set."""
    sessions = await asyncio.gather(*(Session.open(url, LIGHT.format(seed=100 + i)) for i in range(n)))
    rng = random.Random(0)

    async def student(session: Session, rng: random.Random) -> None:
        while not until.is_set():
            await asyncio.sleep(rng.uniform(0, 2 * think))
            latencies.append(1000 * await session.click("step"))

    return sessions, asyncio.gather(*(student(s, random.Random(rng.random())) for s in sessions))


async def _beside_a_room(url: str, args, heavy_work) -> list[str]:
    """Run `heavy_work(done)` (it returns a line on what the heavy students got done) while a light
    room steps; print both, and return the goals missed."""
    done, latencies = asyncio.Event(), []
    light, stepping = await _light(url, args.light, args.think, done, latencies)
    await asyncio.sleep(LEAD_IN)  # the room alone first: the reference, on this machine as loaded now
    before = len(latencies)
    t = time.perf_counter()
    try:
        report = await heavy_work(done)
    finally:
        done.set()
    seconds = time.perf_counter() - t
    await stepping
    alone, during = latencies[:before], latencies[before:]
    failures = [f"light session {i}: {s.exceptions[0]}" for i, s in enumerate(light) if s.exceptions]
    await asyncio.gather(*(s.close() for s in light))
    print(f"\n{args.light} light sessions (the default network, a Step every 0 … {2 * args.think:g} s) beside "
          f"the heavy ones for {seconds:.1f} s")
    for label, values in (("alone first (reference)", alone), ("beside the heavy ones", during)):
        print(f"  light Steps {label}: {len(values)}, p50 {statistics.median(values):.0f} ms, "
              f"p95 {percentile(values, 95):.0f} ms, max {max(values):.0f} ms")
    print(f"  heavy: {report}")
    p95 = percentile(during, 95)
    print(f"Goal light p95 ≤ {GOAL_P95_MS} ms: {p95:.0f} ms, {'met' if p95 <= GOAL_P95_MS else 'MISSED'}")
    if p95 > GOAL_P95_MS:
        failures.append(f"light p95 {p95:.0f} ms > {GOAL_P95_MS} ms")
    return failures


def _steps(session: Session) -> int:
    return int(session.metrics["Step"])

async def _heavy_beside_a_room(url: str, memory, args, heavy: list[Session], work, after: str) -> list[str]:
    """`_beside_a_room` with the heavy sessions' own errors added, then those sessions closed."""
    failures = await _beside_a_room(url, args, work)
    memory.mark(after)
    failures += [f"heavy session {i}: {s.exceptions[0]}" for i, s in enumerate(heavy) if s.exceptions]
    await asyncio.gather(*(s.close() for s in heavy))
    return failures


async def heavy_steps(url: str, memory, args) -> list[str]:
    """5 tabs (`--tabs`) press Step back to back at the largest network for `--seconds`."""
    args.heavy = args.tabs or 5
    heavy = await asyncio.gather(*(Session.open(url, LARGEST_BATCH.format(seed=i), timeout=120)
                                   for i in range(args.heavy)))
    memory.mark(f"{args.heavy} heavy sessions open")

    async def work(done: asyncio.Event) -> str:
        async def student(session: Session) -> None:
            end = time.perf_counter() + args.seconds
            while time.perf_counter() < end:
                await session.click("step", timeout=120)

        t = time.perf_counter()
        await asyncio.gather(*(student(s) for s in heavy))
        rates = [_steps(s) / (time.perf_counter() - t) for s in heavy]
        told = sum(any("server is shared" in text for text in s.texts) for s in heavy)
        return (f"{args.heavy} tabs at the largest network pressed Step back to back: {sum(rates):.2f} steps/s "
                f"in all, {min(rates):.2f} … {max(rates):.2f} each; {told} of them told the server is shared")

    return await _heavy_beside_a_room(url, memory, args, heavy, work, "after the heavy Steps")


async def heavy_play(url: str, memory, args) -> list[str]:
    """10 tabs (`--tabs`) Play, 1,000 steps a frame, at the largest network Play steps, for `--seconds`."""
    args.heavy = args.tabs or 10
    heavy = await asyncio.gather(*(Session.open(url, PLAYABLE.format(seed=i), timeout=120) for i in range(args.heavy)))
    memory.mark(f"{args.heavy} heavy sessions open")

    async def work(done: asyncio.Event) -> str:
        async def student(session: Session) -> list[float]:
            await session.click("play", per_frame="1000 / frame", timeout=120)
            frames, end = [], time.perf_counter() + args.seconds
            while time.perf_counter() < end:
                frames.append(await session.frame(timeout=120))
            await session.click("play", timeout=120)  # Pause
            return frames

        t = time.perf_counter()
        frames = [f for each in await asyncio.gather(*(student(s) for s in heavy)) for f in each]
        seconds = time.perf_counter() - t
        steps = sum(_steps(s) for s in heavy)
        return (f"{args.heavy} tabs played: {len(frames)} frames, {steps / seconds:.1f} steps/s in all "
                f"({steps / seconds / args.heavy:.1f} each); a frame {1000 * statistics.median(frames):.0f} ms "
                f"median, {1000 * max(frames):.0f} ms at most")

    return await _heavy_beside_a_room(url, memory, args, heavy, work, "after Play")


async def gradient_checks(url: str, memory, args) -> list[str]:
    """3 tabs (`--tabs`) run the gradient check at the largest network back to back for `--seconds`."""
    args.heavy = args.tabs or 3
    heavy = await asyncio.gather(*(Session.open(url, LARGEST_BATCH.format(seed=i), timeout=120)
                                   for i in range(args.heavy)))
    for session in heavy:
        await session.set(view=["Gradient check"], timeout=120)
    memory.mark(f"{args.heavy} heavy sessions at the gradient check")

    async def work(done: asyncio.Event) -> str:
        async def student(session: Session) -> int:
            checks, end = 0, time.perf_counter() + args.seconds
            while time.perf_counter() < end:
                await session.click("gradcheck", timeout=120)
                checks += 1
            return checks

        t = time.perf_counter()
        checks = await asyncio.gather(*(student(s) for s in heavy))
        return (f"{args.heavy} tabs ran the gradient check back to back: {sum(checks)} checks, "
                f"{sum(checks) / (time.perf_counter() - t):.2f} a second in all")

    return await _heavy_beside_a_room(url, memory, args, heavy, work, "after the gradient checks")


async def step_links(url: str, memory, args) -> list[str]:
    """10 tabs (`--tabs`) open a `step=736` link at the largest network at once."""
    args.heavy = args.tabs or 10

    async def work(done: asyncio.Event) -> str:
        async def student(i: int) -> tuple[float, Session]:
            t = time.perf_counter()
            session = await Session.open(url, LARGEST.format(seed=i) + "&step=736", timeout=600)
            return time.perf_counter() - t, session

        opened = await asyncio.gather(*(student(i) for i in range(args.heavy)))
        memory.mark("links open")
        wrong = [i for i, (_, s) in enumerate(opened) if s.metrics.get("Step") != "736" or s.exceptions]
        await asyncio.gather(*(s.close() for _, s in opened))
        seconds = sorted(t for t, _ in opened)
        return (f"{args.heavy} step=736 links at the largest network opened in {seconds[0]:.1f} … {seconds[-1]:.1f} s"
                f" ({736 * args.heavy / seconds[-1]:.1f} steps/s in all)"
                + (f"; NOT at step 736: sessions {wrong}" if wrong else ""))

    return await _beside_a_room(url, args, work)


async def long_runs(url: str, memory, args) -> list[str]:
    """10 tabs (`--tabs`) Run 10,000 at the default network at once."""
    args.heavy = args.tabs or 10
    heavy = await asyncio.gather(*(Session.open(url, LIGHT.format(seed=500 + i)) for i in range(args.heavy)))

    async def work(done: asyncio.Event) -> str:
        seconds = await asyncio.gather(*(s.click("run", n_steps=10_000, timeout=900) for s in heavy))
        steps = sum(_steps(s) for s in heavy)
        return (f"{args.heavy} tabs ran 10,000 steps each, one at a time, done in {min(seconds):.1f} … "
                f"{max(seconds):.1f} s ({steps / max(seconds):.0f} steps/s in all)")

    failures = await _beside_a_room(url, args, work)
    memory.mark("after the runs")
    failures += [f"heavy session {i} shows Step {s.metrics.get('Step')}" for i, s in enumerate(heavy)
                 if s.metrics.get("Step") != "10000" or s.exceptions]
    await asyncio.gather(*(s.close() for s in heavy))
    return failures


async def churn(url: str, memory, args) -> list[str]:
    """`--churn` tabs opened and closed, 20 at a time, each pressing Step `--churn-steps` times."""
    failures, t = [], time.perf_counter()
    for wave in range(0, args.churn, 20):
        sessions = await asyncio.gather(*(Session.open(url, LIGHT.format(seed=1000 + wave + i))
                                          for i in range(min(20, args.churn - wave))))
        for _ in range(args.churn_steps):
            await asyncio.gather(*(s.click("step") for s in sessions))
        failures += [f"session {wave + i} shows Step {s.metrics.get('Step')}" for i, s in enumerate(sessions)
                     if s.metrics.get("Step") != str(args.churn_steps) or s.exceptions]
        await asyncio.gather(*(s.close() for s in sessions))
        if wave + 20 in (100, 200, args.churn):
            memory.mark(f"{wave + 20} sessions gone")
    print(f"\n{args.churn} sessions opened, stepped {args.churn_steps} times and closed in "
          f"{time.perf_counter() - t:.0f} s")
    return failures


CASES = {"heavy-steps": heavy_steps, "heavy-play": heavy_play, "gradient-checks": gradient_checks,
         "step-links": step_links, "long-runs": long_runs, "churn": churn}

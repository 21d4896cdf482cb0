"""Classroom load: one server on loopback, a room of sessions stepping their own networks.

    .venv/bin/python scripts/load_test.py                  # 30 sessions, the defaults below
    .venv/bin/python scripts/load_test.py --pages 0      # protocol sessions only: the server alone
    .venv/bin/python scripts/load_test.py --sessions 5 --steps 3 --fill 0   # a quick look

Starts the app on a free port of 127.0.0.1 (scripts/serve.py) and opens `--sessions`
sessions over Streamlit's own websocket protocol (scripts/clients.py: what a browser tab
costs the server, without 0.5 GB of Chromium per tab), each from a link with its own seed,
plus `--pages` real headless Chromium pages with their own seeds. Then:

1. fill: every session presses "Run n steps" with n = `--fill`, so that each history is
   at its memory budget (the worst case for memory);
2. steady: every session and page presses Step `--steps` times, waiting a random
   0 … 2 × `--think` seconds before each press (students reading the heatmaps);
3. burst: every session presses Step at the same moment, `--bursts` times (the teacher
   says "now press Step");
4. heavy (with `--heavy H`): H more sessions each press "Run `--heavy-steps` steps" at once
   while the others go on stepping as in 2 until every heavy run has finished; their
   latencies are reported beside the steady ones of the same run (the reference). The app
   lets one long run work at a time (explorer/model/limits.py); the others queue.

    .venv/bin/python scripts/load_test.py --sessions 20 --heavy 10 --pages 0   # the heavy-student case

With `--replicas R` the app runs as R processes behind HAProxy (deploy/haproxy.cfg, on loopback:
scripts/lecture_hall.py), and every session goes through the balancer, as in a lecture hall:

    .venv/bin/python scripts/load_test.py --replicas 2 --sessions 200 --pages 0 --fill 0

It reports the resident memory of each server process (VmRSS with any children, from /proc,
sampled every 0.2 s), the Steps a second the room got served, and the step latency: for protocol sessions the round trip
from the click to the run's `script_finished`, for pages also click → every chart redrawn.
Goals: RSS ≤ 1 GB a process, steady p95 ≤ 300 ms.

Isolation: each session's W¹ before its first step must be exactly `Network(…, seed).W[0]`
of its own seed, all of them different, and after the run every step counter shows its
own clicks only. Exits 1 if an isolation check fails or a goal is missed.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as app.py: before NumPy is imported

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
from clients import BOARD_READY_JS, STEP_JS, WS_TIMING_JS, Session, percentile
from load_cases import CASES as SAFETY_CASES
from serve import CHROMIUM, CHROMIUM_ARGS, ROOT, Server, serving
from share_cases import CASES as SHARE_CASES

sys.path.insert(0, str(ROOT))
from explorer.core import Network

CASES = SHARE_CASES | SAFETY_CASES

GOAL_RSS_MB = 1024
GOAL_P95_MS = 300
LINK = "seed={seed}"  # the default network, a seed per student
FIRST_SEED = 100


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB (from /proc)."""
    total_kb, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # gone meanwhile
    return total_kb / 1024


class Memory:
    """Samples the RSS of each server process in the background; `mark(label)` records the
    current values: `marks` the processes' total, `each` every process's own. `peak` is the
    largest any one process reached."""

    def __init__(self, *pids: int):
        self.pids, self.peaks, self.marks, self.each = pids, [0.0] * len(pids), {}, {}

    @property
    def peak(self) -> float:
        return max(self.peaks)

    def _now(self) -> list[float]:
        now = [rss_mb(pid) for pid in self.pids]
        self.peaks = [max(peak, value) for peak, value in zip(self.peaks, now)]
        return now

    async def sample(self) -> None:
        while True:
            self._now()
            await asyncio.sleep(0.2)

    def mark(self, label: str) -> None:
        self.each[label] = self._now()
        self.marks[label] = sum(self.each[label])


def expected_W1(query: str, seed: int, shapes: list[tuple[int, ...]]) -> np.ndarray:
    """W¹ of a fresh network of this seed, from the core alone (the app's link gives the rest)."""
    params = {key: values[0] for key, values in parse_qs(query).items()}
    sizes = [shapes[0][0], *(shape[1] for shape in shapes)]
    return Network(sizes, params["activation"], params["loss"], seed).W[0]


def layer_shapes(session: Session) -> list[tuple[int, ...]]:
    """The shape of W^l for every layer l, from the board's frame."""
    shapes, l = [], 1
    while True:
        try:
            shapes.append(session.matrix(f"W{l}").shape)
        except KeyError:
            return shapes
        l += 1


# -- browser pages -------------------------------------------------------------------------

W1_JS = """() => { const W = window.__board.now().arrays.W1;
  return Array.from({length: W.shape[0]}, (_, i) => W.a.slice(i * W.shape[1], (i + 1) * W.shape[1])); }"""
STEP_METRIC = '.numbers > div:has-text("Step") > dd'  # the Step counter of the numbers row


async def browser_student(browser, url: str, seed: int, steps: int, think: float, rng: random.Random,
                          result: dict) -> None:
    page = await browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        await page.add_init_script(WS_TIMING_JS)
        await page.goto(f"{url}/?{LINK.format(seed=seed)}")
        await page.wait_for_function(BOARD_READY_JS, timeout=60_000)  # the board has drawn its first step
        result["W1"] = np.array(await page.evaluate(W1_JS))
        result["query"] = page.url.split("?", 1)[1]
        for _ in range(steps):
            await asyncio.sleep(rng.uniform(0, 2 * think))
            click = await page.evaluate(STEP_JS, 30_000)
            if not click["ok"]:
                raise RuntimeError(f"page of seed {seed}: not redrawn in 30 s: {click}")
            result["redrawn"].append(click["redrawn_ms"])
            result["finished"].append(click["server_ms"])
        result["counter"] = await page.locator(STEP_METRIC).inner_text()
        result["exceptions"] = await page.locator('[data-testid="stException"]').count()
    finally:
        await page.close()


# -- the run ---------------------------------------------------------------------------------


async def student(session: Session, steps: int, think: float, rng: random.Random, latencies: list,
                  until: asyncio.Event | None = None) -> int:
    """Presses Step `steps` times, or, given `until`, until it is set; returns the presses."""
    pressed = 0
    while (pressed < steps) if until is None else not until.is_set():
        await asyncio.sleep(rng.uniform(0, 2 * think))
        latencies.append(1000 * await session.click("step"))
        pressed += 1
    return pressed


async def heavy_phase(url: str, light: list[Session], args, rng: random.Random) -> tuple[list, list, list]:
    """`args.heavy` sessions press Run `args.heavy_steps` at once while the light ones step:
    (light latencies meanwhile, the heavy runs' durations in s, each light session's presses)."""
    heavy = await asyncio.gather(*(Session.open(url, LINK.format(seed=FIRST_SEED + 500 + i))
                                   for i in range(args.heavy)))
    done, latencies = asyncio.Event(), []

    async def runs() -> list[float]:
        durations = await asyncio.gather(*(s.click("run", n_steps=args.heavy_steps, timeout=args.max_seconds)
                                           for s in heavy))
        done.set()
        return durations

    durations, *pressed = await asyncio.gather(
        runs(), *(student(s, 0, args.think, random.Random(rng.random()), latencies, done) for s in light))
    for i, session in enumerate(heavy):
        if session.metrics.get("Step") != str(args.heavy_steps) or session.exceptions:
            raise RuntimeError(f"heavy session {i} shows Step {session.metrics.get('Step')}: {session.exceptions}")
    await asyncio.gather(*(s.close() for s in heavy))
    return latencies, durations, pressed


def cpu_seconds(servers: list[Server]) -> float:
    return sum(server.cpu_seconds() for server in servers)


async def run(url: str, servers: list[Server], args) -> int:
    """The room against the app at `url`: one server, or `servers` behind a balancer at `url`."""
    memory = Memory(*(server.pid for server in servers))
    sampler = asyncio.create_task(memory.sample())
    memory.mark("idle")
    rng = random.Random(0)
    seeds = [FIRST_SEED + i for i in range(args.sessions)]
    page_seeds = [FIRST_SEED + args.sessions + i for i in range(args.pages)]
    failures = []

    t = time.perf_counter()
    sessions = await asyncio.gather(*(Session.open(url, LINK.format(seed=s)) for s in seeds))
    print(f"opened {len(sessions)} sessions in {time.perf_counter() - t:.1f} s")
    memory.mark("sessions open")

    # Isolation, before any step: every session shows the network of its own seed.
    W1 = {}
    for seed, session in zip(seeds, sessions):
        W1[seed] = session.matrix("W1")
        if not np.array_equal(W1[seed], expected_W1(session.query, seed, layer_shapes(session))):
            failures.append(f"session of seed {seed} shows a W¹ that is not its seed's")
    if len({w.tobytes() for w in W1.values()}) != len(W1):
        failures.append("two sessions show the same W¹")

    if args.fill:
        t = time.perf_counter()
        fill = await asyncio.gather(*(s.click("run", n_steps=args.fill, timeout=300) for s in sessions))
        print(f"fill: every session ran {args.fill} steps in {time.perf_counter() - t:.1f} s "
              f"(slowest Run {max(fill):.1f} s)")
        memory.mark(f"after {args.fill} steps each")

    steady: list[float] = []
    pages = [{"redrawn": [], "finished": []} for _ in page_seeds]
    t, cpu, client_cpu = time.perf_counter(), cpu_seconds(servers), time.process_time()
    tasks = [student(s, args.steps, args.think, random.Random(rng.random()), steady) for s in sessions]
    if args.pages:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tasks += [browser_student(browser, url, seed, args.steps, args.think, random.Random(seed), page)
                      for seed, page in zip(page_seeds, pages)]
            await asyncio.gather(*tasks)
            await browser.close()
    else:
        await asyncio.gather(*tasks)
    steady_s, steady_cpu = time.perf_counter() - t, cpu_seconds(servers) - cpu
    client_cpu = time.process_time() - client_cpu
    memory.mark("after steady stepping")

    burst: list[float] = []
    for _ in range(args.bursts):
        burst += [1000 * t for t in await asyncio.gather(*(s.click("step") for s in sessions))]
        await asyncio.sleep(1.0)
    memory.mark("after bursts")

    heavy_light: list[float] = []
    pressed = [0] * len(sessions)
    if args.heavy:
        t = time.perf_counter()
        heavy_light, durations, pressed = await heavy_phase(url, sessions, args, rng)
        heavy_s = time.perf_counter() - t
        memory.mark(f"after {args.heavy} heavy runs")

    # Isolation, after: every counter shows that session's own clicks.
    for seed, session, extra in zip(seeds, sessions, pressed):
        own = args.fill + args.steps + args.bursts + extra
        if session.metrics.get("Step") != str(own):
            failures.append(f"session of seed {seed} shows Step {session.metrics.get('Step')}, expected {own}")
        if session.exceptions:
            failures.append(f"session of seed {seed} shows an exception: {session.exceptions[0]}")
    for seed, page in zip(page_seeds, pages):
        if page.get("counter") != str(args.steps):
            failures.append(f"page of seed {seed} shows Step {page.get('counter')}, expected {args.steps}")
        if page.get("exceptions"):
            failures.append(f"page of seed {seed} shows an exception")
        expected = expected_W1(page["query"], seed, [W1[seeds[0]].shape])
        if not np.array_equal(page["W1"], expected):
            failures.append(f"page of seed {seed} showed a W¹ that is not its seed's")

    await asyncio.gather(*(s.close() for s in sessions))
    await asyncio.sleep(2)
    memory.mark("sessions closed (2 s later)")
    sampler.cancel()

    where = f"{len(servers)} processes behind HAProxy on {url}" if args.replicas else f"one server on {url}"
    print(f"\n{args.sessions} protocol sessions + {args.pages} Chromium pages, {where}, "
          f"{os.cpu_count()} CPUs, load average {' / '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print("\nServer RSS, MiB (each server process and its children):")
    for label, values in [*memory.each.items(), ("peak (sampled every 0.2 s)", memory.peaks)]:
        print(f"  {label:<28} " + " ".join(f"{value:7.1f}" for value in values))
    print(f"\nStep latency, ms            {'n':>5} {'median':>7} {'p90':>7} {'p95':>7} {'max':>7}")

    def line(label: str, values: list[float]) -> None:
        if values:
            print(f"  {label:<26} {len(values):5d} {statistics.median(values):7.1f} {percentile(values, 90):7.1f} "
                  f"{percentile(values, 95):7.1f} {max(values):7.1f}")

    line("steady, protocol round trip", steady)
    line("steady, page click→finished", [v for p in pages for v in p["finished"]])
    line("steady, page click→redrawn", [v for p in pages for v in p["redrawn"]])
    line(f"burst of {args.sessions}, round trip", burst)
    line(f"steady while {args.heavy} heavy Run", heavy_light)
    rate = (len(steady) + sum(len(p["redrawn"]) for p in pages)) / steady_s
    print(f"  (steady: {rate:.1f} Steps a second served to the room over {steady_s:.1f} s; think time 0 … "
          f"{2 * args.think:g} s; the servers' CPU meanwhile {steady_cpu / steady_s:.2f} s a second, "
          f"{1000 * steady_cpu / (rate * steady_s):.1f} ms a Step; this script's own {client_cpu / steady_s:.2f})")

    if args.heavy:
        print(f"  (heavy: {args.heavy} sessions pressed Run {args.heavy_steps:,} at once; they finished in "
              f"{min(durations):.1f} … {max(durations):.1f} s, {heavy_s:.1f} s in all, one at a time; the light "
              f"sessions pressed Step {sum(pressed)} times meanwhile)")
    p95 = percentile(steady, 95)
    verdict = {True: "met", False: "MISSED"}
    print(f"\nGoal RSS ≤ {args.rss_goal:.0f} MiB a process: peak {memory.peak:.0f} MiB, "
          f"{verdict[memory.peak <= args.rss_goal]}")
    print(f"Goal steady p95 ≤ {GOAL_P95_MS} ms (protocol sessions): {p95:.0f} ms, {verdict[p95 <= GOAL_P95_MS]}")
    if failures:
        print("\nIsolation FAILED:\n  " + "\n  ".join(failures))
    else:
        pages_note = f", {args.steps} per page" if args.pages else ""
        print(f"Isolation: all {args.sessions + args.pages} sessions showed their own seed's W¹ (all different) "
              f"and counted only their own steps ({args.fill + args.steps + args.bursts} per protocol session"
              f"{' plus its presses during the heavy runs' if args.heavy else ''}{pages_note}).")
    ok = not failures and memory.peak <= args.rss_goal and p95 <= GOAL_P95_MS
    if heavy_light:
        heavy_p95 = percentile(heavy_light, 95)
        print(f"Goal light p95 ≤ {GOAL_P95_MS} ms while heavy runs go on: {heavy_p95:.0f} ms, "
              f"{verdict[heavy_p95 <= GOAL_P95_MS]}")
        ok = ok and heavy_p95 <= GOAL_P95_MS
    return 0 if ok else 1


async def run_case(server: Server, args) -> int:
    """One of the named cases of scripts/share_cases.py or scripts/load_cases.py: the server's RSS
    before, at the peak and after."""
    memory = Memory(server.pid)
    sampler = asyncio.create_task(memory.sample())
    memory.mark("before")
    t = time.perf_counter()
    failures = await CASES[args.case](server.url, memory, args)
    seconds = time.perf_counter() - t
    await asyncio.sleep(2)
    memory.mark("tabs closed, 2 s later")
    await asyncio.sleep(args.idle)
    memory.mark(f"idle {args.idle:g} s more")
    sampler.cancel()
    print(f"\ncase {args.case}: {seconds:.1f} s, one server on {server.url}, {os.cpu_count()} CPUs, "
          f"load average {' / '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print("Server RSS, MiB (server process and children):")
    for label, value in memory.marks.items():
        print(f"  {label:<32} {value:7.1f}")
    print(f"  {'peak (sampled every 0.2 s)':<32} {memory.peak:7.1f}")
    ok = memory.peak <= args.rss_goal
    print(f"Goal RSS ≤ {args.rss_goal:.0f} MiB: peak {memory.peak:.0f} MiB, {'met' if ok else 'MISSED'}")
    if failures:
        print(f"FAILED ({len(failures)}):\n  " + "\n  ".join(failures[:20]))
    return 0 if ok and not failures else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="protocol sessions (default 30)")
    parser.add_argument("--replicas", type=int, default=0,
                        help="app processes behind HAProxy (default 0: one process, no balancer)")
    parser.add_argument("--pages", type=int, default=1,
                        help="headless Chromium pages besides them (default 1; they share the server's CPUs)")
    parser.add_argument("--steps", type=int, default=20, help="Step presses per session, steady phase (default 20)")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds between a session's presses, uniform 0 … 2×think (default 2)")
    parser.add_argument("--fill", type=int, default=1000, help="steps each session runs first (default 1000)")
    parser.add_argument("--bursts", type=int, default=3, help="presses by all sessions at once (default 3)")
    parser.add_argument("--heavy", type=int, default=0, help="sessions pressing Run at once, phase 4 (default 0)")
    parser.add_argument("--heavy-steps", type=int, default=10_000, help="the heavy sessions' Run n (default 10000)")
    parser.add_argument("--rss-goal", type=float, default=GOAL_RSS_MB,
                        help=f"peak RSS goal in MiB (default {GOAL_RSS_MB}; the issue asks 1229 for 100 sessions)")
    parser.add_argument("--max-seconds", type=float, default=600, help="give up after this long (default 600)")
    parser.add_argument("--case", choices=["room", *CASES], default="room",
                        help="room (the default: a class stepping), or a named case "
                             "(scripts/share_cases.py, scripts/load_cases.py)")
    parser.add_argument("--light", type=int, default=20, help="a case's light sessions beside the heavy (20)")
    parser.add_argument("--tabs", type=int, default=0, help="a case's heavy tabs (default: the case's own, 5 or 10)")
    parser.add_argument("--seconds", type=float, default=30, help="how long a case's heavy tabs step or play (30)")
    parser.add_argument("--churn", type=int, default=400, help="churn: sessions opened and closed (400)")
    parser.add_argument("--churn-steps", type=int, default=50, help="churn: Steps each of them presses (50)")
    parser.add_argument("--reloads", type=int, default=30, help="reload: times the heavy page is reloaded (30)")
    parser.add_argument("--students", type=int, default=20, help="heavy: sessions at the largest network (20)")
    parser.add_argument("--files", type=int, default=100, help="uploads: files of 5 MB one session PUTs (100)")
    parser.add_argument("--upload-goal", type=float, default=32,
                        help="uploads: MiB the server may grow by while one session uploads (32)")
    parser.add_argument("--races", type=int, default=42, help="race: Runs interrupted by a widget (42)")
    parser.add_argument("--idle", type=float, default=10, help="seconds idle before the last RSS (10)")
    args = parser.parse_args()
    if not (1 <= args.sessions <= 200 and 0 <= args.replicas <= 4 and 0 <= args.pages <= 5 and 1 <= args.steps <= 200
            and 0 <= args.think <= 10 and 0 <= args.fill <= 10_000 and 0 <= args.bursts <= 20
            and 0 <= args.heavy <= 30 and 1 <= args.heavy_steps <= 10_000 and 0 <= args.light <= 100
            and 0 <= args.tabs <= 30 and 1 <= args.seconds <= 300 and 1 <= args.churn <= 1000
            and 1 <= args.churn_steps <= 200):
        parser.error("out of bounds: sessions 1…200, replicas 0…4, pages 0…5, steps 1…200, think 0…10, fill 0…10000, "
                     "bursts 0…20, heavy 0…30, heavy-steps 1…10000, light 0…100, tabs 0…30, seconds 1…300, "
                     "churn 1…1000, churn-steps 1…200")
    if args.replicas:
        from lecture_hall import lecture_hall

        with lecture_hall(args.replicas) as hall:
            return asyncio.run(asyncio.wait_for(run(hall.url, hall.replicas, args), args.max_seconds))
    with serving() as server:
        work = run(server.url, [server], args) if args.case == "room" else run_case(server, args)
        return asyncio.run(asyncio.wait_for(work, args.max_seconds))


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark (not a test): how long a Step takes to show, in headless Chromium.

    .venv/bin/python scripts/bench_browser.py              # 20 clicks after 5 warm-up clicks
    .venv/bin/python scripts/bench_browser.py --clicks 50

Starts the app on a free loopback port (scripts/serve.py) and, for the default network and
a wide one (two hidden layers of 64), prints the median and p90 of:

- click → redrawn: from the Step click to every chart drawn again (Plotly's afterplot on
  each chart), measured in the page; the goal is a median of at most 150 ms at the default
  network;
- click → finished: from the click to the run's `script_finished` message, as the page
  received it (the server's share, plus the page's own delay in reading its socket);
- server, protocol: one Step over Streamlit's websocket protocol without a browser (the
  fragment rerun the browser causes, on loopback: the server's time and nothing else);
- server, AppTest: one Step in-process with `streamlit.testing` (a whole-script rerun).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as app.py: before NumPy is imported

import argparse
import asyncio
import statistics
import sys
import time
from urllib.parse import parse_qsl

from clients import CHARTS_READY_JS, STEP_JS, WS_TIMING_JS, Session, percentile
from serve import CHROMIUM, CHROMIUM_ARGS, ROOT, serving

NETWORKS = {"default": "", "wide 64,64": "hidden=64,64"}
GOAL_MS = 150.0
VIEWPORT = {"width": 1600, "height": 1000}


def browser_times(browser, url: str, query: str, clicks: int, warmup: int) -> dict[str, list[float]]:
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.add_init_script(WS_TIMING_JS)
        page.goto(f"{url}/?{query}")
        page.wait_for_function(CHARTS_READY_JS, arg=2, timeout=60_000)
        page.wait_for_timeout(1000)  # first render settled
        times: dict[str, list[float]] = {"redrawn": [], "finished": []}
        charts = set()
        for i in range(warmup + clicks):
            result = page.evaluate(STEP_JS, 10_000)
            if not result["ok"]:
                raise RuntimeError(f"click {i + 1}: not redrawn within 10 s: {result}")
            charts.add((result["redrawn"], result["charts"]))
            if i >= warmup:
                times["redrawn"].append(result["redrawn_ms"])
                times["finished"].append(result["server_ms"])
            page.wait_for_timeout(100)
        if page.locator('[data-testid="stException"]').count():
            raise RuntimeError("the page shows an exception")
        times["charts"] = sorted(charts)
        return times
    finally:
        page.close()


async def protocol_times(url: str, query: str, clicks: int, warmup: int) -> list[float]:
    session = await Session.open(url, query)
    try:
        times = [await session.click("step") for _ in range(warmup + clicks)]
        if session.exceptions:
            raise RuntimeError(f"the app raised: {session.exceptions[0]}")
        return [1000 * t for t in times[warmup:]]
    finally:
        await session.close()


def apptest_times(query: str, clicks: int, warmup: int) -> list[float]:
    from streamlit import logger
    from streamlit.testing.v1 import AppTest

    logger.set_log_level("error")  # no "missing ScriptRunContext" warning per run
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in parse_qsl(query, keep_blank_values=True):
        at.query_params[key] = value
    at.run()
    times = []
    for _ in range(warmup + clicks):
        start = time.perf_counter()
        at.button(key="step").click().run()
        times.append(1000 * (time.perf_counter() - start))
    if at.exception:
        raise RuntimeError(f"the app raised: {at.exception[0].message}")
    return times[warmup:]


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} {percentile(values, 90):7.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=20, help="measured clicks per network (default 20)")
    parser.add_argument("--warmup", type=int, default=5, help="clicks before measuring (default 5)")
    args = parser.parse_args()
    if not 1 <= args.clicks <= 500 or not 0 <= args.warmup <= 100:
        parser.error("--clicks must be 1 … 500 and --warmup 0 … 100")

    from playwright.sync_api import sync_playwright

    rows = {}
    with serving() as server:
        for name, query in NETWORKS.items():
            rows[name] = {"protocol": asyncio.run(protocol_times(server.url, query, args.clicks, args.warmup))}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            version = browser.version
            for name, query in NETWORKS.items():
                rows[name] |= browser_times(browser, server.url, query, args.clicks, args.warmup)
            browser.close()
    for name, query in NETWORKS.items():
        rows[name]["apptest"] = apptest_times(query, args.clicks, args.warmup)

    print(f"\nStep timing, ms: {args.clicks} clicks after {args.warmup} warm-up, viewport "
          f"{VIEWPORT['width']}×{VIEWPORT['height']}, Chromium {version}, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}")
    print(f"{'network':<12} {'click → redrawn':>15} {'click → finished':>16} {'server, protocol':>16} "
          f"{'server, AppTest':>16}   charts redrawn/shown")
    print(f"{'':<12} {'median     p90':>15} {'median     p90':>16} {'median     p90':>16} {'median     p90':>16}")
    for name, row in rows.items():
        print(f"{name:<12} {summary(row['redrawn']):>15} {summary(row['finished']):>16} "
              f"{summary(row['protocol']):>16} {summary(row['apptest']):>16}   "
              f"{', '.join(f'{r}/{c}' for r, c in row['charts'])}")
    default = statistics.median(rows["default"]["redrawn"])
    verdict = "meets" if default <= GOAL_MS else "misses"
    print(f"\nGoal: median click → redrawn ≤ {GOAL_MS:g} ms at the default network: {default:.0f} ms, {verdict} it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

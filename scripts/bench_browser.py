"""Benchmark (not a test): how long a Step takes to show, in headless Chromium, against the
platform's own floor measured in the same run.

    .venv/bin/python scripts/bench_browser.py              # 20 clicks each after 5 warm-up clicks
    .venv/bin/python scripts/bench_browser.py --clicks 50
    .venv/bin/python scripts/bench_browser.py --steps-only  # the Step goals alone: no Play, no AppTest

Starts the app and a floor page (one button and one number: scripts/bench_server.py's FLOOR)
on free loopback ports (scripts/serve.py). The app's pages open at step 1000 of the seeded run
(`step=1000` in the link) for the default network, a wide one (two hidden layers of 64), and
the default network on a lean page (most controls hidden by the link: what they cost a Step).
The floor's page and the app's pages are clicked in turn, round after round (the order
rotates), so that other work on the machine slows every side alike. Prints medians and p90 of:

- click → redrawn: from the Step click to every part of the board drawn again (its root's
  `data-step` changes once every part shows the new step; any other chart at Plotly's
  afterplot), measured in the page; for the floor, to its number shown. The ratio to the
  floor is the goal: at most 3× (first milestone 4×), and the wide network at most 1.5× the
  default; beside it, the board's own time for each of its parts (explorer/ui/static/board.js
  keeps them: from the start of the frame to that part drawn; the loss line is drawn last, by
  Plotly.animate's queued work once the rest of the frame is written);
- click → painted: the same, to the end of the frame that puts it on the screen (a change made
  in an animation frame's callbacks is painted in that frame, any other in the next one;
  scripts/clients.py's WS_TIMING_JS tells which). What a viewer sees: the board and the floor's
  number are both set between frames and wait for the next one, so this ratio compares like
  with like;
- click → finished: from the click to the run's `script_finished` message, as the page
  received it (the server's share, plus the page's own delay in reading its socket);
- server, protocol: one Step over Streamlit's websocket protocol without a browser, each
  network's Steps in turn with the floor's, the server process's CPU time for it (goal: at
  most 2× the floor's; the process clock ticks every 10 ms, so take 50 clicks or more for this
  ratio) and the bytes the server sent for it (goal: at most 20 KB at the default network);
- server, AppTest: one Step in-process with `streamlit.testing` (a whole-script rerun);
- Play: frames the board shows a second (goal: at least 20 at the default network, 1 step a
  frame, median gap at most 55 ms; 12 at 64,64; 15 at 10 and 100 steps a frame) and the
  server's CPU time per frame computed (goal: at most 3 ms).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as app.py: before NumPy is imported

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl

from bench_server import FLOOR
from clients import BOARD_READY_JS, STEP_JS, WS_TIMING_JS, Session, percentile
from serve import CHROMIUM, CHROMIUM_ARGS, ROOT, start_server

FILL = 1000  # the app's pages open at this step of the seeded run
# "lean": the default board on a page with the sidebar, the view switcher, the gradient panels'
# switch and Run/Play hidden: the share of a Step that Streamlit spends redrawing the other widgets.
NETWORKS = {"default": f"step={FILL}", "wide 64,64": f"hidden=64,64&step={FILL}",
            "lean": f"hide=config,views,gradients,run&step={FILL}"}
GOALS = {"ratio": 3.0, "milestone": 4.0, "wide": 1.5, "fps": 20.0, "gap": 55.0, "kb": 20.0, "cpu": 2.0,
         "frame_ms": 3.0}
PLAYS = (("default", 1, 20.0), ("default", 10, 15.0), ("default", 100, 15.0), ("wide 64,64", 1, 12.0))
VIEWPORT = {"width": 1600, "height": 1000}

# The floor's click: from the click on Step to its number shown changed (and the run's
# script_finished received), the floor's counterpart of STEP_JS.
FLOOR_STEP_JS = """(timeoutMs) => new Promise((resolve) => {
  const value = () => document.querySelector('[data-testid=stMetricValue]').textContent;
  const before = value(), log = window.__wsLog, from = log.length;
  let t0 = 0, shown = null, painted = null;
  const finished = () => log.slice(from).some(e => e.finished);
  const check = () => {
    if (shown === null && value() !== before) { shown = performance.now() - t0; painted = window.__painted(); }
    if (shown !== null && finished()) done(true);
  };
  const observer = new MutationObserver(check);
  const poll = setInterval(check, 5);
  const timer = setTimeout(() => done(false), timeoutMs);
  async function done(ok) {
    observer.disconnect(); clearInterval(poll); clearTimeout(timer);
    const end = log.slice(from).find(e => e.finished);
    resolve({ok, redrawn_ms: shown, painted_ms: painted && await painted - t0, server_ms: end ? end.t - t0 : null,
             charts: 1, redrawn: 1});
  }
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  t0 = performance.now();
  document.querySelector('.st-key-step button').click();
})"""

# The frames the board showed while playing (explorer/ui/static/board.js keeps their times and steps).
FRAMES_JS = "() => window.__board.frames.slice()"
# The board's own time for each part of the frame it drew last (ms from the frame's start).
PARTS_JS = "() => window.__board.frames[window.__board.frames.length - 1].times"

def open_page(browser, url: str, query: str, ready_js: str):
    page = browser.new_page(viewport=VIEWPORT)
    page.add_init_script(WS_TIMING_JS)
    page.goto(f"{url}/?{query}")
    page.wait_for_function(ready_js, timeout=120_000)
    page.wait_for_timeout(1000)  # first render settled
    return page


def click(page, js: str) -> dict:
    page.bring_to_front()
    result = page.evaluate(js, 10_000)
    if not result["ok"]:
        raise RuntimeError(f"not redrawn within 10 s: {result}")
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError("the page shows an exception")
    return result


def browser_times(browser, urls: dict[str, str], clicks: int, warmup: int) -> dict[str, dict[str, list]]:
    """Step on the floor's page and each network's page in turn, `warmup` + `clicks` rounds."""
    pages = {"floor": (open_page(browser, urls["floor"], "", "() => document.querySelector("
                                 "'[data-testid=stMetricValue]')"), FLOOR_STEP_JS)}
    for name, query in NETWORKS.items():
        pages[name] = (open_page(browser, urls["app"], query, BOARD_READY_JS), STEP_JS)
    times = {name: {"redrawn": [], "painted": [], "finished": [], "charts": set(), "parts": []} for name in pages}
    order = list(pages)
    try:
        for i in range(warmup + clicks):
            for name in order:
                page, js = pages[name]
                result = click(page, js)
                times[name]["charts"].add((result["redrawn"], result["charts"]))
                if i >= warmup:
                    times[name]["redrawn"].append(result["redrawn_ms"])
                    times[name]["painted"].append(result["painted_ms"])
                    times[name]["finished"].append(result["server_ms"])
                    if js == STEP_JS:
                        times[name]["parts"].append(page.evaluate(PARTS_JS))
                page.wait_for_timeout(50)
            order = order[1:] + order[:1]
        return times
    finally:
        for page, _ in pages.values():
            page.close()


def play_rate(browser, app, query: str, per_frame: int, seconds: float = 6.0) -> dict[str, float]:
    """While playing `per_frame` steps a frame: frames shown a second, their median gap (ms),
    and the server's CPU time per frame computed (ms; steps advanced ÷ steps a frame)."""
    page = open_page(browser, app.url, query, BOARD_READY_JS)
    try:
        page.bring_to_front()
        if per_frame != 1:
            page.locator(".st-key-per_frame").click()
            page.get_by_role("option", name=f"{per_frame} / frame").click()
            page.wait_for_timeout(500)
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_timeout(1500)  # the first chunks
        start, cpu = page.evaluate("() => performance.now()"), app.cpu_seconds()
        page.wait_for_timeout(int(seconds * 1000))
        cpu, end = app.cpu_seconds() - cpu, page.evaluate("() => performance.now()")
        frames = [f for f in page.evaluate(FRAMES_JS) if start <= f["t"] <= end]
        page.get_by_role("button", name="Pause", exact=True).click()
        page.wait_for_timeout(500)
        gaps = [b["t"] - a["t"] for a, b in itertools.pairwise(frames)]
        computed = max(1, (frames[-1]["step"] - frames[0]["step"]) / per_frame) if len(frames) > 1 else 1
        return {"fps": len(frames) / ((end - start) / 1000), "gap": statistics.median(gaps) if gaps else float("nan"),
                "frame_ms": 1000 * cpu / computed}
    finally:
        page.close()


async def protocol_times(servers: dict[str, tuple], clicks: int, warmup: int) -> dict[str, dict[str, list[float]]]:
    """Steps over the websocket protocol, one session on each server (name: (server, query)),
    clicked in turn: round trip (ms), the server's CPU time (ms, the mean), bytes."""
    sessions = {name: await Session.open(server.url, query) for name, (server, query) in servers.items()}
    rows = {name: {"protocol": [], "bytes": []} for name in servers}
    try:
        for k in range(warmup + clicks):
            if k == warmup:  # the CPU clock ticks every 10 ms: summed over the measured Steps, then divided
                used = {name: server.cpu_seconds() for name, (server, _) in servers.items()}
            for name, session in sessions.items():
                before = session.bytes_in
                seconds = await session.click("step")
                if k >= warmup:
                    rows[name]["protocol"].append(1000 * seconds)
                    rows[name]["bytes"].append(session.bytes_in - before)
        for name, (server, _) in servers.items():
            rows[name]["cpu"] = [1000 * (server.cpu_seconds() - used[name]) / clicks]
            if sessions[name].exceptions:
                raise RuntimeError(f"the app raised: {sessions[name].exceptions[0]}")
        return rows
    finally:
        for session in sessions.values():
            await session.close()


def apptest_times(query: str, clicks: int, warmup: int) -> list[float]:
    from streamlit import logger
    from streamlit.testing.v1 import AppTest

    logger.set_log_level("error")  # no "missing ScriptRunContext" warning per run
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
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
    parser.add_argument("--clicks", type=int, default=20, help="measured clicks per page (default 20)")
    parser.add_argument("--warmup", type=int, default=5, help="clicks before measuring (default 5)")
    parser.add_argument("--steps-only", action="store_true", help="only the Step's goals (no Play, no AppTest)")
    args = parser.parse_args()
    if not 1 <= args.clicks <= 500 or not 0 <= args.warmup <= 100:
        parser.error("--clicks must be 1 … 500 and --warmup 0 … 100")

    from playwright.sync_api import sync_playwright

    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        floor_script = Path(tmp) / "floor.py"
        floor_script.write_text(FLOOR)
        app, floor = start_server(timeout=60), start_server(timeout=60, script=str(floor_script))
        try:
            rows = {}
            for name, query in NETWORKS.items():  # each network's Steps in turn with the floor's
                pair = asyncio.run(protocol_times({"floor": (floor, ""), name: (app, query)}, args.clicks, args.warmup))
                rows[name] = {**pair[name], "floor_cpu": pair["floor"]["cpu"]}  # the ratio: to the floor of its turns
                for key, values in pair["floor"].items():
                    rows.setdefault("floor", {}).setdefault(key, []).extend(values)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                version = browser.version
                load.append(os.getloadavg()[0])
                for name, times in browser_times(browser, {"app": app.url, "floor": floor.url},
                                                 args.clicks, args.warmup).items():
                    rows.setdefault(name, {}).update(times)
                load.append(os.getloadavg()[0])
                play = {} if args.steps_only else {(name, k): play_rate(browser, app, NETWORKS[name], k)
                                                   for name, k, _ in PLAYS}
                browser.close()
        finally:
            app.stop()
            floor.stop()
    for name, query in NETWORKS.items():
        if not args.steps_only:
            rows[name]["apptest"] = apptest_times(query, args.clicks, args.warmup)
    load.append(os.getloadavg()[0])

    print(f"\nStep timing, ms: {args.clicks} clicks a page after {args.warmup} warm-up, pages clicked in turn; "
          f"app pages at step {FILL}; viewport {VIEWPORT['width']}×{VIEWPORT['height']}, Chromium {version}, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; "
          f"load average (1 min) during the run {min(load):.1f}–{max(load):.1f}")
    print(f"{'page':<12} {'click → redrawn':>15} {'× floor':>8} {'click → painted':>15} {'× floor':>8} "
          f"{'click → finished':>16} {'server, protocol':>16} {'CPU/Step':>9} {'server, AppTest':>16} {'KiB/Step':>9}"
          "   charts redrawn/shown")
    print(f"{'':<12} {'median     p90':>15} {'':>8} {'median     p90':>15} {'':>8} {'median     p90':>16} "
          f"{'median     p90':>16} {'median':>9} {'median     p90':>16}")
    floor_ms = {k: statistics.median(rows["floor"][k]) for k in ("redrawn", "painted")}
    for name, row in rows.items():
        ratio = {k: statistics.median(row[k]) / floor_ms[k] for k in floor_ms}
        server = [summary(row[k]) if k in row else f"{'–':>15}" for k in ("protocol", "apptest")]
        size = f"{statistics.median(row['bytes']) / 1024:9.1f}" if "bytes" in row else f"{'–':>9}"
        print(f"{name:<12} {summary(row['redrawn']):>15} {ratio['redrawn']:>7.2f}× {summary(row['painted']):>15} "
              f"{ratio['painted']:>7.2f}× {summary(row['finished']):>16} {server[0]:>16} "
              f"{statistics.median(row['cpu']):9.1f} {server[1]:>16} {size}   "
              f"{', '.join(f'{r}/{c}' for r, c in sorted(row['charts']))}")
    print("\nThe board's parts, ms from the start of its frame to each part drawn (median):")
    for name, row in rows.items():
        if row.get("parts"):
            parts = sorted({k for times in row["parts"] for k in times})
            print(f"  {name:<11} " + ", ".join(
                f"{k} {statistics.median(times.get(k, 0.0) for times in row['parts']):.1f}" for k in parts))
    if play:
        print("\nPlay: frames shown a second, median gap between frames, server CPU per frame computed")
    for (name, k), result in play.items():
        print(f"  {name:<11} {k:>4} step(s) a frame: {result['fps']:5.1f}/s, gap {result['gap']:5.1f} ms, "
              f"{result['frame_ms']:5.1f} ms CPU a frame")
    default = {k: statistics.median(rows["default"][k]) / floor_ms[k] for k in floor_ms}
    wide = statistics.median(rows["wide 64,64"]["redrawn"]) / statistics.median(rows["default"]["redrawn"])
    kb = statistics.median(rows["default"]["bytes"]) / 1000
    cpu = rows["default"]["cpu"][0] / max(rows["default"]["floor_cpu"][0], 1e-3)
    plays = ""
    if play:
        first = play[("default", 1)]
        plays = (f"Play ≥ {GOALS['fps']:g}/s: {first['fps']:.1f}/s (gap ≤ {GOALS['gap']:g} ms: {first['gap']:.1f}); "
                 + "; ".join(f"{name} at {k} ≥ {goal:g}/s: {play[(name, k)]['fps']:.1f}" for name, k, goal in PLAYS[1:])
                 + f"; CPU a frame ≤ {GOALS['frame_ms']:g} ms: {first['frame_ms']:.1f}; ")
    print(f"\nGoals: click → redrawn ≤ {GOALS['ratio']:g}× the floor (milestone {GOALS['milestone']:g}×): "
          f"{default['redrawn']:.2f}× (painted: {default['painted']:.2f}×); "
          f"wide ≤ {GOALS['wide']:g}× default: {wide:.2f}×; {plays}"
          f"bytes per Step ≤ {GOALS['kb']:g} KB: {kb:.1f} KB; "
          f"server CPU per Step ≤ {GOALS['cpu']:g}× the floor's: {cpu:.2f}×.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

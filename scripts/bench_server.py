"""Server time per Step over the websocket, against a minimal Streamlit page in the same run.

    .venv/bin/python scripts/bench_server.py                 # 40 Steps, the default network
    .venv/bin/python scripts/bench_server.py --link "hidden=64,64" --steps 20

Starts the app and a floor page (one button and one number, `FLOOR` below) on free
loopback ports (scripts/serve.py), opens one session on each over Streamlit's own
websocket protocol (scripts/clients.py) and presses Step on each in turn, alternating
which goes first. A Step's server time is the round trip from the click to the run's
`script_finished`, on loopback with no browser: what the server spends on it, plus a
socket (the client acknowledges what it receives at once, as a browser does in effect: the
floor, a plain Streamlit page, sends with Nagle's algorithm on and would otherwise wait for
the client's delayed ACK on every Step, idle, and take its next Step with cold caches).
Beside it, the server process's CPU time per Step (user + system, from /proc, summed over
the Steps and divided by their number): on a machine shared with other work
the round trip mostly measures waiting for a core, the CPU time what the Step costs.
Bytes are what the server sent for that Step. The app is first run `--fill` Steps (Run n)
so that its loss curve and history are not empty. Prints medians, the ratios app/floor,
and the load average.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path

from clients import Session, percentile
from serve import ROOT, Server, start_server

GOAL_MS = 10.0
# The platform's floor: the least a Streamlit page whose button changes one number costs.
FLOOR = """import streamlit as st

st.session_state.setdefault("n", 0)
if st.button("Step", key="step"):
    st.session_state["n"] += 1
st.metric("steps", st.session_state["n"])
"""


async def measure(app: Server, floor: Server, link: str, steps: int, fill: int) -> dict[str, list[float]]:
    servers = {"app": app, "floor": floor}
    app, floor = await Session.open(app.url, link), await Session.open(floor.url)
    try:
        if fill:
            await app.click("run", n_steps=fill)
        for session in (app, floor):  # warm up: the first runs import and cache
            for _ in range(3):
                await session.click("step")
        if app.exceptions:
            raise SystemExit(f"the app raised: {app.exceptions}")
        results: dict[str, list[float]] = {f"{name}_{what}": [] for name in servers for what in ("ms", "cpu", "bytes")}
        order = [("app", app), ("floor", floor)]
        for _ in range(steps):
            for name, session in order:
                before, cpu = session.bytes_in, servers[name].cpu_seconds()
                seconds = await session.click("step")
                results[f"{name}_cpu"].append((servers[name].cpu_seconds() - cpu) * 1000)
                results[f"{name}_ms"].append(seconds * 1000)
                results[f"{name}_bytes"].append(session.bytes_in - before)
            order.reverse()
        return results
    finally:
        await app.close()
        await floor.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--link", default="", help='query string of the app\'s link, e.g. "hidden=64,64"')
    parser.add_argument("--steps", type=int, default=40, help="Steps per side (default 40)")
    parser.add_argument("--fill", type=int, default=1000, help="steps run first, with Run n (default 1000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        floor_script = Path(tmp) / "floor.py"
        floor_script.write_text(FLOOR)
        app_server, floor_server = start_server(), start_server(script=str(floor_script))
        try:
            r = asyncio.run(measure(app_server, floor_server, args.link, args.steps, args.fill))
        finally:
            app_server.stop()
            floor_server.stop()
    app_ms, floor_ms = statistics.median(r["app_ms"]), statistics.median(r["floor_ms"])
    print(f"app {args.link or 'default network'}, after {args.fill} steps; {args.steps} Steps per side, alternating")
    print(f"server time per Step: app {app_ms:.1f} ms (p90 {percentile(r['app_ms'], 90):.1f}), "
          f"floor {floor_ms:.1f} ms (p90 {percentile(r['floor_ms'], 90):.1f}): {app_ms / floor_ms:.2f}x the floor; "
          f"goal app <= {GOAL_MS:g} ms: {'met' if app_ms <= GOAL_MS else 'NOT met'}")
    app_cpu, floor_cpu = (sum(r[f"{name}_cpu"]) / len(r[f"{name}_cpu"]) for name in ("app", "floor"))
    print(f"server CPU time per Step (mean): app {app_cpu:.1f} ms, floor {floor_cpu:.1f} ms: "
          f"{app_cpu / floor_cpu:.2f}x the floor; app <= {GOAL_MS:g} ms: {'met' if app_cpu <= GOAL_MS else 'NOT met'}")
    print(f"bytes per Step: app {statistics.median(r['app_bytes']) / 1024:.1f} KiB, "
          f"floor {statistics.median(r['floor_bytes']) / 1024:.1f} KiB")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()

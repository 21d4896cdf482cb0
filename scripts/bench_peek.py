"""Benchmark (not a test): what a coarse cell's exact hover costs (the board's `peek`), against a
Step measured in the same run, interleaved.

    .venv/bin/python scripts/bench_peek.py                 # 5 rounds of 8 peeks and 8 Steps
    .venv/bin/python scripts/bench_peek.py --rounds 10 --hidden 256,256,256

Starts the app on a free loopback port (scripts/serve.py) and opens a network whose W² is sent
at display resolution. Each round hovers 8 new entries of a coarse cell (each asked of the
server once the pointer rests) and clicks Step 8 times, in turn. Prints the medians over rounds
of: the server's CPU time a peek and a Step (/proc, the whole process), the wall time from the
pointer coming to rest to the exact value shown (the rest itself included), and the bytes of
a peek's payload (built in-process), with the load average.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as app.py: before NumPy is imported

import argparse
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from serve import CHROMIUM, CHROMIUM_ARGS, start_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from explorer.figures import board
from explorer.model.training import Config, Trainer

REST = 0.25  # s: static/matrices.js asks once the pointer rests this long


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--hidden", default="256,256")
    args = parser.parse_args()
    hidden = tuple(int(n) for n in args.hidden.split(","))
    t = Trainer.from_config(Config(hidden=hidden))
    t.run(2)
    spec = board.structure(t, board.Shown())
    peeked = board.peek(t.current, {"id": 1, "key": "W2", "i": 61, "j": 125})
    print(f"a peek's payload: {len(board.payload(spec[0]['version'], None, [], peeked=peeked))} bytes")
    server = start_server(60)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(f"{server.url}/?hidden={args.hidden}&step=2")
            page.wait_for_function("() => document.querySelector('.board[data-step=\"2\"]')", timeout=90_000)
            height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": 1600, "height": height})
            page.wait_for_timeout(1000)
            tip, step = page.locator(".board-tip"), page.get_by_role("button", name="Step", exact=True)
            peek_cpu, step_cpu, waits, cell = [], [], [], 0
            for _ in range(args.rounds):
                before = server.cpu_seconds()
                for _ in range(8):
                    c = page.evaluate("([i, j]) => window.__board.cell('W2', i, j)", [cell % 40, cell // 40 % 40])
                    cell += 1
                    page.mouse.move(c["x"], c["y"])
                    start = time.perf_counter()
                    page.wait_for_function("() => !document.querySelector('.board-tip').textContent.endsWith('…')")
                    waits.append(time.perf_counter() - start)
                    assert tip.is_visible()
                peek_cpu.append((server.cpu_seconds() - before) / 8)
                before, shown = server.cpu_seconds(), page.evaluate("+document.querySelector('.board').dataset.step")
                for k in range(1, 9):
                    step.click()
                    page.wait_for_function(f"() => +document.querySelector('.board').dataset.step === {shown + k}")
                step_cpu.append((server.cpu_seconds() - before) / 8)
            browser.close()
    finally:
        server.stop()
    peek, stepped = statistics.median(peek_cpu), statistics.median(step_cpu)
    print(f"network 2-{args.hidden.replace(',', '-')}-2, {args.rounds} rounds, load {os.getloadavg()[0]:.2f}")
    print(f"server CPU: a peek {peek * 1e3:.1f} ms, a Step {stepped * 1e3:.1f} ms (ratio {peek / stepped:.2f})")
    print(f"pointer at rest to exact value shown: median {statistics.median(waits) * 1e3:.0f} ms "
          f"({REST * 1e3:.0f} of them the rest itself)")


if __name__ == "__main__":
    main()

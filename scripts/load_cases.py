"""What one careless or curious student can do to the server: the named cases of scripts/load_test.py.

    .venv/bin/python scripts/load_test.py --case reload     # one student reloads a heavy page 30 times
    .venv/bin/python scripts/load_test.py --case heavy      # 20 students at the largest network at once
    .venv/bin/python scripts/load_test.py --case uploads    # one session PUTs 100 files of 5 MB
    .venv/bin/python scripts/load_test.py --case race       # a widget pressed during one's own Run, 40 times

Each prints the server's RSS before, at its peak and after (once the tabs have closed and
again after `--idle` seconds), and exits 1 when what it checks fails:

- reload, heavy: every session shows its network and no exception; the sessions past the
  server's budget of large networks are told so (heavy with `--students 31`).
- uploads: the server grows by at most `--upload-goal` MiB (a session's budget of uploaded
  bytes, and the parsing of one file) however many files one session sends.
- race: after Run 10,000 and, within a second, Reset, Step, Undo, Play, the log-scale switch,
  the view switch or the language switch, the page shows no error and (but for Play, whose
  board computes frames ahead of the numbers) a step whose W¹ is the seeded run's own at that
  step (the core replayed in this process), and Undo then shows the step before it: the
  history is contiguous and no old Run goes on stepping.
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter

import numpy as np
from clients import Session

# The largest network the sidebar builds, on the largest shipped data set, with the largest batch it allows.
HEAVY = "dataset=digits&hidden=256,256,256,256,256,256&split=0&batch=310"
ACTIONS = ("reset", "step", "undo", "play", "log", "view", "lang")


async def reload_loop(url: str, memory, args) -> list[str]:
    """One student opens the heavy link, presses Step and reloads, `--reloads` times."""
    failures = []
    for i in range(args.reloads):
        session = await Session.open(url, HEAVY)
        await session.click("step")
        failures += _problems(session, f"reload {i + 1}")
        await session.close()
    memory.mark(f"after {args.reloads} reloads")
    return failures


async def heavy_students(url: str, memory, args) -> list[str]:
    """`--students` sessions at the largest network at once, each pressing Step 3 times."""
    sessions = await asyncio.gather(*(Session.open(url, f"{HEAVY}&seed={i}", timeout=120)
                                      for i in range(args.students)))
    memory.mark(f"{args.students} heavy sessions open")
    for _ in range(3):
        await asyncio.gather(*(s.click("step", timeout=120) for s in sessions))
    memory.mark("after 3 Steps each")
    failures, told = [], 0
    for i, session in enumerate(sessions):
        failures += _problems(session, f"student {i}")
        told += any("The server keeps room for" in alert for alert in session.alerts)  # the budget_full notice
    print(f"{told} of {args.students} heavy sessions were told that the server's budget for large networks is spent")
    from explorer.model import limits

    if told != max(0, args.students - limits.LARGEST_TRAINERS):
        failures.append(f"{told} sessions were told of the budget; room is kept for {limits.LARGEST_TRAINERS}")
    await asyncio.gather(*(s.close() for s in sessions))
    return failures


def _problems(session: Session, who: str) -> list[str]:
    return [f"{who}: {e}" for e in session.exceptions] + ([] if "Step" in session.metrics else [f"{who}: no numbers"])


# -- uploads -----------------------------------------------------------------------------------


def _put(url: str, session_id: str, xsrf: str, data: bytes) -> int:
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="flood.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/{session_id}/{uuid.uuid4()}", data=body, method="PUT",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": xsrf,
                 "Cookie": f"_streamlit_xsrf={xsrf}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _xsrf(url: str) -> str:
    with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "_streamlit_xsrf":
                return rest.split(";", 1)[0]
    return ""


async def upload_flood(url: str, memory, args) -> list[str]:
    """One session PUTs `--files` files of 5 MB each to the upload endpoint, as a script (or devtools) can."""
    session = await Session.open(url)
    xsrf = await asyncio.to_thread(_xsrf, url)
    data = (b"1,2,3\n" * (5 * 2**20 // 6))[: 5 * 2**20 - 1024]
    memory.mark("a session open")
    t = time.perf_counter()
    codes = Counter()
    for _ in range(args.files):
        codes[await asyncio.to_thread(_put, url, session.session_id, xsrf, data)] += 1
    print(f"{args.files} PUTs of {len(data) / 2**20:.1f} MiB in {time.perf_counter() - t:.1f} s: "
          + ", ".join(f"{n} × {code}" for code, n in sorted(codes.items())))
    memory.mark(f"after {args.files} uploads")
    await session.click("step")  # the page still works
    failures = _problems(session, "the uploading session")
    await session.close()
    grown = memory.marks[f"after {args.files} uploads"] - memory.marks["a session open"]
    if grown > args.upload_goal:
        failures.append(f"the server grew by {grown:.0f} MiB while one session uploaded {codes[204]} files "
                        f"(more than {args.upload_goal:g} MiB)")
    return failures


# -- the Run race ---------------------------------------------------------------------------------


def replay_W1(seed: int, steps: int) -> np.ndarray:
    """W¹ of the default network of this seed after `steps` updates, replayed by the trainer in this process."""
    from explorer.model.training import Config, Trainer

    trainer = Trainer.from_config(Config(seed=seed))
    trainer.run(steps)
    return trainer.net.W[0]


async def _settle(session: Session, quiet: float = 1.5, timeout: float = 60.0) -> None:
    """Read until the page has finished its runs and sent nothing for `quiet` seconds."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            await asyncio.wait_for(session._until_finished(), quiet)
        except TimeoutError:
            return
    raise TimeoutError("the page kept running")


async def _act(session: Session, action: str) -> None:
    """Press one control (or switch one switch) without waiting for its run."""
    if action in ("reset", "step", "undo", "play"):
        widget_id, fragment = session.widgets[action]
        await session.send([(widget_id, "trigger_value", True)], fragment)
    elif action == "log":
        await session.send([(session.widgets["loss_log"][0], "bool_value", True)])
    else:
        key = {"view": "view", "lang": "lang"}[action]
        await session.send([(session.widgets[key][0], "string_array_value", [session.options[key][1]])])


def _step(session: Session) -> int | None:
    """The step counter: the numbers row's first cell, in either language."""
    return int(next(iter(session.metrics.values()))) if session.metrics else None


async def one_race(url: str, seed: int, action: str, rng: random.Random) -> str | None:
    """Run 10,000, then `action` within a second; None when the page ends right, else what went wrong."""
    session = await Session.open(url, f"seed={seed}")
    try:
        run_id, fragment = session.widgets["run"]
        await session.send([(run_id, "trigger_value", True), (session.widgets["n_steps"][0], "int_value", 10_000)],
                           fragment)
        await asyncio.sleep(rng.uniform(0.3, 1.0))
        await _act(session, action)
        await _settle(session)
        shown = _step(session)
        if session.exceptions:
            return f"{action}: an exception: {session.exceptions[0]}"
        if shown is None:
            return f"{action}: no numbers shown"
        if action == "reset" and shown != 0:
            return f"reset: the page shows step {shown}, not 0"
        if action == "play":  # the board steps Play's frames ahead of the numbers shown: no single step to replay
            return None
        if action == "view":  # another view draws no board; back to the Network view
            await session.send([(session.widgets["view"][0], "string_array_value", [session.options["view"][0]])])
            await _settle(session, quiet=0.5)
        W1 = session.matrix("W1")
        if not np.array_equal(W1, replay_W1(seed, shown)):
            return f"{action}: step {shown} shown, but its W¹ is not the seeded run's at that step"
        if shown:
            await session.click("undo")
            after = _step(session)
            if after != shown - 1:
                return f"{action}: Undo from step {shown} shows step {after}"
            if not np.array_equal(session.matrix("W1"), replay_W1(seed, after)):
                return f"{action}: Undo to step {after} shows another step's W¹"
        return None
    finally:
        await session.close()


async def run_race(url: str, memory, args) -> list[str]:
    rng, failures, results = random.Random(0), [], Counter()
    for i in range(args.races):
        action = ACTIONS[i % len(ACTIONS)]
        problem = await one_race(url, 1000 + i, action, rng)
        results[(action, problem is None)] += 1
        if problem:
            failures.append(f"race {i + 1}: {problem}")
    memory.mark(f"after {args.races} races")
    print("races, right / wrong: " + ", ".join(f"{a} {results[(a, True)]}/{results[(a, False)]}" for a in ACTIONS))
    return failures


CASES = {"reload": reload_loop, "heavy": heavy_students, "uploads": upload_flood, "race": run_race}

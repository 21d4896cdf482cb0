"""The lecture hall of deploy/: two `streamlit run` processes behind HAProxy, all on loopback,
HAProxy running deploy/haproxy.cfg (scripts/lecture_hall.py swaps only its server lines).

A Streamlit session lives in one process. Through the balancer, each student's Steps, upload
and download must reach the process that holds their session, by the cookie HAProxy inserts
(students of one classroom share one address). When a replica dies, its pages reconnect to the
other and start again from their link, while the other replica's students go on untouched.

Which replica served a request is read from HAProxy's own log; that a download lives in its
session's process only is checked against both replicas directly.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from clients import Session
from lecture_hall import COOKIE, HAPROXY, Hall, lecture_hall
from load_test import STEP_METRIC, W1_JS
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError
from websockets.exceptions import ConnectionClosed

from explorer.core import Network
from explorer.model.training import Config, Trainer
from explorer.teaching import export

pytestmark = pytest.mark.deploy

LINK = "dataset=xor&hidden=4,4&seed={seed}"
TIMEOUT = 30_000  # ms: a first page also loads plotly.js, and two servers share the machine's cores


@pytest.fixture(scope="module")
def hall():
    if shutil.which(HAPROXY) is None:
        message = "haproxy not found: the lecture hall's tests need Debian's haproxy (`apt-get install haproxy`)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; in CI they must run, not skip.", pytrace=False)
        pytest.skip(message)
    with lecture_hall(2) as running:
        yield running


def open_page(browser: Browser, hall: Hall, seed: int) -> Page:
    """A student on a machine of their own (their own cookies), from a link with their seed."""
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{hall.url}/?{LINK.format(seed=seed)}")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=TIMEOUT)
    return page


# Records every text Streamlit's connection status shows (it shows nothing while connected).
WATCH_STATUS_JS = """() => { window.__statusSeen = []; setInterval(() => {
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  if (status && status.innerText.trim()) window.__statusSeen.push(status.innerText.trim()); }, 50); }"""


def cookie(page: Page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)


def step(page: Page, counter: int) -> None:
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(STEP_METRIC)).to_have_text(str(counter), timeout=TIMEOUT)


def drawn_W1(page: Page) -> np.ndarray | None:
    try:
        return np.array(page.evaluate(W1_JS))
    except PlaywrightError:  # the chart is being drawn again
        return None


def shows_W1(page: Page, expected: np.ndarray) -> None:
    """The page's network chart draws W¹ = expected (its numbers row can be drawn before it)."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while (shown := drawn_W1(page)) is None or not np.allclose(shown, expected, rtol=1e-6, atol=0):
        assert time.monotonic() < deadline, f"W¹ drawn {shown}, not {expected}"
        time.sleep(0.2)


def trained(seed: int, steps: int) -> Trainer:
    """What the app computes for LINK after `steps` Steps."""
    t = Trainer.from_config(Config(dataset="xor", hidden=(4, 4), seed=seed))
    t.run(steps)
    return t


def status(url: str, cookie: str = "") -> int:
    try:
        request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_each_student_steps_uploads_and_downloads_on_their_own_replica(hall: Hall, browser: Browser):
    pages = {seed: open_page(browser, hall, seed) for seed in (3, 4)}
    cookies = {seed: cookie(page) for seed, page in pages.items()}
    home = {seed: hall.replica_of(cookies[seed]) for seed in pages}
    assert home[3] is not home[4], "the balancer sent both students to one replica"

    for seed, page in pages.items():
        for counter in (1, 2, 3):
            step(page, counter)
        page.get_by_role("radio", name="Save and load").click()
        with page.expect_download(timeout=TIMEOUT) as download:
            page.locator(".st-key-download_weights button").click()
        saved = np.load(io.BytesIO(download.value.path().read_bytes()))
        assert int(saved["step"]) == 3
        np.testing.assert_array_equal(saved["W1"], trained(seed, 3).net.W[0])
        # The file lives in the session's own process: the other replica does not have it.
        media = download.value.url.removeprefix(hall.url)
        other = next(r for r in hall.replicas if r is not home[seed])
        assert media.startswith("/media/") and status(home[seed].url + media) == 200
        assert status(other.url + media) == 404

        upload = Network([2, 4, 4, 2], "tanh", "cross_entropy", seed=1000 + seed)
        page.locator(".st-key-upload_weights input[type=file]").set_input_files(
            {"name": "mine.npz", "mimeType": "application/octet-stream", "buffer": export.weights_npz(upload, 0)})
        expect(page.get_by_text("Loaded the weights from mine.npz")).to_be_visible(timeout=TIMEOUT)
        page.get_by_role("radio", name="Network").click()
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=TIMEOUT)
        shows_W1(page, upload.W[0])
    for page in pages.values():
        page.context.close()
    for _ in range(100):  # HAProxy logs a websocket once it has closed
        requests = hall.requests()
        if all(any(r.cookie == c and r.path == "/_stcore/stream" for r in requests) for c in cookies.values()):
            break
        time.sleep(0.1)
    for seed in pages:
        own = [r for r in requests if r.cookie == cookies[seed]]
        assert all(hall.replica(r.server) is home[seed] for r in own), own
        # Among them: its websocket (the Steps), its upload and its download.
        kinds = {(r.method, r.path.split("/", 3)[r.path.startswith("/_stcore/") + 1]) for r in own if r.path != "/"}
        assert {("GET", "stream"), ("PUT", "upload_file"), ("GET", "media")} <= kinds, kinds


async def _open_at(hall: Hall, replica, seed: int) -> tuple[Session, str]:
    """A protocol session (one browser tab's websocket) whose cookie names `replica`."""
    for _ in range(20):  # leastconn: a new client goes to the replica with the fewest connections
        with urllib.request.urlopen(hall.url + "/", timeout=10) as response:
            jar = response.headers["Set-Cookie"].split(";")[0]
        assert status(hall.url + "/_stcore/health", jar) == 200  # a request that brings it: logged with its replica
        if hall.replica_of(jar.split("=", 1)[1]) is replica:
            return await Session.open(hall.url, LINK.format(seed=seed), cookie=jar), jar
    raise AssertionError(f"no cookie for {replica.url} in 20 tries")


def test_a_replica_that_dies_sends_its_students_to_the_other_one_and_spares_the_rest(hall: Hall, browser: Browser):
    victim, survivor = hall.replicas
    pages = {seed: open_page(browser, hall, seed) for seed in (5, 6)}
    by_replica = {id(hall.replica_of(cookie(page))): seed for seed, page in pages.items()}
    assert len(by_replica) == 2, "the balancer sent both students to one replica"
    lost_seed, kept_seed = by_replica[id(victim)], by_replica[id(survivor)]
    lost_page, kept_page = pages[lost_seed], pages[kept_seed]
    for page in pages.values():
        step(page, 1)
    lost_page.evaluate(WATCH_STATUS_JS)

    async def sessions() -> None:
        lost, lost_cookie = await _open_at(hall, victim, 7)
        kept, _ = await _open_at(hall, survivor, 8)
        for s in (lost, kept):
            await s.click("step")
            await s.click("step")
        victim.proc.kill()  # a crash: no goodbye to anyone
        with pytest.raises(ConnectionClosed):  # its tab hears of it at once, and does not hang
            await lost.click("step", timeout=30)
        await kept.click("step", timeout=30)
        assert kept.metrics["Step"] == "3" and not kept.exceptions
        # The tab reconnects with the cookie of a replica that is gone: the other one takes it, from its link.
        again = await Session.open(hall.url, LINK.format(seed=7), cookie=lost_cookie, timeout=30)
        assert again.metrics["Step"] == "0" and not again.exceptions
        np.testing.assert_array_equal(again.matrix("W1"), trained(7, 0).net.W[0])
        await again.click("step")
        assert again.metrics["Step"] == "1"
        await asyncio.gather(kept.close(), again.close())

    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API holds this thread's event loop
        thread.submit(asyncio.run, sessions()).result()

    # The page of the replica that died said it was reconnecting, then came back from its link.
    lost_page.wait_for_function("() => window.__statusSeen.some(s => /connecting/i.test(s))", timeout=TIMEOUT)
    expect(lost_page.locator(STEP_METRIC)).to_have_text("0", timeout=TIMEOUT)
    assert hall.replica_of(cookie(lost_page)) is survivor
    step(lost_page, 1)
    shows_W1(lost_page, trained(lost_seed, 1).net.W[0])
    # The other student never noticed.
    step(kept_page, 2)
    shows_W1(kept_page, trained(kept_seed, 2).net.W[0])
    for page in pages.values():
        assert page.get_by_test_id("stException").count() == 0
        page.context.close()

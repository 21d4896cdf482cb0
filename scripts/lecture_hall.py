"""Several `streamlit run` processes behind HAProxy on loopback: the deployment of deploy/, without
Docker. Shared by the lecture hall's tests and scripts/load_test.py (`--replicas`).

    with lecture_hall(2) as hall:          # two replicas and the balancer, ready
        page.goto(hall.url + "/?seed=3")   # through the balancer, which inserts its cookie
        hall.requests()                    # what HAProxy logged: which replica served what

HAProxy runs deploy/haproxy.cfg itself, with one change: its `server-template` line (one
server per address Docker's DNS gives the `app` service) becomes one `server` line per
loopback replica. Everything else (the sticky cookie, the websocket timeouts, the health
checks, redispatching away from a replica that died) is what a host gets.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from serve import HOST, ROOT, Server, free_port, start_server

CONFIG = ROOT / "deploy" / "haproxy.cfg"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"  # Debian's package (`apt-get install haproxy`)
COOKIE = "replica"  # the cookie HAProxy inserts (deploy/haproxy.cfg)
# Every replica signs its XSRF cookie with the same secret (deploy/compose.yaml does the same), so
# that a page that moved to another replica after its own went away can still upload a file.
SHARED_SECRET = {"STREAMLIT_SERVER_COOKIE_SECRET": "lecture-hall-on-loopback"}

# One line of HAProxy's `option httplog` with the frontend's `capture cookie`: client, date,
# frontend, backend/server, timers, status, bytes, the cookie the request brought, the one the
# server set (never ours: HAProxy's own insertion is not captured), the termination and
# persistence flags, counters, queues, "request line".
_LOG = re.compile(r'\] \S+ \S+/(?P<server>\S+) \S+ (?P<status>-?\d+) \S+ (?P<cookie>\S+) \S+ '
                  r'(?P<flags>\S+) \S+ \S+ "(?P<method>\S+) (?P<path>\S+)')


@dataclass(frozen=True)
class Request:
    """One request as HAProxy logged it (a websocket is logged when it closes)."""

    server: str  # "app1", "app2", …: the replica that served it (deploy/haproxy.cfg's names)
    status: int
    cookie: str  # the balancer's cookie the request brought ("" without one)
    flags: str  # HAProxy's termination and persistence flags: "--VN" came with a valid cookie, "--NI" got one
    method: str
    path: str

    @property
    def followed_cookie(self) -> bool:
        """It brought a cookie naming a replica that was up, and went there."""
        return self.flags[2] == "V"


@dataclass
class Hall:
    url: str  # the balancer
    replicas: list[Server]  # replicas[i] is HAProxy's server "app{i + 1}"
    balancer: subprocess.Popen
    log: tempfile._TemporaryFileWrapper

    def requests(self) -> list[Request]:
        """Every request HAProxy has logged so far, oldest first."""
        self.log.flush()
        lines = Path(self.log.name).read_text(errors="replace").splitlines()
        return [Request(m["server"], int(m["status"]), m["cookie"].removeprefix(COOKIE + "=").strip("-"), m["flags"],
                        m["method"], m["path"]) for line in lines if (m := _LOG.search(line))]

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def replica(self, name: str) -> Server:
        """The replica of HAProxy's server `name` ("app2")."""
        return self.replicas[int(name.removeprefix("app")) - 1]

    def replica_of(self, cookie: str) -> Server:
        """The replica a cookie names: where the requests that brought it went."""
        served = {r.server for r in self.requests() if r.cookie == cookie and r.followed_cookie}
        if len(served) != 1:
            raise LookupError(f"cookie {cookie!r} led to {sorted(served) or 'no replica yet'}")
        return self.replica(served.pop())


def haproxy_config(servers: list[str]) -> str:
    """deploy/haproxy.cfg with its server-template line replaced by one server line per address."""
    text = CONFIG.read_text()
    template = re.compile(r"^(\s*)server-template .*$", re.MULTILINE)
    indent = template.search(text)[1]
    lines = "\n".join(f"{indent}server app{i + 1} {address}" for i, address in enumerate(servers))
    return template.sub(lambda _: lines, text, count=1)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


@contextmanager
def lecture_hall(replicas: int, timeout: float = 60.0) -> Iterator[Hall]:
    """`replicas` app processes and HAProxy in front of them, all on 127.0.0.1; stopped on exit."""
    if shutil.which(HAPROXY) is None:
        raise FileNotFoundError(f"{HAPROXY} not found: the lecture hall needs Debian's haproxy "
                                "(`apt-get install haproxy`)")
    with ExitStack() as stack:
        servers = []
        for _ in range(replicas):
            server = start_server(timeout, env=SHARED_SECRET)
            stack.callback(server.stop)
            servers.append(server)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lecture-hall-")))
        config = folder / "haproxy.cfg"
        config.write_text(haproxy_config([s.url.removeprefix("http://") for s in servers]))
        port = free_port()
        log = stack.enter_context(tempfile.NamedTemporaryFile("w+b", prefix="haproxy-", suffix=".log"))
        env = {**os.environ, "LISTEN": f"{HOST}:{port}", "COOKIE_KEY": "loopback", "REPLICAS": str(replicas)}
        balancer = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, env=env)
        stack.callback(_stop, balancer)
        hall = Hall(f"http://{HOST}:{port}", servers, balancer, log)
        deadline = time.monotonic() + timeout
        while not _ready(hall.url):
            if balancer.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"haproxy did not come up on port {port}:\n{hall.output()}")
            time.sleep(0.1)
        yield hall


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

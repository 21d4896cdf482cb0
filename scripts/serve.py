"""Serve the app on a free loopback port: shared by the browser tests and the scripts.

    with serving() as server:     # `streamlit run app.py`, ready when /_stcore/health says ok
        page.goto(server.url + "/?dataset=xor")

Loopback only (127.0.0.1), stdin closed, one BLAS thread; stopped with SIGTERM, then
killed if it has not exited after a few seconds.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright cannot download its own here
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic"]


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    log: tempfile._TemporaryFileWrapper

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server so far (/proc/<pid>/stat, fields 14 and 15)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def output(self) -> str:
        """What the server has printed so far (stdout and stderr)."""
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def stop(self, grace: float = 10.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


def start_server(timeout: float = 30.0, port: int | None = None, script: str = "app.py",
                 env: dict[str, str] | None = None) -> Server:
    """Start the app (or another Streamlit script run from the repository's root, with its
    .streamlit/config.toml; `env`: more environment variables) and wait at most `timeout`
    seconds until it answers its health check."""
    port = port or free_port()
    log = tempfile.NamedTemporaryFile("w+b", prefix="streamlit-", suffix=".log")  # noqa: SIM115 (Server owns it)
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true", "--server.address", HOST, "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    proc = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})})
    server = Server(proc, f"http://{HOST}:{port}", log)
    deadline = time.monotonic() + timeout
    while not _healthy(server.url):
        if proc.poll() is not None or time.monotonic() > deadline:
            output = server.output()
            server.stop()
            code = proc.returncode
            why = f"exited with code {code}" if code is not None else f"not ready in {timeout:g} s"
            raise RuntimeError(f"streamlit run {script} {why} on port {port}:\n{output}")
        time.sleep(0.1)
    return server


@contextmanager
def serving(timeout: float = 30.0) -> Iterator[Server]:
    server = start_server(timeout)
    try:
        yield server
    finally:
        server.stop()

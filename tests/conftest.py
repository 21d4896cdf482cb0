"""Shared fixtures: the app served on a free loopback port, and Debian's Chromium for
pytest-playwright (Playwright cannot download its own browser here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS), str(TESTS.parent / "scripts")]  # specs.py and the scripts' clients, from every tier
from serve import CHROMIUM, CHROMIUM_ARGS, serving  # noqa: E402 (after the path above)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tiers by folder: tests/app/ is marked `app`, tests/deploy/ `deploy`, tests/browser/
    `browser`, and so is any other test that needs the served app or a page, wherever it stands."""
    for item in items:
        tier = item.path.parent.name
        if tier == "deploy":
            item.add_marker(pytest.mark.deploy)
        elif tier == "browser" or {"server", "page"} & set(item.fixturenames):
            item.add_marker(pytest.mark.browser)
        elif tier == "app":
            item.add_marker(pytest.mark.app)


@pytest.fixture(scope="session")
def server():
    """The base URL of `streamlit run app.py`, started once for the whole test session."""
    with serving(timeout=30) as running:
        yield running.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} not found: the browser tests need Debian's chromium (`apt-get install chromium`)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; in CI they must run, not skip.", pytrace=False)
        pytest.skip(message)
    args = [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}

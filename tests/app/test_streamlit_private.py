"""What the app relies on of Streamlit's internals, which have no public alternative: each
test names the internal that moved when a Streamlit upgrade breaks it.

- explorer/ui/canvas.py `serve_folder`: a folder served under the app's base URL through a v1
  component's path, registered once per server (asked of the private component registry).
- scripts/clients.py `_key` reads a chart's or widget's key back from its element id,
  "$$ID-<hash>-<key>" (AppTest and the websocket show no key otherwise); tests/specs.py reads
  them through it.
"""

from __future__ import annotations

from pathlib import Path

from clients import _key as key_in_id
from specs import charts, ok
from streamlit.testing.v1 import AppTest

from explorer.ui import canvas


def test_serve_folder_serves_the_files_at_the_path_it_returns(server: str):
    """On a real server (AppTest's runtime is a mock): once a page has drawn a chart, loader.js
    finds the live components' modules, and static/plotly.js plotly.min.js and the template, at
    the paths serve_static registered."""
    import asyncio
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from clients import Session

    async def open_page() -> list[str]:
        page = await Session.open(server)
        await page.close()
        return page.exceptions

    with ThreadPoolExecutor(1) as thread:  # a thread of its own: Playwright may hold this one's event loop
        assert thread.submit(asyncio.run, open_page()).result() == []
    static = Path(canvas.__file__).with_name("static")
    plotly_at = f"{server}/component/explorer.ui.canvas.plotly/"
    modules_at = f"{server}/component/explorer.ui.canvas.static/"
    assert f"'{plotly_at.removeprefix(server + '/')}'" in (static / "plotly.js").read_text()
    assert f"`{modules_at.removeprefix(server + '/')}${{file}}`" in canvas.LOADER
    files = {plotly_at + name: canvas.PLOTLY_FILES / name for name in ("plotly.min.js", "templates/plotly.json")}
    files |= {modules_at + name: static / name for name in ("canvas.js", "board.js", "plotly.js")}
    for url, path in files.items():
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.read() == path.read_bytes()
        except OSError as e:
            raise AssertionError(
                f"{url}: {e}. Streamlit no longer serves a v1 component's folder at "
                "component/<module>.<name>/: explorer/ui/canvas.py serve_folder needs another way") from e


def _keyed_script() -> None:
    import streamlit as st

    from explorer.ui import canvas

    canvas.chart({"data": [{"type": "scatter", "x": [1, 2], "y": [3, 4]}], "layout": {}}, key="probe-chart")
    st.button("Press", key="probe_button")


def test_keys_read_back_from_element_ids():
    at = ok(AppTest.from_function(_keyed_script).run())
    assert "probe-chart" in charts(at), (
        "a chart's key is no longer the end of its element id '$$ID-<hash>-<key>': "
        "tests/specs.py and scripts/clients.py read keys that way")
    assert charts(at)["probe-chart"]["data"][0]["y"] == [3, 4]
    assert key_in_id(str(at.button(key="probe_button").proto.id)) == "probe_button"

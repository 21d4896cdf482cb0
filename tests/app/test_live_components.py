"""The live components (the board, the persistent charts) send the same few bytes of inline
JavaScript, explorer/ui/loader.js, which imports their module from explorer/ui/static/ once:
Streamlit re-sends a component's inline JavaScript with every run. One plotly.js loader,
static/plotly.js, serves them all."""

from __future__ import annotations

from pathlib import Path

from specs import click, ok, open_app

from explorer.ui import canvas

STATIC = Path(canvas.__file__).with_name("static")


def test_the_board_and_the_charts_send_only_the_loader_as_inline_javascript():
    at = click(open_app(), "step")
    lessons = open_app()
    lessons.session_state["view"] = "phases"  # the phases view: persistent charts, no board
    ok(lessons.run())
    mounted = {e.proto.component_name: e.proto.js_content for t in (at, lessons) for e in t.get("bidi_component")}
    assert {"backprop_board", "backprop_canvas"} <= set(mounted)
    for name in ("backprop_board", "backprop_canvas"):
        assert mounted[name] == canvas.LOADER, name
        assert (STATIC / f"{name.removeprefix('backprop_')}.js").is_file()  # the module loader.js imports
    assert len(canvas.LOADER.encode()) < 1024
    # plotly.js is loaded in one place: the modules import static/plotly.js, none adds its own script tag
    for module in STATIC.glob("*.js"):
        assert "plotly.min.js" not in module.read_text() or module.name == "plotly.js", module.name

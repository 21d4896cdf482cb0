"""What every part of the page shares: labels in the chosen language and drawing a chart."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from explorer import i18n
from explorer.figures import plots
from explorer.ui import canvas, session

PRESENTATION_FONT = 18  # chart text on the projector


def label(key: str, **values: object) -> str:
    """A label in the session's language."""
    return i18n.text(key, st.session_state.get("lang", "en"), **values)


def noted(key: str, **values: object) -> str:
    """A label in the session's language and notation (its column wording where it has one)."""
    return i18n.noted(key, st.session_state.get("lang", "en"), session.notation(), **values)


def heading(text: str, level: int) -> None:
    """A heading (level 1: the page's title). Markdown, not st.title or st.header: Streamlit draws
    every element of the page again on each Step, and those two cost it a Step several times
    what a markdown heading does."""
    st.markdown(f"{'#' * level} {text}")


def options(prefix: str) -> Callable[[object], str]:
    """A widget's format_func: option `v` labelled by the string `{prefix}{v}` in the session's
    language, fixed now (tests format options outside the script, where there is no session)."""
    lang = st.session_state.get("lang", "en")
    return lambda option: i18n.text(f"{prefix}{option}", lang)


def say(message: object) -> str:
    """A Message (or an error raised with one, see `explorer.i18n`) in the session's language and
    notation (its column wording where it has one)."""
    return i18n.say(message, st.session_state.get("lang", "en"), session.notation())


def uploader_hint(kind: str, mb: int) -> None:
    """Streamlit words a file uploader's box in English only (its drop text, button and size
    limit): on a page in another language, a caption under it says the same in that language."""
    if st.session_state.get("lang", "en") != "en":
        st.caption(label("upload_hint", kind=kind, mb=mb))


def kept(key: str, default: object) -> dict:
    """Widget arguments that keep a view's setting while another view is shown: Streamlit
    forgets a widget's state when a run does not draw it, so a copy lives on beside it."""
    ss = st.session_state
    if key not in ss:
        ss[key] = ss.get(f"kept_{key}", default)
    return {"key": key, "on_change": lambda: ss.__setitem__(f"kept_{key}", ss[key])}


def chart(fig: plots.Figure, key: str) -> None:
    """Draw a figure in its persistent chart (explorer/ui/canvas.py); larger text in presentation mode.
    Before it, a lighter session waiting for the turn of Steps goes first (a large network's
    charts are its longest work)."""
    session.offer_turn()
    if session.page()["present"]:
        fig["layout"]["font"] = {**fig["layout"].get("font", {}), "size": PRESENTATION_FONT}
    canvas.chart(fig, key)

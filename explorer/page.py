"""What every part of the page shares: labels in the chosen language and drawing a chart."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from explorer import i18n, state

# Plotly's own look (exact colours, no theme) and no mode bar over the heatmaps.
CHART = {"config": {"displayModeBar": False}, "theme": None}
PRESENTATION_FONT = 18  # chart text on the projector


def label(key: str, **values: object) -> str:
    """A label in the session's language."""
    return i18n.text(key, st.session_state.get("lang", "en"), **values)


def chart(fig: go.Figure, key: str) -> None:
    """Draw a figure; larger text in presentation mode."""
    if state.page()["present"]:
        fig.update_layout(font_size=PRESENTATION_FONT)
    st.plotly_chart(fig, key=key, **CHART)

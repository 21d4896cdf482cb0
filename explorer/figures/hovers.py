"""Where the network diagram (explorer/figures/diagram.py) is hovered: each edge's label sits on an
invisible marker on the edge, and hovering a marker must name that edge and no other.

Plotly shows the label of the marker nearest the pointer, but it ranks alike every marker within 3 px
of the pointer: two markers closer than 6 px can show either label. So the markers are placed in
pixels, at the size the diagram is drawn: each at least GAP px from every other, and never where
another edge crosses its own. A label shows only HOVER_DISTANCE px beyond those 3 (Plotly's
`hoverdistance`; by default 20): near its marker, on its own edge, never for a marker further off.
"""

from __future__ import annotations

import numpy as np

GAP = 6  # px between any two markers: twice Plotly's 3
HOVER_DISTANCE = 1  # px beyond those 3 at which a marker's label still shows
CLEAR = 0.01  # px at least from every other edge: a marker is never where two edges cross
# The diagram's plot area (diagram._layout): 754 px wide in a 1366 px wide window (wider in a wider one, which only
# spreads the markers further apart), its height less margins of 90 + 10 px, y from −1.12 to 1.12.
PLOT_WIDTH, MARGINS, Y_SPAN = 754, 100, 2.24
GROWTH = 4  # the diagram grows at most until it is about this many times as tall
MIDDLE, REACH = 0.45, 0.3  # markers lie 0.15 to 0.75 along an edge: clear of the neurons and the bias squares (0.83)


def fractions(l: np.ndarray, y0: np.ndarray, y1: np.ndarray, layers: int, height: int) -> np.ndarray:
    """How far along each edge (of layer l, from y0 at x = l − 1 to y1 at x = l) its marker goes, as a
    fraction of its length, in a diagram of `layers` layers `height` px tall; NaN where none fits.

    Markers go in columns GAP px apart, from MIDDLE outwards, every other column first (so that in a
    narrower window, where the columns close up, fewer markers have one beside them); going up a
    column, an edge without a marker takes one there when it is GAP px above the column's last
    marker and CLEAR px from every other edge of its layer."""
    px_x, px_y = PLOT_WIDTH / (layers - 0.4), (height - MARGINS) / Y_SPAN  # px per unit of x and y
    k = np.arange(-int(REACH * px_x / GAP), int(REACH * px_x / GAP) + 1)
    columns = MIDDLE + k[np.lexsort((np.abs(k), k % 2))] * GAP / px_x  # 0, ±2, ±4, …, then ±1, ±3, …
    at = np.full(len(l), np.nan)
    for layer in np.unique(l):
        edges = np.flatnonzero(l == layer)
        for t in columns:
            y = ((1 - t) * y0[edges] + t * y1[edges]) * px_y  # where the column crosses each edge
            order = np.argsort(y, kind="stable")
            gaps = np.diff(y[order], prepend=-np.inf, append=np.inf)
            last = -np.inf
            for e, y_e, room in zip(edges[order], y[order], np.minimum(gaps[:-1], gaps[1:])):
                if np.isnan(at[e]) and y_e - last >= GAP and room >= CLEAR:
                    at[e], last = t, y_e
            if not np.isnan(at[edges]).any():
                break
    return at


def placed(l: np.ndarray, y0: np.ndarray, y1: np.ndarray, layers: int, height: int) -> tuple[np.ndarray, int]:
    """Each edge's marker (`fractions`) and the diagram's height: `height`, or taller where too many
    edges run close together for every one to have a place, by a quarter at a time while under
    GROWTH times `height` (a marker still left over, never in the tests' most crowded layers, goes
    at MIDDLE)."""
    tallest = GROWTH * height
    while np.isnan(at := fractions(l, y0, y1, layers, height)).any() and height < tallest:
        height += height // 4
    return np.where(np.isnan(at), MIDDLE, at), height

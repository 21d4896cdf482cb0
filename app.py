"""Backprop Explorer: step a fully connected network one SGD update at a time and watch
every layer's W, δ and the loss. Run with `streamlit run app.py`."""

import os

# One BLAS thread is fastest for these small matrices and shares a host fairly; it must be
# set before NumPy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import streamlit as st

from explorer.ui import session, sidebar, workspace

st.set_page_config(page_title="Backprop Explorer", page_icon="🧮", layout="wide")
session.start()
config, uploaded = sidebar.sidebar()
notice = session.sync(config, uploaded)

workspace.header(notice)
workspace.workspace()

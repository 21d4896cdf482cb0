"""The process's memory, shared by every session: what trainers may hold together, what one
session may keep of uploaded files, and what a closed tab gives back.

Streamlit keeps a session whose tab has gone (closed, reloaded, or a network blip) for
`server.disconnectedSessionTTL` seconds in case it reconnects, and forgets it then without
shutting it down: its uploaded files stay in the upload manager for as long as the server
runs. The page therefore takes a session-scoped resource (`lease`), which Streamlit releases
the moment the tab's websocket closes: `RECONNECT_SECONDS` later, unless the tab is back, its
trainer is dropped from the session's state, its place in the trainers' budget given up, its
uploaded files removed and the session shut down, and the freed memory handed back to the
operating system (`trim`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import threading
from dataclasses import dataclass

import streamlit as st
from streamlit import runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from explorer.model import limits

RECONNECT_SECONDS = 5.0  # a tab gone this long has its trainer and files released
# What one session may keep of uploaded files: the uploaders' newest files within these; an
# older file goes when a newer one would pass them (both uploaders' largest files fit).
UPLOAD_FILES = 2
UPLOAD_BYTES = 10 * 2**20
# The session-state keys that hold a trainer or what was made from it.
HEAVY_KEYS = ("trainer", "before_load", "net", "loss_history", "csv_dataset", "gradcheck_result")
# A Step whose z, a and δ take more than LARGE_STEP_BYTES computes in turns, two at a time (the
# host's cores): a class pressing Step at once on the largest network would otherwise hold that
# many steps' new arrays at once (30 students: 1,121 MB at the peak, 903 MB in turns).
LARGE_STEP_BYTES = 4 * 2**20
LARGE_STEPS = threading.BoundedSemaphore(2)


def large_step(sizes: list[int], batch: int) -> bool:
    return 3 * 8 * limits.activations(sizes, batch) > LARGE_STEP_BYTES


class Budget:
    """The bytes each session's trainer may come to hold (`limits.trainer_bytes`), by session,
    within `limits.TRAINERS_BYTES` for the whole process. Thread-safe."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    def admit(self, session: str, nbytes: int) -> bool:
        """Give `session` room for a trainer of `nbytes` (in place of its current one) if it fits."""
        with self._lock:
            others = sum(held for key, held in self._held.items() if key != session)
            if others + nbytes > self.total:
                return False
            self._held[session] = nbytes
            return True

    def hold(self, session: str, nbytes: int) -> None:
        """Count a trainer that is made whether it fits or not (the smallest ones)."""
        with self._lock:
            self._held[session] = nbytes

    def release(self, session: str) -> None:
        with self._lock:
            self._held.pop(session, None)

    def held(self) -> tuple[int, int]:
        """(bytes held, sessions holding them)."""
        with self._lock:
            return sum(self._held.values()), len(self._held)


TRAINERS = Budget(limits.TRAINERS_BYTES)


# -- uploads -----------------------------------------------------------------------------------


class BoundedUploads(MemoryUploadedFileManager):
    """Streamlit's in-memory upload store, keeping per session only its newest files within
    UPLOAD_FILES and UPLOAD_BYTES: a flood of PUTs replaces the session's files instead of
    piling up (Streamlit checks each file's size, not how many a session sends)."""

    def add_file(self, session_id: str, file: UploadedFileRec) -> None:
        with self._lock:
            kept = self.file_storage.get(session_id, {})
            others = [key for key in kept if key != file.file_id]  # in the order they came
            size = sum(len(kept[key].data) for key in others) + len(file.data)
            while others and (len(others) >= UPLOAD_FILES or size > UPLOAD_BYTES):
                dropped = kept.pop(others.pop(0))
                size -= len(dropped.data)
                self._total_bytes -= len(dropped.data)
                self._file_count -= 1
        super().add_file(session_id, file)


@dataclass
class Lease:
    """A session's hold on the process's memory, released by Streamlit when its tab goes."""

    session: str
    state: object  # the session's SafeSessionState: usable from any thread


def _released(lease: Lease) -> None:
    """Streamlit released the lease (the tab's websocket closed): reap it if it stays gone."""
    try:
        loop = asyncio.get_running_loop()  # Streamlit's event loop, where sessions are closed
    except RuntimeError:
        loop = None
    _later(lease, loop)


def _later(lease: Lease, loop: asyncio.AbstractEventLoop | None) -> None:
    if loop is None:
        timer = threading.Timer(RECONNECT_SECONDS, _reap, (lease, None))
        timer.daemon = True
        timer.start()
    else:
        loop.call_later(RECONNECT_SECONDS, _reap, lease, loop)


def _reap(lease: Lease, loop: asyncio.AbstractEventLoop | None) -> None:
    """Free what a session gone for RECONNECT_SECONDS holds, unless its tab came back."""
    server = runtime.get_instance() if runtime.exists() else None
    if server is not None and server.is_active_session(lease.session):
        return
    with contextlib.suppress(KeyError):
        owner = lease.state["holder"].owner  # explorer/ui/session.py: the run that has the trainer
        if owner is not None and owner.is_alive():  # still stopping: Streamlit asked it to
            _later(lease, loop)
            return
    for key in ("trainer", "before_load"):  # Streamlit's widget callbacks point at the trainer too
        with contextlib.suppress(KeyError):
            lease.state[key].release()
    for key in HEAVY_KEYS:
        with contextlib.suppress(KeyError):
            del lease.state[key]
    TRAINERS.release(lease.session)
    if server is not None:
        server.uploaded_file_mgr.remove_session_files(lease.session)
        if loop is not None:  # only on the event loop: Streamlit's rule for closing a session
            server.close_session(lease.session)
    trim()


@st.cache_resource(scope="session", on_release=_released, show_spinner=False)
def lease() -> Lease:
    """This session's lease, taken by every run (cached for the session: its first run makes it)."""
    ctx = get_script_run_ctx()
    return Lease(ctx.session_id, ctx.session_state)


def session_id() -> str:
    return lease().session


# -- handing memory back ---------------------------------------------------------------------------

_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None)
_GLIBC = hasattr(_LIBC, "malloc_trim") and hasattr(_LIBC, "mallopt")
M_MMAP_THRESHOLD = -3  # mallopt's parameter numbers (glibc malloc.h)
MMAP_BYTES = 256 * 2**10


def settle_malloc() -> None:
    """Arrays of MMAP_BYTES or more get pages of their own from the kernel, given back when
    freed. By default glibc raises that threshold to the largest array freed so far (up to
    32 MB), after which a session's step arrays come from the heap, whose freed holes it keeps."""
    if _GLIBC:
        _LIBC.mallopt(M_MMAP_THRESHOLD, MMAP_BYTES)


def trim() -> None:
    """Hand the heap's free pages back to the operating system (glibc's malloc_trim)."""
    if _GLIBC:
        _LIBC.malloc_trim(0)


def bound_uploads() -> None:
    """Put the per-session bound on the server's upload store (once, at the first page).
    Streamlit has no hook for it: its upload route holds the store it made at start, so the
    store becomes a BoundedUploads in place (the same object, the same data)."""
    if runtime.exists():
        store = runtime.get_instance().uploaded_file_mgr
        if type(store) is MemoryUploadedFileManager:
            store.__class__ = BoundedUploads

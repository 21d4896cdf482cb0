"""The server sends a run's messages at once: Nagle's algorithm is off (TCP_NODELAY) on the socket
it listens on, as Streamlit binds it (no protocol named, which asyncio leaves alone), on the
connections it accepts afterwards, and on those already open."""

from __future__ import annotations

import socket

from explorer.ui import server


def nodelay(s: socket.socket) -> bool:
    return bool(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def test_the_listening_socket_and_every_connection_send_at_once():
    listener = socket.socket(family=socket.AF_INET)  # as Streamlit's server binds its own
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    before = socket.create_connection(listener.getsockname())
    early, _ = listener.accept()
    try:
        assert not nodelay(listener) and not nodelay(early)  # what asyncio would leave them
        assert server.send_at_once() >= 2
        assert nodelay(listener) and nodelay(early)
        later = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()  # accepted afterwards: it inherits the listener's setting
        assert nodelay(accepted)
        accepted.close()
        later.close()
    finally:
        for s in (before, early, listener):
            s.close()

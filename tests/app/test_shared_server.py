"""The page of a session that used more than its share of the server says so, in one line."""

from __future__ import annotations

from specs import ok, open_app

from explorer.model import limits

SHARED = "The server is shared by the whole class, and this network is large"


def notices(at) -> list[str]:
    return [c.value for c in at.caption if "server" in c.value or "服务器" in c.value]


def test_a_light_session_is_told_nothing():
    at = open_app(dataset="xor")
    for _ in range(3):
        ok(at.button(key="step").click().run())
    assert notices(at) == []


def test_a_session_over_its_share_is_told_the_server_is_shared(monkeypatch):
    monkeypatch.setattr(limits, "SHARE_SECONDS", 1e-6)  # any Step is more than this share
    at = open_app(dataset="xor", lang="zh")
    ok(at.button(key="step").click().run())
    assert notices(at) == ["服务器由全班共用，而这个网络很大：它的每一步要等较小网络的步骤先完成。"]
    at.session_state["lang"] = "en"
    ok(at.button(key="step").click().run())
    assert len(notices(at)) == 1 and notices(at)[0].startswith(SHARED)

"""The process's budget of trainers (explorer/ui/memory.py): past it, a session is told why it
gets a smaller network, and what it can do."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.model import limits
from explorer.ui import memory

APP = str(Path(__file__).parents[2] / "app.py")
HEAVY = {"dataset": "digits", "hidden": "256,256,256,256,256,256", "split": "0", "batch": "310"}
LARGEST = limits.trainer_bytes(limits.LARGEST, 310)


@pytest.fixture
def full(monkeypatch):
    """A budget with room for two of the largest trainers, one of them held by another session."""
    budget = memory.Budget(2 * LARGEST)
    budget.admit("another student", LARGEST)
    monkeypatch.setattr(memory, "TRAINERS", budget)
    return budget


def open_heavy(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in {**HEAVY, **params}.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_large_network_fits_while_the_budget_has_room(full):
    at = open_heavy()
    assert at.session_state["trainer"].net.sizes == list(limits.LARGEST)
    assert full.held() == (2 * LARGEST, 2)


def test_past_the_budget_a_session_gets_a_small_network_and_is_told_why(full):
    full.admit("a third student", LARGEST)
    at = open_heavy()
    t = at.session_state["trainer"]
    assert t.net.sizes == [64, 8, 8, 10] and t.config.batch == 16  # the default network, on the same data
    assert at.session_state["cfg_n_hidden"] == 2  # the sidebar says so too
    told = [i.value for i in at.info if "room for" in i.value]
    assert len(told) == 1
    assert f"{2 * LARGEST / 2**20:,.0f} MB" in told[0] and "hidden layers 8,8 with batch 16" in told[0]
    at.button(key="step").click().run()  # and it steps
    assert at.session_state["trainer"].steps == 1 and not at.exception


def test_a_session_that_asks_for_more_keeps_the_network_it_has(full):
    at = open_heavy(batch="200")
    smaller = limits.trainer_bytes(limits.LARGEST, 200)
    assert full.admit("a third student", 2 * LARGEST - LARGEST - smaller)  # the budget is full now
    at.number_input(key="cfg_batch").set_value(310).run()  # more than this session's place
    assert not at.exception
    assert at.session_state["trainer"].config.batch == 200 and at.session_state["cfg_batch"] == 200
    assert at.session_state["trainer"].net.sizes == list(limits.LARGEST)
    assert any("hidden layers 256,256,256,256,256,256 with batch 200" in i.value for i in at.info)


def test_the_budget_notice_in_chinese(full):
    full.admit("a third student", LARGEST)
    at = open_heavy(lang="zh")
    assert any("隐藏层 8,8" in i.value for i in at.info)


def test_the_run_kept_before_a_weights_load_counts_and_goes_past_the_budget(full):
    from explorer.model.training import Config, Trainer
    from explorer.teaching import export

    at = open_heavy(batch="200")
    at.segmented_control(key="view").set_value("export").run()
    saved = Trainer.from_config(Config(dataset="digits", hidden=(256,) * 6, batch=200, test_fraction=0.0, seed=5))
    raw = export.weights_npz(saved.net, 0)
    at.file_uploader(key="upload_weights").set_value(("w.npz", raw, "application/octet-stream")).run()
    assert not at.exception and "before_load" not in at.session_state  # two would not fit beside another's
    assert full.held() == (LARGEST + limits.trainer_bytes(limits.LARGEST, 200), 2)
    assert [w.tolist() for w in at.session_state["trainer"].net.W] == [w.tolist() for w in saved.net.W]

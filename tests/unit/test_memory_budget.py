"""The process's memory: one trainer's bound, the budget of all of them, the upload store's
bound per session, and what a released trainer still holds."""

from __future__ import annotations

import threading

import pytest
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from explorer.model import limits
from explorer.model.training import Config, Trainer
from explorer.ui import memory


@pytest.mark.parametrize("config", [
    Config(),
    Config(dataset="digits", hidden=(64, 32), batch=64, test_fraction=0.0),
    Config(dataset="digits", hidden=(256,) * 6, batch=310, test_fraction=0.0),
])
def test_a_trainer_holds_at_most_its_bound_and_comes_close_to_it(config):
    t = Trainer.from_config(config)
    bound = limits.trainer_bytes(t.net.sizes, config.batch)
    most = 0
    for _ in range(300 if config.hidden == (8, 8) else 4):
        t.step()
        most = max(most, t.history_bytes)  # every kept array, the network's W and b among them
    assert most <= bound
    assert most >= 0.5 * bound, (most, bound)  # a bound, not a wild overestimate


def test_the_budget_holds_thirty_of_the_largest_trainers_not_thirty_one():
    largest = limits.trainer_bytes(limits.LARGEST, limits.max_batch(limits.LARGEST))
    budget = memory.Budget(limits.TRAINERS_BYTES)
    assert all(budget.admit(f"s{i}", largest) for i in range(limits.LARGEST_TRAINERS))
    assert not budget.admit("one more", largest)
    assert budget.admit("s0", largest)  # a session's own trainer, made again, takes its own place
    budget.release("s0")
    assert budget.admit("one more", largest)
    assert budget.held() == (limits.LARGEST_TRAINERS * largest, limits.LARGEST_TRAINERS)


def test_the_budget_counts_concurrent_admissions_once_each():
    budget, admitted = memory.Budget(10), []
    threads = [threading.Thread(target=lambda i=i: admitted.append(budget.admit(f"s{i}", 1))) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert admitted.count(True) == 10 and budget.held() == (10, 10)


def upload(file_id: str, megabytes: float) -> UploadedFileRec:
    return UploadedFileRec(file_id, f"{file_id}.csv", "text/csv", b"x" * int(megabytes * 2**20))


def test_a_session_keeps_only_its_newest_uploads_within_its_bound():
    store = memory.BoundedUploads("/_stcore/upload_file")
    for k in range(100):
        store.add_file("flood", upload(f"f{k}", 5))
    store.add_file("other", upload("csv", 4.9))
    kept = store.file_storage["flood"]
    assert list(kept) == ["f98", "f99"]  # the two newest: both fit 10 MB
    assert store.get_files("other", ["csv"])[0].name == "csv.csv"  # another session's file stays
    assert store._total_bytes == sum(len(f.data) for s in store.file_storage.values() for f in s.values())
    assert store._file_count == 3


def test_an_upload_that_would_pass_the_bytes_drops_the_oldest_first():
    store = memory.BoundedUploads("/_stcore/upload_file")
    store.add_file("s", upload("weights", 4))
    store.add_file("s", upload("csv", 5))
    assert list(store.file_storage["s"]) == ["weights", "csv"]
    store.add_file("s", upload("csv2", 5))  # 4 + 5 + 5 > 10: the weights go
    assert list(store.file_storage["s"]) == ["csv", "csv2"]
    store.add_file("s", upload("csv2", 1))  # the same file again replaces itself
    assert list(store.file_storage["s"]) == ["csv", "csv2"] and store._file_count == 2


def test_a_released_trainer_holds_next_to_nothing():
    t = Trainer.from_config(Config(dataset="digits", hidden=(256,) * 2, batch=128, test_fraction=0.0))
    for _ in range(3):
        t.step()
    assert t.history_bytes > 2**20
    t.release()
    assert t.history_bytes == 0 and not t.history and t.net.W == [] and t.net.b == []

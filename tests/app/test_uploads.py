"""Hostile and careless files: every upload is checked before it costs memory, named inertly,
and never leaves a traceback or a lost state behind.

Weights files are checked from their zip directory and .npy headers before NumPy allocates
(tracemalloc measures the peak); CSVs are refused when a value would overflow; a load is
shown at once and cannot be undone into an error; an uploaded CSV is left out of the link.
"""

from __future__ import annotations

import io
import struct
import tomllib
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from specs import metrics, ok, open_app, structure, texts
from streamlit.testing.v1 import AppTest
from test_links import inert

from explorer.core import Network
from explorer.i18n import ECHO_LIMIT
from explorer.model import data
from explorer.teaching import export
from explorer.teaching.export import MAX_MEMBERS, WeightsError, load_weights_npz, weights_npz
from explorer.ui import links
from explorer.ui.links import DEFAULT

ROOT = Path(__file__).parents[2]
HOSTILE_NAME = "`[Click for the answers](https://example.com)` `"






def npy_header(shape: tuple[int, ...], dtype: str = "<f8") -> bytes:
    """A version 1.0 .npy header alone: what a file claims before any data."""
    header = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def members_of(net: Network) -> dict[str, bytes]:
    arrays = {f"W{k + 1}": W for k, W in enumerate(net.W)} | {f"b{k + 1}": b for k, b in enumerate(net.b)}
    return {f"{name}.npy": npy(array) for name, array in arrays.items()}


def refused(content: bytes, net: Network) -> str:
    """The refusal's message; the load must not have allocated more than 1 MB on the way."""
    tracemalloc.start()
    try:
        with pytest.raises(WeightsError) as caught:
            load_weights_npz(content, net)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20, f"{peak / 2**20:.1f} MB allocated before refusing"
    return str(caught.value)


NET = Network([2, 4, 3, 2], seed=1)


# -- weights files: everything is checked before NumPy allocates -------------------------------------


def test_a_header_claiming_a_huge_W1_is_refused_from_the_header():
    members = members_of(NET) | {"W1.npy": npy_header((10**7, 10**7)) + b"\0" * 64}
    content = zipped(members)
    assert len(content) < 4096
    message = refused(content, NET)
    assert "W1" in message and "(10000000, 10000000)" in message and "(2, 4)" in message


@pytest.mark.parametrize("dtype", ["|O", "<c16", "|V16", "<U3"])
def test_a_header_with_objects_or_non_numbers_is_refused_unread(dtype):
    members = members_of(NET) | {"W2.npy": npy_header((4, 3), dtype) + b"\0" * 200}
    message = refused(zipped(members), NET)
    assert ("pickled" in message) if dtype == "|O" else ("W2" in message and "not numbers" in message)


def test_an_extra_member_claiming_a_huge_array_is_never_read():
    members = members_of(NET) | {"junk.npy": npy_header((10**6, 10**6)) + b"\0" * 64}
    tracemalloc.start()
    W, b, _ = load_weights_npz(zipped(members), NET)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2**20
    assert all(np.array_equal(x, y) for x, y in zip(W + b, NET.W + NET.b))


def test_a_truncated_member_is_named():
    members = members_of(NET)
    members["W2.npy"] = members["W2.npy"][:-8]
    assert "`W2.npy`" in refused(zipped(members), NET)


def test_too_many_members_are_refused_from_the_directory():
    members = members_of(NET) | {f"x{k}.npy": b"" for k in range(MAX_MEMBERS)}
    message = refused(zipped(members), NET)
    assert f"{MAX_MEMBERS + len(members_of(NET))} files" in message and str(MAX_MEMBERS) in message


def test_a_damaged_zip_directory_is_named_without_python_text():
    message = refused(b"PK\x03\x04" + b"\0" * 200, NET)
    assert "zip directory is damaged" in message
    assert "Error" not in message and "zipfile" not in message


def test_a_member_name_is_echoed_as_inert_code():
    name = HOSTILE_NAME * 3 + ".txt"
    message = refused(zipped(members_of(NET) | {name: b"hello"}), NET)
    assert inert(message) and "example.com)` `" not in message
    assert len(message) < 200


def test_the_largest_network_the_app_builds_fits_the_upload_cap():
    sizes = [data.MAX_FEATURES, *[links.MAX_HIDDEN_SIZE] * links.MAX_HIDDEN_LAYERS, data.MAX_CLASSES]
    largest = Network(sizes, seed=0)
    content = weights_npz(largest, 10_000)
    assert len(content) < export.MAX_WEIGHTS_BYTES
    W, _, _ = load_weights_npz(content, largest)
    assert all(np.array_equal(x, y) for x, y in zip(W, largest.W))


def test_the_server_caps_uploads_and_shows_no_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == max(data.MAX_CSV_MB, export.MAX_WEIGHTS_MB)
    assert config["client"]["showErrorDetails"] == "none"


def test_each_uploader_has_its_own_cap():
    at = open_app()
    ok(at.segmented_control(key="view").set_value("export").run())
    assert at.file_uploader(key="upload_weights").proto.max_upload_size_mb == export.MAX_WEIGHTS_MB
    ok(at.selectbox(key="cfg_dataset").set_value("csv").run())
    assert at.file_uploader(key="csv_file").proto.max_upload_size_mb == data.MAX_CSV_MB


# -- weights in the app: no traceback, nothing lost, the page shows the loaded state at once ---------


def upload_weights(at: AppTest, name: str, content: bytes) -> AppTest:
    return ok(at.file_uploader(key="upload_weights").set_value((name, content, "application/octet-stream")).run())


def test_a_header_bomb_in_the_app_is_refused_and_the_network_kept():
    at = open_app()
    ok(at.button(key="step").click().run())
    ok(at.segmented_control(key="view").set_value("export").run())
    before = [w.copy() for w in at.session_state["net"].W]
    bomb = zipped(members_of(at.session_state["net"]) | {"W1.npy": npy_header((10**7, 10**7))})
    upload_weights(at, HOSTILE_NAME + ".npz", bomb)
    (error,) = texts(at.error)
    assert "W1" in error and "10000000" in error and inert(error), error
    assert all(np.array_equal(x, y) for x, y in zip(at.session_state["net"].W, before))
    assert at.session_state["trainer"].steps == 1
    ok(at.button(key="step").click().run())  # and it trains on
    assert at.session_state["trainer"].steps == 2


def test_after_a_load_the_header_and_undo_show_the_loaded_weights_at_once():
    at = open_app()
    for _ in range(3):
        ok(at.button(key="step").click().run())
    assert metrics(at)["Step"] == "3" and not at.button(key="undo").disabled
    ok(at.segmented_control(key="view").set_value("export").run())
    saved = Network([2, 8, 8, 2], seed=42)
    upload_weights(at, HOSTILE_NAME + ".npz", weights_npz(saved, 7))
    (success,) = texts(at.success)
    assert inert(success) and len(success) < 170 + ECHO_LIMIT
    t = at.session_state["trainer"]
    assert t.steps == 7 and all(np.array_equal(x, y) for x, y in zip(t.net.W, saved.W))
    # The same run that loaded them shows them: the step the file holds, their loss, and Undo
    # on: it goes back to the run before the load.
    assert metrics(at)["Step"] == "7" and "Batch loss" not in metrics(at)
    assert metrics(at)["Train loss"] == f"{t.evaluate('train')[0]:.4g}"
    assert not at.button(key="undo").disabled
    ok(at.button(key="step").click().run())
    ok(at.button(key="undo").click().run())  # back to the loaded weights
    assert t.steps == 7 and all(np.array_equal(x, y) for x, y in zip(t.net.W, saved.W))
    ok(at.button(key="undo").click().run())  # and to the run before the load, at its step 3
    before = at.session_state["trainer"]
    assert before is not t and before.steps == 3 and metrics(at)["Step"] == "3"
    assert at.session_state["net"] is before.net


def test_undo_with_nothing_to_undo_does_nothing():
    # A click drawn before the history changed (another run reset it) reaches the callback.
    at = open_app()
    ok(at.button(key="step").click().run())
    t = at.session_state["trainer"]
    t.reset()  # as a load or a Reset in the meantime would
    ok(at.button(key="undo").click().run())
    assert t.steps == 0 and len(t.history) == 1


# -- CSV files ---------------------------------------------------------------------------------------


def csv(rows: list[str], header: str = "a,b,label") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def toy_rows(n: int = 30) -> list[str]:
    return [f"{k % 7 / 7:.3f},{k % 5 / 5:.3f},{k % 2}" for k in range(n)]


@pytest.mark.parametrize("huge", ["1.7e308", "-1.7e308", "1e200", "-1e151"])
def test_a_value_that_would_overflow_names_its_column(huge):
    rows = toy_rows()
    rows[4] = f"0.5,{huge},1"
    with pytest.raises(data.DataError) as caught:
        data.from_csv(csv(rows), "label")
    message = str(caught.value)
    assert "`b`" in message and "row 5" in message and "1e+150" in message


def test_values_up_to_the_bound_standardise_to_finite_numbers():
    rows = toy_rows()
    rows[4] = f"0.5,{data.MAX_MAGNITUDE},1"
    rows[5] = f"0.5,{-data.MAX_MAGNITUDE},0"
    ds = data.from_csv(csv(rows * 300), "label")  # 9,000 rows: the sums stay finite too
    assert np.isfinite(ds.X_train).all() and np.isfinite(ds.X_test).all()


def test_a_header_of_a_million_columns_is_refused_before_parsing():
    with pytest.raises(data.DataError, match="feature columns"):
        data.from_csv(b"," * (data.MAX_CSV_BYTES - 10) + b"\n", "x")


def test_hostile_column_names_and_values_are_echoed_as_inert_code():
    rows = [f"{k},[y](https://example.com),1" if k == 3 else f"{k},2,{k % 2}" for k in range(20)]
    with pytest.raises(data.DataError) as caught:
        data.from_csv(csv(rows, header=f"a,{HOSTILE_NAME},label"), "label")
    assert inert(str(caught.value)) and "example.com)` `" not in str(caught.value)


def upload_csv(at: AppTest, name: str, content: bytes) -> AppTest:
    return ok(at.file_uploader(key="csv_file").set_value((name, content, "text/csv")).run())


def test_an_overflowing_csv_in_the_app_is_refused_and_stepping_goes_on():
    at = open_app()
    ok(at.selectbox(key="cfg_dataset").set_value("csv").run())
    rows = toy_rows()
    rows[2] = "1.7e308,0.5,1"
    upload_csv(at, "big.csv", csv(rows))
    assert any("`a`" in e and "overflow" in e for e in texts(at.error)), texts(at.error)
    assert at.session_state["net"].sizes == [2, 8, 8, 2]  # still the data it had
    for _ in range(3):
        ok(at.button(key="step").click().run())
    assert np.isfinite(at.session_state["loss_history"]).all() and len(at.session_state["loss_history"]) == 3


def test_a_csv_with_one_class_under_cross_entropy_is_refused_with_a_message():
    at = open_app()
    assert at.session_state["config"].loss == "cross_entropy"
    ok(at.selectbox(key="cfg_dataset").set_value("csv").run())
    rows = [f"{k / 30:.3f},{k % 4},7" for k in range(30)]
    upload_csv(at, "one.csv", csv(rows))
    assert any("1 distinct value" in e for e in texts(at.error)), texts(at.error)
    assert at.session_state["net"].sizes == [2, 8, 8, 2] and at.session_state["net"].loss == "cross_entropy"
    ok(at.button(key="step").click().run())
    assert len(at.session_state["loss_history"]) == 1


def test_a_single_output_under_cross_entropy_is_refused_by_the_core():
    with pytest.raises(ValueError, match=r"cross_entropy.*2 outputs.*\[3, 4, 1\]"):
        Network([3, 4, 1], loss="cross_entropy")
    Network([3, 4, 1], loss="mse")
    Network([3, 4, 2], loss="cross_entropy")


def test_class_names_from_a_file_are_plain_text_in_the_chart():
    at = open_app()
    ok(at.selectbox(key="cfg_dataset").set_value("csv").run())
    rows = [f"{k % 7 / 7:.3f},{k % 5 / 5:.3f},{'<a href=https://example.com>win</a>' if k % 2 else 'b'}"
            for k in range(30)]
    upload_csv(at, "names.csv", csv(rows))
    # The board gets them as data, in a list of their own, and writes them as text (board.js:
    # textContent), never as HTML; its own words are the only HTML it draws.
    words = structure(at)["words"]
    assert "<a href=https://example.com>win</a>" in words["classes"]
    assert not any("<a " in str(text) for key, text in words.items() if key != "classes")


def test_an_uploaded_csv_is_left_out_of_the_link_and_the_page_says_so():
    at = open_app()
    ok(at.selectbox(key="cfg_dataset").set_value("csv").run())
    upload_csv(at, "toy.csv", csv(toy_rows()))
    assert at.session_state["config"].dataset == links.CSV
    link = {key: at.query_params[key] for key in at.query_params}
    assert "dataset" not in link and link["hidden"] == "8,8"
    assert any("cannot carry an uploaded file" in c for c in texts(at.caption))
    assert "dataset" not in links.to_query(at.session_state["config"])
    ok(at.segmented_control(key="lang").set_value("zh").run())
    assert any("链接无法携带上传的文件" in c for c in texts(at.caption))
    ok(at.segmented_control(key="view").set_value("history").run())
    shared = [str(c.value) for c in at.code]
    assert shared and all("dataset=" not in c for c in shared)
    assert links.parse_query(link)[0].dataset == DEFAULT.dataset  # the link opens the default data

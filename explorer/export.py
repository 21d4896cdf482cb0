"""What a user takes away and brings back: weights as .npz, the loss history as CSV.

A weights file is read with `allow_pickle=False` (a .npz may otherwise run code on
load) and accepted only when every array has exactly the shape the network expects.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd

from explorer.core import Network
from explorer.i18n import Message

MAX_WEIGHTS_BYTES = 20 * 1024 * 1024


class WeightsError(ValueError):
    """A weights file that cannot be used; the message (an `explorer.i18n.Message`) says why."""


def weights_npz(net: Network, step: int) -> bytes:
    """W1 … W{n-1}, b1 … b{n-1} (the seed's 1-based names) and the configuration."""
    buffer = io.BytesIO()
    arrays = {f"W{k + 1}": W for k, W in enumerate(net.W)} | {f"b{k + 1}": b for k, b in enumerate(net.b)}
    np.savez(buffer, **arrays, sizes=np.array(net.sizes), activation=np.array(net.activation),
             loss=np.array(net.loss), seed=np.array(net.seed), step=np.array(step))
    return buffer.getvalue()


def load_weights_npz(content: bytes, net: Network) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """W and b from a weights file, checked against `net`'s shapes; WeightsError otherwise."""
    if len(content) > MAX_WEIGHTS_BYTES:
        raise WeightsError(Message("wf_too_big", mb=MAX_WEIGHTS_BYTES // 2**20))
    if not content.startswith(b"PK"):  # a .npz is a zip; anything else np.load would try to unpickle
        raise WeightsError(Message("wf_not_npz"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_WEIGHTS_BYTES:  # a small compressed file can unpack to gigabytes
            raise WeightsError(Message("wf_unpacks", size=unpacked / 2**20, limit=MAX_WEIGHTS_BYTES // 2**20))
        with np.load(io.BytesIO(content), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise WeightsError(Message("wf_pickle")) from None
        raise WeightsError(Message("wf_unreadable", detail=str(error))) from None
    except (OSError, zipfile.BadZipFile, EOFError, KeyError) as error:
        raise WeightsError(Message("wf_unreadable", detail=type(error).__name__)) from None
    not_arrays = sorted(name for name, value in arrays.items() if not isinstance(value, np.ndarray))
    if not_arrays:
        raise WeightsError(Message("wf_not_arrays", names=not_arrays))
    W, b = [], []
    for k, (W_now, b_now) in enumerate(zip(net.W, net.b), start=1):
        for name, expected, out in ((f"W{k}", W_now, W), (f"b{k}", b_now, b)):
            if name not in arrays:
                raise WeightsError(Message("wf_missing", name=name, n=len(net.W)))
            array = arrays[name]
            if array.shape != expected.shape:
                raise WeightsError(Message("wf_shape", name=name, shape=array.shape, expected=expected.shape))
            if not np.issubdtype(array.dtype, np.floating) and not np.issubdtype(array.dtype, np.integer):
                raise WeightsError(Message("wf_dtype", name=name, dtype=array.dtype))
            if not np.isfinite(array).all():
                raise WeightsError(Message("wf_nonfinite", name=name))
            out.append(array.astype(np.float64))
    extra = sorted(name for name in arrays if name[0] in "Wb" and name[1:].isdigit() and int(name[1:]) > len(net.W))
    if extra:
        raise WeightsError(Message("wf_extra", names=extra, sizes=str(net.sizes)))
    return W, b


def loss_csv(train: list[float], test: list[float], steps: list[int] | None = None) -> bytes:
    """One row per step kept (every step 1, 2, … unless `steps` says which): the batch loss
    and, where there is a test set, the test loss."""
    steps = np.arange(1, len(train) + 1) if steps is None else steps
    table = pd.DataFrame({"step": steps, "train_batch_loss": train})
    if test:
        table["test_loss"] = test
    return table.to_csv(index=False).encode()

"""What a user takes away and brings back: weights as .npz, the loss history as CSV, and the
worked step as a Markdown handout.

A weights file is read with `allow_pickle=False` (a .npz may otherwise run code on
load) and accepted only when every array has exactly the shape the network expects, and
values that could train (finite, and within the size at which training stops a run).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

import numpy as np
import pandas as pd

from explorer import i18n
from explorer.core import Network
from explorer.i18n import Message, code
from explorer.model.training import BLOW_UP_WEIGHT, Snapshot
from explorer.notation import ROW, Notation
from explorer.teaching.teach import WRITE_OUT, activation_name, framing, matrix, number, phases, update

# The largest network the app builds (100 inputs, six hidden layers of 256, 20 outputs) saves
# to about 2.9 MB; the uploader and the server refuse anything larger than this before it is stored.
MAX_WEIGHTS_MB = 4
MAX_WEIGHTS_BYTES = MAX_WEIGHTS_MB * 1024 * 1024
MAX_STEP = 10**9  # a step a file may say it was saved at
MAX_MEMBERS = 64  # this app writes 2 per layer and 5 more; at most 12 layers
_LAYER = re.compile(r"([Wb])([0-9]+)")


class WeightsError(ValueError):
    """A weights file that cannot be used; the message (an `explorer.i18n.Message`) says why."""


def weights_npz(net: Network, step: int) -> bytes:
    """W1 … W{n-1}, b1 … b{n-1} (the derivation's 1-based names) and the configuration."""
    buffer = io.BytesIO()
    arrays = {f"W{k + 1}": W for k, W in enumerate(net.W)} | {f"b{k + 1}": b for k, b in enumerate(net.b)}
    np.savez(buffer, **arrays, sizes=np.array(net.sizes), activation=np.array(net.activation),
             loss=np.array(net.loss), seed=np.array(net.seed), step=np.array(step))
    return buffer.getvalue()


# What a damaged zip or .npy raises; NumPy's and zipfile's own words are not for the page.
_UNREADABLE = (ValueError, OSError, EOFError, KeyError, RuntimeError, NotImplementedError, zipfile.BadZipFile)


def _header(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and dtype an .npy member declares, read from its header alone (nothing allocated)."""
    try:
        with archive.open(member) as f:
            version = np.lib.format.read_magic(f)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, _, dtype = read(f)
    except _UNREADABLE:
        raise WeightsError(Message("wf_unreadable", detail=code(member.filename))) from None
    return shape, dtype


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> np.ndarray:
    """An array whose header has been checked (its size is the network's)."""
    try:
        with archive.open(member) as f:
            return np.lib.format.read_array(f, allow_pickle=False)
    except _UNREADABLE:
        raise WeightsError(Message("wf_unreadable", detail=code(member.filename))) from None


def load_weights_npz(content: bytes, net: Network) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    """W, b and the step they were saved at (0 if the file does not say) from a weights file,
    checked against `net`'s shapes; WeightsError otherwise.

    Every check comes before NumPy allocates anything: the file's size, the number of members
    and their unpacked size from the zip directory, then each member's .npy header (its dtype
    and shape); only arrays of exactly the network's shapes are read.
    """
    if len(content) > MAX_WEIGHTS_BYTES:
        raise WeightsError(Message("wf_too_big", mb=MAX_WEIGHTS_MB))
    if not content.startswith(b"PK"):  # a .npz is a zip; anything else np.load would try to unpickle
        raise WeightsError(Message("wf_not_npz"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise WeightsError(Message("wf_members", n=len(members), high=MAX_MEMBERS))
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_WEIGHTS_BYTES:  # a small compressed file can unpack to gigabytes
                raise WeightsError(Message("wf_unpacks", size=unpacked / 2**20, limit=MAX_WEIGHTS_MB))
            not_arrays = [code(m.filename) for m in members if not m.filename.endswith(".npy")]
            if not_arrays:
                raise WeightsError(Message("wf_not_arrays", names=not_arrays[:5]))
            headers = {}
            for member in members:
                shape, dtype = _header(archive, member)
                if dtype.hasobject:
                    raise WeightsError(Message("wf_pickle"))
                headers[member.filename.removesuffix(".npy")] = (member, shape, dtype)
            W, b = _layers(archive, headers, net)
            step = _step(archive, headers)
    except WeightsError:
        raise
    except _UNREADABLE:  # the zip directory itself
        raise WeightsError(Message("wf_unreadable", detail=Message("wf_no_zip"))) from None
    return W, b, step


def _step(archive: zipfile.ZipFile, headers: dict) -> int:
    """The step a file was saved at: one whole number from 0 to MAX_STEP, or 0 where it has none."""
    if "step" not in headers:
        return 0
    member, shape, dtype = headers["step"]
    if shape != () or dtype.kind not in "iu":
        raise WeightsError(Message("wf_step", high=f"{MAX_STEP:,}"))
    step = int(_read(archive, member))
    if not 0 <= step <= MAX_STEP:
        raise WeightsError(Message("wf_step", high=f"{MAX_STEP:,}"))
    return step


def _layers(archive: zipfile.ZipFile, headers: dict, net: Network) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """W1, b1, … read from the archive once their headers match the network's W and b."""
    layers = [int(found[2]) for name in headers if (found := _LAYER.fullmatch(name))]
    extra = sorted({f"W{k}" for k in layers if k > len(net.W)})
    if extra:
        raise WeightsError(Message("wf_extra", names=extra, sizes=str(net.sizes)))
    W, b = [], []
    for k, (W_now, b_now) in enumerate(zip(net.W, net.b), start=1):
        for name, expected, out in ((f"W{k}", W_now, W), (f"b{k}", b_now, b)):
            if name not in headers:
                raise WeightsError(Message("wf_missing", name=name, n=len(net.W)))
            member, shape, dtype = headers[name]
            if shape != expected.shape:
                raise WeightsError(Message("wf_shape", name=name, shape=shape, expected=expected.shape))
            if dtype.kind not in "fiu":
                raise WeightsError(Message("wf_dtype", name=name, dtype=code(dtype)))
            array = _read(archive, member)
            if not np.isfinite(array).all():
                raise WeightsError(Message("wf_nonfinite", name=name))
            largest = float(np.abs(array).max(initial=0))
            if largest > BLOW_UP_WEIGHT:  # the first Step would stop at once, and blame η
                raise WeightsError(Message("wf_too_large", name=name, size=f"{largest:.3g}",
                                           high=f"{BLOW_UP_WEIGHT:,.0f}"))
            out.append(array.astype(np.float64))
    return W, b


def loss_csv(train: list[float], test: list[float], steps: list[int] | None = None, about: Sequence[str] = (),
             start_test: float | None = None) -> bytes:
    """One row per step kept (every step 1, 2, … unless `steps` says which): the loss of the
    step's batch before its update and, where there is a test set, the test loss after it;
    a row for step 0 with the starting test loss where it is given. `about` (the
    configuration, the link, the accuracies) comes first as lines starting with "# "
    (`pandas.read_csv(..., comment="#")` skips them)."""
    steps = list(range(1, len(train) + 1) if steps is None else steps)
    table = pd.DataFrame({"step": steps, "train_batch_loss": train})
    if test:
        table["test_loss"] = test
    if start_test is not None:
        table = pd.concat([pd.DataFrame({"step": [0], "train_batch_loss": [np.nan], "test_loss": [start_test]}),
                           table], ignore_index=True)
    head = "".join("# " + " ".join(line.split()) + "\n" for line in about)  # one line each, whatever it holds
    return (head + table.to_csv(index=False)).encode()


def cut(net: Network, batch: int) -> bool:
    """Whether a handout writes some matrix of a step as its first WRITE_OUT rows and columns."""
    return max(net.sizes) > WRITE_OUT or batch > WRITE_OUT


def handout(net: Network, s: Snapshot, dataset: str, lang: str = "en", inputs: Sequence[str] = (),
            nt: Notation = ROW) -> str:
    """Markdown with LaTeX: every intermediate number of the step in snapshot `s` (of a
    larger matrix its first WRITE_OUT rows and columns, and a note that says so), each
    formula with its note and where it comes from, the data set (`dataset`, a name of
    `explorer.model.data.DATASETS` or "csv") and the seed, what each input column is
    (`inputs`) and the step's penalty, in `lang` and the notation `nt`."""
    g, n = s.g, len(net.sizes)
    lines = [f"# {i18n.text('d_handout_title', lang)}", "",
             i18n.text("d_handout_network", lang, sizes=net.sizes, f=activation_name(net.activation, lang),
                       loss=i18n.text(f"d_loss_{net.loss}", lang), lr=number(s.lr), B=len(g.z[0]), step=s.step), "",
             i18n.text("d_handout_data", lang, seed=net.seed,
                       dataset=i18n.text("d_handout_csv" if dataset == "csv" else f"ds_{dataset}", lang)), ""]
    if inputs:
        lines += [i18n.noted("d_handout_inputs", lang, nt, names=", ".join(i18n.code(name) for name in inputs)), ""]
    if s.penalty.active:
        lines += [i18n.text("d_handout_penalty", lang, kind=i18n.text(f"reg_{s.penalty.kind}", lang),
                            lam=number(s.penalty.lam)), ""]
    if cut(net, len(g.z[0])):
        lines += [i18n.text("d_handout_cut", lang, k=WRITE_OUT), ""]
    lines += [framing(lang, nt), ""]

    def block(label: str, latex: str, *texts: str) -> None:
        lines.extend([f"**{label}**", "", f"$$\n{latex}\n$$", ""])
        lines.extend(f"{text}\n" for text in texts if text)

    t = nt.transposed()
    block(i18n.text("d_handout_input", lang), rf"X = a^1 = {matrix(g.z[0], transposed=t)},\quad"
                                              rf" y^* = {matrix(s.batch.Y, transposed=t)}")
    for phase in phases(net.with_parameters(s.W_before, s.b_before), g, s.batch.Y, s.lr, lang, nt=nt)[:-1]:
        e = phase.equation
        label = phase.title if e.number in phase.title else f"{phase.title} {e.number}"
        block(label.strip(), rf"{e.symbolic} \\ {e.numeric}", e.origin, e.note)
    for l in range(1, n):
        for e in update(s, l, lang, nt):
            block(i18n.text("d_handout_update", lang, number=e.number, l=l), rf"{e.symbolic} \\ {e.numeric}", e.origin)
    return "\n".join(lines)

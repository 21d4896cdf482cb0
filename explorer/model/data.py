"""Data sets for the explorer: small synthetic ones, two shipped real ones, uploaded CSVs.

Every loader returns a `Dataset` whose features are standardised with the training
split's mean and standard deviation, so one learning rate works across data sets.
Everything random comes from ``np.random.default_rng(seed)``: a whole class that picks the
same seed sees the same points.
"""

from __future__ import annotations

import functools
import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from explorer.i18n import Message, code
from explorer.model import generated

__all__ = [
    "DATASETS",
    "SYNTHETIC",
    "DataError",
    "Dataset",
    "csv_columns",
    "from_csv",
    "load",
]

CsvSource = str | os.PathLike | bytes | IO

# name -> label (in English; a Message, so the page can say it in its language)
DATASETS: dict[str, str] = {
    name: Message(f"ds_{name}")
    for name in ("xor", "circles", "gaussians", "spiral", "spiral3", "sine", "plane", "iris", "digits")
}
SYNTHETIC: frozenset[str] = frozenset({"xor", "circles", "gaussians", "spiral", "spiral3", "sine", "plane"})

_DATA_DIR = Path(__file__).with_name("datasets")
_LOSSES = ("mse", "cross_entropy")
_SPLITS = ("train", "test")
_TASKS = ("auto", "classification", "regression")

# Limits that keep an uploaded CSV small enough for a shared host and a live demo.
MAX_CSV_MB = 5
MAX_CSV_BYTES = MAX_CSV_MB * 1024 * 1024
MIN_ROWS, MAX_ROWS = 10, 10_000
MAX_FEATURES = 100
MAX_CLASSES = 20
# Values beyond this size would overflow float64 on the way: squared in the standard deviation
# and in the loss (1e150² = 1e300), summed over up to MAX_ROWS rows (1e304 < 1.8e308).
MAX_MAGNITUDE = 1e150
MIN_SAMPLES, MAX_SAMPLES = 10, 5000
MAX_TEST_FRACTION = 0.5  # the largest test fraction a link, the sidebar and `load` accept
_ROWS_NOTE = Message("data_rows_note")
_TOO_BIG = Message("data_too_big", mb=MAX_CSV_MB)


class DataError(ValueError):
    """Data that cannot be used; the message (an `explorer.i18n.Message`) says what is wrong
    in a student's terms."""


@dataclass(frozen=True, eq=False)  # eq=False: comparing ndarray fields with == is ambiguous
class Dataset:
    name: str
    task: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]

    @property
    def n_inputs(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_outputs(self) -> int:
        if self.task == "classification":
            return len(self.target_names)
        return self.y_train.shape[1]

    def targets(self, loss: str, split: str = "train") -> np.ndarray:
        """The targets in the form `loss` wants: one-hot rows for classes, values otherwise."""
        if loss not in _LOSSES:
            raise ValueError(f"loss must be one of {_LOSSES}, got {loss!r}")
        if split not in _SPLITS:
            raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")
        y = self.y_train if split == "train" else self.y_test
        if self.task == "classification":
            # One-hot for both losses: MSE on one-hot rows is the derivation's classification setup.
            return np.eye(self.n_outputs, dtype=np.float64)[y]
        if loss == "cross_entropy":
            raise DataError(Message("data_regression_ce", name=code(self.name)))
        return y.copy()


# ---------------------------------------------------------------------------------------
# Shipped real data (explorer/datasets/, from scikit-learn; see its README.md).


@functools.cache
def _real(name: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Parse a shipped file once; read-only arrays so no caller can corrupt the cache."""
    if name == "iris":
        path = _DATA_DIR / "iris.csv"
        # The first line is "150,4,setosa,versicolor,virginica": counts, then class names.
        with path.open(encoding="utf-8") as f:
            header = f.readline().strip().split(",")
        n, d, classes = int(header[0]), int(header[1]), tuple(Message(f"c_{name}") for name in header[2:])
        table = pd.read_csv(path, skiprows=1, header=None).to_numpy()
        features = (
            "sepal length (cm)",
            "sepal width (cm)",
            "petal length (cm)",
            "petal width (cm)",
        )
    else:
        # No header: 64 pixel counts (0..16) of an 8x8 image, then the digit.
        table = pd.read_csv(_DATA_DIR / "digits.csv.gz", header=None).to_numpy()
        n, d, classes = 1797, 64, tuple(str(k) for k in range(10))
        features = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))
    if table.shape != (n, d + 1):
        raise DataError(Message("data_damaged", name=name, shape=table.shape))
    X = table[:, :d].astype(np.float64)
    y = table[:, d].astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y, features, classes


# ---------------------------------------------------------------------------------------
# Shared steps: argument checks, the seeded split, standardisation.


def _check_test_fraction(test_fraction: float) -> None:
    if (
        isinstance(test_fraction, bool)
        or not isinstance(test_fraction, (int, float, np.integer, np.floating))
        or not 0.0 <= test_fraction <= MAX_TEST_FRACTION
    ):
        raise ValueError(f"test_fraction must be a number in [0, {MAX_TEST_FRACTION}], got {test_fraction!r}")


def _check_seed(seed: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def _split(
    X: np.ndarray, y: np.ndarray, test_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = X.shape[0]
    order = rng.permutation(n)
    n_test = round(n * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def _standardise(X_train: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    # A column that is constant in training carries no information; 1 avoids 0/0.
    std[np.ptp(X_train, axis=0) == 0] = 1.0
    return (X_train - mean) / std, (X_test - mean) / std


def _build(
    name: str,
    task: str,
    X: np.ndarray,
    y: np.ndarray,
    feature_names: tuple[str, ...],
    target_names: tuple[str, ...],
    test_fraction: float,
    rng: np.random.Generator,
) -> Dataset:
    X_train, y_train, X_test, y_test = _split(X, y, test_fraction, rng)
    X_train, X_test = _standardise(X_train, X_test)
    return Dataset(
        name=name,
        task=task,
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        feature_names=feature_names,
        target_names=target_names,
    )


def load(
    name: str,
    *,
    noise: float = 0.1,
    n_samples: int = 200,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> Dataset:
    """Load a built-in data set; `noise` and `n_samples` apply to the SYNTHETIC ones only."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; valid names: {', '.join(DATASETS)}")
    if (
        isinstance(noise, bool)
        or not isinstance(noise, (int, float, np.integer, np.floating))
        or not (np.isfinite(noise) and noise >= 0)
    ):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    if (
        isinstance(n_samples, bool)
        or not isinstance(n_samples, (int, np.integer))
        or not MIN_SAMPLES <= n_samples <= MAX_SAMPLES
    ):
        raise ValueError(f"n_samples must be an integer in [{MIN_SAMPLES}, {MAX_SAMPLES}], got {n_samples!r}")
    _check_test_fraction(test_fraction)
    _check_seed(seed)

    rng = np.random.default_rng(seed)
    if name in SYNTHETIC:
        generate, features, targets = generated.GENERATORS[name]
        X, y = generate(rng, int(n_samples), float(noise))
        task = "regression" if name in generated.REGRESSION else "classification"
        if task == "classification":
            y = y.astype(np.int64)
    else:
        X, y, features, targets = _real(name)
        task = "classification"
    return _build(name, task, X, y, features, targets, test_fraction, rng)


# ---------------------------------------------------------------------------------------
# Uploaded CSV files.


def _read_bytes(source: CsvSource) -> tuple[bytes, str]:
    """The file's bytes (at most MAX_CSV_BYTES) and a display name."""
    if isinstance(source, bytes):
        raw, name = source, "uploaded.csv"
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            # Check the size before reading so a huge file is never loaded.
            if path.stat().st_size > MAX_CSV_BYTES:
                raise DataError(_TOO_BIG)
            raw = path.read_bytes()
        except OSError as e:
            raise DataError(Message("data_unreadable", name=code(path.name), reason=e.strerror)) from e
        name = path.name
    else:
        # A file-like object, e.g. Streamlit's UploadedFile. Rewind, since the UI may have
        # read it already (csv_columns, then from_csv).
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        raw = source.read(MAX_CSV_BYTES + 1)
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        name = os.path.basename(str(getattr(source, "name", "") or "uploaded.csv"))
    if len(raw) > MAX_CSV_BYTES:
        raise DataError(_TOO_BIG)
    return raw, name


def _read_csv(source: CsvSource) -> tuple[pd.DataFrame, str]:
    raw, name = _read_bytes(source)
    if not raw.strip():
        raise DataError(Message("data_empty"))
    # Count the header's columns before pandas builds them: a 5 MB line of commas is a million.
    n_cols = raw.split(b"\n", 1)[0].count(b",") + 1
    if n_cols - 1 > MAX_FEATURES:
        raise DataError(Message("data_many_columns", n=n_cols, features=n_cols - 1, high=MAX_FEATURES))
    try:
        with warnings.catch_warnings():
            # index_col=False stops pandas from silently turning a column into the index
            # when rows are longer than the header; it warns instead, which we make an error.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.BytesIO(raw),
                encoding="utf-8-sig",  # -sig: drop the byte-order mark Excel writes
                skipinitialspace=True,
                index_col=False,
                low_memory=False,
            )
    except pd.errors.EmptyDataError as e:
        raise DataError(Message("data_no_header")) from e
    except UnicodeDecodeError as e:
        raise DataError(Message("data_not_utf8")) from e
    except pd.errors.ParserWarning as e:
        raise DataError(Message("data_long_rows")) from e
    except ValueError as e:  # pandas' ParserError and friends
        # Turn the C parser's "Expected 2 fields in line 14, saw 4" into plain words.
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
        if found:
            raise DataError(Message("data_bad_line", line=found[2], found=found[3], expected=found[1])) from e
        raise DataError(Message("data_parse")) from e  # pandas' own words are not for the page

    n_rows, n_cols = df.shape
    if n_cols < 2:
        raise DataError(Message("data_one_column", n=n_cols))
    if n_cols - 1 > MAX_FEATURES:
        raise DataError(Message("data_many_columns", n=n_cols, features=n_cols - 1, high=MAX_FEATURES))
    if n_rows < MIN_ROWS:
        raise DataError(Message("data_few_rows", n=n_rows, low=MIN_ROWS))
    if n_rows > MAX_ROWS:
        raise DataError(Message("data_many_rows", n=n_rows, high=MAX_ROWS))
    df.columns = [str(c) for c in df.columns]
    return df, name


def csv_columns(source: CsvSource) -> list[str]:
    """The column names of a CSV, after the same checks as `from_csv` (size, emptiness, shape)."""
    return list(_read_csv(source)[0].columns)


def _class_name(value: object) -> str:
    # 1.0 reads better as "1" when a class column was parsed as floats.
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def from_csv(
    source: CsvSource,
    target: str,
    *,
    task: str = "auto",
    test_fraction: float = 0.2,
    seed: int = 0,
) -> Dataset:
    """A Dataset from a CSV with a header row: `target` is the column to predict."""
    if task not in _TASKS:
        raise ValueError(f"task must be one of {_TASKS}, got {task!r}")
    _check_test_fraction(test_fraction)
    _check_seed(seed)
    df, name = _read_csv(source)
    if target not in df.columns:
        raise DataError(Message("data_no_column", target=code(target), columns=[code(c) for c in df.columns[:10]]))
    features = [c for c in df.columns if c != target]

    not_numeric = []
    for col in features:
        if not pd.api.types.is_numeric_dtype(df[col]):
            # Point at the first offending cell: often a '?' or 'n/a' placeholder.
            bad = df[col].notna() & pd.to_numeric(df[col], errors="coerce").isna()
            first = int(np.argmax(bad.to_numpy()))
            not_numeric.append(Message("data_cell", column=code(col), row=first + 1, value=code(df[col].iloc[first])))
    if not_numeric:
        raise DataError(Message("data_not_numeric", cells=not_numeric[:5], note=_ROWS_NOTE))

    for col in df.columns:
        missing = df[col].isna().to_numpy()
        if missing.any():
            row = int(np.argmax(missing)) + 1
            raise DataError(Message("data_missing", column=code(col), row=row, note=_ROWS_NOTE))

    numeric_target = pd.api.types.is_numeric_dtype(df[target])
    numeric = [*features, target] if numeric_target else features
    table = df[numeric].to_numpy(dtype=np.float64)
    rows, cols = np.nonzero(~np.isfinite(table))  # row-major: rows[0] is the first bad row
    if rows.size:
        raise DataError(Message("data_infinite", column=code(numeric[cols[0]]), row=rows[0] + 1, note=_ROWS_NOTE))
    rows, cols = np.nonzero(np.abs(table) > MAX_MAGNITUDE)
    if rows.size:
        raise DataError(Message("data_huge", column=code(numeric[cols[0]]), row=rows[0] + 1, high=MAX_MAGNITUDE,
                                note=_ROWS_NOTE))
    X = table[:, : len(features)]
    values = table[:, -1] if numeric_target else None

    if task == "auto":
        looks_like_classes = not numeric_target or (
            bool(np.all(values == np.round(values))) and len(np.unique(values)) <= MAX_CLASSES
        )
        task = "classification" if looks_like_classes else "regression"

    if task == "regression":
        if not numeric_target:
            raise DataError(Message("data_text_target", target=code(target)))
        if np.ptp(values) == 0:
            raise DataError(Message("data_constant_target", target=code(target)))
        y = values[:, None]
        target_names = (target,)
    else:
        classes, y = np.unique(df[target].to_numpy(), return_inverse=True)
        if not 2 <= len(classes) <= MAX_CLASSES:
            raise DataError(Message("data_class_count", target=code(target), n=len(classes), high=MAX_CLASSES))
        y = y.astype(np.int64)
        target_names = tuple(_class_name(c) for c in classes)

    rng = np.random.default_rng(seed)
    return _build(name, task, X, y, tuple(features), target_names, test_fraction, rng)

"""Tests for explorer.model.data: built-in sets, the shipped real data and CSV uploads."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.model import data
from explorer.model.data import DATASETS, MAX_TEST_FRACTION, SYNTHETIC, DataError, Dataset, csv_columns, from_csv, load

CLASSIFICATION = ["xor", "circles", "gaussians", "spiral", "spiral3", "iris", "digits"]
REGRESSION = ["sine", "plane"]
N_CLASSES = {"xor": 2, "circles": 2, "gaussians": 2, "spiral": 2, "spiral3": 3, "iris": 3, "digits": 10}


def all_labels(ds: Dataset) -> np.ndarray:
    return np.concatenate([ds.y_train, ds.y_test])


def csv_bytes(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def good_csv(n: int = 30) -> str:
    """A small classification CSV: two numeric features, a species, a numeric measure."""
    rng = np.random.default_rng(1)
    lines = ["a,b,species,weight"]
    for i in range(n):
        a, b = rng.normal(size=2)
        lines.append(f"{a:.4f},{b:.4f},{['cat', 'dog', 'emu'][i % 3]},{10 + a + 0.5 * b:.4f}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# The registry


def test_registry_order_and_synthetic_names():
    assert list(DATASETS) == [
        "xor",
        "circles",
        "gaussians",
        "spiral",
        "spiral3",
        "sine",
        "plane",
        "iris",
        "digits",
    ]
    assert all(isinstance(label, str) and label for label in DATASETS.values())
    assert frozenset(CLASSIFICATION[:-2] + REGRESSION) == SYNTHETIC


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="unknown data set 'moons'") as err:
        load("moons")
    for name in DATASETS:
        assert name in str(err.value)


# ---------------------------------------------------------------------------------------
# Shapes, dtypes, determinism


@pytest.mark.parametrize("name", list(DATASETS))
def test_shapes_and_dtypes(name):
    ds = load(name)
    n = {"iris": 150, "digits": 1797}.get(name, 200)
    d = {"sine": 1, "iris": 4, "digits": 64}.get(name, 2)
    n_test = round(n * 0.2)
    assert ds.name == name
    assert ds.X_train.shape == (n - n_test, d) and ds.X_test.shape == (n_test, d)
    assert ds.X_train.dtype == ds.X_test.dtype == np.float64
    assert ds.n_inputs == d == len(ds.feature_names)
    if name in REGRESSION:
        assert ds.task == "regression"
        assert ds.y_train.shape == (n - n_test, 1) and ds.y_test.shape == (n_test, 1)
        assert ds.y_train.dtype == np.float64
        assert ds.n_outputs == 1 and ds.target_names == ("y",)
    else:
        assert ds.task == "classification"
        assert ds.y_train.shape == (n - n_test,) and ds.y_test.shape == (n_test,)
        assert ds.y_train.dtype == ds.y_test.dtype == np.int64
        assert ds.n_outputs == N_CLASSES[name] == len(ds.target_names)
        assert set(np.unique(all_labels(ds))) == set(range(ds.n_outputs))


@pytest.mark.parametrize("name", list(DATASETS))
def test_same_seed_same_arrays_other_seed_other_arrays(name):
    a, b, c = load(name, seed=7), load(name, seed=7), load(name, seed=8)
    for field in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.X_train, c.X_train)


def test_known_values_pin_the_generator():
    # A whole class must see the same points on every machine: pin a few numbers, so a
    # change of generator or of the order of random draws is noticed.
    ds = load("circles", n_samples=10, test_fraction=0.0, seed=0)
    np.testing.assert_allclose(
        ds.X_train[:3],
        [
            [0.3828683451489049, 0.5108098204282892],
            [-1.0796457521945755, -0.18443047561422174],
            [0.1606477595727344, -0.3562439179740675],
        ],
        rtol=1e-12,
    )
    assert ds.y_train.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 1, 0]
    assert load("iris", seed=0).y_test[:10].tolist() == [1, 2, 1, 2, 2, 1, 1, 2, 2, 0]


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_n_samples_and_noise_change_synthetic_sets(name):
    assert load(name, n_samples=50, test_fraction=0).X_train.shape[0] == 50
    assert not np.array_equal(load(name, noise=0.0).X_train, load(name, noise=0.3).X_train) or (
        # Regression noise moves y, not X.
        not np.array_equal(load(name, noise=0.0).y_train, load(name, noise=0.3).y_train)
    )


def test_real_sets_ignore_noise_and_n_samples():
    a = load("iris", noise=0.5, n_samples=10)
    b = load("iris")
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)


# ---------------------------------------------------------------------------------------
# Balance, standardisation, split


@pytest.mark.parametrize("name", [n for n in CLASSIFICATION if n in SYNTHETIC])
@pytest.mark.parametrize("n_samples", [10, 11, 200, 301])
def test_synthetic_classes_are_balanced(name, n_samples):
    counts = np.bincount(all_labels(load(name, n_samples=n_samples)), minlength=N_CLASSES[name])
    assert counts.sum() == n_samples
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", list(DATASETS))
def test_features_standardised_with_train_statistics(name):
    ds = load(name)
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0.0, atol=1e-12)
    std = ds.X_train.std(axis=0)
    # digits has pixels that are 0 in every training image: those stay 0 (divided by 1).
    constant = std < 1e-12
    np.testing.assert_allclose(std[~constant], 1.0)
    assert (name == "digits") == constant.any()
    # The test split uses the train mean/std, so it is close to but not exactly standard.
    assert not np.allclose(ds.X_test.mean(axis=0), 0.0, atol=1e-12)


def test_constant_digit_pixels_become_zero_not_nan():
    ds = load("digits")
    corner = ds.feature_names.index("pixel_0_0")
    assert np.all(ds.X_train[:, corner] == 0.0)
    assert np.isfinite(ds.X_test).all()


@pytest.mark.parametrize(("test_fraction", "n_test"), [(0.0, 0), (0.1, 20), (0.2, 40), (0.35, 70), (0.5, 100)])
def test_split_sizes(test_fraction, n_test):
    ds = load("xor", test_fraction=test_fraction)
    assert ds.X_test.shape == (n_test, 2) and ds.y_test.shape == (n_test,)
    assert ds.X_train.shape[0] == 200 - n_test
    assert ds.targets("mse", "test").shape == (n_test, 2)


def test_split_is_a_partition_of_the_data():
    # Every generated point lands in exactly one split: none lost, none duplicated.
    ds = load("spiral", test_fraction=0.3)
    both = np.concatenate([ds.X_train, ds.X_test])
    assert np.unique(both, axis=0).shape[0] == 200


@pytest.mark.parametrize("bad", [-0.1, 0.55, 0.9, 1.0, float("nan"), "0.2", True])
def test_bad_test_fraction(bad):
    with pytest.raises(ValueError, match="test_fraction"):
        load("xor", test_fraction=bad)
    with pytest.raises(ValueError, match="test_fraction"):
        from_csv(csv_bytes(good_csv()), "species", test_fraction=bad)


@pytest.mark.parametrize("bad", [-1.0, float("inf"), float("nan"), "0.1", None])
def test_bad_noise(bad):
    with pytest.raises(ValueError, match="noise"):
        load("circles", noise=bad)


@pytest.mark.parametrize("bad", [9, 5001, 100.0, "200", True])
def test_bad_n_samples(bad):
    with pytest.raises(ValueError, match="n_samples"):
        load("circles", n_samples=bad)


@pytest.mark.parametrize("bad", [-1, 1.5, "0", None])
def test_bad_seed(bad):
    with pytest.raises(ValueError, match="seed"):
        load("circles", seed=bad)


def test_numpy_scalars_are_accepted():
    ds = load("xor", noise=np.float64(0.2), n_samples=np.int64(40), test_fraction=np.float64(0.25), seed=np.int64(3))
    assert ds.X_train.shape == (30, 2)


# ---------------------------------------------------------------------------------------
# Geometry


def test_circles_inner_ring_is_inside_outer_ring():
    ds = load("circles", noise=0.05, test_fraction=0)
    radius = np.linalg.norm(ds.X_train, axis=1)
    inner, outer = radius[ds.y_train == 0], radius[ds.y_train == 1]
    assert ds.target_names == ("inner", "outer")
    assert inner.mean() < 0.6 * outer.mean()
    assert inner.max() < outer.min()  # with little noise the rings do not touch


def test_xor_label_is_the_sign_of_x1_times_x2():
    ds = load("xor", noise=0.0, n_samples=400, test_fraction=0.25)
    for X, y in ((ds.X_train, ds.y_train), (ds.X_test, ds.y_test)):
        # Standardisation shifts the origin a little; the blobs stay well inside quadrants.
        assert np.all(np.abs(X) > 0.05)
        np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(np.int64))
    quadrant_counts = np.unique(np.sign(ds.X_train), axis=0, return_counts=True)[1]
    assert len(quadrant_counts) == 4


def test_gaussians_are_two_separate_blobs():
    ds = load("gaussians", noise=0.0, n_samples=1000, test_fraction=0)
    centre0 = ds.X_train[ds.y_train == 0].mean(axis=0)
    centre1 = ds.X_train[ds.y_train == 1].mean(axis=0)
    assert np.linalg.norm(centre1 - centre0) > 2.0  # in standardised units


@pytest.mark.parametrize(("name", "arms"), [("spiral", 2), ("spiral3", 3)])
def test_spiral_arms_are_interleaved(name, arms):
    ds = load(name, noise=0.0, n_samples=600, test_fraction=0)
    X, y = ds.X_train, ds.y_train
    radius = np.linalg.norm(X, axis=1)
    angle = np.arctan2(X[:, 1], X[:, 0])
    # Every arm winds all the way round: it covers every angular sector.
    sectors = ((angle + np.pi) / (2 * np.pi) * 8).astype(int) % 8
    for arm in range(arms):
        assert set(sectors[y == arm]) == set(range(8))
        assert radius[y == arm].max() > 2 * radius[y == arm].min()
    # Each arm is one connected curve: a point's nearest neighbour lies on its own arm.
    dist = np.linalg.norm(X[:, None] - X[None], axis=2)
    np.fill_diagonal(dist, np.inf)
    assert np.mean(y[np.argmin(dist, axis=1)] == y) > 0.97
    # Interleaved: walking outwards along any ray crosses every arm in turn.
    for direction in np.linspace(-np.pi, np.pi, 8, endpoint=False):
        on_ray = np.abs(np.angle(np.exp(1j * (angle - direction)))) < 0.1
        labels = y[on_ray][np.argsort(radius[on_ray])]
        crossings = labels[np.r_[True, labels[1:] != labels[:-1]]]
        assert len(crossings) >= arms and set(crossings) == set(range(arms))


def test_sine_follows_sin_and_plane_is_affine():
    sine = load("sine", noise=0.0, test_fraction=0)
    # Undo standardisation by fitting: y must be a smooth function of x with range [-1, 1].
    order = np.argsort(sine.X_train[:, 0])
    y = sine.y_train[order, 0]
    assert -1.0 <= y.min() < -0.95 and 0.95 < y.max() <= 1.0
    assert np.all(np.abs(np.diff(y)) < 0.2)

    plane = load("plane", noise=0.0, test_fraction=0)
    A = np.column_stack([plane.X_train, np.ones(len(plane.X_train))])
    coef, *_ = np.linalg.lstsq(A, plane.y_train, rcond=None)
    np.testing.assert_allclose(A @ coef, plane.y_train, atol=1e-10)
    noisy = load("plane", noise=0.5, test_fraction=0)
    coef, *_ = np.linalg.lstsq(A, noisy.y_train, rcond=None)
    assert np.std(noisy.y_train - A @ coef) > 0.3


# ---------------------------------------------------------------------------------------
# targets()


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("split", ["train", "test"])
def test_one_hot_targets(name, loss, split):
    ds = load(name)
    labels = ds.y_train if split == "train" else ds.y_test
    Y = ds.targets(loss, split)
    assert Y.shape == (len(labels), ds.n_outputs) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    assert set(np.unique(Y)) <= {0.0, 1.0}
    np.testing.assert_array_equal(Y.argmax(axis=1), labels)


def test_regression_targets():
    ds = load("sine")
    Y = ds.targets("mse")
    np.testing.assert_array_equal(Y, ds.y_train)
    np.testing.assert_array_equal(ds.targets("mse", split="test"), ds.y_test)
    Y[:] = 0.0  # a copy: the data set is untouched
    assert np.any(ds.y_train != 0.0)


def test_regression_with_cross_entropy_is_a_data_error():
    with pytest.raises(DataError, match=r"`plane` is a regression data set.*'mse'"):
        load("plane").targets("cross_entropy")


def test_unknown_loss_or_split():
    ds = load("xor")
    with pytest.raises(ValueError, match="loss") as err:
        ds.targets("hinge")
    assert not isinstance(err.value, DataError)
    with pytest.raises(ValueError, match="split"):
        ds.targets("mse", split="validation")


# ---------------------------------------------------------------------------------------
# Shipped real data


def test_iris():
    ds = load("iris", test_fraction=0)
    assert ds.X_train.shape == (150, 4)
    assert ds.target_names == ("setosa", "versicolor", "virginica")
    assert ds.feature_names[0] == "sepal length (cm)"
    assert np.bincount(ds.y_train).tolist() == [50, 50, 50]
    # Setosa has by far the shortest petals (the classic linearly separable class).
    petal = ds.X_train[:, 2]
    assert petal[ds.y_train == 0].max() < petal[ds.y_train != 0].min()


def test_digits():
    ds = load("digits", test_fraction=0)
    assert ds.X_train.shape == (1797, 64)
    assert ds.target_names == tuple(str(d) for d in range(10))
    assert ds.feature_names[:2] == ("pixel_0_0", "pixel_0_1") and ds.feature_names[-1] == "pixel_7_7"
    counts = np.bincount(ds.y_train)
    assert len(counts) == 10 and counts.sum() == 1797 and counts.min() >= 170


def test_raw_pixels_are_counts_0_to_16():
    X, y, _, _ = data._real("digits")
    assert X.min() == 0 and X.max() == 16 and np.all(np.round(X) == X)
    assert y.min() == 0 and y.max() == 9


def test_real_data_cache_cannot_be_corrupted():
    X, _, _, _ = data._real("iris")
    with pytest.raises(ValueError, match="read-only"):
        X[0, 0] = 99.0
    first = load("iris", seed=3)
    first.X_train[:] = 0.0
    first.y_train[:] = 0
    second = load("iris", seed=3)
    assert np.any(second.X_train != 0.0) and np.any(second.y_train != 0)


# ---------------------------------------------------------------------------------------
# Speed and finiteness


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(list(DATASETS)),
    seed=st.integers(0, 2**63 - 1),
    noise=st.floats(0.0, 5.0),
    n_samples=st.integers(10, 400),
    test_fraction=st.floats(0.0, MAX_TEST_FRACTION),
)
def test_every_set_is_finite(name, seed, noise, n_samples, test_fraction):
    ds = load(name, noise=noise, n_samples=n_samples, seed=seed, test_fraction=test_fraction)
    for array in (ds.X_train, ds.y_train, ds.X_test, ds.y_test):
        assert np.isfinite(array).all()
    assert ds.X_train.shape[0] >= 1
    assert ds.X_train.shape[0] + ds.X_test.shape[0] == len(all_labels(ds))
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0.0, atol=1e-9)


# ---------------------------------------------------------------------------------------
# CSV: good files


def test_csv_classification_round_trip(tmp_path):
    path = tmp_path / "pets.csv"
    path.write_text(good_csv(30))
    assert csv_columns(path) == ["a", "b", "species", "weight"]
    ds = from_csv(path, "species", test_fraction=0.2, seed=4)
    assert ds.name == "pets.csv" and ds.task == "classification"
    assert ds.feature_names == ("a", "b", "weight")
    assert ds.target_names == ("cat", "dog", "emu")
    assert ds.X_train.shape == (24, 3) and ds.X_test.shape == (6, 3)
    assert np.bincount(all_labels(ds)).tolist() == [10, 10, 10]
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1.0)
    assert ds.targets("cross_entropy").shape == (24, 3)
    # Same seed, same split; the same bytes from memory give the same arrays.
    again = from_csv(path.read_bytes(), "species", seed=4)
    np.testing.assert_array_equal(again.X_train, ds.X_train)
    np.testing.assert_array_equal(again.y_test, ds.y_test)


def test_csv_regression_needs_numeric_features():
    # 'species' is text, so it cannot be a feature for predicting weight.
    with pytest.raises(
        DataError, match=r"numbers only; these do not: `species` \(row 1: `cat`\)\. Rows are counted from 1"
    ):
        from_csv(csv_bytes(good_csv(40)), "weight")


def test_csv_regression_round_trip_numeric():
    text = "x1,x2,y\n" + "".join(f"{i},{i % 7},{0.5 * i - (i % 7) + 0.25}\n" for i in range(50))
    ds = from_csv(csv_bytes(text), "y", test_fraction=0.1, seed=2)
    assert ds.task == "regression" and ds.n_outputs == 1 and ds.target_names == ("y",)
    assert ds.y_train.shape == (45, 1) and ds.y_train.dtype == np.float64
    assert ds.X_test.shape == (5, 2)
    # The targets are the file's values, unscaled.
    assert set(np.concatenate([ds.y_train, ds.y_test])[:, 0]) == {0.5 * i - (i % 7) + 0.25 for i in range(50)}
    np.testing.assert_array_equal(ds.targets("mse"), ds.y_train)
    with pytest.raises(DataError, match="regression"):
        ds.targets("cross_entropy")


def test_csv_task_auto_and_forced():
    ints = "x,y\n" + "".join(f"{i},{i % 3}\n" for i in range(30))
    assert from_csv(csv_bytes(ints), "y").task == "classification"
    assert from_csv(csv_bytes(ints), "y").target_names == ("0", "1", "2")
    assert from_csv(csv_bytes(ints), "y", task="regression").task == "regression"
    many = "x,y\n" + "".join(f"{i},{i}\n" for i in range(30))
    assert from_csv(csv_bytes(many), "y").task == "regression"  # 30 distinct integers
    floats = "x,y\n" + "".join(f"{i},{(i % 2) + 0.5}\n" for i in range(30))
    assert from_csv(csv_bytes(floats), "y").task == "regression"
    forced = from_csv(csv_bytes(floats), "y", task="classification")
    assert forced.task == "classification" and forced.target_names == ("0.5", "1.5")
    whole_floats = "x,y\n" + "".join(f"{i},{float(i % 2)}\n" for i in range(30))
    assert from_csv(csv_bytes(whole_floats), "y").target_names == ("0", "1")
    with pytest.raises(ValueError, match="task"):
        from_csv(csv_bytes(ints), "y", task="clustering")


def test_csv_accepts_file_like_text_and_rereads_it():
    class Upload(io.BytesIO):  # like Streamlit's UploadedFile: a BytesIO with a name
        name = "pets.csv"

    upload = Upload(good_csv().encode())
    assert csv_columns(upload)[2] == "species"
    ds = from_csv(upload, "species")  # the same object again: it is rewound
    assert ds.name == "pets.csv" and ds.X_train.shape == (24, 3)
    assert from_csv(io.StringIO(good_csv()), "species").name == "uploaded.csv"


def test_csv_tolerates_bom_and_spaces():
    text = "\ufeffx, y, label\n" + "".join(f"{i}, {i * 2}, {'ab'[i % 2]}\n" for i in range(12))
    assert csv_columns(text.encode()) == ["x", "y", "label"]
    assert from_csv(text.encode(), "label").target_names == ("a", "b")


def test_csv_constant_feature_is_standardised_to_zero():
    text = "x,c,y\n" + "".join(f"{i},3.5,{i % 2}\n" for i in range(20))
    ds = from_csv(csv_bytes(text), "y")
    assert np.all(ds.X_train[:, 1] == 0.0) and np.isfinite(ds.X_test).all()


# ---------------------------------------------------------------------------------------
# CSV: every error, with its message


def rows(n: int, header: str = "x,y", row: str = "{i},{c}") -> bytes:
    return (header + "\n" + "".join(row.format(i=i, c=i % 2) + "\n" for i in range(n))).encode()


@pytest.mark.parametrize("source", [b"", b"  \n\n", io.BytesIO(b"")])
def test_csv_empty_file(source):
    with pytest.raises(DataError, match="The file is empty"):
        csv_columns(source)
    with pytest.raises(DataError, match="The file is empty"):
        from_csv(source, "y")


def test_csv_too_big(tmp_path):
    big = b"x,y\n" + b"1,0\n" * (data.MAX_CSV_BYTES // 4 + 1)
    path = tmp_path / "big.csv"
    path.write_bytes(big)
    for source in (big, io.BytesIO(big), path):
        with pytest.raises(DataError, match="larger than 5 MB"):
            csv_columns(source)
        with pytest.raises(DataError, match="larger than 5 MB"):
            from_csv(source, "y")


def test_csv_not_parseable():
    ragged = rows(12) + b"1,2,3,4\n"
    with pytest.raises(DataError, match="could not be read as CSV") as err:
        from_csv(ragged, "y")
    assert "line 14 has 4 values but the lines before it have 2" in str(err.value)
    with pytest.raises(DataError, match="more fields than the header"):
        from_csv(b"x,y\n" + b"1,2,3\n" * 12, "y")
    with pytest.raises(DataError, match="not UTF-8 text"):
        from_csv(b"x,y\n" + "é,1\n".encode("latin-1") * 12, "y")
    with pytest.raises(DataError, match=r"could not be read as CSV|not UTF-8"):
        from_csv(bytes(range(256)) * 8, "y")


def test_csv_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"cannot read the file `nope\.csv`"):
        from_csv(tmp_path / "nope.csv", "y")


def test_csv_single_column():
    with pytest.raises(DataError, match="1 column; at least 2"):
        from_csv(b"x;y\n" + b"1;0\n" * 12, "y")


@pytest.mark.parametrize(
    ("n", "message"), [(0, "Too few data rows: the file has 0;"), (9, "Too few data rows: the file has 9; at least 10")]
)
def test_csv_too_few_rows(n, message):
    with pytest.raises(DataError, match=message):
        csv_columns(rows(n))
    with pytest.raises(DataError, match=message):
        from_csv(rows(n), "y")


def test_csv_too_many_rows():
    assert from_csv(rows(10_000), "y").X_train.shape == (8000, 1)
    with pytest.raises(DataError, match="Too many data rows: the file has 10,001; at most 10,000 are allowed"):
        from_csv(rows(10_001), "y")


def test_csv_too_many_feature_columns():
    def wide(n_features: int) -> bytes:
        header = ",".join(f"f{j}" for j in range(n_features)) + ",y"
        return rows(12, header, ",".join("{i}" for _ in range(n_features)) + ",{c}")

    assert from_csv(wide(100), "y").n_inputs == 100
    with pytest.raises(DataError, match="101 feature columns; at most 100"):
        from_csv(wide(101), "y")
    with pytest.raises(DataError, match="101 feature columns; at most 100"):
        csv_columns(wide(101))


def test_csv_target_absent():
    with pytest.raises(DataError, match="no column `label`; the columns are: `x`, `y`"):
        from_csv(rows(12), "label")


def test_csv_non_numeric_features_are_named():
    text = rows(12, "x,colour,size,y", "{i},red,{i},{c}").replace(b"\n5,red,5", b"\n5,red,?")
    with pytest.raises(DataError, match=r"these do not: `colour` \(row 1: `red`\), `size` \(row 6: `\?`\)\."):
        from_csv(text, "y")


def test_csv_missing_values_name_column_and_row():
    text = rows(12).replace(b"\n3,1\n", b"\n3,\n")
    with pytest.raises(DataError, match=r"Column `y` has a missing value in row 4\. Rows are counted from 1"):
        from_csv(text, "y")
    text = rows(12, "x,z,y", "{i},{i},{c}").replace(b"\n7,7,", b"\n7,NA,")
    with pytest.raises(DataError, match=r"Column `z` has a missing value in row 8\. Rows are counted from 1"):
        from_csv(text, "y")
    short_row = rows(12, "x,z,y", "{i},{i},{c}").replace(b"\n2,2,0\n", b"\n2,2\n")
    with pytest.raises(DataError, match=r"Column `y` has a missing value in row 3\. Rows are counted from 1"):
        from_csv(short_row, "y")


def test_csv_non_finite_values():
    text = rows(12, "x,z,y", "{i},{i},{c}").replace(b"\n4,4,", b"\n4,inf,")
    with pytest.raises(DataError, match=r"Column `z` has an infinite value in row 5\. Rows are counted from 1"):
        from_csv(text, "y")
    text = rows(12, "x,y", "{i},{i}.5").replace(b"\n6,6.5", b"\n6,-inf")
    with pytest.raises(DataError, match=r"Column `y` has an infinite value in row 7\. Rows are counted from 1"):
        from_csv(text, "y")


def test_csv_class_count_limits():
    with pytest.raises(DataError, match=r"`y` has 1 distinct value\(s\); classification needs 2 to 20"):
        from_csv(rows(12, row="{i},same"), "y")
    labels = "x,y\n" + "".join(f"{i},c{i}\n" for i in range(21))
    with pytest.raises(DataError, match=r"`y` has 21 distinct value\(s\); classification needs 2 to 20"):
        from_csv(labels.encode(), "y")
    ints = "x,y\n" + "".join(f"{i},{i}\n" for i in range(21))
    with pytest.raises(DataError, match="21 distinct"):
        from_csv(ints.encode(), "y", task="classification")
    ok = "x,y\n" + "".join(f"{i},c{i % 20}\n" for i in range(40))
    assert from_csv(ok.encode(), "y").n_outputs == 20


def test_csv_regression_target_problems():
    with pytest.raises(DataError, match="`y` has the same value in every row"):
        from_csv(rows(12, row="{i},2.5"), "y", task="regression")
    with pytest.raises(DataError, match="`y` is not numeric, so it cannot be a regression target"):
        from_csv(rows(12, row="{i},abc{c}"), "y", task="regression")


def test_csv_errors_are_value_errors_with_no_pandas_exception_escaping():
    # Whatever bytes arrive, the caller sees a DataError (a ValueError), never pandas' own.
    for junk in (b"\x00\x01\x02" * 100, b'"unterminated\n1,2\n' * 6, b",,,\n" * 20, b"x,y\n" + b"\n" * 20):
        with pytest.raises(DataError):
            from_csv(junk, "y")


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=400) | st.text(alphabet='ab1,."\n\r ;-e', max_size=400).map(str.encode))
def test_csv_arbitrary_bytes_give_a_dataset_or_a_data_error(raw):
    try:
        ds = from_csv(raw, "a")
    except DataError:
        return
    assert np.isfinite(ds.X_train).all()

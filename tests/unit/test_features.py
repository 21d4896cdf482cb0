"""Input features of the 2-D data sets: the map, the link, the trainer's inputs and grid, and
what they are for (circles separable without a hidden layer once x₁² and x₂² are in)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.figures import diagram
from explorer.model import data, features
from explorer.model.training import Config, Trainer
from explorer.ui import links
from explorer.ui.links import DEFAULT, fix_config, parse_features, parse_query, to_query

ALL = tuple(features.FEATURES)
SQUARES = ("x1", "x2", "x1^2", "x2^2")


def reference(x1: float, x2: float, name: str) -> float:
    """One feature of one point, written out by hand."""
    return {"x1": x1, "x2": x2, "x1^2": x1**2, "x2^2": x2**2, "x1x2": x1 * x2,
            "sinx1": math.sin(x1), "sinx2": math.sin(x2)}[name]


def test_every_feature_is_its_formula_point_by_point():
    X = np.random.default_rng(3).normal(size=(25, 2)) * 2
    out = features.expand(X, ALL)
    assert out.shape == (25, len(ALL)) == (25, 7)
    for r, (x1, x2) in enumerate(X):
        for k, name in enumerate(ALL):
            assert out[r, k] == pytest.approx(reference(x1, x2, name), rel=1e-15, abs=1e-15)


def test_the_plain_inputs_are_the_points_themselves():
    X = np.arange(6.0).reshape(3, 2)
    assert features.expand(X, features.DEFAULT) is X
    assert np.array_equal(features.expand(X, ("x2",)), X[:, 1:])


# -- the link -------------------------------------------------------------------------------


def test_a_link_names_features_in_any_order_and_gets_the_input_layers_order():
    assert parse_features("x1x2,x1") == ("x1", "x1x2")
    assert parse_features(" sinx2 , x1^2 ") == ("x1^2", "sinx2")
    assert parse_features(",".join(reversed(ALL))) == ALL


@pytest.mark.parametrize("text", ["", "x1,", "x3", "x1,x1", "X1", "x1^3", "sin(x1)", "x1,x2," * 20])
def test_a_bad_feature_list_is_refused_with_the_valid_names(text):
    with pytest.raises(ValueError, match="x1, x2, x1\\^2, x2\\^2, x1x2, sinx1, sinx2"):
        parse_features(text)


def test_a_bad_features_value_is_named_and_the_default_used():
    config, problems = parse_query({"features": "x1,x9"})
    assert config == DEFAULT and len(problems) == 1
    assert problems[0].startswith("`features=x1,x9`") and "using the default x1,x2" in problems[0]


@pytest.mark.parametrize("dataset", ["iris", "digits", "sine"])
def test_features_of_a_data_set_that_is_not_2d_are_named_and_dropped(dataset):
    config, problems = parse_query({"dataset": dataset, "features": "x1,x1^2", "loss": "mse"})
    assert config.features == features.DEFAULT
    assert len(problems) == 1 and "2-D data sets only" in problems[0], problems
    assert fix_config(config) == (config, [])


def test_the_link_carries_features_only_when_they_are_not_the_plain_inputs():
    assert "features" not in to_query(DEFAULT)
    config = DEFAULT.with_(features=("x1", "x2", "x1x2"))
    assert to_query(config)["features"] == "x1,x2,x1x2"
    assert parse_query(to_query(config)) == (config, [])
    assert links.QUERY["features"][0] == "features"


def test_the_batch_cap_counts_the_wider_input_layer():
    wide, plain = Config(hidden=(256,) * 6, features=ALL), Config(hidden=(256,) * 6)
    dataset = data.load("circles")
    assert wide.sizes(dataset)[0] == 7 and plain.sizes(dataset)[0] == 2
    assert fix_config(wide.with_(batch=160))[0].batch <= fix_config(plain.with_(batch=160))[0].batch


# -- the trainer ----------------------------------------------------------------------------


def test_the_input_layer_and_w1_grow_with_the_features():
    t = Trainer.from_config(Config(dataset="xor", features=("x1", "x1x2", "sinx2")))
    assert t.net.sizes == [3, 8, 8, 2] and t.net.W[0].shape == (3, 8)
    assert t.input_names == ("x₁", "x₁x₂", "sin x₂")
    raw = t.dataset.X_train
    assert np.array_equal(t.X_train, np.column_stack([raw[:, 0], raw[:, 0] * raw[:, 1], np.sin(raw[:, 1])]))
    t.step()
    batch = t.last_batch
    assert np.array_equal(batch.X[:, 1], raw[batch.rows, 0] * raw[batch.rows, 1])


def test_the_regions_are_drawn_over_x1_x2_through_the_same_map():
    wide = Trainer.from_config(Config(features=SQUARES))
    plain = Trainer.from_config(Config())
    xs, ys, y = wide.grid(20)
    xs0, ys0, _ = plain.grid(20)
    assert np.array_equal(xs, xs0) and np.array_equal(ys, ys0)  # the same plane (x₁, x₂)
    # Each grid value is the network's output at the features of that point, computed here by hand.
    for row, col in [(0, 0), (7, 13), (19, 4)]:
        x1, x2 = xs[col], ys[row]
        a1 = np.array([[reference(x1, x2, name) for name in SQUARES]])
        expected = wide.net.forward(a1)[0][-1][0]
        assert np.allclose(y[row, col], expected, rtol=1e-12, atol=1e-12)


def test_other_data_sets_are_fed_their_own_columns():
    t = Trainer.from_config(Config(dataset="iris"))
    assert t.net.sizes[0] == 4
    assert np.array_equal(t.X_train, t.dataset.X_train)
    assert t.input_names == t.dataset.feature_names


def test_circles_become_separable_without_a_hidden_layer_once_the_squares_are_in():
    """With (x₁, x₂) alone a network with no hidden layer draws a straight line through two
    circles: near chance. With x₁² and x₂² the circle x₁² + x₂² = r² is a straight line in
    its inputs, and the same network separates them."""
    scores = {}
    for inputs in (features.DEFAULT, SQUARES):
        t = Trainer.from_config(Config(dataset="circles", hidden=(), features=inputs))
        assert t.net.sizes == [len(inputs), 2]
        t.run(500)
        scores[inputs] = (t.accuracy("train"), t.accuracy("test"))
    assert all(0.3 <= acc <= 0.65 for acc in scores[features.DEFAULT]), scores
    assert all(acc >= 0.97 for acc in scores[SQUARES]), scores


def test_the_diagram_names_the_inputs_as_plain_text_cut_short():
    fig = diagram.network_diagram([np.ones((3, 2))], [np.zeros((1, 2))])
    before = len(fig["layout"]["annotations"])
    diagram.name_inputs(fig, [3, 2], ["x₁²", "<b>bold</b>", "a very long column name"])
    texts = [n["text"] for n in fig["layout"]["annotations"][before:]]
    assert texts == ["x₁²", "&lt;b&gt;bold&lt;/b&gt;", "a very long…"]
    diagram.name_inputs(fig, [3, 2], ["x₁", "x₂"])  # not one name a node: nothing written
    assert len(fig["layout"]["annotations"]) == before + 3

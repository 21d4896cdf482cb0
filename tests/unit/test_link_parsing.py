"""Tests of the pure URL handling in explorer.ui.session: a shared link <-> a Config.

A link must reproduce the configuration exactly, and a bad value in it must be named and
replaced by its default, never raise.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.model import config as rules
from explorer.model import data
from explorer.model.training import Config
from explorer.ui import links
from explorer.ui.links import DEFAULT, fix_config, parse_hidden, parse_lr, parse_query, to_query

PARAMS = ("dataset", "hidden", "activation", "loss", "lr", "batch", "seed")  # the contract's seven
N_TRAIN = {name: len(data.load(name).X_train) for name in data.DATASETS}


def test_default_config_is_the_documented_one():
    assert Config() == DEFAULT
    assert (DEFAULT.dataset, DEFAULT.hidden, DEFAULT.activation, DEFAULT.loss) == (
        "circles", (8, 8), "tanh", "cross_entropy")


# -- parse_hidden -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "hidden"), [
    ("8,8", (8, 8)),
    ("", ()),
    ("   ", ()),
    ("4", (4,)),
    (" 4 , 3 ", (4, 3)),
    ("1,256", (1, 256)),
    ("08", (8,)),
    (",".join(["2"] * links.MAX_HIDDEN_LAYERS), (2,) * links.MAX_HIDDEN_LAYERS),
])
def test_parse_hidden(text, hidden):
    assert parse_hidden(text) == hidden


@pytest.mark.parametrize("text", ["8,x", "0", "257", "999", "-1", "1.5", "8,,8", "8,", ",8", "8;8", "1e2", "abc",
                                  ",".join(["2"] * (links.MAX_HIDDEN_LAYERS + 1))])
def test_parse_hidden_rejects(text):
    with pytest.raises(ValueError):
        parse_hidden(text)


# -- parse_lr -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "lr"), [("0.1", 0.1), ("1e-5", 1e-5), ("100", 100.0), (" 0.03 ", 0.03),
                                          ("3", 3.0), ("0.00001", 1e-5)])
def test_parse_lr(text, lr):
    assert parse_lr(text) == lr


@pytest.mark.parametrize("text", ["0", "-1", "-0.1", "100.0001", "1e3", "inf", "-inf", "nan", "abc", "", "1e-400",
                                  "0.1.2"])
def test_parse_lr_rejects(text):
    with pytest.raises(ValueError):
        parse_lr(text)


def test_parse_lr_message_names_eta():
    with pytest.raises(ValueError, match="η"):
        parse_lr("0")


# -- parse_query --------------------------------------------------------------------------


def test_no_parameters_give_the_default():
    assert parse_query({}) == (DEFAULT, [])


def test_a_good_link_gives_exactly_that_config():
    link = {"dataset": "xor", "hidden": "4,3", "activation": "relu", "loss": "mse", "lr": "0.03", "batch": "8",
            "seed": "7"}
    config, problems = parse_query(link)
    assert problems == []
    assert config == Config(dataset="xor", hidden=(4, 3), activation="relu", loss="mse", lr=0.03, batch=8, seed=7)


def test_noise_and_split_parameters():
    config, problems = parse_query({"noise": "0.3", "split": "0.25"})
    assert problems == [] and (config.noise, config.test_fraction) == (0.3, 0.25)


def test_an_empty_hidden_means_no_hidden_layers():
    config, problems = parse_query({"hidden": ""})
    assert problems == [] and config.hidden == ()


def test_unknown_parameters_are_ignored():
    assert parse_query({"utm_source": "mail", "foo": "bar"}) == (DEFAULT, [])


BAD = [
    ("hidden", "8,x"), ("hidden", "0"), ("hidden", "999"), ("hidden", "1,2,3,4,5,6,7"),
    ("activation", "foo"), ("activation", "Tanh"), ("loss", "bar"),
    ("lr", "-1"), ("lr", "abc"), ("lr", "inf"), ("lr", "nan"), ("lr", "0"), ("lr", "1000"),
    ("batch", "0"), ("batch", "-4"), ("batch", "1.5"), ("batch", "abc"), ("batch", "100001"),
    ("seed", "-3"), ("seed", "x"), ("seed", str(2**32)), ("seed", "1e3"),
    ("dataset", "nope"), ("dataset", "csv"), ("dataset", ""),
    ("noise", "2"), ("noise", "-0.1"), ("noise", "nan"), ("split", "0.9"), ("split", "x"),
]
FIELD = {"split": "test_fraction"}


@pytest.mark.parametrize(("name", "value"), BAD)
def test_a_bad_value_is_named_and_replaced_by_its_default(name, value):
    config, problems = parse_query({name: value})
    assert config == DEFAULT
    assert len(problems) == 1
    assert problems[0].startswith(f"`{name}={value}`")
    assert "default" in problems[0]


def test_bad_values_do_not_spoil_the_good_ones():
    config, problems = parse_query({"dataset": "xor", "hidden": "8,x", "activation": "relu", "lr": "abc",
                                    "seed": "5"})
    assert config == DEFAULT.with_(dataset="xor", activation="relu", seed=5)
    assert [p.split("=")[0] for p in problems] == ["`hidden", "`lr"]


def test_cross_entropy_on_a_regression_set_becomes_mse():
    config, problems = parse_query({"dataset": "sine", "loss": "cross_entropy"})
    assert config == DEFAULT.with_(dataset="sine", loss="mse")
    assert len(problems) == 1 and "loss=cross_entropy" in problems[0] and "mse" in problems[0]
    # the default loss is cross-entropy, so a regression link without a loss gets mse too, without a
    # word about a loss the link never said
    config, problems = parse_query({"dataset": "plane"})
    assert config.loss == "mse" and problems == []


def test_a_batch_larger_than_the_training_set_is_named_and_clamped():
    config, problems = parse_query({"batch": "100000"})
    assert config == DEFAULT.with_(batch=N_TRAIN["circles"])
    assert len(problems) == 1 and problems[0].startswith("`batch=100000`")
    config, problems = parse_query({"dataset": "iris", "batch": "130"})
    assert config.batch == N_TRAIN["iris"] == 120 and len(problems) == 1


@given(st.dictionaries(st.sampled_from([*links.QUERY, "other"]), st.text(max_size=12), max_size=6))
@settings(max_examples=150, deadline=None)
def test_any_link_gives_a_valid_config_and_never_raises(params):
    config, problems = parse_query(params)
    assert config.dataset in data.DATASETS
    assert 0 <= len(config.hidden) <= links.MAX_HIDDEN_LAYERS
    assert all(1 <= size <= links.MAX_HIDDEN_SIZE for size in config.hidden)
    assert math.isfinite(config.lr) and 0 < config.lr <= links.MAX_LR
    assert config.batch >= 1
    assert 0 <= config.seed <= links.MAX_SEED
    assert all(isinstance(p, str) for p in problems)
    assert fix_config(config) == (config, [])  # already consistent: the loss fits, the batch fits the data


# -- fix_config ---------------------------------------------------------------------------


def test_fix_config_leaves_a_good_config_alone():
    config = Config(dataset="sine", loss="mse", batch=160)
    assert fix_config(config) == (config, [])


def test_fix_config_appends_to_the_given_problems():
    problems = ["earlier"]
    config, out = fix_config(Config(dataset="sine", batch=500), problems)
    assert config == Config(dataset="sine", loss="mse", batch=N_TRAIN["sine"])
    assert out is problems and out[0] == "earlier" and len(out) == 3


def test_fix_config_uses_the_split_to_count_training_rows():
    config, problems = fix_config(Config(batch=200, test_fraction=0.5))
    assert config.batch == 100 and len(problems) == 1


# -- to_query -----------------------------------------------------------------------------


def test_to_query_writes_every_contract_parameter_as_text():
    query = to_query(DEFAULT)
    assert set(PARAMS) <= set(query)
    assert all(isinstance(v, str) for v in query.values())
    assert {k: query[k] for k in PARAMS} == {"dataset": "circles", "hidden": "8,8", "activation": "tanh",
                                              "loss": "cross_entropy", "lr": "0.1", "batch": "16", "seed": "0"}
    assert to_query(DEFAULT.with_(hidden=()))["hidden"] == ""


ROUND_TRIP = [
    DEFAULT,
    Config(dataset="xor", hidden=(4, 3), activation="relu", loss="mse", lr=0.03, batch=8, seed=7),
    Config(dataset="sine", hidden=(), activation="identity", loss="mse", lr=1e-5, batch=1, seed=2**32 - 1),
    Config(dataset="digits", hidden=(256, 1, 7), activation="sigmoid", lr=100.0, batch=1437, noise=0.0,
           test_fraction=0.2),
    Config(dataset="spiral3", hidden=(5,) * 6, lr=3e-5, noise=0.35, test_fraction=0.0, seed=42),
    Config(dataset="plane", loss="mse", lr=0.0003, noise=1.0, test_fraction=0.5, batch=100),
]


@pytest.mark.parametrize("config", ROUND_TRIP)
def test_a_link_reproduces_the_config(config):
    assert parse_query(to_query(config)) == (config, [])


@pytest.mark.parametrize("lr", links.LR_PRESETS)
def test_every_preset_learning_rate_survives_the_link(lr):
    assert parse_query(to_query(DEFAULT.with_(lr=lr)))[0].lr == lr


def test_a_typed_learning_rate_survives_the_link_exactly():
    config = DEFAULT.with_(lr=0.123456789)
    assert parse_query(to_query(config))[0].lr == config.lr


def test_a_regression_set_without_a_loss_in_the_link_takes_mse_without_a_word():
    config, problems = parse_query({"dataset": "sine"})
    assert config.loss == "mse" and problems == []
    config, problems = parse_query({"dataset": "sine", "loss": "cross_entropy"})  # said, and refused: named
    assert config.loss == "mse" and len(problems) == 1 and "loss=cross_entropy" in problems[0]


def test_a_bad_page_option_says_each_word_once():
    _, problems = links.parse_page({"lang": "fr", "step": "99999999"})
    assert "`lang=fr`: the language must be one of en, zh; ignored." in problems
    assert any(p.startswith("`step=99999999`: the step to replay to must be a whole number from 0 to ")
               for p in problems)


def test_the_link_the_sidebar_and_the_data_share_one_set_of_bounds():
    """One rule each, wherever a configuration comes from (explorer/model/config.py)."""
    assert rules.MAX_TEST_FRACTION == data.MAX_TEST_FRACTION
    _, problems = parse_query({"split": str(rules.MAX_TEST_FRACTION)})
    assert not problems
    data.load("xor", test_fraction=rules.MAX_TEST_FRACTION)  # what a link may ask for, the data accept
    _, problems = parse_query({"split": f"{rules.MAX_TEST_FRACTION + 0.05:g}"})
    assert len(problems) == 1
    with pytest.raises(ValueError, match="test_fraction"):
        data.load("xor", test_fraction=rules.MAX_TEST_FRACTION + 0.05)


def test_fix_config_is_the_rules_fit_on_the_loaded_data():
    asked = DEFAULT.with_(dataset="sine", loss="cross_entropy", batch=100_000)
    fixed, problems = fix_config(asked)
    dataset = data.load("sine", noise=asked.noise, test_fraction=asked.test_fraction, seed=asked.seed)
    assert (fixed, problems) == rules.fit(asked, dataset)
    assert fixed.loss == "mse" and fixed.batch == min(rules.batch_bounds(fixed.sizes(dataset), dataset))
    assert len(problems) == 2  # the loss, then the batch (rows first)


@pytest.mark.parametrize("text, discretize", [("1", True), ("yes", True), ("0", False), ("false", False)])
def test_discretize_in_a_link_switches_the_shading_off_and_stays_in_the_link(text, discretize):
    options, problems = links.parse_page({"discretize": text})
    assert options["discretize"] is discretize and problems == []
    assert links.page_query(options).get("discretize") == ("1" if discretize else None)
    assert links.parse_page(links.page_query(options))[0]["discretize"] is discretize


def test_a_bad_discretize_is_named_and_the_regions_stay_shaded():
    options, problems = links.parse_page({"discretize": "maybe"})
    assert options["discretize"] is False
    assert problems == ["`discretize=maybe`: must be 1 or 0; ignored."]

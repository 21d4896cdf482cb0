"""A shared link: query parameters <-> the configuration and the page options.

A link carries the configuration (`dataset`, `hidden`, `activation`, `loss`, `lr`, `batch`, `seed`,
`noise`, `split`, `features`, `reg`, `lambda`) and the page options (`step`, `lang`, `present`, `hide`,
`quiz`, `discretize`, `notation`). Everything here is pure and tested on its own; `explorer.ui.session`
keeps the address bar in step.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence

from explorer.core import ACTIVATIONS, LOSSES
from explorer.i18n import Message, code
from explorer.model import data, features, penalty
from explorer.model.config import (
    MAX_BATCH,
    MAX_HIDDEN_LAYERS,
    MAX_HIDDEN_SIZE,
    MAX_LR,
    MAX_NOISE,
    MAX_SEED,
    MAX_TEST_FRACTION,
    Config,
    fit,
)
from explorer.notation import NOTATIONS

DEFAULT = Config()
# The learning-rate presets of the log-scale choice, 1e-5 … 10.
LR_PRESETS = (0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
# An uploaded CSV cannot travel in a link; "csv" stands for it in the sidebar.
CSV = "csv"


# -- pure: query parameters <-> Config ----------------------------------------------------


MAX_VALUE_LENGTH = 100  # characters of one link value; a longer one is refused unread
_WHOLE = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit, int() and float() take ٣, ８, ² or 1_0
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def format_hidden(hidden: tuple[int, ...]) -> str:
    return ",".join(str(size) for size in hidden)


def nearest_preset(lr: float) -> float:
    """The preset of LR_PRESETS nearest to η on a log scale."""
    return min(LR_PRESETS, key=lambda preset: abs(math.log(preset / lr)))


def format_lr(lr: float) -> str:
    """η as its shortest exact text (repr), so that the η box and a link give back the same float."""
    return repr(float(lr))


def parse_hidden(text: str) -> tuple[int, ...]:
    """"8,8" -> (8, 8); "" -> (); ValueError with the rule otherwise."""
    text = text.strip()
    if not text:
        return ()
    parts = [part.strip() for part in text.split(",")]
    if len(parts) > MAX_HIDDEN_LAYERS:
        raise ValueError(Message("q_hidden_count", n=MAX_HIDDEN_LAYERS))
    if not all(_WHOLE.fullmatch(part) and 1 <= int(part) <= MAX_HIDDEN_SIZE for part in parts):
        raise ValueError(Message("q_hidden_sizes", high=MAX_HIDDEN_SIZE))
    return tuple(int(part) for part in parts)


def format_features(names: tuple[str, ...]) -> str:
    return ",".join(names)


def parse_features(text: str) -> tuple[str, ...]:
    """"x1x2,x1" -> ("x1", "x1x2"): each feature once, in the input layer's order
    (explorer.model.features.FEATURES); ValueError with the rule otherwise."""
    parts = [part.strip() for part in text.split(",")]
    if not all(part in features.FEATURES for part in parts) or len(set(parts)) < len(parts):
        raise ValueError(Message("q_features", names=list(features.FEATURES)))
    return tuple(name for name in features.FEATURES if name in parts)


# The parsers' errors are Messages naming the value by a key: "lr" -> "what_lr", "the learning rate η".


def _number(text: str, what: str) -> float:
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        raise ValueError(Message("q_number", what=Message(f"what_{what}")))
    return float(text)


def parse_lr(text: str) -> float:
    lr = _number(text, "lr")
    if not (math.isfinite(lr) and 0 < lr <= MAX_LR):
        raise ValueError(Message("q_lr_range", high=MAX_LR))
    return lr


def _parse_int(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        text = text.strip()
        if not _WHOLE.fullmatch(text) or not low <= int(text) <= high:
            raise ValueError(Message("q_int_range", what=Message(f"what_{what}"), low=low, high=high))
        return int(text)
    return parse


def _parse_float(low: float, high: float, what: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = _number(text, what)
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(Message("q_float_range", what=Message(f"what_{what}"), low=low, high=high))
        return value
    return parse


def _parse_choice(choices: Sequence[str], what: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise ValueError(Message("q_choice", what=Message(f"what_{what}"), choices=list(choices)))
        return text
    return parse


# Query parameter -> (Config field, parser). The order is the order of checks.
QUERY = {
    "dataset": ("dataset", _parse_choice(tuple(data.DATASETS), "dataset")),
    "hidden": ("hidden", parse_hidden),
    "activation": ("activation", _parse_choice(tuple(ACTIVATIONS), "activation")),
    "loss": ("loss", _parse_choice(LOSSES, "loss")),
    "lr": ("lr", parse_lr),
    "batch": ("batch", _parse_int(1, MAX_BATCH, "batch")),
    "seed": ("seed", _parse_int(0, MAX_SEED, "seed")),
    "noise": ("noise", _parse_float(0.0, MAX_NOISE, "noise")),
    "split": ("test_fraction", _parse_float(0.0, MAX_TEST_FRACTION, "split")),
    "features": ("features", parse_features),
    "reg": ("reg", _parse_choice(penalty.KINDS, "reg")),
    "lambda": ("lam", _parse_float(0.0, penalty.MAX_LAMBDA, "lambda")),
}


def _written(config: Config, name: str) -> bool:
    """Whether a link to `config` carries this parameter. The app's additions to the derivation
    (features, a penalty) appear only when used, so that other links stay as they were; an
    uploaded CSV cannot travel in a link, so its link leaves the data set out (the page says so)."""
    if name == "dataset":
        return config.dataset != CSV
    if name == "features":
        return config.features != features.DEFAULT
    if name in ("reg", "lambda"):
        return config.reg != "none"
    return True


def _show(config: Config, name: str) -> str:
    value = getattr(config, QUERY[name][0])
    if name == "hidden":
        return format_hidden(value)
    if name == "features":
        return format_features(value)
    return format_lr(value) if isinstance(value, float) else str(value)


def _parse(text: str, parse: Callable[[str], object]) -> object:
    """A link value through its parser; one too long to be meant is refused unread."""
    if len(text) > MAX_VALUE_LENGTH:
        raise ValueError(Message("q_long", high=MAX_VALUE_LENGTH, n=len(text)))
    return parse(text)


def _echo(name: str, text: str) -> str:
    """`name=text` as inert code, cut short: what the link said, shown and never obeyed."""
    return code(f"{name}={text}")


def parse_query(params: Mapping[str, str]) -> tuple[Config, list[str]]:
    """The configuration a link asks for, and one message per value replaced by its default."""
    values, problems = {}, []
    for name, (attr, parse) in QUERY.items():
        if name not in params:
            continue
        text = params[name]
        try:
            values[attr] = _parse(text, parse)
        except ValueError as error:
            problems.append(Message("q_bad_value", param=_echo(name, text), error=error, default=_show(DEFAULT, name)))
    config = DEFAULT.with_(**values)
    return fix_config(config, problems, said_loss="loss" in params)


def fix_config(config: Config, problems: list[str] | None = None, said_loss: bool = True) -> tuple[Config, list[str]]:
    """Make the combination valid by the rules the sidebar follows too (`explorer.model.config.fit`).
    A loss the link did not say (`said_loss` False: the default) changes to fit the task without a word."""
    dataset = data.load(config.dataset, noise=config.noise, test_fraction=config.test_fraction, seed=config.seed)
    config, fixed = fit(config, dataset, said_loss=said_loss)
    problems = [] if problems is None else problems
    problems.extend(fixed)
    return config, problems


def to_query(config: Config) -> dict[str, str]:
    """The query parameters of a link that reproduces `config` (see `_written`)."""
    return {name: _show(config, name) for name in QUERY if _written(config, name)}


# Parts of the page a classroom link can hide (`hide=config,views`), as the TensorFlow
# Playground's links do; `present=1` is the projector mode: large type, configuration hidden.
HIDEABLE = ("config", "views", "gradients", "data", "loss", "metrics", "run", "diagram")
MAX_REPLAY = 10_000


def _parse_flag(text: str) -> bool:
    if text.lower() not in ("1", "0", "true", "false", "yes", "no"):
        raise ValueError(Message("q_flag"))
    return text.lower() in ("1", "true", "yes")


def _parse_hide(text: str) -> frozenset[str]:
    parts = {part.strip() for part in text.split(",") if part.strip()}
    if not parts <= set(HIDEABLE):
        raise ValueError(Message("q_hide", parts=list(HIDEABLE)))
    return frozenset(parts)


# Link parameters of the page rather than of the network: name -> (parser, default).
PAGE = {
    "step": (_parse_int(0, MAX_REPLAY, "step"), 0),
    "lang": (_parse_choice(("en", "zh"), "lang"), "en"),
    "present": (_parse_flag, False),
    "hide": (_parse_hide, frozenset()),
    "quiz": (_parse_flag, False),  # predict, then step
    "discretize": (_parse_flag, False),  # the regions by their class alone, not shaded by confidence
    "notation": (_parse_choice(NOTATIONS, "notation"), "row"),  # vectors as rows (the derivation's) or columns
}


def parse_page(params: Mapping[str, str]) -> tuple[dict[str, object], list[str]]:
    """The page options a link asks for (replay step, language, presentation, hidden parts)."""
    options, problems = {name: default for name, (_, default) in PAGE.items()}, []
    for name, (parse, _) in PAGE.items():
        if name in params:
            try:
                options[name] = _parse(params[name], parse)
            except ValueError as error:
                problems.append(Message("q_bad_page", param=_echo(name, params[name]), error=error))
    if options["present"]:
        options["hide"] = options["hide"] | {"config"}
    return options, problems


def repeated(counts: Mapping[str, int]) -> list[str]:
    """A warning for each parameter of ours that a link gives more than once (the last one counts)."""
    return [Message("q_repeated", param=code(name), n=n)
            for name, n in counts.items() if n > 1 and (name in QUERY or name in PAGE)]


def page_query(options: Mapping[str, object]) -> dict[str, str]:
    """The page options worth keeping in the address bar (not the replay step)."""
    query = {}
    if options["lang"] != "en":
        query["lang"] = options["lang"]
    if options["present"]:
        query["present"] = "1"
    if options["hide"]:
        query["hide"] = ",".join(sorted(options["hide"]))
    if options["quiz"]:
        query["quiz"] = "1"
    if options["discretize"]:
        query["discretize"] = "1"
    if options["notation"] != "row":
        query["notation"] = options["notation"]
    return query

"""Session state and the URL: the one place that reads and writes either.

A shared link carries the configuration in query parameters (`dataset`, `hidden`,
`activation`, `loss`, `lr`, `batch`, `seed`, plus `noise` and `split`). `parse_query`
and `to_query` are pure and tested on their own; the functions below them keep
`st.session_state` and `st.query_params` in step with the `Trainer` being shown.
"""

from __future__ import annotations

import functools
import gc
import math
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields

import streamlit as st

from explorer.core import ACTIVATIONS, LOSSES, DivergedError
from explorer.i18n import Message, code
from explorer.model import data, limits
from explorer.model.training import BlowUpError, Config, Trainer

DEFAULT = Config()
MAX_HIDDEN_LAYERS = 6
MAX_HIDDEN_SIZE = 256
MAX_LR = 100.0
MAX_SEED = 2**32 - 1
MAX_TEST_FRACTION = 0.5
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
    "batch": ("batch", _parse_int(1, 100_000, "batch")),
    "seed": ("seed", _parse_int(0, MAX_SEED, "seed")),
    "noise": ("noise", _parse_float(0.0, 1.0, "noise")),
    "split": ("test_fraction", _parse_float(0.0, MAX_TEST_FRACTION, "split")),
}


def _show(config: Config, name: str) -> str:
    value = getattr(config, QUERY[name][0])
    if name == "hidden":
        return format_hidden(value)
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
    return fix_config(config, problems)


def fix_config(config: Config, problems: list[str] | None = None) -> tuple[Config, list[str]]:
    """Make the combination valid: the loss fits the task, the batch fits the data."""
    problems = [] if problems is None else problems
    dataset = data.load(config.dataset, noise=config.noise, test_fraction=config.test_fraction, seed=config.seed)
    if config.loss == "cross_entropy" and dataset.task == "regression":
        problems.append(Message("q_needs_classes", dataset=config.dataset))
        config = config.with_(loss="mse")
    n_train = len(dataset.X_train)
    if config.batch > n_train:
        problems.append(Message("q_batch_rows", batch=config.batch, n=n_train))
        config = config.with_(batch=n_train)
    sizes = [dataset.n_inputs, *config.hidden, dataset.n_outputs]
    most = limits.max_batch(sizes, len(dataset.X_test))
    if config.batch > most:
        problems.append(Message("q_batch_cost", batch=config.batch, most=most))
        config = config.with_(batch=most)
    return config, problems


def to_query(config: Config) -> dict[str, str]:
    """The query parameters of a link that reproduces `config`; an uploaded CSV cannot travel
    in a link, so its link leaves the data set out (the page says so)."""
    return {name: _show(config, name) for name in QUERY if not (name == "dataset" and config.dataset == CSV)}


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
}


def parse_page(params: Mapping[str, str]) -> tuple[dict[str, object], list[str]]:
    """The page options a link asks for (replay step, language, presentation, hidden parts)."""
    options, problems = {name: default for name, (_, default) in PAGE.items()}, []
    for name, (parse, _) in PAGE.items():
        if name in params:
            try:
                options[name] = _parse(params[name], parse)
            except ValueError as error:
                problems.append(Message("q_bad_page", param=_echo(name, params[name]), name=name, error=error))
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
    return query


# -- Streamlit: session state and the address bar ------------------------------------------


# The garbage collector looks at the newest objects once this many more have been made (Python's
# default is 700). A Step makes thousands that live until the session's next run: collected that
# often, they age into the generations a full collection walks, and full collections come every
# few seconds. With 60 students: p95 Step 279 ms at 700, 177 ms at 10,000 (scripts/load_test.py).
YOUNG_OBJECTS = 10_000


@functools.cache
def _settle() -> None:
    """Once per server, at its first page: Streamlit, NumPy, Plotly and this package, all loaded
    by now (over 100,000 objects), live as long as the server, so the garbage collector's full
    collections need not walk them. A full collection holds up every session's Step: with a
    room of 60 (scripts/load_test.py) it took 0.26 s, 0.17 s with these left out (p95 Step
    177 ms with them left out, 246 to 376 ms without).

    The first session's own Streamlit objects are frozen too: when that session ends, they and
    what it kept stay until the server restarts (seen: its trainer outlived it). That is one
    session's budget (explorer/model/limits.py), once per server."""
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


def start() -> None:
    """On a session's first run, read the link into the widgets' starting values."""
    _settle()
    if "config" in st.session_state:
        return
    params = {key: st.query_params[key] for key in st.query_params}  # the last of a repeated key
    config, problems = parse_query(params)
    options, page_problems = parse_page(params)
    counts = {key: len(st.query_params.get_all(key)) for key in st.query_params}
    st.session_state["link_problems"] = repeated(counts) + problems + page_problems
    set_widgets(config)
    st.session_state["config"] = config
    st.session_state["page"] = options
    st.session_state["lang"] = options["lang"]
    st.session_state["quiz_mode"] = options["quiz"]
    st.session_state["replay_to"] = options["step"]


def page() -> dict[str, object]:
    """The page options of this session's link; the language and predict-then-step follow their widgets."""
    ss = st.session_state
    return ss["page"] | {"lang": ss.get("lang", "en"), "quiz": ss.get("quiz_mode", ss["page"]["quiz"])}


def hidden(part: str) -> bool:
    return part in st.session_state["page"]["hide"]


def set_widgets(config: Config) -> None:
    """Put `config` into the sidebar widgets' session-state keys."""
    for f in fields(Config):
        st.session_state[f"cfg_{f.name}"] = getattr(config, f.name)
    st.session_state["cfg_lr_text"] = format_lr(config.lr)
    st.session_state["cfg_lr_preset"] = min(LR_PRESETS, key=lambda preset: abs(math.log(preset / config.lr)))
    st.session_state["cfg_n_hidden"] = len(config.hidden)
    for k, size in enumerate(config.hidden):
        st.session_state[f"cfg_hidden_{k}"] = size


def trainer() -> Trainer:
    return st.session_state["trainer"]


def install(new: Trainer) -> None:
    """Make `new` the session's trainer; the public keys point at its network and history."""
    st.session_state["trainer"] = new
    st.session_state["net"] = new.net
    st.session_state["loss_history"] = new.loss_history
    for stale in ("diverged", "locked_ranges", "gradcheck_result", "quiz_prediction"):  # of the old network
        st.session_state.pop(stale, None)


def sync(config: Config, dataset: data.Dataset | None = None) -> str | None:
    """Bring the session's trainer to `config`; returns a notice when it was rebuilt.

    A change of network, data or seed rebuilds the network from the seed; a change of
    learning rate or batch size keeps the weights. The address bar follows.
    """
    current: Trainer | None = st.session_state.get("trainer")
    notice = None
    same_data = current is not None and (dataset is None or dataset is current.dataset)
    if current is None or current.config.rebuild_key() != config.rebuild_key() or not same_data:
        install(Trainer.from_config(config, dataset))
        if current is not None:
            notice = Message("rebuilt", seed=config.seed)
    else:
        current.config = config
    if st.session_state.pop("replay_to", 0):  # a link to step N replays the seeded run to it
        notice = run_steps(trainer(), page()["step"], "replay_too_long") or notice
    st.session_state["config"] = config
    query = to_query(config) | page_query(page())
    if {key: st.query_params.get(key) for key in st.query_params} != query:
        st.query_params.from_dict(query)
    return notice


def act(action: Callable[..., object], *args: object) -> None:
    """Run a training action; a divergence is kept as the message to show (in the session's
    language), the weights as the trainer left them: as before the step, or, after a
    blow-up, the last sane ones."""
    try:
        action(*args)
    except BlowUpError as error:
        st.session_state["diverged"] = Message("blew_up", step=error.step, start=f"{error.start_loss:.3g}",
                                               loss=f"{error.loss:.3g}", lr=f"{error.lr:g}", back=error.back_to)
        st.session_state["playing"] = False
    except DivergedError:  # the core's message is English; the page says it in its language
        st.session_state["diverged"] = Message("diverged", message=Message("diverged_step", lr=trainer().config.lr))
        st.session_state["playing"] = False
    else:
        st.session_state.pop("diverged", None)


# Long runs of the whole process take turns (see explorer.model.limits): a Step never waits for one.
LONG_RUNS = threading.BoundedSemaphore(limits.MAX_LONG_RUNS)
# The sessions' Steps draw their numbers and charts in turns, one at a time. They share one
# interpreter, and so one core: drawn all at once, every Step of a busy room finishes late
# (60 students: p95 1,002 ms all at once, 627 ms in turns; scripts/load_test.py).
DRAWING = threading.Lock()


def _said(message: Message) -> str:
    return message.to(st.session_state.get("lang", "en"))


def run_steps(t: Trainer, n: int, refusal: str = "run_too_long") -> Message | None:
    """n updates within the limits; returns the message of a refusal (None when it ran).

    Refused beyond limits.MAX_RUN_SECONDS. A run of limits.LONG_RUN_SECONDS or more
    waits its turn among the process's long runs and shows its progress every
    limits.PROGRESS_SECONDS; each update of the page is where Streamlit stops the run
    once its tab has gone (or the page reruns).
    """
    sizes, test_rows = t.net.sizes, len(t.dataset.X_test)
    seconds = n * limits.update_seconds(sizes, t.config.batch, test_rows)
    most = limits.max_run(sizes, t.config.batch, test_rows)
    if n > most:
        return Message(refusal, n=f"{n:,}", seconds=f"{seconds:,.0f}", max=f"{most:,}")
    if seconds < limits.LONG_RUN_SECONDS:
        act(t.run, n)
        return None
    box = st.empty()
    while not LONG_RUNS.acquire(timeout=limits.PROGRESS_SECONDS):
        box.info(_said(Message("queued", n=f"{n:,}")))
    try:
        bar = box.progress(0.0, text=f"0 / {n:,}")
        act(t.run, n, lambda i: bar.progress(i / n, text=f"{i:,} / {n:,}"))
    finally:
        LONG_RUNS.release()
        box.empty()
    return None


def play_refusal(t: Trainer) -> Message | None:
    """Why Play cannot step this network (an update and its redraw too slow for its ticks), or None."""
    sizes = t.net.sizes
    seconds = limits.update_seconds(sizes, t.config.batch, len(t.dataset.X_test)) + limits.draw_seconds(sizes)
    if seconds <= limits.MAX_PLAY_SECONDS:
        return None
    return Message("play_too_slow", max=f"{limits.MAX_PLAY_SECONDS:g}", seconds=f"{seconds:.2f}")

"""The session: its trainer, its page options and the address bar, in `st.session_state`.

The link is parsed by `explorer.ui.links`; the functions here keep `st.session_state` and
`st.query_params` in step with the `Trainer` being shown.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

from explorer.core import DivergedError
from explorer.i18n import Message
from explorer.model import data, limits
from explorer.model.training import BlowUpError, Config, Trainer
from explorer.notation import Notation
from explorer.ui import keys, links, memory, server
from explorer.ui.links import format_lr, nearest_preset, page_query, parse_page, parse_query, repeated, to_query


def start() -> None:
    """On a session's first run, read the link into the widgets' starting values."""
    server.settle()
    memory.lease()  # released by Streamlit when the tab goes (explorer/ui/memory.py)
    if "pending_config" in st.session_state:  # the process's budget sent this session back (`_admit`)
        set_widgets(st.session_state.pop("pending_config"))
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
    st.session_state["notation"] = options["notation"]
    st.session_state["replay_to"] = options["step"]


def page() -> dict[str, object]:
    """The page options of this session's link; the language, predict-then-step, Discretize and the
    notation follow their widgets (Discretize's copy kept while another view is shown: `page.kept`)."""
    ss = st.session_state
    return ss["page"] | {"lang": ss.get("lang", "en"), "quiz": ss.get("quiz_mode", ss["page"]["quiz"]),
                         "discretize": ss.get("kept_discretize", ss["page"]["discretize"]),
                         "notation": ss.get("notation", ss["page"]["notation"])}


def notation() -> Notation:
    """How the page writes vectors and matrices: as rows (the derivation's) or as columns."""
    return Notation(st.session_state.get("notation", "row"))


def hidden(part: str) -> bool:
    return part in st.session_state["page"]["hide"]


def set_widgets(config: Config) -> None:
    """Put `config` into the sidebar widgets' session-state keys."""
    for f in fields(Config):
        st.session_state[f"cfg_{f.name}"] = getattr(config, f.name)
    st.session_state["cfg_lr_text"] = format_lr(config.lr)
    st.session_state["cfg_lr_preset"] = nearest_preset(config.lr)
    st.session_state["cfg_n_hidden"] = len(config.hidden)
    for k, size in enumerate(config.hidden):
        st.session_state[f"cfg_hidden_{k}"] = size


class Stopped(Exception):
    """A Run of this session was asked to stop between two steps: the page wants its trainer."""


class Holder:
    """Which run of the session may touch its trainer: one at a time. When a widget changes,
    Streamlit starts the page's new run at once, while the old one (a Run's loop, say) stops
    only at its next message: the new run asks it to stop and waits until its thread has ended."""

    def __init__(self) -> None:
        self.owner: threading.Thread | None = None
        self.stop = False  # asked of the owner's Run loop, read between its steps
        self.lock = threading.Lock()


def claim() -> None:
    """Make this run the one that touches the session's trainer, once an older run has stopped
    (a Run within limits.PROGRESS_SECONDS). Every way to the trainer passes here first: `trainer`,
    and the callbacks, which Streamlit calls before the page."""
    holder: Holder = st.session_state.setdefault("holder", Holder())
    me = threading.current_thread()
    while True:
        with holder.lock:
            owner = holder.owner
            if owner is None or owner is me or not owner.is_alive():
                holder.owner, holder.stop = me, False
                return
            holder.stop = True
        owner.join(limits.PROGRESS_SECONDS)


def go_on() -> None:
    """Between a Run's steps: raise Stopped when a newer run of the page asked for the trainer,
    or when the page asked to run its Step fragment (Step, Undo, a frame of Play). Streamlit
    would hold that one until the whole page's run ends, and has no public way to tell that it
    waits: its request queue says so."""
    requests = getattr(get_script_run_ctx(), "script_requests", None)
    holder = st.session_state.get("holder")
    if (holder is not None and holder.stop) or getattr(requests, "_state", None) == ScriptRequestType.RERUN:
        raise Stopped


def trainer() -> Trainer:
    claim()
    return st.session_state["trainer"]


def install(new: Trainer) -> None:
    """Make `new` the session's trainer; the public keys point at its network and history."""
    st.session_state["trainer"] = new
    st.session_state["net"] = new.net
    st.session_state["loss_history"] = new.loss_history
    keys.forget_network()  # what the views kept of the old network (explorer/ui/keys.py)


def sync(config: Config, dataset: data.Dataset | None = None) -> str | None:
    """Bring the session's trainer to `config`; returns a notice when it was rebuilt.

    A change of network, data or seed rebuilds the network from the seed; a change of
    learning rate or batch size keeps the weights. The address bar follows.
    """
    claim()
    current: Trainer | None = st.session_state.get("trainer")
    notice = None
    same_data = current is not None and (dataset is None or dataset is current.dataset)
    rebuild = current is None or current.config.rebuild_key() != config.rebuild_key() or not same_data
    if rebuild and dataset is None:
        dataset = data.load(config.dataset, noise=config.noise, test_fraction=config.test_fraction, seed=config.seed)
    _admit(config, dataset or current.dataset, current, rebuild)
    if rebuild:
        install(Trainer(config, dataset))
        if current is not None:
            notice = Message("rebuilt", seed=config.seed)
    else:
        current.config = config
    ss = st.session_state
    notice = ss.pop("budget_notice", None) or notice
    if ss.pop("replay_to", 0):  # a link to step N replays the seeded run to it
        notice = run_steps(trainer(), page()["step"], "replay_too_long") or notice
        if notice is None or trainer().steps == page()["step"]:
            ss["replayed"] = (config, page()["step"])
    ss["config"] = config
    query = to_query(config) | page_query(page())
    if ss.get("replayed", (None,))[0] == config:  # the address bar keeps the step while the link's configuration does
        query["step"] = str(ss["replayed"][1])
    if {key: st.query_params.get(key) for key in st.query_params} != query:
        st.query_params.from_dict(query)
    return notice


def _admit(config: Config, dataset: data.Dataset, current: Trainer | None, rebuild: bool) -> None:
    """Give the session's trainer its room in the process's budget (explorer/ui/memory.py); past
    it, go back to the network the session has (a new session: a small one) and say why. A
    network no larger than the default one is always made: it holds about the history's budget.
    The run kept from before a weights load (`before_load`) counts too; past the budget it goes
    (Undo then stops at the load)."""
    ss, session = st.session_state, memory.session_id()
    nbytes = limits.trainer_bytes(config.sizes(dataset), config.batch)
    small = limits.trainer_bytes(config.with_(hidden=links.DEFAULT.hidden).sizes(dataset), links.DEFAULT.batch)
    if not rebuild and "before_load" in ss:
        if memory.TRAINERS.admit(session, 2 * nbytes) or nbytes <= small:
            return
        ss.pop("before_load").release()
    if nbytes <= small:
        memory.TRAINERS.hold(session, nbytes)
        return
    if memory.TRAINERS.admit(session, nbytes):
        return
    held, sessions = memory.TRAINERS.held()
    back = current.config if current is not None else config.with_(hidden=links.DEFAULT.hidden,
                                                                     batch=min(config.batch, links.DEFAULT.batch))
    ss["budget_notice"] = Message(
        "budget_full", total=f"{memory.TRAINERS.total / 2**20:,.0f}", held=f"{held / 2**20:,.0f}", sessions=sessions,
        mb=f"{nbytes / 2**20:,.0f}", hidden=links.format_hidden(back.hidden) or "–", batch=back.batch)
    ss["pending_config"] = back  # the widgets are drawn by now: `start` sets them on the rerun
    st.rerun()


def act(action: Callable[..., object], *args: object) -> bool:
    """Run a training action; whether it ran without diverging. A divergence is kept as the
    message to show (in the session's language), the weights as the trainer left them: as
    before the step, or, after a blow-up, the last sane ones. A single Step of a large
    network takes its turn among memory.LARGE_STEPS."""
    claim()
    t = getattr(action, "__self__", None)  # Trainer.step
    try:
        if not args and isinstance(t, Trainer) and memory.large_step(t.net.sizes, t.config.batch):
            with memory.LARGE_STEPS:
                action()
        else:
            action(*args)
    except BlowUpError as error:
        st.session_state["diverged"] = Message("blew_up", step=error.step, start=f"{error.start_loss:.3g}",
                                               loss=f"{error.loss:.3g}", lr=f"{error.lr:g}", back=error.back_to)
    except DivergedError:  # the core's message is English; the page says it in its language
        st.session_state["diverged"] = Message("diverged", message=Message("diverged_step", lr=trainer().config.lr))
    else:
        st.session_state.pop("diverged", None)
        return True
    return False


def _name() -> str:
    """This session's name among the server's turns, made at its first turn (not Streamlit's
    session id: every AppTest has the same one)."""
    return st.session_state.setdefault("turns_name", uuid.uuid4().hex)


@contextmanager
def turn() -> Iterator[None]:
    """This session's turn at the interpreter (server.TURNS): after the sessions that used less."""
    with server.TURNS.turn(_name()):
        yield


def offer_turn() -> None:
    """Within this session's turn, between two parts of its work: a lighter session goes first."""
    server.TURNS.offer(_name())


def act_in_turn(action: Callable[..., object], *args: object) -> bool:
    """`act`, in this session's turn: a Step, or a frame of Play."""
    with turn():
        return act(action, *args)


def shares_heavily() -> bool:
    """Whether this session used more than its share of the interpreter lately."""
    return server.TURNS.used(_name()) > limits.SHARE_SECONDS


def _said(message: Message) -> str:
    return message.to(st.session_state.get("lang", "en"))


def run_steps(t: Trainer, n: int, refusal: str = "run_too_long", place: DeltaGenerator | None = None) -> Message | None:
    """n updates within the limits; returns the message of a refusal (None when it ran).

    Refused beyond limits.MAX_RUN_SECONDS. A run of limits.LONG_RUN_SECONDS or more
    waits its turn among the process's long runs and shows its progress every
    limits.PROGRESS_SECONDS in `place` (by default where the page is); each update of the
    page is where Streamlit stops the run once its tab has gone. Every run stops between two
    steps, within limits.PROGRESS_SECONDS, when the page acts again (`go_on`): the page then
    shows the step it stopped at.
    """
    sizes, test_rows = t.net.sizes, len(t.dataset.X_test)
    seconds = n * limits.update_seconds(sizes, t.config.batch, test_rows)
    most = limits.max_run(sizes, t.config.batch, test_rows)
    if n > most:
        return Message(refusal, n=f"{n:,}", seconds=f"{seconds:,.0f}", max=f"{most:,}")
    try:
        if seconds < limits.LONG_RUN_SECONDS:
            act(t.run, n, lambda i: go_on())
            return None
        box = (place or st).empty()
        while not server.LONG_RUNS.acquire(timeout=limits.PROGRESS_SECONDS):
            go_on()
            box.info(_said(Message("queued", n=f"{n:,}")))
        try:
            bar = box.progress(0.0, text=f"0 / {n:,}")

            def progress(i: int) -> None:
                go_on()
                bar.progress(i / n, text=f"{i:,} / {n:,}")

            act(t.run, n, progress)
        finally:
            server.LONG_RUNS.release()
            box.empty()
    except Stopped:
        pass
    return None


def pace(frames: int) -> None:
    """Wait until this session's next `frames` frames of Play may be stepped: at most one such
    batch ahead of 20 frames a second (limits.MIN_FRAME_SECONDS a frame), as the page shows
    them; a script asking faster waits here."""
    ss = st.session_state
    now = time.monotonic()
    due = max(ss.get("frame_due", now), now)  # when the frames asked so far are all shown
    time.sleep(max(0.0, due - frames * limits.MIN_FRAME_SECONDS - now))
    ss["frame_due"] = due + frames * limits.MIN_FRAME_SECONDS


def play_frame(t: Trainer, steps: int) -> bool:
    """One frame of Play (`steps` updates), paced, in this session's turn; whether it ran without diverging."""
    pace(1)
    return act_in_turn(t.run, steps)


def play_refusal(t: Trainer) -> Message | None:
    """Why Play cannot step this network (an update and its redraw too slow for its ticks), or None."""
    sizes = t.net.sizes
    seconds = limits.update_seconds(sizes, t.config.batch, len(t.dataset.X_test)) + limits.draw_seconds(sizes)
    if seconds <= limits.MAX_PLAY_SECONDS:
        return None
    return Message("play_too_slow", max=f"{limits.MAX_PLAY_SECONDS:g}", seconds=f"{seconds:.2f}")

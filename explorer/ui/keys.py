"""Every key the page keeps in `st.session_state`, declared once: the module that owns it (the one
that writes it; others only read it unless it says so) and what it holds. A widget's `key` is a
session-state key too. A name with `{…}` stands for a family of keys (one a layer, field or bug).

Keys marked `of_network` describe the session's network: they go when a new one replaces it
(`forget_network`, called by `session.install`), so that no module below clears the keys of the
modules above it by name. tests/unit/test_keys.py checks that every key the page names is here.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Key:
    owner: str  # the module of explorer/ui/ that owns it
    meaning: str
    of_network: bool = False  # forgotten when the session's network is replaced


KEYS: dict[str, Key] = {
    # session: the session's trainer and what the link asked for
    "trainer": Key("session", "the session's Trainer (network, data, history)"),
    "net": Key("session", "public: the Network being trained (the trainer's), for whoever drives the page"),
    "loss_history": Key("session", "public: the batch loss of every update (the trainer's), likewise"),
    "config": Key("session", "the Config the trainer was last brought to (links.parse_query, then the sidebar)"),
    "page": Key("session", "the link's page options (links.parse_page: lang, present, quiz, step, hide, discretize, "
                           "notation)"),
    "link_problems": Key("session", "what the link asked for that could not be used (Messages); workspace shows them"),
    "replay_to": Key("session", "the link's step=N, until the seeded run has been replayed to it"),
    "replayed": Key("session", "(config, N) of a link's step=N, replayed: the address bar keeps step=N with it"),
    "turns_name": Key("session", "the session's name among the server's turns of Steps (server.TURNS)"),
    "diverged": Key("session", "the Message of the last blow-up or divergence, until a step succeeds", of_network=True),
    "holder": Key("session", "which run of the session may touch its trainer (session.Holder)"),
    "budget_notice": Key("session", "why the process's budget of networks sent this session back, until shown"),
    "pending_config": Key("session", "the Config the budget sent this session back to, set into the widgets next run"),
    "frame_due": Key("session", "when Play's next frame may step (time.monotonic), at most 20 frames a second"),
    "lang": Key("sidebar", "the page's language, en or zh (the sidebar's widget; the link sets it first)"),
    "notation": Key("sidebar", "how vectors are written: row (the derivation's) or column (the sidebar's switch "
                               "under the language; the link sets it first)"),
    "quiz_mode": Key("workspace", "predict, then step is on (the switch beside the views; the link sets it first)"),
    # sidebar: the configuration's widgets (session.set_widgets fills them from a Config)
    "cfg_{name}": Key("sidebar", "the widget of one Config field (cfg_dataset, cfg_seed, ...)"),
    "cfg_dataset": Key("sidebar", "the data set"),
    "cfg_activation": Key("sidebar", "the hidden layers' activation f"),
    "cfg_loss": Key("sidebar", "the loss, mse or cross_entropy"),
    "cfg_lr_preset": Key("sidebar", "the learning rate η chosen from the presets"),
    "cfg_lr_text": Key("sidebar", "the learning rate η as typed"),
    "cfg_batch": Key("sidebar", "the batch size B"),
    "cfg_seed": Key("sidebar", "the seed of the weights, the data and the batches"),
    "cfg_noise": Key("sidebar", "the noise of a generated data set"),
    "cfg_features": Key("sidebar", "the input features computed from a 2-D data set's x₁, x₂"),
    "cfg_reg": Key("sidebar", "the regularisation: none, l2 or l1 (the app's addition to (17))"),
    "cfg_lam": Key("sidebar", "the regularisation rate λ"),
    "cfg_test_fraction": Key("sidebar", "the test fraction"),
    "cfg_n_hidden": Key("sidebar", "how many hidden layers"),
    "cfg_hidden_{k}": Key("sidebar", "the size of hidden layer k (from 0)"),
    "csv_file": Key("sidebar", "the uploaded CSV"),
    "csv_target": Key("sidebar", "the uploaded CSV's target column"),
    "csv_task": Key("sidebar", "the uploaded CSV's task: auto, classification or regression"),
    "csv_dataset": Key("sidebar", "the Dataset read from the uploaded CSV, with what it was read from"),
    "lock_colours": Key("sidebar", "keep the heatmaps' colour ranges from step to step"),
    # controls: what drives the network
    "step": Key("controls", "the Step button"),
    "undo": Key("controls", "the Undo button"),
    "run": Key("controls", "the Run n steps button"),
    "n_steps": Key("controls", "n of Run n steps"),
    "play": Key("controls", "the Play/Pause button"),
    "playing": Key("controls", "Play is on"),
    "per_frame": Key("controls", "Play's steps per frame"),
    "play_refused": Key("controls", "why Play cannot step this network (a Message), until shown"),
    "reset": Key("controls", "the Reset button"),
    "viewed_step": Key("controls", "the step the views show (the History view's slider sets it too)"),
    "view_latest": Key("controls", "the latest step when viewed_step was last set: a newer one shows the latest"),
    "view_back": Key("controls", "the button back to the latest step"),
    "viewed_edits": Key("controls", "of the viewed step, the entry after its hand edit of this number (Edit.nth; "
                                     "0: as stepped, None: its last); the History view sets it too (editing)"),
    # workspace: the page around the views
    "view": Key("workspace", "the view shown (network, equations, ...; lessons' Open the derivation sets it too)"),
    "frame": Key("workspace", "the frame of Play the clock last asked for"),
    "clock": Key("workspace", "Play's clock (explorer/ui/clock.js)"),
    "stepper": Key("workspace", "the container of Step's fragment (the numbers): its CSS class st-key-stepper"),
    "stepping": Key("workspace", "the container of Step and Undo, which Step's fragment fills: st-key-stepping"),
    "board_slot": Key("network_view", "the container of the board and the lines under it, which Step's fragment fills"),
    # page: settings kept while another view is shown (page.kept)
    "kept_{key}": Key("page", "the copy of a view's setting `key` kept while another view is shown"),
    "kept_discretize": Key("page", "Discretize's copy, which session.page reads for the link on every view"),
    # network_view: the Network view
    "show_panels": Key("network_view", "the extra panels shown: ∂L/∂W, ΔW"),
    "colour_scale": Key("network_view", "the heatmaps' colour range: per matrix or per layer"),
    "locked_mode": Key("network_view", "the colour scale the locked ranges were taken in"),
    "locked_ranges": Key("network_view", "the locked colour ranges by matrix", of_network=True),
    "loss_log": Key("network_view", "the loss curve on a log scale"),
    "discretize": Key("network_view", "the regions by class alone, not shaded by confidence (the link sets it first)"),
    "dg_edges": Key("network_view", "what the diagram's edges show"),
    "dg_nodes": Key("network_view", "what the diagram's nodes show"),
    "dg_sample": Key("network_view", "the batch row the diagram shows (from 1)"),
    "pick": Key("network_view", "follow one weight W^l[i, j] through the diagram"),
    "pick_l": Key("network_view", "l of the followed weight"),
    "pick_i": Key("network_view", "i of the followed weight"),
    "pick_j": Key("network_view", "j of the followed weight"),
    "show_learned": Key("network_view", "show what the hidden neurons learned"),
    # editing: hand edits of one weight (explorer/ui/editing.py)
    "edit_value": Key("editing", "the value typed beside the picked weight's indices"),
    "edit_apply": Key("editing", "the Set button: the picked weight gets the value typed"),
    "edit_problem": Key("editing", "why the last hand edit was refused (a Message), until shown"),
    "view_edits": Key("editing", "the History view's choice among the viewed step's kept entries, by Snapshot.nth"),
    # board: the Network view's live component (explorer/ui/board.py)
    "board": Key("board", "the board component: its triggers (need: Play's next chunk; rewind: the step on the "
                          "screen at Pause; missing: it has no structure; peek: a hover's exact entry; explain: "
                          "[key, i, j], a cell clicked; edit: a weight set by hand)"),
    "explained": Key("explain_panel", "the board's cell whose derivation is open under it (explain.Cell), set by "
                                      "the board's explain trigger", of_network=True),
    "board_sent": Key("board", "the name of the structure the board was last sent (figures.board.version)"),
    "board_pictured": Key("board", "what the board's data half draws: regions, surface, fit or None"),
    "board_curve": Key("board", "the last step of the loss curve the board holds: later points are sent"),
    "board_seq": Key("board", "Play's chunks sent so far: the board takes each once"),
    "board_peek": Key("board", "the entry a hover asked for (the peek trigger), answered in this run"),
    "board_shows": Key("board", "what the board's last frame was of (structure, trainer, step, view)"),
    "board_head": Key("board", "the header of the last frame sent (its colour ranges, …)"),
    # explain_panel: a board cell's derivation, under the board
    "explain_panel": Key("explain_panel", "the box of the open derivation"),
    "explain_open": Key("explain_panel", "the button to the Equations view at the explained cell's entry"),
    "explain_close": Key("explain_panel", "the button that closes the derivation"),
    # lessons: the lesson views and the quiz
    "eq_layer": Key("lessons", "the layer the Equations view writes out"),
    "eq_rows": Key("lessons", "how many batch rows the Equations view writes out"),
    "open_derivation": Key("lessons", "the button to the Derivation view"),
    "cell_i": Key("lessons", "i of the entry of ∂L/∂W traced sample by sample"),
    "cell_j": Key("lessons", "j of that entry"),
    "cell_r": Key("lessons", "the batch row of the chain rule's scalar"),
    "phase": Key("lessons", "the phase shown by Phase by phase"),
    "phase_of": Key("lessons", "the step the phases belong to: another step starts them again"),
    "phase_next": Key("lessons", "the Next phase button"),
    "phase_restart": Key("lessons", "the Start again button of Phase by phase"),
    "view_step": Key("lessons", "the History view's slider"),
    "download_weights": Key("lessons", "the weights' download"),
    "download_loss": Key("lessons", "the loss history's download"),
    "download_handout": Key("lessons", "the handout's download"),
    "upload_weights": Key("lessons", "the weights' upload"),
    "loaded_weights": Key("lessons", "the id of the last weights file loaded: each is loaded once"),
    "weights_message": Key("lessons", "what loading the last weights file said: (kind, Message)"),
    "before_load": Key("lessons", "the Trainer before weights were loaded, for Undo (controls)", of_network=True),
    # checking: the gradient check
    "gradcheck": Key("checking", "the Run the gradient check (then Check another sample) button"),
    "gradcheck_all": Key("checking", "the Check every entry button"),
    "gradcheck_result": Key("checking", "the gradient check of the shown step so far: (step, bugs, result, its "
                                        "entries merged over the clicks)", of_network=True),
    "bug_{name}": Key("checking", "the switch that injects bug `name` (explorer.model.bugs)"),
    # quiz_panel: predict, then step
    "quiz_kind": Key("quiz_panel", "the kind of question chosen (kept across Steps)"),
    "quiz_question": Key("quiz_panel", "the question about the next Step, with what it was asked of"),
    "quiz_answer_{step}_{kind}": Key("quiz_panel", "the answer widget of the question at a step"),
    "quiz_commit": Key("quiz_panel", "the Commit button"),
    "quiz_prediction": Key("quiz_panel", "the committed prediction, until the Step checks it (a hand edit "
                                                  "drops it: editing)", of_network=True),
    "quiz_last": Key("quiz_panel", "the last prediction checked: question, predicted, actual, right, its step"),
    "quiz_score": Key("quiz_panel", "(right, asked) so far"),
    "quiz_at": Key("quiz_panel", "the state last drawn (digest, step, config): a Step or Undo since is seen"),
    "quiz_seen": Key("quiz_panel", "digests of states whose next Step has been seen: not scored again (at most 1,000)"),
}


def forget_network() -> None:
    """Forget what described the session's previous network (the keys declared `of_network`)."""
    for name, key in KEYS.items():
        if key.of_network:
            st.session_state.pop(name, None)

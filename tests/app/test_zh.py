"""With `lang=zh` the page speaks Chinese everywhere except in formulas.

Every view (read from `explorer.ui.workspace.VIEWS`) is rendered through AppTest before and after
a Step, for a classification and a regression data set and an uploaded CSV, with each of
the view's own buttons, switches and choices tried; the link warnings, the rebuild and
divergence notices, the CSV and weights-file errors and the worked-step handout are
rendered too. Everything the page shows is collected (markdown, captions, labels, help,
options, metric labels, table headers and cells, chart titles, keys, axis titles, trace
names and hover text; the board's words) and the test fails on any English word outside a formula.

The rule: a word is a run of three or more ASCII letters, after taking out what is not
prose: LaTeX ($…$, $$…$$; the text of \\text{…} is kept and checked), inline code (`…`:
a link's parameters or a file's values quoted verbatim), HTML tags, Material icons, and
`st.code` blocks (the share link). A word is allowed only if it is in ALLOWED.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from google.protobuf.message import Message as Proto
from specs import chart, structure
from streamlit.testing.v1 import AppTest

from explorer.i18n import STRINGS
from explorer.teaching import export
from explorer.ui import network_view, workspace

APP = str(Path(__file__).parents[2] / "app.py")

# The words that stay as they are in Chinese, each because it is a name, not prose:
ALLOWED = {
    # the activations' and the method's own names, as the formulas write them
    "ReLU", "tanh", "sigmoid", "softmax", "SGD",
    # functions in formulas written in plain text: "y = sin x", "max |M|"
    "sin", "max",
    # formats and encodings a user has to recognise on their own files
    "CSV", "csv", "npz", "UTF", "Markdown", "LaTeX",
    # the logic gate the XOR data set is named after
    "XOR",
    # the language switch names each language in that language
    "English",
}
WORD = re.compile(r"[A-Za-z]{3,}")
CONTROLS = {"step", "run", "play", "undo", "reset"}  # the workspace's own buttons, driven separately
TEXT_FIELDS = {"label", "help", "body", "options", "content", "text", "placeholder", "caption"}
CLICKS = 30  # at most this many presses of a view's button (every phase of an update, one by one)


# -- collecting what the page shows ---------------------------------------------------------


def prose(text: str) -> str:
    """`text` without formulas, code, tags, style sheets and icons; the text of LaTeX's \\text{…} kept."""
    kept = " ".join(re.findall(r"\\(?:text|textrm|textbf|mbox)\{([^{}]*)\}", text))
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)  # CSS is never shown
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"(?<!\\)\$.+?(?<!\\)\$", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"<[^<>]*>", " ", text)
    text = re.sub(r":material/[a-z_]+:", " ", text)
    text = re.sub(r"%\{[^}]*\}", " ", text)  # Plotly's hover placeholders
    return f"{text} {kept}"


def english(text: str) -> list[str]:
    return [word for word in WORD.findall(prose(text)) if word not in ALLOWED]


def _proto_texts(proto: Proto, out: list[str]) -> None:
    for field, value in proto.ListFields():
        values = value if isinstance(value, (list, tuple)) or type(value).__name__.startswith("Repeated") else [value]
        for v in values:
            if isinstance(v, Proto):
                _proto_texts(v, out)
            elif isinstance(v, str) and field.name in TEXT_FIELDS:
                out.append(v)


def figure_texts(spec: dict) -> list[str]:
    """Titles, keys (annotations), axis titles, trace names and hover text of a Plotly figure."""
    layout, out = spec.get("layout", {}), []
    title = layout.get("title")
    out.append(title.get("text", "") if isinstance(title, dict) else str(title or ""))
    out += [a.get("text", "") for a in layout.get("annotations", [])]
    for name, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", name) and isinstance(axis.get("title"), dict):
            out.append(axis["title"].get("text", ""))
    for trace in spec.get("data", []):
        out += [str(trace.get("name", "")), str(trace.get("hovertemplate", ""))]
        for bar in (trace.get("colorbar"), trace.get("marker", {}).get("colorbar")):
            if isinstance(bar, dict) and isinstance(bar.get("title"), dict):
                out.append(bar["title"].get("text", ""))
    return out


def board_texts(words: dict) -> list[str]:
    """Every word of the board (explorer/ui/static/ draws no other): its titles, keys, axis
    titles and hover words."""
    return [text for value in words.values() for text in (value if isinstance(value, list) else [value])]


def page_texts(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) for everything the page shows."""
    assert not at.exception, [e.message for e in at.exception]
    out: list[tuple[str, str]] = []
    try:
        at.get_by_key("board")
    except KeyError:
        pass
    else:  # the board's words come with its structure: a run that builds it again sends them
        out.extend(("board", text) for text in board_texts(structure(at)["words"]))

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if kind == "bidi_component" and node.key == "board":
            return
        if kind in ("plotly_chart", "bidi_component"):
            out.extend((f"chart {node.key}", text) for text in figure_texts(chart(at, node.key)))
        elif kind in ("dataframe", "arrow_data_frame"):
            table = node.value
            table = getattr(table, "data", table)  # a Styler's table
            out.extend(("table header", str(c)) for c in table.columns)
            out.extend(("table cell", v) for v in table.to_numpy().ravel() if isinstance(v, str))
        elif kind != "code" and proto is not None:  # st.code: the share link, a URL
            texts: list[str] = []
            _proto_texts(proto, texts)
            out.extend((kind, text) for text in texts)
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return out


def assert_chinese(shown: list[tuple[str, str]]) -> None:
    """Fail with one line per text that has English in it."""
    found = sorted({f"{where}: {words} in {text[:160]!r}" for where, text in shown if (words := english(text))})
    assert not found, "English outside formulas:\n" + "\n".join(found)


# -- driving the page ---------------------------------------------------------------------------


def open_zh(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in ({"lang": "zh"} | params).items():
        at.query_params[name] = value
    return at.run()


def keyed(at: AppTest, kind: str) -> list:
    return [e for e in at.main.get(kind) if getattr(e, "key", None)]


def show_view(at: AppTest, view: str) -> list[tuple[str, str]]:
    at.session_state["view"] = view
    at.run()
    return page_texts(at)


def explore_view(at: AppTest, view: str) -> list[tuple[str, str]]:
    """Show `view`, then try its own choices, switches and buttons; everything shown on the way."""
    shown = show_view(at, view)
    if view == "network":  # every optional panel of the network figure
        at.button_group(key="show_panels").set_value(list(network_view.GRADIENT_PANELS)).run()
        shown += page_texts(at)
    for box in keyed(at, "selectbox"):
        for index in range(len(box.options)):
            at.selectbox(key=box.key).select_index(index).run()
            shown += page_texts(at)
    buttons = [b.key for b in keyed(at, "button") if b.key not in CONTROLS]
    shown += press(at, buttons, CLICKS)
    for switch in [t.key for t in keyed(at, "toggle")]:  # one at a time: each injected bug on its own
        at.toggle(key=switch).set_value(True).run()
        shown += page_texts(at) + press(at, buttons, 1)
        at.toggle(key=switch).set_value(False).run()
    return shown


def press(at: AppTest, keys: list[str], times: int) -> list[tuple[str, str]]:
    """Press each button up to `times` times, until it is gone, shows nothing new or takes a
    step (the end of the phases); everything shown on the way."""
    shown = []
    for key in keys:
        steps, last = at.session_state["trainer"].steps, None
        for _ in range(times):
            if not any(b.key == key and not b.disabled for b in keyed(at, "button")):
                break
            at.button(key=key).click().run()
            now = page_texts(at)
            if now == last:
                break
            shown, last = shown + now, now
            if at.session_state["trainer"].steps != steps:
                break
    return shown


def csv_bytes(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


# Column names in Chinese, so that every ASCII word of an error is the app's own, not the file's.
GOOD_CSV = csv_bytes("甲,乙,丙,类", [f"{np.sin(k):.4f},{np.cos(k):.4f},{k % 7 / 7:.4f},{k % 3}" for k in range(60)])


# -- the views --------------------------------------------------------------------------------


def test_views_come_from_the_code():
    assert {"network", "equations", "phases", "gradcheck", "history", "export"} <= set(workspace.VIEWS)


@pytest.mark.parametrize("dataset", ["circles", "sine", "plane", "csv"])
def test_every_view_speaks_chinese_before_and_after_a_step(dataset):
    at = open_zh(**({} if dataset == "csv" else {"dataset": dataset}))
    if dataset == "csv":
        at.selectbox(key="cfg_dataset").set_value("csv").run()
        shown = page_texts(at)  # the uploader, before a file
        at.file_uploader(key="csv_file").set_value(("数据.csv", GOOD_CSV, "text/csv")).run()
        assert at.session_state["net"].sizes[0] == 3
    else:
        shown = []
    shown += page_texts(at)
    assert any(where == "board" for where, _ in shown), "the board was not read: its words missed"
    for view in workspace.VIEWS:
        shown += show_view(at, view)
    at.button(key="step").click().run()
    for view in workspace.VIEWS:
        shown += explore_view(at, view)
    assert any(where == "table header" for where, _ in shown), "no table was read: every table's words missed"
    assert_chinese(shown)


def test_the_network_view_of_digits_speaks_chinese():  # 64 inputs: pictures of its own, where there are any
    at = open_zh(dataset="digits")
    at.button(key="step").click().run()
    assert_chinese(explore_view(at, "network"))


def test_a_run_of_steps_and_the_history_speak_chinese():
    at = open_zh(dataset="spiral3")
    at.number_input(key="n_steps").set_value(3).run()
    at.button(key="run").click().run()
    shown = page_texts(at)
    shown += explore_view(at, "history")
    at.slider(key="view_step").set_value(1).run()  # looking back at an earlier step
    shown += page_texts(at) + explore_view(at, "network") + explore_view(at, "phases")
    assert_chinese(shown)


def test_predict_then_step_speaks_chinese():
    at = open_zh(quiz="1", activation="relu", hidden="4")
    shown = page_texts(at)
    for index in range(len(at.selectbox(key="quiz_kind").options)):
        at.selectbox(key="quiz_kind").select_index(index).run()
        question = at.session_state["quiz_question"][1]
        (answer,) = [w for w in at.main.get("radio") + at.main.get("multiselect") if str(w.key).startswith("quiz_")]
        answer.set_value([question.choices[0]] if answer.type == "multiselect" else question.choices[0]).run()
        shown += page_texts(at)
        at.button(key="quiz_commit").click().run()
        shown += page_texts(at)
        at.button(key="step").click().run()  # the prediction is scored against the step
        assert at.session_state["quiz_score"][1] == index + 1
        shown += page_texts(at)
    assert_chinese(shown)


# -- warnings, notices and errors -------------------------------------------------------------------


def test_link_warnings_speak_chinese():
    at = open_zh(dataset="nope", hidden="8,x", activation="swish", loss="hinge", lr="fast", batch="0",
                 seed="-1", noise="2", split="0.9", step="two", present="maybe", hide="everything")
    shown = page_texts(at)
    assert len(at.warning) == 12, [w.value for w in at.warning]
    assert_chinese(shown)
    at = open_zh(dataset="plane", loss="cross_entropy", batch="100000", hidden=",".join(["4"] * 9))
    assert len(at.warning) == 3, [w.value for w in at.warning]
    assert_chinese(page_texts(at))


def test_the_rebuild_notice_and_a_bad_learning_rate_speak_chinese():
    at = open_zh()
    at.number_input(key="cfg_seed").set_value(3).run()
    assert at.info, "no rebuild notice"
    shown = page_texts(at)
    at.text_input(key="cfg_lr_text").set_value("快").run()
    assert at.error
    shown += page_texts(at)
    at.text_input(key="cfg_lr_text").set_value("1000").run()
    shown += page_texts(at)
    assert_chinese(shown)


def test_divergence_speaks_chinese():
    at = open_zh(dataset="sine", loss="mse", lr="100", hidden="64,64", activation="relu")
    at.number_input(key="n_steps").set_value(10).run()
    at.button(key="run").click().run()
    assert at.error, "the network did not diverge"
    assert_chinese(page_texts(at))


BAD_CSVS = [
    csv_bytes("甲", [str(k) for k in range(20)]),  # one column
    csv_bytes("甲,类", ["1,0", "2,1"]),  # too few rows
    csv_bytes("甲,类", [f"{'猫' if k == 3 else k},{k % 2}" for k in range(20)]),  # a text feature
    csv_bytes("甲,类", [f"{'' if k == 4 else k},{k % 2}" for k in range(20)]),  # a missing value
    csv_bytes("甲,类", [f"{k},类{k}" for k in range(30)]),  # 30 classes
    csv_bytes("甲,类", [f"{k},{'inf' if k == 5 else k % 2}" for k in range(20)]),  # an infinite value
    csv_bytes("甲,乙", [f"{k},{k},{k}" if k == 6 else f"{k},{k}" for k in range(20)]),  # a row too long
    b"\xff\xfe\x00\x01",  # not UTF-8
    b"   \n",  # empty
]


def test_csv_errors_speak_chinese():
    at = open_zh()
    at.selectbox(key="cfg_dataset").set_value("csv").run()
    shown = []
    for k, raw in enumerate(BAD_CSVS):
        at.file_uploader(key="csv_file").set_value((f"坏{k}.csv", raw, "text/csv")).run()
        assert at.error, f"CSV {k} was accepted"
        shown += page_texts(at)
    at.file_uploader(key="csv_file").set_value(("数据.csv", csv_bytes("甲,类", [f"{k},5" for k in range(20)]),
                                                "text/csv")).run()
    at.radio(key="csv_task").set_value("regression").run()  # a constant target
    assert at.error
    shown += page_texts(at)
    assert_chinese(shown)


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_weights_file_errors_speak_chinese():
    at = open_zh(hidden="3")
    at.session_state["view"] = "export"
    at.run()
    net = at.session_state["net"]
    right = {f"W{k + 1}": W for k, W in enumerate(net.W)} | {f"b{k + 1}": b for k, b in enumerate(net.b)}
    files = [
        b"not a zip",
        _npz(W1=np.zeros((5, 5))),
        _npz(**(right | {"W1": np.zeros((9, 9))})),
        _npz(**(right | {"W1": np.full(net.W[0].shape, np.nan)})),
        _npz(**(right | {"W9": np.zeros((1, 1))})),
        _npz(**(right | {"b1": np.array([["甲"] * net.b[0].shape[1]])})),
    ]
    shown = []
    for k, raw in enumerate(files):
        at.file_uploader(key="upload_weights").set_value((f"权重{k}.npz", raw, "application/octet-stream")).run()
        assert at.error, f"weights file {k} was accepted"
        shown += page_texts(at)
    at.file_uploader(key="upload_weights").set_value(("好.npz", _npz(**right), "application/octet-stream")).run()
    assert at.success
    assert_chinese(shown + page_texts(at))


# -- the handout ----------------------------------------------------------------------------------


def test_the_handout_speaks_chinese():
    at = open_zh(hidden="3", batch="4")
    at.button(key="step").click().run()
    t = at.session_state["trainer"]
    s = t.complete(t.snapshot(t.steps))  # with δ^1, as the export view hands it out
    text = export.handout(t.network_at(s), s, t.config.dataset, lang="zh")
    assert_chinese([("handout", line) for line in prose(text).splitlines()])  # formulas span lines


# -- every Chinese string, shown or not yet ------------------------------------------------------


def test_every_chinese_string_is_chinese():
    # Placeholders are filled in by the page; what fills them is checked where it is shown.
    assert_chinese([(key, re.sub(r"\{[^{}]*\}", " ", text)) for key, text in STRINGS["zh"].items()])


# -- the rule itself ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, words", [
    ("单步", []),
    ("Press Step first", ["Press", "Step", "first"]),
    ("$\\mathrm{softmax}(y)$ 与 $a^l$", []),
    ("$$ L = \\text{the loss} $$", ["the", "loss"]),
    ("`dataset=nope`：数据集必须是以下之一", []),
    ("<b>损失</b><br><span style='font-size:12px'>训练</span>", []),
    (":material/check_circle: **前向**", []),
    ("<style>h1 { padding-top: 0.2rem; }</style>Press", ["Press"]),
    ("predicted class %{z}<extra></extra>", ["predicted", "class"]),
    ("ReLU、tanh 与 CSV", []),
])
def test_the_rule_finds_english_words_outside_formulas(text, words):
    assert english(text) == words


def test_figure_texts_reads_titles_keys_axes_and_names():
    spec = json.loads(json.dumps({
        "data": [{"name": "train", "hovertemplate": "x=%{x}"},
                 {"marker": {"colorbar": {"title": {"text": "bar"}}}}],
        "layout": {"title": {"text": "T"}, "annotations": [{"text": "key"}], "xaxis2": {"title": {"text": "step"}}},
    }))
    assert set(figure_texts(spec)) >= {"T", "key", "step", "train", "x=%{x}", "bar"}


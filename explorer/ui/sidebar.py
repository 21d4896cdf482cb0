"""The sidebar: the configuration of a run (data set, network, training), and an uploaded CSV.
"""

from __future__ import annotations

import streamlit as st

from explorer import i18n
from explorer.core import ACTIVATIONS, count_parameters
from explorer.model import config as rules
from explorer.model import data, features, penalty
from explorer.model.config import Config
from explorer.notation import NOTATIONS
from explorer.ui import links, page, session

_ = page.label
LAMBDA_PRESETS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # TensorFlow Playground's rates


def _lr_from_preset() -> None:
    st.session_state["cfg_lr_text"] = links.format_lr(st.session_state["cfg_lr_preset"])


def _preset_from_lr() -> None:
    """The presets follow a typed η: the nearest one (on a log scale), when η is a valid number."""
    try:
        lr = links.parse_lr(st.session_state["cfg_lr_text"])
    except ValueError:
        return  # the page names what is wrong with it
    st.session_state["cfg_lr_preset"] = links.nearest_preset(lr)


def _csv_dataset(test_fraction: float, seed: int) -> data.Dataset | None:
    """The uploaded CSV as a data set, parsed once per (file, target, task, split, seed)."""
    upload = st.file_uploader(_("csv_file"), type="csv", key="csv_file", max_upload_size=data.MAX_CSV_MB)
    page.uploader_hint("CSV", data.MAX_CSV_MB)
    if upload is None:
        st.info(_("csv_wait"))
        return None
    try:
        columns = data.csv_columns(upload)
        target = st.selectbox(_("csv_target"), columns, index=len(columns) - 1, key="csv_target")
        task = st.radio(_("csv_task"), ["auto", "classification", "regression"], horizontal=True, key="csv_task",
                        format_func=page.options("task_"))
        key = (upload.file_id, target, task, test_fraction, seed)
        cached = st.session_state.get("csv_dataset")
        if cached is None or cached[0] != key:
            cached = (key, data.from_csv(upload, target, task=task, test_fraction=test_fraction, seed=seed))
            st.session_state["csv_dataset"] = cached
        return cached[1]
    except data.DataError as error:
        st.error(_("csv_bad", error=page.say(error)))
        return None


def _features(name: str, previous: Config) -> tuple[str, ...]:
    """The input features of a 2-D data set, in the input layer's order; the plain (x₁, x₂) for
    any other (the choice is drawn disabled there, and kept for the next 2-D set)."""
    planar = features.applies(name)
    picked = st.multiselect(_("s_features"), list(features.FEATURES), key="cfg_features", disabled=not planar,
                            format_func=features.SHOWN.get, help=_("s_features_help"),
                            placeholder=_("s_features_placeholder"))
    if not planar:
        return features.DEFAULT
    if not picked:
        st.error(_("s_features_none"))
        return previous.features if features.applies(previous.dataset) else features.DEFAULT
    return tuple(feature for feature in features.FEATURES if feature in picked)


def sidebar() -> tuple[Config, data.Dataset | None]:
    """The configuration widgets; returns the chosen Config (and an uploaded data set)."""
    ss = st.session_state
    previous: Config = ss["config"]
    if session.hidden("config"):  # a classroom link fixes the configuration
        return previous, None
    with st.sidebar:
        st.segmented_control(_("s_language"), list(i18n.LANGUAGES), key="lang", required=True,
                             format_func=i18n.LANGUAGES.get, label_visibility="collapsed")
        st.segmented_control(_("notation"), NOTATIONS, key="notation", required=True, help=_("notation_help"),
                             format_func=page.options("notation_"))
        page.heading(_("s_data"), 2)
        name = st.selectbox(_("s_dataset"), [*data.DATASETS, links.CSV], format_func=page.options("ds_"),
                            key="cfg_dataset")
        # Always drawn (disabled where it does not apply): a widget left out of a run loses its session.
        st.slider(_("s_noise"), 0.0, rules.MAX_NOISE, step=0.05, key="cfg_noise", disabled=name not in data.SYNTHETIC,
                  help=_("s_noise_help"))
        st.slider(_("s_split"), 0.0, rules.MAX_TEST_FRACTION, step=0.05, key="cfg_test_fraction",
                  help=_("s_split_help"))
        uploaded = None
        if name == links.CSV:
            uploaded = _csv_dataset(ss["cfg_test_fraction"], ss["cfg_seed"])
            if uploaded is not None or previous.dataset == links.CSV:
                st.caption(_("csv_link"))
            if uploaded is None and previous.dataset == links.CSV:  # keep the CSV already in use
                uploaded = session.trainer().dataset
            elif uploaded is None:  # keep training what is there until a usable file arrives
                name = previous.dataset
        dataset = uploaded or data.load(name, noise=ss["cfg_noise"], test_fraction=ss["cfg_test_fraction"],
                                        seed=ss["cfg_seed"])

        page.heading(_("s_network"), 2)
        st.number_input(_("s_hidden"), 0, rules.MAX_HIDDEN_LAYERS, key="cfg_n_hidden")
        hidden = []
        for k in range(ss["cfg_n_hidden"]):
            ss.setdefault(f"cfg_hidden_{k}", 8)
            hidden.append(st.number_input(_("s_neurons", layer=k + 2), 1, rules.MAX_HIDDEN_SIZE,
                                          key=f"cfg_hidden_{k}"))
        st.selectbox(_("s_activation"), list(ACTIVATIONS), key="cfg_activation",
                     format_func=page.options("d_act_"))
        losses = rules.losses(dataset)  # the rules a link follows too (explorer.model.config.fit)
        if ss["cfg_loss"] not in losses:
            ss["cfg_loss"] = losses[0]
        st.selectbox(_("s_loss"), losses, key="cfg_loss", format_func=page.options("loss_"))
        chosen = _features(name, previous)
        sizes = [features.width(name, chosen, dataset.n_inputs), *hidden, dataset.n_outputs]
        st.caption(_("s_sizes", sizes=sizes, count=count_parameters(sizes)))

        page.heading(_("s_training"), 2)
        st.select_slider(_("s_lr_presets"), links.LR_PRESETS, key="cfg_lr_preset",
                         format_func=lambda v: f"{v:g}", on_change=_lr_from_preset)
        lr_text = st.text_input(_("s_lr"), key="cfg_lr_text", help=_("s_lr_help"), on_change=_preset_from_lr)
        try:
            lr = links.parse_lr(lr_text)
        except ValueError as error:
            st.error(_("lr_bad", text=i18n.code(lr_text), error=page.say(error), lr=links.format_lr(previous.lr)))
            lr = previous.lr
        n_train, most = rules.batch_bounds(sizes, dataset)
        most = min(n_train, most)
        ss["cfg_batch"] = min(ss["cfg_batch"], most)
        st.number_input(_("s_batch", n=most), 1, most, key="cfg_batch")
        if most < n_train:
            st.caption(_("batch_capped", max=most))
        st.number_input(_("s_seed"), 0, rules.MAX_SEED, key="cfg_seed",
                        help=_("s_seed_help"))
        reg = st.selectbox(_("s_reg"), penalty.KINDS, key="cfg_reg", format_func=page.options("reg_"),
                           help=_("s_reg_help"))
        st.select_slider(_("s_lam"), sorted({*LAMBDA_PRESETS, ss["cfg_lam"]}), key="cfg_lam",
                         format_func=lambda v: f"{v:g}", disabled=reg == "none")
        st.toggle(_("s_lock"), key="lock_colours",
                  help=_("s_lock_help"))
    config = Config(
        dataset=links.CSV if uploaded is not None else name,
        hidden=tuple(int(size) for size in hidden),
        activation=ss["cfg_activation"],
        loss=ss["cfg_loss"],
        lr=lr,
        batch=int(ss["cfg_batch"]),
        seed=int(ss["cfg_seed"]),
        noise=float(ss["cfg_noise"]),
        test_fraction=float(ss["cfg_test_fraction"]),
        features=chosen,
        reg=ss["cfg_reg"],
        lam=float(ss["cfg_lam"]),
    )
    return config, uploaded

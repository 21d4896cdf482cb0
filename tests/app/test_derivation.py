"""Tests of the rest of the derivation shown with a step's numbers, (16), (24) to (25) and
one entry through the chain rule; of the labels that say what is the derivation's and what the
app adds; of the handout's notes and its 中文; and of the derivation documents.

References are independent where the point is a second way to the same number: finite
differences for the softmax Jacobian, the chain with ⊙ f′ multiplied out here for (16),
the sums written out again for one entry.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from specs import trained
from streamlit.testing.v1 import AppTest

from explorer import i18n
from explorer.core import Network, log_softmax
from explorer.model.training import Config, Snapshot, Trainer
from explorer.notation import sup
from explorer.teaching import chain, export, teach

ROOT = Path(__file__).parents[2]
APP = str(ROOT / "app.py")




def latest(steps: int = 2, **changes) -> tuple[Network, Snapshot]:
    """The network of `trained(steps=steps, **changes)` (tests/specs.py) and its latest step with δ^1, as the
    equations view shows it."""
    t = trained(steps=steps, **changes)
    return t.net, t.complete(t.current)


def softmax(y: np.ndarray) -> np.ndarray:
    e = np.exp(y - y.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# Words allowed in 中文 prose: the names of functions the formulas use, as the derivation does.
NAMES = {"softmax", "sgd", "relu", "tanh", "sigmoid"}


def english_words(text: str) -> list[str]:
    """Latin words of two letters or more outside $…$ and $$…$$ (single letters are symbols)."""
    prose = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    prose = re.sub(r":material/[a-z_]+:|\{[a-z0-9_]*(:[a-z0-9.]*)?\}", " ", prose)  # icons, a template's placeholders
    prose = re.sub(r"\$[^$]*\$", " ", prose)
    return [w for w in re.findall(r"[A-Za-z]{2,}", prose) if w.lower() not in NAMES]


def test_english_words_finds_prose_and_skips_formulas():
    assert english_words("乘积 $\\partial L/\\partial W$ and $$\\delta^n$$ sample") == ["and", "sample"]
    assert english_words("样本 r，f = tanh，$a - y^*$") == []


# -- (16): the unrolled chain -------------------------------------------------------------------


@pytest.mark.parametrize("hidden", [(), (3,), (3, 4), (2, 3, 2)])
def test_the_unrolled_product_is_delta_when_f_is_the_identity(hidden):
    net, s = latest(hidden=hidden, activation="identity")
    g = s.g
    n = len(net.sizes)
    for l in range(1, n):
        product = chain.unrolled_product(g, s.W_before, l)
        assert np.array_equal(product, g.delta[l - 1])  # the same products, in the same order: bit for bit
        (e,) = chain.unrolled(net, g, s.W_before, l)
        assert e.number == "(16)"
        factors = "".join(rf"(W^{{{k}}})^T" for k in range(n - 1, l - 1, -1))
        assert e.symbolic == rf"\delta^{{{l}}} = \delta^{{{n}}}{factors}"
        assert teach.matrix(g.delta[-1], label=False) in e.numeric and teach.matrix(product, label=False) in e.numeric
        for k in range(l, n):
            assert teach.matrix(s.W_before[k - 1].T, label=False) in e.numeric


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("hidden", [(3,), (3, 4), (2, 3, 2)])
def test_the_unrolled_product_differs_exactly_by_f_prime(activation, hidden):
    net, s = latest(hidden=hidden, activation=activation)
    g = s.g
    n = len(net.sizes)
    for l in range(1, n):
        hidden_between = [k for k in range(l, n) if k >= 2]
        # (15) layer by layer, with ⊙ f′(z^k) right after each hidden layer's (W^k)^T.
        by_layer = g.delta[-1]
        for k in range(n - 1, l - 1, -1):
            by_layer = by_layer @ s.W_before[k - 1].T
            if k in hidden_between:
                by_layer = by_layer * net.f_prime(g.z[k - 1], g.a[k - 1])
        assert np.array_equal(by_layer, g.delta[l - 1])
        equations = chain.unrolled(net, g, s.W_before, l)
        product = chain.unrolled_product(g, s.W_before, l)
        if not hidden_between:  # δ^1 from δ^2 only: nothing between, (16) is (15)
            assert len(equations) == 1 and np.array_equal(product, g.delta[l - 1])
            continue
        written, app = equations
        assert written.number == "(16)" and app.number == "(15), (16)"
        assert not np.allclose(product, g.delta[l - 1])  # (16) as written misses the f′ factors
        assert teach.matrix(product, label=False) in written.numeric
        assert app.numeric == rf"\delta^{{{l}}} = {teach.matrix(g.delta[l - 1], label=False)}"
        assert re.findall(r"f'\(z\^\{(\d+)\}\)", app.symbolic) == [str(k) for k in reversed(hidden_between)]
        if len(hidden_between) == 1 and l == n - 1:  # one factor: the product ⊙ f′ is δ^l exactly
            k = hidden_between[0]
            assert np.array_equal(product * net.f_prime(g.z[k - 1], g.a[k - 1]), g.delta[l - 1])


# -- (24) to (25): the softmax Jacobian -----------------------------------------------------------


def jacobian_by_differences(y: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    J = np.empty((y.size, y.size))
    for j in range(y.size):
        step = np.zeros_like(y)
        step[j] = eps
        J[:, j] = (softmax(y + step) - softmax(y - step)) / (2 * eps)
    return J


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(0, 2**32 - 1), st.booleans())
def test_the_jacobian_times_dL_da_is_a_minus_target(k, seed, one_hot):
    rng = np.random.default_rng(seed)
    y = rng.normal(scale=3.0, size=(1, k))
    target = np.eye(k)[[rng.integers(k)]] if one_hot else rng.dirichlet(np.ones(k))[None, :]
    a, J = chain.softmax_jacobian(y)
    assert np.allclose(a, softmax(y[0]), rtol=0, atol=1e-15)
    assert np.allclose(J, jacobian_by_differences(y[0]), rtol=0, atol=1e-8)  # (24) against the quotient rule
    assert np.allclose(J.sum(axis=1), 0, atol=1e-15)
    dL_da = -target[0] / a  # from (23)
    assert np.allclose(dL_da @ J, a - target[0], rtol=0, atol=1e-12)  # (24) into (25)
    jac, to25, mse_on_softmax = chain.softmax_chain(y, target, 1)
    assert (jac.number, to25.number, mse_on_softmax.number) == ("(24)", "(25)", "")
    assert teach.matrix(J, label=False) in jac.numeric and teach.matrix(J, label=False) in to25.numeric
    assert teach.matrix((a - target[0])[None, :], label=False) in to25.numeric
    # MSE on top of the softmax: (a − y*) J is the gradient of ½‖softmax(y) − y*‖².
    grad = np.array([(np.sum((softmax(y[0] + d) - target[0]) ** 2) - np.sum((softmax(y[0] - d) - target[0]) ** 2))
                     / (4e-6) for d in np.eye(k) * 1e-6])
    assert np.allclose((a - target[0]) @ J, grad, rtol=0, atol=1e-8)
    assert teach.matrix(((a - target[0]) @ J)[None, :], label=False) in mse_on_softmax.numeric


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_the_softmax_chain_of_a_step_ends_at_the_cores_delta(loss):
    t = trained(loss=loss)
    s = t.complete(t.current)  # with δ^1, as the equations view shows it
    g = s.g
    for r in range(1, len(s.batch.rows) + 1):
        _, to25, _ = chain.softmax_chain(g.z[-1], s.batch.Y, r)
        a = np.exp(log_softmax(g.z[-1]))[r - 1]
        J = np.diag(a) - np.outer(a, a)
        via = (-s.batch.Y[r - 1] / np.where(s.batch.Y[r - 1] != 0, a, 1)) @ J
        assert np.allclose(via, a - s.batch.Y[r - 1], rtol=0, atol=1e-12)
        if loss == "cross_entropy":  # the network's own δ^n for sample r
            assert teach.matrix(g.delta[-1][r - 1: r], label=False) in to25.numeric


# -- one entry through the chain rule ---------------------------------------------------------------


END = r"\end{aligned}"


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("activation", ["identity", "tanh", "relu"])
def test_one_entry_through_the_chain_rule_is_the_cores(loss, activation):
    net, s = latest(loss=loss, activation=activation)
    g = s.g
    n, B = len(net.sizes), len(s.batch.rows)
    for l in range(1, n):
        m, k = s.W_before[l - 1].shape
        for i in range(1, m + 1):
            for j in range(1, k + 1):
                products = []
                for r in range(1, B + 1):
                    equations = chain.entry_chain(net, g, s.W_before, s.b_before, l, i, j, r, s.batch.Y)
                    by = {e.number: e for e in equations}
                    a, d = g.a[l - 1][r - 1], g.delta[l][r - 1]
                    # (3): z^{l+1}_j written as Σ_k a_k W_kj + b_j, equal to the core's z.
                    z = a @ s.W_before[l - 1][:, j - 1] + s.b_before[l - 1][0, j - 1]
                    assert np.isclose(z, g.z[l][r - 1, j - 1], rtol=1e-12, atol=1e-14)
                    assert f"= {teach.number(g.z[l][r - 1, j - 1])} \\\\" in by["(2)–(4)"].numeric
                    assert by["(2)–(4)"].numeric.endswith(f"= {teach.number(d[j - 1] * a[i - 1])}{END}")
                    products.append(d[j - 1] * a[i - 1])
                    # (13): the sum over j, then ⊙ f′(z^l_i), is the core's δ^l_i.
                    total = chain.entry_sum(g, s.W_before, l, i, r)
                    fp = net.f_prime(g.z[l - 1], g.a[l - 1])[r - 1, i - 1] if l > 1 else 1.0
                    assert np.isclose(total * fp, g.delta[l - 1][r - 1, i - 1], rtol=1e-12, atol=1e-14)
                    assert by["(10)–(14)"].numeric.endswith(f"= {teach.number(g.delta[l - 1][r - 1, i - 1])}}}{END}")
                    assert f"= {teach.number(total)} \\\\" in by["(10)–(14)"].numeric
                    if l == n - 1:  # (20) for MSE, the last line of (25) for cross-entropy
                        first = equations[0]
                        assert first.number == ("(20)" if loss == "mse" else "(25)")
                        assert first.numeric.endswith(f"= {teach.number(g.delta[-1][r - 1, j - 1])}")
                        if loss == "mse":
                            assert np.array_equal(g.delta[-1][r - 1, j - 1],
                                                  g.z[-1][r - 1, j - 1] - s.batch.Y[r - 1, j - 1])
                    else:
                        assert [e.number for e in equations] == ["(2)–(4)", "(10)–(14)"]
                # (4) in batch form: the mean over the samples is the core's entry of (8).
                assert np.isclose(np.mean(products), g.dW[l - 1][i - 1, j - 1], rtol=1e-12, atol=1e-15)


def test_a_long_sum_is_cut_short():
    t = Trainer.from_config(Config(dataset="digits", hidden=(8,), batch=2, seed=1))
    t.step()
    s = t.complete(t.current)  # with δ^1, as the equations view shows it
    g = s.g
    written, _ = chain.entry_chain(t.net, g, s.W_before, s.b_before, 1, 3, 2, 1, s.batch.Y)
    assert r"\cdots" in written.numeric and written.numeric.count(r"\cdot") <= teach.WRITE_TERMS + 1
    assert np.isclose(chain.entry_sum(g, s.W_before, 1, 3, 1), g.delta[0][0, 2], rtol=1e-12, atol=1e-15)


# -- what is the derivation's and what the app adds ----------------------------------------------------------


@pytest.mark.parametrize("activation", ["identity", "tanh"])
def test_every_formula_says_where_it_comes_from(activation):
    net, s = latest(activation=activation, loss="mse")
    g = s.g
    n = len(net.sizes)
    for l in range(1, n):
        for e in teach.layer_equations(net, s, l):
            assert e.origin.startswith(f"Derivation {e.number}"), (e.number, e.origin)
        by = {e.number: e for e in teach.layer_equations(net, s, l)}
        assert "1/B" in by["(8)"].origin and "1/B" in by["(9)"].origin
        assert ("the app: $a^{" in by["(8)"].origin) is (l > 1)  # a^1 = x = z^1: the input adds only 1/B
        assert ("f'(z^{" in by["(15)"].origin) is (l > 1)
        assert "as the derivation writes it" in by["(17)"].origin and "as the derivation writes it" in by["(18)"].origin
    for p in teach.phases(net, g, s.batch.Y, s.lr):
        assert p.equation.origin.startswith("Derivation"), p.title
    assert "(4)" in i18n.text("d_cell_table", "en", l=1) and "(4)" in i18n.text("d_cell_table", "zh", l=1)
    assert chain.unrolled(net, g, s.W_before, 1)[0].number == "(16)"
    assert chain.softmax_chain(g.z[-1], np.eye(2)[[0] * len(g.z[-1])], 1)[0].number == "(24)"


def test_the_framing_says_what_the_app_adds_in_both_languages():
    en, zh = teach.framing("en"), teach.framing("zh")
    for text in (en, zh):
        for formula in (r"z^{i+1} = z^i W^i + b^i", r"(a^l)^T\delta^{l+1}", r"\odot f'(z^l)", "1/B", "B = 1"):
            assert formula in text, formula
    assert "identity" in en and "恒等函数" in zh
    for lang in ("en", "zh"):
        subtitle = i18n.text("subtitle", lang)
        assert r"z^{i+1} = z^i W^i + b^i" in subtitle and "a^i = f(z^i)" in subtitle


def test_one_meaning_for_a():
    """a^l with a layer index is f(z^l) (or x); a alone is softmax(y). No a^n anywhere."""
    for loss in ("mse", "cross_entropy"):
        t = trained(loss=loss)
        s, net = t.complete(t.current), t.net
        n = len(net.sizes)
        text = export.handout(net, s, "circles")
        assert not re.search(rf"(?<![A-Za-z\\])a\^\{{?{n}\b", text)  # no a^n (\delta^n, \beta^n are other symbols)
        shown = {}
        for p in teach.phases(net, s.g, s.batch.Y, s.lr):
            shown |= p.shows
        assert f"a{sup(n)}" not in shown and f"y = z{sup(n)}" in shown
    assert "a^n = y" not in (ROOT / "explorer" / "core.py").read_text(encoding="utf-8")


# -- the handout and 中文 ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_the_handout_carries_every_note_and_origin(lang, loss):
    t = trained(loss=loss, activation="tanh")
    s, net = t.complete(t.current), t.net
    text = export.handout(net, s, "circles", lang)
    assert teach.framing(lang) in text
    phases = teach.phases(net.with_parameters(s.W_before, s.b_before), s.g, s.batch.Y, s.lr, lang)
    for p in phases[:-1]:
        for part in (p.title, p.equation.origin, p.equation.note):
            assert part in text, part
    for l in range(1, len(net.sizes)):
        for e in teach.update(s, l, lang):
            assert e.origin in text
    loss_origin = i18n.text("d_origin_19" if loss == "mse" else "d_origin_23", lang, n=len(net.sizes))
    assert loss_origin in text  # the batch mean of (19)/(23) is named as the app's


@pytest.mark.parametrize("activation", ["identity", "relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_no_english_prose_in_chinese(activation, loss):
    net, s = latest(loss=loss, activation=activation)
    g = s.g
    n = len(net.sizes)
    assert english_words(export.handout(net, s, "circles", "zh")) == []
    equations = [p.equation for p in teach.phases(net, g, s.batch.Y, s.lr, "zh")]
    titles = [p.title for p in teach.phases(net, g, s.batch.Y, s.lr, "zh")]
    for l in range(1, n):
        equations += teach.layer_equations(net, s, l, "zh") + chain.unrolled(net, g, s.W_before, l, "zh")
        equations += chain.entry_chain(net, g, s.W_before, s.b_before, l, 1, 1, 1, s.batch.Y, "zh")
        titles += list(teach.cell_terms(g, l, 1, 1, "zh"))
    equations += chain.softmax_chain(g.z[-1], s.batch.Y, 1, "zh")
    for e in equations:
        assert english_words(e.note) == [] and english_words(e.origin) == [], (e.number, e.note, e.origin)
    assert [w for title in titles for w in english_words(title)] == []
    assert english_words(teach.framing("zh")) == []


def test_the_derivation_strings_are_all_chinese():
    keys = list(i18n.STRINGS["en"])
    keys = keys[keys.index("v_derivation"): keys.index("d_doc_missing") + 1]  # this feature's section
    assert len(keys) > 50
    for key in keys:
        assert english_words(i18n.STRINGS["zh"][key]) == [], key


# -- the derivation documents -------------------------------------------------------------------------


def test_the_derivation_documents_exist_with_every_formula():
    for name in ("derivation.md", "derivation.zh.md"):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        numbers = {int(k) for k in re.findall(r"\((\d+)\)", text)}
        assert set(range(1, 26)) <= numbers, set(range(1, 26)) - numbers
        assert text.count("$$") % 2 == 0
        assert "../" not in text and "seed" not in text.lower()
    assert "[app]" in (ROOT / "docs" / "derivation.md").read_text(encoding="utf-8")
    zh = (ROOT / "docs" / "derivation.zh.md").read_text(encoding="utf-8")
    assert "［本应用］" in zh
    assert english_words(zh) == []


def test_readme_links_the_documents_and_nothing_outside_the_repository():
    """Every relative link of the README and the documents names a file of this repository, and no
    code or document points at a folder above it (material its users do not have)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/derivation.md)" in readme and "](docs/derivation.zh.md)" in readme
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for path in documents:
        for target in re.findall(r"\]\(([^)#\s]+)\)", path.read_text(encoding="utf-8")):
            if "://" not in target:
                resolved = (path.parent / target).resolve()
                assert resolved.is_relative_to(ROOT) and resolved.exists(), (path.name, target)
    for path in [ROOT / "app.py", *sorted((ROOT / "explorer").rglob("*.py")), *documents]:
        assert "../" not in path.read_text(encoding="utf-8"), path.name


# -- the page ---------------------------------------------------------------------------------------


LINK = {"dataset": "xor", "hidden": "3,4", "activation": "tanh", "loss": "cross_entropy", "lr": "0.3", "batch": "4",
        "seed": "2", "step": "1"}


def open_view(view: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in (LINK | params).items():
        at.query_params[name] = value
    at.session_state["view"] = view  # before the first run: AppTest sets a segmented control in English
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_equations_view_shows_the_rest_of_the_derivation():
    at = open_view("equations")
    net, s = latest(1, hidden=(3, 4), batch=4, seed=2, lr=0.3)
    g = s.g
    markdown = [str(m.value) for m in at.markdown]
    captions = [str(c.value) for c in at.caption]
    latex = "\n".join(str(e.value) for e in at.latex)
    for number in ("**(16)**", "**(15), (16)**", "**(24)**", "**(25)**", "**(2)–(4)**", "**(10)–(14)**", "**(8)**"):
        assert number in markdown, number
    assert i18n.text("d_cell_table", "en", l=3) in captions
    assert any(c.startswith("Derivation (8):") for c in captions)
    for e in chain.unrolled(net, g, s.W_before, 3) + chain.softmax_chain(g.z[-1], s.batch.Y, 1):
        assert e.numeric in latex
    assert teach.framing("en") in markdown
    assert at.button(key="open_derivation")


def test_the_derivation_view_renders_the_document_in_the_pages_language():
    for lang, name in (("en", "derivation.md"), ("zh", "derivation.zh.md")):
        at = open_view("derivation", lang=lang)
        document = (ROOT / "docs" / name).read_text(encoding="utf-8").strip()
        assert [str(m.value) for m in at.main.markdown][-1] == document
    at = open_view("equations")
    at.button(key="open_derivation").click().run()
    assert at.session_state["view"] == "derivation"
    assert (ROOT / "docs" / "derivation.md").read_text(encoding="utf-8").strip() in [str(m.value) for m in at.markdown]


def test_the_chinese_equations_and_phases_views_have_no_english_prose():
    for view in ("equations", "phases"):
        at = open_view(view, lang="zh")
        texts = [str(e.value) for e in [*at.markdown, *at.caption, *at.subheader, *at.info]]
        texts += [w.label for w in [*at.number_input, *at.selectbox, *at.button] if w.key in
                  ("cell_i", "cell_j", "cell_r", "eq_layer", "phase_next", "phase_restart", "open_derivation")]
        texts += [str(c) for df in at.dataframe for c in df.value.columns]
        found = {t: english_words(t) for t in texts if english_words(t)}
        assert not found, found

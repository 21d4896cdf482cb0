"""The network diagram and the pictures of what each neuron learned: figure builders
(explorer.figures.diagram, checked by Plotly's own validation) and the page (AppTest), where the
diagram's edges must carry exactly the numbers of the heatmaps beside them."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from specs import board, chart, decode, ok, open_app, structure
from streamlit.testing.v1 import AppTest

from explorer.core import Network
from explorer.figures import diagram, plots

APP = str(Path(__file__).parents[2] / "app.py")
RNG = np.random.default_rng(2024)


def validated(fig: dict) -> dict:
    """The figure as the browser gets it (Plotly's JSON, built without a go.Figure), after
    Plotly's own validation of every property."""
    assert isinstance(fig, dict) and set(fig) == {"data", "layout"}
    go.Figure(fig)
    return fig


def named(spec: dict, name: str) -> list[dict]:
    return [t for t in spec["data"] if t.get("uid") == name]


def edges(spec: dict) -> np.ndarray:
    """(l, i, j, value) of every edge drawn, from the hover markers' customdata."""
    (hover,) = named(spec, "edge-labels")
    return decode(hover["customdata"])


def segments(spec: dict) -> int:
    """How many line segments the edge traces draw (each ends with a NaN gap)."""
    lines = [t for t in spec["data"] if str(t.get("uid", "")).startswith("edges-")]
    return sum(int(np.isnan(decode(t["x"])).sum()) for t in lines)


def network(sizes: list[int]) -> tuple[Network, object]:
    net = Network(sizes, "tanh", "cross_entropy", seed=1)
    X = RNG.standard_normal((5, sizes[0]))
    Y = np.eye(sizes[-1])[RNG.integers(0, sizes[-1], 5)]
    return net, net.gradients(X, Y)


# -- the builders ---------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[2, 4, 3, 2], [1, 2], [3, 8, 8, 8, 4]])
def test_one_edge_per_weight_named_W_l_i_j_with_its_value(sizes):
    net, g = network(sizes)
    spec = validated(diagram.network_diagram(net.W, net.b, nodes=[a[0] for a in g.a]))
    found = edges(spec)
    assert len(found) == segments(spec) == sum(m * n for m, n in pairwise(sizes))
    seen = set()
    for l, i, j, value in found:
        l, i, j = int(l), int(i), int(j)
        assert value == net.W[l - 1][i - 1, j - 1]  # 1-based, as the heatmap's hover names it
        seen.add((l, i, j))
    assert len(seen) == len(found)
    (hover,) = named(spec, "edge-labels")
    assert hover["hovertemplate"].startswith("W<sup>%{customdata[0]}</sup>[%{customdata[1]}, %{customdata[2]}]")
    assert hover["marker"]["showscale"] is True  # the edges' colour bar
    # Biases on their nodes: b^l[1, j] for every neuron of layers 2 … n.
    (bias,) = named(spec, "biases")
    b = decode(bias["customdata"])
    assert len(b) == sum(sizes[1:])
    for l, j, value in b:
        assert value == net.b[int(l) - 1][0, int(j) - 1]
    # Nodes: one per neuron, coloured by a of sample 1.
    (nodes,) = named(spec, "neurons")
    values = decode(nodes["customdata"])[:, 2]
    assert np.array_equal(values, np.concatenate([a[0] for a in g.a]))


def test_edge_colour_is_the_sign_and_width_grows_with_the_magnitude():
    W = [np.array([[-3.0, -0.1, 0.1, 3.0]])]
    spec = validated(diagram.network_diagram(W, [np.zeros((1, 4))]))
    lines = {t["line"]["color"]: t for t in spec["data"] if str(t.get("uid", "")).startswith("edges-")}
    assert set(lines) == {diagram.NEGATIVE[0], diagram.NEGATIVE[-1], diagram.POSITIVE[0], diagram.POSITIVE[-1]}
    assert lines[diagram.POSITIVE[-1]]["line"]["width"] > lines[diagram.POSITIVE[0]]["line"]["width"]
    (hover,) = named(spec, "edge-labels")
    assert (hover["marker"]["cmin"], hover["marker"]["cmax"]) == (-3.0, 3.0)  # the colour bar spans ±max |w|


def test_edges_can_show_the_gradient_or_the_update_under_their_own_names():
    net, g = network([2, 3, 2])
    spec = validated(diagram.network_diagram(net.W, net.b, edges=g.dW, biases=g.db, edge_name="∂L/∂W"))
    for l, i, j, value in edges(spec):
        assert value == g.dW[int(l) - 1][int(i) - 1, int(j) - 1]
    assert named(spec, "edge-labels")[0]["hovertemplate"].startswith("∂L/∂W<sup>")
    assert named(spec, "biases")[0]["hovertemplate"].startswith("∂L/∂b<sup>")


def test_a_large_network_keeps_each_layers_strongest_edges_only():
    sizes = [64, 32, 10]
    net, _ = network(sizes)
    assert diagram.summarised(sizes) and not diagram.summarised([2, 8, 8, 2])
    spec = validated(diagram.network_diagram(net.W, net.b))
    found = edges(spec)
    assert len(found) == segments(spec) <= diagram.MAX_EDGES
    for l, W in enumerate(net.W, start=1):
        kept = found[found[:, 0] == l]
        mask = np.zeros(W.shape, bool)
        mask[kept[:, 1].astype(int) - 1, kept[:, 2].astype(int) - 1] = True
        if mask.all():
            continue
        assert np.abs(W[mask]).min() >= np.abs(W[~mask]).max()  # the strongest ones, by |w|


def test_the_size_of_the_figure_is_bounded_by_the_edge_cap():
    """Traces are per colour band, not per edge: a 64-256-256-10 network sends few traces."""
    net = Network([64, 256, 256, 10], "relu", "cross_entropy", seed=0)
    spec = validated(diagram.network_diagram(net.W, net.b))
    assert len(spec["data"]) <= 2 * 2 * diagram.BANDS + 4
    assert len(edges(spec)) <= diagram.MAX_EDGES
    assert len(named(spec, "neurons")[0]["x"]["bdata"]) < 4 * 8 * (64 + 3 * diagram.MAX_NODES)


def test_the_picked_weight_is_highlighted_in_the_diagram():
    net = network([2, 4, 3, 2])[0]
    spec = validated(diagram.network_diagram(net.W, net.b, highlight=(2, 4, 3)))
    (line,) = named(spec, "highlight")
    ys = diagram._positions(net.sizes)
    assert list(line["x"]) == [1, 2] and list(line["y"]) == [ys[1][3], ys[2][2]]


def test_family_ranges_share_one_scale_per_kind_across_layers():
    panels = {(1, "W"): np.array([[1.0, -2.0]]), (2, "W"): np.array([[0.5]]),
              (1, "delta"): np.array([[1e-4]]), (2, "delta"): np.array([[-3.0]])}
    assert plots.family_ranges(panels) == {(1, "W"): 2.0, (2, "W"): 2.0, (1, "delta"): 3.0, (2, "delta"): 3.0}


def test_a_phase_lights_its_layer_and_points_the_arrow_its_way():
    net, _ = network([2, 4, 3, 2])
    for backward in (False, True):
        spec = validated(diagram.network_diagram(net.W, net.b, flow=diagram.Flow(2, backward, "(15)")))
        lit = [t for t in spec["data"] if str(t.get("uid", "")).startswith("edges-") and t["opacity"] == 1.0]
        faded = [t for t in spec["data"] if str(t.get("uid", "")).startswith("edges-") and t["opacity"] < 1.0]
        x_lit = np.concatenate([decode(t["x"]) for t in lit])
        x_faded = np.concatenate([decode(t["x"]) for t in faded])
        assert set(x_lit[np.isfinite(x_lit)]) == {1.0, 2.0}  # the edges of W² only
        assert set(x_faded[np.isfinite(x_faded)]) == {0.0, 1.0, 2.0, 3.0}  # W¹ and W³, faded
        (arrow,) = [a for a in spec["layout"]["annotations"] if a.get("showarrow")]
        assert (arrow["x"] < arrow["ax"]) == backward  # δ flows from layer 3 back to layer 2


def test_norm_bars_one_pair_per_layer():
    net, _ = network([2, 4, 3, 2])
    norms = np.array([[1e-6, 1e-3, 1.0], [2e-6, 2e-3, 2.0]])
    spec = validated(diagram.network_diagram(net.W, net.b, norms=norms))
    bars = [t for t in spec["data"] if t["type"] == "bar"]
    assert [list(decode(t["y"])) for t in bars] == [list(norms[0]), list(norms[1])]
    assert spec["layout"]["yaxis2"]["type"] == "log"
    # The tooltip between layers 1 and 2 names ‖δ²‖ and ‖∂L/∂W¹‖ (not ‖δ¹⁺¹‖).
    assert [t["hovertemplate"].split(" = ")[0] for t in bars] == ["‖δ<sup>%{customdata[1]}</sup>‖",
                                                                  "‖∂L/∂W<sup>%{customdata[0]}</sup>‖"]
    assert [list(row) for row in decode(bars[0]["customdata"])] == [[1, 2], [2, 3], [3, 4]]


def test_neuron_pictures_one_row_per_layer_in_the_diagrams_order():
    hidden = [RNG.standard_normal((3, 5, 5)), RNG.standard_normal((2, 5, 5))]
    spec = validated(diagram.neuron_pictures(hidden, columns=4))
    (trace,) = spec["data"]
    values = decode(trace["customdata"])
    assert values.shape == (2 * 6 - 1, 4 * 6 - 1)  # two rows of four tiles with one-cell gaps
    # Neuron 2 of layer 2 is the second tile of the first row, flipped so x₂ grows upwards.
    assert np.array_equal(values[0:5, 6:11], hidden[0][1][::-1])
    assert np.array_equal(values[6:11, 6:11], hidden[1][1][::-1])
    assert np.isnan(values[0:5, 18:23]).all()  # layer 2 has three neurons: the fourth tile is empty
    labels = [a["text"] for a in spec["layout"]["annotations"]]
    assert labels == ["a<sup>2</sup><sub>1</sub>", "a<sup>2</sup><sub>2</sub>", "a<sup>2</sup><sub>3</sub>",
                      "a<sup>3</sup><sub>1</sub>", "a<sup>3</sup><sub>2</sub>"]


def test_digit_features_show_each_column_of_W1_as_an_image():
    W1 = RNG.standard_normal((64, 5))
    spec = validated(diagram.digit_features(W1, RNG.random((6, 64)), [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 0]))
    mosaic = decode(spec["data"][0]["z"])
    for j in range(5):
        assert np.array_equal(mosaic[0:8, 9 * j: 9 * j + 8], W1[:, j].reshape(8, 8))
    assert "→ 6 (0)" in [a["text"] for a in spec["layout"]["annotations"]]  # a wrong prediction names the truth


# -- the page -----------------------------------------------------------------------------



def test_the_diagrams_edges_are_the_heatmaps_matrices():
    at = open_app()
    assert not structure(at)["summarised"]  # 2-8-8-2: an edge for every weight, drawn from the matrices
    ok(at.button(key="step").click().run())
    trainer = at.session_state["trainer"]
    g, lr = trainer.last, trainer.config.lr
    for kind, name, expected in (("W", "W", trainer.net.W), ("dW", "dW", g.dW),
                                 ("update", "DW", [-lr * dW for dW in g.dW])):
        ok(at.segmented_control(key="dg_edges").set_value(kind).run())
        frame = board(at)  # the edges' matrices travel even with their panels off
        assert frame["head"]["edges"] == kind
        for l in (1, 2, 3):
            assert np.array_equal(frame[f"{name}{l}"], expected[l - 1]), (kind, l)
    # The nodes show δ of the chosen sample, δ^1 too (a step leaves it out: backprop of the step's
    # weights and batch again gives it, and the step's own δ of every other layer).
    ok(at.segmented_control(key="dg_nodes").set_value("δ").run())
    ok(at.number_input(key="dg_sample").set_value(3).run())
    s = trainer.current
    delta = trainer.net.with_parameters(s.W_before, s.b_before).backprop(s.batch.X, s.batch.Y).delta
    assert trainer.last.delta[0] is None
    assert all(np.array_equal(d, e) for d, e in zip(delta[1:], trainer.last.delta[1:]))
    frame = board(at)
    assert frame["head"]["nodes"] == "δ" and frame["head"]["sample"] == 3
    for l, d in enumerate(delta, start=1):
        assert np.array_equal(frame[f"node{l}"], d[2])


def test_picking_a_weight_outlines_its_cell_and_its_edge():
    at = open_app()
    assert board(at)["head"]["pick"] is None
    ok(at.toggle(key="pick").set_value(True).run())
    ok(at.number_input(key="pick_l").set_value(2).run())
    ok(at.number_input(key="pick_i").set_value(5).run())
    ok(at.number_input(key="pick_j").set_value(7).run())
    assert board(at)["head"]["pick"] == [2, 5, 7]  # W²[5, 7]: its cell and its edge are outlined
    net = at.session_state["net"]
    assert any(f"{net.W[1][4, 6]:.6g}" in c.value for c in at.caption)


def test_one_scale_per_family_shows_vanishing_gradients():
    at = open_app(dataset="digits", hidden="8,8,8,8,8,8", activation="sigmoid")
    assert any("strongest" in c.value for c in at.caption)  # a summary, and the page says so
    assert structure(at)["summarised"] and len(board(at)["dg.v"]) <= diagram.MAX_EDGES
    ok(at.button(key="step").click().run())
    g = at.session_state["trainer"].last
    ranges = board(at)["head"]["ranges"]
    own = [ranges[f"delta{l}"] for l in range(2, 9)]
    assert own == [float(np.abs(d).max()) for d in g.delta[1:]]
    assert own[0] < own[-1] / 10  # δ² is far smaller than δ⁸: the gradient vanishes on the way back
    ok(at.segmented_control(key="colour_scale").set_value("family").run())
    ranges = board(at)["head"]["ranges"]
    assert {ranges[f"delta{l}"] for l in range(2, 9)} == {max(own)}
    assert {ranges[f"W{l}"] for l in range(1, 8)} == {max(float(np.abs(W).max()) for W in at.session_state["net"].W)}
    # The per-layer norms sit under the diagram: ‖δ^{l+1}‖ and ‖∂L/∂W^l‖ of each layer.
    assert board(at)["norms"].shape == (2, 7)


def test_what_each_neuron_learned():
    at = open_app(dataset="xor", hidden="4,3")
    ok(at.toggle(key="show_learned").set_value(True).run())
    values = decode(chart(at, "learned")["data"][0]["customdata"])
    assert values.shape[0] == 2 * (diagram.PICTURE + 1) - 1  # a row per hidden layer
    at = open_app(dataset="digits", hidden="16")
    ok(at.toggle(key="show_learned").set_value(True).run())
    mosaic = decode(chart(at, "learned")["data"][0]["z"])
    assert np.array_equal(mosaic[0:8, 0:8], at.session_state["net"].W[0][:, 0].reshape(8, 8))


def test_hide_diagram_leaves_the_loss_and_the_matrices():
    at = open_app(hide="diagram")
    spec = structure(at)
    assert spec["loss"] and not spec["diagram"]
    frame = board(ok(at.button(key="step").click().run()))
    assert "W1" in frame and "curve.train" in frame and not any(k.startswith(("node", "norms")) for k in frame)


def test_phase_by_phase_lights_the_forward_pass_then_delta_flows_back():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["hidden"] = "4,3"
    at.session_state["view"] = "phases"
    ok(at.run())
    trainer = at.session_state["trainer"]
    net, batch = trainer.net, trainer.next_batch()
    g = net.gradients(batch.X, batch.Y)
    n = len(net.sizes)
    seen_backward = []
    for k in range(100):
        spec = chart(at, "phase_diagram")
        nodes = decode(named(spec, "neurons")[0]["customdata"])
        arrows = [a for a in spec["layout"]["annotations"] if a.get("showarrow")]
        lit = [t for t in spec["data"] if str(t.get("uid", "")).startswith("edges-") and t["opacity"] == 1.0]
        x = np.concatenate([decode(t["x"]) for t in lit])
        layers = set(x[np.isfinite(x)])
        if k < n - 1:  # forward through W^{k+1}: a filled in up to layer k+2, nothing beyond
            assert layers == {float(k), float(k + 1)} and arrows[0]["x"] > arrows[0]["ax"]
            filled = nodes[np.isfinite(nodes[:, 2])]
            assert filled[:, 0].max() == k + 2
            assert np.array_equal(filled[:, 2], np.concatenate([a[0] for a in g.a[:k + 2]]))
        elif arrows:  # backward: δ flows from layer l+1 to layer l along W^l's edges
            l = int(max(layers))
            assert arrows[0]["x"] < arrows[0]["ax"]
            seen_backward.append(l)
            filled = nodes[np.isfinite(nodes[:, 2])]
            assert filled[:, 0].min() >= l
            for row in filled:
                assert row[2] == g.delta[int(row[0]) - 1][0, int(row[1]) - 1]
        label = at.button(key="phase_next").label
        if label == "Finish: apply the update":
            for kl, i, j, value in edges(spec):
                assert value == -0.1 * g.dW[int(kl) - 1][int(i) - 1, int(j) - 1]  # the update shows ΔW = −η ∂L/∂W
            break
        ok(at.button(key="phase_next").click().run())
    assert seen_backward == [3, 3, 3, 2, 2, 2, 1, 1, 1]  # (8), (9), (15) at each layer, from the output back


def test_every_trace_uid_is_a_valid_css_class():
    """Plotly.react looks a vanished trace's colour bar up by `.cb<uid>`: a uid holding "#" or
    "+" made it throw when a band of edge colours emptied from one Step to the next, and the
    diagram showed the error instead of the network."""
    net, g = network([3, 8, 8, 4])
    fig = diagram.network_diagram(net.W, net.b, edges=g.dW, biases=g.db, edge_name="∂L/∂W",
                                  nodes=[d[0] for d in g.delta], node_name="δ", highlight=(2, 3, 4),
                                  flow=diagram.Flow(2, True))
    uids = [trace["uid"] for trace in fig["data"] if "uid" in trace]
    assert len(uids) > 3
    for uid in uids:
        assert uid.replace("-", "").replace("_", "").isalnum(), uid

"""The regions shaded by confidence, and the Discretize switch (as TensorFlow Playground's) that
returns them to the hard argmax: in the Network view, in the link (`discretize=1`), kept while
another view is shown, and right when the History view looks back at an earlier step."""

from __future__ import annotations

import numpy as np
from specs import board, click, ok, open_app, texts, trained

from explorer.figures.plots import confidence, confidence_bytes
from explorer.ui.links import DEFAULT


def url(at) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def expected(steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The classes and the confidence bytes of the default network after `steps` Steps."""
    out = trained(DEFAULT, steps).grid()[2]
    classes = out.argmax(axis=-1)
    return classes, confidence_bytes(confidence(out, classes, DEFAULT.loss))


def view(at, name: str):
    return ok(at.segmented_control(key="view").set_value(name).run())


def test_the_regions_are_shaded_by_default_and_the_switch_makes_them_hard():
    at = open_app()
    click(at, "step")
    switch = at.toggle(key="discretize")
    assert switch.value is False and switch.label == "Discretize output"
    classes, sure = expected(1)
    frame = board(at)
    assert np.array_equal(frame["regions"], classes) and np.array_equal(frame["confidence"], sure)
    ok(switch.set_value(True).run())
    frame = board(at)
    assert "confidence" not in frame and np.array_equal(frame["regions"], classes)
    assert url(at)["discretize"] == "1"
    view(at, "equations")  # kept while another view is shown, in the page and in the link
    assert url(at)["discretize"] == "1"
    view(at, "network")
    assert at.toggle(key="discretize").value is True and "confidence" not in board(at)
    ok(at.toggle(key="discretize").set_value(False).run())
    assert "discretize" not in url(at) and np.array_equal(board(at)["confidence"], sure)


def test_discretize_1_in_a_link_starts_with_hard_regions_on_the_projector_too():
    at = open_app(discretize="1", present="1")
    assert at.toggle(key="discretize").value is True
    click(at, "step")
    assert "confidence" not in board(at) and url(at)["discretize"] == "1"


def test_a_bad_discretize_is_named_and_the_regions_stay_shaded():
    at = open_app(discretize="maybe")
    assert any("`discretize=maybe`: must be 1 or 0; ignored." in w for w in texts(at.warning))
    assert at.toggle(key="discretize").value is False and "discretize" not in url(at)
    click(at, "step")
    assert "confidence" in board(at)


def test_looking_back_shades_the_regions_of_that_step():
    at = open_app()
    for _ in range(4):
        click(at, "step")
    view(at, "history")
    ok(at.slider(key="view_step").set_value(2).run())
    view(at, "network")
    classes, sure = expected(2)
    frame = board(at)
    assert frame["head"]["step"] == 2
    assert np.array_equal(frame["regions"], classes) and np.array_equal(frame["confidence"], sure)


def test_no_switch_where_there_are_no_regions():
    at = open_app(dataset="sine", loss="mse")
    assert not [t for t in at.toggle if t.key == "discretize"]

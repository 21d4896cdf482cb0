"""The board's structure names the input neurons, and other features make another structure."""

from __future__ import annotations

from explorer.figures import board
from explorer.model import data
from explorer.model.training import Config, Trainer


def test_the_structure_names_each_input_and_other_features_are_another_structure():
    circles = data.load("circles", noise=0.1, test_fraction=0.2, seed=0)
    cross = Trainer(Config(features=("x1", "x2", "x1x2")), circles)
    sines = Trainer(Config(features=("x1", "x2", "sinx1")), circles)  # same data, same sizes
    spec, _ = board.structure(cross, board.Shown())
    assert spec["inputs"] == ["x₁", "x₂", "x₁x₂"] and spec["sizes"][0] == 3
    assert board.structure(sines, board.Shown())[0]["inputs"] == ["x₁", "x₂", "sin x₁"]
    assert board.version(cross, board.Shown()) != board.version(sines, board.Shown())
    iris = Trainer.from_config(Config(dataset="iris", hidden=(4,)))
    assert board.structure(iris, board.Shown())[0]["inputs"] == list(iris.dataset.feature_names)

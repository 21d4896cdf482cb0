"""The package's imports point downward only: each module imports its own layer or the layers
below it (core, i18n and notation < model < teaching < figures < ui), and no modules import each other in
a circle. Ruff (TID251, pyproject.toml) keeps Streamlit in explorer/ui/ and Plotly out of the
layers below explorer/figures/; this test keeps the order of the layers themselves."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "explorer"
LAYERS = {"core": 0, "i18n": 0, "notation": 0, "model": 1, "teaching": 2, "figures": 3, "ui": 4}


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name ("explorer.model.data"); a package by its __init__."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that `name` imports, anywhere in it (functions too), relative or not."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x (level 1: this package), from .. import x (its parent)
                here = package.split(".")[: len(package.split(".")) + 1 - node.level]
                base = ".".join([*here, base] if base else here)
            # `from explorer.ui import canvas` imports the module explorer.ui.canvas
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # `import explorer.model.data.x` → its module
                target = target.rpartition(".")[0]
            if target.startswith("explorer.") and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def layer(name: str) -> int:
    """The layer of a module: its subpackage's, or core.py's and i18n.py's (the package itself: 0)."""
    parts = name.split(".")
    return LAYERS[parts[1]] if len(parts) > 1 else 0


def test_every_module_belongs_to_a_layer():
    assert {name.split(".")[1] for name in MODULES if "." in name} <= set(LAYERS), sorted(MODULES)


def test_imports_point_to_the_same_layer_or_below():
    upward = [f"{name} imports {target}" for name, targets in sorted(GRAPH.items()) for target in sorted(targets)
              if layer(target) > layer(name)]
    assert not upward, upward


def test_no_modules_import_each_other_in_a_circle():
    state: dict[str, str] = {}  # name -> "open" while on the path, "done" after

    def visit(name: str, path: list[str]) -> list[str]:
        state[name] = "open"
        for target in sorted(GRAPH[name]):
            if state.get(target) == "open":
                return [*path[path.index(target):], target] if target in path else [*path, target]
            if target not in state and (circle := visit(target, [*path, target])):
                return circle
        state[name] = "done"
        return []

    for name in sorted(GRAPH):
        if name not in state:
            circle = visit(name, [name])
            assert not circle, " → ".join(circle)


def test_the_walk_sees_the_imports_it_judges():
    """The graph is read right: known imports of each kind are in it (else the tests above pass on nothing)."""
    assert "explorer.core" in GRAPH["explorer.model.training"]
    assert {"explorer.ui.canvas", "explorer.ui.session"} <= GRAPH["explorer.ui.page"]  # from explorer.ui import a, b
    assert "explorer.figures.plots" in GRAPH["explorer.ui.page"]
    assert layer("explorer.ui.page") > layer("explorer.figures.plots") > layer("explorer.teaching.quiz")

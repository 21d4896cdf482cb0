"""Every `st.session_state` key the page names is declared once in explorer/ui/keys.py, with
its owner, and every declared key is still used."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from explorer.ui.keys import KEYS

ROOT = Path(__file__).resolve().parents[2]
PAGE = [*sorted((ROOT / "explorer" / "ui").glob("*.py")), ROOT / "app.py"]
ACCESS = {"get", "pop", "setdefault", "__setitem__", "__delitem__", "__contains__"}


def _name(node: ast.AST) -> str | None:
    """A key as written: a string, or an f-string with `{}` where it varies."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _is_state(node: ast.AST) -> bool:
    """`st.session_state` or the name the page gives it, `ss`."""
    return (isinstance(node, ast.Name) and node.id == "ss") or (
        isinstance(node, ast.Attribute) and node.attr == "session_state")


def _keys_named(source: str) -> set[str]:
    """The keys a module names: subscripts and methods of the session state, `"k" in ss`,
    widgets' `key=` and `page.kept("k", …)`."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        named = []
        if isinstance(node, ast.Subscript) and _is_state(node.value):
            named.append(node.slice)
        elif isinstance(node, ast.Compare) and _is_state(node.comparators[0]) and isinstance(
                node.ops[0], (ast.In, ast.NotIn)):
            named.append(node.left)
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute) and _is_state(f.value) and f.attr in ACCESS and node.args:
                named.append(node.args[0])
            if (isinstance(f, ast.Attribute) and f.attr == "kept") or (isinstance(f, ast.Name) and f.id == "kept"):
                named.append(node.args[0])
            named += [kw.value for kw in node.keywords if kw.arg == "key"]
        found |= {name for name in map(_name, named) if name is not None}
    return found


NAMED = {path.name: _keys_named(path.read_text(encoding="utf-8")) for path in PAGE}
DECLARED = {re.sub(r"\{[^}]*\}", "{}", name): name for name in KEYS}  # a family's name as the test writes it


def test_every_key_the_page_names_is_declared():
    missing = sorted(f"{module}: {name!r}" for module, names in NAMED.items() for name in names if name not in DECLARED)
    assert not missing, f"declare these session-state keys in explorer/ui/keys.py (owner, meaning): {missing}"


def test_every_declared_key_is_named_somewhere():
    named = set().union(*NAMED.values())
    assert not sorted(DECLARED.keys() - named), "declared in explorer/ui/keys.py but no longer used"


def test_owners_are_modules_of_the_page():
    modules = {path.stem for path in PAGE}
    assert not {name: key.owner for name, key in KEYS.items() if key.owner not in modules}
    assert all(key.meaning for key in KEYS.values())


def test_the_scan_finds_each_way_a_key_is_named():
    """Else the tests above would pass on nothing."""
    assert {"trainer", "cfg_hidden_{}", "config"} <= NAMED["session.py"]  # [...], f-strings, "k" in ss
    assert {"step", "per_frame", "play_refused"} <= NAMED["controls.py"]  # key=, .get, .pop
    assert {"kept_{}"} <= NAMED["page.py"] and "loss_log" in NAMED["network_view.py"]  # kept("loss_log", ...)

"""Indices written as real superscripts and subscripts in running text: δ² and W²₃,₄, not
δ^2 and W^2[3, 4]. A template says `δ{l:sup}` or `W{l:sup}{i:sub},{j:sub}` (see
`explorer.i18n.text`); code that names an entry calls `sup` and `sub`."""

from __future__ import annotations

import string

_SUP = str.maketrans("0123456789+-−()lnTij", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁽⁾ˡⁿᵀⁱʲ")
_SUB = str.maketrans("0123456789+-−()ijlnr", "₀₁₂₃₄₅₆₇₈₉₊₋₋₍₎ᵢⱼₗₙᵣ")


def sup(value: object) -> str:
    """`value` (an index such as 3 or l+1) as superscript characters."""
    return str(value).translate(_SUP)


def sub(value: object) -> str:
    """`value` (an index) as subscript characters."""
    return str(value).translate(_SUB)


def entry(param: str, layer: int, *index: int) -> str:
    """A parameter's entry in the derivation's notation: W²₃,₄ or b²₄ (1-based indices)."""
    return f"{param}{sup(layer)}" + ",".join(sub(i) for i in index)


def number(value: float, spec: str = ".4g") -> str:
    """`value` formatted by `spec`, with a real minus sign and never "−0" (an exact −0.0, or a
    tiny negative rounded to zero, is written 0)."""
    text = format(value + 0.0, spec)
    if text.lstrip("-").strip("0.") in ("", "e+00"):
        text = text.lstrip("-")
    return text.replace("-", "−")


class Formatter(string.Formatter):
    """str.format with two more format specs: `sup` and `sub` (see module doc)."""

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec == "sup":
            return sup(value)
        if format_spec == "sub":
            return sub(value)
        return super().format_field(value, format_spec)


FORMATTER = Formatter()

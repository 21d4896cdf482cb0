"""Indices written as real superscripts and subscripts in running text: δ² and W²₃,₄, not
δ^2 and W^2[3, 4]. A template says `δ{l:sup}` or `W{l:sup}{i:sub},{j:sub}` (see
`explorer.i18n.text`); code that names an entry calls `sup` and `sub`."""

from __future__ import annotations

import string
from collections.abc import Container
from dataclasses import dataclass

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


# -- the two ways of writing a layer: row vectors (the derivation's) or column vectors -------------

NOTATIONS = ("row", "column")


@dataclass(frozen=True)
class Notation:
    """How the page writes vectors, and so every matrix. The derivation (and the core) write a
    sample as a row: z = a W + b, Wˡ of shape |lₗ|×|lₗ₊₁|, a batch one sample a row. Most
    English courses write it as a column: z = W a + b, Wˡ of shape |lₗ₊₁|×|lₗ|, a batch one
    sample a column. Every matrix of the column notation is the transpose of the row
    notation's, with the same numbers; a product is written in the reverse order, each factor
    keeping its ᵀ ((aˡ)ᵀ δˡ⁺¹ becomes δˡ⁺¹ (aˡ)ᵀ). This is the one place that says so; the
    numbers are always the core's, computed in rows."""

    name: str = "row"  # one of NOTATIONS

    @property
    def column(self) -> bool:
        return self.name == "column"

    def shown(self, M):  # noqa: ANN001, ANN201 - any array with .T
        """A matrix of the core (row notation) as this notation shows it."""
        return M.T if self.column else M

    def transposed(self, t: bool = False) -> bool:
        """Whether to write the core's matrix M transposed, for a factor written Mᵀ (`t`) or M
        in the row notation: a factor keeps its ᵀ in the column notation, whose M is the core's Mᵀ."""
        return t != self.column

    def pair(self, i: int, j: int) -> tuple[int, int]:
        """The index pair of the core's entry M[i, j] as this notation writes it."""
        return (j, i) if self.column else (i, j)

    def entry(self, param: str, layer: int, i: int, j: int) -> str:
        """Wˡ's entry of the core's [i, j] (1-based) in running text: W²₃,₄ in rows, W²₄,₃ in columns."""
        return entry(param, layer, *self.pair(i, j))

    def product(self, *factors: str, sep: str = " ") -> str:
        """Factors written as the row notation orders them, in this notation's order."""
        return sep.join(reversed(factors) if self.column else factors)

    def key(self, key: str, keys: Container[str]) -> str:
        """A text's key in this notation: `key_col` where the column notation words it
        differently (it is one of `keys`), else `key`."""
        return f"{key}_col" if self.column and f"{key}_col" in keys else key


ROW, COLUMN = Notation("row"), Notation("column")

"""Labels and explanations in English and 中文 (the derivation's language).

`text(key, lang)` looks a string up; a key missing in Chinese falls back to English, a
key missing in English is a programming error (KeyError), which the tests catch.
Formula numbers are the derivation's own in both languages.

Modules below the page (data, export, state) say what is wrong with a `Message`: the
English text, as a plain `str` everywhere (logs, tests, `str(error)`), that also keeps its
key and values, so the page shows it in the session's language with `say`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from explorer.notation import FORMATTER, Notation

LANGUAGES = {"en": "English", "zh": "中文"}

# The words, one JSON file a language (explorer/locales/), read once when the package loads.
LOCALES = Path(__file__).with_name("locales")
STRINGS: dict[str, dict[str, str]] = {
    lang: json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8")) for lang in LANGUAGES
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """The string `key` in `lang` (English where a translation is missing), formatted with `values`
    (`{l:sup}` and `{i:sub}` write an index as a real superscript or subscript)."""
    template = STRINGS.get(lang, {}).get(key) or STRINGS["en"][key]
    return FORMATTER.format(template, **values) if values else template


class Message(str):
    """The English text of `key` with `values`, which also keeps both to be said in another
    language. A value that is itself a Message is said in the same language; a list value
    is said item by item, joined by ", "."""

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, **values: object) -> Message:
        message = super().__new__(cls, _render(key, "en", values))
        message.key, message.values = key, values
        return message

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:  # copy and pickle rebuild from the key
        return (self.key,), self.values

    def to(self, lang: str, nt: Notation | None = None) -> str:
        return _render(self.key, lang, self.values, nt)


def _render(key: str, lang: str, values: dict[str, object], nt: Notation | None = None) -> str:
    key = nt.key(key, STRINGS["en"]) if nt is not None else key
    return text(key, lang, **{name: _say_value(value, lang, nt) for name, value in values.items()})


def _say_value(value: object, lang: str, nt: Notation | None = None) -> object:
    if isinstance(value, list):
        return ", ".join(str(say(item, lang, nt)) for item in value)
    return say(value, lang, nt) if isinstance(value, (Message, BaseException)) else value


def say(what: object, lang: str, nt: Notation | None = None) -> str:
    """A Message, or an error raised with one, in `lang` (and in the notation `nt`'s wording where
    it has one, see `noted`); anything else as its text."""
    if isinstance(what, BaseException) and what.args and isinstance(what.args[0], Message):
        what = what.args[0]
    return what.to(lang, nt) if isinstance(what, Message) else str(what)


ECHO_LIMIT = 40  # characters of a user's text echoed on the page


def code(value: object, limit: int = ECHO_LIMIT) -> str:
    """A user's text (a link value, a file or column name) as Markdown inline code it cannot
    break out of: at most `limit` characters, anything unprintable (a line break ends a
    paragraph, and the code with it) shown as �, fenced by more backticks than it holds."""
    shown = "".join(c if c.isprintable() else "\ufffd" for c in str(value))
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    fence = "`" * (1 + max((len(run) for run in re.findall("`+", shown)), default=0))
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def noted(key: str, lang: str, nt: Notation, **values: object) -> str:
    """`text` in the notation `nt`: the column notation's wording (`key_col`) where it has one."""
    return text(nt.key(key, STRINGS["en"]), lang, **values)

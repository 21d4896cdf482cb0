"""Both languages carry the same strings with the same placeholders."""

import re
import string

import pytest

from explorer.i18n import STRINGS, text


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(STRINGS["en"]))
def test_every_string_has_a_chinese_translation_with_the_same_placeholders(key):
    assert key in STRINGS["zh"], f"{key} has no Chinese translation"
    assert fields(STRINGS["zh"][key]) == fields(STRINGS["en"][key])


def test_no_chinese_string_lacks_an_english_original():
    assert set(STRINGS["zh"]) <= set(STRINGS["en"])


def test_formula_numbers_are_the_same_in_both_languages():
    for key, english in STRINGS["en"].items():
        assert re.findall(r"\((\d+)\)", english) == re.findall(r"\((\d+)\)", STRINGS["zh"][key]), key


def test_an_unknown_language_falls_back_to_english():
    assert text("step", "xx") == "Step"


def test_values_are_formatted_in():
    assert text("run", "zh", n=5) == "运行 5 步"

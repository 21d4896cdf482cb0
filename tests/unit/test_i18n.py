"""Both languages carry the same strings with the same placeholders."""

import re
import string

from explorer.i18n import STRINGS, text


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_string_has_a_chinese_translation():
    missing = sorted(set(STRINGS["en"]) - set(STRINGS["zh"]))
    assert not missing, f"no Chinese translation of: {missing}"


def test_no_chinese_string_lacks_an_english_original():
    extra = sorted(set(STRINGS["zh"]) - set(STRINGS["en"]))
    assert not extra, f"no English original of: {extra}"


def test_both_languages_have_the_same_placeholders():
    differ = {key: (fields(english), fields(STRINGS["zh"][key]))
              for key, english in STRINGS["en"].items() if key in STRINGS["zh"]
              and fields(english) != fields(STRINGS["zh"][key])}
    assert not differ, f"placeholders (en, zh) differ: {differ}"


def test_formula_numbers_are_the_same_in_both_languages():
    differ = [key for key, english in STRINGS["en"].items() if key in STRINGS["zh"]
              and re.findall(r"\((\d+)\)", english) != re.findall(r"\((\d+)\)", STRINGS["zh"][key])]
    assert not differ, f"formula numbers differ in: {differ}"


def test_an_unknown_language_falls_back_to_english():
    assert text("step", "xx") == "Step"


def test_values_are_formatted_in():
    assert text("run", "zh", n=5) == "运行 5 步"

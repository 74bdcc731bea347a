"""The loader: located values, and every way a YAML file can be wrong or hostile."""

from __future__ import annotations

import pytest

from noticegen.load import documents as loader
from noticegen.load.documents import MAX_FILE_BYTES, LoadError, decode, parse


def load(text: str):
    return parse(text, "f.yaml")


def problem(text: str):
    with pytest.raises(LoadError) as info:
        load(text)
    return str(info.value.problem)


def test_values_keep_their_line_and_column():
    document = load("a:\n  b: [x, y]\n  c:\n    - d: 1\n")
    assert str(document.locate(("a", "b", 1))) == "f.yaml:2:10"
    assert str(document.locate(("a", "c", 0, "d"))) == "f.yaml:4:10"
    assert str(document.locate(("a", "c", 0, "d"), key=True)) == "f.yaml:4:7"
    # a missing value is placed at its nearest enclosing value
    assert str(document.locate(("a", "c", 0, "missing"))) == "f.yaml:4:7"


def test_line_offset_for_front_matter():
    document = parse("title: x\nversion: y\n", "n.md", line_offset=1)
    assert str(document.locate(("version",))) == "n.md:3:10"


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO", "Off", "y", "N"])
def test_yaml11_booleans_stay_text_and_are_noted(word):
    document = load(f"country: {word}\n")
    assert document.data == {"country": word}
    assert ("country",) in document.yaml11_booleans


def test_quoted_yaml11_words_are_not_noted():
    assert load("a: 'no'\n").yaml11_booleans == set()


@pytest.mark.parametrize("text,value", [
    ("true", True), ("False", False), ("~", None), ("null", None), ("", None),
    ("12", 12), ("-3", -3), ("0x1F", 31), ("0o17", 15), ("1.5", 1.5), ("1e3", 1000.0),
    ("2024-09-01", "2024-09-01"), ("2024-09-01 10:00:00", "2024-09-01 10:00:00"),
    ("1:20", "1:20"), ("012", 12), ("+1", 1), (".inf", float("inf")),
    ("'12'", "12"), ('"true"', "true"),
])
def test_core_schema_scalars(text, value):
    assert load(f"a: {text}\n").data["a"] == value


def test_keys_are_text_as_written():
    assert load("2013: a\ntrue: b\n").data == {"2013": "a", "true": "b"}


def test_duplicate_key_is_located_at_the_second_key():
    assert problem("a: 1\nb: 2\na: 3\n") == (
        "f.yaml:3:1: error[duplicate-key]: key 'a' is already set on line 1; "
        "YAML would silently keep only the last one")


def test_duplicate_key_in_nested_mapping():
    assert problem("a:\n  x: 1\n  x: 2\n").startswith("f.yaml:3:3: error[duplicate-key]")


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['echo no']",
    "!!python/name:os.system",
    "!!binary aGk=",
    "!!timestamp 2024-01-01",
    "!custom x",
    "!!set {a}",
])
def test_tags_other_than_core_are_refused(tag):
    assert "error[yaml-tag]" in problem(f"a: {tag}\n")


def test_core_tags_are_allowed():
    assert load("a: !!str 12\nb: !!int '7'\n").data == {"a": "12", "b": 7}


def test_invalid_value_for_tag():
    assert "error[yaml-tag]: 'x' is not a valid !!int value" in problem("a: !!int x\n")


def test_billion_laughs_is_bounded():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    assert "error[too-many-values]" in problem("\n".join(lines) + "\n")


def test_aliases_within_bounds_are_expanded():
    assert load("a: &x [1, 2]\nb: *x\n").data == {"a": [1, 2], "b": [1, 2]}


def test_recursive_alias():
    assert "error[recursive-alias]" in problem("a: &x [1, *x]\n")


def test_merge_keys_are_refused():
    assert "error[yaml-merge-key]" in problem("base: &b {x: 1}\nc:\n  <<: *b\n")


def test_complex_key():
    assert "error[yaml-key]" in problem("? [a, b]\n: c\n")


def test_deep_nesting_is_refused():
    assert "error[too-deep]" in problem("a: " + "[" * 60 + "]" * 60 + "\n")


@pytest.mark.parametrize("depth", [2000, 100_000])
def test_very_deep_nesting_never_crashes(depth):
    message = problem("a: " + "[" * depth + "]" * depth + "\n")
    assert "error[" in message


def test_very_deep_block_nesting_never_crashes():
    text = "".join(" " * i + f"k{i}:\n" for i in range(3000)) + " " * 3000 + "v: 1\n"
    assert "error[" in problem(text)


@pytest.mark.parametrize("text,rule", [
    ("", "empty-file"),
    ("# only a comment\n", "empty-file"),
    ("- a\n- b\n", "not-a-mapping"),
    ("just text\n", "not-a-mapping"),
    ("a: 1\n---\nb: 2\n", "yaml-syntax"),
    ("a: [1, 2\n", "yaml-syntax"),
    ("a: 'open\n", "yaml-syntax"),
    ("a:\n\t- b\n", "yaml-syntax"),
    ("a: \x07\n", "yaml-syntax"),
])
def test_broken_files(text, rule):
    assert f"error[{rule}]" in problem(text)


def test_tab_message_is_plain():
    assert problem("a:\n\tb: 1\n") == (
        "f.yaml:2:1: error[yaml-syntax]: a tab character; YAML indents with spaces only")


def test_truncated_file():
    full = "a:\n  b: [1, 2, 3]\n  c: 'text'\n"
    for cut in range(1, len(full)):
        try:
            load(full[:cut])
        except LoadError as exc:
            assert exc.problem.location.path == "f.yaml"


def test_invalid_utf8_is_located():
    with pytest.raises(LoadError) as info:
        decode(b"a: 1\nb: caf\xc3\n", "f.yaml")
    assert str(info.value.problem) == (
        "f.yaml:2:7: error[encoding]: invalid UTF-8 (byte 0xc3); save the file as UTF-8")


def test_leading_bom_is_allowed_but_not_a_stray_one():
    assert decode(b"\xef\xbb\xbfa: 1\n", "f.yaml") == "a: 1\n"
    with pytest.raises(LoadError) as info:
        decode("a: 1\n\ufeffb: 2\n".encode(), "f.yaml")
    assert info.value.problem.rule == "encoding"
    assert info.value.problem.location.line == 2


def test_oversized_file():
    with pytest.raises(LoadError) as info:
        decode(b"a: b\n" * (MAX_FILE_BYTES // 5 + 1), "f.yaml")
    assert info.value.problem.rule == "file-too-large"


def test_the_loader_notes_whether_a_document_may_hold_values_per_language():
    """Translated values are looked for only in documents the loader saw one in (a large
    data map in one language skips the search); its test of a key is the same as i18n's."""
    from noticegen.text import i18n

    assert loader._LANGUAGE_KEY.pattern == i18n.LANGUAGE_TAG.pattern
    assert parse("name: {en: Pupils, cy: Disgyblion}\n", "x.yaml").per_language
    assert parse("a:\n  b:\n    - {en: One, cy: Un}\n", "x.yaml").per_language
    assert not parse("name: Pupils\nkind: public-body\n", "x.yaml").per_language
    assert not parse("period: {years: 6}\n", "x.yaml").per_language

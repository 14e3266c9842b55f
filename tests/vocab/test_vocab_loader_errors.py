"""A malformed data file fails with VocabularyError naming the file, the field and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimed.vocab import VocabularyError, load_file

GOOD = """
[vocabulary]
key = "demo"
title = { en = "Demo", de = "Demo" }
scheme = "https://example.org/demo"
namespace = "https://example.org/demo/"
source = "https://example.org/source"
complete = true
properties = ["https://example.org/prop"]

[[concept]]
code = "A"
uri = "https://example.org/demo/A"
en = "Alpha"
de = "Alpha"

[[concept]]
code = "B"
uri = "https://example.org/demo/B"
en = "Beta"
de = "Beta"
broader = "https://example.org/demo/A"
"""


def _write(tmp_path: Path, text: str, name: str = "demo.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads(tmp_path: Path):
    vocab = load_file(_write(tmp_path, GOOD))
    assert [c.code for c in vocab.concepts] == ["A", "B"]
    assert vocab.by_code("B").broader == "https://example.org/demo/A"
    assert vocab.de_labels == "official"


BROKEN = [
    ("missing source", ('source = "https://example.org/source"\n', ""), "vocabulary.source"),
    ("empty de label", ('de = "Beta"', 'de = ""'), "concept 'B'.de"),
    ("missing en label", ('en = "Alpha"\n', ""), "concept 'A'.en"),
    ("duplicate code", ('code = "B"', 'code = "A"'), "concept 'A'.code"),
    (
        "duplicate uri",
        ('uri = "https://example.org/demo/B"', 'uri = "https://example.org/demo/A"'),
        "concept 'B'.uri",
    ),
    (
        "foreign uri",
        ('uri = "https://example.org/demo/B"', 'uri = "https://other.org/B"'),
        "concept 'B'.uri",
    ),
    ("complete not bool", ("complete = true", 'complete = "yes"'), "vocabulary.complete"),
    ("unknown key", ('de = "Alpha"', 'de = "Alpha"\nlabel = "x"'), "concept 'A'.label"),
    (
        "bad broader",
        ('broader = "https://example.org/demo/A"', 'broader = "https://example.org/demo/Z"'),
        "concept 'B'.broader",
    ),
    (
        "no properties",
        ('properties = ["https://example.org/prop"]', "properties = []"),
        "vocabulary.properties",
    ),
    ("missing code", ('code = "A"\n', ""), "concept #1.code"),
    (
        "bad de_labels",
        ("complete = true", 'complete = true\nde_labels = "google"'),
        "vocabulary.de_labels",
    ),
]


@pytest.mark.parametrize(("old_new", "field"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_file_names_file_and_field(tmp_path: Path, old_new: tuple[str, str], field: str):
    old, new = old_new
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(VocabularyError) as info:
        load_file(path)
    message = str(info.value)
    assert message.startswith("demo.toml: ")
    assert field in message


def test_key_must_match_file_name(tmp_path: Path):
    with pytest.raises(VocabularyError, match=r"other\.toml: vocabulary\.key: must equal"):
        load_file(_write(tmp_path, GOOD, name="other.toml"))


def test_invalid_toml(tmp_path: Path):
    with pytest.raises(VocabularyError, match=r"demo\.toml: file: is not valid TOML"):
        load_file(_write(tmp_path, "[vocabulary\nkey = 1"))


def test_no_concepts(tmp_path: Path):
    head = GOOD.split("[[concept]]")[0]
    with pytest.raises(VocabularyError, match=r"demo\.toml: \[\[concept\]\]: at least one"):
        load_file(_write(tmp_path, head))


def test_missing_file(tmp_path: Path):
    with pytest.raises(VocabularyError, match="cannot be read"):
        load_file(tmp_path / "absent.toml")

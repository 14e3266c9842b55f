"""The synonym lists: well-formed, bilingual, and wide enough."""

from __future__ import annotations

import pytest

from kimed.catalog.search.expression import parse, synonym_index
from kimed.vocab.synonyms import SynonymError, load_synonym_file, synonym_groups


def test_built_in_groups_load_and_cover_both_languages():
    groups = synonym_groups()
    assert len(groups) >= 60
    assert all(g.terms["en"] and g.terms["de"] for g in groups)
    keys = {g.key for g in groups}
    for key in ("stroke", "cancer", "diabetes", "heart-attack", "icd-10", "snomed", "loinc",
                "atc", "ops", "ehr", "biobank", "genomics", "registry", "wearable"):
        assert key in keys


@pytest.mark.parametrize(("text", "rule"), [
    ('[[group]]\nkey = "x"\nen = ["a"]\n', "de: a non-empty list"),
    ('[[group]]\nkey = "x"\nen = ["a"]\nde = [""]\n', "non-empty string"),
    ('[[group]]\nkey = "x"\nen = ["a"]\nde = ["b"]\nfr = ["c"]\n', "unknown key"),
    ('[[group]]\nen = ["a"]\nde = ["b"]\n', "key: a non-empty key"),
    ('title = "x"\n', "unknown top-level key"),
])
def test_bad_files_are_refused_with_the_rule(tmp_path, text, rule):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SynonymError, match=rule):
        load_synonym_file(path)


def test_multi_word_terms_match_longest_first():
    index, longest = synonym_index()
    assert longest >= 3
    expr = parse("heart attack registry")
    assert len(expr.positive) == 2
    assert any(alt.terms == ("herzinfarkt",) for alt in expr.positive[0].alts)

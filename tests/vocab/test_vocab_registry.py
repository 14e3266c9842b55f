"""Lookups and value checks across the built-in vocabularies."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kimed.vocab import (
    Concept,
    check_value,
    get_vocabulary,
    lookup,
    vocabularies,
    vocabularies_for_property,
)

DCT = "http://purl.org/dc/terms/"
HDCAT = "http://healthdataportal.eu/ns/health#"
AR = "http://publications.europa.eu/resource/authority/access-right/"
HC = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"


def test_lookup_known_concept():
    concept = lookup(AR + "NON_PUBLIC")
    assert concept is not None
    assert concept.vocabulary == "access-rights"
    assert concept.code == "NON_PUBLIC"
    assert concept.label("de") == "Nicht öffentlich"


def test_lookup_unknown_is_none():
    assert lookup(AR + "NOPE") is None
    assert lookup("https://example.org/x") is None


def test_label_falls_back_to_english_then_code():
    concept = Concept("https://x.test/a", "A", {"en": "Alpha"}, "t")
    assert concept.label("fr") == "Alpha"
    assert Concept("https://x.test/b", "B", {}, "t").label("de") == "B"


def test_get_vocabulary_unknown_names_known_keys():
    with pytest.raises(KeyError) as info:
        get_vocabulary("no-such-list")
    assert "no-such-list" in str(info.value)
    assert "health-categories" in str(info.value)


def test_vocabulary_get_by_code_covers():
    vocab = get_vocabulary("health-categories")
    assert vocab.get(HC + "EHRS") is vocab.by_code("EHRS")
    assert vocab.covers(HC + "ANYTHING")
    assert not vocab.covers(AR + "PUBLIC")


def test_vocabularies_for_property():
    keys = {v.key for v in vocabularies_for_property(DCT + "type")}
    assert {"dataset-types", "publisher-types", "health-activities"} <= keys
    assert [v.key for v in vocabularies_for_property(HDCAT + "healthCategory")] == [
        "health-categories"
    ]
    assert vocabularies_for_property("https://example.org/unknownProperty") == []


def test_check_value_known_is_fine():
    assert check_value(DCT + "accessRights", AR + "PUBLIC") is None
    assert check_value(HDCAT + "healthCategory", HC + "EHRS") is None


def test_check_value_unknown_in_complete_list_names_property_value_and_source():
    message = check_value(DCT + "accessRights", AR + "SECRET")
    assert message is not None
    assert message.startswith("dct:accessRights: ")
    assert f"<{AR}SECRET>" in message
    assert "access-right" in message
    assert get_vocabulary("access-rights").source in message


def test_check_value_unknown_health_category_is_an_error():
    message = check_value(HDCAT + "healthCategory", HC + "XXXX")
    assert message is not None and "healthcategories" in message


def test_check_value_unknown_in_incomplete_list_passes():
    frequency = "http://publications.europa.eu/resource/authority/frequency/EVERY_FULL_MOON"
    assert not get_vocabulary("frequencies").complete
    assert check_value(DCT + "accrualPeriodicity", frequency) is None


def test_check_value_other_namespace_passes():
    assert check_value(DCT + "accessRights", "https://example.org/rights/open") is None
    assert check_value(DCT + "conformsTo", "https://bids-specification.readthedocs.io/") is None


def test_check_value_in_complete_namespace_under_foreign_property():
    # a health-category URI that does not exist is wrong whatever property carries it
    assert check_value(DCT + "subject", HC + "XXXX") is not None
    assert check_value(DCT + "subject", HC + "EHRS") is None


def test_dct_type_values_from_three_vocabularies():
    prop = DCT + "type"
    activity = "https://hdeu-dcat.data.health.europa.eu/resource/authority/health-activity/"
    assert check_value(prop, activity + "ROUTINE_RECORDS") is None
    assert check_value(prop, activity + "ROUTINE") is not None
    dataset_type = "http://publications.europa.eu/resource/authority/dataset-type/"
    assert check_value(prop, dataset_type + "STATISTICAL") is None
    assert check_value(prop, dataset_type + "PERSONAL_DATA") is None  # list held in part


def test_loaded_once():
    assert vocabularies() is vocabularies()


def test_nothing_loaded_at_import():
    code = (
        "import kimed.vocab as v, kimed.vocab.registry as r\n"
        "assert r.vocabularies.cache_info().currsize == 0\n"
        "v.vocabularies()\n"
        "assert r.vocabularies.cache_info().currsize == 1\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

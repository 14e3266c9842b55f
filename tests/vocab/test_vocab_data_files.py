"""Every built-in data file loads and follows the house rules for vocabularies."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimed.vocab import DATA_DIR, load_file, vocabularies

FILES = sorted(DATA_DIR.glob("*.toml"))
DOCS = Path(__file__).resolve().parents[2] / "docs" / "vocabularies.md"

EXPECTED_COUNTS = {
    "health-categories": 17,
    "health-themes": 20,
    "publisher-types": 36,
    "health-activities": 34,
    "coding-systems": 32,
    "standards": 25,
    "access-rights": 7,
    "data-themes": 14,
    "dataset-types": 25,
}


def test_all_expected_vocabularies_present():
    keys = set(vocabularies())
    assert set(EXPECTED_COUNTS) <= keys
    assert {"frequencies", "languages", "file-types", "legislation"} <= keys
    assert len(FILES) == len(keys)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_loads_and_is_clean(path: Path):
    vocab = load_file(path)
    assert vocab.key == path.stem
    assert vocab.source.startswith("https://")
    assert vocab.titles["en"] and vocab.titles["de"]
    uris = [c.uri for c in vocab.concepts]
    codes = [c.code for c in vocab.concepts]
    assert len(set(uris)) == len(uris)
    assert len(set(codes)) == len(codes)
    for concept in vocab.concepts:
        assert concept.uri.startswith(vocab.namespace)
        assert concept.labels["en"].strip() and concept.labels["de"].strip()
        assert concept.vocabulary == vocab.key
    assert path.read_text(encoding="utf-8").startswith("#"), (
        "a file opens with a comment citing its source"
    )


@pytest.mark.parametrize(("key", "count"), sorted(EXPECTED_COUNTS.items()))
def test_concept_counts(key: str, count: int):
    assert len(vocabularies()[key].concepts) == count


def test_required_codes_present():
    vocabs = vocabularies()
    assert {"PUBLIC", "RESTRICTED", "NON_PUBLIC"} <= {
        c.code for c in vocabs["access-rights"].concepts
    }
    languages = {c.code for c in vocabs["languages"].concepts}
    assert {
        "DEU",
        "ENG",
        "FRA",
        "ITA",
        "SPA",
        "NLD",
        "POL",
        "DAN",
        "SWE",
        "FIN",
        "CES",
        "POR",
        "MUL",
    } <= languages
    frequencies = {c.code for c in vocabs["frequencies"].concepts}
    assert {
        "ANNUAL",
        "DAILY",
        "IRREG",
        "UNKNOWN",
        "UPDATE_CONT",
        "QUINQUENNIAL",
        "HOURLY",
    } <= frequencies
    file_types = {c.code for c in vocabs["file-types"].concepts}
    assert {"CSV", "JSON", "JSON_LD", "RDF_TURTLE", "PDF", "ZIP", "PARQUET", "XLSX"} <= file_types
    assert "HEAL" in {c.code for c in vocabs["data-themes"].concepts}


def test_hierarchies_point_inside_their_vocabulary():
    standards = vocabularies()["standards"]
    fhir = standards.by_code("FHIR")
    assert fhir.broader == standards.by_code("API").uri


def test_docs_table_lists_every_vocabulary():
    text = DOCS.read_text(encoding="utf-8")
    for key, vocab in vocabularies().items():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{key}` ")), None)
        assert row is not None, f"docs/vocabularies.md has no table row for {key}"
        assert f"| {len(vocab.concepts)} |" in row, f"concept count for {key} is stale in the docs"

"""Finding a dataset by one of its variables (name or code) in the catalogue search.

The projection keeps variable_terms() (names, titles, codes) and the search index puts them in
the lowest-weighted text field of the record (kimed.catalog.search.indexer.document).
"""

from __future__ import annotations

import pytest

from kimed.catalog.search import SearchQuery, search
from kimed.catalog.variables.dictionary import read_dictionary_file
from kimed.catalog.variables.service import import_dictionary


def found(db, words: str) -> list[str]:
    with db.session() as session:
        result = search(session, SearchQuery.from_params({"q": [words]}))
    return [hit.identifier for hit in result.hits]


def test_words_are_absent_from_the_record_itself(loaded):
    # the premise of the tests below: without the dictionary these words find nothing
    assert found(loaded, "lvef") == []
    assert found(loaded, "33762-6") == []


@pytest.mark.parametrize("words", ["lvef", "NT-proBNP", "33762-6", "Linksventrikuläre"])
def test_a_variable_name_title_or_code_finds_the_dataset(loaded, heart_csv, words):
    with loaded.session() as session:
        import_dictionary(session, "test-heart-1", read_dictionary_file(heart_csv))
    assert found(loaded, words) == ["test-heart-1"]

"""The Portal's search engine: full text, ranking and facets on the database's own engine.

SQLite uses FTS5 and PostgreSQL a tsvector column with a GIN index; words are folded and stemmed in
Python (Snowball, German and English) so both behave the same. See docs/search.md.

    from kimed.catalog.search import SearchQuery, search
    result = search(session, SearchQuery.from_params({"q": "Schlaganfall", "access_rights": [...]}))
"""

from kimed.catalog.search.engine import search
from kimed.catalog.search.facets import FACETS, Facet
from kimed.catalog.search.indexer import (
    index_dataset,
    index_datasets,
    reindex_all,
    unindex_dataset,
)
from kimed.catalog.search.query import (
    FacetValue,
    Hit,
    SearchError,
    SearchQuery,
    SearchResult,
)

__all__ = [
    "FACETS",
    "Facet",
    "FacetValue",
    "Hit",
    "SearchError",
    "SearchQuery",
    "SearchResult",
    "index_dataset",
    "index_datasets",
    "reindex_all",
    "search",
    "unindex_dataset",
]

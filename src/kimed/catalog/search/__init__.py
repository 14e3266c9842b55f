"""The Portal's search engine: full text, ranking and facets on the database's own engine.

SQLite uses FTS5 and PostgreSQL a tsvector column with a GIN index; words are folded and stemmed in
Python (Snowball, German and English) so both behave the same. See docs/search.md.

    from kimed.catalog.search import SearchQuery, search
    result = search(session, SearchQuery.from_params({"q": "Schlaganfall", "access_rights": [...]}))
"""

from kimed.catalog.search.engine import search
from kimed.catalog.search.facets import (
    AGE_BANDS,
    FACETS,
    POPULATION_BANDS,
    TEMPORAL_BANDS,
    Facet,
)
from kimed.catalog.search.indexer import (
    index_dataset,
    index_datasets,
    reindex_all,
    unindex_dataset,
)
from kimed.catalog.search.listing import (
    PublisherEntry,
    facet_values,
    publisher_by_slug,
    publishers,
    slugify,
)
from kimed.catalog.search.query import (
    SORTS,
    FacetValue,
    Hit,
    SearchError,
    SearchQuery,
    SearchResult,
)

__all__ = [
    "AGE_BANDS",
    "FACETS",
    "POPULATION_BANDS",
    "SORTS",
    "TEMPORAL_BANDS",
    "PublisherEntry",
    "Facet",
    "FacetValue",
    "Hit",
    "SearchError",
    "SearchQuery",
    "SearchResult",
    "facet_values",
    "index_dataset",
    "index_datasets",
    "publisher_by_slug",
    "publishers",
    "reindex_all",
    "search",
    "slugify",
    "unindex_dataset",
]

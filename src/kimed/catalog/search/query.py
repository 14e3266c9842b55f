"""A search request, its URL form, and the result types.

Every search is a URL: :meth:`SearchQuery.to_params` gives the query parameters and
:meth:`SearchQuery.from_params` reads them back, refusing any bad value with a :class:`SearchError`
that names the parameter and the rule it breaks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from kimed.catalog.search.facets import BAND_ORDER, VALUE_FACETS

SORTS = ("relevance", "title", "modified", "size", "newest")
LANGS = ("en", "de")
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_TEXT = 500
MAX_VALUE = 2048
MAX_AGE = 150
DEFAULT_PER_PAGE = 20


class SearchError(ValueError):
    """A search parameter broke a rule; ``param`` names it and ``rule`` says what is allowed."""

    def __init__(self, param: str, rule: str, value: object = None) -> None:
        self.param, self.rule, self.value = param, rule, value
        shown = f" (got {value!r:.80})" if value is not None else ""
        super().__init__(f"search parameter {param!r}: {rule}{shown}")


@dataclass
class SearchQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    age: tuple[int | None, int | None] | None = None
    temporal: tuple[date | None, date | None] | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    lang: str = "en"
    typing: bool = False
    """Treat the last word as a prefix (search-as-you-type)."""

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def effective_sort(self) -> str:
        """``relevance`` needs words to rank by; without them the list is sorted by title."""
        return "title" if self.sort == "relevance" and not self.text.strip() else self.sort

    def validate(self) -> SearchQuery:
        """Check every field; raise SearchError naming the URL parameter at fault."""
        if not isinstance(self.text, str) or len(self.text) > MAX_TEXT:
            raise SearchError("q", f"must be text of at most {MAX_TEXT} characters")
        for key, values in self.filters.items():
            if key not in VALUE_FACETS:
                raise SearchError(key, f"unknown facet; known: {', '.join(VALUE_FACETS)}")
            for value in values:
                if not isinstance(value, str) or not value or len(value) > MAX_VALUE:
                    raise SearchError(key, f"each value must be 1 to {MAX_VALUE} characters",
                                      value)
                if key in BAND_ORDER and value not in BAND_ORDER[key]:
                    raise SearchError(key, f"must be one of {', '.join(BAND_ORDER[key])}", value)
        if self.age is not None:
            lo, hi = self.age
            for name, v in (("age_min", lo), ("age_max", hi)):
                if v is not None and (isinstance(v, bool) or not isinstance(v, int)
                                      or not 0 <= v <= MAX_AGE):
                    raise SearchError(name, f"must be a whole number from 0 to {MAX_AGE}", v)
            if lo is not None and hi is not None and lo > hi:
                raise SearchError("age_min", "must not be greater than age_max", lo)
        if self.temporal is not None:
            start, end = self.temporal
            for name, v in (("from", start), ("to", end)):
                if v is not None and not isinstance(v, date):
                    raise SearchError(name, "must be a date (YYYY-MM-DD or YYYY)", v)
            if start is not None and end is not None and start > end:
                raise SearchError("from", "must not be later than to", start.isoformat())
        if self.sort not in SORTS:
            raise SearchError("sort", f"must be one of {', '.join(SORTS)}", self.sort)
        if isinstance(self.page, bool) or not isinstance(self.page, int) \
                or not 1 <= self.page <= MAX_PAGE:
            raise SearchError("page", f"must be a whole number from 1 to {MAX_PAGE}", self.page)
        if isinstance(self.per_page, bool) or not isinstance(self.per_page, int) \
                or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise SearchError("per_page", f"must be a whole number from 1 to {MAX_PER_PAGE}",
                              self.per_page)
        if self.lang not in LANGS:
            raise SearchError("lang", f"must be one of {', '.join(LANGS)}", self.lang)
        return self

    @classmethod
    def from_params(cls, params) -> SearchQuery:
        """Read URL query parameters: q, facet keys, age_min, age_max, from, to, sort, page,
        per_page, lang, typing. Unknown parameters are ignored.

        ``params`` may be a mapping of names to a value or a list of values, a multi-dict with
        ``getlist`` (Starlette's ``QueryParams``, Werkzeug's ``MultiDict``), or (name, value) pairs
        such as :meth:`to_params` gives. A facet parameter may repeat (its values are OR-ed)."""
        params = _multi(params)

        def values(name: str) -> list[str]:
            return params.get(name, [])

        def one(name: str) -> str | None:
            got = [v for v in values(name) if v.strip() != ""]
            if len(got) > 1:
                raise SearchError(name, "must be given at most once", got)
            return got[0].strip() if got else None

        filters = {}
        for key in VALUE_FACETS:
            got = list(dict.fromkeys(v for v in values(key) if v != ""))
            if got:
                filters[key] = got
        age_min, age_max = _int(one("age_min"), "age_min"), _int(one("age_max"), "age_max")
        start, end = _date(one("from"), "from", False), _date(one("to"), "to", True)
        query = cls(
            text=" ".join(values("q")).strip() if len(values("q")) <= 1 else _raise_once("q"),
            filters=filters,
            age=(age_min, age_max) if (age_min, age_max) != (None, None) else None,
            temporal=(start, end) if (start, end) != (None, None) else None,
            sort=one("sort") or "relevance",
            page=_default(_int(one("page"), "page"), 1),
            per_page=_default(_int(one("per_page"), "per_page"), DEFAULT_PER_PAGE),
            lang=one("lang") or "en",
            typing=(one("typing") or "0") in ("1", "true", "yes", "on"),
        )
        return query.validate()

    def to_params(self) -> list[tuple[str, str]]:
        """URL query parameters that :meth:`from_params` reads back into an equal query."""
        out: list[tuple[str, str]] = []
        if self.text.strip():
            out.append(("q", self.text.strip()))
        for key in VALUE_FACETS:
            out += [(key, v) for v in self.filters.get(key, [])]
        if self.age is not None:
            out += [(n, str(v)) for n, v in zip(("age_min", "age_max"), self.age, strict=True)
                    if v is not None]
        if self.temporal is not None:
            out += [(n, v.isoformat()) for n, v in zip(("from", "to"), self.temporal, strict=True)
                    if v is not None]
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.page != 1:
            out.append(("page", str(self.page)))
        if self.per_page != DEFAULT_PER_PAGE:
            out.append(("per_page", str(self.per_page)))
        if self.lang != "en":
            out.append(("lang", self.lang))
        if self.typing:
            out.append(("typing", "1"))
        return out


def _multi(params) -> dict[str, list[str]]:
    """Every parameter's values as a list, whatever the container."""
    if hasattr(params, "getlist") and hasattr(params, "keys"):
        return {k: [str(v) for v in params.getlist(k)] for k in params.keys()}  # noqa: SIM118
    if isinstance(params, Mapping):
        return {k: [v] if isinstance(v, str) else [str(x) for x in (v or [])]
                for k, v in params.items() if v is not None}
    out: dict[str, list[str]] = {}
    for key, value in params:
        out.setdefault(key, []).append(str(value))
    return out


def _raise_once(name: str):
    raise SearchError(name, "must be given at most once")


def _default(value: int | None, default: int) -> int:
    return default if value is None else value


def _int(raw: str | None, name: str) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw, 10)
    except ValueError:
        raise SearchError(name, "must be a whole number", raw) from None


def _date(raw: str | None, name: str, end: bool) -> date | None:
    if raw is None:
        return None
    try:
        if len(raw) == 4 and raw.isdigit():
            return date(int(raw), 12, 31) if end else date(int(raw), 1, 1)
        return date.fromisoformat(raw)
    except ValueError:
        raise SearchError(name, "must be a date (YYYY-MM-DD or YYYY)", raw) from None


@dataclass
class Hit:
    identifier: str
    iri: str
    title: str
    description_snippet: str
    access_rights: str | None
    publisher: str | None
    score: float | None = None
    publisher_iri: str | None = None
    """The publisher's IRI (None for a publisher without one)."""
    publisher_value: str | None = None
    """The publisher facet value: its IRI, or its name when it has none."""
    publisher_slug: str | None = None
    """The publisher's URL slug, as :func:`kimed.catalog.search.publishers` gives it."""
    snippet_parts: list[tuple[str, bool]] = field(default_factory=list)
    """``description_snippet`` cut into (text, matched) parts, for highlighting; the text is
    plain (escape it when writing HTML)."""
    modified: str | None = None
    """dct:modified as ISO date text."""
    kind: str = "dataset"
    """What was found: "dataset" or "algorithm" (its page is /algorithms/{identifier})."""


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    query: SearchQuery
    pages: int = 0

    @classmethod
    def build(cls, total: int, hits: list[Hit], facets: dict[str, list[FacetValue]],
              query: SearchQuery) -> SearchResult:
        return cls(total, hits, facets, query, math.ceil(total / query.per_page))

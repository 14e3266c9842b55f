"""Scoring stored records, whole catalogues or one publisher's part, and summing them up.

A record is scored from its stored projection, its SHACL violations (DCAT-AP compliance) and, only
where a distribution states ``dct:rights``, its canonical graph. Link states come from a
:class:`~kimed.catalog.quality.linkcheck.LinkChecker` when one is given, else links are unchecked.
Scores of stored rows are kept in a per-process cache (:mod:`.cache`) until the row changes.
"""

from __future__ import annotations

from statistics import median

import sqlalchemy as sa
from rdflib import Graph
from sqlalchemy.orm import Session, defer, object_session
from sqlalchemy.orm.attributes import set_committed_value

from kimed.catalog.models import DatasetRow
from kimed.catalog.projection import DatasetRecord, pick
from kimed.catalog.quality.cache import ScoreCache, key_of, score_cache
from kimed.catalog.quality.health import score_health
from kimed.catalog.quality.linkcheck import LinkChecker
from kimed.catalog.quality.model import BANDS, MQA_MAX, QualityScore
from kimed.catalog.quality.mqa import Inputs, score_mqa
from kimed.catalog.store import graph_of, record_of
from kimed.settings import Settings

RIGHTS_NT = "<http://purl.org/dc/terms/rights>"
HISTOGRAM_STEP = 45  # 9 bins over 0-405


class UnknownPublisher(LookupError):
    """A publisher filter that names no publisher of the catalogue."""

    def __init__(self, value: str, known: list[str]) -> None:
        self.value, self.known = value, known
        super().__init__(f"publisher: {value!r} is not a publisher of the catalogue (rule: must "
                         f"be a publisher's IRI or name, as dct:publisher states it)")


def score_record(record: DatasetRecord, graph: Graph | None = None, conforms: bool | None = None,
                 links: LinkChecker | None = None) -> QualityScore:
    inputs = Inputs(record, graph, conforms, links.status if links is not None else None)
    return QualityScore(record.iri, record.identifier, score_mqa(inputs), score_health(record),
                        links_checked=links is not None)


def score_row(row: DatasetRow, links: LinkChecker | None = None, *,
              cache: ScoreCache | None = None, fresh: bool = False) -> QualityScore:
    """The score of a stored record, from the process's cache (or ``cache``) when the record and
    its link states are unchanged since it was last scored; ``fresh=True`` always scores."""

    def compute() -> QualityScore:
        graph = graph_of(row) if RIGHTS_NT in row.graph_nt else None
        return score_record(record_of(row), graph, conforms=row.violations == 0, links=links)

    if fresh:
        return compute()
    return (cache if cache is not None else score_cache()).get_or_score(row, links, compute)


def publisher_value(record: DatasetRecord) -> str | None:
    """The value a publisher filter matches: the publisher's IRI, or its name for a blank node."""
    ref = record.publisher
    if ref is None:
        return None
    return ref.iri or pick(ref.name)


def _matches(record: DatasetRecord, wanted: str) -> bool:
    ref = record.publisher
    if ref is None:
        return False
    folded = wanted.casefold()
    return ref.iri == wanted or any(n.casefold() == folded for n in ref.name.values())


def rows_for(session: Session, publisher: str | None = None, *,
             light: bool = False) -> list[DatasetRow]:
    """The datasets (by title), only those of ``publisher`` (IRI or name) when given.

    ``light=True`` leaves the large columns (RDF, findings and, without a publisher filter, the
    projection) unloaded until something reads them: a score found in the cache needs none of
    them, a record scored afresh loads them then. Use it only while the session stays open."""
    query = sa.select(DatasetRow).order_by(DatasetRow.title, DatasetRow.id)
    if light:
        heavy = [DatasetRow.graph_nt, DatasetRow.findings]
        if publisher is None:
            heavy.append(DatasetRow.projection)
        query = query.options(*(defer(column) for column in heavy))
    rows = list(session.scalars(query))
    if publisher is None:
        return rows
    chosen = [r for r in rows if _matches(record_of(r), publisher)]
    if not chosen:
        known = sorted({v for r in rows if (v := publisher_value(record_of(r)))})
        raise UnknownPublisher(publisher, known)
    return chosen


def load_heavy(rows: list[DatasetRow], chunk: int = 500) -> None:
    """Load the projection and RDF of rows read with ``rows_for(light=True)`` in a few queries,
    rather than one query per row and column when scoring touches them."""
    pending = [r for r in rows if {"graph_nt", "projection"} & sa.inspect(r).unloaded]
    session = object_session(pending[0]) if pending else None
    if session is None:
        return
    for start in range(0, len(pending), chunk):
        by_id = {r.id: r for r in pending[start:start + chunk]}
        query = sa.select(DatasetRow.id, DatasetRow.graph_nt, DatasetRow.projection).where(
            DatasetRow.id.in_(list(by_id)))
        for ident, graph_nt, projection in session.execute(query):
            set_committed_value(by_id[ident], "graph_nt", graph_nt)
            set_committed_value(by_id[ident], "projection", projection)


def link_urls(rows: list[DatasetRow]) -> list[str]:
    urls = []
    for row in rows:
        for d in record_of(row).distributions:
            urls += [u for u in (d.access_url, d.download_url) if u]
    return urls


def score_rows(rows: list[DatasetRow], links: LinkChecker | None = None, *,
               cache: ScoreCache | None = None, fresh: bool = False) -> list[QualityScore]:
    """Scores of ``rows`` (cached as :func:`score_row` says); with a fetching checker, every link
    is checked first (in parallel)."""
    if links is not None and links.fetch_missing:
        links.check_many(link_urls(rows))
    cache = cache if cache is not None else score_cache()
    if links is not None or fresh:
        load_heavy(rows)  # the keys need the links, or every record is scored
    else:
        load_heavy([row for row in rows if key_of(row, None) not in cache])
    scores = [score_row(row, links, cache=cache, fresh=fresh) for row in rows]
    if links is not None:
        links.save()
    return scores


def summarise(scores: list[QualityScore], top: int = 10) -> dict:
    """What the dashboard draws: bands, a histogram, and the most-missing properties."""
    points = [s.points for s in scores]
    bands = {name: 0 for name, _ in reversed(BANDS)}
    for s in scores:
        bands[s.band] += 1
    bins = [{"low": low, "high": min(low + HISTOGRAM_STEP, MQA_MAX), "count": 0}
            for low in range(0, MQA_MAX, HISTOGRAM_STEP)]
    for p in points:
        bins[min(int(p // HISTOGRAM_STEP), len(bins) - 1)]["count"] += 1
    missing: dict[str, dict] = {}
    for s in scores:
        for r in [*s.results, *s.health]:
            if r.missing <= 0:
                continue
            entry = missing.setdefault(r.metric.id, {
                "metric": r.metric.id, "dimension": r.metric.dimension,
                "property": r.metric.prop, "property_iri": r.metric.iri, "aspect": r.metric.hint,
                "datasets": 0, "points": 0.0})
            entry["datasets"] += 1
            entry["points"] = round(entry["points"] + r.missing, 2)
    ranked = sorted(missing.values(), key=lambda e: (-e["datasets"], -e["points"], e["metric"]))
    return {
        "datasets": len(scores), "max": MQA_MAX,
        "mean": round(sum(points) / len(points), 1) if points else None,
        "median": round(median(points), 1) if points else None,
        "unchecked": round(sum(s.unchecked for s in scores), 2),
        "health_mean": (round(sum(s.health_points for s in scores) / len(scores), 1)
                        if scores else None),
        "bands": bands, "histogram": bins, "most_missing": ranked[:top],
    }


def checker_for(settings: Settings, *, fetch: bool, force: bool = False) -> LinkChecker | None:
    """The link checker the settings ask for, or None when link checks are off.

    Checks are on when the setting ``quality_check_links`` is, or when ``force`` is (the CLI's
    ``--check-links``). ``fetch=False`` gives a cache-only checker: web pages never wait for the
    network, they show what ``kimed quality report`` found last.
    """
    if not (force or settings.quality_check_links):
        return None
    return LinkChecker(settings.data_dir / "quality-links.json", fetch_missing=fetch,
                       timeout=settings.quality_link_timeout,
                       max_age=settings.quality_link_cache_hours * 3600)

"""``/catalog``: the whole catalogue in DCAT-AP for harvesters, in pages.

The response is one ``dcat:Catalog`` with a ``dcat:dataset`` link to each dataset of the page, plus
those datasets' canonical record graphs. Paging follows the Hydra Core Vocabulary
(https://www.hydra-cg.com/spec/latest/core/, section "Collections"): the catalogue carries
``hydra:totalItems`` and a ``hydra:view``, a ``hydra:PartialCollectionView`` whose
``hydra:first``/``previous``/``next``/``last`` link the pages. Every page is complete in itself
(the catalogue's title, description and publisher are on each), so a harvester may read one page
at a time.

The format comes from ``?format=ttl|jsonld|xml|nt`` or else the Accept header (Turtle by default).
Each dataset's metadata quality score travels with it as DQV measurements (kimed.catalog.quality.dqv)
unless ``?quality=false``; the record graphs themselves are the stored ones, unchanged.

Serialising a page costs about 40 ms per record, so pages are kept in memory until the catalogue
changes (the search index generation, which every import, edit and delete renews), and each answer
carries an ``ETag`` so a harvester that sends ``If-None-Match`` gets ``304 Not Modified``.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from kimed.catalog.models import DatasetRow
from kimed.catalog.namespaces import bind_prefixes
from kimed.catalog.quality import checker_for, score_rows
from kimed.catalog.quality.dqv import with_measurements
from kimed.catalog.rdfio import FORMATS, MEDIA_TYPES, serialize
from kimed.catalog.search import SearchError
from kimed.catalog.search.memory import generation
from kimed.catalog.store import graph_of
from kimed.web.deps import SessionDep
from kimed.web.negotiation import choose

router = APIRouter(tags=["dcat"])
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
CACHE_PAGES = 32  # serialised pages kept per app
_CACHE_LOCK = threading.Lock()
TITLE = {"en": "KIMed Portal: health data sources", "de": "KIMed-Portal: Gesundheitsdatenquellen"}
DESCRIPTION = {
    "en": "Catalogue of health data sources of the KIMed network, in HealthDCAT-AP Release 8.",
    "de": "Katalog der Gesundheitsdatenquellen des KIMed-Netzwerks, in HealthDCAT-AP Release 8.",
}


def _whole_number(raw: str | None, name: str, default: int, top: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw, 10)
    except ValueError:
        raise SearchError(name, f"must be a whole number from 1 to {top}", raw) from None
    if not 1 <= value <= top:
        raise SearchError(name, f"must be a whole number from 1 to {top}", value)
    return value


def catalog_graph(rows: list[DatasetRow], base: str, page: int, per_page: int,
                  total: int, fmt: str | None = None, quality: bool = True) -> Graph:
    """The page's graph: the catalogue node, its Hydra view and the datasets' records."""
    graph = bind_prefixes(Graph())
    graph.bind("hydra", HYDRA)
    catalog = URIRef(f"{base}/catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    for lang in ("en", "de"):
        graph.add((catalog, DCTERMS.title, Literal(TITLE[lang], lang=lang)))
        graph.add((catalog, DCTERMS.description, Literal(DESCRIPTION[lang], lang=lang)))
    publisher = BNode("kimedPortalPublisher")
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal("KIMed network", lang="en")))
    graph.add((catalog, FOAF.homepage, URIRef(f"{base}/")))
    graph.add((catalog, HYDRA.totalItems, Literal(total, datatype=XSD.nonNegativeInteger)))
    pages = max(1, -(-total // per_page))

    def page_iri(n: int) -> URIRef:
        query: dict[str, str | int] = {"page": n}
        if per_page != DEFAULT_PER_PAGE:
            query["per_page"] = per_page
        if fmt:  # a format chosen in the URL stays in the page links
            query["format"] = fmt
        if not quality:
            query["quality"] = "false"
        return URIRef(f"{base}/catalog?{urlencode(query)}")

    view = page_iri(page)
    graph.add((catalog, HYDRA.view, view))
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, HYDRA.first, page_iri(1)))
    graph.add((view, HYDRA.last, page_iri(pages)))
    if page > 1:
        graph.add((view, HYDRA.previous, page_iri(min(page - 1, pages))))
    if page < pages:
        graph.add((view, HYDRA.next, page_iri(page + 1)))
    for row in rows:
        graph.add((catalog, DCAT.dataset, URIRef(row.iri)))
        graph += graph_of(row)
    return graph


@router.get(
    "/catalog", name="dcat_catalog", summary="The catalogue in DCAT-AP, paged with Hydra",
    response_class=Response,
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()},
                     "description": "A page of the catalogue (Turtle unless asked otherwise)"}},
)
def catalog(request: Request, session: SessionDep, page: str | None = None,
            per_page: str | None = None, format: str | None = None,
            quality: str | None = None) -> Response:
    """The DCAT-AP catalogue: ``dcat:Catalog`` with the records of one page of datasets, and each
    dataset's metadata quality score as DQV measurements (docs/quality.md; ``quality=false``
    leaves them out)."""
    page_n = _whole_number(page, "page", 1, 1_000_000)
    size = _whole_number(per_page, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if format is not None:
        if format not in FORMATS:
            raise SearchError("format", f"must be one of {', '.join(FORMATS)}", format)
        fmt = format
    else:
        fmt = choose(request.headers.get("accept"), list(FORMATS), "ttl") or "ttl"
    if quality not in (None, "", "true", "false"):
        raise SearchError("quality", "must be true or false", quality)
    scores = quality != "false"
    base = str(request.base_url).rstrip("/")
    key = (generation(session), base, page_n, size, fmt, format, scores)
    etag = '"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'
    headers = {"Vary": "Accept", "ETag": etag}
    if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    cache = _cache(request)
    with _CACHE_LOCK:
        body = cache.get(key)
        if body is not None:
            cache.move_to_end(key)
    if body is None:
        total = session.scalar(sa.select(sa.func.count()).select_from(DatasetRow)) or 0
        rows = list(session.scalars(sa.select(DatasetRow).order_by(DatasetRow.iri, DatasetRow.id)
                                    .offset((page_n - 1) * size).limit(size)))
        graph = catalog_graph(rows, base, page_n, size, total, format, scores)
        if scores:
            graph = with_measurements(graph, score_rows(
                rows, checker_for(request.app.state.settings, fetch=False)))
            graph.bind("hydra", HYDRA)  # the merged graph has its own prefixes
        body = serialize(graph, fmt)
        with _CACHE_LOCK:
            cache[key] = body
            while len(cache) > CACHE_PAGES:
                cache.popitem(last=False)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


def _cache(request: Request) -> OrderedDict:
    """Serialised pages of this app, keyed by the search index generation (which every change
    to the catalogue renews) and what the page depends on."""
    state = request.app.state
    if not hasattr(state, "catalog_pages"):
        state.catalog_pages = OrderedDict()
    return state.catalog_pages

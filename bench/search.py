"""Benchmark: catalogue search (kimed.catalog.search) vs rdflib SPARQL over the same records.

Input: synthetic HealthDCAT-AP projections (German/English titles and descriptions built from our
vocabulary and synonym terms, health categories, publishers, ages, populations, periods), generated
with a fixed seed. For each size, on SQLite and on PostgreSQL (a throw-away schema, dropped after):

- ingest: the rows are bulk-inserted into ``datasets`` directly (no RDF parsing), then indexed with
  ``index_datasets``, the batch form of the ``index_dataset`` that the importer calls; we report the
  index rate (records/s);
- queries: ``--queries`` mixed searches (words, phrases, prefixes, exclusions, facet filters, age and
  time ranges, sorts), each with all facet counts; we report p50 and p95 in ms, wall clock and this
  process's CPU time (robust against other load on the machine; it leaves out PostgreSQL's work),
  and the time of the first search, which builds the in-memory facet index.

Baseline: the same kind of query as SPARQL (CONTAINS on lower-cased text, FILTERs, one GROUP BY per
facet) with rdflib over the same records as RDF, at ``--baseline-size`` records (rdflib is too slow
for 100k) and a subset of the queries; our figures at that size come from the same run.

    .venv/bin/python bench/search.py --sizes 10000,100000
    .venv/bin/python bench/search.py --sizes 500 --queries 100 --baseline-size 500   # quick
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kimed.catalog.models import DatasetRow
from kimed.catalog.projection import AgentRef, DatasetRecord, DistributionRef, Period
from kimed.catalog.search import SearchQuery, index_datasets, search
from kimed.db import Database
from kimed.vocab import get_vocabulary
from kimed.vocab.synonyms import synonym_groups

PG_URL = os.environ.get("KIMED_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BATCH = 1000
FACET_KEYS = ("health_category", "theme", "access_rights", "publisher", "coding_system",
              "standard", "language")
KINDS = {"en": ["registry", "cohort", "study", "survey", "trial data", "imaging archive",
                "claims data", "biobank collection"],
         "de": ["Register", "Kohorte", "Studie", "Befragung", "Studiendaten", "Bildarchiv",
                "Abrechnungsdaten", "Biobank-Sammlung"]}
REGIONS = ["Bavaria", "Saxony", "Hesse", "Berlin", "Hamburg", "Thuringia", "Bremen", "Lower Saxony"]


def _uris(key: str) -> list[str]:
    return [c.uri for c in get_vocabulary(key).concepts]


def generate(n: int, seed: int = 7) -> list[DatasetRecord]:
    rnd = random.Random(seed)
    groups = synonym_groups()
    cats, themes = _uris("health-categories"), _uris("data-themes")
    access, coding, standards = _uris("access-rights")[:4], _uris("coding-systems"), \
        _uris("standards")
    formats, langs = _uris("file-types")[:8], _uris("languages")[:6]
    publishers = [AgentRef(iri=f"https://bench.kimed.example/org/{i}",
                           name={"en": f"Institute {i}", "de": f"Institut {i}"})
                  for i in range(300)]
    out = []
    for i in range(n):
        topic, other = rnd.sample(groups, 2)
        kind = rnd.randrange(len(KINDS["en"]))
        region = rnd.choice(REGIONS)
        en_t, de_t = rnd.choice(topic.terms["en"]), rnd.choice(topic.terms["de"])
        start = date(1985, 1, 1) + timedelta(days=rnd.randrange(13000))
        end = None if rnd.random() < 0.2 else start + timedelta(days=rnd.randrange(200, 6000))
        lo = rnd.choice([None, 0, 0, 18, 18, 40, 65])
        hi = None if lo is None or rnd.random() < 0.3 else lo + rnd.randrange(5, 80)
        out.append(DatasetRecord(
            iri=f"https://bench.kimed.example/ds/{i}", identifier=f"bench-{i}",
            title={"en": f"{en_t.capitalize()} {KINDS['en'][kind]} {region} {i}",
                   "de": f"{de_t} {KINDS['de'][kind]} {region} {i}"},
            description={
                "en": f"Routine data on {en_t} and {rnd.choice(other.terms['en'])} from "
                      f"{rnd.randrange(2, 60)} sites in {region}, collected for research on "
                      f"{rnd.choice(topic.terms['en'])}. Includes follow-up and outcomes.",
                "de": f"Daten zu {de_t} und {rnd.choice(other.terms['de'])} aus "
                      f"{rnd.randrange(2, 60)} Standorten in {region}, erhoben für die Forschung."},
            keywords={"en": [en_t, rnd.choice(other.terms["en"])], "de": [de_t]},
            access_rights=rnd.choice(access), publisher=rnd.choice(publishers),
            health_categories=rnd.sample(cats, rnd.randint(1, 3)),
            themes=["http://publications.europa.eu/resource/authority/data-theme/HEAL",
                    *rnd.sample(themes, rnd.randint(0, 1))],
            coding_systems=rnd.sample(coding, rnd.randint(0, 3)),
            standards=rnd.sample(standards, rnd.randint(0, 2)),
            distributions=[DistributionRef(format=rnd.choice(formats))],
            languages=rnd.sample(langs, rnd.randint(1, 2)),
            number_of_unique_individuals=int(10 ** rnd.uniform(1.5, 6.7)),
            min_typical_age=lo, max_typical_age=hi, temporal=[Period(start=start, end=end)],
            modified=date(2015, 1, 1) + timedelta(days=rnd.randrange(3800)),
        ))
    return out


def make_queries(records: list[DatasetRecord], n: int, seed: int = 11) -> list[SearchQuery]:
    rnd = random.Random(seed)
    words = [t for g in synonym_groups() for lang in ("en", "de") for t in g.terms[lang]]
    sample = records[: min(len(records), 2000)]
    out = []
    for _ in range(n):
        r = rnd.random()
        word = rnd.choice(words)
        q = SearchQuery(sort=rnd.choice(["relevance"] * 4 + ["title", "modified", "size"]))
        if r < 0.35:
            q.text = word
        elif r < 0.5:
            q.text = f"{word} {rnd.choice(KINDS['en'] + KINDS['de'])}"
        elif r < 0.6:
            q.text = word.split()[0][:4] + "*"
        elif r < 0.67:
            q.text = f'"{rnd.choice([t for t in words if " " in t])}" -{rnd.choice(REGIONS)}'
        if r >= 0.55:
            rec = rnd.choice(sample)
            key = rnd.choice(["health_categories", "access_rights", "publisher", "coding_systems",
                              "languages"])
            value = getattr(rec, key)
            facet = {"health_categories": "health_category", "coding_systems": "coding_system",
                     "languages": "language"}.get(key, key)
            value = value.iri if key == "publisher" else value
            value = rnd.choice(value) if isinstance(value, list) and value else value
            if isinstance(value, str):
                q.filters = {facet: [value]}
        if rnd.random() < 0.2:
            q.age = (rnd.choice([0, 18, 40]), rnd.choice([None, 64, 90]))
        if rnd.random() < 0.15:
            q.temporal = (date(rnd.randrange(1990, 2020), 1, 1), None)
        q.page = rnd.choice([1, 1, 1, 2, 3])
        out.append(q)
    return out


def _rows(records: list[DatasetRecord]) -> list[dict]:
    return [{"iri": r.iri, "identifier": r.identifier, "title": r.label(), "graph_nt": "",
             "projection": r.model_dump(mode="json"), "findings": [],
             "access_rights": None, "publisher": r.publisher.name.get("en")}
            for r in records]


def run_backend(url: str, records, queries, progress: Progress, label: str) -> dict:
    db = Database(url)
    db.migrate()
    rows = _rows(records)
    with db.session() as session:
        for start in range(0, len(rows), BATCH):
            session.execute(sa.insert(DatasetRow), rows[start:start + BATCH])
    task = progress.add_task(f"{label}: index", total=len(rows))
    t0 = time.perf_counter()
    with db.session() as session:
        ids = list(session.scalars(sa.select(DatasetRow.id).order_by(DatasetRow.id)))
        for start in range(0, len(ids), BATCH):
            chunk = session.execute(sa.select(DatasetRow.id, DatasetRow.projection).where(
                DatasetRow.id.in_(ids[start:start + BATCH]))).all()
            index_datasets(session, chunk)
            progress.advance(task, len(chunk))
    index_s = time.perf_counter() - t0
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql"
                             else "ANALYZE")
    times, cpu = [], []
    task = progress.add_task(f"{label}: queries", total=len(queries))
    with db.session() as session:
        t = time.perf_counter()
        search(session, SearchQuery())  # warm-up: builds the in-memory facet index
        load_s = time.perf_counter() - t
        for query in queries:
            t, c = time.perf_counter(), time.process_time()
            search(session, query)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            progress.advance(task)
    db.dispose()
    cpu_q = _quantiles(cpu)
    return {"rate": len(rows) / index_s, "load": load_s, **_quantiles(times),
            "cpu50": cpu_q["p50"], "cpu95": cpu_q["p95"]}


def _quantiles(times: list[float]) -> dict:
    cuts = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
    return {"p50": statistics.median(times), "p95": cuts[18], "n": len(times)}


_PRED = {"health_category": "h:healthCategory", "theme": "dcat:theme",
         "access_rights": "dct:accessRights", "publisher": "dct:publisher",
         "coding_system": "h:hasCodingSystem", "standard": "dct:conformsTo",
         "language": "dct:language"}
_PREFIXES = ("PREFIX dct: <http://purl.org/dc/terms/> PREFIX dcat: <http://www.w3.org/ns/dcat#> "
             "PREFIX h: <http://healthdataportal.eu/ns/health#> ")


def to_graph(records: list[DatasetRecord]):
    from rdflib import Graph, Literal, Namespace, URIRef

    dct, dcat = Namespace("http://purl.org/dc/terms/"), Namespace("http://www.w3.org/ns/dcat#")
    h = Namespace("http://healthdataportal.eu/ns/health#")
    g = Graph()
    for r in records:
        s = URIRef(r.iri)
        g.add((s, dct.identifier, Literal(r.identifier)))
        for lang, text in r.title.items():
            g.add((s, dct.title, Literal(text, lang=lang)))
        for lang, text in r.description.items():
            g.add((s, dct.description, Literal(text, lang=lang)))
        for lang, words in r.keywords.items():
            g.add((s, dcat.keyword, Literal(words[0], lang=lang)))
        values = {"healthCategory": r.health_categories, "hasCodingSystem": r.coding_systems}
        for name, uris in values.items():
            for uri in uris:
                g.add((s, h[name], URIRef(uri)))
        for uri in r.themes:
            g.add((s, dcat.theme, URIRef(uri)))
        for uri in [*r.standards, *(d.format for d in r.distributions if d.format)]:
            g.add((s, dct.conformsTo, URIRef(uri)))
        for uri in r.languages:
            g.add((s, dct.language, URIRef(uri)))
        g.add((s, dct.accessRights, URIRef(r.access_rights)))
        g.add((s, dct.publisher, URIRef(r.publisher.iri)))
        for name, value in (("minTypicalAge", r.min_typical_age),
                            ("maxTypicalAge", r.max_typical_age),
                            ("numberOfUniqueIndividuals", r.number_of_unique_individuals)):
            if value is not None:
                g.add((s, h[name], Literal(value)))
    return g


def _sparql_where(q: SearchQuery) -> str:
    parts = ["?ds dct:identifier ?id ."]
    for n, word in enumerate(q.text.replace('"', " ").split()):
        negated, word = word.startswith("-"), word.lstrip("-").rstrip("*").lower()
        if word:
            test = (f"?ds dct:title|dct:description|dcat:keyword ?t{n} . "
                    f"FILTER(CONTAINS(LCASE(STR(?t{n})), {word!r}))")
            parts.append(f"FILTER({'NOT ' if negated else ''}EXISTS {{ {test} }})")
    for key, values in q.filters.items():
        parts.append(f"VALUES ?f_{key} {{ {' '.join(f'<{v}>' for v in values)} }} "
                     f"?ds {_PRED[key]} ?f_{key} .")
    if q.age:
        lo, hi = q.age
        parts.append("OPTIONAL { ?ds h:minTypicalAge ?lo } OPTIONAL { ?ds h:maxTypicalAge ?hi }")
        parts.append(f"FILTER((!BOUND(?lo) || ?lo <= {hi if hi is not None else 999}) && "
                     f"(!BOUND(?hi) || ?hi >= {lo or 0}))")
    return " ".join(parts)


def sparql_baseline(records, queries, progress: Progress) -> dict:
    """The same searches as SPARQL over rdflib: one page, the total, and a GROUP BY per facet."""
    graph = to_graph(records)
    task = progress.add_task("rdflib SPARQL: queries", total=len(queries))
    times = []
    for q in queries:
        where = _sparql_where(q)
        t = time.perf_counter()
        list(graph.query(f"{_PREFIXES} SELECT DISTINCT ?ds ?id WHERE {{ {where} }} "
                         f"ORDER BY ?id LIMIT {q.per_page} OFFSET {q.offset}"))
        list(graph.query(f"{_PREFIXES} SELECT (COUNT(DISTINCT ?ds) AS ?n) WHERE {{ {where} }}"))
        for pred in _PRED.values():
            list(graph.query(f"{_PREFIXES} SELECT ?v (COUNT(DISTINCT ?ds) AS ?n) "
                             f"WHERE {{ {where} ?ds {pred} ?v . }} GROUP BY ?v"))
        times.append((time.perf_counter() - t) * 1000)
        progress.advance(task)
    return _quantiles(times)


def postgres_url() -> tuple[str, str] | None:
    admin = sa.create_engine(PG_URL)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except Exception:
        return None
    finally:
        admin.dispose()
    url = sa.engine.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(schema: str) -> None:
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--baseline-size", type=int, default=2000)
    parser.add_argument("--baseline-queries", type=int, default=100)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",")} | {args.baseline_size})
    console = Console(width=150)
    results: dict[tuple[str, int], dict] = {}
    t_all = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        for size in sizes:
            records = generate(size)
            queries = make_queries(records, args.queries)
            distinct = len({q.text for q in queries})
            with tempfile.TemporaryDirectory() as tmp:
                results[("SQLite", size)] = run_backend(f"sqlite:///{tmp}/bench.sqlite", records,
                                                        queries, progress, f"SQLite {size:,}")
            pg = None if args.no_postgres else postgres_url()
            if pg:
                try:
                    results[("PostgreSQL", size)] = run_backend(pg[0], records, queries,
                                                                progress, f"PostgreSQL {size:,}")
                finally:
                    drop_schema(pg[1])
            if size == args.baseline_size:
                subset = queries[: args.baseline_queries]
                results[("rdflib", size)] = sparql_baseline(records, subset, progress)
                with tempfile.TemporaryDirectory() as tmp:
                    results[("SQLite same", size)] = run_backend(
                        f"sqlite:///{tmp}/b.sqlite", records, subset, progress, "SQLite subset")
    table = Table(title="Search: ingest rate and query latency (with all facet counts)")
    for col in ("engine", "records", "index rec/s", "load s", "queries", "p50 ms", "p95 ms",
                "cpu p50 ms", "cpu p95 ms"):
        table.add_column(col, justify="left" if col == "engine" else "right")
    for (engine, size), r in results.items():
        if engine == "SQLite same":
            continue
        table.add_row(engine, f"{size:,}", f"{r['rate']:,.0f}" if "rate" in r else "—",
                      f"{r['load']:.1f}" if "load" in r else "—",
                      str(r["n"]), f"{r['p50']:.1f}", f"{r['p95']:.1f}",
                      f"{r['cpu50']:.1f}" if "cpu50" in r else "—",
                      f"{r['cpu95']:.1f}" if "cpu95" in r else "—")
    console.print(table)
    console.print(f"{distinct} distinct query texts among {args.queries} queries. cpu: this process only (PostgreSQL's own "
                  "work is not in it). load: the first search, which builds the in-memory index.")
    base = results.get(("rdflib", args.baseline_size))
    ours = results.get(("SQLite same", args.baseline_size))
    if base and ours:
        ratio = Table(title=f"Ours vs baseline at {args.baseline_size:,} records, same "
                            f"{base['n']} queries (rdflib is too slow for larger sizes)")
        for col in ("", "ours (SQLite) ms", "rdflib SPARQL ms", "ratio (baseline / ours)"):
            ratio.add_column(col, justify="right")
        for key in ("p50", "p95"):
            ratio.add_row(key, f"{ours[key]:.1f}", f"{base[key]:.1f}",
                          f"{base[key] / ours[key]:.0f}x")
        console.print(ratio)
    console.print(f"Whole run: {time.perf_counter() - t_all:.0f} s wall.")


if __name__ == "__main__":
    main()

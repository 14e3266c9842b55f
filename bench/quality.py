"""Benchmark: the quality dashboard summary with the per-process score cache vs scoring every record.

Input: the demo catalogue (29 records, imported once with SHACL validation into a throw-away SQLite
file), copied until there are N records: each copy gets its own identifier, IRI and title and keeps
the demo record's projection, RDF and SHACL findings, so scores vary as they do in the demo.

For each size, what ``/quality`` does per request: load the rows (``rows_for(light=True)``: the
large columns are read only for records that are scored afresh), score them
(``score_rows``), and sum them up (``summarise``).

- baseline (cold): every record scored again (an empty cache each time, as without a cache);
- ours (cached): the same call when the records are unchanged since the last request.

Both include loading the rows from the database; the load alone is reported too, as the floor.
Medians over ``--repeats`` runs; the ratio is cold / cached.

    .venv/bin/python bench/quality.py --sizes 1000,5000 --repeats 5
    .venv/bin/python bench/quality.py --sizes 200 --repeats 3   # quick
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from kimed.catalog.demo import demo_files
from kimed.catalog.importer import import_files
from kimed.catalog.models import DatasetRow
from kimed.catalog.quality import ScoreCache, rows_for, score_rows, summarise
from kimed.db import Database

COPY = ("catalog_iri", "access_rights", "publisher", "graph_nt", "projection", "findings",
        "violations", "warnings", "source")


def fill(database: Database, size: int) -> None:
    """Import the demo once, then add copies until the catalogue holds ``size`` records."""
    with database.session() as session:
        import_files(session, demo_files())
    with database.session() as session:
        demo = list(session.scalars(sa.select(DatasetRow).order_by(DatasetRow.id)))
        if size < len(demo):
            raise SystemExit(f"--sizes: each size must be at least {len(demo)} (the demo)")
        template = [{c: getattr(r, c) for c in COPY} | {"iri": r.iri, "identifier": r.identifier,
                                                          "title": r.title} for r in demo]
        rows = []
        for i in range(size - len(demo)):
            base = template[i % len(template)]
            n = i // len(template) + 1
            rows.append({**base, "iri": f"{base['iri']}-copy-{n}",
                         "identifier": f"{base['identifier']}-copy-{n}",
                         "title": f"{base['title']} (copy {n})"})
        for start in range(0, len(rows), 1000):
            session.execute(sa.insert(DatasetRow), rows[start:start + 1000])
        session.commit()


def dashboard(database: Database, cache: ScoreCache) -> tuple[float, dict]:
    start = time.perf_counter()
    with database.session() as session:
        summary = summarise(score_rows(rows_for(session, light=True), cache=cache))
    return time.perf_counter() - start, summary


def load_only(database: Database) -> float:
    start = time.perf_counter()
    with database.session() as session:
        rows_for(session, light=True)
    return time.perf_counter() - start


def measure(size: int, repeats: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        database.migrate()
        fill(database, size)
        cold, cached, load = [], [], []
        for _ in range(repeats):
            cache = ScoreCache()
            seconds, first = dashboard(database, cache)
            cold.append(seconds)
            seconds, second = dashboard(database, cache)
            cached.append(seconds)
            if first != second:
                raise SystemExit("the cached summary differs from the computed one")
            if cache.hits != size:
                raise SystemExit(f"expected {size} cache hits, got {cache.hits}")
            load.append(load_only(database))
        database.dispose()
    return {"size": size, "cold": statistics.median(cold), "cached": statistics.median(cached),
            "load": statistics.median(load)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,5000",
                        help="catalogue sizes, comma-separated (default 1000,5000)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per size (median)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        raise SystemExit(f"--sizes: {args.sizes!r} is not a comma-separated list of integers") from None
    if args.repeats < 1:
        raise SystemExit("--repeats: must be at least 1")
    table = Table(title="Quality dashboard summary (rows_for + score_rows + summarise), SQLite")
    for column in ("records", "cold: score all (s)", "cached (s)", "ratio cold/cached",
                   "row load alone (s)"):
        table.add_column(column, justify="right")
    for size in sizes:
        r = measure(size, args.repeats)
        table.add_row(f"{size:,}", f"{r['cold']:.3f}", f"{r['cached']:.3f}",
                      f"{r['cold'] / r['cached']:.1f}x", f"{r['load']:.3f}")
    Console().print(table)


if __name__ == "__main__":
    main()

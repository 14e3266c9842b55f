"""Importing RDF files into the catalogue: all or nothing.

Every file is read, parsed and checked before the database is touched. Records that parse but
break the SHACL shapes are stored with their findings (``strict=True`` refuses them instead).
Everything is written in one transaction, so an error or an interruption leaves the catalogue
exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from rdflib import Graph
from rdflib.term import Node
from sqlalchemy.orm import Session

from kimed.catalog.checks import Problem, refusals
from kimed.catalog.models import DatasetRow
from kimed.catalog.namespaces import DCTERMS
from kimed.catalog.projection import pick, project
from kimed.catalog.rdfio import (
    EXTENSIONS,
    RdfInputError,
    format_for,
    parse_text,
    read_bytes,
    to_ntriples,
)
from kimed.catalog.rdfio import _decode as decode_utf8
from kimed.catalog.records import split_records
from kimed.catalog.search import index_dataset
from kimed.catalog.store import upsert_catalog

Progress = Callable[[str, int, int], None]  # (label, done, total)


class ImportRefused(Exception):
    """The input was refused; nothing was stored. ``problems`` says why, file by file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class RecordOutcome:
    iri: str
    identifier: str
    title: str
    file: str
    tier: str | None
    action: str = "created"  # created | updated
    violations: int = 0
    warnings: int = 0
    findings: list[dict] = field(default_factory=list)


@dataclass
class ImportReport:
    records: list[RecordOutcome] = field(default_factory=list)
    catalogs: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    unattached_triples: int = 0


@dataclass
class ParsedFile:
    path: str
    graph: Graph
    text: str
    datasets: dict[Node, Graph]
    catalogs: dict[Node, Graph]
    unattached: int


def expand(paths: Iterable[Path], suffixes: Iterable[str] = EXTENSIONS) -> list[Path]:
    """The given files, and every file with one of ``suffixes`` under the given directories."""
    wanted = {suffix.lower() for suffix in suffixes}
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in wanted)
        elif path.exists():
            out.append(path)
        else:
            raise ImportRefused([Problem(str(path), "no such file or directory")])
    return out


def parse_inputs(paths: Iterable[Path], fmt: str | None, max_bytes: int,
                 progress: Progress | None = None) -> list[ParsedFile]:
    """Parse and check every file; raise ImportRefused listing every problem found."""
    files = expand(paths)
    parsed, problems = [], []
    for number, path in enumerate(files, start=1):
        try:
            text = decode_utf8(read_bytes(path, max_bytes), str(path))
            graph = parse_text(text, str(path), format_for(path, fmt))
        except RdfInputError as exc:
            problems.append(Problem(exc.file, exc.cause + (f" [{exc.rule}]" if exc.rule else ""),
                                    exc.line))
            continue
        split = split_records(graph)
        problems += refusals(graph, split.datasets, str(path), text)
        parsed.append(ParsedFile(str(path), graph, text, split.datasets, split.catalogs,
                                 len(split.unattached)))
        if progress:
            progress("parse", number, len(files))
    problems += _cross_file_duplicates(parsed)
    if problems:
        raise ImportRefused(problems)
    return parsed


def _cross_file_duplicates(parsed: list[ParsedFile]) -> list[Problem]:
    problems, seen = [], {}
    for item in parsed:
        for ds, record in item.datasets.items():
            ident = str(next(iter(record.objects(ds, DCTERMS.identifier)), ds))
            if ident in seen and seen[ident][0] != str(ds):
                problems.append(Problem(item.path, f"duplicate dct:identifier {ident!r}: <{ds}> "
                                        f"and <{seen[ident][0]}> in {seen[ident][1]}"))
            seen.setdefault(ident, (str(ds), item.path))
    return problems


def _db_duplicates(session: Session, outcomes: list[RecordOutcome]) -> list[Problem]:
    problems = []
    for outcome in outcomes:
        clash = session.scalars(sa.select(DatasetRow).where(
            DatasetRow.identifier == outcome.identifier, DatasetRow.iri != outcome.iri)).first()
        if clash is not None:
            problems.append(Problem(outcome.file, f"duplicate dct:identifier "
                                    f"{outcome.identifier!r}: the catalogue already holds it for "
                                    f"<{clash.iri}>"))
    return problems


def import_files(session: Session, paths: Iterable[Path], *, fmt: str | None = None,
                 strict: bool = False, max_bytes: int = 50 * 1024 * 1024,
                 progress: Progress | None = None) -> ImportReport:
    """Import ``paths`` within ``session``'s transaction (the caller commits or rolls back)."""
    from kimed.catalog.validation import validate

    parsed = parse_inputs(paths, fmt, max_bytes, progress)
    report = ImportReport(files=[p.path for p in parsed])
    rows: list[tuple[RecordOutcome, DatasetRow]] = []
    strict_problems: list[Problem] = []
    total = sum(len(p.datasets) for p in parsed)
    for item in parsed:
        validation = validate(item.graph)
        report.unattached_triples += item.unattached
        for ds, record in item.datasets.items():
            prepared = prepare_record(record, ds, item.path, validation.findings)
            outcome = prepared.outcome
            if strict and outcome.violations:
                strict_problems += [Problem(item.path, f"--strict: <{ds}> {f['message']}")
                                    for f in outcome.findings if f["severity"] == "violation"]
            rows.append((outcome, prepared.row))
    outcomes = [o for o, _ in rows]
    problems = strict_problems + _db_duplicates(session, outcomes)
    if problems:
        raise ImportRefused(problems)
    for number, (outcome, row) in enumerate(rows, start=1):
        store_record(session, PreparedRecord(outcome, row))
        report.records.append(outcome)
        if progress:
            progress("store", number, total)
    for item in parsed:
        for cat, graph in item.catalogs.items():
            title = next((str(t) for t in graph.objects(cat, DCTERMS.title)), None)
            upsert_catalog(session, str(cat), title, to_ntriples(graph))
            for ds in item.datasets:
                session.execute(sa.update(DatasetRow).where(DatasetRow.iri == str(ds))
                                .values(catalog_iri=str(cat)))
            report.catalogs.append(str(cat))
    session.flush()
    return report


@dataclass
class PreparedRecord:
    """One record ready to store: what the report says of it, and its row."""

    outcome: RecordOutcome
    row: DatasetRow


def prepare_record(record: Graph, ds: Node, file: str, findings: Iterable) -> PreparedRecord:
    """The row of dataset ``ds`` (record graph ``record``) with its SHACL findings; no I/O."""
    from kimed.catalog.validation import tier_of

    projection = project(record, ds)
    mine = [f for f in findings if _belongs(f.focus, record)]
    tier = tier_of(record, ds)
    outcome = RecordOutcome(
        iri=str(ds), identifier=projection.identifier, title=projection.label(), file=file,
        tier=str(tier) if tier else None,
        violations=sum(f.severity == "violation" for f in mine),
        warnings=sum(f.severity == "warning" for f in mine),
        findings=[_finding_dict(f) for f in mine],
    )
    row = DatasetRow(
        iri=str(ds), identifier=projection.identifier,
        title=pick(projection.title) or projection.identifier,
        access_rights=str(tier) if tier else None,
        publisher=pick(projection.publisher.name) if projection.publisher else None,
        graph_nt=to_ntriples(record), projection=projection.model_dump(mode="json"),
        findings=outcome.findings, violations=outcome.violations, warnings=outcome.warnings,
        source=Path(file).name,
    )
    return PreparedRecord(outcome, row)


def store_record(session: Session, prepared: PreparedRecord) -> DatasetRow:
    """Insert or update (by IRI) the prepared row and index it for search."""
    outcome, row = prepared.outcome, prepared.row
    existing = session.scalars(sa.select(DatasetRow).where(DatasetRow.iri == row.iri)).first()
    if existing is not None:
        outcome.action = "updated"
        for column in ("identifier", "title", "access_rights", "publisher", "graph_nt",
                       "projection", "findings", "violations", "warnings", "source"):
            setattr(existing, column, getattr(row, column))
    else:
        session.add(row)
    session.flush()
    stored = existing if existing is not None else row
    index_dataset(session, stored)
    return stored


def check_graph(graph: Graph, source: str = "web") -> PreparedRecord:
    """Check one record's graph as an import would (refusals, then SHACL); no I/O.

    The graph must describe exactly one dcat:Dataset. Raises ImportRefused with the refusals.
    """
    from kimed.catalog.validation import validate

    split = split_records(graph)
    problems = refusals(graph, split.datasets, source)
    if not problems and len(split.datasets) != 1:
        problems.append(Problem(source, f"a record describes exactly one dcat:Dataset; this "
                                f"input describes {len(split.datasets)}"))
    if problems:
        raise ImportRefused(problems)
    ((ds, record),) = split.datasets.items()
    return prepare_record(record, ds, source, validate(graph).findings)


def store_graph(session: Session, graph: Graph, *, source: str = "web", strict: bool = False,
                prepared: PreparedRecord | None = None) -> RecordOutcome:
    """Store one record's graph the way import_files stores a record (same checks, same row,
    same search index), within ``session``'s transaction. ``strict`` refuses a record with SHACL
    violations; ``prepared`` is the result of :func:`check_graph` when the caller has it."""
    prepared = prepared or check_graph(graph, source)
    outcome = prepared.outcome
    problems = []
    if strict and outcome.violations:
        problems = [Problem(source, f"<{outcome.iri}> {f['message']}")
                    for f in outcome.findings if f["severity"] == "violation"]
    problems += _db_duplicates(session, [outcome])
    if problems:
        raise ImportRefused(problems)
    store_record(session, prepared)
    return outcome


def _belongs(focus: str, record: Graph) -> bool:
    return any(str(s) == focus for s in record.subjects(unique=True))


def _finding_dict(finding) -> dict:
    return {
        "severity": finding.severity, "focus": finding.focus, "path": finding.path,
        "tier": str(finding.tier), "message": finding.message, "value": finding.value,
    }

"""Importing algorithm records: MLDCAT-AP RDF, FAIR4ML JSON-LD and Hugging Face model cards.

All or nothing, like the dataset importer: every file is read, parsed, mapped to MLDCAT-AP and
checked, and every dataset link resolved, before anything is written; everything is written in
the caller's transaction. Records that break the SHACL shapes are stored with their findings
(``strict=True`` refuses them instead).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from rdflib import Graph
from rdflib.term import Node
from sqlalchemy.orm import Session

from kimed.catalog.algorithms.context import resolve_contexts
from kimed.catalog.algorithms.fair4ml import map_to_mldcat
from kimed.catalog.algorithms.links import resolve_links, store_links
from kimed.catalog.algorithms.model import SPEC, AlgorithmRecord
from kimed.catalog.algorithms.modelcard import card_to_graph
from kimed.catalog.algorithms.models import AlgorithmRow
from kimed.catalog.algorithms.rdf import project_model, split_models
from kimed.catalog.checks import Problem, ill_typed_literals, unknown_vocabulary_values
from kimed.catalog.importer import ImportRefused
from kimed.catalog.importer import expand as expand_files
from kimed.catalog.namespaces import DCTERMS
from kimed.catalog.projection import ProjectionError, pick
from kimed.catalog.rdfio import (
    EXTENSIONS,
    FORMATS,
    RdfInputError,
    format_for,
    parse_text,
    read_bytes,
    to_ntriples,
)
from kimed.catalog.rdfio import _decode as decode_utf8
from kimed.catalog.search.algorithm_index import index_algorithms

Progress = Callable[[str, int, int], None]
CARD_SUFFIXES = {".md", ".markdown"}
INPUT_FORMATS = (*FORMATS, "modelcard")

__all__ = ["INPUT_FORMATS", "AlgorithmImportReport", "AlgorithmOutcome", "ImportRefused",
           "PreparedImport", "check_models", "import_algorithms", "parse_inputs", "prepare",
           "write_prepared"]


@dataclass
class AlgorithmOutcome:
    iri: str
    identifier: str
    title: str
    file: str
    action: str = "created"  # created | updated
    violations: int = 0
    warnings: int = 0
    findings: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)


@dataclass
class AlgorithmImportReport:
    records: list[AlgorithmOutcome] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    unattached_triples: int = 0


@dataclass
class ParsedModels:
    path: str
    graph: Graph
    models: dict[Node, Graph]
    projections: dict[Node, AlgorithmRecord]
    unattached: int


def expand(paths: Iterable[Path]) -> list[Path]:
    """The given files, and every RDF file and model card under the given directories."""
    return expand_files(paths, {*EXTENSIONS, *CARD_SUFFIXES})


def read_graph(path: Path, fmt: str | None, max_bytes: int) -> Graph:
    """One input file as an MLDCAT-AP graph (model cards converted, FAIR4ML mapped)."""
    name = str(path)
    text = decode_utf8(read_bytes(path, max_bytes), name)
    if fmt == "modelcard" or (fmt is None and path.suffix.lower() in CARD_SUFFIXES):
        graph = card_to_graph(text, name)
    else:
        kind = format_for(path, fmt)
        if kind == "jsonld":
            text = resolve_contexts(text, name)
        graph = parse_text(text, name, kind)
    return map_to_mldcat(graph)


def _identifier_problems(models: dict[Node, Graph], file: str) -> list[Problem]:
    problems = []
    for m, record in models.items():
        idents = sorted(str(i) for i in record.objects(m, DCTERMS.identifier))
        if len(idents) > 1:
            problems.append(Problem(file, f"dct:identifier of <{m}> has {len(idents)} values "
                                    f"{idents}; at most one is allowed [{SPEC}]"))
    return problems


def check_models(graph: Graph, file: str) -> tuple[ParsedModels, list[Problem]]:
    """One MLDCAT-AP graph cut into model records and projected, with the problems that refuse
    it (ill-typed literals, values outside our vocabularies, two identifiers on one model, no
    model, a projection that fails)."""
    models, rest = split_models(graph)
    found = ill_typed_literals(graph, file, None)
    found += unknown_vocabulary_values(graph, file, None)
    found += _identifier_problems(models, file)
    if not models:
        found.append(Problem(file, "no mldcat:MachineLearningModel (or fair4ml:MLModel) "
                             f"found [{SPEC}]"))
    projections = {}
    if not found:
        for m, record in models.items():
            try:
                projections[m] = project_model(record, m)
            except ProjectionError as exc:
                found.append(Problem(file, f"<{m}> {exc}"))
    return ParsedModels(file, graph, models, projections, len(rest)), found


def parse_inputs(paths: Iterable[Path], fmt: str | None = None,
                 max_bytes: int = 50 * 1024 * 1024,
                 progress: Progress | None = None) -> list[ParsedModels]:
    """Read and check every file; raise ImportRefused listing every problem found."""
    files = expand(paths)
    parsed, problems = [], []
    for number, path in enumerate(files, start=1):
        try:
            graph = read_graph(path, fmt, max_bytes)
        except RdfInputError as exc:
            problems.append(Problem(exc.file, exc.cause + (f" [{exc.rule}]" if exc.rule else ""),
                                    exc.line))
            continue
        item, found = check_models(graph, str(path))
        problems += found
        parsed.append(item)
        if progress:
            progress("parse", number, len(files))
    problems += _duplicates(parsed)
    if problems:
        raise ImportRefused(problems)
    return parsed


def _duplicates(parsed: list[ParsedModels]) -> list[Problem]:
    problems, seen = [], {}
    for item in parsed:
        for m, projection in item.projections.items():
            ident = projection.identifier
            if ident in seen and seen[ident][0] != str(m):
                problems.append(Problem(item.path, f"duplicate dct:identifier {ident!r}: <{m}> "
                                        f"and <{seen[ident][0]}> in {seen[ident][1]}"))
            seen.setdefault(ident, (str(m), item.path))
    return problems


@dataclass
class PreparedImport:
    """Checked records, their findings and resolved links, ready to be written."""

    report: AlgorithmImportReport
    staged: list[tuple[AlgorithmOutcome, AlgorithmRecord, Graph, list]]


def prepare(session: Session, parsed: list[ParsedModels], strict: bool = False) -> PreparedImport:
    """Validate the parsed records with our shapes and resolve their dataset links; raise
    ImportRefused for a broken link, an identifier held by another record, or (``strict``) a
    violation. Writes nothing."""
    from kimed.catalog.algorithms.validation import validate

    report = AlgorithmImportReport(files=[p.path for p in parsed])
    staged, problems = [], []
    for item in parsed:
        findings = validate(item.graph)
        report.unattached_triples += item.unattached
        for m, record in item.models.items():
            projection = item.projections[m]
            mine = [f.to_dict() for f in findings if _in(f.focus, record)]
            outcome = AlgorithmOutcome(
                iri=str(m), identifier=projection.identifier, title=projection.label(),
                file=item.path, findings=mine,
                violations=sum(f["severity"] == "violation" for f in mine),
                warnings=sum(f["severity"] == "warning" for f in mine))
            if strict and outcome.violations:
                problems += [Problem(item.path, f"--strict: <{m}> {f['message']}")
                             for f in mine if f["severity"] == "violation"]
            links, broken = resolve_links(session, projection)
            problems += [Problem(item.path, b.message) for b in broken]
            outcome.links = [vars(link) for link in links]
            staged.append((outcome, projection, record, links))
    problems += _db_duplicates(session, [s[0] for s in staged])
    if problems:
        raise ImportRefused(problems)
    return PreparedImport(report, staged)


def write_prepared(session: Session, prepared: PreparedImport,
                   progress: Progress | None = None) -> AlgorithmImportReport:
    """Store prepared records (new rows or updates of the rows with their IRIs), their dataset
    links, and their search index entries, in the caller's transaction."""
    report, staged, stored = prepared.report, prepared.staged, []
    for number, (outcome, projection, record, links) in enumerate(staged, start=1):
        row = session.scalars(sa.select(AlgorithmRow).where(AlgorithmRow.iri == outcome.iri)).first()
        values = dict(identifier=projection.identifier,
                      title=pick(projection.title) or projection.identifier,
                      graph_nt=to_ntriples(record), projection=projection.model_dump(mode="json"),
                      findings=outcome.findings, violations=outcome.violations,
                      warnings=outcome.warnings, source=Path(outcome.file).name)
        if row is None:
            row = AlgorithmRow(iri=outcome.iri, **values)
            session.add(row)
        else:
            outcome.action = "updated"
            for key, value in values.items():
                setattr(row, key, value)
        session.flush()
        store_links(session, row, links)
        stored.append(row)
        report.records.append(outcome)
        if progress:
            progress("store", number, len(staged))
    session.flush()
    index_algorithms(session, stored)
    return report


def import_algorithms(session: Session, paths: Iterable[Path], *, fmt: str | None = None,
                      strict: bool = False, max_bytes: int = 50 * 1024 * 1024,
                      progress: Progress | None = None) -> AlgorithmImportReport:
    """Import ``paths`` within ``session``'s transaction (the caller commits or rolls back)."""
    parsed = parse_inputs(paths, fmt, max_bytes, progress)
    return write_prepared(session, prepare(session, parsed, strict), progress)


def _in(focus: str, record: Graph) -> bool:
    return any(str(s) == focus for s in record.subjects(unique=True))


def _db_duplicates(session: Session, outcomes: list[AlgorithmOutcome]) -> list[Problem]:
    problems = []
    for outcome in outcomes:
        clash = session.scalars(sa.select(AlgorithmRow).where(
            AlgorithmRow.identifier == outcome.identifier, AlgorithmRow.iri != outcome.iri)).first()
        if clash is not None:
            problems.append(Problem(outcome.file, f"duplicate dct:identifier "
                                    f"{outcome.identifier!r}: the catalogue already holds it for "
                                    f"<{clash.iri}>"))
    return problems

"""Attaching a data dictionary to a stored dataset record, as one transaction.

The record's graph gets the new csvw:TableGroup (any earlier one is removed), is checked the way
every import is checked (refusals, then SHACL at the record's tier) and is stored through
:func:`kimed.catalog.importer.store_graph`, which rewrites the row, its projection and its
search entries. A SHACL violation on the dictionary's own nodes (a column without a title or a
description, say) refuses the dictionary, naming the row and the column, unless
``save_with_findings`` is set; findings elsewhere in the record stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from sqlalchemy.orm import Session

from kimed.catalog.importer import ImportRefused, check_graph, store_graph
from kimed.catalog.models import DatasetRow
from kimed.catalog.store import get_dataset, graph_of
from kimed.catalog.variables.dictionary import (
    Dictionary,
    DictionaryError,
    DictionaryProblem,
)
from kimed.catalog.variables.graph import Written, replace_dictionary
from kimed.catalog.variables.model import Variable, read_variables

# SHACL paths on a column, and the dictionary field each comes from.
_FIELD_OF_PATH = {"csvw:name": "name", "csvw:title": "title", "dct:description": "description",
                  "csvw:datatype": "datatype", "csvw:propertyUrl": "codes"}


@dataclass
class DictionaryOutcome:
    """What an import did: the dataset, how many variables and tables, the record's findings."""

    identifier: str
    iri: str
    variables: int
    tables: int
    replaced: int  # variables in the dictionary it replaced
    violations: int
    warnings: int
    findings: list[dict] = field(default_factory=list)


def variables_of(row: DatasetRow) -> list[Variable]:
    """The variables of a stored dataset."""
    return read_variables(graph_of(row), URIRef(row.iri))


def _row_numbers(dictionary: Dictionary) -> dict[int, int]:
    return {id(r.variable): r.row for r in dictionary.rows}


def _dictionary_problems(dictionary: Dictionary, written: Written,
                         findings: list[dict]) -> list[DictionaryProblem]:
    rows = _row_numbers(dictionary)
    columns = {str(node): variable for node, variable in written.columns.items()}
    tables = {str(node) for node in written.tables} | {str(written.group)}
    problems = []
    for finding in findings:
        if finding["severity"] != "violation":
            continue
        focus = finding["focus"]
        if focus in columns:
            variable = columns[focus]
            field_name = _FIELD_OF_PATH.get(finding["path"] or "", finding["path"])
            problems.append(DictionaryProblem(
                dictionary.file, f"variable {variable.name!r}: {finding['message']}",
                f"SHACL, tier {finding['tier']}", rows.get(id(variable)), field_name))
        elif focus in tables:
            problems.append(DictionaryProblem(dictionary.file, finding["message"],
                                              f"SHACL, tier {finding['tier']}", None, "table"))
    return problems


def import_dictionary(session: Session, key: str, dictionary: Dictionary, *,
                      save_with_findings: bool = False) -> DictionaryOutcome:
    """Replace the data dictionary of dataset ``key`` within ``session``'s transaction.

    Raises :class:`kimed.catalog.store.NotFound` for an unknown dataset and
    :class:`DictionaryError` when the dictionary is refused; then nothing was written.
    """
    row = get_dataset(session, key)
    graph = graph_of(row)
    dataset = URIRef(row.iri)
    replaced = len(read_variables(graph, dataset))
    written = replace_dictionary(graph, dataset, dictionary.variables, dictionary.table)
    source = row.source or dictionary.file
    try:
        prepared = check_graph(graph, source=source)
    except ImportRefused as exc:
        raise DictionaryError([DictionaryProblem(dictionary.file, p.message, "import check")
                               for p in exc.problems]) from None
    problems = _dictionary_problems(dictionary, written, prepared.outcome.findings)
    if problems and not save_with_findings:
        raise DictionaryError(problems)
    try:
        outcome = store_graph(session, graph, source=source, prepared=prepared)
    except ImportRefused as exc:
        raise DictionaryError([DictionaryProblem(dictionary.file, p.message, "import check")
                               for p in exc.problems]) from None
    return DictionaryOutcome(
        identifier=outcome.identifier, iri=outcome.iri, variables=len(written.columns),
        tables=len(written.tables), replaced=replaced, violations=outcome.violations,
        warnings=outcome.warnings, findings=outcome.findings)

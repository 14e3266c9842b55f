"""The variables (data dictionary) of a dataset, read from its CSVW description.

HealthDCAT-AP links a dataset to its variables with ``healthdcatap:hasVariables``, whose object
is a ``csvw:TableGroup``. Each ``csvw:table`` of the group lists its columns with
``csvw:column``, directly (as in the HealthDCAT-AP example and our shapes) or through a
``csvw:tableSchema`` (as in the CSVW metadata vocabulary). Every column is one :class:`Variable`.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kimed.catalog.namespaces import CSVW, DCTERMS, HEALTHDCATAP, RDFS, SKOS, XSD

SCHEMA = Namespace("http://schema.org/")
QUDT = Namespace("http://qudt.org/schema/qudt/")

# Where a column's unit may be stated; schema:unitText is what we write.
UNIT_PROPERTIES = (SCHEMA.unitText, SCHEMA.unitCode, QUDT.hasUnit, QUDT.unit)
# Where a column's concept codes may be stated; dct:subject (IRIs) and skos:notation (plain
# codes) are what we write, csvw:propertyUrl is what the HealthDCAT-AP example uses.
CODE_PROPERTIES = (CSVW.propertyUrl, CSVW.valueUrl, DCTERMS.subject, SKOS.notation)


class Variable(BaseModel):
    """One variable (a ``csvw:Column``) of a dataset's data dictionary."""

    model_config = ConfigDict(frozen=True)

    name: str
    titles: dict[str, str] = Field(default_factory=dict)
    description: dict[str, str] = Field(default_factory=dict)
    datatype: str | None = None
    unit: str | None = None
    codes: tuple[str, ...] = ()
    table: str | None = None

    def title(self, lang: str = "en") -> str | None:
        """The title in ``lang``, else English, else untagged, else any."""
        return _pick(self.titles, lang)

    def describe(self, lang: str = "en") -> str | None:
        return _pick(self.description, lang)


def _pick(values: dict[str, str], lang: str) -> str | None:
    for key in (lang, "en", ""):
        if values.get(key):
            return values[key]
    return next(iter(values.values()), None)


def _lang_map(graph: Graph, node: Node, *props: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for prop in props:
        for value in sorted(graph.objects(node, prop), key=str):
            if isinstance(value, Literal):
                out.setdefault(value.language or "", str(value))
        if out:
            break
    return out


def _first(graph: Graph, node: Node, props) -> Node | None:
    for prop in props:
        values = sorted(graph.objects(node, prop), key=str)
        if values:
            return values[0]
    return None


def datatype_name(value: Node | None) -> str | None:
    """The CSVW datatype as written: an XSD or CSVW IRI becomes its local name."""
    if value is None:
        return None
    text = str(value)
    for base in (str(XSD), str(CSVW)):
        if text.startswith(base):
            return text[len(base):]
    if not isinstance(value, Literal):
        # A csvw:Datatype node with csvw:base, or any other IRI.
        return text
    return text


def _datatype(graph: Graph, column: Node) -> str | None:
    value = _first(graph, column, (CSVW.datatype,))
    if value is not None and not isinstance(value, Literal):
        base = _first(graph, value, (CSVW.base,))
        if base is not None:
            value = base
    return datatype_name(value)


def _unit(graph: Graph, column: Node) -> str | None:
    value = _first(graph, column, UNIT_PROPERTIES)
    if value is None:
        return None
    if isinstance(value, URIRef):
        return str(value).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return str(value)


def _codes(graph: Graph, column: Node) -> tuple[str, ...]:
    out: list[str] = []
    for prop in CODE_PROPERTIES:
        for value in sorted(graph.objects(column, prop), key=str):
            text = str(value)
            if text and text not in out:
                out.append(text)
    return tuple(out)


def _position(graph: Graph, column: Node) -> float:
    value = _first(graph, column, (SCHEMA.position,))
    try:
        return float(value.toPython()) if isinstance(value, Literal) else float("inf")
    except (TypeError, ValueError):
        return float("inf")


def _table_label(graph: Graph, table: Node) -> str | None:
    titles = _lang_map(graph, table, DCTERMS.title, CSVW.title, RDFS.label)
    url = _first(graph, table, (CSVW.url,))
    return _pick(titles, "en") or (str(url) if url is not None else None)


def table_groups(graph: Graph, dataset: Node) -> list[Node]:
    return sorted(graph.objects(dataset, HEALTHDCATAP.hasVariables), key=str)


def columns_of(graph: Graph, table: Node) -> list[Node]:
    """The csvw:column nodes of a table, directly or through its csvw:tableSchema."""
    found = set(graph.objects(table, CSVW.column))
    for schema in graph.objects(table, CSVW.tableSchema):
        found.update(graph.objects(schema, CSVW.column))
    return sorted(found, key=str)


def read_variables(graph: Graph, dataset: Node) -> list[Variable]:
    """The variables that ``dataset`` describes in ``graph``, in dictionary order.

    Order: table by table (by title), then by ``schema:position`` when the columns carry one,
    then by the column's IRI with numbers compared as numbers (``#var-2`` before ``#var-10``),
    then by name. Columns without a ``csvw:name`` are skipped (SHACL reports them).
    """
    keyed: list[tuple[str, float, tuple, str, Variable]] = []
    for group in table_groups(graph, dataset):
        for table in sorted(graph.objects(group, CSVW.table), key=str):
            label = _table_label(graph, table)
            for column in columns_of(graph, table):
                name = _first(graph, column, (CSVW.name,))
                if name is None or not str(name).strip():
                    continue
                variable = Variable(
                    name=str(name),
                    titles=_lang_map(graph, column, CSVW.title, DCTERMS.title, RDFS.label),
                    description=_lang_map(graph, column, DCTERMS.description, RDFS.comment),
                    datatype=_datatype(graph, column),
                    unit=_unit(graph, column),
                    codes=_codes(graph, column),
                    table=label,
                )
                keyed.append((label or "", _position(graph, column), _natural(column),
                              str(name), variable))
    keyed.sort(key=lambda item: item[:4])
    return [item[4] for item in keyed]


def _natural(node: Node) -> tuple:
    if not isinstance(node, URIRef):
        return ()
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", str(node)) if part)

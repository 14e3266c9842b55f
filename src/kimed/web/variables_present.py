"""The data dictionary as the dataset page shows it: one row per variable, codes as links."""

from __future__ import annotations

from rdflib import Graph, URIRef

from kimed.catalog.variables import read_variables
from kimed.catalog.variables.codes import compact_code, is_iri


def variables_view(graph: Graph, dataset_iri: str, lang: str) -> dict:
    """Rows for the page (text in ``lang`` where the dictionary has it), and whether the
    variables come from more than one table (then the page shows a table column)."""
    variables = read_variables(graph, URIRef(dataset_iri))
    rows = [{
        "name": v.name, "title": v.title(lang) or "", "description": v.describe(lang) or "",
        "datatype": v.datatype or "", "unit": v.unit or "", "table": v.table or "",
        "codes": [{"label": compact_code(c), "href": c if is_iri(c) else None}
                  for c in v.codes],
    } for v in variables]
    return {"rows": rows, "tables": len({r["table"] for r in rows}) > 1}

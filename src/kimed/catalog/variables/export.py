"""Writing variables as a data dictionary table that :mod:`.dictionary` reads back."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from kimed.catalog.variables.codes import compact_code
from kimed.catalog.variables.model import Variable


def _header_of(field: str, lang: str) -> str:
    return f"{field}@{lang}" if lang else field


def dictionary_rows(variables: Iterable[Variable]) -> list[list[str]]:
    """Header and rows: name, a title and a description column per language, datatype, unit,
    codes (short forms, space separated) and table."""
    variables = list(variables)
    title_langs = sorted({lang for v in variables for lang in v.titles})
    text_langs = sorted({lang for v in variables for lang in v.description})
    header = (["name"] + [_header_of("title", lang) for lang in title_langs]
              + [_header_of("description", lang) for lang in text_langs]
              + ["datatype", "unit", "codes", "table"])
    rows = [header]
    for v in variables:
        rows.append([v.name] + [v.titles.get(lang, "") for lang in title_langs]
                    + [v.description.get(lang, "") for lang in text_langs]
                    + [v.datatype or "", v.unit or "",
                       " ".join(compact_code(c) for c in v.codes), v.table or ""])
    return rows


def dictionary_csv(variables: Iterable[Variable]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(dictionary_rows(variables))
    return out.getvalue()

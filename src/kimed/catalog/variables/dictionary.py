"""Reading a data dictionary from a CSV or XLSX file: one row per variable.

The first row names the columns; the accepted header names (English and German) are in
:data:`HEADERS` and documented in docs/variables.md. Everything is checked before anything is
returned; :class:`DictionaryError` lists every problem with its file, row, column and rule.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from kimed.catalog.variables.datatypes import datatype_of
from kimed.catalog.variables.model import Variable

SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
FIELDS = ("name", "title", "description", "datatype", "unit", "codes", "table")
MULTILINGUAL = ("title", "description")

# Normalised header (lower case, runs of space, "_" and "-" made one space) -> field.
HEADERS: dict[str, str] = {
    **dict.fromkeys(("name", "variable", "variable name", "variablename", "varname", "column",
                     "column name", "field", "field name", "variablenname", "feldname", "spalte",
                     "spaltenname", "merkmal"), "name"),
    **dict.fromkeys(("title", "titles", "label", "titel", "bezeichnung", "beschriftung"),
                    "title"),
    **dict.fromkeys(("description", "definition", "beschreibung", "erläuterung",
                     "erlaeuterung"), "description"),
    **dict.fromkeys(("datatype", "data type", "type", "value type", "datentyp", "typ"),
                    "datatype"),
    **dict.fromkeys(("unit", "units", "unit of measure", "einheit", "maßeinheit", "masseinheit"),
                    "unit"),
    **dict.fromkeys(("code", "codes", "concept", "concepts", "concept code", "concept codes",
                     "coding", "kode", "kodes", "kodierung", "codierung", "konzept", "konzepte"),
                    "codes"),
    **dict.fromkeys(("table", "table name", "tabelle", "tabellenname"), "table"),
}
_LANG_SUFFIX = re.compile(r"^(?P<base>.+?)\s*(?:@|\(|\s)(?P<lang>[a-z]{2})\)?$")
_CODE_SPLIT = re.compile(r"[;,|\s]+")


@dataclass(frozen=True)
class DictionaryProblem:
    """One reason a data dictionary is refused."""

    file: str
    message: str
    rule: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column,
                "message": self.message, "rule": self.rule}


class DictionaryError(ValueError):
    """The data dictionary was refused; nothing was stored. ``problems`` says why."""

    def __init__(self, problems: list[DictionaryProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class DictionaryRow:
    """One variable and the row (1-based, the header is row 1) it was read from."""

    row: int
    variable: Variable


@dataclass(frozen=True)
class Dictionary:
    file: str
    table: str  # the default table title: the sheet name, or the file name without suffix
    rows: tuple[DictionaryRow, ...]

    @property
    def variables(self) -> list[Variable]:
        return [r.variable for r in self.rows]


def _refuse(file: str, message: str, rule: str, row: int | None = None,
            column: str | None = None) -> DictionaryError:
    return DictionaryError([DictionaryProblem(file, message, rule, row, column)])


def read_dictionary_file(path: Path, *, sheet: str | None = None,
                         max_bytes: int = 50 * 1024 * 1024) -> Dictionary:
    """Read the dictionary at ``path`` (checked against ``max_bytes`` before it is read)."""
    if not path.is_file():
        raise _refuse(str(path), "no such file", "readable file")
    size = path.stat().st_size
    if size > max_bytes:
        raise _refuse(str(path), f"the file is {size} bytes, over the limit of {max_bytes}",
                      "KIMED_MAX_IMPORT_BYTES")
    return read_dictionary(path.read_bytes(), path.name, sheet=sheet, max_bytes=max_bytes)


def read_dictionary(data: bytes, filename: str, *, sheet: str | None = None,
                    max_bytes: int = 50 * 1024 * 1024) -> Dictionary:
    """Read a dictionary from ``data``; ``filename``'s suffix says CSV or XLSX."""
    kind = SUFFIXES.get(Path(filename).suffix.lower())
    if kind is None:
        raise _refuse(filename, f"cannot read {Path(filename).suffix or 'a file without suffix'}"
                      f"; a data dictionary is one of {', '.join(sorted(SUFFIXES))}",
                      "file type")
    if len(data) > max_bytes:
        raise _refuse(filename, f"the file is {len(data)} bytes, over the limit of {max_bytes}",
                      "KIMED_MAX_IMPORT_BYTES")
    if not data.strip():
        raise _refuse(filename, "the file is empty", "a header row and at least one variable")
    if kind == "xlsx":
        from kimed.catalog.variables.xlsx import read_sheet

        table, cells = read_sheet(data, filename, sheet)
    else:
        if sheet:
            raise _refuse(filename, "--sheet applies to XLSX workbooks only", "file type")
        table, cells = Path(filename).stem, _csv_cells(data, filename)
    return _rows_to_dictionary(cells, filename, table)


def _csv_cells(data: bytes, filename: str) -> list[list[str]]:
    if data[:2] == b"PK" or b"\x00" in data[:4096]:
        raise _refuse(filename, "this is a binary file, not CSV text (an XLSX workbook needs "
                      "the .xlsx suffix)", "file type")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(filename, f"not UTF-8 text (byte {exc.start}); save the file as "
                      "'CSV UTF-8'", "UTF-8 encoding") from None
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max(",;\t", key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise _refuse(filename, f"malformed CSV: {exc}", "CSV (RFC 4180)") from None


def field_of(header: str) -> tuple[str, str] | None:
    """The (field, language tag) a header names, or None; language is "" when not given."""
    norm = re.sub(r"[\s_\-]+", " ", header.strip().lower())
    if norm in HEADERS:
        return HEADERS[norm], ""
    match = _LANG_SUFFIX.match(norm)
    if match and HEADERS.get(match["base"]) in MULTILINGUAL:
        return HEADERS[match["base"]], match["lang"]
    return None


def _header(cells: list[str], filename: str) -> dict[int, tuple[str, str]]:
    columns: dict[int, tuple[str, str]] = {}
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for index, raw in enumerate(cells):
        if not raw.strip():
            continue
        found = field_of(raw)
        if found is None:
            problems.append(DictionaryProblem(
                filename, f"unknown column header {raw.strip()!r}; accepted: name, title, "
                "description, datatype, unit, codes, table (or a German alias; title and "
                "description may carry a language, as in 'title@de')", "dictionary headers",
                1, raw.strip()))
        elif found in seen:
            problems.append(DictionaryProblem(
                filename, f"column header {raw.strip()!r} repeats {seen[found]!r}",
                "dictionary headers", 1, raw.strip()))
        else:
            seen[found] = raw.strip()
            columns[index] = found
    if not problems and ("name", "") not in seen:
        problems.append(DictionaryProblem(
            filename, "no name column; the header row needs one of: name, variable, "
            "variable_name, column, field, Variablenname, Feldname", "dictionary headers", 1))
    if problems:
        raise DictionaryError(problems)
    return columns


def split_codes(cell: str) -> tuple[str, ...]:
    """The codes in one cell, separated by ';', ',', '|' or white space, without repeats."""
    out: list[str] = []
    for code in _CODE_SPLIT.split(cell.strip()):
        if code and code not in out:
            out.append(code)
    return tuple(out)


def _rows_to_dictionary(cells: list[list[str]], filename: str, table: str) -> Dictionary:
    rows = [r for r in cells]
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise _refuse(filename, "the file is empty", "a header row and at least one variable")
    columns = _header(rows[0], filename)
    headers = {index: rows[0][index].strip() for index in columns}
    problems: list[DictionaryProblem] = []
    out: list[DictionaryRow] = []
    names: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        values: dict[str, dict[str, str]] = {}
        for index, (field, lang) in columns.items():
            value = raw[index].strip() if index < len(raw) else ""
            if value:
                values.setdefault(field, {})[lang] = value
        if not values:
            continue  # a blank row
        name_header = next(headers[i] for i, f in columns.items() if f == ("name", ""))
        name = values.get("name", {}).get("")
        if not name:
            problems.append(DictionaryProblem(filename, "the variable name is empty",
                                              "every variable has a name", number, name_header))
            continue
        if name.startswith("_"):
            problems.append(DictionaryProblem(
                filename, f"variable name {name!r} starts with '_'",
                "CSVW: names starting with '_' are reserved", number, name_header))
        table_title = values.get("table", {}).get("") or table
        key = (table_title, name.casefold())
        if key in names:
            problems.append(DictionaryProblem(
                filename, f"duplicate variable name {name!r} (first in row {names[key]})",
                "variable names are unique within a table", number, name_header))
            continue
        names[key] = number
        datatype = "string"  # the CSVW default datatype
        if "datatype" in values:
            datatype = datatype_of(values["datatype"][""])
            if datatype is None:
                column = next(headers[i] for i, f in columns.items() if f[0] == "datatype")
                problems.append(DictionaryProblem(
                    filename, f"unknown datatype {values['datatype']['']!r}; use a CSVW "
                    "built-in datatype such as string, integer, decimal, boolean, date, "
                    "dateTime (see docs/variables.md)", "CSVW built-in datatypes", number,
                    column))
                continue
        out.append(DictionaryRow(number, Variable(
            name=name, titles=values.get("title", {}), description=values.get("description", {}),
            datatype=datatype, unit=values.get("unit", {}).get(""),
            codes=split_codes(values.get("codes", {}).get("", "")), table=table_title)))
    if problems:
        raise DictionaryError(problems)
    if not out:
        raise _refuse(filename, "the file has a header row but no variables",
                      "a header row and at least one variable")
    return Dictionary(file=filename, table=table, rows=tuple(out))

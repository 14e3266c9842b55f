"""Reading the cells of one worksheet of an XLSX workbook (openpyxl, read-only)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

from kimed.catalog.variables.dictionary import DictionaryError, DictionaryProblem


def _refuse(file: str, message: str, rule: str) -> DictionaryError:
    return DictionaryError([DictionaryProblem(file, message, rule)])


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def read_sheet(data: bytes, filename: str, sheet: str | None) -> tuple[str, list[list[str]]]:
    """(sheet title, rows of cell texts) of ``sheet``, or of the first worksheet."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency, but fail with a clear message
        raise _refuse(filename, "reading XLSX needs openpyxl: pip install 'openpyxl>=3.1'",
                      "optional dependency") from None
    if data[:2] != b"PK":
        raise _refuse(filename, "not an XLSX workbook (an XLSX file is a ZIP archive)",
                      "file type")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise _refuse(filename, f"not a readable XLSX workbook ({exc})", "file type") from None
    if "xl/workbook.xml" not in parts:
        raise _refuse(filename, "not an XLSX workbook (no xl/workbook.xml)", "file type")
    if not any(p.startswith("xl/worksheets/") and p.endswith(".xml") for p in parts):
        raise _refuse(filename, "the workbook has no worksheet", "a worksheet of variables")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _refuse(filename, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})",
                      "file type") from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException and others
        raise _refuse(filename, f"not a readable XLSX workbook ({type(exc).__name__})",
                      "file type") from None
    try:
        names = [ws.title for ws in book.worksheets]
        if not names:
            raise _refuse(filename, "the workbook has no worksheet", "a worksheet of variables")
        if sheet is None:
            title = names[0]
        elif sheet in names:
            title = sheet
        else:
            raise _refuse(filename, f"no sheet named {sheet!r}; the workbook has: "
                          f"{', '.join(repr(n) for n in names)}", "a worksheet of variables")
        rows = [[_text(v) for v in row] for row in book[title].iter_rows(values_only=True)]
    finally:
        book.close()
    return title, rows

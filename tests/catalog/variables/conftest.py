"""Fixtures for data dictionary tests: our own dictionaries, and XLSX workbooks built here."""

from __future__ import annotations

from pathlib import Path

import pytest

DICTIONARIES = Path(__file__).parents[2] / "data" / "variables"
RECORD = Path(__file__).parents[2] / "data" / "rdf" / "minimal-public.ttl"


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with the given sheets (title -> rows) at ``path``."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def heart_csv() -> Path:
    return DICTIONARIES / "heart-dictionary.csv"


@pytest.fixture
def loaded(db):
    """The database ``db`` holding the test record test-heart-1."""
    from kimed.catalog.importer import import_files

    with db.session() as session:
        import_files(session, [RECORD])
    return db

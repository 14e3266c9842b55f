"""Helpers for search tests: store hand-built records and index them (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from kimed.catalog.models import DatasetRow
from kimed.catalog.projection import AgentRef, DatasetRecord, DistributionRef, Period
from kimed.catalog.search import SearchQuery, index_dataset, search

HC = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"
CS = "https://hdeu-dcat.data.health.europa.eu/resource/authority/coding-system/"
STD = "https://hdeu-dcat.data.health.europa.eu/resource/authority/standard/"
AR = "http://publications.europa.eu/resource/authority/access-right/"
TH = "http://publications.europa.eu/resource/authority/data-theme/"
LANG = "http://publications.europa.eu/resource/authority/language/"
FT = "http://publications.europa.eu/resource/authority/file-type/"

__all__ = ["AR", "CS", "FT", "HC", "LANG", "STD", "TH", "AgentRef", "DistributionRef", "Period",
           "date"]


def record(identifier: str, **fields) -> DatasetRecord:
    return DatasetRecord(iri=f"https://tests.kimed.example/{identifier}", identifier=identifier,
                         **fields)


def store(session, rec: DatasetRecord) -> DatasetRow:
    row = DatasetRow(iri=rec.iri, identifier=rec.identifier, title=rec.label(),
                     graph_nt="", projection=rec.model_dump(mode="json"), findings=[])
    session.add(row)
    session.flush()
    index_dataset(session, row)
    return row


class Finder:
    def __init__(self, db) -> None:
        self.db = db

    def add(self, *records: DatasetRecord) -> None:
        with self.db.session() as session:
            for rec in records:
                store(session, rec)

    def __call__(self, text: str = "", **kwargs):
        with self.db.session() as session:
            return search(session, SearchQuery(text=text, **kwargs))

    def ids(self, text: str = "", **kwargs) -> list[str]:
        kwargs.setdefault("per_page", 100)
        return [h.identifier for h in self(text, **kwargs).hits]

    def idset(self, text: str = "", **kwargs) -> set[str]:
        return set(self.ids(text, **kwargs))


@pytest.fixture
def finder(db) -> Finder:
    return Finder(db)

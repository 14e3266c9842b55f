# ruff: noqa: F811  (the bwrap fixture imported from tests.spe.jobkit is an argument here)
"""Feasibility counts and the SPE line on the Portal pages: a vault-held dataset shows a
disclosure-controlled count to a permitted account and "Can be analysed in the KIMed SPE"; a
dataset that claims SPE custody but has no data in the vault shows the not-available text."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kimed.accounts import service
from kimed.catalog.importer import import_files
from kimed.catalog.suitability import ResearchProfile, profile_query
from kimed.db import Database
from kimed.settings import Settings
from kimed.spe import roles
from kimed.spe.vault import Vault, master_key_from_file
from kimed.web.app import create_app
from tests.spe.jobflow import write_key
from tests.spe.jobkit import bwrap  # noqa: F401 (a fixture)
from tests.web.accounts import PASSWORD, login

DATA = Path(__file__).parents[1] / "data"
RECORD = DATA / "suitability" / "spe-stroke-registry.ttl"
HELD, ELSEWHERE = "test-spe-stroke", "test-spe-elsewhere"
LINE = "Can be analysed in the KIMed SPE"
UNAVAILABLE = "No count for this dataset"


@pytest.fixture
def app(tmp_path, bwrap, database_url) -> TestClient:
    other = tmp_path / "elsewhere.ttl"
    text = RECORD.read_text(encoding="utf-8")
    assert f'"{HELD}"' in text
    other.write_text(text.replace(HELD, ELSEWHERE).replace("t:ds-stroke ",
                                                           "t:ds-elsewhere "),
                     encoding="utf-8")
    database = Database(database_url)
    database.migrate()
    with database.session() as session:
        import_files(session, [RECORD, other])
        for name, spe_roles in (("ana", ["data_user"]), ("rita", [])):
            service.create_user(session, name, f"{name}@example.org", PASSWORD, role="reader")
            session.flush()
            for role in spe_roles:
                roles.grant(session, "cli", name, role)
        session.commit()
    database.dispose()
    data_dir = tmp_path / "portal-data"
    key = write_key(tmp_path / "master.key")
    Vault(data_dir, master_key_from_file(key)).put(
        "cohorts", HELD, [DATA / "omop-mini" / "person.csv",
                          DATA / "omop-mini" / "condition_occurrence.csv"], uploader="olga")
    settings = Settings(database_url=database_url, data_dir=data_dir, spe_master_key_file=key,
                        spe_feasibility_min=0, spe_feasibility_round=1)
    with TestClient(create_app(settings)) as client:
        yield client


def feasibility_line(html: str, identifier: str) -> str:
    start = html.index(f"/datasets/{identifier}")
    part = html[start:]
    return part[part.index('class="feasibility"'):].split("</p>", 1)[0]


def test_suitability_page_shows_the_count_for_a_held_dataset_only_to_permitted_accounts(app):
    url = "/suitability?" + profile_query(ResearchProfile.model_validate(
        {"conditions": ["icd10:I63"]}))
    login(app, "ana")
    page = app.get(url)
    assert page.status_code == 200
    held_line = feasibility_line(page.text, HELD)
    assert "</strong> 3" in held_line  # persons 1, 3, 6 of omop-mini, shown as is (base 1)
    assert UNAVAILABLE in feasibility_line(page.text, ELSEWHERE)
    app.cookies.clear()
    login(app, "rita")  # no SPE role: the default text, no count
    assert UNAVAILABLE in feasibility_line(app.get(url).text, HELD)


def test_dataset_page_says_it_can_be_analysed_in_the_spe_only_when_held(app):
    assert LINE in app.get(f"/datasets/{HELD}").text
    assert LINE not in app.get(f"/datasets/{ELSEWHERE}").text
    assert "KIMed-SPE analysiert" in app.get(f"/datasets/{HELD}?lang=de").text

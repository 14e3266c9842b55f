"""The data dictionary through the JSON API: reading, and replacing it by who may write."""

from __future__ import annotations

import io

import pytest

from tests.catalog.conftest import snapshot
from tests.web.accounts import create_users, new_client

NAKO = "kimed:nako"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = ("name,title@en,description@en,datatype,unit,codes\n"
        "sbp,Systolic blood pressure,Seated systolic blood pressure,decimal,mm[Hg],LOINC:8480-6\n"
        "hba1c,HbA1c,Glycated haemoglobin,decimal,%,LOINC:4548-4\n")


@pytest.fixture(scope="module")
def users(portal, portal_url):
    return create_users(portal_url)


@pytest.fixture
def database(portal_url):
    from kimed.db import Database

    db = Database(portal_url)
    yield db
    db.dispose()


def bearer(users, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {users.tokens[name]}"}


def put(api, users, who, body, media="text/csv", identifier=NAKO, **params):
    return api.put(f"/api/datasets/{identifier}/variables", content=body, params=params,
                   headers={**bearer(users, who), "Content-Type": media})


def test_holder_replaces_and_anyone_reads(portal, users):
    api = new_client(portal)
    answer = put(api, users, "holder", GOOD)
    assert answer.status_code == 200, answer.text
    saved = answer.json()
    assert (saved["identifier"], saved["variables"], saved["tables"]) == (NAKO, 2, 1)
    read = new_client(portal).get(f"/api/datasets/{NAKO}/variables").json()
    assert [v["name"] for v in read["variables"]] == ["sbp", "hba1c"]
    sbp = read["variables"][0]
    assert sbp["codes"] == ["http://purl.bioontology.org/ontology/LNC/8480-6"]
    assert sbp["short_codes"] == ["LOINC:8480-6"] and sbp["unit"] == "mm[Hg]"
    assert read["links"]["csv"].endswith(f"/api/datasets/{NAKO}/variables?format=csv")
    csv_text = api.get(f"/api/datasets/{NAKO}/variables", params={"format": "csv"})
    assert csv_text.headers["content-type"].startswith("text/csv")
    assert "sbp,Systolic blood pressure" in csv_text.text
    # the dataset's own record says it describes variables now
    assert api.get(f"/api/datasets/{NAKO}").json()["record"]["has_variables"] is True


def test_admin_posts_an_xlsx_upload(portal, users, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Variablen"
    sheet.append(["Variablenname", "Titel@de", "Beschreibung@de", "Datentyp", "Codes"])
    sheet.append(["nihss", "NIHSS", "Schweregrad des Schlaganfalls", "Ganzzahl", "LOINC:72089-6"])
    data = io.BytesIO()
    book.save(data)
    api = new_client(portal)
    answer = api.post(f"/api/datasets/{NAKO}/variables", headers=bearer(users, "admin"),
                      files={"file": ("stroke.xlsx", data.getvalue(), XLSX)})
    assert answer.status_code == 200, answer.text
    variables = api.get(f"/api/datasets/{NAKO}/variables").json()["variables"]
    assert [(v["name"], v["table"], v["datatype"]) for v in variables] == [
        ("nihss", "Variablen", "integer")]


@pytest.mark.parametrize("who", ["reader", "foreign"])
def test_reader_and_foreign_holder_get_403_and_nothing_changes(portal, users, database, who):
    before = snapshot(database)
    api = new_client(portal)
    answer = put(api, users, who, GOOD)
    assert answer.status_code == 403
    detail = answer.json()["detail"][0]
    assert detail["loc"] == ["auth"] and who in detail["msg"]
    upload = api.post(f"/api/datasets/{NAKO}/variables", headers=bearer(users, who),
                      files={"file": ("d.csv", GOOD.encode(), "text/csv")})
    assert upload.status_code == 403
    assert snapshot(database) == before


def test_anonymous_gets_401(portal, database):
    before = snapshot(database)
    answer = new_client(portal).put(f"/api/datasets/{NAKO}/variables", content=GOOD,
                                    headers={"Content-Type": "text/csv"})
    assert answer.status_code == 401
    assert snapshot(database) == before


@pytest.mark.parametrize(("body", "media", "status", "needles"), [
    ("name,title\nage,Age\nage,Again\n", "text/csv", 422,
     ["row 3", "duplicate variable name 'age'"]),
    ("title,datatype\nAge,integer\n", "text/csv", 422, ["no name column"]),
    ("name,datatype\nage,number-ish\n", "text/csv", 422, ["unknown datatype 'number-ish'"]),
    ("", "text/csv", 422, ["the file is empty"]),
    ("name\nx\n", "application/pdf", 415, ["cannot read application/pdf"]),
    ("name\nx\n", XLSX, 422, ["not an XLSX workbook"]),
    # a column without title and description breaks the HealthDCAT-AP column shape
    ("name,datatype\nage,integer\n", "text/csv", 422, ["row 2", "csvw:title is mandatory"]),
])
def test_bad_dictionaries_are_refused_and_change_nothing(portal, users, database, body, media,
                                                         status, needles):
    before = snapshot(database)
    answer = put(new_client(portal), users, "holder", body, media)
    assert answer.status_code == status, answer.text
    text = " ".join(d["msg"] for d in answer.json()["detail"])
    for needle in needles:
        assert needle in text
    assert all(d["rule"] for d in answer.json()["detail"])
    assert snapshot(database) == before


def test_unknown_dataset_is_404(portal, users):
    api = new_client(portal)
    assert api.get("/api/datasets/no-such-thing/variables").status_code == 404
    assert put(api, users, "admin", GOOD, identifier="no-such-thing").status_code == 404


def test_size_limit(portal, users, database):
    before = snapshot(database)
    limit = portal.app.state.settings.max_import_bytes
    portal.app.state.settings.max_import_bytes = 40
    try:
        answer = put(new_client(portal), users, "holder", GOOD)
    finally:
        portal.app.state.settings.max_import_bytes = limit
    assert answer.status_code == 413
    assert "KIMED_MAX_IMPORT_BYTES" in answer.json()["detail"][0]["rule"]
    assert snapshot(database) == before

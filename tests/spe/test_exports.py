"""Exports and the concept document contain every requirement, in parseable form."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from openpyxl import load_workbook

from kimed.spe.requirements import concept, crosswalk, document, load_catalogue
from kimed.spe.requirements.exports import COLUMNS, render


def test_exports_hold_every_requirement(fixture_dir):
    cat = load_catalogue(fixture_dir)
    ids = [r.id for r in cat.requirements]
    data = json.loads(render("json", cat))
    assert [r["id"] for r in data["requirements"]] == ids and data["catalogue"]["version"] == \
        "0.1.0"
    assert data["requirements"][2]["sources"]["legal"] == ["EHDS Art. 73(1)(b)", "GDPR Art. 32"]
    rows = list(csv.DictReader(io.StringIO(render("csv", cat))))
    assert [r["id"] for r in rows] == ids and rows[3]["implementation_status"] == "partial"
    book = load_workbook(io.BytesIO(render("xlsx", cat)))
    sheet = book["requirements"]
    values = list(sheet.values)
    assert values[0] == COLUMNS and [v[0] for v in values[1:]] == ids
    assert dict(book["catalogue"].values)["version"] == "0.1.0"
    for fmt in ("markdown", "html"):
        text = render(fmt, cat)
        assert all(i in text for i in ids), fmt
    assert '<tr id="KIM-TEC-IAM-001">' in render("html", cat)


def test_concept_document(fixture_dir, mini_external):
    cat = load_catalogue(fixture_dir)
    cov = crosswalk.coverage(cat, mini_external)
    doc = concept.build(cat, cov, None, today=dt.date(2025, 5, 6))
    md, html = document.to_markdown(doc), document.to_html(doc)
    for text in (md, html):
        assert all(r.id in text for r in cat.requirements)
        assert "generated 2025-05-06" in text and "version 0.1.0" in text
        assert "Crosswalk to SATRE and TEHDAS2" in text and "Operating models" not in text
    assert "- [3.1 Identity and access](#technical-identity-access)" in md
    assert '<h3 id="technical-identity-access">' in html and "@media print" in html
    assert "Still uncovered in SATRE v2: 9.2.02." in md
    assert "Invented" not in md  # external statement text is cited by id only


def test_concept_with_operating_models(fixture_dir):
    class Model:
        id = "m1"
        variant_of = None
        name = type("T", (), {"en": "Model one"})
        dimensions = type("D", (), {"cost": 2, "effort": 3, "legal_risk": 4})
        scenarios = {"clinical-text": type("F", (), {"fit": "good"})}

    class Score:
        value = 0.5

    class Matrix:
        models = [Model()]
        coverage = {"m1": type("C", (), {"overall": Score(), "by_level": {"MUST": Score()}})}

        def gaps(self, model_id):
            return {"backup": [1, 2]}

    md = document.to_markdown(concept.build(load_catalogue(fixture_dir), None, Matrix()))
    assert "| Model one |  | 50 % | 50 % | 2 | 3 | 4 | 2 |" in md
    assert "| Model one | good |" in md

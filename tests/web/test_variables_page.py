"""The data dictionary on the dataset page, in English and German."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.web.html import Page

LOCALES = Path(__file__).parents[2] / "src" / "kimed" / "web" / "locales"


def test_dictionary_table_on_the_dataset_page(client):
    answer = client.get("/datasets/kimed:eicu-crd", params={"lang": "en"})
    assert answer.status_code == 200
    html = answer.text
    assert 'id="variables"' in html and 'href="#variables"' in html
    assert "<h2 id=\"variables-h\">Data dictionary</h2>" in html
    # every variable is a row, in dictionary order, with codes linked to their concepts
    names = [html.index(f"<code>{n}</code>") for n in
             ("patientunitstayid", "uniquepid", "gender", "age", "heartrate", "sao2")]
    assert names == sorted(names)
    assert ('<a href="http://purl.bioontology.org/ontology/LNC/8867-4" rel="external">'
            "LOINC:8867-4</a>") in html
    assert "mm[Hg]" in html and "Systolic arterial pressure" in html
    assert "/api/datasets/kimed:eicu-crd/variables?format=csv" in html
    text = Page(html).text()
    assert "The variables this dataset describes" in text and "10 in all" in text


def test_dictionary_in_german(client):
    html = client.get("/datasets/kimed:eicu-crd", params={"lang": "de"}).text
    assert "<h2 id=\"variables-h\">Variablenverzeichnis</h2>" in html
    assert "Herzfrequenz" in html and ">Einheit</th>" in html
    assert "<td>Heart rate</td>" not in html  # German titles where the dictionary has them
    assert "<td>Herzfrequenz</td>" in html


def test_dataset_without_dictionary_says_so(client):
    html = client.get("/datasets/kimed:brats-2021", params={"lang": "en"}).text
    assert "The record describes no variables." in html
    assert "variables-table" not in html


def test_both_locales_have_the_same_variable_labels():
    en = tomllib.loads((LOCALES / "en.toml").read_text(encoding="utf-8"))["variables"]
    de = tomllib.loads((LOCALES / "de.toml").read_text(encoding="utf-8"))["variables"]
    assert set(en) == set(de) and len(en) >= 8
    assert all(de[key] for key in de)

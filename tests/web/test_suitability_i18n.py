"""Suitability reasons in the page language: the core returns message keys with parameters, the
pages translate them (German and English), the exports keep the English text."""

from __future__ import annotations

import re
import string

import pytest

from kimed.catalog.suitability import assess_subjects, parse_profile, to_data, to_markdown
from kimed.catalog.suitability.messages import REASONS, REQUIREMENTS, english
from kimed.web.i18n import messages
from kimed.web.suitability_view import check_text
from tests.catalog.suitability.conftest import subjects  # noqa: F401 (fixture)
from tests.web.html import Page

# Every criterion, and checks that come out meets, partly, unknown and fails on the demo records.
FULL = ("cond=I63,EHRS,230690007&age_min=18&age_max=80&sex=female&min_n=1000&place=DEU"
        "&from=2015&to=2022&type=ehr,imaging&std=FHIR,ICD-10&var=age,sex&purpose=e-ii"
        "&commercial=1&cross_border=1&freq=ANNUAL")
FULL_PROFILE = {
    "conditions": ["I63", "EHRS", "230690007"],
    "population": {"age_min": 18, "age_max": 80, "sex": "female", "min_individuals": 1000},
    "places": ["DEU"], "period": {"start": 2015, "end": 2022},
    "data_types": ["ehr", "imaging"], "standards": ["FHIR", "ICD-10"],
    "variables": ["age", "sex"],
    "access": {"purpose": "e-ii", "commercial": True, "cross_border": True},
    "frequency": "ANNUAL",
}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("kind,table", [("req", REQUIREMENTS), ("reason", REASONS)])
def test_every_message_key_is_in_both_catalogues(lang, kind, table):
    catalogue = messages(lang)
    for key, template in table.items():
        text = catalogue.get(f"suitability.{kind}.{key}")
        assert text, f"{lang}.toml lacks suitability.{kind}.{key}"
        assert _fields(text) == _fields(template), (lang, key, text)
        if lang == "en":
            assert text == template, f"en.toml and messages.py disagree on {key}"


def test_every_check_carries_keys_and_its_english_text(subjects):  # noqa: F811
    assessment = assess_subjects(parse_profile(FULL_PROFILE), subjects.values())
    used = set()
    for dataset in assessment.datasets:
        for result in dataset.results:
            for check in result.checks:
                assert check.requirement_key in REQUIREMENTS
                assert check.reason_key in REASONS
                assert check.reason == english(REASONS, check.reason_key, check.params)
                assert check.requirement == english(REQUIREMENTS, check.requirement_key,
                                                    check.params)
                used.add(check.reason_key)
    # the profile reaches a good share of the reasons, across all verdicts
    assert len(used) >= 25, sorted(used)


def test_german_text_of_a_check(subjects):  # noqa: F811
    profile = parse_profile({"population": {"min_individuals": 1000, "sex": "female"},
                             "frequency": "ANNUAL"})
    nako = assess_subjects(profile, [subjects["nako"]]).datasets[0]
    checks = {c.requirement_key: c for r in nako.results for c in r.checks}
    requirement, reason = check_text(checks["size"], "de")
    assert requirement == "mindestens 1.000 Personen"
    assert reason.startswith(("der Eintrag", "nur ")) or reason.endswith("Personen")
    assert check_text(checks["size"], "en")[0] == "at least 1,000 individuals"
    assert check_text(checks["sex"], "de")[0] == "Geschlecht weiblich"
    assert check_text(checks["frequency"], "de")[0] != checks["frequency"].requirement


def test_german_page_shows_german_reasons(client):
    de = client.get(f"/suitability?{FULL}&lang=de")
    en = client.get(f"/suitability?{FULL}&lang=en")
    assert de.status_code == en.status_code == 200
    de_text, en_text = Page(de.text).text(), Page(en.text).text()
    german = {messages("de")[f"suitability.reason.{k}"] for k in REASONS if not _fields(
        REASONS[k])}
    english_only = [t for k, t in REASONS.items() if not _fields(t)
                    and t != messages("de")[f"suitability.reason.{k}"]]
    assert sum(t in de_text for t in german) >= 10
    assert not [t for t in english_only if t in de_text], "English reasons on the German page"
    assert sum(t in en_text for t in english_only) >= 10
    # requirements too
    assert "mindestens 1.000 Personen" in de_text and "Geschlecht weiblich" in de_text
    assert "at least 1,000 individuals" in en_text and "at least 1000" not in de_text
    assert re.search(r"Zweck Art\. 53 Abs\. 1 \(e\)\(ii\)", de_text)


def test_german_compare_page_and_english_exports(client):
    ids = "kimed:nako,kimed:mimic-iv"
    de_text = Page(client.get(f"/suitability/compare?{FULL}&ids={ids}&lang=de").text).text()
    assert "der Eintrag beschreibt keine Variablen" in de_text or \
        "das Datenwörterbuch führt sie auf" in de_text
    assert "the record" not in de_text
    md = client.get(f"/suitability/report.md?{FULL}&ids={ids}&lang=de").text
    assert "at least 1000 individuals" in md and "Personen" not in md
    data = client.get(f"/suitability/report.json?{FULL}&ids={ids}").json()
    check = data["datasets"][0]["results"][0]["checks"][0]
    assert check["reason_key"] in REASONS and check["requirement_key"] in REQUIREMENTS
    assert check["reason"] == english(REASONS, check["reason_key"], check["params"])


def test_markdown_export_stays_english(subjects):  # noqa: F811
    assessment = assess_subjects(parse_profile(FULL_PROFILE), [subjects["nako"]])
    text = to_markdown(assessment)
    assert "sex female" in text and "at least 1000 individuals" in text
    assert to_data(assessment)["datasets"][0]["results"][0]["checks"][0]["reason"]


def test_country_evidence_is_named_in_the_page_language(client):
    de = Page(client.get("/suitability?place=DEU&lang=de").text)
    en = Page(client.get("/suitability?place=DEU&lang=en").text)
    country = "http://publications.europa.eu/resource/authority/country/DEU"
    de_titles = [s for s in de.find("span", title=country)]
    en_titles = [s for s in en.find("span", title=country)]
    assert de_titles and {s.text for s in de_titles} == {"Deutschland"}
    assert en_titles and {s.text for s in en_titles} == {"Germany"}


def test_boolean_evidence_is_translated(client):
    """healthdcatap:hasStructuredData true/false reads ja/nein on the German page (it showed the
    xsd:boolean as 'true'/'false')."""
    pattern = r"healthdcatap:hasStructuredData</code>: ([^<]*)</li>"
    de = re.findall(pattern, client.get("/suitability?type=ehr&lang=de").text)
    en = re.findall(pattern, client.get("/suitability?type=ehr&lang=en").text)
    assert "nein" in de and set(de) <= {"ja", "nein"}
    assert "no" in en and set(en) <= {"yes", "no"}
    assert len(de) == len(en)

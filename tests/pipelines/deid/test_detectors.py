"""Rule-based detectors: patterns and context rules on hand-written German and English examples,
the KVNR check digit, overlap merging, the registry, and one measured run on GraSCCo_PHI."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimed.pipelines.deid.corpus import Document, Span, read_grascco_jsonl
from kimed.pipelines.deid.detectors.base import (
    BUILTINS,
    Detector,
    UnknownDetectorError,
    builtin_detectors,
    builtin_names,
    detect_all,
    get_detector,
    merge_spans,
)
from kimed.pipelines.deid.detectors.context import ContextDetector
from kimed.pipelines.deid.detectors.patterns import PatternDetector, kvnr_valid
from kimed.pipelines.deid.evaluate import entity_scores


def found(detector: Detector, text: str, label: str | None = None) -> list[tuple[str, str]]:
    """(label, covered text) for every span, merged, optionally of one label."""
    spans = merge_spans(detector.detect(text))
    return [(s.label, text[s.start : s.end]) for s in spans if label is None or s.label == label]


# ---- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Aufnahme am 12.03.2019 wegen", "12.03.2019"),
        ("Kontrolle am 12.3.19.", "12.3.19"),
        ("seit dem 3. März 2019 stationär", "3. März 2019"),
        ("Erstdiagnose März 2019", "März 2019"),
        ("admitted on March 3, 2019 with", "March 3, 2019"),
        ("seen on 3 March 2019", "3 March 2019"),
        ("ISO 2019-03-12 date", "2019-03-12"),
        ("geb. 21/06/1967", "21/06/1967"),
        ("Rektum-CA (ED 4/2018)", "4/2018"),
        ("Folfox (07/63-12/63)", "07/63"),
        ("Apoplex 2002", "2002"),
        ("Diagnose im Oktober", "Oktober"),
        ("Visite am 19.3. erfolgt", "19.3."),
    ],
)
def test_date_forms(text: str, expected: str) -> None:
    spans = found(PatternDetector(), text, "DATE")
    assert ("DATE", expected) == spans[0]
    start = text.index(expected)
    assert Span(start, start + len(expected), "DATE") in PatternDetector().detect(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hb 12.5 g/dl",  # a decimal, not a date
        "am 32.13.2019",  # no day 32, no month 13
        "Dosis 2000 mg täglich",  # a year-like number with a unit
        "Blutdruck 120/80 mmHg",
        "Version 3.14",
        "He may come back",  # English "may" is not a month
    ],
)
def test_date_negatives(text: str) -> None:
    assert found(PatternDetector(), text, "DATE") == []


# ---- contacts -----------------------------------------------------------------------------------


def test_phone_and_fax_german_forms() -> None:
    text = "Tel.: 02216/325-15423, Fax: 02216/325-15338, mobil +49 170 1234567, Handy 0699-15099887"
    assert found(PatternDetector(), text) == [
        ("CONTACT_PHONE", "02216/325-15423"),
        ("CONTACT_FAX", "02216/325-15338"),
        ("CONTACT_PHONE", "+49 170 1234567"),
        ("CONTACT_PHONE", "0699-15099887"),
    ]
    assert Span(6, 21, "CONTACT_PHONE") in PatternDetector().detect(text)


def test_phone_austrian_and_english_context() -> None:
    assert found(PatternDetector(), "Telefon: +43(0)333 775-8447") == [
        ("CONTACT_PHONE", "+43(0)333 775-8447")
    ]
    assert found(PatternDetector(), "call 0161 4960000 today") == [
        ("CONTACT_PHONE", "0161 4960000")
    ]


@pytest.mark.parametrize("text", ["Leukozyten 012345", "Gewicht 0,5 kg", "Ergebnis 01234"])
def test_phone_negatives(text: str) -> None:
    assert found(PatternDetector(), text) == []


def test_email_and_url() -> None:
    text = "Kontakt: anna.muster@klinik-neustadt.de oder https://www.klinik-neustadt.de/kontakt."
    assert found(PatternDetector(), text) == [
        ("CONTACT_EMAIL", "anna.muster@klinik-neustadt.de"),
        ("CONTACT_URL", "https://www.klinik-neustadt.de/kontakt"),
    ]
    assert found(PatternDetector(), "see www.example.org for details") == [
        ("CONTACT_URL", "www.example.org")
    ]
    assert found(PatternDetector(), "no mail @ here, 3 @ 5") == []


# ---- postcodes ----------------------------------------------------------------------------------


def test_postcodes_need_a_city() -> None:
    text = "Hauptstraße 5, 20223 Hamburg; A-9011 Klagenfurt; wohnhaft in 9020 Klagenfurt"
    assert found(PatternDetector(), text, "LOCATION_ZIP") == [
        ("LOCATION_ZIP", "20223"),
        ("LOCATION_ZIP", "A-9011"),
        ("LOCATION_ZIP", "9020"),
    ]
    assert Span(15, 20, "LOCATION_ZIP") in PatternDetector().detect(text)
    for negative in ["es wurden 12345 Einheiten gegeben", "Wert 20223.", "Summe 20223 und mehr"]:
        assert found(PatternDetector(), negative, "LOCATION_ZIP") == []


# ---- IDs ----------------------------------------------------------------------------------------


def test_kvnr_check_digit_by_hand() -> None:
    # A -> 01; with 12345678 the digits are 0 1 1 2 3 4 5 6 7 8, weighted 1 2 1 2 ...:
    # 0, 2, 1, 4, 3, 8, 5, 12 -> 1+2 = 3, 7, 16 -> 1+6 = 7; sum 40, 40 mod 10 = 0 -> A123456780.
    assert kvnr_valid("A123456780")
    assert not kvnr_valid("A123456781")  # wrong check digit
    # Z -> 26; 2 6 0 0 0 0 0 0 0 1 weighted: 2, 12 -> 3, 0 ... 0, 1*2 = 2; sum 7 -> Z000000017.
    assert kvnr_valid("Z000000017")
    assert not kvnr_valid("Z00000001")  # too short
    assert not kvnr_valid("1000000017")  # no letter


def test_kvnr_in_text() -> None:
    assert found(PatternDetector(), "Versichert, KV A123456780.") == [("ID", "A123456780")]
    assert found(PatternDetector(), "Versichert, KV A123456781.") == []


def test_case_numbers_after_context_words() -> None:
    text = "Fall-Nr.6733340001, Pat.-Nr.: 4711/22, MRN: 0012345, PIZ: 12235904, Station A23"
    assert found(PatternDetector(), text, "ID") == [
        ("ID", "6733340001"),
        ("ID", "4711/22"),
        ("ID", "0012345"),
        ("ID", "12235904"),
        ("ID", "A23"),
    ]
    assert found(PatternDetector(), "Erstmanifestation Nr 5 und 12345678 ohne Kontext", "ID") == []


# ---- context rules ------------------------------------------------------------------------------


def test_names_after_titles() -> None:
    text = (
        "Herr Max Muster wurde von Dr. med. Hans Müller und Prof. Brinkmann gesehen. Frau I. Meyer"
    )
    assert found(ContextDetector(), text) == [
        ("NAME_PATIENT", "Max Muster"),
        ("NAME_TITLE", "Dr. med."),
        ("NAME_DOCTOR", "Hans Müller"),
        ("NAME_TITLE", "Prof."),
        ("NAME_DOCTOR", "Brinkmann"),
        ("NAME_PATIENT", "I. Meyer"),
    ]
    assert Span(5, 15, "NAME_PATIENT") in ContextDetector().detect(text)
    english = "Mrs. Jane Doe was seen by Dr. John Smith. Mr Brown"
    assert found(ContextDetector(), english, "NAME_PATIENT") == [
        ("NAME_PATIENT", "Jane Doe"),
        ("NAME_PATIENT", "Brown"),
    ]
    assert found(ContextDetector(), english, "NAME_DOCTOR") == [("NAME_DOCTOR", "John Smith")]
    assert found(ContextDetector(), "Die Patientin wurde entlassen. Frau Doktor kam.") == []


def test_birth_dates() -> None:
    assert found(ContextDetector(), "geb. 12.03.1950") == [("DATE", "12.03.1950")]
    assert found(ContextDetector(), "geboren am 1.2.50") == [("DATE", "1.2.50")]
    assert found(ContextDetector(), "DOB: 1950-03-12") == [("DATE", "1950-03-12")]
    assert found(ContextDetector(), "geb. Schmidt") == []


@pytest.mark.parametrize(
    "text, age",
    [
        ("eine 73-jährige Patientin", "73"),
        ("Der Patient ist 73 Jahre alt", "73"),
        ("Sie ist 73 Jahre und", "73"),
        ("im Alter von 15 Jahren", "15"),
        ("a 73 y/o man", "73"),
        ("a 73-year-old man", "73"),
        ("aged 73, presented", "73"),
        ("50-j. Patientin", "50"),
    ],
)
def test_ages(text: str, age: str) -> None:
    assert found(ContextDetector(), text, "AGE") == [("AGE", age)]
    assert Span(text.index(age), text.index(age) + len(age), "AGE") in ContextDetector().detect(
        text
    )


@pytest.mark.parametrize(
    "text",
    ["seit 3 Jahren Schmerzen", "vor 10 Jahren operiert", "3 Jahre lang", "Kontrolle nach 1 J."],
)
def test_age_negatives(text: str) -> None:
    assert found(ContextDetector(), text, "AGE") == []


def test_hospitals() -> None:
    text = (
        "verlegt ins Klinikum Neustadt, dann ins Krankenhaus der Samariter Holzhausen; "
        "Praxis Dr. Kropka; St. Mary Hospital; das Krankenhaus wurde informiert"
    )
    assert found(ContextDetector(), text, "LOCATION_HOSPITAL") == [
        ("LOCATION_HOSPITAL", "Klinikum Neustadt"),
        ("LOCATION_HOSPITAL", "Krankenhaus der Samariter Holzhausen"),
        ("LOCATION_HOSPITAL", "Praxis Dr. Kropka"),
    ]
    assert found(ContextDetector(), "Universitätsklinikum Jena", "LOCATION_HOSPITAL") == [
        ("LOCATION_HOSPITAL", "Universitätsklinikum Jena")
    ]


# ---- merging and registry -----------------------------------------------------------------------


def test_merge_longest_wins_then_priority() -> None:
    spans = [
        Span(0, 10, "DATE"),
        Span(3, 8, "ID"),
        Span(20, 25, "CONTACT_PHONE"),
        Span(20, 25, "ID"),
    ]
    # the 10-character DATE swallows the ID inside it; equal spans go to ID (before CONTACT_PHONE)
    assert merge_spans(spans) == [Span(0, 10, "DATE"), Span(20, 25, "ID")]
    # partial overlap: the longer span wins, the shorter one is dropped
    assert merge_spans([Span(0, 4, "AGE"), Span(2, 9, "NAME_PATIENT")]) == [
        Span(2, 9, "NAME_PATIENT")
    ]
    # adjacent spans do not overlap; duplicates collapse
    assert merge_spans([Span(0, 3, "ID"), Span(3, 6, "ID"), Span(3, 6, "ID")]) == [
        Span(0, 3, "ID"),
        Span(3, 6, "ID"),
    ]


def test_registry_lists_builtins() -> None:
    assert builtin_names() == ["patterns", "context"] == list(BUILTINS)
    detectors = builtin_detectors()
    assert [d.name for d in detectors] == ["patterns", "context"]
    assert isinstance(get_detector("patterns"), PatternDetector)
    with pytest.raises(UnknownDetectorError, match="built-ins: patterns, context"):
        get_detector("nope")


def test_detect_all_combines() -> None:
    text = "Herr Max Muster, geb. 12.03.1950, Tel. 0341 9712345"
    assert [(s.label, text[s.start : s.end]) for s in detect_all(text)] == [
        ("NAME_PATIENT", "Max Muster"),
        ("DATE", "12.03.1950"),
        ("CONTACT_PHONE", "0341 9712345"),
    ]


# ---- measured on the real corpus ---------------------------------------------------------------


def test_grascco_measured(shared_data: Path) -> None:
    """Figures recorded in docs/deid.md (strict: exact offsets and label)."""
    gold = read_grascco_jsonl(shared_data / "deid/grascco_phi/grascco_phi.jsonl")
    pred = [Document(d.id, d.text, detect_all(d.text)) for d in gold]
    strict = entity_scores(gold, pred, strict=True)
    assert strict.per_label["DATE"].recall >= 0.90  # measured 0.936
    assert strict.per_label["DATE"].precision >= 0.95  # measured 0.990
    assert strict.per_label["CONTACT_PHONE"].recall >= 0.9  # measured 1.000
    assert strict.per_label["ID"].recall >= 0.7  # measured 0.750

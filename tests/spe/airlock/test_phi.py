import pytest

from kimed.spe.airlock.detectors.phi import RegexPhiDetector
from kimed.spe.airlock.verdict import Verdict

from .conftest import results

LETTER = "Patientin Frau M., geb. 12.03.1958, erreichbar unter 0221 4789123.\nBefund unauffällig.\n"


def test_date_of_birth_and_phone_fail(write, appetite):
    r = results(write("note.txt", LETTER), None, appetite)["phi-text"]
    assert r.verdict is Verdict.FAIL
    assert [(c.row, c.column, c.value) for c in r.cells] == [
        ("line 1", "date_of_birth", "12.03.1958"),
        ("line 1", "phone", "0221 4789123"),
    ]
    assert all("value" not in c for c in r.public()["cells"])


@pytest.mark.parametrize(
    ("text", "kind"),
    [("contact: anna.muster@klinik-koeln.de", "email"),
     ("KVNR A123456789 laut Karte", "health_insurance_number"),
     ("RV-Nr. 12 150358 M 123", "pension_insurance_number"),
     ("Tel. +49 221 478-9123", "phone"),
     ("DOB: 1958-03-12", "date_of_birth"),
     ("date of birth 12 March 1958", "date_of_birth")],
)
def test_regex_detector_kinds(text, kind):
    assert [f.kind for f in RegexPhiDetector().detect(text)] == [kind]


def test_bare_date_goes_to_review(write, appetite):
    r = results(write("report.md", "Data extracted on 2024-05-01 from the registry.\n"), None, appetite)
    assert r["phi-text"].verdict is Verdict.REVIEW and r["phi-text"].cells[0].column == "date"


def test_clean_text_and_numbers_pass(write, appetite):
    text = "Mean age 54.2 (SD 11.3); 1,204 patients; p = 0.031; OR 1.25 (95% CI 1.02-1.51).\n"
    assert results(write("summary.txt", text), None, appetite)["phi-text"].verdict is Verdict.PASS

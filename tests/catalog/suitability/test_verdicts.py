"""Verdicts per criterion on the demo records: meets, partly, unknown and fails, each with the
evidence it rests on. Where no demo record states a property (code values, update frequency,
licence restrictions), our own test records in tests/data/suitability stand in."""

from __future__ import annotations

import pytest

from kimed.catalog.suitability import Verdict, criteria, parse_profile

BY_NAME = {c.name: c for c in criteria()}
M, P, U, F = Verdict.MEETS, Verdict.PARTLY, Verdict.UNKNOWN, Verdict.FAILS

CASES = [
    # conditions
    ("conditions", {"conditions": ["EHRS"]}, "eicu-crd", M),
    ("conditions", {"conditions": ["I63"]}, "mimic-iv", P),          # coded in ICD-10
    ("conditions", {"conditions": ["I63"]}, "nako", U),              # no codes, no coding system
    ("conditions", {"conditions": ["EHRS"]}, "nako", F),             # EINS, RQSH only
    ("conditions", {"conditions": ["I63"]}, "test-spe-stroke", M),   # hasCodeValues I63.9
    ("conditions", {"conditions": ["snomed:230690007"]}, "test-spe-stroke", F),
    # population
    ("population", {"population": {"age_min": 20, "age_max": 60}}, "nako", M),   # 19-74
    ("population", {"population": {"age_min": 10, "age_max": 30}}, "nako", P),
    ("population", {"population": {"age_min": 18, "age_max": 65}}, "mimic-iv", U),
    ("population", {"population": {"age_min": 18, "age_max": 65}}, "kiggs-baseline", F),  # 0-17
    ("population", {"population": {"min_individuals": 100000}}, "nako", M),      # 205415
    ("population", {"population": {"min_individuals": 100000}}, "kiggs-baseline", F),  # 17641
    ("population", {"population": {"sex": "female"}}, "life-child", M),   # "pregnant women"
    ("population", {"population": {"sex": "male"}}, "life-child", U),     # no restriction stated
    ("population", {"population": {"sex": "male"}}, "test-spe-stroke", F),  # "Women only"
    # geography
    ("geography", {"places": ["DEU"]}, "nako", M),
    ("geography", {"places": ["Deutschland"]}, "life-adult", M),
    ("geography", {"places": ["DED5"]}, "life-adult", P),   # a region of the country it covers
    ("geography", {"places": ["DEU"]}, "test-spe-stroke", P),  # covers one region of DEU
    ("geography", {"places": ["Leipzig"]}, "test-spe-stroke", M),  # label of the NUTS node
    ("geography", {"places": ["DEU"]}, "abide-i", U),
    ("geography", {"places": ["Germany"]}, "eicu-crd", F),   # USA
    # period
    ("period", {"period": {"start": 2015, "end": 2018}}, "nako", M),  # 2014-2019
    ("period", {"period": {"start": 2010, "end": 2016}}, "nako", P),
    ("period", {"period": {"start": 2010, "end": 2016}}, "abide-i", U),
    ("period", {"period": {"start": 2020, "end": 2021}}, "kiggs-baseline", F),  # 2003-2006
    ("period", {"period": {"start": 2020, "end": 2021}}, "ship", M),  # open-ended since 1997
    # data types
    ("data_types", {"data_types": ["imaging"]}, "tcia-lidc-idri", M),   # DICOM
    ("data_types", {"data_types": ["imaging"]}, "nako", P),             # keyword whole-body MRI
    ("data_types", {"data_types": ["genomics"]}, "mimic-iv", U),
    ("data_types", {"data_types": ["ehr"]}, "grascco", F),              # hasStructuredData false
    # standards
    ("standards", {"standards": ["OMOP"]}, "eunomia-gibleed", M),
    ("standards", {"standards": ["ICD-10"]}, "fdz-gesundheit-claims", P),  # ICD-10-NAT
    ("standards", {"standards": ["FHIR"]}, "eunomia-gibleed", F),      # conforms to OMOP only
    ("standards", {"standards": ["FHIR"]}, "nako", U),
    # variables (data dictionaries read by kimed.catalog.variables)
    ("variables", {"variables": ["GENDER"]}, "mimic-iv", M),
    ("variables", {"variables": ["gender", "body_mass_index"]}, "mimic-iv", P),
    ("variables", {"variables": ["body_mass_index"]}, "mimic-iv", F),
    ("variables", {"variables": ["age"]}, "brats-2021", U),
    # access
    ("access", {"access": {"purpose": "e"}}, "nako", M),
    ("access", {"access": {"purpose": "e-ii"}}, "nako", P),   # research in general
    ("access", {"access": {"purpose": "a"}}, "mimic-iv", P),  # no purpose, EHDS applies
    ("access", {"access": {"purpose": "d"}}, "nako", F),
    ("access", {"access": {"purpose": "e"}}, "test-silent", U),
    ("access", {"access": {"commercial": True}}, "eunomia-gibleed", M),
    ("access", {"access": {"commercial": True}}, "abide-i", F),      # CC BY-NC-SA
    ("access", {"access": {"commercial": True}}, "nako", U),
    ("access", {"access": {"cross_border": True}}, "grascco", M),    # public
    ("access", {"access": {"cross_border": True}}, "nako", P),
    ("access", {"access": {"cross_border": True}}, "test-silent", U),
    # frequency (no demo record states one)
    ("frequency", {"frequency": "ANNUAL"}, "test-spe-stroke", M),     # QUARTERLY
    ("frequency", {"frequency": "MONTHLY"}, "test-spe-stroke", F),
    ("frequency", {"frequency": "ANNUAL"}, "nako", U),
]


@pytest.mark.parametrize(("criterion", "profile", "dataset", "expected"), CASES,
                         ids=[f"{c}-{d}-{e.value}" for c, _, d, e in CASES])
def test_verdict(subjects, criterion, profile, dataset, expected):
    result = BY_NAME[criterion].evaluate(parse_profile(profile), subjects[dataset])
    assert result.verdict is expected, [c.reason for c in result.checks]
    assert result.checks and all(c.reason for c in result.checks)
    assert all(e.property.startswith("http") for e in result.evidence)


def test_every_criterion_reaches_all_four_verdicts():
    # frequency "partly" needs a frequency without a period: test_frequency_without_period
    seen = {(c, e) for c, _, _, e in CASES} | {("frequency", P)}
    for name in BY_NAME:
        assert {e for c, e in seen if c == name} == set(Verdict), name


def test_frequency_without_period_is_partly(subjects):
    subject = subjects["test-spe-stroke"]
    irregular = subject.record.model_copy(update={
        "frequency": "http://publications.europa.eu/resource/authority/frequency/IRREG"})
    from kimed.catalog.suitability import Subject

    result = BY_NAME["frequency"].evaluate(parse_profile({"frequency": "ANNUAL"}),
                                           Subject(record=irregular))
    assert result.verdict is P


def test_evidence_names_property_and_value(subjects):
    result = BY_NAME["population"].evaluate(
        parse_profile({"population": {"age_min": 18, "age_max": 65}}), subjects["kiggs-baseline"])
    values = {e.property.rsplit("#", 1)[1]: e.values for e in result.evidence}
    assert values == {"minTypicalAge": ["0"], "maxTypicalAge": ["17"]}


def test_silence_is_unknown_and_contradiction_fails(subjects):
    """The same requirement: the record without the property gets unknown; the record whose value
    contradicts it gets fails. Never the other way round."""
    profile = parse_profile({"conditions": ["EHRS"], "population": {"age_min": 18,
                             "age_max": 65, "min_individuals": 50000}, "places": ["DEU"],
                             "period": {"start": 2020, "end": 2021}, "standards": ["FHIR"],
                             "variables": ["bmi"], "access": {"purpose": "d"},
                             "frequency": "MONTHLY"})
    silent = subjects["test-silent"]
    for criterion in BY_NAME.values():
        if criterion.asked(profile):
            assert criterion.evaluate(profile, silent).verdict is U, criterion.name
    contradicting = {"conditions": "nako", "population": "kiggs-baseline",
                     "geography": "eicu-crd", "period": "kiggs-baseline",
                     "standards": "eunomia-gibleed", "variables": "mimic-iv", "access": "nako",
                     "frequency": "test-spe-stroke"}
    for name, dataset in contradicting.items():
        assert BY_NAME[name].evaluate(profile, subjects[dataset]).verdict is F, name

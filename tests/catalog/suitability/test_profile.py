"""Research profiles: files, validation errors that name field, rule and source, weights, and the
URL form (profile -> URL -> the same profile)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from kimed.catalog.suitability import (
    DEFAULT_WEIGHTS,
    ProfileError,
    ResearchProfile,
    dump_profile,
    load_profile,
    parse_profile,
    profile_from_params,
    profile_query,
    weights_for,
)
from kimed.catalog.suitability.weights import WeightError, validate_weights
from tests.catalog.suitability.conftest import PROFILE


def test_yaml_fixture_loads():
    profile = load_profile(PROFILE)
    assert [(c.system, c.code) for c in profile.conditions] == [("icd10", "I63"),
                                                                 ("health-category", "MRMR")]
    assert profile.population.age_min == 50 and profile.population.sex == "female"
    assert str(profile.period.start) == "2015-01-01" and str(profile.period.end) == "2020-12-31"
    assert profile.access.purpose == "e" and profile.weights == {"conditions": 4.0}


def test_json_file_equals_yaml(tmp_path):
    profile = load_profile(PROFILE)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(dump_profile(profile)), encoding="utf-8")
    assert load_profile(path) == profile


@pytest.mark.parametrize(("data", "field", "rule_part"), [
    ({"population": {"age_min": 70, "age_max": 30}}, "population.age_min", "age_min <= age_max"),
    ({"population": {"age_min": -1}}, "population.age_min", "greater_than_equal"),
    ({"population": {"sex": "other"}}, "population.sex", "literal_error"),
    ({"period": {"start": 2020, "end": 2010}}, "period.start", "start <= end"),
    ({"conditions": ["I63", "not-a-code"]}, "conditions[1]", "ICD-10"),
    ({"conditions": ["EHRZ"]}, "conditions[0]", "health category"),
    ({"data_types": ["x-ray-vision"]}, "data_types", "ai-modalities"),
    ({"standards": ["FHIRE"]}, "standards", "standards"),
    ({"frequency": "SOMETIMES"}, "frequency", "frequencies"),
    ({"access": {"purpose": "h"}}, "access.purpose", "2025/327"),
    ({"weights": {"conditions": -1}}, "weights.conditions", "non-negative"),
    ({"weights": {"colour": 1}}, "weights.colour", "known criterion"),
    ({"weights": {"period": "heavy"}}, "weights.period", "number"),
    ({"unknown_part": 1}, "unknown_part", "extra_forbidden"),
])
def test_bad_profiles_name_field_rule_and_source(data, field, rule_part):
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, source="my.yaml")
    problem = caught.value.problems[0]
    assert problem.field == field
    assert rule_part in problem.rule
    assert str(caught.value).startswith(f"my.yaml: {field}: ")


def test_age_order_message():
    with pytest.raises(ProfileError, match=r"population.age_min: must be <= population.age_max"):
        parse_profile({"population": {"age_min": 70, "age_max": 30}})


def test_bad_files(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("conditions: [I63\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(broken)
    assert caught.value.problems[0].rule == "YAML or JSON syntax"
    assert str(broken) in str(caught.value)
    with pytest.raises(ProfileError, match="readable file"):
        load_profile(tmp_path / "missing.yaml")
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ProfileError, match="must be a mapping"):
        load_profile(listing)


def test_weights_defaults_profile_and_request_override():
    profile = parse_profile({"weights": {"conditions": 5}})
    assert weights_for(profile) == {**DEFAULT_WEIGHTS, "conditions": 5.0}
    assert weights_for(profile, {"conditions": 1, "period": 0})["conditions"] == 1.0
    assert weights_for(profile, {"period": 0})["period"] == 0.0
    with pytest.raises(WeightError) as caught:
        validate_weights({"period": True})
    assert caught.value.field == "weights.period" and caught.value.rule == "number"


def test_condition_codes_are_recognised():
    profile = parse_profile({"conditions": ["i63.9", "230690007", "ehrs", "icd10:E11",
                                            {"system": "snomed", "code": "22298006"}]})
    assert [(c.system, c.code) for c in profile.conditions] == [
        ("icd10", "I63.9"), ("snomed", "230690007"), ("health-category", "EHRS"),
        ("icd10", "E11"), ("snomed", "22298006")]


PROFILES = [
    {},
    {"conditions": ["I63", "EHRS", "snomed:230690007"]},
    load_profile(PROFILE).model_dump(),
    {"name": "Kinder & Jugend", "population": {"age_min": 0, "age_max": 17, "sex": "male"},
     "places": ["DEU", "Leipzig"], "period": {"start": "2003-05-01", "end": 2006},
     "data_types": ["questionnaire", "ehr"], "standards": ["FHIR", "https://nifti.nimh.nih.gov/"],
     "variables": ["age", "sex"], "access": {"purpose": "e-ii", "commercial": True,
                                             "cross_border": True},
     "frequency": "MONTHLY", "weights": {"period": 0.5, "variables": 0}},
]


@pytest.mark.parametrize("data", PROFILES)
def test_url_round_trip(data):
    profile = parse_profile(data)
    query = profile_query(profile)
    params = parse_qs(query, keep_blank_values=True)
    assert profile_from_params(params) == profile
    url = "/suitability?" + query
    assert profile_from_params(parse_qs(urlsplit(url).query)) == profile


def test_url_is_readable():
    profile = parse_profile({"conditions": ["I63"], "population": {"age_min": 18},
                             "period": {"start": 2010}})
    assert profile_query(profile) == "cond=I63&age_min=18&from=2010"


def test_url_blank_fields_and_repeats():
    params = {"cond": ["I63, I61", "EHRS"], "age_min": [""], "place": ["DEU"], "sex": ["any"],
              "commercial": [""], "lang": ["de"]}
    profile = profile_from_params(params)
    assert [c.code for c in profile.conditions] == ["I63", "I61", "EHRS"]
    assert profile.population.age_min is None and profile.places == ["DEU"]
    assert profile == ResearchProfile.model_validate(dump_profile(profile))
    with pytest.raises(ProfileError, match="access.commercial"):
        profile_from_params({"commercial": ["maybe"]})
    with pytest.raises(ProfileError) as caught:
        profile_from_params({"w_conditions": ["-2"]})
    assert caught.value.problems[0].field == "weights.conditions"

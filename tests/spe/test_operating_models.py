"""Operating models: the shipped files, the loader's rules, and assess() on a hand-checked fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from kimed.spe.requirements.loader import load_catalogue
from kimed.spe.requirements.models import (
    CATEGORIES,
    SCENARIOS,
    ModelFileError,
    assess,
    load_assessment,
    load_models,
)
from kimed.spe.requirements.schema import CATEGORIES as SCHEMA_CATEGORIES

FIXTURE = Path(__file__).parents[1] / "data" / "spe" / "models" / "fixture"
FIXTURE_REQUIREMENTS = FIXTURE.parent / "requirements.yaml"
REQUIRED = {"central-regional", "institutional-dic", "federated", "sovereign-cloud", "hybrid",
            "remote-desktop", "job-submission"}


@pytest.fixture(scope="module")
def shipped():
    return load_assessment()


@pytest.fixture(scope="module")
def fixture_matrix():
    requirements = _fixture_requirements()
    ids = [r["id"] for r in requirements]
    return assess(load_models(FIXTURE, requirement_ids=ids), requirements)


def _fixture_requirements() -> list[dict]:
    return yaml.safe_load(FIXTURE_REQUIREMENTS.read_text(encoding="utf-8"))


# --- the shipped models -------------------------------------------------------------------------

def test_categories_are_the_catalogues_22():
    expected = [c for cats in SCHEMA_CATEGORIES.values() for c in cats]
    assert list(CATEGORIES) == expected
    assert len(CATEGORIES) == 22


def test_required_models_are_shipped_and_variants_name_the_central_model():
    models = {m.id: m for m in load_models()}
    assert set(models) >= REQUIRED
    assert models["remote-desktop"].variant_of == "central-regional"
    assert models["job-submission"].variant_of == "central-regional"
    for model in models.values():
        assert model.name.en != model.name.de, model.id
        assert model.summary.en != model.summary.de, model.id


@pytest.mark.parametrize("model_id", sorted(REQUIRED))
def test_every_model_rates_every_category_and_scenario(model_id):
    model = {m.id: m for m in load_models()}[model_id]
    assert set(model.defaults) == set(CATEGORIES)
    assert all(len(r.why) >= 20 for r in model.defaults.values())
    assert set(model.scenarios) == set(SCENARIOS)
    assert 1 <= model.dimensions.cost <= 5 and len(model.dimensions.note) > 20


def test_overrides_name_existing_requirements_and_change_the_rating():
    known = {r.id: r for r in load_catalogue().requirements}
    count = 0
    for model in load_models():
        for req_id, override in model.overrides.items():
            assert req_id in known, f"{model.id}: override {req_id} names no requirement"
            default = model.defaults[known[req_id].category]
            assert override.rating != default.rating, f"{model.id}: {req_id}"
            count += 1
    assert count >= 30  # overrides are part of the analysis, not an afterthought


def test_matrix_covers_every_requirement_and_model_with_a_justification(shipped):
    catalogue = load_catalogue()
    assert len(shipped.requirements) == len(catalogue.requirements)
    assert len(shipped.cells) == len(catalogue.requirements) * len(shipped.models)
    for req in catalogue.requirements:
        for model in shipped.models:
            cell = shipped.cell(req.id, model.id)
            assert cell.why and cell.rating in ("supports", "partial", "not", "n.a.")
            expected = "override" if req.id in model.overrides else "default"
            assert cell.source == expected


def test_shipped_gaps_are_exactly_the_weak_musts(shipped):
    for model in shipped.models:
        gaps = shipped.gaps(model.id)
        listed = {r.id for items in gaps.values() for r, _ in items}
        weak = {r.id for r in shipped.requirements if r.level == "MUST"
                and shipped.cell(r.id, model.id).rating in ("partial", "not")}
        assert listed == weak
        for category, items in gaps.items():
            assert all(r.category == category for r, _ in items)


def test_models_differ_in_coverage(shipped):
    scores = {m: c.overall.value for m, c in shipped.coverage.items()}
    assert len(set(scores.values())) >= 4, scores
    assert all(0 < s < 1 for s in scores.values())


# --- scores and gaps on the fixture, worked out by hand ----------------------------------------
# alpha: IAM-001 supports(1), IAM-002 override partial(.5), ISO-001 partial(.5), GDP-001 not(0),
#        GDP-002 override supports(1), OUT-001 supports(1), TRN-001 n.a. -> 4.0 / 6
# beta:  IAM-001 override not(0), IAM-002 partial(.5), ISO-001 n.a., GDP-001 supports(1),
#        GDP-002 supports(1), OUT-001 n.a., TRN-001 n.a. -> 2.5 / 4

def test_fixture_overall_scores(fixture_matrix):
    alpha = fixture_matrix.coverage["alpha"].overall
    assert (alpha.points, alpha.counted, alpha.excluded) == (4.0, 6, 1)
    assert alpha.value == pytest.approx(4 / 6)
    beta = fixture_matrix.coverage["beta"].overall
    assert (beta.points, beta.counted, beta.excluded) == (2.5, 4, 3)
    assert beta.value == pytest.approx(0.625)


def test_fixture_scores_per_area_and_level(fixture_matrix):
    alpha = fixture_matrix.coverage["alpha"]
    assert alpha.by_area["technical"].value == pytest.approx(2 / 3)
    assert alpha.by_area["regulatory"].value == pytest.approx(0.5)
    assert alpha.by_area["governance"].value == pytest.approx(1.0)
    assert alpha.by_area["organisational"].value is None  # only n.a.
    assert alpha.by_level["MUST"].value == pytest.approx(2.5 / 4)
    assert alpha.by_level["SHOULD"].value == pytest.approx(0.5)
    assert alpha.by_level["MAY"].value == pytest.approx(1.0)
    beta = fixture_matrix.coverage["beta"]
    assert beta.by_level["MUST"].value == pytest.approx(0.5)
    assert (beta.by_level["MUST"].counted, beta.by_level["MUST"].excluded) == (2, 2)
    assert beta.by_area["technical"].value == pytest.approx(0.25)


def test_fixture_sources(fixture_matrix):
    assert fixture_matrix.cell("KIM-TEC-IAM-002", "alpha").source == "override"
    assert fixture_matrix.cell("KIM-TEC-IAM-002", "alpha").rating == "partial"
    assert fixture_matrix.cell("KIM-TEC-IAM-001", "alpha").source == "default"
    assert fixture_matrix.cell("KIM-TEC-IAM-001", "beta").rating == "not"


def test_fixture_gaps(fixture_matrix):
    alpha = fixture_matrix.gaps("alpha")
    assert {c: [r.id for r, _ in items] for c, items in alpha.items()} == {
        "isolation-egress": ["KIM-TEC-ISO-001"], "gdpr": ["KIM-REG-GDP-001"]}
    reason = alpha["gdpr"][0][1].why
    assert reason == "Fixture reason for gdpr (not)."
    beta = fixture_matrix.gaps("beta")
    assert {c: [(r.id, cell.rating) for r, cell in items] for c, items in beta.items()} == {
        "identity-access": [("KIM-TEC-IAM-001", "not")]}
    with pytest.raises(KeyError):
        fixture_matrix.gaps("gamma")


def test_variants_sort_after_their_base():
    assert [m.id for m in load_models(FIXTURE)] == ["alpha", "beta"]


# --- bad model files ---------------------------------------------------------------------------

def _broken(tmp_path: Path, edit, name: str = "alpha.yaml") -> Path:
    folder = tmp_path / "models"
    shutil.copytree(FIXTURE, folder)
    data = yaml.safe_load((folder / "alpha.yaml").read_text(encoding="utf-8"))
    edit(data)
    (folder / "alpha.yaml").unlink()
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def _problem(folder: Path, ids=None):
    with pytest.raises(ModelFileError) as info:
        load_models(folder, requirement_ids=ids)
    return info.value


@pytest.mark.parametrize(("edit", "field", "rule"), [
    (lambda d: d["defaults"].pop("backup"), "defaults.backup", "every-category-rated"),
    (lambda d: d["defaults"].update({"quantum": d["defaults"]["gdpr"]}), "defaults.quantum",
     "known-category"),
    (lambda d: d["defaults"]["gdpr"].update({"rating": "maybe"}), "defaults.gdpr.rating",
     "literal_error"),
    (lambda d: d["dimensions"].update({"cost": 7}), "dimensions.cost", "less_than_equal"),
    (lambda d: d["scenarios"].pop("imaging-3d"), "scenarios.imaging-3d",
     "every-scenario-fitted"),
    (lambda d: d["overrides"].update({"KIM-XYZ-1": {"rating": "not", "why": "x" * 30}}),
     "overrides.KIM-XYZ-1", "override-id-format"),
    (lambda d: d["overrides"].update({"KIM-TEC-QQQ-001": {"rating": "not", "why": "x" * 30}}),
     "overrides.KIM-TEC-QQQ-001", "override-id-format"),
    (lambda d: d["overrides"].update({"KIM-TEC-IAM-001": {"rating": "supports",
                                                          "why": "same as default " * 3}}),
     "overrides.KIM-TEC-IAM-001", "override-changes-rating"),
    (lambda d: d.update({"id": "gamma"}), "id", "id-matches-file"),
    (lambda d: d.update({"colour": "blue"}), "colour", "extra_forbidden"),
    (lambda d: d["name"].pop("de"), "name.de", "missing"),
    (lambda d: d["defaults"]["gdpr"].update({"why": "short"}), "defaults.gdpr.why",
     "string_too_short"),
])
def test_bad_files_name_file_field_and_rule(tmp_path, edit, field, rule):
    error = _problem(_broken(tmp_path, edit))
    hits = [p for p in error.problems if p.field == field and p.rule == rule]
    assert hits, error.problems
    assert hits[0].file == "alpha.yaml"
    assert f"alpha.yaml: {field}: [{rule}]" in str(error)


def test_override_of_unknown_requirement_is_refused_with_the_catalogue(tmp_path):
    folder = _broken(tmp_path, lambda d: d["overrides"].update(
        {"KIM-TEC-IAM-099": {"rating": "not", "why": "an override nobody can match"}}))
    assert len(load_models(folder)) == 2  # without ids only the pattern is checked
    error = _problem(folder, ids=[r["id"] for r in _fixture_requirements()])
    assert [(p.field, p.rule) for p in error.problems] == [
        ("overrides.KIM-TEC-IAM-099", "override-known-requirement")]


def test_variant_of_unknown_model(tmp_path):
    error = _problem(_broken(tmp_path, lambda d: d.update({"variant_of": "nowhere"})))
    assert ("alpha.yaml", "variant_of", "variant-of-known-model") in [
        (p.file, p.field, p.rule) for p in error.problems]


def test_variant_of_a_variant(tmp_path):
    error = _problem(_broken(tmp_path, lambda d: d.update({"variant_of": "beta"})))
    rules = {(p.file, p.rule) for p in error.problems}
    assert ("beta.yaml", "variant-of-base-model") in rules


def test_yaml_syntax_error_names_the_line(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: broken\nname: {en: x\n  de: y\n", encoding="utf-8")
    error = _problem(folder)
    assert error.problems[0].rule == "yaml-syntax"
    assert error.problems[0].file == "broken.yaml"
    assert error.problems[0].field.startswith("line ")


def test_empty_folder_is_an_error(tmp_path):
    error = _problem(tmp_path)
    assert error.problems[0].rule == "models-present"


def test_every_problem_of_every_file_is_reported(tmp_path):
    def edit(d):
        d["defaults"].pop("backup")
        d["dimensions"]["effort"] = 0
    folder = _broken(tmp_path, edit)
    text = (folder / "beta.yaml").read_text(encoding="utf-8")
    (folder / "beta.yaml").write_text(text.replace("legal_risk: 4", "legal_risk: 9"),
                                      encoding="utf-8")
    error = _problem(folder)
    found = {(p.file, p.field) for p in error.problems}
    assert {("beta.yaml", "dimensions.legal_risk"), ("alpha.yaml", "dimensions.effort")} <= found

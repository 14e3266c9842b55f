"""Schema and rules of the catalogue, on our fixture and on broken copies of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimed.spe.requirements import CatalogueError, load_catalogue, validate_catalogue
from kimed.spe.requirements.schema import json_schema
from kimed.spe.requirements.validate import node_id_problem, repo_root

ROOT = Path(__file__).parents[2]


def rules(findings, severity="error"):
    return [(f.rule, f.requirement, f.field) for f in findings if f.severity == severity]


def test_good_fixture_is_clean(fixture_dir, mini_external):
    findings = validate_catalogue(fixture_dir, mini_external, root=ROOT)
    assert findings == []
    cat = load_catalogue(fixture_dir)
    assert [r.id for r in cat.requirements] == ["KIM-GOV-OUT-001", "KIM-GOV-OUT-002",
                                                "KIM-TEC-IAM-001", "KIM-TEC-IAM-002",
                                                "KIM-TEC-IAM-003"]
    assert cat.get("KIM-TEC-IAM-002").area == "technical"
    assert cat.info.version == "0.1.0" and len(cat.exclusions) == 2


def test_filters(fixture_dir):
    cat = load_catalogue(fixture_dir)
    assert [r.id for r in cat.filter(level="must", area="governance")] == [
        "KIM-GOV-OUT-001", "KIM-GOV-OUT-002"]
    assert [r.id for r in cat.filter(five_safes="settings", applies_to="data_user")] == [
        "KIM-TEC-IAM-002", "KIM-TEC-IAM-003"]
    assert [r.id for r in cat.filter(status="partial")] == ["KIM-TEC-IAM-002"]
    assert [r.id for r in cat.filter(text="COLOUR")] == ["KIM-TEC-IAM-003"]


def test_wrong_level_is_a_schema_error_with_line(broken):
    folder = broken("requirements/technical-identity-access.yaml", "level: SHOULD", "level: SHALL")
    findings = validate_catalogue(folder, check_tests=False)
    bad = [f for f in findings if f.rule == "schema"]
    assert len(bad) == 1
    assert bad[0].requirement == "KIM-TEC-IAM-002" and bad[0].field == "level"
    assert bad[0].file == "requirements/technical-identity-access.yaml" and bad[0].line == 20
    with pytest.raises(CatalogueError, match="KIM-TEC-IAM-002 level"):
        load_catalogue(folder)


def test_level_keyword_missing_from_statement(broken):
    folder = broken("requirements/technical-identity-access.yaml", "Logins SHOULD be short.",
                    "Logins should be short.")
    assert rules(validate_catalogue(folder, check_tests=False)) == [
        ("level keyword", "KIM-TEC-IAM-002", "statement")]


def test_duplicate_id(broken):
    folder = broken("requirements/governance-output-checking.yaml", "KIM-GOV-OUT-002",
                    "KIM-GOV-OUT-001")
    found = rules(validate_catalogue(folder, check_tests=False))
    assert ("unique id", "KIM-GOV-OUT-001", "id") in found


def test_id_must_match_area_and_category(broken):
    folder = broken("requirements/governance-output-checking.yaml", "KIM-GOV-OUT-002",
                    "KIM-GOV-RET-002")
    assert rules(validate_catalogue(folder, check_tests=False)) == [
        ("id pattern", "KIM-GOV-RET-002", "id")]


@pytest.mark.parametrize("ref, expected", [
    ("EHDS Art. 99", "article 99 of EHDS is not listed"),
    ("FOO Art. 1", "unknown act FOO"),
    ("GDNG Art. 6", "GDNG is cited as 'GDNG § <n>'"),
    ("GDPR Article 32", "is not of the form"),
])
def test_legal_refs_must_resolve(broken, ref, expected):
    folder = broken("requirements/technical-identity-access.yaml", '"GDPR Art. 32"', f'"{ref}"')
    findings = [f for f in validate_catalogue(folder, check_tests=False) if f.rule == "legal ref"]
    assert len(findings) == 1 and expected in findings[0].message
    assert findings[0].field == "sources.legal" and findings[0].requirement == "KIM-TEC-IAM-001"


def test_unknown_satre_and_tehdas2_refs(broken, mini_external):
    broken("requirements/technical-identity-access.yaml", '"9.1.01"', '"7.7.77"')
    folder = broken("requirements/technical-identity-access.yaml", '"TST-1"', '"TST-99"')
    found = rules(validate_catalogue(folder, mini_external, check_tests=False))
    assert found == [("satre ref", "KIM-TEC-IAM-001", "sources.satre"),
                     ("tehdas2 ref", "KIM-TEC-IAM-002", "sources.tehdas2")]
    assert validate_catalogue(folder, None, check_tests=False) == []  # without the catalogues


def test_unknown_out_of_scope_ref(broken, mini_external):
    folder = broken("crosswalk/out-of-scope-test.yaml", "TST-3", "TST-404")
    found = rules(validate_catalogue(folder, mini_external, check_tests=False))
    assert found == [("out-of-scope ref", "TST-404", None)]


def test_implemented_needs_tests(broken):
    folder = broken("requirements/technical-identity-access.yaml",
                    'tests: ["tests/spe/test_validate.py::test_good_fixture_is_clean"]',
                    "tests: []")
    assert rules(validate_catalogue(folder, check_tests=False)) == [
        ("implementation tests", "KIM-TEC-IAM-001", "implementation.tests")]


def test_listed_tests_must_exist(broken):
    folder = broken("requirements/technical-identity-access.yaml",
                    "test_validate.py::test_good_fixture_is_clean",
                    "test_validate.py::test_no_such_test")
    found = [f for f in validate_catalogue(folder, root=ROOT) if f.rule == "test exists"]
    assert len(found) == 1 and "has no test test_no_such_test" in found[0].message
    assert node_id_problem("tests/spe/nope.py::test_x", ROOT) == \
        "test file tests/spe/nope.py does not exist"
    assert node_id_problem("tests/spe/test_validate.py", ROOT).endswith("(<file>::<test>)")
    assert node_id_problem("tests/spe/test_conformance.py::TestNodeIds::test_class_node_id[x]",
                           ROOT) is None
    assert repo_root() == ROOT


def test_malformed_yaml_names_the_line(broken):
    folder = broken("requirements/governance-output-checking.yaml",
                    "    title: Test output small cells", "    title: [unclosed")
    findings = validate_catalogue(folder, check_tests=False)
    assert len(findings) == 1
    assert findings[0].rule == "YAML syntax" and findings[0].line in (15, 16)
    assert "governance-output-checking.yaml:" in str(findings[0])


def test_unknown_category_and_field(broken):
    broken("requirements/governance-output-checking.yaml", "category: output-checking",
           "category: outputs")
    folder = broken("requirements/technical-identity-access.yaml", "    title: Test login rule",
                    "    title: Test login rule\n    owner: someone")
    found = rules(validate_catalogue(folder, check_tests=False))
    assert (("schema", None, "category") in found
            and ("schema", "KIM-TEC-IAM-002", "owner") in found)


def test_json_schema_is_generated_from_the_models():
    schema = json_schema()
    req = schema["$defs"]["Requirement"]
    assert set(req["required"]) >= {"id", "title", "level", "statement", "rationale",
                                    "five_safes", "applies_to", "sources", "verification",
                                    "implementation"}
    assert "area" not in req["properties"]
    assert req["properties"]["id"]["pattern"].startswith("^KIM-")
    assert "identity-access" in schema["properties"]["category"]["enum"]

"""The shipped catalogue: valid, at least 150 requirements, and the crosswalk complete against
SATRE v2 and TEHDAS2 from ../shared/data (these fail until the content is finished)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kimed.spe.requirements import crosswalk, load_catalogue, validate_catalogue
from kimed.spe.requirements.external import default_paths, read_external


@pytest.fixture(scope="module")
def external(shared_data):
    return read_external(*default_paths(shared_data))


def test_shipped_catalogue_validates(external):
    findings = validate_catalogue(None, external)
    assert [str(f) for f in findings if f.severity == "error"] == []


def test_shipped_catalogue_loads_with_version():
    cat = load_catalogue()
    assert cat.info.version == cat.info.changelog[0].version
    assert cat.info.date == cat.info.changelog[0].date
    assert {"EHDS", "GDPR", "GDNG", "MDR", "AIACT"} <= set(cat.acts)
    assert set(cat.acts["EHDS"].articles) >= {"50", "53", "68", "73", "74"}


def test_at_least_150_requirements():
    assert len(load_catalogue().requirements) >= 150


def test_crosswalk_complete(external):
    assert external["satre"] and external["tehdas2"]
    cov = crosswalk.coverage(load_catalogue(), external)
    gaps = [f"{g.statement.framework} {g.statement.ref}" for g in cov.gaps()]
    assert gaps == [], f"{len(gaps)} binding statements neither covered nor out of scope"


def _test_functions(path: Path) -> set[str]:
    """``name`` and ``Class::name`` of every test function defined in a test file."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{f.name}" for f in node.body
                      if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)}
    return names


def test_runtime_requirements_cite_existing_tests():
    """Traceability: every implemented or partial requirement lists at least one test, and
    every listed node id names a test file and function of this checkout."""
    root = Path(__file__).resolve().parents[2]
    traced = [r for r in load_catalogue().requirements
              if r.implementation.status in ("implemented", "partial")]
    assert traced, "no requirement is traced to tests"
    assert [r.id for r in traced if not r.implementation.tests] == []
    missing = []
    for req in traced:
        for node_id in req.implementation.tests:
            file, _, name = node_id.partition("::")
            path = root / file
            if not (path.is_file() and name.split("[")[0] in _test_functions(path)):
                missing.append(f"{req.id}: {node_id}")
    assert missing == []
    untraced = [r.id for r in load_catalogue().requirements
                if r.implementation.tests and r.implementation.status
                not in ("implemented", "partial")]
    assert untraced == []  # tests are cited only for what the runtime (partly) implements

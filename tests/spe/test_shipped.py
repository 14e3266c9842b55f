"""The shipped catalogue: valid, at least 150 requirements, and the crosswalk complete against
SATRE v2 and TEHDAS2 from ../shared/data (these fail until the content is finished)."""

from __future__ import annotations

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
    assert cat.info.version == "1.0.0" and cat.info.changelog
    assert {"EHDS", "GDPR", "GDNG", "MDR", "AIACT"} <= set(cat.acts)
    assert set(cat.acts["EHDS"].articles) >= {"50", "53", "68", "73", "74"}


def test_at_least_150_requirements():
    assert len(load_catalogue().requirements) >= 150


def test_crosswalk_complete(external):
    assert external["satre"] and external["tehdas2"]
    cov = crosswalk.coverage(load_catalogue(), external)
    gaps = [f"{g.statement.framework} {g.statement.ref}" for g in cov.gaps()]
    assert gaps == [], f"{len(gaps)} binding statements neither covered nor out of scope"

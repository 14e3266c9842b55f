"""Fixtures for the SPE concept tests: a small catalogue written by us (tests/data/spe), copies
of it to break, and invented SATRE/TEHDAS2 files in the same formats."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kimed.spe.requirements.external import read_external
from tests.web.conftest import (  # noqa: F401 (the web fixtures, for test_web.py)
    client,
    demo_algorithm_rows,
    demo_rows,
    demo_template,
    portal,
    portal_url,
)

DATA = Path(__file__).parents[1] / "data" / "spe"


@pytest.fixture
def fixture_dir() -> Path:
    return DATA / "catalogue"


@pytest.fixture
def broken(tmp_path: Path):
    """``broken(file, old, new)``: a copy of the fixture catalogue with one text replaced."""

    def make(file: str, old: str, new: str) -> Path:
        target = tmp_path / "catalogue"
        if not target.exists():
            shutil.copytree(DATA / "catalogue", target)
        path = target / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return target

    return make


@pytest.fixture
def mini_external() -> dict:
    return read_external(DATA / "satre-mini.yaml", DATA / "tehdas2-mini.csv")


# Governance core (roles, projects, permits, audit): fixtures kept in tests/spe/governance.py.
from tests.spe.governance import active_permit, people, spe_db  # noqa: E402, F401

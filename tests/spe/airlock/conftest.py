"""Helpers for the airlock tests: write a small output file and run the checks on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimed.spe.airlock.appetite import RiskAppetite, load_risk_appetite
from kimed.spe.airlock.base import CheckContext
from kimed.spe.airlock.outputs import OutputFile
from kimed.spe.airlock.runner import check_output
from kimed.spe.airlock.verdict import CheckResult


@pytest.fixture
def write(tmp_path: Path):
    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def appetite() -> RiskAppetite:
    return load_risk_appetite()


def results(path: Path, kind: str | None, appetite: RiskAppetite, **options) -> dict[str, CheckResult]:
    """Results by check id."""
    ctx = CheckContext(appetite=appetite, face_detector=options.pop("face_detector", None))
    return {r.check: r for r in check_output(OutputFile.of(path, kind, **options), ctx)}

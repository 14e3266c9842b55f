"""House rules for the airlock: no web/CLI imports, built-ins registered through one base class."""

import subprocess
import sys
from pathlib import Path

from kimed.spe.airlock.appetite import RiskAppetite, load_risk_appetite
from kimed.spe.airlock.base import Check, CheckContext
from kimed.spe.airlock.registry import BUILTINS, all_checks

SRC = Path(__file__).parents[3] / "src" / "kimed" / "spe" / "airlock"
DOCS = Path(__file__).parents[3] / "docs" / "spe-runtime.md"


def test_importing_the_airlock_pulls_in_no_web_or_cli_library():
    code = (
        "import sys, kimed.spe.airlock.runner, kimed.spe.airlock.package, kimed.spe.airlock.review\n"
        "bad = [m for m in ('fastapi', 'jinja2', 'typer', 'rich') if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_modules_stay_small():
    for path in SRC.rglob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 400, path


def test_builtins_are_checks_with_unique_ids_and_sourced_rules():
    checks = all_checks()
    assert len(checks) == len(BUILTINS)
    assert len({c.id for c in checks}) == len(checks)
    ctx = CheckContext(load_risk_appetite())
    for check in checks:
        assert isinstance(check, Check)
        assert check.rule(ctx).source and check.kinds


def test_every_check_and_appetite_key_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    assert "## Airlock and disclosure control" in text
    for check in all_checks():
        assert f"`{check.id}`" in text, f"check {check.id} missing from docs/spe-runtime.md"
    for key in RiskAppetite.model_fields:
        if key != "source":
            assert f"`{key}`" in text, f"risk appetite key {key} missing from docs/spe-runtime.md"

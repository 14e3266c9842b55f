from pathlib import Path

import pytest
import yaml

from kimed.settings import get_settings
from kimed.spe.airlock.appetite import (
    ACRO_KEYS,
    ACRO_NOT_ADOPTED,
    load_risk_appetite,
    risk_appetite_from_settings,
    shipped_values,
)
from kimed.spe.airlock.errors import AirlockInputError


def test_shipped_values_are_the_documented_defaults():
    a = load_risk_appetite()
    assert (a.threshold, a.dof_threshold, a.nk_n, a.nk_k, a.p_ratio) == (10, 10, 2, 0.9, 0.1)
    assert a.zeros_are_disclosive is True and a.check_missing_values is False
    assert a.blocked_extensions == (".svg", ".gph")
    assert a.source == "shipped"


def test_shipped_defaults_equal_acro(shared_data: Path):
    acro = yaml.safe_load((shared_data / "acro" / "default.yaml").read_text(encoding="utf-8"))
    ours = shipped_values()
    for key in acro:  # a key ACRO adds later must be adopted or explained
        assert key in ACRO_KEYS.values() or key in ACRO_NOT_ADOPTED, f"ACRO key {key} not handled"
    for our_key, acro_key in ACRO_KEYS.items():
        assert ours[our_key] == acro[acro_key], f"{our_key} != ACRO {acro_key}"


def test_override_file_replaces_only_its_keys(tmp_path: Path):
    path = tmp_path / "appetite.yaml"
    path.write_text("threshold: 5\nnk_k: 0.8\n", encoding="utf-8")
    a = load_risk_appetite(path)
    assert (a.threshold, a.nk_k) == (5, 0.8)
    assert a.p_ratio == 0.1 and a.source == str(path)


def test_setting_selects_the_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "appetite.yaml"
    path.write_text("dof_threshold: 20\n", encoding="utf-8")
    monkeypatch.setenv("KIMED_SPE_RISK_APPETITE", str(path))
    get_settings.cache_clear()
    assert risk_appetite_from_settings().dof_threshold == 20


@pytest.mark.parametrize(
    ("text", "field"),
    [("threshold: -1\n", "threshold"), ("nk_k: 1.5\n", "nk_k"), ("tresholt: 3\n", "tresholt"),
     ("blocked_extensions: [svg]\n", "blocked_extensions")],
)
def test_bad_override_names_file_and_field(tmp_path: Path, text: str, field: str):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AirlockInputError) as err:
        load_risk_appetite(path)
    assert err.value.file == str(path)
    assert err.value.field.startswith(field)
    assert "risk appetite" in err.value.rule


def test_missing_override_file_is_an_error(tmp_path: Path):
    with pytest.raises(AirlockInputError, match="KIMED_SPE_RISK_APPETITE"):
        load_risk_appetite(tmp_path / "absent.yaml")

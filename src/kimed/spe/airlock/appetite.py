"""The risk appetite: thresholds of the automated disclosure checks, as one typed object.

Our shipped values (``data/risk_appetite.yaml``) equal ACRO's TRE defaults (acro/default.yaml,
SACRO project, MIT); the YAML says where each value comes from. An operator overrides any of them
with a YAML file named by the setting ``KIMED_SPE_RISK_APPETITE``; keys missing from that file keep
the shipped values. Nothing is read at import time.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kimed.spe.airlock.errors import AirlockInputError

SHIPPED = "risk_appetite.yaml"

#: Our key -> ACRO's key in acro/default.yaml, for values we adopt from ACRO.
ACRO_KEYS: dict[str, str] = {
    "threshold": "safe_threshold",
    "dof_threshold": "safe_dof_threshold",
    "nk_n": "safe_nk_n",
    "nk_k": "safe_nk_k",
    "p_ratio": "safe_pratio_p",
    "check_missing_values": "check_missing_values",
    "survival_threshold": "survival_safe_threshold",
    "zeros_are_disclosive": "zeros_are_disclosive",
    "round_base": "safe_round_base",
    "blocked_extensions": "blocked_extensions",
}

#: ACRO keys we do not adopt, and why.
ACRO_NOT_ADOPTED: dict[str, str] = {
    "federated": "ACRO's federated mode hands evidence to an aggregator; the KIMed SPE checks locally.",
}


class RiskAppetite(BaseModel):
    """Thresholds and switches of the disclosure checks (see docs/spe-runtime.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: int = Field(10, ge=1, description="Minimum units behind a published cell.")
    dof_threshold: int = Field(10, ge=1, description="Minimum residual degrees of freedom.")
    nk_n: int = Field(2, ge=1, description="n of the N-K dominance rule.")
    nk_k: float = Field(0.90, gt=0, le=1, description="k of the N-K dominance rule (a share).")
    p_ratio: float = Field(0.10, gt=0, le=1, description="p of the p% rule (a share).")
    check_missing_values: bool = False
    survival_threshold: int = Field(10, ge=1)
    zeros_are_disclosive: bool = True
    round_base: int = Field(5, ge=1)
    blocked_extensions: tuple[str, ...] = (".svg", ".gph")
    person_level_min_rows: int = Field(20, ge=2)
    person_level_review_rows: int = Field(1000, ge=2)
    source: str = Field("shipped", description="Where these values were read from.")

    @field_validator("blocked_extensions")
    @classmethod
    def _lower_dotted(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for ext in value:
            if not ext.startswith("."):
                raise ValueError(f"extension {ext!r} must start with a dot")
        return tuple(ext.lower() for ext in value)

    def public(self) -> dict[str, Any]:
        """The values as plain JSON types, for the release record (SATRE 3.3.09)."""
        return self.model_dump(mode="json")


def _read_yaml(text: str, origin: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise AirlockInputError(origin, "(yaml)", "risk appetite is YAML", str(exc)) from exc
    if not isinstance(data, dict):
        raise AirlockInputError(origin, "(top level)", "risk appetite is a mapping", "not a mapping")
    return data


def shipped_values() -> dict[str, Any]:
    """The shipped defaults as read from the package's YAML."""
    text = resources.files("kimed.spe.airlock").joinpath("data", SHIPPED).read_text("utf-8")
    return _read_yaml(text, f"kimed/spe/airlock/data/{SHIPPED}")


def load_risk_appetite(path: Path | str | None = None) -> RiskAppetite:
    """The shipped risk appetite, with the values of the YAML file ``path`` laid over it."""
    values = shipped_values()
    source = "shipped"
    if path is not None:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AirlockInputError(
                str(path), "(file)", "KIMED_SPE_RISK_APPETITE names a readable file", str(exc)
            ) from exc
        values.update(_read_yaml(text, str(path)))
        source = str(path)
    values["source"] = source
    try:
        return RiskAppetite(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise AirlockInputError(
            str(path) if path else SHIPPED, field, "risk appetite schema", first["msg"]
        ) from exc


def risk_appetite_from_settings() -> RiskAppetite:
    """The risk appetite the settings select (``KIMED_SPE_RISK_APPETITE``)."""
    from kimed.settings import get_settings

    return load_risk_appetite(get_settings().spe_risk_appetite)

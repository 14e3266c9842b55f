"""The weights of the criteria in the fit score: defaults, and the check of weights a profile or a
request gives (non-negative numbers, known criterion names)."""

from __future__ import annotations

import math
from typing import Any

# The default weight of each criterion (docs/suitability.md explains the choice). What a study is
# about (conditions) weighs most; population, data types, variables and access decide whether
# the study can be done at all; place, time, standards and update frequency refine the choice.
DEFAULT_WEIGHTS: dict[str, float] = {
    "conditions": 3.0,
    "population": 2.0,
    "geography": 1.0,
    "period": 1.0,
    "data_types": 2.0,
    "standards": 1.0,
    "variables": 2.0,
    "access": 2.0,
    "frequency": 1.0,
}
MAX_WEIGHT = 100.0


class RuleError(ValueError):
    """A broken rule of a profile: ``field`` names the field, ``rule`` the rule."""

    def __init__(self, field: str, message: str, rule: str) -> None:
        self.field, self.rule, self.message = field, rule, message
        super().__init__(f"{field} {message}")


class WeightError(RuleError):
    """A weight that is not a non-negative number, or names no criterion."""


def validate_weights(value: Any, source: str = "weights") -> dict[str, float]:
    """``{criterion: weight}`` checked: known names, finite numbers in [0, 100]. Raises ValueError
    (WeightError) whose message names the field and the rule."""
    if not isinstance(value, dict):
        raise WeightError(source, "must be a mapping of criterion names to numbers",
                          "mapping")
    out: dict[str, float] = {}
    for name, weight in value.items():
        field = f"{source}.{name}"
        if name not in DEFAULT_WEIGHTS:
            raise WeightError(field, f"names no criterion ({name!r}); known: "
                              f"{', '.join(DEFAULT_WEIGHTS)}", "known criterion name")
        if isinstance(weight, bool):
            number = math.nan
        else:
            try:
                number = float(weight)
            except (TypeError, ValueError):
                number = math.nan
        if not math.isfinite(number):
            raise WeightError(field, f"is {weight!r}, not a number", "number")
        if number < 0 or number > MAX_WEIGHT:
            raise WeightError(field, f"must be between 0 and {MAX_WEIGHT:g} (got {weight!r})",
                              "non-negative weight")
        out[name] = number
    return out


def effective_weights(overrides: dict[str, float] | None = None) -> dict[str, float]:
    """The defaults, with the given weights in their place."""
    return {**DEFAULT_WEIGHTS, **(overrides or {})}

"""Residual degrees of freedom: a model fitted with too few residual degrees of freedom is close to
a lookup table of its data (with df = 0 the fitted values are the observations).
Source: ACRO ``safe_dof_threshold`` (MinimumDoFCheck, risk LowDOF); SDC Handbook, regression.

Regression outputs: JSON (an object, a list of objects or ``{"models": [...]}``) or CSV (one row per
model with a ``residual_df`` column, or ``statistic,value`` rows). The residual df is read from
``residual_df`` (or ``df_resid``, ``dof``), or computed as ``n_obs - n_params``.
"""

from __future__ import annotations

import json
import math

from kimed.spe.airlock.base import ACRO, SDC_HANDBOOK, Check, CheckContext, listing
from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.tables import parse_csv
from kimed.spe.airlock.verdict import Cell, CheckResult, Rule, Verdict

DF_KEYS = ("residual_df", "df_resid", "dof", "residual_dof")
RULE = "a regression output states its residual degrees of freedom"


def _df_of(model: dict, file: str, where: str) -> float:
    keys = {str(k).strip().lower(): v for k, v in model.items()}
    for key in DF_KEYS:
        if key in keys and keys[key] not in (None, ""):
            return _num(keys[key], file, f"{where}.{key}")
    if "n_obs" in keys and "n_params" in keys:
        return _num(keys["n_obs"], file, f"{where}.n_obs") - _num(keys["n_params"], file, f"{where}.n_params")
    raise AirlockInputError(file, f"{where}.residual_df", RULE, "no residual_df (or n_obs and n_params)")


def _num(value, file: str, field: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AirlockInputError(file, field, RULE, f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise AirlockInputError(file, field, RULE, f"{value!r} is not finite")
    return number


def read_models(output: OutputFile) -> list[tuple[str, float]]:
    """(model name, residual df) for every model in a regression output."""
    file = output.name
    text = output.read_text()
    if text is None:
        raise AirlockInputError(file, "(file)", "regression results are JSON or CSV text", "not text")
    if output.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AirlockInputError(file, f"line {exc.lineno}", "well-formed JSON", exc.msg) from exc
        if isinstance(data, dict) and isinstance(data.get("models"), list):
            data = data["models"]
        models = data if isinstance(data, list) else [data]
        out = []
        for i, model in enumerate(models):
            if not isinstance(model, dict):
                raise AirlockInputError(file, f"models[{i}]", RULE, "a model is a JSON object")
            name = str(model.get("name", f"model {i + 1}"))
            out.append((name, _df_of(model, file, f"models[{i}]" if len(models) > 1 else "$")))
        return out
    rows = parse_csv(text, file)
    header = [h.strip().lower() for h in rows[0]]
    if any(k in header for k in (*DF_KEYS, "n_obs")):
        return [
            (row[0] or f"model {i}", _df_of(dict(zip(header, row, strict=False)), file, f"line {i + 1}"))
            for i, row in enumerate(rows[1:], start=1)
        ]
    pairs = {row[0].strip().lower(): row[1] for row in rows if len(row) >= 2}
    return [(output.path.stem, _df_of(pairs, file, "statistic"))]


class DofCheck(Check):
    id = "residual-dof"
    title = "Residual degrees of freedom"
    kinds = frozenset({OutputKind.REGRESSION})

    def rule(self, ctx: CheckContext) -> Rule:
        return Rule(
            id="residual-dof",
            name="minimum residual degrees of freedom",
            parameters={"dof_threshold": ctx.appetite.dof_threshold},
            source=f"{ACRO}: safe_dof_threshold; {SDC_HANDBOOK}",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        limit = ctx.appetite.dof_threshold
        low = [
            Cell(row=name, column="residual_df", value=df, reason=f"residual df {df:g} < {limit}")
            for name, df in read_models(output)
            if df < limit
        ]
        if low:
            return self.result(
                output, ctx, Verdict.FAIL, f"{len(low)} model(s) with residual df below {limit}: {listing(low)}", low
            )
        return self.result(output, ctx, Verdict.PASS, f"every model has residual df >= {limit}")

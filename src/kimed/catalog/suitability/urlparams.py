"""A profile as URL query parameters, so that a link reproduces an assessment.

``cond=I63,EHRS&age_min=18&age_max=65&sex=female&min_n=500&place=DEU&from=2010&to=2020
&type=ehr&std=FHIR&var=age&purpose=e&commercial=1&cross_border=1&freq=ANNUAL&w_conditions=5``

Lists are comma-separated (a parameter may also repeat). Empty parameters are ignored, so a form
submitted with blank fields gives the same profile as a link without them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from urllib.parse import urlencode

from kimed.catalog.suitability.profile import (
    ProfileError,
    ProfileProblem,
    ResearchProfile,
    condition_text,
    parse_profile,
)
from kimed.catalog.suitability.weights import DEFAULT_WEIGHTS

LISTS = {"cond": "conditions", "place": "places", "type": "data_types", "std": "standards",
         "var": "variables"}
POPULATION = {"age_min": "age_min", "age_max": "age_max", "sex": "sex",
              "min_n": "min_individuals"}
FLAGS = {"commercial": "commercial", "cross_border": "cross_border"}
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}
KNOWN = {*LISTS, *POPULATION, *FLAGS, "from", "to", "purpose", "freq", "name",
         *(f"w_{c}" for c in DEFAULT_WEIGHTS)}


def _values(params: Mapping[str, list[str] | str], key: str) -> list[str]:
    raw = params.get(key, [])
    return [raw] if isinstance(raw, str) else list(raw)


def _first(params, key: str) -> str | None:
    values = [v.strip() for v in _values(params, key) if v.strip()]
    return values[-1] if values else None


def profile_from_params(params: Mapping[str, list[str] | str],
                        source: str = "URL parameters") -> ResearchProfile:
    """The profile in query parameters ``{name: [values]}``; unknown names are ignored (the page
    may carry others, such as ``lang`` or ``ids``)."""
    data: dict = {}
    for key, field in LISTS.items():
        items = [p.strip() for v in _values(params, key) for p in v.split(",") if p.strip()]
        if items:
            data[field] = items
    population = {f: _first(params, k) for k, f in POPULATION.items() if _first(params, k)}
    if population:
        data["population"] = population
    period = {f: _first(params, k) for k, f in (("from", "start"), ("to", "end"))
              if _first(params, k)}
    if period:
        data["period"] = period
    access: dict = {}
    if _first(params, "purpose"):
        access["purpose"] = _first(params, "purpose")
    for key, field in FLAGS.items():
        value = (_first(params, key) or "").lower()
        if value not in TRUE | FALSE:
            raise ProfileError([ProfileProblem(field=f"access.{field}", rule="boolean",
                                               message=f"{key}={value!r} is not 1/0/true/false")],
                               source)
        if value in TRUE:
            access[field] = True
    if access:
        data["access"] = access
    if _first(params, "freq"):
        data["frequency"] = _first(params, "freq")
    if _first(params, "name"):
        data["name"] = _first(params, "name")
    weights = {c: _first(params, f"w_{c}") for c in DEFAULT_WEIGHTS if _first(params, f"w_{c}")}
    if weights:
        data["weights"] = weights
    return parse_profile(data, source)


def _date(value: date, end: bool) -> str:
    if (value.month, value.day) == ((12, 31) if end else (1, 1)):
        return str(value.year)
    return value.isoformat()


def profile_to_params(profile: ResearchProfile) -> list[tuple[str, str]]:
    """The query parameters of a profile (only what is set), in a stable order."""
    out: list[tuple[str, str]] = []
    if profile.name:
        out.append(("name", profile.name))
    lists = {"cond": [condition_text(c) for c in profile.conditions],
             "place": profile.places, "type": profile.data_types, "std": profile.standards,
             "var": profile.variables}
    p = profile.population
    for key in ("cond",):
        if lists[key]:
            out.append((key, ",".join(lists[key])))
    for key, field in POPULATION.items():
        value = getattr(p, field)
        if value is not None and value != "any":
            out.append((key, str(value)))
    if profile.places:
        out.append(("place", ",".join(profile.places)))
    if profile.period.start:
        out.append(("from", _date(profile.period.start, end=False)))
    if profile.period.end:
        out.append(("to", _date(profile.period.end, end=True)))
    for key in ("type", "std", "var"):
        if lists[key]:
            out.append((key, ",".join(lists[key])))
    if profile.access.purpose:
        out.append(("purpose", profile.access.purpose))
    for key, field in FLAGS.items():
        if getattr(profile.access, field):
            out.append((key, "1"))
    if profile.frequency:
        out.append(("freq", profile.frequency))
    for name, weight in profile.weights.items():
        out.append((f"w_{name}", f"{weight:g}"))
    return out


def profile_query(profile: ResearchProfile) -> str:
    """``cond=I63&age_min=18...``: the query string of a profile (no leading ``?``)."""
    return urlencode(profile_to_params(profile), safe=",:")

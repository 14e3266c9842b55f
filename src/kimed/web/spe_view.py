"""What the SPE concept pages share: the catalogue and the crosswalk, loaded once per app."""

from __future__ import annotations

from fastapi import HTTPException, Request

from kimed.spe.requirements.schema import APPLIES_TO, CATEGORIES, FIVE_SAFES, LEVELS, STATUSES

FILTERS = {"area": tuple(CATEGORIES), "category": tuple(c for v in CATEGORIES.values() for c in v),
           "level": LEVELS, "five_safes": FIVE_SAFES, "applies_to": APPLIES_TO,
           "status": STATUSES}


def catalogue(request: Request):
    """The shipped catalogue, read on first use and kept on the app."""
    cached = getattr(request.app.state, "spe_catalogue", None)
    if cached is None:
        from kimed.spe.requirements import load_catalogue

        cached = request.app.state.spe_catalogue = load_catalogue()
    return cached


def coverage(request: Request):
    """The crosswalk against the shared data folder's SATRE and TEHDAS2 files (None without)."""
    if not hasattr(request.app.state, "spe_coverage"):
        from kimed.spe.requirements.crosswalk import coverage as compute
        from kimed.spe.requirements.external import default_paths, read_external

        external = read_external(*default_paths(request.app.state.settings.shared_data_dir))
        request.app.state.spe_coverage = compute(catalogue(request), external) \
            if any(external.values()) else None
    return request.app.state.spe_coverage


def check_filters(values: dict[str, str | None]) -> dict[str, str | None]:
    """Empty values dropped; an unknown value is a 422 naming the parameter and the rule."""
    out = {}
    for name, value in values.items():
        if not value:
            continue
        allowed = FILTERS[name]
        if (value.upper() if name == "level" else value) not in allowed:
            raise HTTPException(422, detail=[{
                "loc": ["query", name], "rule": f"one of {', '.join(allowed)}",
                "msg": f"{name}: {value!r} is not one of {', '.join(allowed)}"}])
        out[name] = value
    return out

"""Saved suitability profiles in the Portal: ``/suitability/profiles`` ("My profiles": list,
rename, delete), ``POST /suitability/profiles`` (save from the results page) and
``/suitability/profiles/{id}`` (open: a redirect to the profile's link).

Every route needs a signed-in user (any role); a visitor is sent to /login. The forms carry the
CSRF token. A user only ever reaches their own profiles: another user's id answers 404, exactly
like an id that does not exist. The rules live in kimed.catalog.suitability.saved.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from kimed.catalog.suitability.saved import (
    MAX_NAME,
    SavedProfileError,
    SavedProfileNotFound,
    delete_profile,
    get_profile,
    list_profiles,
    rename_profile,
    save_profile,
)
from kimed.web.deps import CsrfFormDep, CurrentUser, RenderDep, SessionDep

router = APIRouter(tags=["pages"], include_in_schema=False)
LIST = "/suitability/profiles"


def _page(render: RenderDep, session: SessionDep, user, errors: list | None = None,
          draft: dict | None = None, saved: int | None = None, status_code: int = 200) -> Response:
    return render("suitability_profiles.html", {
        "profiles": list_profiles(session, user.id), "errors": errors or [], "draft": draft,
        "saved": saved, "max_name": MAX_NAME,
    }, status_code=status_code, headers={"Cache-Control": "no-store"})


def _error(exc: SavedProfileError) -> dict:
    return {"field": exc.field, "message": exc.message, "rule": exc.rule}


def _own(session: SessionDep, user, profile_id: int):
    try:
        return get_profile(session, user.id, profile_id)
    except SavedProfileNotFound as exc:
        raise HTTPException(404, str(exc)) from None


@router.get(LIST, name="suitability_profiles")
def my_profiles(user: CurrentUser, session: SessionDep, render: RenderDep,
                saved: int | None = None) -> Response:
    return _page(render, session, user, saved=saved)


@router.post(LIST)
def save(user: CurrentUser, form: CsrfFormDep, session: SessionDep,
         render: RenderDep) -> Response:
    name, params = form.get("name"), form.get("params")
    try:
        row = save_profile(session, user.id, name, params)
    except SavedProfileError as exc:
        draft = {"name": name if isinstance(name, str) else "",
                 "params": params if isinstance(params, str) else ""}
        return _page(render, session, user, [_error(exc)], draft=draft, status_code=422)
    return RedirectResponse(f"{LIST}?saved={row.id}", status_code=303)


@router.get(LIST + "/{profile_id}", name="suitability_profile")
def open_profile(profile_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return RedirectResponse(_own(session, user, profile_id).url, status_code=303)


@router.post(LIST + "/{profile_id}/rename")
def rename(profile_id: int, user: CurrentUser, form: CsrfFormDep, session: SessionDep,
           render: RenderDep) -> Response:
    _own(session, user, profile_id)
    try:
        rename_profile(session, user.id, profile_id, form.get("name"))
    except SavedProfileError as exc:
        return _page(render, session, user, [_error(exc)], status_code=422)
    return RedirectResponse(LIST, status_code=303)


@router.post(LIST + "/{profile_id}/delete")
def delete(profile_id: int, user: CurrentUser, form: CsrfFormDep,
           session: SessionDep) -> Response:
    _own(session, user, profile_id)
    delete_profile(session, user.id, profile_id)
    return RedirectResponse(LIST, status_code=303)

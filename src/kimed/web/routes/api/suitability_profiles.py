"""``/api/suitability/profiles``: the caller's saved research profiles (API token required).

A profile is saved under a name, either as the query string of its /suitability link
(``params``) or as a profile object (``profile``, the format of a profile file). Errors name the
field and the rule; another user's profile answers 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from kimed.catalog.suitability import ProfileError, parse_profile, profile_query
from kimed.catalog.suitability.saved import (
    MAX_NAME,
    SavedProfileError,
    SavedProfileNotFound,
    delete_profile,
    get_profile,
    list_profiles,
    save_profile,
)
from kimed.web.deps import CurrentUser, SessionDep

router = APIRouter(tags=["suitability"])


class SavedProfileCreate(BaseModel):
    """A profile to save: give ``params`` or ``profile``, not both."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(description=f"1 to {MAX_NAME} characters, unique among your profiles")
    params: str | None = Field(None, description="the query string of a /suitability link, "
                                                 "e.g. cond=I63&age_min=18&place=DEU")
    profile: dict[str, Any] | None = Field(None, description="a research profile as in a "
                                                             "profile file (docs/suitability.md)")


class SavedProfilePublic(BaseModel):
    id: int
    name: str
    params: str
    url: str = Field(description="the shareable link (path and query)")
    created_at: str
    updated_at: str


class SavedProfileList(BaseModel):
    profiles: list[SavedProfilePublic]


def _loc(field: str) -> list[str]:
    return ["body", *field.replace("[", ".").replace("]", "").split(".")]


def _refused(exc: SavedProfileError, given_as: str) -> HTTPException:
    field = given_as + exc.field.removeprefix("params") if exc.field.startswith("params") \
        else exc.field
    return HTTPException(422, detail=[{"loc": _loc(field), "msg": exc.message,
                                       "rule": exc.rule}])


def _not_found(exc: SavedProfileNotFound) -> HTTPException:
    return HTTPException(404, detail=[{"loc": ["path", "profile_id"], "msg": str(exc),
                                       "rule": "one of your saved profiles"}])


@router.get("/suitability/profiles", response_model=SavedProfileList,
            summary="Your saved research profiles")
def list_saved(user: CurrentUser, session: SessionDep) -> dict:
    return {"profiles": [p.to_dict() for p in list_profiles(session, user.id)]}


@router.post("/suitability/profiles", status_code=201, response_model=SavedProfilePublic,
             summary="Save a research profile under a name")
def create_saved(body: SavedProfileCreate, user: CurrentUser, session: SessionDep) -> JSONResponse:
    if (body.params is None) == (body.profile is None):
        raise HTTPException(422, detail=[{"loc": ["body", "params"], "rule": "params or profile",
                                          "msg": "give the profile as params (a query string) "
                                                 "or as profile (an object), one of the two"}])
    params = body.params
    if body.profile is not None:
        try:
            params = profile_query(parse_profile(body.profile, source="body.profile"))
        except ProfileError as exc:
            raise HTTPException(422, detail=[{"loc": _loc(f"profile.{p.field}"), "msg": p.message,
                                              "rule": p.rule} for p in exc.problems]) from None
    try:
        row = save_profile(session, user.id, body.name, params)
    except SavedProfileError as exc:
        raise _refused(exc, "params" if body.params is not None else "profile") from None
    return JSONResponse(row.to_dict(), status_code=201,
                        headers={"Location": f"/api/suitability/profiles/{row.id}"})


@router.get("/suitability/profiles/{profile_id}", response_model=SavedProfilePublic,
            summary="One of your saved research profiles")
def read_saved(profile_id: int, user: CurrentUser, session: SessionDep) -> dict:
    try:
        return get_profile(session, user.id, profile_id).to_dict()
    except SavedProfileNotFound as exc:
        raise _not_found(exc) from None


@router.delete("/suitability/profiles/{profile_id}", status_code=204,
               summary="Delete one of your saved research profiles")
def delete_saved(profile_id: int, user: CurrentUser, session: SessionDep) -> Response:
    try:
        delete_profile(session, user.id, profile_id)
    except SavedProfileNotFound as exc:
        raise _not_found(exc) from None
    return Response(status_code=204)

"""How a refusal of the SPE library (:class:`~kimed.spe.errors.SpeError`) becomes an HTTP
answer: ``Forbidden`` 403, ``NotFound`` 404, a state conflict (the fields a route names, such as
a permit's ``status``) 409, anything else 422; the detail names the field, the rule and its
source. Shared by the JSON API of the runtime (kimed.web.routes.api.spe_runtime); the pages
answer with the same status codes (kimed.web.routes.spe_governance, spe_work)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import HTTPException

from kimed.spe.errors import Forbidden, NotFound, SpeError


def refusal_status(exc: SpeError, conflicts: Iterable[str] = ()) -> int:
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, NotFound):
        return 404
    return 409 if exc.field in set(conflicts) else 422


def refusal_detail(exc: SpeError, where: str = "body") -> dict:
    """One error item in the API's shape (``loc``, ``msg``, ``rule``) plus the library's
    ``field`` and ``source``."""
    return {"loc": [where, exc.field], "msg": str(exc), "rule": exc.rule, "field": exc.field,
            "source": exc.source}


def refusal(exc: SpeError, conflicts: Iterable[str] = (), where: str = "body") -> HTTPException:
    """The HTTP error of a library refusal, for an API route to raise."""
    return HTTPException(refusal_status(exc, conflicts), detail=[refusal_detail(exc, where)])

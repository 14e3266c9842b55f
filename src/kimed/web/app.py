"""``create_app()``: the FastAPI application of the Portal.

The database is opened (and migrated) in the lifespan handler and kept on ``app.state.db``; the
templates are set up here, per app, so that importing this module does no work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from kimed import __version__
from kimed.accounts.permissions import PermissionDenied
from kimed.catalog.search import SearchError
from kimed.catalog.search.indexer import rebuild_pending
from kimed.db import Database
from kimed.settings import Settings, get_settings
from kimed.web.deps import Renderer, request_language
from kimed.web.present import dataset_path

HERE = Path(__file__).parent
API_DESCRIPTION = """The KIMed Portal's JSON API: search the catalogue of health data sources
(HealthDCAT-AP Release 8), read a record's projection and validation findings, list publishers,
facets and controlled vocabularies, and the AI algorithms (MLDCAT-AP 3.1.0) with their datasets. Errors name the parameter and the rule it breaks. The DCAT
feed for harvesters is at `/catalog`. See docs/api.md."""


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path.startswith("/catalog")


def error_body(loc: list, msg: str, rule: str) -> dict:
    return {"detail": [{"loc": loc, "msg": msg, "rule": rule}]}


def _error_page(request: Request, status: int, message: str,
                headers: dict[str, str] | None = None) -> Response:
    from kimed.web.i18n import messages

    renderer = Renderer(request, request_language(request))
    key = f"error.{status}" if f"error.{status}" in messages("en") else "error.title"
    return renderer("error.html", {"status": status, "message": message, "title_key": key},
                    status_code=status, headers=headers)


async def _search_error(request: Request, exc: SearchError) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(["query", exc.param], str(exc), exc.rule), status_code=422)
    return _error_page(request, 422, str(exc))


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""),
               "rule": e.get("type", "invalid")} for e in exc.errors()]
    if _wants_json(request):
        return JSONResponse({"detail": detail}, status_code=422)
    return _error_page(request, 422, "; ".join(f"{d['loc'][-1]}: {d['msg']}" for d in detail))


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    detail = exc.detail
    if _wants_json(request):
        if not isinstance(detail, list):
            detail = error_body(["path"], str(detail), "not_found" if exc.status_code == 404
                                else f"http_{exc.status_code}")["detail"]
        return JSONResponse({"detail": detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))
    if isinstance(detail, list):
        detail = "; ".join(str(d.get("msg", d)) for d in detail)
    return _error_page(request, exc.status_code, str(detail))


async def _permission_denied(request: Request, exc: PermissionDenied) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(["auth"], str(exc), exc.rule), status_code=403)
    return _error_page(request, 403, str(exc))


async def _csrf_error(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(["body", "csrf_token"], str(exc), "CSRF token"),
                            status_code=403)
    return _error_page(request, 403, str(exc))


async def _login_required(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(["header", "Authorization"], exc.message, exc.rule),
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})
    from urllib.parse import quote

    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)


async def _too_many(request: Request, exc: Exception) -> Response:
    return _error_page(request, 429, str(exc), headers={"Retry-After": str(exc.retry_after)})


def create_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.trim_blocks = True
    templates.env.lstrip_blocks = True
    templates.env.filters["dataset_path"] = dataset_path
    return templates


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the Portal app for ``settings`` (default: the environment's)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.effective_database_url)
        database.migrate()
        with database.session() as session:  # after a migration that emptied the search index
            rebuild_pending(session)
        app.state.db = database
        try:
            yield
        finally:
            database.dispose()

    app = FastAPI(
        title="KIMed Portal API", version=__version__, description=API_DESCRIPTION,
        lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.templates = create_templates()
    app.add_exception_handler(SearchError, _search_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # the web's own exceptions come from the module the routers below import (loaded here)
    from kimed.web.auth import CsrfError, LoginRequired, LoginThrottle, TooManyAttempts

    app.add_exception_handler(PermissionDenied, _permission_denied)
    app.add_exception_handler(CsrfError, _csrf_error)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(TooManyAttempts, _too_many)
    app.state.login_throttle = LoginThrottle()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from kimed.web.routes import (
        algorithm_editing,
        algorithms,
        api,
        datasets,
        dcat,
        editing,
        home,
        login,
        publishers,
        quality,
        search,
        spe,
        spe_governance,
        spe_work,
        suitability,
        suitability_profiles,
    )
    from kimed.web.routes.api import algorithms as api_algorithms
    from kimed.web.routes.api import editing as api_editing
    from kimed.web.routes.api import spe as api_spe
    from kimed.web.routes.api import spe_jobs as api_spe_jobs
    from kimed.web.routes.api import spe_runtime as api_spe_runtime
    from kimed.web.routes.api import suitability as api_suitability
    from kimed.web.routes.api import suitability_profiles as api_suitability_profiles
    from kimed.web.routes.api import variables as api_variables

    app.include_router(home.router)
    app.include_router(search.router)
    app.include_router(login.router)
    app.include_router(editing.router)  # before datasets: /datasets/{id}/edit, /datasets/new
    # before datasets and api: /datasets/{id}/quality.ttl, /api/datasets/{id}/quality
    app.include_router(quality.router)
    app.include_router(datasets.router)
    app.include_router(publishers.router)
    app.include_router(algorithm_editing.router)  # before algorithms: /algorithms/{id}/edit
    app.include_router(algorithms.router)
    app.include_router(suitability_profiles.router)  # /suitability/profiles (saved)
    app.include_router(suitability.router)
    app.include_router(dcat.router)
    app.include_router(spe.router)
    app.include_router(spe_governance.router)  # projects, permits, roles, audit
    app.include_router(spe_work.router)  # jobs, upload, airlock
    # before api: /api/datasets/{id}/algorithms would otherwise match /api/datasets/{id:path}
    app.include_router(api_algorithms.router, prefix="/api")
    app.include_router(api_variables.router, prefix="/api")  # also before api
    app.include_router(api_suitability.router, prefix="/api")
    app.include_router(api_spe.router, prefix="/api")
    app.include_router(api_spe_runtime.router, prefix="/api")  # projects, permits, audit
    app.include_router(api_spe_jobs.router, prefix="/api")  # jobs, output requests
    app.include_router(api_suitability_profiles.router, prefix="/api")
    app.include_router(api.router)
    app.include_router(api_editing.router, prefix="/api")
    return app

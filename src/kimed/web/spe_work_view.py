"""What the SPE working pages (kimed.web.routes.spe_work) need besides the library: who may see
a project's jobs, the executor and vault of the app's settings, job-form values, uploads, and
the review screen's view of check results (cell labels and reasons, never cell values).

Every decision the library makes (submit, cancel, request, review, release) stays in the
library; this module only decides who may *look* at a page and turns form input into arguments.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.spe.errors import Forbidden, NotFound, SpeError
from kimed.spe.governance_models import Permit, Project
from kimed.spe.permit_contents import GRANTING
from kimed.spe.roles import SpeRoleName, has_role

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # per upload, all files together
VIEW_SOURCE = "KIM-TEC-IAM-004 (access by permit); our rule for the SPE web pages"


def http_error(exc: SpeError) -> HTTPException:
    """A library refusal as an HTTP error: 404 for a missing object, 403 for a missing right."""
    if isinstance(exc, NotFound):
        return HTTPException(404, detail=str(exc))
    return HTTPException(403, detail=str(exc))


def executor_for(request: Request) -> Any:
    """The app's job executor (the configured default: a local pool sandboxed by bubblewrap),
    created on first use from the app's settings and kept for the app's lifetime."""
    from kimed.spe.executors import get_executor

    state = request.app.state
    if getattr(state, "spe_executor", None) is None:
        state.spe_executor = get_executor(state.settings)
    return state.spe_executor


def vault_for(request: Request) -> Any:
    from kimed.spe.vault import Vault

    return Vault.from_settings(request.app.state.settings)


def granting_permits(project: Project) -> list[Permit]:
    return [p for p in project.permits if p.status in GRANTING]


def is_member(project: Project, user: User) -> bool:
    """Named in, or principal investigator of, any permit of the project (whatever its state)."""
    return any(user.id == p.principal_investigator_id or
               user.id in {x.user_id for x in p.persons} for p in project.permits)


def require_project_view(session: Session, project: Project, user: User) -> None:
    """A project's job pages are for its permits' people and for SPE operators (403 else)."""
    if user.is_active and (is_member(project, user) or
                           has_role(session, user, SpeRoleName.SPE_OPERATOR)):
        return
    raise http_error(Forbidden("user", f"{user.username} is neither named in a permit of project "
                               f"{project.slug} nor an spe_operator", VIEW_SOURCE))


def permitted_datasets(project: Project, user: User) -> list[str]:
    """Datasets of the project's granting permits that name ``user`` (the job form's choices;
    the library checks again on submit)."""
    out: set[str] = set()
    for permit in granting_permits(project):
        if user.id in {p.user_id for p in permit.persons}:
            out |= {d.dataset_identifier for d in permit.datasets}
    return sorted(out)


def permit_datasets(project: Project) -> list[str]:
    """Datasets named in the project's granting permits: what a data holder may upload."""
    return sorted({d.dataset_identifier for p in granting_permits(project) for d in p.datasets})


def pipelines(executor: Any) -> list[dict[str, Any]]:
    """The registered pipelines with their parameters, for the job form."""
    out = []
    for name in executor.registry.names():
        try:
            cls = executor.registry.get(name)
        except Exception:  # noqa: BLE001 - a broken plugin is left out of the form
            continue
        out.append({"name": name, "version": cls.version, "description": cls.__doc__ or "",
                    "params": [{"name": p.name, "type": getattr(p.type, "__name__", "str"),
                                "default": _shown(p.default)} for p in cls.parameters]})
    return out


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def parse_params(form: Any, pipeline: str, spec: list[dict[str, Any]]) -> dict[str, Any]:
    """The chosen pipeline's parameter fields (``param.<pipeline>.<name>``) as values; empty
    fields are left out so that the pipeline's defaults apply. JSON for lists and dicts."""
    chosen = next((p for p in spec if p["name"] == pipeline), None)
    params: dict[str, Any] = {}
    for param in chosen["params"] if chosen else []:
        raw = str(form.get(f"param.{pipeline}.{param['name']}") or "").strip()
        if not raw:
            continue
        kind = param["type"]
        try:
            if kind in ("list", "dict"):
                params[param["name"]] = json.loads(raw)
            elif kind == "int":
                params[param["name"]] = int(raw)
            elif kind == "float":
                params[param["name"]] = float(raw)
            elif kind == "bool":
                params[param["name"]] = raw.lower() in ("1", "true", "yes", "on")
            else:
                params[param["name"]] = raw
        except ValueError:
            raise SpeError(f"params.{param['name']}", f"{raw!r} is not a {kind}",
                           "the pipeline contract (kimed.pipelines.base)") from None
    return params


async def save_uploads(files: Iterable[Any], target: Path, limit: int = MAX_UPLOAD_BYTES
                       ) -> list[Path]:
    """Write uploaded files into ``target`` (plain names only), refusing more than ``limit``
    bytes in all; raises SpeError naming the file."""
    from kimed.spe.vault.layout import check_file_name

    saved, total = [], 0
    for upload in files:
        name = Path(upload.filename or "").name
        if not name:
            continue
        try:
            check_file_name(name)
        except Exception as exc:  # noqa: BLE001 - the vault's own message
            raise SpeError("files", str(exc), "the vault's file names") from None
        path = target / name
        with path.open("wb") as out:
            while chunk := await upload.read(1024 * 1024):
                total += len(chunk)
                if total > limit:
                    raise SpeError("files", f"the upload is larger than {limit // (1024 * 1024)} "
                                   "MiB; upload large datasets with `kimed spe vault put`",
                                   "the web upload limit")
                out.write(chunk)
        saved.append(path)
    if not saved:
        raise SpeError("files", "choose at least one file to upload", "the vault")
    return saved


def temp_dir(request: Request) -> Path:
    """A private scratch directory under the data directory (removed by the caller)."""
    base = Path(request.app.state.settings.data_dir) / "spe" / "incoming"
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    return Path(tempfile.mkdtemp(dir=base))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def check_rows(results: list[dict[str, Any]], names: list[str]) -> dict[str, list[dict]]:
    """Check results per file for the review screen: check, verdict, rule, message and the
    flagged cells' labels and reasons. Cell values are dropped, as in the release record."""
    out: dict[str, list[dict]] = {name: [] for name in names}
    for r in results:
        rule = r.get("rule") or {}
        cells = [{"where": " / ".join(str(c[k]) for k in ("row", "column")
                                      if c.get(k) is not None) or "—",
                  "reason": c.get("reason", "")} for c in r.get("cells", [])]
        out.setdefault(r["file"], []).append({
            "check": r["check"], "verdict": r["verdict"], "message": r.get("message", ""),
            "rule": rule.get("name", ""), "rule_id": rule.get("id", ""),
            "source": rule.get("source", ""), "cells": cells})
    return out


def release_path(request: Request, request_id: str) -> Path:
    base = Path(request.app.state.settings.data_dir) / "spe" / "releases"
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    return base / f"{request_id}.zip"


def may_download(session: Session, row: Any, user: User) -> bool:
    """The release package is for the requester, the job's submitter and the project's PIs."""
    pis = {p.principal_investigator_id for p in row.project.permits}
    return user.is_active and user.id in {row.requester_id, row.job.submitted_by_id} | pis


def may_view_request(session: Session, row: Any, user: User) -> bool:
    return may_download(session, row, user) or has_role(session, user,
                                                        SpeRoleName.OUTPUT_CHECKER)

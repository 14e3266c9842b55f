"""The governance pages of the SPE runtime: projects, data permits and their lifecycle, SPE roles
and the audit log.

- ``/spe/projects`` (list; create for principal investigators, operators, admins) and
  ``/spe/projects/{slug}`` (permits, people, vault datasets by name, link to its jobs page);
- ``/spe/permits/new`` (application) and ``/spe/permits/{id}`` (EHDS Art. 68 contents, status,
  history, amendments, and the lifecycle forms the user may use);
- ``/spe/roles`` (operators and admins grant and revoke; everyone sees their own roles);
- ``/spe/audit`` (operators and the access committee: filters, paging, chain verification, zip
  export).

Every action calls kimed.spe; a refusal (:class:`~kimed.spe.errors.SpeError`) is rolled back and
shown next to its form with the library's field, rule and source. See docs/spe-runtime.md.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.accounts.permissions import PermissionDenied
from kimed.spe import amendments, audit, permits, projects, roles
from kimed.spe.errors import Forbidden, NotFound, SpeError
from kimed.spe.governance_models import Permit
from kimed.spe.permit_contents import PURPOSE_LETTER, DataForm, PurposeCategory
from kimed.web.deps import CsrfFormDep, CurrentUser, RenderDep, SessionDep
from kimed.web.spe_gov_view import (
    AUDIT_PAGE_SIZE,
    AUDIT_VIEWERS,
    PROJECT_CREATORS,
    AuditFilter,
    audit_page,
    audit_zip,
    can_view_permit,
    is_admin,
    lines,
    parse_datasets,
    parse_date,
    permit_actions,
    require,
    require_any_role,
    spe_roles,
    vault_dataset_names,
)

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


def _status(exc: SpeError) -> int:
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, NotFound):
        return 404
    return 422


def _error(exc: SpeError) -> dict:
    return {"field": exc.field, "rule": exc.rule, "source": exc.source}


def _done(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


# -- projects --------------------------------------------------------------------------------

def _projects_page(render: RenderDep, session: Session, user: User, *, error: dict | None = None,
                   values: dict | None = None, status_code: int = 200) -> Response:
    held = require_any_role(session, user, "see SPE projects")
    return render("spe_gov_projects.html", {
        "projects": projects.list_projects(session),
        "can_create": is_admin(user) or bool(held & set(PROJECT_CREATORS)),
        "can_apply": roles.SpeRoleName.PRINCIPAL_INVESTIGATOR in held,
        "error": error, "values": values or {"slug": "", "title": "", "description": ""},
    }, status_code=status_code, headers=NO_STORE)


@router.get("/spe/projects", name="spe_projects")
def projects_page(session: SessionDep, user: CurrentUser, render: RenderDep) -> Response:
    return _projects_page(render, session, user)


@router.post("/spe/projects")
def create_project(form: CsrfFormDep, session: SessionDep, user: CurrentUser,
                   render: RenderDep) -> Response:
    require_any_role(session, user, "create SPE projects")
    values = {k: str(form.get(k) or "") for k in ("slug", "title", "description")}
    try:
        project = projects.create_project(session, user, values["slug"].strip(), values["title"],
                                          values["description"])
    except SpeError as exc:
        session.rollback()
        return _projects_page(render, session, user, error=_error(exc), values=values,
                              status_code=_status(exc))
    session.commit()
    return _done(f"/spe/projects/{project.slug}")


@router.get("/spe/projects/{slug}", name="spe_project")
def project_page(slug: str, request: Request, session: SessionDep, user: CurrentUser,
                 render: RenderDep) -> Response:
    held = require_any_role(session, user, "see SPE projects")
    try:
        project = projects.get_project(session, slug)
    except NotFound as exc:
        raise HTTPException(404, detail=str(exc)) from None
    people: dict[str, list[int]] = {}
    for permit in project.permits:
        for name in permit.person_names:
            people.setdefault(name, []).append(permit.id)
    return render("spe_gov_project.html", {
        "project": project, "permits": project.permits, "people": sorted(people.items()),
        "held": vault_dataset_names(request.app.state.settings, project.slug),
        "can_apply": roles.SpeRoleName.PRINCIPAL_INVESTIGATOR in held,
    }, headers=NO_STORE)


# -- permits ---------------------------------------------------------------------------------

APPLY_FIELDS = ("project", "holder", "purpose_category", "purpose_description", "data_form",
                "access_start", "access_end", "retention_end", "datasets", "persons", "spe",
                "tools", "conditions")


def _purposes() -> list[tuple[str, str]]:
    return [(p.value, PURPOSE_LETTER[p]) for p in PurposeCategory]


def _apply_page(render: RenderDep, session: Session, values: dict, error: dict | None = None,
                status_code: int = 200) -> Response:
    return render("spe_gov_permit_new.html", {
        "values": values, "error": error, "projects": projects.list_projects(session),
        "purposes": _purposes(), "forms": [f.value for f in DataForm],
    }, status_code=status_code, headers=NO_STORE)


@router.get("/spe/permits/new", name="spe_permit_new")
def apply_form(session: SessionDep, user: CurrentUser, render: RenderDep,
               project: str = "") -> Response:
    require(session, user, (roles.SpeRoleName.PRINCIPAL_INVESTIGATOR,),
            "apply for a data permit", admin_too=False)
    values = dict.fromkeys(APPLY_FIELDS, "")
    values.update(project=project, spe="KIMed SPE", data_form=DataForm.ANONYMISED.value)
    return _apply_page(render, session, values)


@router.post("/spe/permits/new")
def apply(form: CsrfFormDep, session: SessionDep, user: CurrentUser,
          render: RenderDep) -> Response:
    require(session, user, (roles.SpeRoleName.PRINCIPAL_INVESTIGATOR,),
            "apply for a data permit", admin_too=False)
    values = {k: str(form.get(k) or "") for k in APPLY_FIELDS}
    try:
        permit = permits.apply(
            session, user, values["project"], holder=values["holder"],
            purpose_category=values["purpose_category"],
            purpose_description=values["purpose_description"], data_form=values["data_form"],
            access_start=parse_date("access_start", values["access_start"]),
            access_end=parse_date("access_end", values["access_end"]),
            retention_end=parse_date("retention_end", values["retention_end"]),
            datasets=parse_datasets(values["datasets"]), persons=lines(values["persons"]),
            spe=values["spe"], tools=[t.strip() for t in values["tools"].splitlines()
                                      if t.strip()],
            conditions=values["conditions"])
    except SpeError as exc:
        session.rollback()
        return _apply_page(render, session, values, _error(exc), _status(exc))
    session.commit()
    return _done(f"/spe/permits/{permit.id}")


def _viewable(session: Session, user: User, permit_id: int) -> Permit:
    try:
        permit = permits.get_permit(session, permit_id)
    except NotFound as exc:
        raise HTTPException(404, detail=str(exc)) from None
    if not can_view_permit(session, user, permit):
        raise PermissionDenied(user, f"see permit {permit.id}", "only the permit's parties, the "
                               "access committee, SPE operators and portal admins see a permit")
    return permit


def _permit_page(render: RenderDep, session: Session, user: User, permit_id: int, *,
                 errors: dict | None = None, values: dict | None = None,
                 status_code: int = 200) -> Response:
    permit = _viewable(session, user, permit_id)
    return render("spe_gov_permit.html", {
        "permit": permit, "actions": permit_actions(session, user, permit),
        "errors": errors or {}, "values": values or {}, "letter": PURPOSE_LETTER,
    }, status_code=status_code, headers=NO_STORE)


@router.get("/spe/permits/{permit_id}", name="spe_permit")
def permit_page(permit_id: int, session: SessionDep, user: CurrentUser,
                render: RenderDep) -> Response:
    return _permit_page(render, session, user, permit_id)


def _act(render: RenderDep, session: Session, user: User, permit_id: int, form_name: str,
         values: dict, action) -> Response:
    """Run ``action``; on success commit and show the permit, on refusal roll back and show the
    library's message next to the form ``form_name``."""
    _viewable(session, user, permit_id)
    try:
        action()
    except SpeError as exc:
        session.rollback()
        return _permit_page(render, session, user, permit_id, errors={form_name: _error(exc)},
                            values={form_name: values}, status_code=_status(exc))
    session.commit()
    return _done(f"/spe/permits/{permit_id}")


@router.post("/spe/permits/{permit_id}/decision")
def decide(permit_id: int, form: CsrfFormDep, session: SessionDep, user: CurrentUser,
           render: RenderDep) -> Response:
    values = {"decision": str(form.get("decision") or ""), "note": str(form.get("note") or "")}

    def action():
        if values["decision"] not in ("approve", "reject"):
            raise SpeError("decision", "choose approve or reject")
        permits.decide(session, user, permit_id, values["decision"] == "approve", values["note"])

    return _act(render, session, user, permit_id, "decide", values, action)


@router.post("/spe/permits/{permit_id}/amendments")
def request_amendment(permit_id: int, form: CsrfFormDep, session: SessionDep,
                      user: CurrentUser, render: RenderDep) -> Response:
    values = {k: str(form.get(k) or "") for k in ("reason", "add_persons", "add_datasets")}
    return _act(render, session, user, permit_id, "amend", values, lambda: (
        amendments.request_amendment(session, user, permit_id, reason=values["reason"],
                                     add_persons=lines(values["add_persons"]),
                                     add_datasets=parse_datasets(values["add_datasets"]))))


@router.post("/spe/permits/{permit_id}/amendments/{amendment_id}/decision")
def decide_amendment(permit_id: int, amendment_id: int, form: CsrfFormDep, session: SessionDep,
                     user: CurrentUser, render: RenderDep) -> Response:
    values = {"decision": str(form.get("decision") or ""), "note": str(form.get("note") or "")}

    def action():
        amendment = amendments.get_amendment(session, amendment_id)
        if amendment.permit_id != permit_id:
            raise NotFound("amendment", f"amendment {amendment_id} belongs to another permit")
        if values["decision"] not in ("approve", "reject"):
            raise SpeError("decision", "choose approve or reject")
        amendments.decide_amendment(session, user, amendment, values["decision"] == "approve",
                                    values["note"])

    return _act(render, session, user, permit_id, f"amendment-{amendment_id}", values, action)


@router.post("/spe/permits/{permit_id}/revoke")
def revoke(permit_id: int, form: CsrfFormDep, session: SessionDep, user: CurrentUser,
           render: RenderDep) -> Response:
    values = {"reason": str(form.get("reason") or "")}
    return _act(render, session, user, permit_id, "revoke", values,
                lambda: permits.revoke(session, user, permit_id, values["reason"]))


# -- roles -----------------------------------------------------------------------------------

def _roles_page(render: RenderDep, session: Session, user: User, *, error: dict | None = None,
                values: dict | None = None, status_code: int = 200) -> Response:
    manager = is_admin(user) or roles.SpeRoleName.SPE_OPERATOR in spe_roles(session, user)
    return render("spe_gov_roles.html", {
        "manager": manager, "grants": roles.list_roles(session) if manager else [],
        "own": sorted(roles.roles_of(session, user)), "all_roles": list(roles.SpeRoleName),
        "help": roles.ROLE_HELP, "error": error,
        "values": values or {"username": "", "role": ""},
    }, status_code=status_code, headers=NO_STORE)


@router.get("/spe/roles", name="spe_roles")
def roles_page(session: SessionDep, user: CurrentUser, render: RenderDep) -> Response:
    return _roles_page(render, session, user)


@router.post("/spe/roles")
def change_role(form: CsrfFormDep, session: SessionDep, user: CurrentUser,
                render: RenderDep) -> Response:
    values = {k: str(form.get(k) or "").strip() for k in ("username", "role", "change")}
    try:
        if values["change"] == "revoke":
            roles.revoke(session, user, values["username"], values["role"])
        else:
            roles.grant(session, user, values["username"], values["role"])
    except SpeError as exc:
        session.rollback()
        return _roles_page(render, session, user, error=_error(exc), values=values,
                           status_code=_status(exc))
    session.commit()
    return _done("/spe/roles")


# -- audit -----------------------------------------------------------------------------------

def _audit_viewer(session: Session, user: User) -> None:
    require(session, user, AUDIT_VIEWERS, "see the SPE audit log", admin_too=False)


@router.get("/spe/audit", name="spe_audit")
def audit_view(request: Request, session: SessionDep, user: CurrentUser, render: RenderDep,
               actor: str = "", action: str = "", object: str = "", date_from: str = "",
               date_to: str = "", page: int = 1, verify: str = "") -> Response:
    _audit_viewer(session, user)
    chosen = AuditFilter(actor.strip(), action.strip(), object.strip(), date_from.strip(),
                         date_to.strip(), max(1, page))
    rows, total = audit_page(session, chosen)
    check = audit.verify(session) if verify else None
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    return render("spe_gov_audit.html", {
        "rows": rows, "total": total, "chosen": chosen, "pages": pages, "check": check,
        "params": chosen.params(),
    }, status_code=422 if chosen.errors else 200, headers=NO_STORE)


@router.get("/spe/audit/export", name="spe_audit_export")
def audit_export(session: SessionDep, user: CurrentUser) -> Response:
    _audit_viewer(session, user)
    audit.record(session, user, "audit.export", "audit", {"via": "web"})
    data, manifest = audit_zip(session)
    session.commit()
    name = f"kimed-spe-audit-{manifest['head_seq']}.zip"
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"', **NO_STORE})

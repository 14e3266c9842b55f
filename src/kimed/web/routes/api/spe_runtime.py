"""JSON API of the SPE runtime (``/api/spe/...``, tag "spe runtime"): projects, data permits and
their lifecycle, jobs (a registered pipeline, or a catalogue algorithm runnable in the SPE),
output requests with their reviews and the release package, and the audit chain's verification.
This module holds projects, permits and the audit; kimed.web.routes.api.spe_jobs the jobs and
output requests; kimed.web.routes.api.spe_schemas the request and answer models.

Every route needs an API token (``Authorization: Bearer kimed_...``, else 401) and is thin over
kimed.spe: the library decides, and its refusals are answered by
:mod:`kimed.web.spe_refusals` (403, 404, 409, 422 naming the field, the rule and its source).
Who may *look* at a project, permit, job or output request follows the web pages
(kimed.web.spe_gov_view, kimed.web.spe_work_view). See docs/spe-runtime.md, "API".
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.accounts.permissions import PermissionDenied
from kimed.spe import amendments, audit, permits, projects
from kimed.spe.errors import SpeError
from kimed.web.deps import CurrentUser, SessionDep
from kimed.web.routes.api.models import ErrorResponse
from kimed.web.routes.api.spe_schemas import (
    AmendmentIn,
    AmendmentOut,
    AuditVerification,
    Decision,
    PermitApplication,
    ProjectIn,
    ProjectOut,
    Revocation,
)
from kimed.web.spe_gov_view import AUDIT_VIEWERS, can_view_permit, require, require_any_role
from kimed.web.spe_refusals import refusal

RESPONSES = {
    401: {"model": ErrorResponse, "description": "No valid API token"},
    403: {"model": ErrorResponse, "description": "The account lacks the SPE role or standing"},
    404: {"model": ErrorResponse, "description": "No such object"},
    422: {"model": ErrorResponse, "description": "A refused value: field, rule and source"}}
router = APIRouter(prefix="/spe", tags=["spe runtime"], responses=RESPONSES)
CONFLICT = {409: {"model": ErrorResponse, "description": "The object's state does not allow it"}}


# --- helpers --------------------------------------------------------------------------------

def _project_out(project) -> ProjectOut:
    return ProjectOut(slug=project.slug, title=project.title, description=project.description,
                      created_by=project.created_by,
                      permits=[{"id": p.id, "status": p.status} for p in project.permits])


def _scopes(items: list) -> list:
    return [s if isinstance(s, str) else s.model_dump() for s in items]


def _permit(session: Session, user: User, permit_id: int):
    try:
        permit = permits.get_permit(session, permit_id)
    except SpeError as exc:
        raise refusal(exc, where="path") from None
    if not can_view_permit(session, user, permit):
        raise PermissionDenied(user, f"see permit {permit.id}", "only the permit's parties, the "
                               "access committee, SPE operators and portal admins see a permit")
    return permit


def _governance(session: Session, action, conflicts=("status", "amendment")):
    """Run a governance action; a refusal is rolled back and answered."""
    try:
        return action()
    except SpeError as exc:
        session.rollback()
        raise refusal(exc, conflicts) from None


# --- projects -------------------------------------------------------------------------------

@router.get("/projects", response_model=list[ProjectOut], summary="SPE projects")
def list_projects(session: SessionDep, user: CurrentUser) -> list[ProjectOut]:
    """Every project, for holders of any SPE role."""
    require_any_role(session, user, "see SPE projects")
    return [_project_out(p) for p in projects.list_projects(session)]


@router.post("/projects", status_code=201, response_model=ProjectOut,
             summary="Create an SPE project")
def create_project(body: ProjectIn, session: SessionDep, user: CurrentUser) -> ProjectOut:
    """For principal investigators, SPE operators and portal admins; audited."""
    project = _governance(session, lambda: projects.create_project(
        session, user, body.slug.strip(), body.title, body.description), conflicts=())
    session.commit()
    return _project_out(project)


@router.get("/projects/{slug}", response_model=ProjectOut, summary="One SPE project")
def get_project(slug: str, session: SessionDep, user: CurrentUser) -> ProjectOut:
    require_any_role(session, user, "see SPE projects")
    try:
        return _project_out(projects.get_project(session, slug))
    except SpeError as exc:
        raise refusal(exc, where="path") from None


# --- permits --------------------------------------------------------------------------------

@router.post("/permits", status_code=201, response_model=None, summary="Apply for a permit")
def apply_permit(body: PermitApplication, session: SessionDep, user: CurrentUser) -> dict:
    """A principal investigator's application (status ``application``); the permit as
    `GET /api/spe/permits/{id}` returns it."""
    permit = _governance(session, lambda: permits.apply(
        session, user, body.project, holder=body.holder,
        purpose_category=body.purpose_category, purpose_description=body.purpose_description,
        data_form=body.data_form, access_start=body.access_start, access_end=body.access_end,
        retention_end=body.retention_end, datasets=_scopes(body.datasets),
        persons=body.persons, spe=body.spe, tools=body.tools, conditions=body.conditions))
    session.commit()
    return permits.describe(permit)


@router.get("/permits/{permit_id}", response_model=None, summary="One permit")
def get_permit(permit_id: int, session: SessionDep, user: CurrentUser) -> dict:
    """The EHDS Art. 68 contents, status, amendments and history; for the permit's parties,
    the access committee, SPE operators and portal admins."""
    return permits.describe(_permit(session, user, permit_id))


@router.post("/permits/{permit_id}/decision", response_model=None, responses=CONFLICT,
             summary="Decide an application")
def decide_permit(permit_id: int, body: Decision, session: SessionDep,
                  user: CurrentUser) -> dict:
    """The access committee approves (``active``) or rejects (with a note); no member decides
    on a permit they are party to."""
    permit = _permit(session, user, permit_id)
    _governance(session, lambda: permits.decide(session, user, permit,
                                                body.decision == "approve", body.note))
    session.commit()
    return permits.describe(permits.get_permit(session, permit_id))


@router.post("/permits/{permit_id}/amendments", status_code=201, response_model=AmendmentOut,
             responses=CONFLICT, summary="Request an amendment")
def request_amendment(permit_id: int, body: AmendmentIn, session: SessionDep,
                      user: CurrentUser) -> AmendmentOut:
    """The principal investigator asks to add or remove persons or datasets, or to change the
    dates; the committee decides."""
    _permit(session, user, permit_id)
    amendment = _governance(session, lambda: amendments.request_amendment(
        session, user, permit_id, reason=body.reason, add_persons=body.add_persons,
        remove_persons=body.remove_persons, add_datasets=_scopes(body.add_datasets),
        remove_datasets=body.remove_datasets, access_end=body.access_end,
        retention_end=body.retention_end))
    session.commit()
    return AmendmentOut(id=amendment.id, permit=permit_id, status=amendment.status,
                        changes=amendment.changes)


@router.post("/permits/{permit_id}/amendments/{amendment_id}/decision", response_model=None,
             responses=CONFLICT, summary="Decide an amendment")
def decide_amendment(permit_id: int, amendment_id: int, body: Decision, session: SessionDep,
                     user: CurrentUser) -> dict:
    _permit(session, user, permit_id)

    def action():
        from kimed.spe.errors import NotFound

        amendment = amendments.get_amendment(session, amendment_id)
        if amendment.permit_id != permit_id:
            raise NotFound("amendment", f"amendment {amendment_id} belongs to another permit")
        return amendments.decide_amendment(session, user, amendment, body.decision == "approve",
                                           body.note)

    _governance(session, action)
    session.commit()
    return permits.describe(permits.get_permit(session, permit_id))


@router.post("/permits/{permit_id}/revoke", response_model=None, responses=CONFLICT,
             summary="Revoke a permit")
def revoke_permit(permit_id: int, body: Revocation, session: SessionDep,
                  user: CurrentUser) -> dict:
    """The access committee ends a permit at once, with a reason; deletion is scheduled."""
    _permit(session, user, permit_id)
    _governance(session, lambda: permits.revoke(session, user, permit_id, body.reason))
    session.commit()
    return permits.describe(permits.get_permit(session, permit_id))


# --- audit ----------------------------------------------------------------------------------

@router.get("/audit/verify", response_model=AuditVerification, summary="Verify the audit chain")
def verify_audit(session: SessionDep, user: CurrentUser) -> AuditVerification:
    """Re-computes the hash chain; for SPE operators and the access committee."""
    require(session, user, AUDIT_VIEWERS, "verify the SPE audit log", admin_too=False)
    check = audit.verify(session)
    return AuditVerification(ok=bool(check), message=check.describe())

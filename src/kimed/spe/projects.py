"""Research projects: the frame in which permits are granted and jobs run.

A project is created by an SPE operator, a principal investigator or a portal admin (or the local
command line), and is named by a short slug. Creation is audited. The project's permits are in
kimed.spe.permits.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.spe import audit
from kimed.spe.errors import NotFound, SpeError
from kimed.spe.governance_models import Project
from kimed.spe.roles import SpeRoleName, require_role, resolve_actor

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,62}[a-z0-9]")
TITLE_MAX = 300
CREATORS = (SpeRoleName.SPE_OPERATOR, SpeRoleName.PRINCIPAL_INVESTIGATOR)


def check_slug(slug: str) -> str:
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        raise SpeError("slug", f"{slug!r} must be 3 to 64 characters of a-z, 0-9 and '-', "
                       "starting and ending with a letter or digit")
    return slug


def get_project(session: Session, project: Project | str | int) -> Project:
    """The project with this slug (or id); :class:`NotFound` when there is none."""
    if isinstance(project, Project):
        return project
    column = Project.id if isinstance(project, int) else Project.slug
    found = session.scalar(sa.select(Project).where(column == project))
    if found is None:
        raise NotFound("project", f"no SPE project {project!r} (see `kimed spe projects list`)")
    return found


def create_project(session: Session, actor: User | str, slug: str, title: str,
                   description: str = "") -> Project:
    """A new project; audited as ``project.create``."""
    slug = check_slug(slug)
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise SpeError("title", f"a project title is 1 to {TITLE_MAX} characters")
    actor = resolve_actor(session, actor)
    if isinstance(actor, User) and actor.role != "admin":
        require_role(session, actor, CREATORS, "actor", "create SPE projects",
                     "our operating model: projects are opened by operators or investigators")
    if session.scalar(sa.select(Project.id).where(Project.slug == slug)) is not None:
        raise SpeError("slug", f"a project {slug!r} exists already; slugs are unique")
    project = Project(slug=slug, title=title, description=(description or "").strip(),
                      created_by=audit.actor_name(actor))
    session.add(project)
    session.flush()
    audit.record(session, actor, "project.create", f"project:{slug}", {"title": title})
    return project


def list_projects(session: Session) -> list[Project]:
    return list(session.scalars(sa.select(Project).order_by(Project.slug)))

"""`kimed spe roles|projects|permits|audit ...`: the SPE runtime's governance core.

Actions that need a role take ``--as USERNAME``: the account on whose behalf the command acts
(its roles are checked and it is named in the audit log). Role grants and project creation default
to the actor ``cli`` (whoever has shell access to the server, as for `kimed users`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli.common import console, fail, open_database

roles_app = typer.Typer(help="SPE roles of portal accounts.", no_args_is_help=True)
projects_app = typer.Typer(help="SPE research projects.", no_args_is_help=True)
permits_app = typer.Typer(help="Data permits: apply, decide, amend, revoke, inspect.",
                          no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained SPE audit log.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]
ActorOpt = Annotated[str, typer.Option("--as", help="the acting account (its roles are checked)")]
CliActorOpt = Annotated[str, typer.Option("--as", help="the acting account; default: cli "
                                          "(shell access to the server)")]


def spe_transaction(work):
    """Run ``work(session)`` in one transaction; a broken SPE rule exits with code 1."""
    from kimed.spe.errors import SpeError

    db = open_database()
    try:
        with db.session() as session:
            return work(session)
    except SpeError as exc:
        raise fail(str(exc)) from None
    finally:
        db.dispose()


def _moment(option: str, text: str | None) -> datetime | None:
    """YYYY-MM-DD (midnight UTC) or an ISO 8601 time; a wrong value exits with code 2."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(f"{option}: {text!r} is not a date (YYYY-MM-DD) or ISO 8601 time",
                   code=2) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _scope(text: str) -> dict:
    """``ID`` or ``ID:var1,var2`` -> {identifier, variables}."""
    identifier, _, variables = text.partition(":")
    return {"identifier": identifier,
            "variables": [v for v in variables.split(",") if v] if variables else None}


def _print_json(value) -> None:
    typer.echo(json.dumps(value, indent=1, ensure_ascii=False, default=str))


# --- roles --------------------------------------------------------------------------------------

@roles_app.command("grant")
def roles_grant(username: Annotated[str, typer.Argument(help="the account")],
                role: Annotated[str, typer.Argument(help="data_user, principal_investigator, "
                                                    "data_holder, spe_operator, output_checker "
                                                    "or access_committee")],
                actor: CliActorOpt = "cli") -> None:
    """Give an account an SPE role (needs an spe_operator or portal admin with --as)."""
    from kimed.spe import roles

    spe_transaction(lambda s: roles.grant(s, actor, username, role))
    console.print(f"{username} now holds {role}", highlight=False)


@roles_app.command("revoke")
def roles_revoke(username: Annotated[str, typer.Argument(help="the account")],
                 role: Annotated[str, typer.Argument(help="the SPE role to take away")],
                 actor: CliActorOpt = "cli") -> None:
    """Take an SPE role away from an account."""
    from kimed.spe import roles

    spe_transaction(lambda s: roles.revoke(s, actor, username, role))
    console.print(f"{username} no longer holds {role}", highlight=False)


@roles_app.command("list")
def roles_list(role: Annotated[str | None, typer.Option("--role", help="only this role")] = None,
               as_json: JsonOpt = False) -> None:
    """List the SPE role grants."""
    from kimed.spe import roles

    rows = spe_transaction(lambda s: [{"username": r.user.username, "role": r.role,
                            "granted_by": r.granted_by, "granted_at": r.granted_at.isoformat()}
                           for r in roles.list_roles(s, role)])
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} SPE role grant(s)")
    for column in ("username", "role", "granted by", "granted at"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["username"], r["role"], r["granted_by"], r["granted_at"][:16])
    console.print(table)


# --- projects -----------------------------------------------------------------------------------

@projects_app.command("create")
def projects_create(slug: Annotated[str, typer.Argument(help="short name: a-z, 0-9, '-'")],
                    title: Annotated[str, typer.Option("--title", help="project title")],
                    description: Annotated[str, typer.Option("--description")] = "",
                    actor: CliActorOpt = "cli") -> None:
    """Create a project (an spe_operator or principal_investigator with --as)."""
    from kimed.spe import projects

    spe_transaction(lambda s: projects.create_project(s, actor, slug, title, description))
    console.print(f"created project {slug}", highlight=False)


def _project_dict(project) -> dict:
    return {"slug": project.slug, "title": project.title, "description": project.description,
            "created_by": project.created_by, "created_at": project.created_at.isoformat(),
            "permits": [{"id": p.id, "status": p.status, "version": p.version,
                         "access_end": p.access_end.isoformat()} for p in project.permits]}


@projects_app.command("list")
def projects_list(as_json: JsonOpt = False) -> None:
    """List the projects with their permits."""
    from kimed.spe import projects

    rows = spe_transaction(lambda s: [_project_dict(p) for p in projects.list_projects(s)])
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} project(s)")
    for column in ("slug", "title", "permits", "created by"):
        table.add_column(column)
    for p in rows:
        permits = ", ".join(f"{x['id']} {x['status']}" for x in p["permits"]) or "-"
        table.add_row(p["slug"], p["title"], permits, p["created_by"])
    console.print(table)


@projects_app.command("show")
def projects_show(slug: Annotated[str, typer.Argument(help="the project")],
                  as_json: JsonOpt = False) -> None:
    """Show a project and its permits."""
    from kimed.spe import projects

    p = spe_transaction(lambda s: _project_dict(projects.get_project(s, slug)))
    if as_json:
        _print_json(p)
        return
    console.print(f"[bold]{p['slug']}[/]: {p['title']}\n{p['description']}\ncreated by "
                  f"{p['created_by']} at {p['created_at'][:16]}", highlight=False)
    for x in p["permits"]:
        console.print(f"permit {x['id']}: {x['status']}, version {x['version']}, access until "
                      f"{x['access_end'][:10]}", highlight=False)


# --- permits ------------------------------------------------------------------------------------

@permits_app.command("apply")
def permits_apply(
    project: Annotated[str, typer.Argument(help="the project's slug")],
    actor: ActorOpt,
    holder: Annotated[str, typer.Option("--holder", help="the permit holder (organisation)")],
    purpose: Annotated[str, typer.Option("--purpose", help="EHDS Art. 53(1) category: "
                                         "public_health, policy_making, statistics, education, "
                                         "scientific_research or care_improvement")],
    description: Annotated[str, typer.Option("--description", help="the purpose in words")],
    form: Annotated[str, typer.Option("--form", help="anonymised or pseudonymised")],
    start: Annotated[str, typer.Option("--start", help="access from (YYYY-MM-DD)")],
    end: Annotated[str, typer.Option("--end", help="access until (YYYY-MM-DD)")],
    retention_end: Annotated[str, typer.Option("--retention-end",
                                               help="delete the data by (YYYY-MM-DD)")],
    dataset: Annotated[list[str], typer.Option("--dataset", help="catalogue identifier, "
                                               "optionally ID:var1,var2 (repeatable)")],
    person: Annotated[list[str] | None, typer.Option("--person", help="named person "
                                                     "(repeatable)")] = None,
    pi: Annotated[str | None, typer.Option("--pi", help="principal investigator "
                                           "(default: --as)")] = None,
    spe: Annotated[str, typer.Option("--spe", help="the SPE")] = "KIMed SPE",
    tool: Annotated[list[str] | None, typer.Option("--tool", help="tool (repeatable)")] = None,
    conditions: Annotated[str, typer.Option("--conditions")] = "",
) -> None:
    """Apply for a data permit (a principal_investigator with --as)."""
    from kimed.spe import permits

    times = [_moment("--start", start), _moment("--end", end),
             _moment("--retention-end", retention_end)]
    permit_id = spe_transaction(lambda s: permits.apply(
        s, actor, project, holder=holder, purpose_category=purpose,
        purpose_description=description, data_form=form, access_start=times[0],
        access_end=times[1], retention_end=times[2], datasets=[_scope(d) for d in dataset],
        persons=person or (), spe=spe, tools=tool or (), conditions=conditions,
        principal_investigator=pi).id)
    console.print(f"permit {permit_id} applied for; it waits for the access committee",
                  highlight=False)


@permits_app.command("decide")
def permits_decide(
    permit_id: Annotated[int, typer.Argument(help="the permit")],
    actor: ActorOpt,
    approve: Annotated[bool | None, typer.Option("--approve/--reject",
                                                 help="the decision")] = None,
    note: Annotated[str, typer.Option("--note", help="reasons (required to reject)")] = "",
    amendment: Annotated[int | None, typer.Option("--amendment", help="decide this "
                                                  "amendment instead of the application")]
    = None,
) -> None:
    """The access committee decides an application or an amendment."""
    from kimed.spe import amendments, permits
    from kimed.spe.errors import SpeError

    if approve is None:
        raise fail("--approve or --reject: say which", code=2)

    def work(session):
        if amendment is None:
            return permits.decide(session, actor, permit_id, approve, note).status
        found = amendments.get_amendment(session, amendment)
        if found.permit_id != permit_id:
            raise SpeError("--amendment", f"amendment {amendment} belongs to permit "
                                   f"{found.permit_id}, not {permit_id}")
        amendments.decide_amendment(session, actor, found, approve, note)
        return f"{found.status} (amendment {amendment}); permit is {found.permit.status}"

    console.print(f"permit {permit_id}: {spe_transaction(work)}", highlight=False)


@permits_app.command("amend")
def permits_amend(
    permit_id: Annotated[int, typer.Argument(help="the permit")],
    actor: ActorOpt,
    reason: Annotated[str, typer.Option("--reason", help="why the change is needed")],
    add_person: Annotated[list[str] | None, typer.Option("--add-person")] = None,
    remove_person: Annotated[list[str] | None, typer.Option("--remove-person")] = None,
    add_dataset: Annotated[list[str] | None, typer.Option("--add-dataset",
                                                          help="ID or ID:var1,var2")] = None,
    remove_dataset: Annotated[list[str] | None, typer.Option("--remove-dataset")] = None,
    end: Annotated[str | None, typer.Option("--end", help="new access end")] = None,
    retention_end: Annotated[str | None, typer.Option("--retention-end")] = None,
) -> None:
    """Request an amendment (the permit's principal investigator with --as)."""
    from kimed.spe import amendments

    new_end, new_retention = _moment("--end", end), _moment("--retention-end", retention_end)
    amendment_id = spe_transaction(lambda s: amendments.request_amendment(
        s, actor, permit_id, reason=reason, add_persons=add_person or (),
        remove_persons=remove_person or (), add_datasets=[_scope(d) for d in add_dataset or ()],
        remove_datasets=remove_dataset or (), access_end=new_end,
        retention_end=new_retention).id)
    console.print(f"amendment {amendment_id} of permit {permit_id} requested; it takes effect "
                  f"once the access committee approves it", highlight=False)


@permits_app.command("revoke")
def permits_revoke(permit_id: Annotated[int, typer.Argument(help="the permit")],
                   actor: ActorOpt,
                   reason: Annotated[str, typer.Option("--reason", help="why")]) -> None:
    """Revoke a permit at once (an access_committee member with --as)."""
    from kimed.spe import permits

    due = spe_transaction(lambda s: permits.revoke(s, actor, permit_id, reason).deletion_due_at)
    console.print(f"permit {permit_id} revoked; access ended, data deletion due "
                  f"{due.isoformat()}", highlight=False)


@permits_app.command("show")
def permits_show(permit_id: Annotated[int, typer.Argument(help="the permit")],
                 as_json: JsonOpt = False) -> None:
    """Show a permit: contents, state, amendments and history."""
    from kimed.spe import permits

    def work(session):
        permits.expire_due(session)
        return permits.describe(permits.get_permit(session, permit_id))

    p = spe_transaction(work)
    if as_json:
        _print_json(p)
        return
    for key in ("id", "project", "status", "version", "holder", "principal_investigator",
                "data_form", "access_start", "access_end", "retention_end", "spe",
                "deletion_due_at", "deletion_done_at"):
        console.print(f"{key:>22}: {p[key] if p[key] is not None else '-'}", highlight=False)
    console.print(f"{'purpose':>22}: {p['purpose']['category']}: {p['purpose']['description']}"
                  f"\n{'persons':>22}: {', '.join(p['persons'])}\n{'datasets':>22}: " + ", ".join(
                      d["identifier"] + (f" ({', '.join(d['variables'])})" if d["variables"]
                                         else "") for d in p["datasets"]), highlight=False)
    for a in p["amendments"]:
        console.print(f"amendment {a['id']} ({a['status']}) by {a['requested_by']}: "
                      f"{json.dumps(a['changes'])}", highlight=False)
    for e in p["events"]:
        console.print(f"{e['at'][:16]} {e['actor']}: {e['event']} -> {e['to']} "
                      f"(v{e['version']})", highlight=False)


@permits_app.command("list")
def permits_list(project: Annotated[str | None, typer.Option("--project")] = None,
                 status: Annotated[str | None, typer.Option("--status")] = None,
                 as_json: JsonOpt = False) -> None:
    """List permits (overdue ones are marked expired first)."""
    from kimed.spe import permits

    def work(session):
        permits.expire_due(session)
        return [permits.describe(p) for p in permits.list_permits(session, project, status)]

    rows = spe_transaction(work)
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} permit(s)")
    for column in ("id", "project", "status", "v", "PI", "persons", "datasets", "access until"):
        table.add_column(column)
    for p in rows:
        table.add_row(str(p["id"]), p["project"], p["status"], str(p["version"]),
                      p["principal_investigator"], ", ".join(p["persons"]),
                      ", ".join(d["identifier"] for d in p["datasets"]), p["access_end"][:10])
    console.print(table)


@permits_app.command("check")
def permits_check(username: Annotated[str, typer.Argument(help="the person")],
                  project: Annotated[str, typer.Argument(help="the project")],
                  dataset: Annotated[str, typer.Argument(help="catalogue identifier")]) -> None:
    """Run the access check: may this person process this dataset now? Exit 1 when not."""
    from kimed.spe import permits

    access = spe_transaction(lambda s: permits.is_permitted(s, username, project, dataset))
    console.print(f"{'permitted' if access else 'refused'}: {access.reason}", highlight=False)
    if not access:
        raise typer.Exit(1)


# --- audit --------------------------------------------------------------------------------------

@audit_app.command("verify")
def audit_verify(
    reference: Annotated[Path | None, typer.Option("--reference", help="an earlier export "
                                                   "folder the log must still match")] = None,
    export: Annotated[Path | None, typer.Option("--export", help="verify this export folder "
                                                "instead of the database")] = None,
) -> None:
    """Check the hash chain; exit 1 and name the first bad seq when it is broken."""
    from kimed.spe import audit

    if export is not None:
        result = spe_transaction(lambda _s: audit.verify_export(export))
    else:
        result = spe_transaction(lambda s: audit.verify(s, reference=reference))
    if not result.ok:
        raise fail(result.describe())
    console.print(result.describe(), highlight=False)


@audit_app.command("export")
def audit_export(folder: Annotated[Path, typer.Argument(help="folder for audit.jsonl and "
                                                        "manifest.json")]) -> None:
    """Export the whole log for auditors (JSON lines plus a manifest with the head hash)."""
    from kimed.spe import audit

    manifest = spe_transaction(lambda s: audit.export(s, folder))
    console.print(f"exported {manifest['entries']} entries to {folder}; head seq "
                  f"{manifest['head_seq']} hash {manifest['head_hash']}", highlight=False)
    if not manifest["verified"]:
        raise fail(f"the exported log does not verify: {manifest['problem']}")


@audit_app.command("tail")
def audit_tail(count: Annotated[int, typer.Option("-n", "--count", min=1,
                                                  help="how many entries")] = 20,
               as_json: JsonOpt = False) -> None:
    """Print the newest entries, oldest first."""
    from kimed.spe import audit

    rows = spe_transaction(lambda s: [e.to_dict() for e in audit.tail(s, count)])
    if as_json:
        _print_json(rows)
        return
    for e in rows:
        console.print(f"{e['seq']:>6} {e['ts'][:19]} {e['actor']:<12} {e['action']:<24} "
                      f"{e['object']} {json.dumps(e['details'], ensure_ascii=False)}",
                      highlight=False, markup=False)

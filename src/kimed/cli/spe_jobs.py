"""`kimed spe halt PROJECT` and `kimed spe resume PROJECT`: stop a project's jobs at once.

They write the halt file (``<data dir>/spe/halts.json``) that every running executor watches;
see docs/spe-runtime.md, section "Sandbox and executors".
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kimed.cli.common import console
from kimed.cli.spe_runtime import spe_transaction
from kimed.spe.executors.halts import default_halts

ProjectArg = Annotated[str, typer.Argument(help="the project")]


def halt(project: ProjectArg,
         reason: Annotated[str, typer.Option(help="why, kept with the halt")] = "") -> None:
    """Halt PROJECT: its running jobs stop within 5 s, new ones are refused until resumed."""
    default_halts().halt(project, reason)
    console.print(f"project {project} halted: running jobs stop, new jobs are refused until "
                  f"`kimed spe resume {project}`", highlight=False)


def resume(project: ProjectArg) -> None:
    """Lift the halt of PROJECT (exit 1 when it was not halted)."""
    if not default_halts().resume(project):
        console.print(f"project {project} was not halted", highlight=False)
        raise typer.Exit(1)
    console.print(f"project {project} resumed: jobs may run again", highlight=False)


# -- `kimed spe jobs ...`, `kimed spe outputs ...`, `kimed spe purge` --------------------------
# The job and output lifecycle (kimed.spe.jobs, kimed.spe.outputs, kimed.spe.retention); see
# docs/spe-runtime.md, section "Jobs and outputs".

jobs_app = typer.Typer(help="SPE jobs: run a registered pipeline on permitted data.",
                       no_args_is_help=True)
outputs_app = typer.Typer(help="Output requests: automated checks, two reviews, release.",
                          no_args_is_help=True)
AsOpt = Annotated[str, typer.Option("--as", help="the acting account (its roles and permits "
                                    "are checked)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]


def _params(pairs: list[str]) -> dict:
    import json

    from kimed.cli.common import fail

    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise fail(f"--param: {pair!r} is not KEY=VALUE", code=2)
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


def _print_json(data) -> None:
    import json

    typer.echo(json.dumps(data, indent=1, ensure_ascii=False))


@jobs_app.command("submit")
def jobs_submit(
    project: ProjectArg,
    pipeline: Annotated[str, typer.Argument(help="a registered pipeline")],
    actor: AsOpt,
    dataset: Annotated[list[str], typer.Option("--dataset", "-d", help="a permitted dataset "
                                               "(catalogue identifier); repeat for more")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="KEY=VALUE (VALUE "
                                                    "read as JSON when it parses)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run PIPELINE on permitted datasets of PROJECT and wait for the job to end (it runs in this
    process; `kimed spe jobs cancel` from elsewhere stops it). Exit 1 unless it succeeded."""
    from kimed.spe import jobs

    params = _params(param or [])

    def work(session):
        job = jobs.submit(session, actor, project, pipeline, dataset, params)
        session.commit()
        console.print(f"job {job.id} started ({job.executor}, "
                      f"{'sandboxed' if job.sandboxed else 'UNSANDBOXED'})", highlight=False)
        return jobs.describe(jobs.wait(session, job.id))

    info = spe_transaction(work)
    if as_json:
        _print_json(info)
    else:
        console.print(f"job {info['id']}: {info['status']} {info['message']}".rstrip(),
                      highlight=False)
    if info["status"] != "succeeded":
        raise typer.Exit(1)


@jobs_app.command("list")
def jobs_list(project: Annotated[str | None, typer.Option(help="only this project")] = None,
              as_json: JsonOpt = False) -> None:
    """The jobs, oldest first."""
    from rich.table import Table

    from kimed.spe import jobs

    rows = spe_transaction(lambda s: [jobs.describe(j) for j in jobs.list_jobs(s, project)])
    if as_json:
        _print_json(rows)
        return
    table = Table(title="SPE jobs")
    for column in ("id", "project", "user", "pipeline", "status", "submitted"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["id"], r["project"], r["submitted_by"], r["pipeline"], r["status"],
                      r["submitted_at"])
    console.print(table)


@jobs_app.command("show")
def jobs_show(job: Annotated[str, typer.Argument(help="the job id")]) -> None:
    """A job's record as JSON: pipeline and code version, datasets, input digest, status."""
    from kimed.spe import jobs

    _print_json(spe_transaction(lambda s: jobs.describe(jobs.status(s, job))))


@jobs_app.command("cancel")
def jobs_cancel(job: Annotated[str, typer.Argument(help="the job id")], actor: AsOpt) -> None:
    """Ask a queued or running job to stop (its submitter or an spe_operator)."""
    from kimed.spe import jobs

    spe_transaction(lambda s: jobs.cancel(s, actor, job))
    console.print(f"job {job}: cancellation requested", highlight=False)


@jobs_app.command("logs")
def jobs_logs(job: Annotated[str, typer.Argument(help="the job id")]) -> None:
    """A job's log lines."""
    from kimed.spe import jobs

    for line in spe_transaction(lambda s: jobs.logs(s, job)):
        typer.echo(line)


@outputs_app.command("request")
def outputs_request(
    job: Annotated[str, typer.Argument(help="the job whose outputs are requested")],
    files: Annotated[list[str], typer.Argument(help="NAME or NAME:KIND (frequency, "
                                               "magnitude, regression, text, image, file)")],
    actor: AsOpt,
    purpose: Annotated[str, typer.Option(help="what the outputs are for")] = "",
) -> None:
    """Request release of a job's output files: the automated checks run now."""
    from kimed.spe import outputs

    def work(session):
        row = outputs.request_release(session, actor, job, files, purpose)
        return outputs.describe(row)

    info = spe_transaction(work)
    console.print(f"output request {info['id']}: {info['status']}", highlight=False)
    for check in info["checks"]:
        console.print(f"  {check['verdict']:6} {check['file']}: {check['check']}: "
                      f"{check['message']}", highlight=False, markup=False)


@outputs_app.command("list")
def outputs_list(status: Annotated[str | None, typer.Option(help="only requests in this "
                                                          "status")] = None,
                 as_json: JsonOpt = False) -> None:
    """Output requests, oldest first (status awaiting_checks, in_review, approved, rejected)."""
    from rich.table import Table

    from kimed.spe import outputs

    rows = spe_transaction(lambda s: [outputs.describe(r) for r in outputs.list_requests(s, status)])
    if as_json:
        _print_json(rows)
        return
    table = Table(title="Output requests")
    for column in ("id", "project", "requester", "files", "status", "released"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["id"], r["project"], r["requester"],
                      ", ".join(f["name"] for f in r["files"]), r["status"],
                      r["released_at"] or "")
    console.print(table)


@outputs_app.command("show")
def outputs_show(request: Annotated[str, typer.Argument(help="the request id")]) -> None:
    """An output request as JSON: files, check results, decisions."""
    from kimed.spe import outputs

    _print_json(spe_transaction(lambda s: outputs.describe(outputs.get_request(s, request))))


@outputs_app.command("review")
def outputs_review(
    request: Annotated[str, typer.Argument(help="the request id")],
    actor: AsOpt,
    approve: Annotated[bool, typer.Option("--approve/--reject", help="the decision")],
    justification: Annotated[str, typer.Option(help="why; required to reject and to approve "
                                               "despite a failed check")] = "",
) -> None:
    """One output checker's decision; two independent approvals release, one rejection rejects."""
    from kimed.spe import outputs

    row = spe_transaction(lambda s: outputs.describe(
        outputs.review(s, actor, request, approve, justification)))
    console.print(f"output request {request}: {row['status']}", highlight=False)


@outputs_app.command("release")
def outputs_release(
    request: Annotated[str, typer.Argument(help="the request id")],
    dest: Annotated[Path, typer.Argument(help="new directory (or zip file with --zip)")],
    actor: AsOpt,
    as_zip: Annotated[bool, typer.Option("--zip", help="write a zip file")] = False,
) -> None:
    """Write the release package of an approved request (files, release.json, SHA256SUMS)."""
    from kimed.spe import outputs

    path = spe_transaction(lambda s: outputs.release(s, request, dest, actor=actor, as_zip=as_zip))
    console.print(f"released {request} to {path}", highlight=False)


def purge(actor: Annotated[str, typer.Option("--as", help="who reports the deletion (default: "
                                             "system)")] = "system") -> None:
    """Delete outputs and vault data of permits whose deletion is due, and record it."""
    from kimed.spe.retention import purge_due

    reports = spe_transaction(lambda s: purge_due(s, actor=actor))
    for r in reports:
        console.print(f"permit {r['permit']} ({r['project']}): deleted "
                      f"{', '.join(r['datasets_deleted']) or 'no datasets'}; outputs "
                      f"{'deleted' if r['outputs_deleted'] else 'kept (another permit is active)'}",
                      highlight=False)
    if not reports:
        console.print("no deletion is due", highlight=False)

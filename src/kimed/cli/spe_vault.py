"""`kimed spe vault ...`: the SPE vault's upload, listing, key rotation and deletion.

The master key comes from KIMED_SPE_MASTER_KEY_FILE or KIMED_SPE_MASTER_KEY. Changes are recorded
in the SPE audit log. See docs/spe-runtime.md, section "Vault".
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli.common import console, fail, open_database

app = typer.Typer(help="The SPE vault: encrypted datasets per project.", no_args_is_help=True)

ActorOpt = Annotated[str | None, typer.Option("--actor", help="who does this, for the audit log "
                                              "(default: the operating-system user)")]


def _vault():
    from kimed.spe.vault import Vault, VaultError

    try:
        return Vault.from_settings()
    except VaultError as exc:
        raise fail(str(exc)) from None


def _audit(actor: str | None, action: str, obj: str, details: dict) -> None:
    from kimed.spe import audit

    db = open_database()
    try:
        with db.session() as session:
            audit.record(session, actor or getpass.getuser(), action, obj, details)
    finally:
        db.dispose()


@app.command("put")
def put_command(
    project: Annotated[str, typer.Argument(help="project slug")],
    dataset: Annotated[str, typer.Argument(help="the dataset's catalogue identifier")],
    paths: Annotated[list[Path], typer.Argument(help="files or directories to upload")],
    actor: ActorOpt = None,
) -> None:
    """Encrypt and store a dataset's files in a project's vault."""
    from kimed.spe.vault import VaultError

    vault = _vault()
    uploader = actor or getpass.getuser()
    try:
        manifest = vault.put(project, dataset, paths, uploader=uploader)
    except VaultError as exc:
        raise fail(str(exc)) from None
    _audit(uploader, "vault.put", f"project:{project}",
           {"dataset": dataset, "files": len(manifest.files), "bytes": manifest.total_size,
            "sha256": {f.name: f.sha256 for f in manifest.files}})
    console.print(f"stored {dataset} in {project}: {len(manifest.files)} file(s), "
                  f"{manifest.total_size} bytes", highlight=False)


@app.command("list")
def list_command(
    project: Annotated[str | None, typer.Argument(help="only this project")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The datasets held in the vault, with their manifests verified."""
    from kimed.spe.vault import VaultError

    try:
        manifests = _vault().datasets(project)
    except VaultError as exc:
        raise fail(str(exc)) from None
    if as_json:
        console.print_json(json.dumps([m.model_dump(mode="json") for m in manifests]))
        return
    table = Table(title=f"{len(manifests)} dataset(s) in the vault")
    for column in ("project", "dataset", "files", "bytes", "uploader", "stored"):
        table.add_column(column)
    for m in manifests:
        table.add_row(m.project, m.dataset, str(len(m.files)), str(m.total_size), m.uploader,
                      m.stored_at.isoformat(timespec="seconds"))
    console.print(table)


@app.command("rotate-master")
def rotate_master_command(
    new_key_file: Annotated[Path, typer.Option("--new-key-file", help="the new master key "
                                               "(mode 0600)")],
    actor: ActorOpt = None,
) -> None:
    """Re-wrap every project's data keys under a new master key (resumable)."""
    from kimed.spe.vault import VaultError, master_key_from_file, rotate_master

    vault = _vault()
    try:
        new = master_key_from_file(new_key_file)
        report = rotate_master(vault.data_dir, vault.master, new)
    except VaultError as exc:
        raise fail(str(exc)) from None
    _audit(actor, "vault.rotate-master", "vault",
           {"old_key_id": report.old_key_id, "new_key_id": report.new_key_id,
            "projects": report.projects})
    console.print(f"master key {report.old_key_id} -> {report.new_key_id}: {report.projects} "
                  f"project(s), {report.documents_rewritten} document(s) rewritten, "
                  f"{report.documents_already_done} already done. Now point "
                  "KIMED_SPE_MASTER_KEY_FILE at the new key.", highlight=False)


@app.command("rotate-project")
def rotate_project_command(
    project: Annotated[str, typer.Argument(help="project slug")],
    actor: ActorOpt = None,
) -> None:
    """Re-encrypt a project's files under a new data key (resumable)."""
    from kimed.spe.vault import VaultError

    try:
        report = _vault().rotate_project_key(project)
    except VaultError as exc:
        raise fail(str(exc)) from None
    _audit(actor, "vault.rotate-project", f"project:{project}",
           {"new_key_id": report.new_key_id, "retired_key_ids": report.retired_key_ids,
            "files": report.files_reencrypted + report.files_already_done})
    console.print(f"project {project}: data key {report.new_key_id}, "
                  f"{report.files_reencrypted} file(s) re-encrypted, "
                  f"{report.files_already_done} already done", highlight=False)


@app.command("delete")
def delete_command(
    project: Annotated[str, typer.Argument(help="project slug")],
    dataset: Annotated[str, typer.Argument(help="the dataset's catalogue identifier")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask")] = False,
    actor: ActorOpt = None,
) -> None:
    """Delete a dataset; with the project's last one, destroy its data keys."""
    from kimed.spe.vault import VaultError

    if not yes:
        typer.confirm(f"delete {dataset} from project {project}?", abort=True)
    try:
        report = _vault().delete(project, dataset)
    except VaultError as exc:
        raise fail(str(exc)) from None
    _audit(actor, "vault.delete", f"project:{project}",
           {"dataset": dataset, "files": report.files_removed,
            "key_shredded": report.key_shredded})
    console.print(f"deleted {dataset} from {project} ({report.files_removed} file(s))"
                  + ("; the project's data keys are destroyed" if report.key_shredded else ""),
                  highlight=False)

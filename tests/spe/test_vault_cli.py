"""`kimed spe vault ...` end to end: upload, list, rotations and deletion, each audited."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kimed.cli.main import app
from kimed.db import Database
from kimed.settings import get_settings
from kimed.spe import audit
from kimed.spe.vault import Vault, held_datasets, master_key_from_file

DS = "https://w3id.org/kimed/dataset/cli-test"


def _key_file(path: Path) -> Path:
    path.write_bytes(base64.b64encode(os.urandom(32)) + b"\n")
    path.chmod(0o600)
    return path


@pytest.fixture
def run(kimed_env, tmp_path, monkeypatch):
    monkeypatch.delenv("KIMED_SPE_MASTER_KEY", raising=False)
    monkeypatch.setenv("KIMED_SPE_MASTER_KEY_FILE", str(_key_file(tmp_path / "master.key")))
    get_settings.cache_clear()
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), catch_exceptions=False)


def _actions(database_url: str) -> list[tuple[str, str, dict]]:
    db = Database(database_url)
    try:
        with db.session() as session:
            return [(e.action, e.actor, e.details) for e in audit.entries(session)
                    if e.action.startswith("vault.")]
    finally:
        db.dispose()


def test_vault_commands(run, kimed_env, tmp_path, monkeypatch):
    data = tmp_path / "upload"
    data.mkdir()
    (data / "table.csv").write_text("id,age\n1,40\n")
    result = run("spe", "vault", "put", "proj-a", DS, str(data), "--actor", "holder")
    assert result.exit_code == 0, result.output
    assert "1 file(s)" in result.output
    assert held_datasets(get_settings().data_dir) == {DS}

    listed = run("spe", "vault", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [m["dataset"] for m in json.loads(listed.output)] == [DS]

    assert run("spe", "vault", "rotate-project", "proj-a").exit_code == 0
    new_key = _key_file(tmp_path / "new.key")
    result = run("spe", "vault", "rotate-master", "--new-key-file", str(new_key))
    assert result.exit_code == 0, result.output
    assert "1 project(s)" in result.output
    # the vault now opens with the new key only
    vault = Vault(get_settings().data_dir, master_key_from_file(new_key))
    assert [m.dataset for m in vault.datasets()] == [DS]
    assert run("spe", "vault", "list").exit_code == 1  # still pointing at the old key

    monkeypatch.setenv("KIMED_SPE_MASTER_KEY_FILE", str(new_key))
    get_settings.cache_clear()
    result = run("spe", "vault", "delete", "proj-a", DS, "--yes")
    assert result.exit_code == 0, result.output
    assert "data keys are destroyed" in result.output
    assert held_datasets(get_settings().data_dir) == set()

    actions = _actions(kimed_env)
    assert [a for a, _, _ in actions] == ["vault.put", "vault.rotate-project",
                                          "vault.rotate-master", "vault.delete"]
    assert actions[0][1] == "holder" and actions[0][2]["files"] == 1


def test_refusals_exit_1(run, tmp_path):
    loose = _key_file(tmp_path / "loose.key")
    loose.chmod(0o644)
    result = run("spe", "vault", "rotate-master", "--new-key-file", str(loose))
    assert result.exit_code == 1 and "chmod 600" in result.output
    result = run("spe", "vault", "delete", "proj-a", DS, "--yes")
    assert result.exit_code == 1 and "holds no dataset" in result.output

# ruff: noqa: F811  (fixtures imported from tests.spe.jobflow/jobkit are redefined as arguments)
"""Fixtures of the jobs and outputs tests: the governance fixtures (people, an approved permit on
project 'deid' naming pia and alice for ds-notes and ds-labs), output checkers, a vault with a
master key in a 0600 file, both datasets uploaded, and a sandboxed local executor."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from kimed.pipelines.base import registry
from kimed.settings import get_settings
from kimed.spe.executors import HaltStore, LocalExecutor
from tests.spe.governance import T0
from tests.spe.job_output_pipelines import TableWriter
from tests.spe.job_pipelines import Sleep
from tests.spe.jobkit import bwrap  # noqa: F401 (a fixture)

NOW = T0 + timedelta(days=10)  # the clock of the permit checks: inside the access period
CHECKERS = ("bob", "olga", "alice")  # alice also checks outputs, but never her own


def write_key(path: Path) -> Path:
    path.write_bytes(base64.b64encode(os.urandom(32)) + b"\n")
    path.chmod(0o600)
    return path


@pytest.fixture
def master_key(tmp_path, monkeypatch) -> Path:
    key = write_key(tmp_path / "master.key")
    monkeypatch.delenv("KIMED_SPE_MASTER_KEY", raising=False)
    monkeypatch.setenv("KIMED_SPE_MASTER_KEY_FILE", str(key))
    get_settings.cache_clear()
    return key


@pytest.fixture
def uploaded(master_key, tmp_path) -> dict[str, Path]:
    """ds-notes and ds-labs of project deid, in the vault."""
    from kimed.spe.vault import Vault

    src = tmp_path / "upload"
    (src / "notes").mkdir(parents=True)
    (src / "labs").mkdir()
    (src / "notes" / "notes.csv").write_text("id,text\n1,fever\n2,cough\n3,rash\n")
    (src / "labs" / "labs.csv").write_text("id,hba1c,ldl\n1,5.9,120\n2,6.4,140\n")
    vault = Vault.from_settings()
    vault.put("deid", "ds-notes", [src / "notes" / "notes.csv"], uploader="olga")
    vault.put("deid", "ds-labs", [src / "labs" / "labs.csv"], uploader="olga")
    return {"ds-notes": src / "notes", "ds-labs": src / "labs"}


@pytest.fixture
def checkers(spe_db, people) -> tuple[str, ...]:
    from kimed.spe import roles

    with spe_db.session() as session:
        for name in CHECKERS:
            roles.grant(session, "cli", name, "output_checker")
    return CHECKERS


@pytest.fixture
def job_pipelines() -> Iterator[None]:
    names = [registry.register(cls) for cls in (Sleep, TableWriter)]
    yield
    for name in names:
        registry.unregister(name)


@pytest.fixture
def executor(bwrap, job_pipelines) -> Iterator[LocalExecutor]:
    with LocalExecutor(workers=2, settings=get_settings(), halts=HaltStore()) as ex:
        yield ex


@pytest.fixture
def world(spe_db, active_permit, checkers, uploaded, executor):
    """Everything a job needs: the database, the permit id and the executor."""
    return {"db": spe_db, "permit": active_permit, "executor": executor}


def work_dirs() -> list[Path]:
    """The decrypted-input directories that exist now."""
    root = get_settings().data_dir / "spe" / "work"
    return sorted(root.iterdir()) if root.is_dir() else []

"""Key rotation: master keys re-wrap data keys; data keys re-encrypt files, resumably."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kimed.spe.vault import (
    MasterKey,
    MasterKeyError,
    Vault,
    VaultIntegrityError,
    VaultKeyError,
    rotate_master,
)
from kimed.spe.vault.layout import dataset_dir, vault_root
from kimed.spe.vault.metadata import read_manifest, write_manifest
from kimed.spe.vault.store import file_context
from kimed.spe.vault.stream import decrypt_chunks, file_key_id

CHUNK = 64
DS1 = "https://w3id.org/kimed/dataset/one"
DS2 = "https://w3id.org/kimed/dataset/two"
FILES = {"a.bin": os.urandom(CHUNK * 4 + 5), "b/c.txt": b"second file", "d.txt": b""}


def allow(user, project, dataset, *, at):
    return True


@pytest.fixture
def vault(tmp_path) -> Vault:
    v = Vault(tmp_path / "data", MasterKey(os.urandom(32)), chunk_size=CHUNK,
              clock=lambda: datetime(2025, 1, 1, tzinfo=UTC))
    for project in ("alpha", "beta"):
        for ds in (DS1, DS2):
            v.put(project, ds, [(n, io.BytesIO(b)) for n, b in FILES.items()], uploader="h")
    return v


def _read(vault: Vault, project: str, ds: str, dest: Path) -> dict[str, bytes]:
    vault.open_for_job(project, ds, dest, user="u", permission=allow)
    return {p.relative_to(dest).as_posix(): p.read_bytes() for p in dest.rglob("*") if p.is_file()}


def _blobs(vault: Vault, project: str) -> dict[Path, bytes]:
    root = vault_root(vault.data_dir) / project
    return {p: p.read_bytes() for p in sorted(root.rglob("*.kv"))}


def test_master_rotation_keeps_data_readable_without_reencrypting(vault, tmp_path):
    before = {p: _blobs(vault, p) for p in ("alpha", "beta")}
    new = MasterKey(os.urandom(32))
    report = rotate_master(vault.data_dir, vault.master, new)
    assert (report.projects, report.documents_rewritten, report.documents_already_done) == (2, 6, 0)
    assert {p: _blobs(vault, p) for p in ("alpha", "beta")} == before

    rotated = Vault(vault.data_dir, new, chunk_size=CHUNK)
    assert _read(rotated, "beta", DS2, tmp_path / "in") == FILES
    with pytest.raises(MasterKeyError, match="rotation"):
        vault.open_for_job("alpha", DS1, tmp_path / "in2", user="u", permission=allow)
    again = rotate_master(vault.data_dir, vault.master, new)
    assert (again.documents_rewritten, again.documents_already_done) == (0, 6)


def test_master_rotation_resumes_after_interruption(vault, tmp_path):
    new = MasterKey(os.urandom(32))
    # as if a first run had re-signed one manifest and then died
    path = dataset_dir(vault.data_dir, "alpha", DS1) / "manifest.json"
    write_manifest(path, new, read_manifest(path, vault.master, "alpha"))
    report = rotate_master(vault.data_dir, vault.master, new)
    assert (report.documents_rewritten, report.documents_already_done) == (5, 1)
    assert _read(Vault(vault.data_dir, new), "alpha", DS1, tmp_path / "in") == FILES


def test_master_rotation_with_the_wrong_old_key_changes_nothing(vault):
    before = {p: p.read_bytes() for p in vault_root(vault.data_dir).rglob("*.json")}
    with pytest.raises(MasterKeyError):
        rotate_master(vault.data_dir, MasterKey(os.urandom(32)), MasterKey(os.urandom(32)))
    assert {p: p.read_bytes() for p in vault_root(vault.data_dir).rglob("*.json")} == before


def test_project_key_rotation_reencrypts(vault, tmp_path):
    old_keyring = vault.keyring("alpha")
    old_id = old_keyring.active().id
    old_key = old_keyring.unwrap(vault.master, old_id)
    old_blobs = _blobs(vault, "alpha")
    beta_blobs = _blobs(vault, "beta")

    report = vault.rotate_project_key("alpha")
    assert (report.files_reencrypted, report.files_already_done) == (6, 0)
    assert report.retired_key_ids == [old_id] and report.new_key_id != old_id
    keyring = vault.keyring("alpha")
    assert [k.id for k in keyring.keys] == [report.new_key_id]
    new_key = keyring.unwrap(vault.master, report.new_key_id)

    for path, old in old_blobs.items():
        current = path.read_bytes()
        assert current != old
        assert file_key_id(io.BytesIO(current)) == report.new_key_id
    assert _blobs(vault, "beta") == beta_blobs  # other projects untouched
    assert _read(vault, "alpha", DS1, tmp_path / "in") == FILES

    # the old ciphertext: the vault no longer has its key, and the new key does not open it
    blob = dataset_dir(vault.data_dir, "alpha", DS1) / "blobs" / "000000.kv"  # a.bin
    old = old_blobs[blob]
    context = file_context("alpha", DS1, "a.bin")
    assert b"".join(decrypt_chunks(io.BytesIO(old), keys=lambda _: old_key,
                                   context=context)) == FILES["a.bin"]
    with pytest.raises(VaultIntegrityError):
        b"".join(decrypt_chunks(io.BytesIO(old), keys=lambda _: new_key, context=context))
    blob.write_bytes(old)
    with pytest.raises(VaultKeyError, match="rotated away"):
        vault.open_for_job("alpha", DS1, tmp_path / "in2", user="u", permission=allow)


def test_project_key_rotation_resumes_after_crash(vault, tmp_path):
    old_id = vault.keyring("alpha").active().id
    done: list[tuple[str, str]] = []

    def crash_after_two(dataset, name):
        done.append((dataset, name))
        if len(done) == 2:
            raise KeyboardInterrupt("simulated crash")

    with pytest.raises(KeyboardInterrupt):
        vault.rotate_project_key("alpha", progress=crash_after_two)
    keyring = vault.keyring("alpha")
    assert [k.state for k in keyring.keys] == ["retiring", "active"]
    assert keyring.retiring()[0].id == old_id
    ids = [file_key_id(io.BytesIO(b)) for b in _blobs(vault, "alpha").values()]
    assert ids.count(keyring.active().id) == 2 and ids.count(old_id) == 4
    assert not list((vault_root(vault.data_dir) / "alpha").rglob("*.rekey"))
    # half-way, everything is still readable: the old key is kept until the end
    assert _read(vault, "alpha", DS1, tmp_path / "mid") == FILES
    assert _read(vault, "alpha", DS2, tmp_path / "mid2") == FILES

    report = vault.rotate_project_key("alpha")
    assert (report.files_reencrypted, report.files_already_done) == (4, 2)
    assert report.new_key_id == keyring.active().id and report.retired_key_ids == [old_id]
    assert len(vault.keyring("alpha").keys) == 1
    assert _read(vault, "alpha", DS2, tmp_path / "in") == FILES


def test_rotation_refuses_a_file_under_a_foreign_key(vault):
    foreign = dataset_dir(vault.data_dir, "beta", DS1) / "blobs" / "000000.kv"
    target = dataset_dir(vault.data_dir, "alpha", DS1) / "blobs" / "000000.kv"
    target.write_bytes(foreign.read_bytes())
    with pytest.raises(VaultKeyError, match="neither"):
        vault.rotate_project_key("alpha")

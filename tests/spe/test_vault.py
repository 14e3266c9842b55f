"""The vault: upload, reads for jobs behind a permission check, integrity, deletion, no leaks."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kimed.spe.permits import Access
from kimed.spe.vault import (
    MasterKey,
    Vault,
    VaultInputError,
    VaultIntegrityError,
    VaultKeyError,
    VaultNotFound,
    VaultPermissionError,
    held_datasets,
)
from kimed.spe.vault.layout import dataset_dir, vault_root

CHUNK = 64
MARKER = b"PLAINTEXT-MARKER-7f3a"
DS = "https://w3id.org/kimed/dataset/mri-cohort"
WHEN = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def allow(user, project, dataset, *, at):
    return True


def deny(user, project, dataset, *, at):
    return False


@pytest.fixture
def master() -> MasterKey:
    return MasterKey(os.urandom(32))


@pytest.fixture
def vault(tmp_path, master) -> Vault:
    return Vault(tmp_path / "data", master, chunk_size=CHUNK, clock=lambda: WHEN)


@pytest.fixture
def upload(tmp_path) -> Path:
    """A small BIDS-like directory: one tiny file, one of many chunks, one empty, one nested."""
    root = tmp_path / "upload"
    (root / "sub-01" / "anat").mkdir(parents=True)
    (root / "participants.tsv").write_bytes(MARKER + b"\tage\n")
    (root / "sub-01" / "anat" / "T1w.nii").write_bytes(os.urandom(CHUNK * 7 + 3) + MARKER)
    (root / "empty.txt").write_bytes(b"")
    return root


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_round_trip_and_manifest(vault, upload, tmp_path):
    manifest = vault.put("proj-1", DS, [upload], uploader="holder@uni")
    expected = _tree(upload)
    assert {f.name: (f.size, f.sha256) for f in manifest.files} == {
        name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in expected.items()}
    assert (manifest.dataset, manifest.uploader, manifest.stored_at) == (DS, "holder@uni", WHEN)
    assert vault.manifest("proj-1", DS) == manifest

    dest = tmp_path / "job" / "input"
    vault.open_for_job("proj-1", DS, dest, user="alice", permission=allow)
    assert _tree(dest) == expected
    assert all((p.stat().st_mode & 0o222) == 0 for p in [dest, *dest.rglob("*")])


def test_upload_from_streams_and_single_files(vault, tmp_path):
    single = tmp_path / "one.csv"
    single.write_bytes(b"a,b\n1,2\n" * 40)
    vault.put("p", DS, [single, ("notes/readme.txt", io.BytesIO(b"hello"))], uploader="h")
    dest = tmp_path / "in"
    vault.open_for_job("p", DS, dest, user="u", permission=allow)
    assert _tree(dest) == {"one.csv": single.read_bytes(), "notes/readme.txt": b"hello"}


def test_no_plaintext_in_the_vault(vault, upload):
    vault.put("proj-1", DS, [upload], uploader="h")
    files = [p for p in vault_root(vault.data_dir).rglob("*") if p.is_file()]
    assert len(files) >= 5  # lock, keyring, manifest, 3 blobs
    for path in files:
        assert MARKER not in path.read_bytes(), path


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "a/../../b", "a//b", "./x", ""])
def test_unsafe_names_refused(vault, name):
    with pytest.raises(VaultInputError):
        vault.put("p", DS, [(name, io.BytesIO(b"x"))], uploader="h")
    assert not dataset_dir(vault.data_dir, "p", DS).exists()


@pytest.mark.parametrize("project", ["..", ".hidden", "a/b", "", "x" * 200])
def test_bad_project_ids_refused(vault, project):
    with pytest.raises(VaultInputError, match="project id"):
        vault.put(project, DS, [("a", io.BytesIO(b"x"))], uploader="h")


def test_duplicate_dataset_refused(vault, upload):
    vault.put("p", DS, [upload], uploader="h")
    with pytest.raises(VaultInputError, match="already holds"):
        vault.put("p", DS, [upload], uploader="h")


def test_failed_upload_leaves_nothing(vault):
    class Broken(io.RawIOBase):
        def read(self, size=-1):
            raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        vault.put("p", DS, [("ok.txt", io.BytesIO(MARKER)), ("bad", Broken())], uploader="h")
    datasets = vault_root(vault.data_dir) / "p" / "datasets"
    assert list(datasets.iterdir()) == []
    assert vault.datasets("p") == []


def test_permission_is_asked_with_the_request(vault, upload, tmp_path):
    vault.put("p", DS, [upload], uploader="h")
    calls = []

    def check(user, project, dataset, *, at):
        calls.append((user, project, dataset, at))
        return True

    at = datetime(2025, 6, 1, tzinfo=UTC)
    vault.open_for_job("p", DS, tmp_path / "in", user="bob", permission=check, at=at)
    assert calls == [("bob", "p", DS, at)]


@pytest.mark.parametrize("answer", [False, None, 1, "yes", Access(False, "permit 3 expired")])
def test_refused_permission_blocks_reads(vault, upload, tmp_path, answer):
    vault.put("p", DS, [upload], uploader="h")
    dest = tmp_path / "in"
    with pytest.raises(VaultPermissionError, match="may not read") as err:
        vault.open_for_job("p", DS, dest, user="mallory",
                           permission=lambda *a, **k: answer)
    assert not dest.exists()
    if isinstance(answer, Access):
        assert "permit 3 expired" in str(err.value)


def test_the_permits_answer_allows_reads(vault, upload, tmp_path):
    vault.put("p", DS, [upload], uploader="h")
    vault.open_for_job("p", DS, tmp_path / "in", user="alice",
                       permission=lambda *a, **k: Access(True, "permit 1", 1))
    assert _tree(tmp_path / "in") == _tree(upload)


def test_failing_permission_check_blocks_reads(vault, upload, tmp_path):
    vault.put("p", DS, [upload], uploader="h")

    def broken(*args, **kwargs):
        raise RuntimeError("permits database unavailable")

    with pytest.raises(RuntimeError):
        vault.open_for_job("p", DS, tmp_path / "in", user="u", permission=broken)
    assert not (tmp_path / "in").exists()


def test_tampered_blob_leaves_no_plaintext_behind(vault, upload, tmp_path):
    vault.put("p", DS, [upload], uploader="h")
    manifest = vault.manifest("p", DS)
    big = next(f for f in manifest.files if f.name.endswith("T1w.nii"))
    blob = dataset_dir(vault.data_dir, "p", DS) / "blobs" / big.blob
    data = bytearray(blob.read_bytes())
    data[-3] ^= 0xFF  # in the final chunk: earlier chunks decrypt before the failure
    blob.write_bytes(bytes(data))
    dest = tmp_path / "in"
    with pytest.raises(VaultIntegrityError, match="fails authentication"):
        vault.open_for_job("p", DS, dest, user="u", permission=allow)
    assert list(dest.iterdir()) == []


def test_blob_swapped_between_files_detected(vault, tmp_path):
    vault.put("p", DS, [("a", io.BytesIO(b"A" * 100)), ("b", io.BytesIO(b"B" * 100))],
              uploader="h")
    blobs = dataset_dir(vault.data_dir, "p", DS) / "blobs"
    a, b = blobs / "000000.kv", blobs / "000001.kv"
    a_bytes = a.read_bytes()
    a.write_bytes(b.read_bytes())
    b.write_bytes(a_bytes)
    with pytest.raises(VaultIntegrityError):
        vault.open_for_job("p", DS, tmp_path / "in", user="u", permission=allow)


def test_wrong_project_key_refused(vault, tmp_path):
    vault.put("alpha", DS, [("x.csv", io.BytesIO(MARKER))], uploader="h")
    vault.put("beta", DS, [("x.csv", io.BytesIO(b"other"))], uploader="h")
    src = dataset_dir(vault.data_dir, "alpha", DS) / "blobs" / "000000.kv"
    shutil.copy(src, dataset_dir(vault.data_dir, "beta", DS) / "blobs" / "000000.kv")
    with pytest.raises(VaultKeyError, match="not in the keyring of project 'beta'"):
        vault.open_for_job("beta", DS, tmp_path / "in", user="u", permission=allow)
    # nor does alpha's keyring, copied over, open beta's data
    root = vault_root(vault.data_dir)
    shutil.copy(root / "alpha" / "keyring.json", root / "beta" / "keyring.json")
    with pytest.raises(VaultIntegrityError, match="moved from elsewhere"):
        vault.open_for_job("beta", DS, tmp_path / "in2", user="u", permission=allow)


def test_wrong_master_key_refused(vault, upload, tmp_path):
    vault.put("p", DS, [upload], uploader="h")
    other = Vault(vault.data_dir, MasterKey(os.urandom(32)), chunk_size=CHUNK)
    with pytest.raises(Exception, match="master key") as err:
        other.open_for_job("p", DS, tmp_path / "in", user="u", permission=allow)
    assert vault.master.key_id in str(err.value)


def _manifest_path(vault, project="p", dataset=DS) -> Path:
    return dataset_dir(vault.data_dir, project, dataset) / "manifest.json"


@pytest.mark.parametrize("edit", ["size", "sha", "uploader", "name", "mac", "drop-file"])
def test_manifest_tampering_detected(vault, upload, tmp_path, edit):
    vault.put("p", DS, [upload], uploader="h")
    path = _manifest_path(vault)
    doc = json.loads(path.read_text())
    if edit == "size":
        doc["files"][0]["size"] += 1
    elif edit == "sha":
        doc["files"][0]["sha256"] = "0" * 64
    elif edit == "uploader":
        doc["uploader"] = "someone-else"
    elif edit == "name":
        doc["files"][0]["name"] = "renamed.txt"
    elif edit == "mac":
        doc["mac"] = "f" * 64
    else:
        doc["files"].pop()
    path.write_text(json.dumps(doc))
    with pytest.raises(VaultIntegrityError, match="MAC"):
        vault.open_for_job("p", DS, tmp_path / "in", user="u", permission=allow)
    with pytest.raises(VaultIntegrityError):
        vault.datasets("p")
    assert held_datasets(vault.data_dir, vault.master) == set()


def test_manifest_moved_between_datasets_detected(vault, tmp_path):
    other = "https://w3id.org/kimed/dataset/other"
    vault.put("p", DS, [("a", io.BytesIO(b"a"))], uploader="h")
    vault.put("p", other, [("a", io.BytesIO(b"b"))], uploader="h")
    shutil.copy(_manifest_path(vault, dataset=other), _manifest_path(vault))
    with pytest.raises(VaultIntegrityError, match="moved from elsewhere"):
        vault.open_for_job("p", DS, tmp_path / "in", user="u", permission=allow)


def test_delete_removes_files_and_shreds_the_last_key(vault, upload, tmp_path):
    other = "https://w3id.org/kimed/dataset/other"
    vault.put("p", DS, [upload], uploader="h")
    vault.put("p", other, [("b.txt", io.BytesIO(MARKER))], uploader="h")
    kept_blob = (dataset_dir(vault.data_dir, "p", other) / "blobs" / "000000.kv").read_bytes()
    assert held_datasets(vault.data_dir) == {DS, other}

    report = vault.delete("p", DS)
    assert (report.files_removed, report.key_shredded) == (3, False)
    assert not dataset_dir(vault.data_dir, "p", DS).exists()
    assert [m.dataset for m in vault.datasets("p")] == [other]
    vault.open_for_job("p", other, tmp_path / "in", user="u", permission=allow)
    with pytest.raises(VaultNotFound):
        vault.open_for_job("p", DS, tmp_path / "in2", user="u", permission=allow)

    report = vault.delete("p", other)
    assert (report.files_removed, report.key_shredded) == (1, True)
    project = vault_root(vault.data_dir) / "p"
    assert not project.exists()
    assert held_datasets(vault.data_dir) == set()
    assert vault.projects() == []
    # a copy of the ciphertext (a backup, say) is useless: the project's key is gone for good
    vault.put("p", other, [("b.txt", io.BytesIO(b"new"))], uploader="h")
    (dataset_dir(vault.data_dir, "p", other) / "blobs" / "000000.kv").write_bytes(kept_blob)
    with pytest.raises(VaultKeyError):
        vault.open_for_job("p", other, tmp_path / "in3", user="u", permission=allow)
    with pytest.raises(VaultNotFound):
        vault.delete("p", DS)


def test_tampered_dataset_can_still_be_deleted(vault, upload):
    vault.put("p", DS, [upload], uploader="h")
    _manifest_path(vault).write_text("garbage")
    assert vault.delete("p", DS).key_shredded


def test_held_datasets_across_projects(vault, tmp_path):
    assert held_datasets(tmp_path / "nothing-here") == set()
    vault.put("a", DS, [("x", io.BytesIO(b"1"))], uploader="h")
    vault.put("b", "urn:uuid:1234", [("x", io.BytesIO(b"2"))], uploader="h")
    assert held_datasets(vault.data_dir) == {DS, "urn:uuid:1234"}
    assert held_datasets(vault.data_dir, vault.master) == {DS, "urn:uuid:1234"}
    assert {m.dataset for m in vault.datasets()} == {DS, "urn:uuid:1234"}


def test_keys_never_logged_or_raised(vault, upload, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    errors = []
    vault.put("p", DS, [upload], uploader="h")
    vault.open_for_job("p", DS, tmp_path / "in", user="u", permission=allow)
    for attempt in (
        lambda: vault.open_for_job("p", DS, tmp_path / "in2", user="u", permission=deny),
        lambda: Vault(vault.data_dir, MasterKey(os.urandom(32))).manifest("p", DS),
        lambda: vault.put("p", DS, [upload], uploader="h"),
    ):
        with pytest.raises(Exception) as err:
            attempt()
        errors.append(f"{err.value!r} {err.value}")
    vault.rotate_project_key("p")
    keyring = vault.keyring("p")
    data_key = keyring.unwrap(vault.master, keyring.active().id)
    vault.delete("p", DS)

    secrets_ = [vault.master._secret, data_key]
    forms = [f(s) for s in secrets_ for f in (
        lambda s: s.hex(), lambda s: base64.b64encode(s).decode(), lambda s: repr(s))]
    text = caplog.text + "\n".join(errors) + repr(vault)
    assert "stored dataset" in caplog.text and "not permitted" in caplog.text
    for form in forms:
        assert form not in text

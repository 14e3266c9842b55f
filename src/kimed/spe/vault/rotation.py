"""Key rotation. Both kinds are resumable: run again after a crash and they finish the job.

*Master key rotation* re-wraps every project's data keys under the new master key and re-signs
every keyring and manifest; no data is re-encrypted. Each document is rewritten atomically and
names the master key that signed it, so a second run skips what the first finished.

*Project data key rotation* adds a new active key and marks the old one retiring (saved before any
file is touched). Each file still under a retiring key is decrypted and re-encrypted under the new
key into a temporary file next to it, synced, and renamed over the original. Files already under the
new key are skipped. Only when every file is done are the retiring keys removed from the keyring:
until then the old ciphertext stays readable. Both hold the vault lock alone while they run.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kimed.spe.vault import layout
from kimed.spe.vault.errors import VaultInputError, VaultIntegrityError, VaultKeyError
from kimed.spe.vault.keys import MasterKey, new_data_key
from kimed.spe.vault.metadata import (
    DataKeyEntry,
    Keyring,
    read_keyring,
    read_manifest,
    signed_master_id,
    write_keyring,
    write_manifest,
)
from kimed.spe.vault.store import Vault, file_context
from kimed.spe.vault.stream import decrypt_chunks, encrypt_stream, file_key_id

log = logging.getLogger("kimed.spe.vault")


@dataclass(frozen=True)
class MasterRotationReport:
    old_key_id: str
    new_key_id: str
    projects: int
    documents_rewritten: int
    documents_already_done: int


@dataclass(frozen=True)
class ProjectRotationReport:
    project: str
    new_key_id: str
    retired_key_ids: list[str]
    files_reencrypted: int
    files_already_done: int


def rotate_master(data_dir: Path, old: MasterKey, new: MasterKey) -> MasterRotationReport:
    """Re-wrap all data keys and re-sign all metadata under ``new``; no data is re-encrypted."""
    if old.key_id == new.key_id:
        raise VaultInputError("the new master key is the same as the old one")
    rewritten = done = 0
    with layout.locked(data_dir, exclusive=True):
        projects = Vault(data_dir, old).projects()
        for project in projects:
            pdir = layout.project_dir(data_dir, project)
            for ddir in sorted((pdir / "datasets").glob("ds-*")):
                path = ddir / "manifest.json"
                if signed_master_id(path) == new.key_id:
                    read_manifest(path, new, project)  # verify, then leave it
                    done += 1
                    continue
                write_manifest(path, new, read_manifest(path, old, project))
                rewritten += 1
            # the keyring last: while it is still under the old key, a rerun can read it
            path = pdir / "keyring.json"
            if signed_master_id(path) == new.key_id:
                read_keyring(path, new, project)
                done += 1
                continue
            keyring = read_keyring(path, old, project)
            keys = [entry.model_copy(update={"wrapped": new.wrap(
                old.unwrap(entry.wrapped, project, entry.id), project, entry.id)})
                for entry in keyring.keys]
            write_keyring(path, new, Keyring(project=project, keys=keys))
            rewritten += 1
    log.info("master key rotation %s -> %s: %d projects, %d documents rewritten, %d already done",
             old.key_id, new.key_id, len(projects), rewritten, done)
    return MasterRotationReport(old.key_id, new.key_id, len(projects), rewritten, done)


def rotate_project_key(vault: Vault, project: str, *,
                       progress: Callable[[str, str], None] | None = None
                       ) -> ProjectRotationReport:
    """Re-encrypt every file of ``project`` under a new data key (or finish an earlier rotation).

    ``progress(dataset, file name)`` is called after each file is safely replaced.
    """
    layout.check_project(project)
    reencrypted = skipped = 0
    with layout.locked(vault.data_dir, exclusive=True):
        path = vault.keyring_path(project)
        keyring = vault.keyring(project)
        if not keyring.retiring():
            old = keyring.active()
            key_id, key = new_data_key()
            entry = DataKeyEntry(id=key_id, wrapped=vault.master.wrap(key, project, key_id),
                                 created=vault._clock(), state="active")
            keyring = Keyring(project=project, keys=[
                *(k.model_copy(update={"state": "retiring"}) if k.id == old.id else k
                  for k in keyring.keys), entry])
            write_keyring(path, vault.master, keyring)
            log.info("project %s: new data key %s, retiring %s", project, key_id, old.id)
        else:
            log.info("project %s: resuming rotation to data key %s", project,
                     keyring.active().id)
        active = keyring.active().id
        retiring = {k.id for k in keyring.retiring()}
        keys = vault.key_lookup(keyring)
        for ddir in vault._dataset_dirs(project):
            manifest = vault._read_manifest_at(ddir, project)
            for entry in manifest.files:
                blob = ddir / "blobs" / entry.blob
                with open(blob, "rb") as handle:
                    current = file_key_id(handle, str(blob))
                if current == active:
                    skipped += 1
                elif current in retiring:
                    _reencrypt(blob, keys, key_id=active, chunk_size=vault.chunk_size,
                               context=file_context(project, manifest.dataset, entry.name),
                               size=entry.size, sha256=entry.sha256)
                    reencrypted += 1
                else:
                    raise VaultKeyError(f"{blob} is under data key {current}, which is neither "
                                        f"the new nor a retiring key of project {project!r}")
                if progress is not None:
                    progress(manifest.dataset, entry.name)
        retired = sorted(retiring)
        write_keyring(path, vault.master, Keyring(project=project, keys=[keyring.active()]))
    log.info("project %s: rotation to data key %s done (%d files re-encrypted, %d already done); "
             "retired keys %s destroyed", project, active, reencrypted, skipped, retired)
    return ProjectRotationReport(project, active, retired, reencrypted, skipped)


class _ChunkReader:
    """A read()-able view of an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            part = next(self._chunks, None)
            if part is None:
                break
            self._buffer += part
        if size < 0:
            out, self._buffer = self._buffer, b""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out


def _reencrypt(blob: Path, keys: Callable[[str], bytes], *, key_id: str, chunk_size: int,
               context: bytes, size: int, sha256: str) -> None:
    tmp = blob.with_name(blob.name + ".rekey")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(blob, "rb") as src, os.fdopen(fd, "wb") as dst:
            plain = _ChunkReader(decrypt_chunks(src, keys=keys, context=context, name=str(blob)))
            got_size, got_sha = encrypt_stream(plain, dst, data_key=keys(key_id), key_id=key_id,
                                               context=context, chunk_size=chunk_size)
            if (got_size, got_sha) != (size, sha256):
                raise VaultIntegrityError(f"{blob}: content does not match the manifest")
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, blob)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    layout.fsync_dir(blob.parent)

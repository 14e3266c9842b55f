"""The vault: encrypted datasets per project, uploaded by data holders and read only by jobs.

Every method takes the vault-wide lock (layout.locked): reads share it, changes hold it alone.
Nothing here knows about permits, jobs or the web; the permission check is a callable passed in.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from kimed.spe.vault import layout
from kimed.spe.vault.errors import (
    VaultInputError,
    VaultIntegrityError,
    VaultNotFound,
    VaultPermissionError,
)
from kimed.spe.vault.keys import MasterKey, load_master_key, new_data_key
from kimed.spe.vault.metadata import (
    DataKeyEntry,
    Keyring,
    Manifest,
    StoredFile,
    read_keyring,
    read_manifest,
    write_keyring,
    write_manifest,
)
from kimed.spe.vault.stream import DEFAULT_CHUNK_SIZE, decrypt_chunks, encrypt_stream

log = logging.getLogger("kimed.spe.vault")

PermissionCheck = Callable[..., Any]
"""Called as ``check(user, project, dataset_identifier, at=when)``. A read is allowed only when the
answer is ``True`` or has ``allowed is True`` (as :class:`kimed.spe.permits.Access` has); any other
answer, or an exception, refuses. Bind extra arguments with :func:`functools.partial`, e.g.
``partial(permits.is_permitted, session)``."""


def _allowed(answer: Any) -> bool:
    return answer is True or getattr(answer, "allowed", None) is True

Upload = Path | tuple[str, Path | BinaryIO]
"""A file or directory path (a directory contributes its files, named relative to it), or an
explicit ``(name, path or binary stream)`` pair."""


def file_context(project: str, dataset: str, name: str) -> bytes:
    """What a stored file's key is bound to: a blob copied elsewhere does not decrypt."""
    return b"\x00".join(part.encode() for part in (project, dataset, name))


@dataclass(frozen=True)
class DeletionReport:
    project: str
    dataset: str
    files_removed: int
    key_shredded: bool
    """True when this was the project's last dataset, so its data keys were destroyed."""


class Vault:
    """The vault of one data directory, opened with one master key."""

    def __init__(self, data_dir: Path, master: MasterKey, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.master = master
        self.chunk_size = chunk_size
        self._clock = clock or (lambda: datetime.now(UTC))

    @classmethod
    def from_settings(cls, settings: Any = None, **options: Any) -> Vault:
        if settings is None:
            from kimed.settings import get_settings

            settings = get_settings()
        return cls(settings.data_dir, load_master_key(settings), **options)

    def __repr__(self) -> str:
        return f"Vault({str(self.data_dir)!r}, master={self.master.key_id})"

    # -- paths and keys -------------------------------------------------------------------------
    def keyring_path(self, project: str) -> Path:
        return layout.project_dir(self.data_dir, project) / "keyring.json"

    def keyring(self, project: str) -> Keyring:
        return read_keyring(self.keyring_path(project), self.master, project)

    def key_lookup(self, keyring: Keyring) -> Callable[[str], bytes]:
        cache: dict[str, bytes] = {}

        def lookup(key_id: str) -> bytes:
            if key_id not in cache:
                cache[key_id] = keyring.unwrap(self.master, key_id)
            return cache[key_id]

        return lookup

    def _keyring_for_upload(self, project: str) -> Keyring:
        path = self.keyring_path(project)
        if path.exists():
            return self.keyring(project)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key_id, key = new_data_key()
        keyring = Keyring(project=project, keys=[DataKeyEntry(
            id=key_id, wrapped=self.master.wrap(key, project, key_id), created=self._clock(),
            state="active")])
        write_keyring(path, self.master, keyring)
        log.info("created data key %s for project %s", key_id, project)
        return keyring

    # -- listing --------------------------------------------------------------------------------
    def projects(self) -> list[str]:
        root = layout.vault_root(self.data_dir)
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and (p / "keyring.json").exists())

    def _dataset_dirs(self, project: str) -> list[Path]:
        base = layout.project_dir(self.data_dir, project) / "datasets"
        if not base.is_dir():
            return []
        return sorted(p for p in base.iterdir() if p.is_dir() and p.name.startswith("ds-"))

    def _read_manifest_at(self, directory: Path, project: str) -> Manifest:
        manifest = read_manifest(directory / "manifest.json", self.master, project)
        if layout.dataset_dirname(manifest.dataset) != directory.name:
            raise VaultIntegrityError(f"{directory / 'manifest.json'} names dataset "
                                      f"{manifest.dataset!r}, which does not belong there")
        return manifest

    def manifest(self, project: str, dataset: str) -> Manifest:
        with layout.locked(self.data_dir, exclusive=False):
            return self._manifest(project, dataset)

    def _manifest(self, project: str, dataset: str) -> Manifest:
        directory = layout.dataset_dir(self.data_dir, project, dataset)
        if not directory.is_dir():
            raise VaultNotFound(f"project {project!r} holds no dataset {dataset!r}")
        return read_manifest(directory / "manifest.json", self.master, project, dataset)

    def datasets(self, project: str | None = None) -> list[Manifest]:
        """The verified manifests of one project, or of every project."""
        with layout.locked(self.data_dir, exclusive=False):
            projects = [layout.check_project(project)] if project else self.projects()
            return [self._read_manifest_at(d, p) for p in projects for d in self._dataset_dirs(p)]

    # -- upload ---------------------------------------------------------------------------------
    def put(self, project: str, dataset: str, files: Iterable[Upload], *, uploader: str
            ) -> Manifest:
        """Encrypt and store a dataset's files; the dataset appears whole or not at all."""
        layout.check_project(project)
        layout.check_dataset(dataset)
        if not uploader or not str(uploader).strip():
            raise VaultInputError("an upload names its uploader")
        uploads = _collect(files)
        with layout.locked(self.data_dir, exclusive=True):
            final = layout.dataset_dir(self.data_dir, project, dataset)
            if final.exists():
                raise VaultInputError(f"project {project!r} already holds dataset {dataset!r}; "
                                      "delete it first to replace it")
            keyring = self._keyring_for_upload(project)
            active = keyring.active()
            data_key = keyring.unwrap(self.master, active.id)
            self._sweep(project)
            staging = final.parent / f".incoming-{secrets.token_hex(8)}"
            (staging / "blobs").mkdir(parents=True, mode=0o700)
            try:
                stored = []
                for index, (name, source) in enumerate(uploads):
                    blob = f"{index:06d}.kv"
                    with _opened(source) as src, _new_file(staging / "blobs" / blob) as dst:
                        size, digest = encrypt_stream(
                            src, dst, data_key=data_key, key_id=active.id,
                            context=file_context(project, dataset, name),
                            chunk_size=self.chunk_size)
                    stored.append(StoredFile(name=name, size=size, sha256=digest, blob=blob))
                layout.fsync_dir(staging / "blobs")
                manifest = Manifest(project=project, dataset=dataset, uploader=str(uploader),
                                    stored_at=self._clock(), files=stored)
                write_manifest(staging / "manifest.json", self.master, manifest)
                os.rename(staging, final)
                layout.fsync_dir(final.parent)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
        log.info("stored dataset %s in project %s: %d files, %d bytes, data key %s",
                 dataset, project, len(stored), manifest.total_size, active.id)
        return manifest

    def _sweep(self, project: str) -> None:
        """Remove what an interrupted upload or deletion left (ciphertext only)."""
        base = layout.project_dir(self.data_dir, project) / "datasets"
        if base.is_dir():
            for leftover in base.iterdir():
                if leftover.name.startswith((".incoming-", ".deleting-")):
                    shutil.rmtree(leftover, ignore_errors=True)

    # -- reading, for jobs ----------------------------------------------------------------------
    def open_for_job(self, project: str, dataset: str, dest: Path, *, user: Any,
                     permission: PermissionCheck, at: datetime | None = None) -> Manifest:
        """Decrypt a dataset into ``dest`` (new or empty) and make it read-only.

        ``permission(user, project, dataset, at=...)`` is asked first (see
        :data:`PermissionCheck`); a refusal or an exception leaves nothing behind. Every file is checked against the manifest's size and
        SHA-256; on any failure nothing decrypted is left behind.
        """
        layout.check_project(project)
        layout.check_dataset(dataset)
        when = at or self._clock()
        answer = permission(user, project, dataset, at=when)
        if not _allowed(answer):
            reason = getattr(answer, "reason", None) or "not permitted"
            log.warning("refused to open dataset %s of project %s for %s: %s",
                        dataset, project, user, reason)
            raise VaultPermissionError(f"{user} may not read dataset {dataset!r} in project "
                                       f"{project!r} at {when.isoformat()}: {reason}")
        dest = Path(dest)
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise VaultInputError(f"{dest} must be a new or empty directory")
        with layout.locked(self.data_dir, exclusive=False):
            manifest = self._manifest(project, dataset)
            keys = self.key_lookup(self.keyring(project))
            blobs = layout.dataset_dir(self.data_dir, project, dataset) / "blobs"
            dest.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                for entry in manifest.files:
                    _decrypt_to(blobs / entry.blob, dest, entry, keys,
                                file_context(project, dataset, entry.name))
            except BaseException:
                _empty_dir(dest)
                raise
        _make_read_only(dest)
        log.info("opened dataset %s of project %s for %s: %d files", dataset, project, user,
                 len(manifest.files))
        return manifest

    # -- deletion -------------------------------------------------------------------------------
    def delete(self, project: str, dataset: str) -> DeletionReport:
        """Remove a dataset; when it was the project's last, destroy the project's data keys.

        Deletion does not need a valid manifest: a tampered dataset can still be removed.
        """
        with layout.locked(self.data_dir, exclusive=True):
            directory = layout.dataset_dir(self.data_dir, project, dataset)
            if not directory.is_dir():
                raise VaultNotFound(f"project {project!r} holds no dataset {dataset!r}")
            doomed = directory.with_name(f".deleting-{secrets.token_hex(8)}")
            os.rename(directory, doomed)
            layout.fsync_dir(directory.parent)
            removed = sum(1 for p in (doomed / "blobs").glob("*") if p.is_file())
            shutil.rmtree(doomed)
            self._sweep(project)
            shredded = not self._dataset_dirs(project)
            if shredded:
                self._shred_project(project)
        log.info("deleted dataset %s of project %s (%d files)%s", dataset, project, removed,
                 "; project data keys destroyed" if shredded else "")
        return DeletionReport(project, dataset, removed, shredded)

    def _shred_project(self, project: str) -> None:
        pdir = layout.project_dir(self.data_dir, project)
        layout.shred_file(pdir / "keyring.json")
        shutil.rmtree(pdir, ignore_errors=True)
        layout.fsync_dir(pdir.parent)

    def rotate_project_key(self, project: str, **options: Any):
        from kimed.spe.vault.rotation import rotate_project_key

        return rotate_project_key(self, project, **options)


def _collect(files: Iterable[Upload]) -> list[tuple[str, Path | BinaryIO]]:
    out: list[tuple[str, Path | BinaryIO]] = []
    for item in files:
        if isinstance(item, tuple):
            out.append((item[0], item[1]))
            continue
        path = Path(item)
        if path.is_symlink():
            raise VaultInputError(f"{path} is a symbolic link; upload the file itself")
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_symlink():
                    raise VaultInputError(f"{found} is a symbolic link; upload the file itself")
                if found.is_file():
                    out.append((found.relative_to(path).as_posix(), found))
        elif path.is_file():
            out.append((path.name, path))
        else:
            raise VaultInputError(f"{path} is not a file or directory")
    if not out:
        raise VaultInputError("an upload holds at least one file")
    names = [layout.check_file_name(name) for name, _ in out]
    if len(set(names)) != len(names):
        raise VaultInputError("file names in one dataset must be unique")
    return out


@contextlib.contextmanager
def _opened(source: Path | BinaryIO) -> Iterator[BinaryIO]:
    if isinstance(source, Path | str):
        with open(source, "rb") as handle:
            yield handle
    else:
        yield source


@contextlib.contextmanager
def _new_file(path: Path) -> Iterator[BinaryIO]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def _decrypt_to(blob: Path, dest: Path, entry: StoredFile, keys: Callable[[str], bytes],
                context: bytes) -> None:
    target = dest / layout.check_file_name(entry.name)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest, size = hashlib.sha256(), 0
    with open(blob, "rb") as src, _new_file(target) as dst:
        for chunk in decrypt_chunks(src, keys=keys, context=context, name=f"{blob}"):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    if size != entry.size or digest.hexdigest() != entry.sha256:
        raise VaultIntegrityError(f"{entry.name}: decrypted content does not match the manifest")


def _empty_dir(dest: Path) -> None:
    for child in dest.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _make_read_only(dest: Path) -> None:
    for path in sorted(dest.rglob("*"), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)
    dest.chmod(0o555)

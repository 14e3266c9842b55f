"""Where the vault keeps things, names it accepts, atomic writes and the vault lock.

::

    <data dir>/vault/
      .lock                              flock: shared for reads, exclusive for changes
      <project>/
        keyring.json                     wrapped data keys, MACed
        datasets/<dataset dir>/
          manifest.json                  what the dataset holds, MACed
          blobs/000000.kv ...            encrypted files (see stream.py)

A dataset's directory name is ``ds-`` and the first 32 hex digits of the SHA-256 of its catalogue
identifier, so any identifier (a URI, say) maps to a safe, fixed-length name.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from kimed.spe.vault.errors import VaultInputError

_PROJECT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def vault_root(data_dir: Path) -> Path:
    return Path(data_dir) / "vault"


def check_project(project: str) -> str:
    if not isinstance(project, str) or not _PROJECT_RE.match(project) or ".." in project:
        raise VaultInputError(f"project id {project!r} is not allowed: use letters, digits, '.', "
                              "'_' and '-' (at most 128, starting with a letter or digit)")
    return project


def check_dataset(identifier: str) -> str:
    if not isinstance(identifier, str) or not identifier.strip() or len(identifier) > 2048:
        raise VaultInputError("a dataset is named by its catalogue identifier (1..2048 characters)")
    return identifier


def project_dir(data_dir: Path, project: str) -> Path:
    return vault_root(data_dir) / check_project(project)


def dataset_dirname(identifier: str) -> str:
    return "ds-" + hashlib.sha256(check_dataset(identifier).encode()).hexdigest()[:32]


def dataset_dir(data_dir: Path, project: str, identifier: str) -> Path:
    return project_dir(data_dir, project) / "datasets" / dataset_dirname(identifier)


def check_file_name(name: str) -> str:
    """A stored file's name: a relative POSIX path with no empty, '.' or '..' parts."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name or len(name) > 1024:
        raise VaultInputError(f"file name {name!r} is not allowed")
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        raise VaultInputError(f"file name {name!r} must be a relative path without '.' or '..'")
    return name


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write a small file so that readers see the old or the new content, never a mix."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def shred_file(path: Path) -> None:
    """Overwrite a small file with random bytes, sync, then unlink it.

    On copy-on-write or flash storage the old blocks may survive the overwrite; what makes data
    unrecoverable is that the key is gone from every live copy (crypto-shredding).
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with open(path, "r+b") as handle:
        handle.write(os.urandom(size))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
    fsync_dir(path.parent)


@contextlib.contextmanager
def locked(data_dir: Path, *, exclusive: bool) -> Iterator[None]:
    """The vault-wide lock: many readers or one writer, across processes."""
    root = vault_root(data_dir)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)

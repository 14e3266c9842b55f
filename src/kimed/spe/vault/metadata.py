"""The vault's own metadata, kept as JSON on disk and authenticated with HMAC-SHA256.

Two kinds of document: a project's *keyring* (its wrapped data keys) and a dataset's *manifest*.
Each carries ``format``, ``version``, the id of the master key whose derived MAC key signed it,
and ``mac``, the HMAC of the canonical JSON (sorted keys, no spaces) of everything else. A document
whose MAC does not verify is refused, so editing a size, a checksum, an uploader or a file name on
disk is detected. Readers also check that a document names the project (and dataset) of the place
it was read from, so documents cannot be moved between projects.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from kimed.spe.vault.errors import MasterKeyError, VaultIntegrityError, VaultKeyError, VaultNotFound
from kimed.spe.vault.keys import MasterKey
from kimed.spe.vault.layout import atomic_write

KEYRING_FORMAT = "kimed-vault-keyring"
MANIFEST_FORMAT = "kimed-vault-manifest"
FORMAT_VERSION = 1


class StoredFile(BaseModel):
    name: str
    """Relative path of the file as uploaded, and as it appears in a job's input directory."""
    size: int
    sha256: str
    """SHA-256 of the plaintext, hex."""
    blob: str
    """Name of the encrypted file under ``blobs/``."""


class Manifest(BaseModel):
    project: str
    dataset: str
    """The catalogue identifier of the dataset (the vault refers to catalogue records only by it)."""
    uploader: str
    stored_at: datetime
    files: list[StoredFile]

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)


class DataKeyEntry(BaseModel):
    id: str
    wrapped: str
    created: datetime
    state: Literal["active", "retiring"]


class Keyring(BaseModel):
    project: str
    keys: list[DataKeyEntry]

    def active(self) -> DataKeyEntry:
        actives = [k for k in self.keys if k.state == "active"]
        if len(actives) != 1:
            raise VaultIntegrityError(f"keyring of project {self.project!r} has {len(actives)} "
                                      "active keys; expected one")
        return actives[0]

    def retiring(self) -> list[DataKeyEntry]:
        return [k for k in self.keys if k.state == "retiring"]

    def unwrap(self, master: MasterKey, key_id: str) -> bytes:
        for entry in self.keys:
            if entry.id == key_id:
                return master.unwrap(entry.wrapped, self.project, entry.id)
        raise VaultKeyError(f"data key {key_id} is not in the keyring of project {self.project!r} "
                            "(a file of another project, a key rotated away, or a shredded key)")


def _canonical(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def signed_master_id(path: Path) -> str:
    """The master key id a document claims to be signed with (unverified)."""
    return str(_load_json(path).get("master_key_id", ""))


def _load_json(path: Path) -> dict:
    try:
        doc = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise VaultNotFound(f"{path} does not exist") from None
    except (ValueError, UnicodeDecodeError):
        raise VaultIntegrityError(f"{path} is not valid JSON (corrupt or altered)") from None
    if not isinstance(doc, dict):
        raise VaultIntegrityError(f"{path} is not a vault metadata document")
    return doc


def write_signed(path: Path, master: MasterKey, kind: str, model: BaseModel) -> None:
    body = {"format": kind, "version": FORMAT_VERSION, "master_key_id": master.key_id,
            **model.model_dump(mode="json")}
    body["mac"] = master.mac(_canonical(body))
    atomic_write(path, json.dumps(body, indent=1, sort_keys=True).encode() + b"\n")


def read_signed(path: Path, master: MasterKey, kind: type[BaseModel], fmt: str, **expect: str):
    doc = _load_json(path)
    tag = doc.pop("mac", None)
    if doc.get("format") != fmt or doc.get("version") != FORMAT_VERSION:
        raise VaultIntegrityError(f"{path} is not a {fmt} document of version {FORMAT_VERSION}")
    if doc.get("master_key_id") != master.key_id:
        raise MasterKeyError(
            f"{path} is signed by master key {doc.get('master_key_id')!r}, but the loaded master "
            f"key is {master.key_id}: a wrong key, or a master key rotation that has not finished "
            "(run it again)")
    if not isinstance(tag, str) or not master.verify_mac(_canonical(doc), tag):
        raise VaultIntegrityError(f"{path} fails its integrity check (MAC): it was altered")
    for name in ("format", "version", "master_key_id"):
        doc.pop(name)
    try:
        model = kind.model_validate(doc)
    except ValidationError as exc:
        raise VaultIntegrityError(f"{path} does not have the expected fields: {exc}") from None
    for name, value in expect.items():
        if getattr(model, name) != value:
            raise VaultIntegrityError(f"{path} belongs to {name} {getattr(model, name)!r}, not "
                                      f"{value!r}: moved from elsewhere")
    return model


def read_keyring(path: Path, master: MasterKey, project: str) -> Keyring:
    return read_signed(path, master, Keyring, KEYRING_FORMAT, project=project)


def write_keyring(path: Path, master: MasterKey, keyring: Keyring) -> None:
    write_signed(path, master, KEYRING_FORMAT, keyring)


def read_manifest(path: Path, master: MasterKey, project: str, dataset: str | None = None
                  ) -> Manifest:
    expect = {"project": project} if dataset is None else {"project": project, "dataset": dataset}
    return read_signed(path, master, Manifest, MANIFEST_FORMAT, **expect)


def write_manifest(path: Path, master: MasterKey, manifest: Manifest) -> None:
    write_signed(path, master, MANIFEST_FORMAT, manifest)

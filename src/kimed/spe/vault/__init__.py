"""The SPE vault: datasets encrypted at rest, one data key per project, wrapped by a master key.

Modules: ``stream`` (the chunked AES-256-GCM file format), ``keys`` (master key loading and the key
hierarchy), ``metadata`` (MACed keyrings and manifests), ``layout`` (paths, names, atomic writes,
locking), ``store`` (the :class:`Vault`: put, open_for_job, delete), ``rotation`` and ``catalogue``
(``held_datasets``). See docs/spe-runtime.md, section "Vault". Importing does no work.
"""

from kimed.spe.vault.catalogue import held_datasets
from kimed.spe.vault.errors import (
    MasterKeyError,
    VaultError,
    VaultInputError,
    VaultIntegrityError,
    VaultKeyError,
    VaultNotFound,
    VaultPermissionError,
)
from kimed.spe.vault.keys import (
    MasterKey,
    load_master_key,
    master_key_from_env,
    master_key_from_file,
    write_master_key_file,
)
from kimed.spe.vault.metadata import Manifest, StoredFile
from kimed.spe.vault.rotation import rotate_master, rotate_project_key
from kimed.spe.vault.store import DeletionReport, PermissionCheck, Vault

__all__ = [
    "DeletionReport", "Manifest", "MasterKey", "MasterKeyError", "PermissionCheck", "StoredFile",
    "Vault", "VaultError", "VaultInputError", "VaultIntegrityError", "VaultKeyError",
    "VaultNotFound", "VaultPermissionError", "held_datasets", "load_master_key",
    "master_key_from_env", "master_key_from_file", "rotate_master", "rotate_project_key",
    "write_master_key_file",
]

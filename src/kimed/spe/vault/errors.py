"""The vault's errors. Messages name files, key ids and rules; never key material."""

from __future__ import annotations


class VaultError(Exception):
    """Base class of every error the vault raises."""


class MasterKeyError(VaultError):
    """The master key is missing, unreadable, malformed, too exposed, or not the expected one."""


class VaultIntegrityError(VaultError):
    """Stored data or metadata fail authentication: tampered, truncated, reordered or corrupt."""


class VaultKeyError(VaultError):
    """A data key is missing from the project's keyring (wrong project, rotated away, shredded)."""


class VaultPermissionError(VaultError):
    """The permission check refused (or did not clearly allow) a read."""


class VaultNotFound(VaultError):
    """No such project or dataset in the vault."""


class VaultInputError(VaultError):
    """A request the vault refuses: bad project id, unsafe file name, duplicate dataset."""

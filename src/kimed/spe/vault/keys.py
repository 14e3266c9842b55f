"""Master key loading and the key hierarchy.

The master key (32 bytes) never encrypts data itself. Purpose-specific keys are derived from it with
HKDF-SHA256, one per ``info`` label:

* the *wrap key*, which wraps each project's data key with AES-256-GCM;
* the *MAC key*, which authenticates keyrings and manifests with HMAC-SHA256;
* the *key id*, 8 bytes shown in metadata and messages so that operators can tell master keys apart
  without ever seeing one.

Project data keys are 32 random bytes from ``os.urandom``, each with a random 16-byte id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kimed.spe.vault.errors import MasterKeyError, VaultIntegrityError

KEY_BYTES = 32
DATA_KEY_ID_BYTES = 16
_WRAP_INFO = b"kimed-vault/v1/wrap-key"
_MAC_INFO = b"kimed-vault/v1/metadata-mac-key"
_ID_INFO = b"kimed-vault/v1/master-key-id"
_WRAP_AAD = b"kimed-vault/v1/data-key\x00"


def _hkdf(secret: bytes, info: bytes, length: int = KEY_BYTES) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class MasterKey:
    """A loaded master key. Its ``repr`` and ``str`` show the key id only."""

    _secret: bytes = field(repr=False)
    key_id: str = field(init=False)

    def __post_init__(self) -> None:
        if len(self._secret) != KEY_BYTES:
            raise MasterKeyError(f"a master key has {KEY_BYTES} bytes, this one {len(self._secret)}")
        object.__setattr__(self, "key_id", _hkdf(self._secret, _ID_INFO, 8).hex())

    def __str__(self) -> str:
        return f"MasterKey(id={self.key_id})"

    __repr__ = __str__

    # -- wrapping project data keys -------------------------------------------------------------
    def wrap(self, data_key: bytes, project: str, data_key_id: str) -> str:
        """AES-256-GCM under the derived wrap key; project and key id are bound as associated
        data, so a wrapped key moved to another project or relabelled does not unwrap."""
        nonce = os.urandom(12)
        aad = _WRAP_AAD + project.encode() + b"\x00" + data_key_id.encode()
        sealed = AESGCM(_hkdf(self._secret, _WRAP_INFO)).encrypt(nonce, data_key, aad)
        return base64.b64encode(nonce + sealed).decode("ascii")

    def unwrap(self, wrapped: str, project: str, data_key_id: str) -> bytes:
        try:
            raw = base64.b64decode(wrapped, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise VaultIntegrityError(f"wrapped data key {data_key_id} of project {project!r} "
                                      "is not valid base64") from exc
        aad = _WRAP_AAD + project.encode() + b"\x00" + data_key_id.encode()
        try:
            key = AESGCM(_hkdf(self._secret, _WRAP_INFO)).decrypt(raw[:12], raw[12:], aad)
        except InvalidTag:
            raise VaultIntegrityError(
                f"data key {data_key_id} of project {project!r} does not unwrap with master key "
                f"{self.key_id}: wrong master key, or the keyring was altered") from None
        if len(key) != KEY_BYTES:
            raise VaultIntegrityError(f"data key {data_key_id} has the wrong length")
        return key

    # -- authenticating metadata ----------------------------------------------------------------
    def mac(self, message: bytes) -> str:
        return hmac.new(_hkdf(self._secret, _MAC_INFO), message, hashlib.sha256).hexdigest()

    def verify_mac(self, message: bytes, tag: str) -> bool:
        return hmac.compare_digest(self.mac(message), tag)


def new_data_key() -> tuple[str, bytes]:
    """A fresh project data key and its id (hex)."""
    return os.urandom(DATA_KEY_ID_BYTES).hex(), os.urandom(KEY_BYTES)


def _decode(text: bytes | str, where: str) -> MasterKey:
    if isinstance(text, str):
        text = text.encode("ascii", errors="replace")
    try:
        raw = base64.b64decode(b"".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise MasterKeyError(f"{where} is not base64 (expected base64 of {KEY_BYTES} random "
                             "bytes, e.g. `head -c 32 /dev/urandom | base64`)") from None
    if len(raw) != KEY_BYTES:
        raise MasterKeyError(f"{where} decodes to {len(raw)} bytes; a master key has {KEY_BYTES}")
    return MasterKey(raw)


def master_key_from_file(path: Path) -> MasterKey:
    """Read a key file, refusing one that others could read or that is not ours.

    The checks run on the opened descriptor (``fstat``), so the file cannot be swapped between the
    check and the read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise MasterKeyError(f"cannot open the master key file {path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise MasterKeyError(f"the master key file {path} is not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise MasterKeyError(
                f"the master key file {path} has mode {mode:04o}; group and others must have no "
                f"access (chmod 600 {path}) — the vault refuses to use it")
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise MasterKeyError(f"the master key file {path} belongs to uid {info.st_uid}, not to "
                                 f"the user running KIMed (uid {os.geteuid()})")
        if info.st_size > 4096:
            raise MasterKeyError(f"the master key file {path} is too large to be a key")
        with os.fdopen(os.dup(fd), "rb") as handle:
            content = handle.read(4097)
    finally:
        os.close(fd)
    return _decode(content, f"the master key file {path}")


def master_key_from_env(value: str) -> MasterKey:
    return _decode(value, "KIMED_SPE_MASTER_KEY")


def load_master_key(settings) -> MasterKey:
    """The master key named by the settings: ``spe_master_key_file`` or ``spe_master_key``."""
    path = settings.spe_master_key_file
    env = settings.spe_master_key
    if path is not None and env is not None:
        raise MasterKeyError("both KIMED_SPE_MASTER_KEY_FILE and KIMED_SPE_MASTER_KEY are set; "
                             "set exactly one")
    if path is not None:
        return master_key_from_file(Path(path))
    if env is not None:
        return master_key_from_env(env.get_secret_value())
    raise MasterKeyError("no master key: set KIMED_SPE_MASTER_KEY_FILE (a 0600 file holding base64 "
                         "of 32 random bytes) or KIMED_SPE_MASTER_KEY")


def write_master_key_file(path: Path) -> MasterKey:
    """Create a new key file with mode 0600 (refusing to overwrite) and return its key."""
    secret = os.urandom(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(base64.b64encode(secret) + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    return MasterKey(secret)

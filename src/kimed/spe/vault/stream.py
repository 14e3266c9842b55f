"""The encrypted file format: AES-256-GCM over fixed-size chunks, streamed.

Layout of one ``.kv`` file (all integers big-endian)::

    header (48 bytes)
      magic        8   b"KIMEDVLT"
      version      1   1
      reserved     3   zero
      chunk_size   4   plaintext bytes in every chunk but the last (1 .. 64 MiB)
      key_id      16   id of the project data key that encrypted the file
      salt        16   random per file
    chunks, each  ciphertext of up to chunk_size bytes + 16-byte GCM tag

Every file gets its own key: ``HKDF-SHA256(data key, salt, info = label || context)``, where the
context names the project, dataset and file. The nonce of chunk *i* is its index as a 96-bit
integer, which is safe because a file key encrypts exactly one file. The associated data of each
chunk is ``header || index (8 bytes) || final flag (1 byte)``. So a flipped byte, a changed header,
chunks swapped or dropped, a file truncated at any point (even on a chunk boundary) or extended, or
a file copied under another name all fail authentication. Every file has at least one chunk; an
empty file is one empty final chunk.

Plaintext of a chunk is released only after its tag verifies, but a later chunk may still fail:
callers writing plaintext out (the vault does) must discard partial output on error.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kimed.spe.vault.errors import VaultIntegrityError

MAGIC = b"KIMEDVLT"
VERSION = 1
HEADER = struct.Struct(">8sB3sI16s16s")
HEADER_SIZE = HEADER.size  # 48
TAG_SIZE = 16
DEFAULT_CHUNK_SIZE = 1024 * 1024
MAX_CHUNK_SIZE = 64 * 1024 * 1024
MAX_CHUNKS = 2**32
_FILE_KEY_INFO = b"kimed-vault/v1/file-key\x00"


@dataclass(frozen=True)
class Header:
    chunk_size: int
    key_id: str
    salt: bytes

    def pack(self) -> bytes:
        return HEADER.pack(MAGIC, VERSION, b"\0\0\0", self.chunk_size, bytes.fromhex(self.key_id),
                           self.salt)


def read_header(source: BinaryIO, name: str = "file") -> tuple[Header, bytes]:
    """The parsed header and its raw bytes; the header is authenticated later, with chunk 0."""
    raw = source.read(HEADER_SIZE)
    if len(raw) < HEADER_SIZE:
        raise VaultIntegrityError(f"{name}: too short for a vault file header (truncated?)")
    magic, version, reserved, chunk_size, key_id, salt = HEADER.unpack(raw)
    if magic != MAGIC:
        raise VaultIntegrityError(f"{name}: not a KIMed vault file (bad magic)")
    if version != VERSION:
        raise VaultIntegrityError(f"{name}: vault file format version {version} is not supported")
    if reserved != b"\0\0\0" or not 0 < chunk_size <= MAX_CHUNK_SIZE:
        raise VaultIntegrityError(f"{name}: corrupt header")
    return Header(chunk_size, key_id.hex(), salt), raw


def _cipher(data_key: bytes, salt: bytes, context: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_FILE_KEY_INFO + context)
    return AESGCM(hkdf.derive(data_key))


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


def _nonce(index: int) -> bytes:
    if index >= MAX_CHUNKS:
        raise VaultIntegrityError("file too large for the vault format (2**32 chunks)")
    return index.to_bytes(12, "big")


def _read_full(source: BinaryIO, size: int) -> bytes:
    parts, left = [], size
    while left:
        part = source.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def encrypt_stream(source: BinaryIO, target: BinaryIO, *, data_key: bytes, key_id: str,
                   context: bytes, chunk_size: int = DEFAULT_CHUNK_SIZE) -> tuple[int, str]:
    """Encrypt ``source`` into ``target``; return the plaintext size and SHA-256 (hex)."""
    if not 0 < chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk size must be 1..{MAX_CHUNK_SIZE} bytes")
    header = Header(chunk_size, key_id, os.urandom(16))
    raw_header = header.pack()
    cipher = _cipher(data_key, header.salt, context)
    target.write(raw_header)
    digest, size, index = hashlib.sha256(), 0, 0
    current = _read_full(source, chunk_size)
    while True:
        following = _read_full(source, chunk_size) if len(current) == chunk_size else b""
        final = not following
        digest.update(current)
        size += len(current)
        target.write(cipher.encrypt(_nonce(index), current, _aad(raw_header, index, final)))
        if final:
            return size, digest.hexdigest()
        index += 1
        current = following


def decrypt_chunks(source: BinaryIO, *, keys: Callable[[str], bytes], context: bytes,
                   name: str = "file") -> Iterator[bytes]:
    """Yield verified plaintext chunks of a vault file.

    ``keys`` maps the header's key id to the data key (raising ``VaultKeyError`` when it has
    none). Raises :class:`VaultIntegrityError` on the first chunk that fails authentication.
    """
    header, raw_header = read_header(source, name)
    data_key = keys(header.key_id)
    cipher = _cipher(data_key, header.salt, context)
    block = header.chunk_size + TAG_SIZE
    current = _read_full(source, block)
    index = 0
    while True:
        if len(current) < TAG_SIZE:
            raise VaultIntegrityError(f"{name}: truncated or extended at chunk {index}")
        following = _read_full(source, block) if len(current) == block else b""
        final = not following
        try:
            plain = cipher.decrypt(_nonce(index), current, _aad(raw_header, index, final))
        except InvalidTag:
            raise VaultIntegrityError(
                f"{name}: chunk {index} fails authentication (altered, reordered, truncated or "
                "extended file, or a file stored under another name)") from None
        yield plain
        if final:
            return
        index += 1
        current = following


def file_key_id(source: BinaryIO, name: str = "file") -> str:
    """The data key id named in a vault file's header (not authenticated on its own)."""
    return read_header(source, name)[0].key_id


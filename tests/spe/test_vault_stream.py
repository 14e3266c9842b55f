"""The vault's file format: round trips, and every kind of tampering detected."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from kimed.spe.vault.errors import VaultIntegrityError
from kimed.spe.vault.stream import HEADER_SIZE, TAG_SIZE, decrypt_chunks, encrypt_stream

CHUNK = 64
BLOCK = CHUNK + TAG_SIZE
KEY_ID = "ab" * 16
CONTEXT = b"project\x00dataset\x00file.bin"


def _key() -> bytes:
    return os.urandom(32)


def _encrypt(plain: bytes, key: bytes, context: bytes = CONTEXT) -> bytes:
    out = io.BytesIO()
    size, digest = encrypt_stream(io.BytesIO(plain), out, data_key=key, key_id=KEY_ID,
                                  context=context, chunk_size=CHUNK)
    assert size == len(plain)
    assert digest == hashlib.sha256(plain).hexdigest()
    return out.getvalue()


def _decrypt(blob: bytes, key: bytes, context: bytes = CONTEXT) -> bytes:
    return b"".join(decrypt_chunks(io.BytesIO(blob), keys=lambda _id: key, context=context))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK, 5 * CHUNK + 7])
def test_round_trip(size):
    key, plain = _key(), os.urandom(size)
    blob = _encrypt(plain, key)
    chunks = max(1, -(-size // CHUNK))
    assert len(blob) == HEADER_SIZE + size + chunks * TAG_SIZE
    assert _decrypt(blob, key) == plain


def test_same_plaintext_encrypts_differently_and_never_in_clear():
    key = _key()
    plain = b"MARKER-PLAINTEXT-" * 20
    first, second = _encrypt(plain, key), _encrypt(plain, key)
    assert first != second
    assert b"MARKER-PLAINTEXT" not in first


def _multi(key):
    plain = os.urandom(4 * CHUNK + 10)  # 5 chunks, the last one short
    return plain, _encrypt(plain, key)


def _chunk(i):
    return slice(HEADER_SIZE + i * BLOCK, HEADER_SIZE + (i + 1) * BLOCK)


@pytest.mark.parametrize("offset", [9 + 4, HEADER_SIZE + 3, HEADER_SIZE + 2 * BLOCK + 70, -1])
def test_flipped_byte_detected(offset):
    key = _key()
    _, blob = _multi(key)
    tampered = bytearray(blob)
    tampered[offset] ^= 0x01
    with pytest.raises(VaultIntegrityError):
        _decrypt(bytes(tampered), key)


def test_swapped_chunks_detected():
    key = _key()
    _, blob = _multi(key)
    b = bytearray(blob)
    b[_chunk(1)], b[_chunk(2)] = blob[_chunk(2)], blob[_chunk(1)]
    with pytest.raises(VaultIntegrityError, match="chunk 1 fails authentication"):
        _decrypt(bytes(b), key)


def test_dropped_middle_chunk_detected():
    key = _key()
    _, blob = _multi(key)
    with pytest.raises(VaultIntegrityError):
        _decrypt(blob[: _chunk(1).start] + blob[_chunk(2).start:], key)


@pytest.mark.parametrize("cut", ["boundary", "mid-chunk", "header-only", "inside-header"])
def test_truncation_detected(cut):
    key = _key()
    plain, blob = _multi(key)
    end = {"boundary": _chunk(4).start, "mid-chunk": _chunk(3).start + 30,
           "header-only": HEADER_SIZE, "inside-header": 20}[cut]
    with pytest.raises(VaultIntegrityError):
        _decrypt(blob[:end], key)


def test_truncation_of_exact_multiple_detected():
    key = _key()
    plain = os.urandom(3 * CHUNK)  # the last chunk is full and final
    blob = _encrypt(plain, key)
    assert _decrypt(blob, key) == plain
    with pytest.raises(VaultIntegrityError):
        _decrypt(blob[: _chunk(2).start], key)


@pytest.mark.parametrize("extra", ["one-byte", "tag-and-more", "copy-of-chunk"])
def test_appended_data_detected(extra):
    key = _key()
    _, blob = _multi(key)
    tail = {"one-byte": b"\x00", "tag-and-more": os.urandom(TAG_SIZE + 5),
            "copy-of-chunk": blob[_chunk(0)]}[extra]
    with pytest.raises(VaultIntegrityError):
        _decrypt(blob + tail, key)


def test_appended_chunk_after_full_final_chunk_detected():
    key = _key()
    blob = _encrypt(os.urandom(2 * CHUNK), key)
    with pytest.raises(VaultIntegrityError, match="chunk 1"):
        _decrypt(blob + blob[_chunk(0)], key)


def test_wrong_key_and_wrong_context_refused():
    key = _key()
    _, blob = _multi(key)
    with pytest.raises(VaultIntegrityError, match="chunk 0"):
        _decrypt(blob, _key())
    with pytest.raises(VaultIntegrityError, match="another name"):
        _decrypt(blob, key, context=b"project\x00dataset\x00other.bin")


def test_bad_magic_and_oversized_chunk_header_refused():
    key = _key()
    _, blob = _multi(key)
    with pytest.raises(VaultIntegrityError, match="magic"):
        _decrypt(b"X" + blob[1:], key)
    huge = bytearray(blob)
    huge[12:16] = (2**31).to_bytes(4, "big")  # a chunk size no reader should allocate
    with pytest.raises(VaultIntegrityError, match="corrupt header"):
        _decrypt(bytes(huge), key)


class _Zeros(io.RawIOBase):
    """A source of ``size`` zero bytes that never holds more than one read in memory."""

    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return bytes(n)


class _Sink(io.RawIOBase):
    def __init__(self) -> None:
        self.written = 0

    def write(self, data) -> int:
        self.written += len(data)
        return len(data)


def test_large_files_stream_in_bounded_memory(tmp_path):
    import tracemalloc

    size, chunk, key = 16 * 1024 * 1024, 64 * 1024, _key()
    path = tmp_path / "big.kv"
    tracemalloc.start()
    try:
        with open(path, "wb") as out:
            encrypt_stream(_Zeros(size), out, data_key=key, key_id=KEY_ID, context=CONTEXT,
                           chunk_size=chunk)
        _, peak_encrypt = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        sink = _Sink()
        with open(path, "rb") as src:
            for part in decrypt_chunks(src, keys=lambda _id: key, context=CONTEXT):
                sink.write(part)
        _, peak_decrypt = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.written == size
    assert path.stat().st_size == HEADER_SIZE + size + (size // chunk) * TAG_SIZE
    assert peak_encrypt < 1024 * 1024 and peak_decrypt < 1024 * 1024, (peak_encrypt, peak_decrypt)

"""Loading the vault's master key: from a 0600 file or the environment, and nothing looser."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from kimed.settings import Settings, get_settings
from kimed.spe.vault import (
    MasterKey,
    MasterKeyError,
    Vault,
    load_master_key,
    master_key_from_file,
    write_master_key_file,
)


def _key_file(path: Path, mode: int, secret: bytes | None = None) -> bytes:
    secret = secret if secret is not None else os.urandom(32)
    path.write_bytes(base64.b64encode(secret) + b"\n")
    path.chmod(mode)
    return secret


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_private_key_file_accepted(tmp_path, mode):
    secret = _key_file(tmp_path / "master.key", mode)
    assert master_key_from_file(tmp_path / "master.key") == MasterKey(secret)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_too_open_key_file_refused(tmp_path, mode):
    secret = _key_file(tmp_path / "master.key", mode)
    with pytest.raises(MasterKeyError, match="chmod 600") as err:
        master_key_from_file(tmp_path / "master.key")
    assert f"{mode:04o}" in str(err.value)
    assert base64.b64encode(secret).decode() not in str(err.value)


def test_missing_key_file_and_directory_refused(tmp_path):
    with pytest.raises(MasterKeyError, match="cannot open"):
        master_key_from_file(tmp_path / "absent.key")
    (tmp_path / "dir").mkdir(mode=0o700)
    with pytest.raises(MasterKeyError, match="not a regular file"):
        master_key_from_file(tmp_path / "dir")


def test_malformed_key_refused_without_echoing_it(tmp_path):
    path = tmp_path / "short.key"
    short = os.urandom(31)
    _key_file(path, 0o600, short)
    with pytest.raises(MasterKeyError, match="31 bytes") as err:
        master_key_from_file(path)
    assert base64.b64encode(short).decode() not in str(err.value)
    path.write_text("not base64 at all!\n")
    with pytest.raises(MasterKeyError, match="not base64") as err:
        master_key_from_file(path)
    assert "not base64 at all" not in str(err.value)


def test_settings_select_file_or_env(tmp_path, monkeypatch):
    secret = _key_file(tmp_path / "master.key", 0o600)
    monkeypatch.delenv("KIMED_SPE_MASTER_KEY", raising=False)
    monkeypatch.setenv("KIMED_SPE_MASTER_KEY_FILE", str(tmp_path / "master.key"))
    get_settings.cache_clear()
    assert load_master_key(get_settings()) == MasterKey(secret)

    env_secret = os.urandom(32)
    monkeypatch.delenv("KIMED_SPE_MASTER_KEY_FILE")
    monkeypatch.setenv("KIMED_SPE_MASTER_KEY", base64.b64encode(env_secret).decode())
    get_settings.cache_clear()
    settings = get_settings()
    assert load_master_key(settings) == MasterKey(env_secret)
    assert base64.b64encode(env_secret).decode() not in repr(settings)
    vault = Vault.from_settings(settings)
    assert vault.master == MasterKey(env_secret)
    assert vault.data_dir == settings.data_dir


def test_both_or_neither_refused(tmp_path):
    _key_file(tmp_path / "master.key", 0o600)
    both = Settings(spe_master_key_file=tmp_path / "master.key",
                    spe_master_key=base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(MasterKeyError, match="exactly one"):
        load_master_key(both)
    with pytest.raises(MasterKeyError, match="no master key"):
        load_master_key(Settings(spe_master_key_file=None, spe_master_key=None))


def test_repr_shows_only_the_key_id():
    secret = os.urandom(32)
    key = MasterKey(secret)
    for text in (repr(key), str(key), repr(Vault(Path("x"), key))):
        assert key.key_id in text
        assert secret.hex() not in text
        assert base64.b64encode(secret).decode() not in text
    assert key.key_id != MasterKey(os.urandom(32)).key_id


def test_write_master_key_file(tmp_path):
    path = tmp_path / "new.key"
    key = write_master_key_file(path)
    assert (path.stat().st_mode & 0o777) == 0o600
    assert master_key_from_file(path) == key
    with pytest.raises(FileExistsError):
        write_master_key_file(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="changing a file's owner needs root")
def test_key_file_of_another_user_refused(tmp_path):
    path = tmp_path / "master.key"
    _key_file(path, 0o600)
    os.chown(path, 4242, -1)
    with pytest.raises(MasterKeyError, match="belongs to uid 4242"):
        master_key_from_file(path)

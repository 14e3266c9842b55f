"""Halted projects: kept in memory, or in a small JSON file that several processes share.

``kimed spe halt PROJECT`` (or :func:`halt_project`) writes the file; every executor that watches
the same file stops that project's running jobs within about half a second and refuses new ones
until :func:`resume_project`. The file lives at ``<data dir>/spe/halts.json`` and holds
``{project: {"since": ISO time, "reason": text}}``. Writes take an exclusive lock and replace
the file atomically. The permits and audit code may later keep this state in the database;
executors only need ``is_halted`` and ``halted``.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class ProjectHalted(Exception):
    """The project is halted: its jobs are refused until it is resumed."""


class HaltStore:
    """Halted projects in this process's memory."""

    def __init__(self) -> None:
        self._halted: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def halted(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return dict(self._halted)

    def is_halted(self, project: str) -> bool:
        return project in self.halted()

    def halt(self, project: str, reason: str = "") -> None:
        with self._lock:
            self._halted[project] = _entry(reason)

    def resume(self, project: str) -> bool:
        with self._lock:
            return self._halted.pop(project, None) is not None


def _entry(reason: str) -> dict[str, Any]:
    return {"since": datetime.now(UTC).isoformat(timespec="seconds"), "reason": reason}


class HaltFile(HaltStore):
    """Halted projects in a JSON file, shared by the CLI and running executors."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self._seen: tuple[int, int] | None = None

    @contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return {}
        key = (st.st_mtime_ns, st.st_size)
        if key != self._seen:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
            except json.JSONDecodeError:
                # fail closed: an unreadable halt file keeps what we knew and halts nothing less
                return dict(self._halted)
            self._halted, self._seen = dict(data), key
        return dict(self._halted)

    def _write(self, data: dict[str, dict[str, Any]]) -> None:
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)

    def halted(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return self._read()

    def halt(self, project: str, reason: str = "") -> None:
        with self._lock, self._locked():
            data = self._read()
            data[project] = _entry(reason)
            self._write(data)

    def resume(self, project: str) -> bool:
        with self._lock, self._locked():
            data = self._read()
            found = data.pop(project, None) is not None
            self._write(data)
            return found


def default_halts(settings: Any = None) -> HaltFile:
    """The halt file of this installation: ``<data dir>/spe/halts.json``."""
    if settings is None:
        from kimed.settings import get_settings

        settings = get_settings()
    return HaltFile(Path(settings.data_dir) / "spe" / "halts.json")


def halt_project(project: str, reason: str = "", settings: Any = None) -> None:
    """Halt ``project``: executors watching the halt file stop its jobs and refuse new ones."""
    default_halts(settings).halt(project, reason)


def resume_project(project: str, settings: Any = None) -> bool:
    """Lift a halt; False when the project was not halted."""
    return default_halts(settings).resume(project)

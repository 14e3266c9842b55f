"""Pipelines used only by the sandbox and executor tests; the tests register them.

They run inside the sandbox through the normal contract, so what they report is what a real
pipeline could do there.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from kimed.pipelines.base import Param, Pipeline, ProgressFn

log = logging.getLogger(__name__)


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class Probe(Pipeline):
    """Tries to connect, write and read where the test says; writes probe.json with the results."""

    name = "test-probe"
    version = "1"
    parameters = (Param("connect", list, []), Param("write", list, []), Param("read", list, []))

    def run(self, inputs: Path, output: Path, params: dict[str, Any],
            progress: ProgressFn) -> None:
        result: dict[str, Any] = {"connect": {}, "write": {}, "read": {}}
        for address in params["connect"]:
            host, port = address.rsplit(":", 1)
            try:
                with socket.create_connection((host, int(port)), timeout=3) as s:
                    s.sendall(b"hello")
                result["connect"][address] = "ok"
            except OSError as exc:
                result["connect"][address] = _error(exc)
        for path in params["write"]:
            try:
                Path(path).write_text("written by a job")
                result["write"][path] = "ok"
            except OSError as exc:
                result["write"][path] = _error(exc)
        for path in params["read"]:
            try:
                p = Path(path)
                result["read"][path] = "ok:" + (",".join(sorted(os.listdir(p))) if p.is_dir()
                                                else p.read_text(errors="replace"))
            except OSError as exc:
                result["read"][path] = _error(exc)
        result["env"] = dict(os.environ)
        result["interfaces"] = [name for _, name in socket.if_nameindex()]
        result["inputs"] = str(inputs)
        (output / "probe.json").write_text(json.dumps(result))


class Sleep(Pipeline):
    """Sleeps in small steps, reporting progress; optionally starts a child process that sleeps
    (its command line carries ``marker``, so a test can look for it on the host)."""

    name = "test-sleep"
    version = "1"
    parameters = (Param("seconds", float, 30.0), Param("marker", str, ""))

    def run(self, inputs: Path, output: Path, params: dict[str, Any],
            progress: ProgressFn) -> None:
        if params["marker"]:
            subprocess.Popen([sys.executable, "-c",
                              f"import time; time.sleep(600)  # {params['marker']}"])
        log.info("sleeping %s s", params["seconds"])
        start = time.monotonic()
        while (elapsed := time.monotonic() - start) < params["seconds"]:
            progress(elapsed / params["seconds"], f"slept {elapsed:.1f} s")
            time.sleep(0.05)
        (output / "done.txt").write_text("awake")


class Hog(Pipeline):
    """Misbehaves on purpose: burns CPU, eats memory, or raises."""

    name = "test-hog"
    version = "1"
    parameters = (Param("mode", str, "cpu", required=True),)

    def run(self, inputs: Path, output: Path, params: dict[str, Any],
            progress: ProgressFn) -> None:
        mode = params["mode"]
        if mode == "cpu":
            n = 0
            while True:
                n += 1
        elif mode == "memory":
            hoard = []
            for i in range(1000):
                hoard.append(bytearray(64 * 1024 * 1024))
                progress(None, f"holding {64 * (i + 1)} MiB")
        elif mode == "fail":
            print("about to fail")
            raise ValueError("boom")
        raise ValueError(f"unknown mode {mode!r}")


ALL = (Probe, Sleep, Hog)

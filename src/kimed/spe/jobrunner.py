"""Entry point inside the sandbox: ``python -m kimed.spe.jobrunner``.

It reads the job as JSON from standard input (``pipeline``, ``ref``, ``inputs``, ``output``,
``params``), loads the pipeline by its import reference and runs it. Events go to standard output
as JSON lines, one object each: ``{"event": "progress", "fraction": .., "message": ..}``,
``{"event": "end", "status": "succeeded" | "failed" | "memory_limit", "message": ..}``.
Before the pipeline runs, file descriptor 1 is pointed at standard error, so whatever the
pipeline prints or logs arrives on the host as log lines and cannot garble the events.

Exit status: 0 succeeded, 1 the pipeline raised, 2 the job could not be set up, 3 out of memory.
This module imports only the pipeline contract, so a job starts quickly.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import IO, Any

EXIT_OK, EXIT_FAILED, EXIT_SETUP, EXIT_MEMORY = 0, 1, 2, 3


class Events:
    """Writes one JSON object per line to the host."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def emit(self, event: str, **fields: Any) -> None:
        try:
            self._stream.write(json.dumps({"event": event, **fields}, default=str) + "\n")
            self._stream.flush()
        except (OSError, ValueError):
            pass  # the host went away; the job will be killed with its sandbox

    def progress(self, fraction: float | None = None, message: str = "") -> None:
        if fraction is not None:
            fraction = min(1.0, max(0.0, float(fraction)))
        self.emit("progress", fraction=fraction, message=str(message)[:500])


def _take_stdout() -> IO[str]:
    """Keep the real stdout for events; make fd 1 (and sys.stdout) the log stream."""
    events_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(events_fd, "w", buffering=1, encoding="utf-8")


def main() -> int:
    events = Events(_take_stdout())
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        job = json.loads(sys.stdin.read())
        from kimed.pipelines.base import load_reference

        cls = load_reference(job["ref"])
        if cls.name != job["pipeline"]:
            raise ValueError(f"{job['ref']} is pipeline {cls.name!r}, not {job['pipeline']!r}")
        params = cls.check_params(job.get("params"))
        inputs, output = Path(job["inputs"]), Path(job["output"])
    except Exception as exc:  # noqa: BLE001 - any setup error ends the job with its message
        traceback.print_exc()
        events.emit("end", status="failed", message=f"job setup failed: {exc}")
        return EXIT_SETUP
    events.emit("start", pipeline=cls.name, version=cls.version, pid=os.getpid())
    try:
        cls().run(inputs, output, params, events.progress)
    except MemoryError:
        traceback.print_exc()
        events.emit("end", status="memory_limit",
                    message="the job ran out of memory (memory limit reached)")
        return EXIT_MEMORY
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        events.emit("end", status="failed", message=f"{type(exc).__name__}: {exc}")
        return EXIT_FAILED
    events.emit("end", status="succeeded", message="")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""One job as one subprocess (sandboxed by bubblewrap, or explicitly not), with its controls.

The subprocess leads its own process group (a new session), so stopping a job sends SIGTERM to
the whole group and SIGKILL after a grace period. Under bubblewrap, killing ``bwrap`` ends the
sandbox's PID namespace and with it every process the job started. Events (JSON lines on the
job's stdout) and log lines (its stderr) are read by two threads and handed to callbacks.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kimed.spe.executors.states import JobState
from kimed.spe.sandbox import (
    SANDBOX_INPUTS,
    SANDBOX_OUTPUT,
    Limits,
    SandboxPolicy,
    build_command,
)

STOP_GRACE_SECONDS = 2.0
MAX_LINE = 4000


@dataclass(frozen=True)
class JobSpec:
    """Everything a process needs to run one job; plain data, so it can travel to a Dask worker."""

    job_id: str
    project: str
    pipeline: str
    ref: str
    inputs: str
    output: str
    params: dict[str, Any]
    limits: Limits
    policy: SandboxPolicy
    sandboxed: bool
    code_roots: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class Outcome:
    state: JobState
    message: str
    returncode: int | None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "state": self.state.value}


def _signal_of(returncode: int, sandboxed: bool) -> int | None:
    if returncode < 0:
        return -returncode
    if sandboxed and returncode > 128:  # bwrap exits with 128 + the signal that ended its child
        return returncode - 128
    return None


class JobProcess:
    """Start, watch and stop the subprocess of one job."""

    def __init__(self, spec: JobSpec, on_event: Callable[[dict[str, Any]], None],
                 on_log: Callable[[str], None]) -> None:
        self.spec = spec
        self._on_event, self._on_log = on_event, on_log
        self._proc: subprocess.Popen[bytes] | None = None
        self._stop_state: JobState | None = None
        self._end: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._readers: list[threading.Thread] = []

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> None:
        spec = self.spec
        cmd = build_command(pipeline_ref=spec.ref, inputs=Path(spec.inputs),
                            output=Path(spec.output), limits=spec.limits, policy=spec.policy,
                            sandboxed=spec.sandboxed, code_roots=list(spec.code_roots))
        inside = {"inputs": SANDBOX_INPUTS, "output": SANDBOX_OUTPUT} if cmd.sandboxed else \
            {"inputs": spec.inputs, "output": spec.output}
        job = {"pipeline": spec.pipeline, "ref": spec.ref, "params": spec.params, **inside}
        with self._lock:
            if self._stop_state is not None:
                return
            self._proc = subprocess.Popen(
                cmd.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=cmd.env, cwd=cmd.cwd, start_new_session=True, close_fds=True,
                preexec_fn=cmd.preexec)  # noqa: PLW1509 - only where prlimit is missing
        for stream, handler in ((self._proc.stdout, self._event_line),
                                (self._proc.stderr, self._on_log)):
            t = threading.Thread(target=self._read, args=(stream, handler), daemon=True)
            t.start()
            self._readers.append(t)
        try:
            assert self._proc.stdin is not None
            self._proc.stdin.write(json.dumps(job).encode())
            self._proc.stdin.close()
        except OSError:
            pass  # it died at once; wait() reports why

    @staticmethod
    def _read(stream: Any, handler: Callable[[str], None]) -> None:
        for raw in iter(stream.readline, b""):
            handler(raw.decode("utf-8", "replace").rstrip("\n")[:MAX_LINE])
        stream.close()

    def _event_line(self, line: str) -> None:
        try:
            event = json.loads(line)
            if not isinstance(event, dict) or "event" not in event:
                raise ValueError
        except ValueError:
            self._on_log(line)
            return
        if event["event"] == "end":
            self._end = event
        self._on_event(event)

    def stop(self, state: JobState, grace: float = STOP_GRACE_SECONDS) -> None:
        """End the job as ``state``: SIGTERM to its process group, SIGKILL after ``grace``."""
        with self._lock:
            if self._stop_state is None:
                self._stop_state = state
            proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        self._signal(proc, signal.SIGTERM)
        timer = threading.Timer(grace, self._signal, args=(proc, signal.SIGKILL))
        timer.daemon = True
        timer.start()

    @staticmethod
    def _signal(proc: subprocess.Popen[bytes], sig: int) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)

    def wait(self) -> Outcome:
        """Wait for the end (stopping the job at its wall-clock limit) and say how it ended."""
        if self._proc is None:
            return Outcome(self._stop_state or JobState.FAILED, "stopped before it started", None)
        try:
            self._proc.wait(timeout=self.spec.limits.wall_seconds)
        except subprocess.TimeoutExpired:
            self.stop(JobState.TIMED_OUT)
            self._proc.wait()
        for t in self._readers:
            t.join(timeout=5)
        return self._classify(self._proc.returncode)

    def _classify(self, rc: int) -> Outcome:
        limits = self.spec.limits
        if self._stop_state is not None:
            why = {JobState.TIMED_OUT: f"wall-clock limit of {limits.wall_seconds:g} s reached",
                   JobState.CANCELLED: "cancelled", JobState.HALTED: "project halted"}
            return Outcome(self._stop_state, why.get(self._stop_state, "stopped"), rc)
        end = self._end or {}
        status, message = end.get("status"), str(end.get("message", ""))
        if status == JobState.SUCCEEDED.value and rc == 0:
            return Outcome(JobState.SUCCEEDED, "", rc)
        if status == JobState.MEMORY_LIMIT.value:
            return Outcome(JobState.MEMORY_LIMIT, f"{message} ({limits.memory_mb} MiB)", rc)
        if status == JobState.FAILED.value:
            return Outcome(JobState.FAILED, message, rc)
        sig = _signal_of(rc, self.spec.sandboxed)
        if sig == signal.SIGXCPU:
            return Outcome(JobState.CPU_LIMIT,
                           f"CPU time limit of {limits.cpu_seconds} s reached (SIGXCPU)", rc)
        if sig == signal.SIGKILL:
            return Outcome(JobState.FAILED, "killed by SIGKILL (CPU hard limit or the kernel's "
                           "out-of-memory killer)", rc)
        if sig is not None:
            return Outcome(JobState.FAILED, f"ended by signal {signal.Signals(sig).name}", rc)
        return Outcome(JobState.FAILED, f"exited with status {rc} without reporting an end "
                       "(see the log)", rc)

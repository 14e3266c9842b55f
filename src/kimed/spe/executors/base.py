"""The Executor contract: submit a job, then ask for its status, progress and logs, cancel it,
or halt a whole project. Subclasses only start and stop jobs; bookkeeping, the fail-closed
sandbox decision and halts live here.
"""

from __future__ import annotations

import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kimed.pipelines.base import Registry
from kimed.pipelines.base import registry as default_registry
from kimed.spe.executors.halts import HaltStore, ProjectHalted, default_halts
from kimed.spe.executors.process import JobSpec, Outcome
from kimed.spe.executors.states import JobState
from kimed.spe.sandbox import UNSANDBOXED_WARNING, Limits, SandboxPolicy, code_paths, sandbox_mode

MAX_LOG_LINES = 10_000
HALT_POLL_SECONDS = 0.25


@dataclass
class Job:
    """A request to run ``pipeline`` of ``project`` on ``inputs``, writing into ``output``."""

    project: str
    pipeline: str
    inputs: Path
    output: Path
    params: dict[str, Any] = field(default_factory=dict)
    limits: Limits | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


class JobRecord:
    """What the executor knows of one job, updated live; the handle ``submit`` returns."""

    def __init__(self, job: Job, sandboxed: bool) -> None:
        self.id, self.project, self.pipeline = job.id, job.project, job.pipeline
        self.output = Path(job.output)
        self.sandboxed = sandboxed
        self.state = JobState.QUEUED
        self.fraction: float | None = None
        self.message = ""
        self.returncode: int | None = None
        self.submitted, self.started, self.ended = time.time(), None, None
        self.stop_requested: JobState | None = None
        self._logs: deque[str] = deque(maxlen=MAX_LOG_LINES)
        self._notes: list[str] = []  # the executor's own lines, kept when the log is replaced
        self._lock = threading.Lock()
        self._done = threading.Event()
        if not sandboxed:
            self._notes.append(f"WARNING {UNSANDBOXED_WARNING}")

    def log(self, line: str) -> None:
        with self._lock:
            self._logs.append(line)

    def replace_logs(self, lines: list[str]) -> None:
        """Set the job's log to the complete copy its executor got at the end."""
        with self._lock:
            self._logs.clear()
            self._logs.extend(lines)

    def logs(self) -> list[str]:
        with self._lock:
            return self._notes + list(self._logs)

    def event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        with self._lock:
            if kind == "start" and self.state == JobState.QUEUED:
                self.state, self.started = JobState.RUNNING, time.time()
            elif kind == "progress":
                if event.get("fraction") is not None:
                    self.fraction = float(event["fraction"])
                self.message = str(event.get("message", ""))

    def running(self) -> None:
        with self._lock:
            if self.state == JobState.QUEUED:
                self.state, self.started = JobState.RUNNING, time.time()

    def finish(self, outcome: Outcome, started: float | None = None,
               ended: float | None = None) -> bool:
        """Record the end once (with the process's own times when the executor knows them);
        False when the job had already ended."""
        with self._lock:
            if self.state.terminal:
                return False
            self.state, self.message = outcome.state, outcome.message
            self.returncode, self.ended = outcome.returncode, ended or time.time()
            self.started = started or self.started
            if outcome.state == JobState.SUCCEEDED:
                self.fraction = 1.0
        self._done.set()
        return True

    def wait(self, timeout: float | None = None) -> JobState:
        self._done.wait(timeout)
        return self.state

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "project": self.project, "pipeline": self.pipeline,
                "state": self.state.value, "sandboxed": self.sandboxed, "output": str(self.output),
                "progress": self.fraction, "message": self.message,
                "returncode": self.returncode, "submitted": self.submitted,
                "started": self.started, "ended": self.ended}


class Executor(ABC):
    """Runs jobs; each job is one (sandboxed) subprocess."""

    def __init__(self, *, settings: Any = None, halts: HaltStore | None = None,
                 limits: Limits | None = None, policy: SandboxPolicy | None = None,
                 registry: Registry | None = None) -> None:
        if settings is None:
            from kimed.settings import get_settings

            settings = get_settings()
        self.settings = settings
        self.halts = halts if halts is not None else default_halts(settings)
        self.limits = limits or Limits.from_settings(settings)
        self.policy = policy or SandboxPolicy.from_settings(settings)
        self.registry = registry or default_registry
        self._records: dict[str, JobRecord] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._watcher: threading.Thread | None = None

    # -- the contract -------------------------------------------------------------------
    def submit(self, job: Job) -> JobRecord:
        """Start ``job``; raise ProjectHalted, SandboxUnavailable or PipelineError to refuse it."""
        if self._closed.is_set():
            raise RuntimeError("executor is shut down")
        if self.halts.is_halted(job.project):
            raise ProjectHalted(f"project {job.project!r} is halted; jobs are refused until it "
                                "is resumed")
        ref = self.registry.ref(job.pipeline)
        sandboxed = sandbox_mode(self.policy)  # fail closed: raises SandboxUnavailable
        inputs, output = Path(job.inputs).resolve(), Path(job.output).resolve()
        if not inputs.is_dir():
            raise FileNotFoundError(f"inputs of job {job.id}: {inputs} is not a directory")
        output.mkdir(parents=True, exist_ok=True)
        _, roots = code_paths([ref.partition(":")[0]])
        spec = JobSpec(job_id=job.id, project=job.project, pipeline=job.pipeline, ref=ref,
                       inputs=str(inputs), output=str(output), params=dict(job.params),
                       limits=job.limits or self.limits, policy=self.policy,
                       sandboxed=sandboxed, code_roots=tuple(roots))
        record = JobRecord(job, sandboxed)
        with self._lock:
            self._records[job.id] = record
        self._ensure_watcher()
        self._start(spec, record)
        return record

    def record(self, job_id: str) -> JobRecord:
        with self._lock:
            try:
                return self._records[job_id]
            except KeyError:
                raise KeyError(f"no job {job_id!r} in this executor") from None

    def status(self, job_id: str) -> JobState:
        return self.record(job_id).state

    def progress(self, job_id: str) -> tuple[float | None, str]:
        r = self.record(job_id)
        return r.fraction, r.message

    def logs(self, job_id: str) -> list[str]:
        return self.record(job_id).logs()

    def jobs(self, project: str | None = None) -> list[JobRecord]:
        with self._lock:
            return [r for r in self._records.values() if project in (None, r.project)]

    def cancel(self, job_id: str) -> bool:
        """Stop a queued or running job; False when it had already ended."""
        return self._request_stop(self.record(job_id), JobState.CANCELLED)

    def halt(self, project: str, reason: str = "") -> list[str]:
        """Halt ``project``: refuse its new jobs and stop its running ones (SIGTERM, SIGKILL)."""
        self.halts.halt(project, reason)
        return self._stop_project(project)

    def resume(self, project: str) -> bool:
        return self.halts.resume(project)

    def shutdown(self, cancel: bool = True) -> None:
        self._closed.set()
        if cancel:
            for r in self.jobs():
                self._request_stop(r, JobState.CANCELLED)
        self._shutdown()

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # -- for subclasses -----------------------------------------------------------------
    @abstractmethod
    def _start(self, spec: JobSpec, record: JobRecord) -> None:
        """Queue the job; the job's process must be stoppable through ``_stop``."""

    @abstractmethod
    def _stop(self, record: JobRecord, state: JobState) -> None:
        """Stop a job that is queued or running."""

    def _shutdown(self) -> None:  # noqa: B027 - optional hook
        """Release pools and clients."""

    # -- shared machinery ---------------------------------------------------------------
    def _request_stop(self, record: JobRecord, state: JobState) -> bool:
        if record.state.terminal:
            return False
        if record.stop_requested is None:
            record.stop_requested = state
        self._stop(record, record.stop_requested)
        return True

    def _stop_project(self, project: str) -> list[str]:
        stopped = []
        for r in self.jobs(project):
            if not r.state.terminal and self._request_stop(r, JobState.HALTED):
                stopped.append(r.id)
        return stopped

    def _ensure_watcher(self) -> None:
        with self._lock:
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch_halts, daemon=True,
                                                 name="kimed-halt-watcher")
                self._watcher.start()

    def _watch_halts(self) -> None:
        """Stop the jobs of projects halted elsewhere (the CLI writes the shared halt file)."""
        while not self._closed.wait(HALT_POLL_SECONDS):
            try:
                halted = self.halts.halted()
            except OSError:
                continue
            for project in {r.project for r in self.jobs() if not r.state.terminal}:
                if project in halted:
                    self._stop_project(project)

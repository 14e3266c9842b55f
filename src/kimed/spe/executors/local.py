"""The default executor: a pool of threads, each of which runs one job as one sandboxed subprocess.

The pool bounds how many jobs run at once (``KIMED_SPE_WORKERS``); the work itself happens in
the subprocesses, so the threads only wait. Cancelling or halting a running job kills its process
group (SIGTERM, then SIGKILL after 2 s).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kimed.spe.executors.base import Executor, JobRecord
from kimed.spe.executors.process import JobProcess, JobSpec, Outcome
from kimed.spe.executors.states import JobState


class LocalExecutor(Executor):
    def __init__(self, workers: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workers = workers or self.settings.spe_workers
        self._pool = ThreadPoolExecutor(max_workers=self.workers,
                                        thread_name_prefix="kimed-job")
        self._procs: dict[str, JobProcess] = {}

    def _start(self, spec: JobSpec, record: JobRecord) -> None:
        self._pool.submit(self._run, spec, record)

    def _run(self, spec: JobSpec, record: JobRecord) -> None:
        if record.stop_requested is not None or self.halts.is_halted(spec.project):
            state = record.stop_requested or JobState.HALTED
            record.finish(Outcome(state, "stopped before it started", None))
            return
        proc = JobProcess(spec, record.event, record.log)
        with self._lock:
            self._procs[record.id] = proc
        try:
            record.running()
            proc.start()
            if record.stop_requested is not None:  # stopped while starting
                proc.stop(record.stop_requested)
            record.finish(proc.wait())
        except Exception as exc:  # noqa: BLE001 - a job that cannot start must still end
            record.log(f"ERROR job could not run: {exc}")
            record.finish(Outcome(JobState.FAILED, f"could not start: {exc}", None))
        finally:
            with self._lock:
                self._procs.pop(record.id, None)

    def _stop(self, record: JobRecord, state: JobState) -> None:
        with self._lock:
            proc = self._procs.get(record.id)
        if proc is not None:
            proc.stop(state)
        elif record.state == JobState.QUEUED:
            record.finish(Outcome(state, "stopped before it started", None))

    def pid(self, job_id: str) -> int | None:
        """The host PID of a running job's process (bwrap, or python when unsandboxed)."""
        with self._lock:
            proc = self._procs.get(job_id)
        return proc.pid if proc else None

    def _shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)

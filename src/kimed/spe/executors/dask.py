"""Scale-out executor: Dask distributed. ``LocalCluster`` in tests, a scheduler address in
production (``KIMED_SPE_DASK_ADDRESS``).

Each job is one Dask task. The task runs on a worker exactly what the local pool runs: one
sandboxed subprocess (:class:`~kimed.spe.executors.process.JobProcess`), built from the worker's
own Python and bubblewrap. Workers must therefore see the inputs and output directories at the
same paths as the submitting host (a shared file system) and must have bubblewrap; a worker
without it refuses the job unless the policy allows unsandboxed runs.

Progress and log lines travel from the task to this client as Dask events on a topic of this
executor; the task's result carries the outcome and the full log. Cancelling or halting sets a
Dask ``Event`` named after the job, which the task checks every 0.2 s before killing the
job's process group. Dask itself is imported only when this executor is created.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
import uuid
from collections import deque
from functools import partial
from typing import Any

from kimed.spe.executors.base import MAX_LOG_LINES, Executor, JobRecord
from kimed.spe.executors.process import JobProcess, JobSpec, Outcome
from kimed.spe.executors.states import JobState

POLL_SECONDS = 0.2


def import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ImportError("the Dask executor needs dask.distributed: install the 'spe' extra "
                          "(pip install 'kimed[spe]', or 'dask[distributed]>=2024.1')") from exc
    return distributed


def _stop_event_name(job_id: str) -> str:
    return f"kimed-stop-{job_id}"


def run_on_worker(spec: JobSpec, topic: str) -> dict[str, Any]:
    """The Dask task: run one job's subprocess on this worker, stream its events, obey stops."""
    distributed = import_distributed()
    worker = distributed.get_worker()
    stop = distributed.Event(_stop_event_name(spec.job_id))
    if stop.is_set():
        return {"outcome": Outcome(JobState.CANCELLED, "stopped before it started",
                                   None).to_dict(), "logs": []}
    inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
    logs: deque[str] = deque(maxlen=MAX_LOG_LINES)
    proc = JobProcess(spec, lambda e: inbox.put(("event", e)), lambda line: inbox.put(("log", line)))
    result: dict[str, Outcome] = {}

    times: dict[str, float] = {}

    def wait() -> None:
        try:
            times["started"] = time.time()
            proc.start()
            result["outcome"] = proc.wait()
            times["ended"] = time.time()
        except Exception as exc:  # noqa: BLE001 - report, never hang the task
            inbox.put(("log", f"ERROR job could not run: {exc}"))
            result["outcome"] = Outcome(JobState.FAILED, f"could not start: {exc}", None)

    def forward() -> None:
        events, lines = [], []
        while True:
            try:
                kind, item = inbox.get_nowait()
            except queue.Empty:
                break
            (events if kind == "event" else lines).append(item)
        logs.extend(lines)
        if events or lines:
            worker.log_event(topic, {"job": spec.job_id, "events": events, "logs": lines})

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    worker.log_event(topic, {"job": spec.job_id, "events": [{"event": "start"}], "logs": []})
    stopping = False
    while waiter.is_alive():
        waiter.join(POLL_SECONDS)  # returns as soon as the job ends
        if waiter.is_alive() and not stopping and stop.is_set():
            stopping = True
            proc.stop(JobState.CANCELLED)  # the client knows whether it was a cancel or a halt
        forward()
    waiter.join()
    forward()
    return {"outcome": result["outcome"].to_dict(), "logs": list(logs), **times}


class DaskExecutor(Executor):
    def __init__(self, address: str | None = None, *, cluster: Any = None, client: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._distributed = import_distributed()
        target = cluster or address or self.settings.spe_dask_address
        if client is None and target is None:
            raise ValueError("no Dask cluster: pass a cluster or an address, or set "
                             "KIMED_SPE_DASK_ADDRESS")
        self._own_client = client is None
        self.client = client or self._distributed.Client(target)
        self._topic = f"kimed-jobs-{uuid.uuid4().hex[:12]}"
        self.client.subscribe_topic(self._topic, self._on_worker_event)
        self._futures: dict[str, Any] = {}

    def _start(self, spec: JobSpec, record: JobRecord) -> None:
        future = self.client.submit(run_on_worker, spec, self._topic,
                                    key=f"kimed-job-{spec.job_id}", pure=False, retries=0)
        with self._lock:
            self._futures[record.id] = future
        future.add_done_callback(partial(self._done, record))

    def _on_worker_event(self, event: tuple[float, dict[str, Any]]) -> None:
        _, msg = event
        try:
            record = self.record(msg["job"])
        except (KeyError, TypeError):
            return
        if record.state.terminal:
            return
        for e in msg.get("events", ()):
            record.event(e)
        for line in msg.get("logs", ()):
            record.log(line)

    def _done(self, record: JobRecord, future: Any) -> None:
        try:
            self._record_end(record, future)
        except Exception as exc:  # noqa: BLE001 - a record must end, or wait() would hang
            record.finish(Outcome(JobState.FAILED, f"could not read the job's result: {exc!r}",
                                  None))

    def _record_end(self, record: JobRecord, future: Any) -> None:
        with self._lock:
            self._futures.pop(record.id, None)
        times: tuple[float | None, float | None] = (None, None)
        if future.cancelled():
            outcome = Outcome(record.stop_requested or JobState.CANCELLED,
                              "stopped before it started", None)
        elif future.exception() is not None:
            exc = future.exception()
            outcome = Outcome(JobState.FAILED, f"the Dask task failed: {exc!r}", None)
        else:
            res = future.result()
            out = res["outcome"]
            state = JobState(out["state"])
            if state == JobState.CANCELLED and record.stop_requested is not None:
                state = record.stop_requested
                out["message"] = {JobState.HALTED: "project halted"}.get(state, out["message"])
            outcome = Outcome(state, out["message"], out["returncode"])
            record.replace_logs(res["logs"])
            times = (res.get("started"), res.get("ended"))  # the worker's: the process's life
        record.finish(outcome, *times)
        if record.stop_requested is not None:
            with contextlib.suppress(Exception):  # cleanup only
                self._distributed.Event(_stop_event_name(record.id), client=self.client).clear()

    def _stop(self, record: JobRecord, state: JobState) -> None:
        self._distributed.Event(_stop_event_name(record.id), client=self.client).set()
        if record.state == JobState.QUEUED:
            with self._lock:
                future = self._futures.get(record.id)
            if future is not None:
                future.cancel()

    def _shutdown(self) -> None:
        for future in list(self._futures.values()):
            with contextlib.suppress(Exception):  # the job's own record says how it ended
                future.result(timeout=10)
        try:
            self.client.unsubscribe_topic(self._topic)
        finally:
            if self._own_client:
                self.client.close()

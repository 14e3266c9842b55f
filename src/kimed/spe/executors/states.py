"""The states of an SPE job."""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    HALTED = "halted"  # stopped or refused because its project was halted
    TIMED_OUT = "timed_out"  # wall-clock limit
    CPU_LIMIT = "cpu_limit"  # RLIMIT_CPU
    MEMORY_LIMIT = "memory_limit"  # RLIMIT_AS

    @property
    def terminal(self) -> bool:
        return self not in (JobState.QUEUED, JobState.RUNNING)

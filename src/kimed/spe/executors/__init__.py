"""Executors of SPE jobs: a local process pool (default) and Dask distributed (scale-out).

``get_executor()`` picks Dask when ``KIMED_SPE_DASK_ADDRESS`` is set, else the local pool. The
Dask executor is imported only when asked for, as Dask is an optional extra (``kimed[spe]``).
"""

from __future__ import annotations

from typing import Any

from kimed.spe.executors.base import Executor, Job, JobRecord
from kimed.spe.executors.halts import (
    HaltFile,
    HaltStore,
    ProjectHalted,
    halt_project,
    resume_project,
)
from kimed.spe.executors.local import LocalExecutor
from kimed.spe.executors.states import JobState

__all__ = ["Executor", "HaltFile", "HaltStore", "Job", "JobRecord", "JobState", "LocalExecutor",
           "ProjectHalted", "get_executor", "halt_project", "resume_project"]


def get_executor(settings: Any = None, **kwargs: Any) -> Executor:
    """The executor this installation is configured for."""
    if settings is None:
        from kimed.settings import get_settings

        settings = get_settings()
    if settings.spe_dask_address:
        from kimed.spe.executors.dask import DaskExecutor

        return DaskExecutor(address=settings.spe_dask_address, settings=settings, **kwargs)
    return LocalExecutor(settings=settings, **kwargs)

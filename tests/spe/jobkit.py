"""Shared fixtures and helpers of the sandbox and executor tests (imported by those modules)."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kimed.pipelines.base import registry
from kimed.settings import get_settings
from kimed.spe.executors import HaltStore, Job, JobState, LocalExecutor
from kimed.spe.sandbox import bwrap_problem
from tests.conftest import need
from tests.spe.job_pipelines import ALL


@pytest.fixture
def bwrap() -> None:
    """Skip without a working bubblewrap; fail under KIMED_REQUIRE_ALL=1."""
    need(bwrap_problem("bwrap") is None, "bubblewrap (bwrap)")


@pytest.fixture
def test_pipelines() -> Iterator[None]:
    names = [registry.register(cls) for cls in ALL]
    yield
    for name in names:
        registry.unregister(name)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "inputs"
    d.mkdir()
    (d / "a.csv").write_text("id,age\n1,40\n2,51\n3,38\n")
    (d / "notes.txt").write_text("one two three\nfour five\n")
    return d


@pytest.fixture
def local(bwrap, test_pipelines) -> Iterator[LocalExecutor]:
    with LocalExecutor(workers=3, settings=get_settings(), halts=HaltStore()) as ex:
        yield ex


@pytest.fixture(scope="module")
def dask_cluster():
    need(importlib.util.find_spec("distributed") is not None,
         "dask.distributed (pip install 'kimed[spe]')")
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=3, processes=True,
                      dashboard_address=":0") as cluster:
        yield cluster


@pytest.fixture
def dask(bwrap, test_pipelines, dask_cluster):
    from kimed.spe.executors.dask import DaskExecutor

    with DaskExecutor(cluster=dask_cluster, settings=get_settings(), halts=HaltStore()) as ex:
        yield ex


@pytest.fixture(params=["local", "dask"])
def executor(request):
    """Each test that takes ``executor`` runs on the local pool and on Dask LocalCluster."""
    return request.getfixturevalue(request.param)


def job(tmp_path: Path, inputs: Path, pipeline: str, params: dict | None = None,
        project: str = "p1", **kwargs) -> Job:
    out = tmp_path / "out" / f"{pipeline}-{time.monotonic_ns()}"
    return Job(project=project, pipeline=pipeline, inputs=inputs, output=out,
               params=params or {}, **kwargs)


def wait_for(predicate, timeout: float = 20.0, what: str = "condition") -> float:
    """Poll until ``predicate()``; return the seconds it took, fail after ``timeout``."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)
    return time.monotonic() - start


def processes_with(marker: str) -> list[int]:
    """Host PIDs whose command line contains ``marker``."""
    found = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            if marker.encode() in (p / "cmdline").read_bytes():
                found.append(int(p.name))
        except OSError:
            continue
    return found


FINAL = {JobState.SUCCEEDED, JobState.FAILED}

# ruff: noqa: F811  (fixtures imported from tests.spe.jobkit are redefined as arguments)
"""Executors of SPE jobs: the local pool and Dask LocalCluster run the same sandboxed jobs, with
progress, logs, cancel and halt; the pipeline registry and contract."""

from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path

import pytest

from kimed.pipelines.base import Pipeline, PipelineError, Registry, registry
from kimed.settings import get_settings
from kimed.spe.executors import (
    HaltFile,
    JobState,
    LocalExecutor,
    ProjectHalted,
    halt_project,
    resume_project,
)
from tests.spe.jobkit import (  # noqa: F401
    bwrap,
    dask,
    dask_cluster,
    executor,
    inputs,
    job,
    local,
    processes_with,
    test_pipelines,
    wait_for,
)


def _tables(root: Path) -> dict[str, int]:
    """Write CSV, TSV and text inputs; return the data rows of each table as written."""
    rows = {"a.csv": 17, "sub/b.tsv": 3, "empty.csv": 0}
    for name, n in rows.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        sep = "\t" if name.endswith(".tsv") else ","
        path.write_text(sep.join(["id", "x", "y"]) + "\n"
                        + "".join(f"{i}{sep}{i * 2}{sep}z\n" for i in range(n)))
    (root / "notes.txt").write_text("alpha beta\ngamma\n\ndelta epsilon zeta\n")
    (root / "image.bin").write_bytes(b"\x00\x01")
    return rows


def test_local_pool_and_dask_give_the_same_row_counts(local, dask, tmp_path):
    src = tmp_path / "data"
    rows = _tables(src)
    results = []
    for ex in (local, dask):
        record = ex.submit(job(tmp_path, src, "row-count"))
        assert record.wait(60) == JobState.SUCCEEDED, (record.message, record.logs())
        assert record.fraction == 1.0
        results.append(json.loads((record.output / "summary.json").read_text()))
    assert results[0] == results[1]
    summary = results[0]
    assert {k: v["rows"] for k, v in summary["files"].items() if v["kind"] == "table"} == rows
    assert summary["files"]["notes.txt"] == {"kind": "text", "lines": 4, "words": 6}
    assert summary["totals"] == {"files": 4, "rows": 20, "lines": 4, "words": 6, "skipped": 1}


def test_progress_and_logs_arrive_while_running(executor, tmp_path, inputs):
    record = executor.submit(job(tmp_path, inputs, "test-sleep", {"seconds": 2.0}))
    wait_for(lambda: record.state == JobState.RUNNING and (record.fraction or 0) > 0.05,
             what="progress")
    assert record.message.startswith("slept ")
    assert not record.state.terminal  # progress seen before the end
    wait_for(lambda: any("sleeping 2.0 s" in line for line in executor.logs(record.id)),
             what="the pipeline's log line")
    assert record.wait(30) == JobState.SUCCEEDED
    assert executor.progress(record.id)[0] == 1.0
    assert (record.output / "done.txt").read_text() == "awake"


def test_cancel_kills_the_job_and_its_children(executor, tmp_path, inputs):
    marker = f"kimed-test-{uuid.uuid4().hex}"
    record = executor.submit(job(tmp_path, inputs, "test-sleep",
                                 {"seconds": 120.0, "marker": marker}))
    wait_for(lambda: processes_with(marker), what="the job's child process")
    assert executor.cancel(record.id) is True
    assert record.wait(10) == JobState.CANCELLED
    wait_for(lambda: not processes_with(marker), timeout=5, what="the child to die")
    assert not (record.output / "done.txt").exists()
    assert executor.cancel(record.id) is False  # already ended


def test_halt_stops_running_jobs_within_5_s_and_refuses_new_ones(executor, tmp_path, inputs):
    marker = f"kimed-halt-{uuid.uuid4().hex}"
    halted = [executor.submit(job(tmp_path, inputs, "test-sleep",
                                  {"seconds": 120.0, "marker": f"{marker}-{i}"}, project="A"))
              for i in range(2)]
    other = executor.submit(job(tmp_path, inputs, "test-sleep", {"seconds": 120.0},
                                project="B"))
    for i in range(2):
        wait_for(lambda i=i: processes_with(f"{marker}-{i}"), what="running jobs")
    wait_for(lambda: other.state == JobState.RUNNING, what="project B's job")
    start = time.monotonic()
    stopped = executor.halt("A", reason="test")
    for r in halted:
        assert r.wait(5) == JobState.HALTED
    wait_for(lambda: not processes_with(marker), timeout=5, what="the jobs' processes to die")
    elapsed = time.monotonic() - start
    assert elapsed < 5, f"halt took {elapsed:.2f} s"
    print(f"halt of 2 running jobs: {elapsed:.2f} s")
    assert sorted(stopped) == sorted(r.id for r in halted)
    assert other.state == JobState.RUNNING  # another project is untouched
    with pytest.raises(ProjectHalted, match="'A' is halted"):
        executor.submit(job(tmp_path, inputs, "row-count", project="A"))
    assert executor.resume("A") is True
    again = executor.submit(job(tmp_path, inputs, "row-count", project="A"))
    assert again.wait(60) == JobState.SUCCEEDED
    executor.cancel(other.id)
    assert other.wait(10) == JobState.CANCELLED


def test_halt_from_another_process_through_the_halt_file(bwrap, test_pipelines, tmp_path,
                                                         inputs):
    settings = get_settings()
    with LocalExecutor(settings=settings) as ex:  # watches <data dir>/spe/halts.json
        assert isinstance(ex.halts, HaltFile)
        record = ex.submit(job(tmp_path, inputs, "test-sleep", {"seconds": 120.0},
                               project="C"))
        wait_for(lambda: record.state == JobState.RUNNING, what="the job")
        start = time.monotonic()
        halt_project("C", reason="incident", settings=settings)  # what `kimed spe halt` calls
        assert record.wait(5) == JobState.HALTED
        assert time.monotonic() - start < 5
        text = json.loads((settings.data_dir / "spe" / "halts.json").read_text())
        assert text["C"]["reason"] == "incident"
        with pytest.raises(ProjectHalted):
            ex.submit(job(tmp_path, inputs, "row-count", project="C"))
        assert resume_project("C", settings=settings) is True
        assert resume_project("C", settings=settings) is False
        assert ex.submit(job(tmp_path, inputs, "row-count", project="C")).wait(60) == \
            JobState.SUCCEEDED


def test_unknown_pipeline_is_refused(local, tmp_path, inputs):
    with pytest.raises(PipelineError, match="no pipeline named 'nope'.*row-count"):
        local.submit(job(tmp_path, inputs, "nope"))
    assert local.jobs() == []


def test_bad_parameters_fail_the_job_with_the_rule(local, tmp_path, inputs):
    record = local.submit(job(tmp_path, inputs, "row-count", {"header": "yes"}))
    assert record.wait(30) == JobState.FAILED
    assert "parameter 'header' must be bool, got str" in record.message


def test_registry_reads_entry_points_lazily(tmp_path, monkeypatch):
    pkg = tmp_path / "site"
    (pkg / "kimed_plugin_demo.py").parent.mkdir()
    (pkg / "kimed_plugin_demo.py").write_text(
        "from kimed.pipelines.base import Pipeline\n"
        "class Demo(Pipeline):\n    name = 'demo-plugin'\n    version = '0.1'\n"
        "    def run(self, inputs, output, params, progress):\n        pass\n")
    dist = pkg / "kimed_plugin_demo-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kimed-plugin-demo\n"
                                   "Version: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[kimed.pipelines]\ndemo-plugin = kimed_plugin_demo:Demo\n"
        "row-count = kimed_plugin_demo:Demo\n")
    monkeypatch.syspath_prepend(str(pkg))
    reg = Registry()
    assert reg._entry_points_read is False and "kimed_plugin_demo" not in sys.modules
    assert reg.ref("row-count") == "kimed.pipelines.rowcount:RowCount"  # built-in, no scan
    assert reg._entry_points_read is False
    assert reg.names() == ["cohort-count", "demo-plugin", "row-count"]
    assert reg.get("demo-plugin").version == "0.1"
    assert reg.ref("row-count") == "kimed.pipelines.rowcount:RowCount"  # a plugin can't shadow


def test_pipeline_contract_describes_itself():
    cls = registry.get("row-count")
    assert issubclass(cls, Pipeline)
    d = cls.describe()
    assert d["name"] == "row-count" and d["version"] == "1.0"
    assert [p["name"] for p in d["parameters"]] == ["header"]
    assert d["parameters"][0]["type"] == "bool"
    assert d["outputs"][0]["pattern"] == "summary.json"
    assert cls.check_params({}) == {"header": True}
    with pytest.raises(PipelineError, match="no parameter.*colour"):
        cls.check_params({"colour": "red"})


def test_dask_executor_says_what_to_install(monkeypatch):
    from kimed.spe.executors import dask as dask_executor

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask were not installed
    with pytest.raises(ImportError, match=r"kimed\[spe\]"):
        dask_executor.import_distributed()


def test_cli_halt_and_resume_stop_a_running_job(bwrap, test_pipelines, tmp_path, inputs):
    from typer.testing import CliRunner

    from kimed.cli.main import app

    runner = CliRunner()
    with LocalExecutor(settings=get_settings()) as ex:
        record = ex.submit(job(tmp_path, inputs, "test-sleep", {"seconds": 120.0},
                               project="D"))
        wait_for(lambda: record.state == JobState.RUNNING, what="the job")
        start = time.monotonic()
        result = runner.invoke(app, ["spe", "halt", "D", "--reason", "breach"])
        assert result.exit_code == 0, result.output
        assert record.wait(5) == JobState.HALTED
        assert time.monotonic() - start < 5
        assert runner.invoke(app, ["spe", "resume", "D"]).exit_code == 0
        assert runner.invoke(app, ["spe", "resume", "D"]).exit_code == 1
        assert ex.submit(job(tmp_path, inputs, "row-count", project="D")).wait(60) == \
            JobState.SUCCEEDED

# ruff: noqa: F811  (fixtures imported from tests.spe.jobkit are redefined as arguments)
"""The bubblewrap sandbox of SPE jobs: no network, no writes outside the output directory, no host
secrets, resource limits, and the fail-closed rule. Each isolation check also runs without the
sandbox (explicitly allowed), where the same attempt must succeed: a check that cannot fail is
caught that way."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest

from kimed.settings import get_settings
from kimed.spe.executors import HaltStore, JobState, LocalExecutor
from kimed.spe.sandbox import (
    Limits,
    SandboxError,
    SandboxPolicy,
    SandboxUnavailable,
    build_command,
    python_paths,
    sandbox_mode,
)
from tests.spe.jobkit import bwrap, inputs, job, local, test_pipelines  # noqa: F401

ALLOWED_ENV = {"LANG", "LC_ALL", "TZ", "PATH", "HOME", "TMPDIR", "PYTHONPATH", "PYTHONNOUSERSITE",
               "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "LC_CTYPE",
               "PWD"}  # PWD: bwrap sets it to /job/output


@pytest.fixture
def unsandboxed(monkeypatch, test_pipelines):
    """An executor told that bubblewrap is missing, with unsandboxed runs explicitly allowed."""
    monkeypatch.setenv("KIMED_SPE_BWRAP", "/nonexistent/bwrap")
    monkeypatch.setenv("KIMED_SPE_ALLOW_UNSANDBOXED", "1")
    get_settings.cache_clear()
    with LocalExecutor(workers=2, settings=get_settings(), halts=HaltStore()) as ex:
        yield ex


def run_probe(executor, tmp_path: Path, inputs: Path, **params) -> dict:
    record = executor.submit(job(tmp_path, inputs, "test-probe", params))
    assert record.wait(60) == JobState.SUCCEEDED, (record.message, record.logs())
    return json.loads((record.output / "probe.json").read_text())


class Listener:
    """A TCP server on the host's 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()


def test_job_cannot_open_a_socket(local, unsandboxed, tmp_path, inputs):
    listener = Listener()
    here, outside = f"127.0.0.1:{listener.port}", "192.0.2.1:80"
    inside = run_probe(local, tmp_path, inputs, connect=[here, outside])
    assert inside["interfaces"] == ["lo"]  # a network namespace of its own, loopback only
    assert inside["connect"][here].startswith("ConnectionRefusedError"), inside["connect"]
    assert "Network is unreachable" in inside["connect"][outside], inside["connect"]
    assert listener.accepted == 0
    # the same probe outside the sandbox reaches the host's listener: the check can fail
    control = run_probe(unsandboxed, tmp_path, inputs, connect=[here])
    assert control["connect"][here] == "ok"
    time.sleep(0.1)
    assert listener.accepted == 1
    listener.sock.close()


def test_job_writes_only_its_output_directory(local, unsandboxed, tmp_path, inputs):
    tag = uuid.uuid4().hex
    host_file = tmp_path / f"outside-{tag}.txt"
    targets = ["/job/inputs/added.txt", f"/escape-{tag}", f"/tmp/escape-{tag}", "/usr/escape",
               str(host_file), str(inputs / "added.txt"), "/job/output/result.txt"]
    inside = run_probe(local, tmp_path, inputs, write=targets)
    written = {t for t, r in inside["write"].items() if r == "ok"}
    # the job's private /tmp is writable, but it is not the host's /tmp (checked below)
    assert written == {"/job/output/result.txt", f"/tmp/escape-{tag}"}, inside["write"]
    assert "Read-only file system" in inside["write"]["/job/inputs/added.txt"]
    for host_path in (host_file, inputs / "added.txt", Path(f"/tmp/escape-{tag}"),
                      Path(f"/escape-{tag}")):
        assert not host_path.exists(), host_path
    assert sorted(p.name for p in inputs.iterdir()) == ["a.csv", "notes.txt"]
    outputs = [p for p in (tmp_path / "out").rglob("result.txt")]
    assert len(outputs) == 1 and outputs[0].read_text() == "written by a job"
    # unsandboxed, the write to the host path goes through: the check above is a real one
    control = run_probe(unsandboxed, tmp_path, inputs, write=[str(host_file)])
    assert control["write"][str(host_file)] == "ok" and host_file.exists()


def test_job_sees_no_host_secrets(monkeypatch, tmp_path, inputs, bwrap, test_pipelines):
    key_file = tmp_path / "keys" / "master.key"
    key_file.parent.mkdir()
    key_file.write_text("MASTER-KEY-" + uuid.uuid4().hex)
    monkeypatch.setenv("KIMED_SPE_MASTER_KEY_FILE", str(key_file))
    monkeypatch.setenv("KIMED_SPE_MASTER_KEY", "ZW52LXNlY3JldA==")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "host-secret-" + uuid.uuid4().hex)
    get_settings.cache_clear()
    other = get_settings().data_dir / "projects" / "other-project"
    other.mkdir(parents=True)
    (other / "cohort.csv").write_text("id,diagnosis\n1,C50\n")
    reads = [str(key_file), str(other / "cohort.csv"), str(other), str(get_settings().data_dir),
             "/etc/shadow", "/etc/passwd", str(Path.home() / ".bashrc"),
             str(Path.home() / ".config")]
    with LocalExecutor(settings=get_settings(), halts=HaltStore()) as ex:
        inside = run_probe(ex, tmp_path, inputs, read=reads)
    leaked = {p: r for p, r in inside["read"].items()
              if not r.startswith(("FileNotFoundError", "PermissionError"))}
    assert leaked == {}
    # the home directory shows at most the way to a Python installation bound read-only
    home = Path.home()
    with LocalExecutor(settings=get_settings(), halts=HaltStore()) as ex:
        seen = run_probe(ex, tmp_path, inputs, read=[str(home)])["read"][str(home)]
    via_python = {Path(p).relative_to(home).parts[0] for p in python_paths()
                  if Path(p).is_relative_to(home)}
    assert seen.startswith(("ok:", "FileNotFoundError")), seen
    assert set(seen.removeprefix("ok:").split(",")) - {""} <= via_python
    assert set(seen.removeprefix("ok:").split(",")) < set(os.listdir(home)) | {""}
    assert set(inside["env"]) <= ALLOWED_ENV, set(inside["env"]) - ALLOWED_ENV
    values = " ".join(inside["env"].values())
    assert "host-secret" not in values and "ZW52LXNlY3JldA" not in values
    assert inside["inputs"] == "/job/inputs"  # host paths of the job are not even named
    # the same reads without the sandbox succeed
    monkeypatch.setenv("KIMED_SPE_BWRAP", "/nonexistent/bwrap")
    monkeypatch.setenv("KIMED_SPE_ALLOW_UNSANDBOXED", "1")
    get_settings.cache_clear()
    with LocalExecutor(settings=get_settings(), halts=HaltStore()) as ex:
        control = run_probe(ex, tmp_path, inputs, read=reads[:2])
    assert control["read"][str(key_file)].startswith("ok:MASTER-KEY-")
    assert control["read"][str(other / "cohort.csv")].startswith("ok:id,diagnosis")


def test_code_binds_never_cover_the_data_directory(tmp_path):
    kimed_src = Path(__import__("kimed").__file__).parent
    policy = SandboxPolicy(hidden=(str(kimed_src / "spe"),))
    with pytest.raises(SandboxError, match="must never see"):
        build_command(pipeline_ref="kimed.pipelines.rowcount:RowCount", inputs=tmp_path,
                      output=tmp_path, limits=Limits(), policy=policy, sandboxed=True)


@pytest.mark.parametrize(("mode", "limits", "state", "words"), [
    ("cpu", Limits(cpu_seconds=1), JobState.CPU_LIMIT, "CPU time limit of 1 s"),
    ("memory", Limits(memory_mb=300), JobState.MEMORY_LIMIT, "out of memory"),
])
def test_limits_end_a_runaway_job(local, tmp_path, inputs, mode, limits, state, words):
    start = time.monotonic()
    record = local.submit(job(tmp_path, inputs, "test-hog", {"mode": mode}, limits=limits))
    assert record.wait(30) == state, (record.message, record.logs())
    assert words in record.message
    assert time.monotonic() - start < 15


def test_wall_clock_limit(local, tmp_path, inputs):
    start = time.monotonic()
    record = local.submit(job(tmp_path, inputs, "test-sleep", {"seconds": 60.0},
                              limits=Limits(wall_seconds=1.5)))
    assert record.wait(20) == JobState.TIMED_OUT
    assert "wall-clock limit of 1.5 s" in record.message
    assert 1.4 < time.monotonic() - start < 6
    assert not (record.output / "done.txt").exists()


def test_pipeline_error_is_reported(local, tmp_path, inputs):
    record = local.submit(job(tmp_path, inputs, "test-hog", {"mode": "fail"}))
    assert record.wait(30) == JobState.FAILED
    assert record.message == "ValueError: boom"
    logs = "\n".join(record.logs())
    assert "about to fail" in logs and "Traceback" in logs


@pytest.mark.parametrize("bwrap_setting", ["/nonexistent/bwrap", "/bin/false"])
def test_fail_closed_without_a_usable_bwrap(monkeypatch, tmp_path, inputs, bwrap_setting):
    monkeypatch.setenv("KIMED_SPE_BWRAP", bwrap_setting)
    get_settings.cache_clear()
    with LocalExecutor(settings=get_settings(), halts=HaltStore()) as ex:
        j = job(tmp_path, inputs, "row-count")
        with pytest.raises(SandboxUnavailable, match="KIMED_SPE_ALLOW_UNSANDBOXED=1"):
            ex.submit(j)
        assert ex.jobs() == [] and not j.output.exists()
    with pytest.raises(SandboxUnavailable):
        sandbox_mode(SandboxPolicy.from_settings(get_settings()))


def test_unsandboxed_runs_only_when_allowed_and_say_so(unsandboxed, tmp_path, inputs):
    record = unsandboxed.submit(job(tmp_path, inputs, "row-count"))
    assert record.wait(30) == JobState.SUCCEEDED
    assert record.sandboxed is False and record.to_dict()["sandboxed"] is False
    assert "UNSANDBOXED" in record.logs()[0]
    assert json.loads((record.output / "summary.json").read_text())["totals"]["rows"] == 3


def test_sandboxed_record_says_sandboxed(local, tmp_path, inputs):
    record = local.submit(job(tmp_path, inputs, "row-count"))
    assert record.wait(30) == JobState.SUCCEEDED
    assert record.sandboxed is True
    assert not any("UNSANDBOXED" in line for line in record.logs())

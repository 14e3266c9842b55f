"""Mount order of the sandbox: a checkout under the host's /tmp must stay visible to the job."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kimed.spe.sandbox import Limits, SandboxPolicy, build_command


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="builds a bwrap command line")
def test_private_tmp_is_mounted_before_the_code(tmp_path: Path):
    command = build_command(pipeline_ref="kimed.pipelines.cohort_count:CohortCount",
                            inputs=tmp_path / "in", output=tmp_path / "out", limits=Limits(),
                            policy=SandboxPolicy(), sandboxed=True)
    argv = command.argv
    tmpfs = argv.index("--tmpfs")
    assert argv[tmpfs + 1] == "/tmp"
    code_binds = [i for i, a in enumerate(argv) if a == "--ro-bind" and argv[i + 1] != "/usr"
                  and not argv[i + 2].startswith("/job")]
    assert code_binds and all(i > tmpfs for i in code_binds)

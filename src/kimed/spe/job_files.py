"""Where a job's files live, the digest of its inputs, and removing decrypted data.

Layout under the data directory::

    spe/work/<job id>/inputs/<dataset dir>/...   decrypted inputs, read-only; removed when the job ends
    spe/projects/<project>/jobs/<job id>/output/ the job's outputs: the project's output area
    spe/projects/<project>/jobs/<job id>/job.log the job's log, written when it ends
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
from pathlib import Path

from kimed.spe.airlock.outputs import sha256_of

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def work_dir(data_dir: Path, job_id: str) -> Path:
    return Path(data_dir) / "spe" / "work" / job_id


def project_area(data_dir: Path, project: str) -> Path:
    return Path(data_dir) / "spe" / "projects" / project


def job_area(data_dir: Path, project: str, job_id: str) -> Path:
    return project_area(data_dir, project) / "jobs" / job_id


def dataset_dirs(identifiers: list[str]) -> list[str]:
    """A distinct, plain directory name per dataset: the identifier's last path segment."""
    names: list[str] = []
    for identifier in identifiers:
        base = _UNSAFE.sub("_", identifier.rstrip("/").rsplit("/", 1)[-1]).strip("._") or "dataset"
        name, n = base, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.append(name)
    return names


def input_digest(inputs: Path) -> str:
    """SHA-256 over the lines ``<file sha256>  <relative path>`` of every input file, sorted by
    path: the same inputs always give the same digest, whatever their order on disk."""
    lines = sorted(f"{sha256_of(p)}  {p.relative_to(inputs).as_posix()}\n"
                   for p in Path(inputs).rglob("*") if p.is_file())
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def make_read_only(root: Path) -> None:
    """Directories 0555, files 0444 (the vault does the same inside each dataset)."""
    for current, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            os.chmod(Path(current) / name, 0o444)
        os.chmod(current, 0o555)


def remove_tree(root: Path) -> bool:
    """Remove ``root`` and everything in it, read-only parts too; True when it existed."""
    root = Path(root)
    if not root.exists():
        return False

    def _writable(func, path, _exc):
        parent = os.path.dirname(path)
        os.chmod(parent, stat.S_IRWXU)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, stat.S_IRWXU)
        func(path)

    for current, dirs, _files in os.walk(root):
        os.chmod(current, stat.S_IRWXU)
        for name in dirs:
            path = Path(current) / name
            if not path.is_symlink():
                os.chmod(path, stat.S_IRWXU)
    shutil.rmtree(root, onerror=_writable)
    return True


def output_files(output: Path) -> dict[str, str]:
    """The SHA-256 of each file the job wrote, by relative path."""
    output = Path(output)
    if not output.is_dir():
        return {}
    return {p.relative_to(output).as_posix(): sha256_of(p)
            for p in sorted(output.rglob("*")) if p.is_file()}

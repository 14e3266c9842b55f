"""Build the bubblewrap command that runs one SPE job, and decide whether jobs may run at all.

What a job sees (see docs/spe-runtime.md, "Sandbox and executors"):

- ``/job/inputs``: its inputs, bound read-only; ``/job/output``: the one writable host directory;
- the Python installation, the site-packages and the code of ``kimed`` and of the pipeline's
  package, read-only, at their host paths; ``/usr`` read-only; nothing else of the host: no
  home, no ``/etc``, no data directory, no key files;
- a private ``/tmp`` (tmpfs), a fresh ``/proc``, a minimal ``/dev``, the root remounted
  read-only;
- new user, PID, IPC, UTS, cgroup and network namespaces (only a loopback device of its own), no
  capabilities, a new session (no terminal), killed when its parent dies;
- an environment cleared down to an allow-list;
- limits: address space (RLIMIT_AS), CPU seconds (RLIMIT_CPU, SIGXCPU then SIGKILL 2 s later),
  no core files, and a wall-clock timeout enforced by the host.

Fail closed: :func:`sandbox_mode` raises :class:`SandboxUnavailable` when bubblewrap is missing or
cannot start a sandbox, unless the operator set ``KIMED_SPE_ALLOW_UNSANDBOXED=1``; then jobs run
as plain subprocesses (same limits and environment, no isolation) and say so in their record.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import shutil
import site
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.machinery import PathFinder
from pathlib import Path
from typing import Any

SANDBOX_INPUTS = "/job/inputs"
SANDBOX_OUTPUT = "/job/output"
CPU_GRACE_SECONDS = 2  # between SIGXCPU (soft limit) and SIGKILL (hard limit)
ENV_FROM_HOST = ("LANG", "LC_ALL", "TZ")
UNSANDBOXED_WARNING = ("UNSANDBOXED: this job ran WITHOUT the bubblewrap sandbox "
                       "(KIMED_SPE_ALLOW_UNSANDBOXED=1): it could reach the network and the host.")


class SandboxError(Exception):
    """The sandbox could not be set up as required for this job."""


class SandboxUnavailable(SandboxError):
    """bubblewrap is missing or unusable, and unsandboxed runs are not allowed: job refused."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one job."""

    cpu_seconds: int = 3600
    memory_mb: int = 4096
    wall_seconds: float = 4 * 3600.0

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        return cls(cpu_seconds=settings.spe_job_cpu_seconds,
                   memory_mb=settings.spe_job_memory_mb,
                   wall_seconds=settings.spe_job_timeout_seconds)


@dataclass(frozen=True)
class SandboxPolicy:
    """Where bubblewrap is, whether unsandboxed runs are allowed, and host paths never bound."""

    bwrap: str = "bwrap"
    allow_unsandboxed: bool = False
    hidden: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_settings(cls, settings: Any) -> SandboxPolicy:
        hidden = [settings.data_dir]
        for name in type(settings).model_fields:  # key files of the vault, whatever they are called
            value = getattr(settings, name)
            if ("key_file" in name or "secret" in name) and isinstance(value, str | Path) and value:
                hidden.append(value)
        return cls(bwrap=settings.spe_bwrap, allow_unsandboxed=settings.spe_allow_unsandboxed,
                   hidden=tuple(str(Path(h).resolve()) for h in hidden))


@dataclass(frozen=True)
class Command:
    """A job's command line, environment and working directory, ready for subprocess."""

    argv: list[str]
    env: dict[str, str]
    cwd: str
    sandboxed: bool
    preexec: Callable[[], None] | None = None


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _minimal(paths: Iterable[Path]) -> list[Path]:
    """Existing paths with those inside another one of them left out, shortest first."""
    out: list[Path] = []
    for p in sorted({Path(os.path.abspath(p)) for p in paths}, key=lambda p: len(p.parts)):
        if p.exists() and not any(_under(p, q) for q in out):
            out.append(p)
    return out


def python_paths() -> list[Path]:
    """The Python installation: prefixes, site-packages, the interpreter's real location."""
    paths = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent]
    paths += [Path(p) for p in site.getsitepackages()]
    return paths + [p.resolve() for p in paths]


def code_paths(modules: Iterable[str],
               hint_roots: Iterable[str] = ()) -> tuple[list[Path], list[str]]:
    """Directories (or files) of the top-level packages of ``modules``, and their sys.path roots.

    ``hint_roots`` are the roots the submitting host found (for a Dask worker that shares its
    file system); they are searched first, then this process's own ``sys.path``.
    """
    paths, roots = [], []
    for module in modules:
        top = module.split(".")[0]
        spec = PathFinder.find_spec(top, list(hint_roots)) if hint_roots else None
        spec = spec or importlib.util.find_spec(top)
        if spec is None:
            raise SandboxError(f"cannot find the code of {top!r} to bind into the sandbox")
        locations = list(spec.submodule_search_locations or [])
        if not locations and spec.origin:
            locations = [spec.origin]
        for loc in locations:
            p = Path(loc).resolve()
            paths.append(p)
            roots.append(str(p.parent))
    return paths, list(dict.fromkeys(roots))


def _check_hidden(binds: list[Path], hidden: Iterable[str]) -> None:
    for h in map(Path, hidden):
        for b in binds:
            if _under(h, b.resolve()) or _under(b.resolve(), h):
                raise SandboxError(f"refusing to bind {b} into a job: it overlaps {h}, which jobs "
                                   "must never see (data directory or key file)")


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        p = Path(name)
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), name]
        elif p.is_dir():
            args += ["--ro-bind", name, name]
    return args


def job_env(pythonpath: list[str]) -> dict[str, str]:
    """The whole environment of a job: an allow-list, nothing else of the host."""
    env = {k: os.environ[k] for k in ENV_FROM_HOST if k in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env.update({"PATH": "/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp",
                "PYTHONPATH": os.pathsep.join(pythonpath), "PYTHONNOUSERSITE": "1",
                "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"})
    return env


def limit_args(limits: Limits) -> tuple[list[str], Callable[[], None] | None]:
    """``prlimit ... --`` in front of the command, or a preexec function where prlimit is absent."""
    memory = limits.memory_mb * 1024 * 1024
    cpu_hard = limits.cpu_seconds + CPU_GRACE_SECONDS
    prlimit = shutil.which("prlimit")
    if prlimit:
        return [prlimit, f"--as={memory}", f"--cpu={limits.cpu_seconds}:{cpu_hard}",
                "--core=0", "--"], None

    def preexec() -> None:  # only without prlimit: not safe in threaded hosts, but works
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, cpu_hard))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return [], preexec


def build_command(*, pipeline_ref: str, inputs: Path, output: Path, limits: Limits,
                  policy: SandboxPolicy, sandboxed: bool,
                  code_roots: Iterable[str] = ()) -> Command:
    """The command that runs ``python -m kimed.spe.jobrunner`` for one job."""
    module = pipeline_ref.partition(":")[0]
    code, roots = code_paths(["kimed", module], code_roots)
    prefix, preexec = limit_args(limits)
    runner = [sys.executable, "-m", "kimed.spe.jobrunner"]
    env = job_env(roots)
    if not sandboxed:
        return Command(prefix + runner, env, str(output), False, preexec)
    binds = _minimal([*python_paths(), *code])
    binds = [b for b in binds if not _under(b, Path("/usr"))]
    _check_hidden(binds, policy.hidden)
    bwrap = shutil.which(policy.bwrap)
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap not found ({policy.bwrap!r})")
    # /tmp first: the code may live under the host's /tmp (a checkout there), and a later
    # tmpfs on /tmp would hide it; the code binds then sit on top of the private /tmp.
    argv = [bwrap, "--unshare-all", "--unshare-net", "--die-with-parent", "--new-session",
            "--cap-drop", "ALL", "--hostname", "kimed-job", *_system_binds(),
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for b in binds:
        argv += ["--ro-bind", str(b), str(b)]
    argv += ["--ro-bind", str(inputs), SANDBOX_INPUTS, "--bind", str(output), SANDBOX_OUTPUT,
             "--remount-ro", "/", "--chdir", SANDBOX_OUTPUT, "--clearenv"]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return Command(prefix + argv + ["--", *runner], env, str(output), True, preexec)


@lru_cache(maxsize=8)
def bwrap_problem(bwrap: str) -> str | None:
    """Why bubblewrap cannot run a job here, or None when it can (cached per path)."""
    path = shutil.which(bwrap)
    if path is None:
        return f"bubblewrap not found ({bwrap!r}); install it (apt-get install bubblewrap)"
    probe = [path, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
             *_system_binds(), "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for b in [b for b in _minimal(python_paths()) if not _under(b, Path("/usr"))]:
        probe += ["--ro-bind", str(b), str(b)]
    probe += ["--remount-ro", "/", "--clearenv", "--", sys.executable, "-I", "-c", "pass"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap at {path} cannot start: {exc}"
    if done.returncode != 0:
        return f"bubblewrap at {path} cannot create a sandbox: {done.stderr.strip()[:300]}"
    return None


def sandbox_mode(policy: SandboxPolicy) -> bool:
    """True: run sandboxed. False: unsandboxed (explicitly allowed). Else SandboxUnavailable."""
    problem = bwrap_problem(policy.bwrap)
    if problem is None:
        return True
    if policy.allow_unsandboxed:
        return False
    raise SandboxUnavailable(f"job refused: {problem}. Jobs run only in the sandbox; an operator "
                             "may allow unsandboxed development runs with "
                             "KIMED_SPE_ALLOW_UNSANDBOXED=1")

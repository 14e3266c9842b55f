"""Benchmark: SPE jobs on the local process pool vs Dask LocalCluster, sandboxed vs unsandboxed.

Input: ``--jobs`` small CSV files (default 1,000; 20 to 400 rows of 6 columns each, fixed seed).
Each file is one job of the built-in ``row-count`` pipeline, with its own read-only inputs
directory and output directory: 1,000 items means 1,000 jobs, because what we measure is the cost
of a job (starting a sandbox and an interpreter, loading the pipeline, reporting), and that is
what limits an SPE running many small analyses.

Four runs over the same jobs: {local pool, Dask LocalCluster} x {bubblewrap sandbox, no sandbox}.
The local pool runs ``--workers`` jobs at a time; the Dask cluster has ``--workers`` worker
processes with one thread each, so both run the same number of jobs at once. For each run: wall
time, throughput (jobs/s), and the median and p95 of one job's duration (start of its process to
its end, as the executor saw it). Every run checks that the summaries add up to the rows written.

Baselines, measured in the same run on the same input: Dask against the local pool (throughput
ratio), and the unsandboxed run against the sandboxed one (the sandbox's overhead per job). The
unsandboxed runs exist only here, for that comparison; the platform refuses them unless
KIMED_SPE_ALLOW_UNSANDBOXED=1.

    .venv/bin/python bench/spe.py                       # 1,000 jobs, 2 workers
    .venv/bin/python bench/spe.py --jobs 200            # quick
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kimed.settings import get_settings
from kimed.spe.executors import HaltStore, Job, JobState, LocalExecutor
from kimed.spe.sandbox import SandboxPolicy, bwrap_problem


def make_inputs(root: Path, n: int, seed: int = 5) -> tuple[list[Path], int]:
    rnd = random.Random(seed)
    dirs, total = [], 0
    for i in range(n):
        d = root / "inputs" / f"{i:05d}"
        d.mkdir(parents=True)
        rows = rnd.randint(20, 400)
        total += rows
        lines = ["id,age,sex,site,score,visit"]
        lines += [f"{j},{rnd.randint(18, 95)},{rnd.choice('fm')},{rnd.randint(1, 40)},"
                  f"{rnd.random():.4f},{rnd.randint(1, 12)}" for j in range(rows)]
        (d / f"cohort-{i:05d}.csv").write_text("\n".join(lines) + "\n")
        dirs.append(d)
    return dirs, total


def run(executor, dirs: list[Path], out: Path, label: str, progress: Progress) -> dict:
    task = progress.add_task(label, total=len(dirs))
    start = time.perf_counter()
    records = [executor.submit(Job(project="bench", pipeline="row-count", inputs=d,
                                   output=out / d.name)) for d in dirs]
    for r in records:
        r.wait()
        progress.advance(task)
    wall = time.perf_counter() - start
    progress.remove_task(task)
    failed = [r for r in records if r.state != JobState.SUCCEEDED]
    rows = sum(json.loads((r.output / "summary.json").read_text())["totals"]["rows"]
               for r in records if r.state == JobState.SUCCEEDED)
    durations = sorted((r.ended - r.started) * 1000 for r in records
                       if r.started and r.ended)
    return {"wall": wall, "rate": len(dirs) / wall, "failed": len(failed), "rows": rows,
            "median": statistics.median(durations),
            "p95": durations[min(len(durations) - 1, int(0.95 * len(durations)))],
            "first_failure": failed[0].message if failed else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--executors", default="local,dask")
    args = parser.parse_args()
    console = Console(width=140)
    if (problem := bwrap_problem("bwrap")) is not None:
        raise SystemExit(f"bubblewrap is needed for the sandboxed runs: {problem}")
    executors = args.executors.split(",")
    results: dict[tuple[str, str], dict] = {}
    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kimed-bench-spe-") as tmp:
        os.environ["KIMED_DATA_DIR"] = str(Path(tmp) / "data")
        get_settings.cache_clear()
        settings = get_settings()
        dirs, total = make_inputs(Path(tmp), args.jobs)
        policies = {"bubblewrap": SandboxPolicy.from_settings(settings),
                    "none": SandboxPolicy(bwrap="/nonexistent/bwrap", allow_unsandboxed=True)}
        cluster = None
        if "dask" in executors:
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                   processes=True, dashboard_address=":0")
        try:
            with Progress(console=console, transient=True) as progress:
                for name in executors:
                    for sandbox, policy in policies.items():
                        kw = {"settings": settings, "halts": HaltStore(), "policy": policy}
                        if name == "local":
                            ex = LocalExecutor(workers=args.workers, **kw)
                        else:
                            from kimed.spe.executors.dask import DaskExecutor

                            ex = DaskExecutor(cluster=cluster, **kw)
                        with ex:
                            out = Path(tmp) / "out" / f"{name}-{sandbox}"
                            results[name, sandbox] = run(ex, dirs, out, f"{name}/{sandbox}",
                                                         progress)
        finally:
            if cluster is not None:
                cluster.close()

    table = Table(title=f"SPE jobs: row-count over {args.jobs:,} jobs (one small CSV each), "
                        f"{args.workers} at a time")
    for col in ("executor", "sandbox", "wall s", "jobs/s", "median job ms", "p95 job ms",
                "failed", "rows ok"):
        table.add_column(col, justify="left" if col in ("executor", "sandbox") else "right")
    for (name, sandbox), r in results.items():
        table.add_row(name, sandbox, f"{r['wall']:.1f}", f"{r['rate']:.1f}", f"{r['median']:.0f}",
                      f"{r['p95']:.0f}", str(r["failed"]), "yes" if r["rows"] == total else
                      f"no ({r['rows']:,}/{total:,})")
    console.print(table)
    ratios = Table(title="Ratios, same run, same input")
    for col in ("comparison", "figure"):
        ratios.add_column(col, justify="left" if col == "comparison" else "right")
    for sandbox in policies:
        if ("local", sandbox) in results and ("dask", sandbox) in results:
            r = results["dask", sandbox]["rate"] / results["local", sandbox]["rate"]
            ratios.add_row(f"throughput Dask / local pool ({sandbox})", f"{r:.2f}x")
    for name in executors:
        sb, none = results[name, "bubblewrap"], results[name, "none"]
        ratios.add_row(f"sandbox overhead per job, median ({name})",
                       f"+{sb['median'] - none['median']:.0f} ms "
                       f"({sb['median'] / none['median']:.2f}x)")
        ratios.add_row(f"throughput sandboxed / unsandboxed ({name})",
                       f"{sb['rate'] / none['rate']:.2f}x")
    console.print(ratios)
    for (name, sandbox), r in results.items():
        if r["failed"]:
            console.print(f"{name}/{sandbox}: {r['failed']} failed, e.g. {r['first_failure']}")
    console.print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end. "
                  f"Whole run: {time.perf_counter() - t_all:.0f} s wall.")


if __name__ == "__main__":
    main()

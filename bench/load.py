"""Load benchmark: many concurrent clients against the Portal served by uvicorn.

Ours: a mix of the Portal's pages and feeds (home, searches with demo-relevant words, searches
narrowed by a facet as whole pages and as htmx fragments, dataset pages, ``/api/datasets``,
``/catalog``), a third of them asking for German. Baseline: the same clients fetching a plain static
file served by the same uvicorn (``/static/css/tokens.css``), so the ratio shows what a dynamic page
costs over a static file. Both phases run in one run against one server, one after the other, each
for ``--seconds`` after a short warm-up.

Without ``--url`` the script starts its own server: ``uvicorn kimed.web.app:create_app`` (one worker,
like ``kimed serve``) in a subprocess, on a temporary SQLite database holding the demo catalogue.
The clients are ``--clients`` asyncio tasks sharing an httpx AsyncClient, spread over ``--procs``
processes. Any answer other than 2xx, or a transport error, is an error; the script exits 1 if
there is one.

    .venv/bin/python bench/load.py --seconds 30 --clients 50
    .venv/bin/python bench/load.py --seconds 5 --clients 10            # quick
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing as mp
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

BASELINE_PATH = "/static/css/tokens.css"
QUERIES = ["cancer", "MRI", "cohort", "diabetes", "Krebs", "registry", "genom*", "COVID", "brain",
           "synthetic", "Leipzig", "imaging", "clinical notes", "OMOP", "children", "Kohorte",
           "air quality", "\"intensive care\"", "stroke", "Diabetes -cancer"]
# (kind, weight) of ours; the kinds are described in the module docstring
MIX = [("home", 15), ("search", 25), ("facet", 10), ("facet (htmx)", 10), ("dataset", 25),
       ("api search", 10), ("catalog", 2)]
WARMUP_S = 2.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_demo(data_dir: Path) -> str:
    """A fresh SQLite database in ``data_dir`` holding the demo catalogue; returns its URL."""
    from kimed.catalog.demo import demo_files
    from kimed.catalog.importer import import_files
    from kimed.db import Database

    url = f"sqlite:///{data_dir / 'kimed.sqlite'}"
    database = Database(url)
    try:
        database.migrate()
        with database.session() as session:
            import_files(session, demo_files())
    finally:
        database.dispose()
    return url


def start_server(data_dir: Path, database_url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "KIMED_DATA_DIR": str(data_dir), "KIMED_DATABASE_URL": database_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "kimed.web.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
        env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(url + BASELINE_PATH, timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the server did not answer within 60 s")


def build_targets(url: str) -> dict[str, list[tuple[str, dict]]]:
    """The requests of each kind, from the server's own catalogue: (path, extra headers)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        listing = client.get("/api/datasets", params={"per_page": 100}).raise_for_status().json()
        identifiers = [hit["identifier"] for hit in listing["hits"]]
        facets = []
        for q in QUERIES:
            answer = client.get("/api/datasets", params={"q": q}).raise_for_status().json()
            for facet in answer["facets"]:
                if facet.get("kind") != "value":
                    continue
                facets += [{"q": q, facet["key"]: v["value"]} for v in facet["values"] if v["count"]]
    if not identifiers or not facets:
        raise SystemExit("the catalogue is empty: load the demo (kimed demo) or omit --url")
    htmx = {"HX-Request": "true", "HX-Target": "results"}
    return {
        "home": [("/", {})],
        "search": [("/search?" + urlencode({"q": q}), {}) for q in QUERIES],
        "facet": [("/search?" + urlencode(p), {}) for p in facets],
        "facet (htmx)": [("/search?" + urlencode(p), htmx) for p in facets],
        "dataset": [(f"/datasets/{i}", {}) for i in identifiers],
        "api search": [("/api/datasets?" + urlencode({"q": q}), {}) for q in QUERIES],
        "catalog": [("/catalog", {})],
    }


async def _client(http, plan, deadline, seed, results, counter) -> None:
    rnd = random.Random(seed)
    kinds, weights = zip(*[(k, w) for k, w in plan["mix"]], strict=True)
    warm_until = plan["warm_until"]
    while (now := time.monotonic()) < deadline:
        kind = rnd.choices(kinds, weights)[0]
        path, headers = rnd.choice(plan["targets"][kind])
        if plan["german"] and kind != "api search" and rnd.random() < 1 / 3:
            headers = {**headers, "Accept-Language": "de"}
        start = time.monotonic()
        try:
            answer = await http.get(path, headers=headers)
            await answer.aread()
            ok = 200 <= answer.status_code < 300
        except httpx.HTTPError:
            ok = False
        took = time.monotonic() - start
        if now >= warm_until:
            results.append((kind, took, ok))
        with counter.get_lock():
            counter.value += 1


async def _run_clients(url, plan, clients, seed, counter):
    results: list[tuple[str, float, bool]] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        deadline = plan["warm_until"] + plan["seconds"]
        await asyncio.gather(*(_client(http, plan, deadline, seed + i, results, counter)
                               for i in range(clients)))
    return results


def _worker(url, plan, clients, seed, counter, queue) -> None:
    queue.put(asyncio.run(_run_clients(url, plan, clients, seed, counter)))


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of process ``pid`` (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, TypeError):
        return None


def run_phase(name: str, url: str, plan: dict, clients: int, procs: int, seed: int,
              console: Console, server_pid: int | None) -> dict:
    """Run ``clients`` over ``procs`` processes: the records (after warm-up), and the server's
    CPU seconds per request over the whole phase (None when the server is not ours)."""
    ctx = mp.get_context("spawn")
    counter, queue = ctx.Value("l", 0), ctx.Queue()
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    start = time.monotonic() + 1.0  # time for the processes to start
    plan = {**plan, "warm_until": start + WARMUP_S}
    workers = [ctx.Process(target=_worker, args=(url, plan, n, seed + 1000 * i, counter, queue))
               for i, n in enumerate(shares) if n]
    cpu_before = cpu_seconds(server_pid)
    for w in workers:
        w.start()
    total = 1.0 + WARMUP_S + plan["seconds"]
    records: list = []
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[requests]:,} requests"), console=console) as progress:
        task = progress.add_task(name, total=total, requests=0)
        t0 = time.monotonic()
        pending = len(workers)
        while pending:
            progress.update(task, completed=min(time.monotonic() - t0, total),
                            requests=counter.value)
            try:
                records += queue.get(timeout=0.25)
                pending -= 1
            except Exception:  # queue.Empty: keep the bar moving
                continue
        progress.update(task, completed=total, requests=counter.value)
    for w in workers:
        w.join()
    cpu_after = cpu_seconds(server_pid)
    cpu = None if cpu_before is None or cpu_after is None or not counter.value else \
        (cpu_after - cpu_before) / counter.value
    return {"records": records, "seconds": plan["seconds"], "cpu_per_request": cpu}


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summarise(phase: dict) -> dict:
    records, seconds = phase["records"], phase["seconds"]
    times = sorted(r[1] for r in records)
    cpu = phase.get("cpu_per_request")
    return {"n": len(records), "rps": len(records) / seconds,
            "errors": sum(1 for r in records if not r[2]),
            "p50": percentile(times, 0.50) * 1000, "p95": percentile(times, 0.95) * 1000,
            "p99": percentile(times, 0.99) * 1000,
            "cpu": cpu * 1000 if cpu is not None else float("nan")}


ROWS = [("requests", "n", "{:,.0f}"), ("requests/s", "rps", "{:,.1f}"),
        ("errors", "errors", "{:,.0f}"), ("p50 ms", "p50", "{:.1f}"),
        ("p95 ms", "p95", "{:.1f}"), ("p99 ms", "p99", "{:.1f}"),
        ("server CPU ms/request", "cpu", "{:.2f}")]


def report(console: Console, args, ours: list[dict], base: list[dict]) -> int:
    """Print the tables (medians over rounds; errors summed); returns the error count."""
    def median(rows: list[dict], key: str) -> float:
        if key == "errors":
            return sum(r[key] for r in rows)
        return statistics.median(r[key] for r in rows)

    o = {key: median(ours, key) for _, key, _ in ROWS}
    b = {key: median(base, key) for _, key, _ in ROWS}
    rounds = f", median of {len(ours)} rounds" if len(ours) > 1 else ""
    table = Table(title=f"Load: {args.clients} clients, {args.seconds:g} s per phase{rounds}, "
                        "one uvicorn worker")
    for col in ("", "ours (mixed pages)", "baseline (static file)", "ratio ours/baseline"):
        table.add_column(col, justify="left" if not col else "right")
    for label, key, fmt in ROWS:
        ratios = [x[key] / y[key] for x, y in zip(ours, base, strict=True) if y[key]]
        ratio = "—" if key in ("n", "errors") or not ratios or any(map(math.isnan, ratios)) \
            else f"{statistics.median(ratios):.2f}"
        table.add_row(label, "—" if math.isnan(o[key]) else fmt.format(o[key]),
                      "—" if math.isnan(b[key]) else fmt.format(b[key]), ratio)
    console.print(table)
    console.print(f"baseline: {BASELINE_PATH}; ratios are medians of the per-round ratios")
    return int(o["errors"] + b["errors"])


def report_kinds(console: Console, phases: list[dict]) -> None:
    by_kind = defaultdict(list)
    for phase in phases:
        for record in phase["records"]:
            by_kind[record[0]].append(record)
    seconds = sum(p["seconds"] for p in phases)
    kinds = Table(title="Ours by kind of request (all rounds)")
    for col in ("kind", "share", "requests", "errors", "p50 ms", "p95 ms", "p99 ms"):
        kinds.add_column(col, justify="left" if col == "kind" else "right")
    weights = sum(w for _, w in MIX)
    for kind, weight in MIX:
        s = summarise({"records": by_kind[kind], "seconds": seconds})
        kinds.add_row(kind, f"{weight / weights:.0%}", f"{s['n']:,}", str(s["errors"]),
                      f"{s['p50']:.1f}", f"{s['p95']:.1f}", f"{s['p99']:.1f}")
    console.print(kinds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=30.0, help="per phase (default 30)")
    parser.add_argument("--url", help="a running Portal (default: start one on the demo data)")
    parser.add_argument("--procs", type=int, default=1,
                        help="client processes (default 1; the server has one worker)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="ours then baseline, this many times; medians are reported")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    console = Console() if sys.stdout.isatty() else Console(width=110)

    server, tmp = None, None
    ours: list[dict] = []
    base: list[dict] = []
    try:
        if args.url:
            url = args.url.rstrip("/")
        else:
            tmp = tempfile.TemporaryDirectory(prefix="kimed-load-")
            with console.status("loading the demo catalogue"):
                database_url = load_demo(Path(tmp.name))
            server, url = start_server(Path(tmp.name), database_url)
        targets = build_targets(url)
        console.print(f"{url}: {args.clients} clients in {args.procs} process(es), "
                      f"{args.seconds:g} s per phase after {WARMUP_S:g} s warm-up, "
                      f"{args.rounds} round(s); {os.cpu_count()} CPUs shared by server and "
                      f"clients; load average {os.getloadavg()[0]:.1f}")
        ours_plan = {"mix": MIX, "targets": targets, "seconds": args.seconds, "german": True}
        base_plan = {"mix": [("static", 1)], "targets": {"static": [(BASELINE_PATH, {})]},
                     "seconds": args.seconds, "german": False}
        pid = server.pid if server else None
        for r in range(args.rounds):
            tag = f" (round {r + 1})" if args.rounds > 1 else ""
            ours.append(run_phase(f"ours: mixed pages{tag}", url, ours_plan, args.clients,
                                  args.procs, args.seed + r, console, pid))
            base.append(run_phase(f"baseline: {BASELINE_PATH}{tag}", url, base_plan,
                                  args.clients, args.procs, args.seed + r, console, pid))
    finally:
        if server is not None:
            server.terminate()
            server.wait(15)
        if tmp is not None:
            tmp.cleanup()

    errors = report(console, args, [summarise(p) for p in ours], [summarise(p) for p in base])
    report_kinds(console, ours)
    console.print(f"load average after the run: {os.getloadavg()[0]:.1f}")
    if errors:
        console.print(f"[red]{errors} error(s)[/red]")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: validation time per record, our shapes vs the official HealthDCAT-AP Release 8 shapes.

Same input for both: the official example record (NON_PUBLIC) re-tiered to PUBLIC and RESTRICTED and
with a few properties removed, each variant validated ``--repeat`` times. Ours runs through
kimed.catalog.validation.validate (each dataset at its own tier); the baseline runs pySHACL on the
official shape files for that tier (config.properties) plus the DCAT-AP 3.0.0 shapes they import, with
the path-less sh:or hoisted (see docs/validation.md). Prints medians in ms and the ratio.

    .venv/bin/python bench/validate.py --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyshacl
from rdflib import Graph, URIRef
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kimed.catalog.namespaces import DCTERMS, HEALTHDCATAP
from kimed.catalog.validation import Tier, tier_of, validate
from kimed.settings import get_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.catalog.test_conformance import EXAMPLE_DATASET, R8, oracle  # noqa: E402


def variants(shared: Path) -> dict[str, Graph]:
    text = (shared / R8 / "example-healthdcat-dataset.ttl").read_text("utf-8")
    dataset = URIRef(EXAMPLE_DATASET)
    out = {}
    for name, tier, drop in (
        ("non-public", Tier.NON_PUBLIC, None),
        ("non-public, no title", Tier.NON_PUBLIC, DCTERMS.title),
        ("restricted", Tier.RESTRICTED, None),
        ("public", Tier.PUBLIC, None),
        ("public, no health category", Tier.PUBLIC, HEALTHDCATAP.healthCategory),
    ):
        graph = Graph().parse(data=text, format="turtle")
        graph.set((dataset, DCTERMS.accessRights, tier.access_rights))
        if drop is not None:
            graph.remove((dataset, drop, None))
        out[name] = graph
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per record and validator")
    parser.add_argument("--shared", type=Path, default=None, help="reference data folder")
    args = parser.parse_args()
    shared = args.shared or Path(get_settings().shared_data_dir)
    records = variants(shared)
    dataset = URIRef(EXAMPLE_DATASET)
    for graph in records.values():  # warm both: parse and cache the shapes graphs
        validate(graph)
        oracle(shared, tier_of(graph, dataset))

    ours: list[float] = []
    theirs: list[float] = []
    verdicts = []
    with Progress(transient=True) as progress:
        task = progress.add_task("validating", total=len(records) * args.repeat)
        for name, graph in records.items():
            tier = tier_of(graph, dataset)
            for _ in range(args.repeat):
                start = time.perf_counter()
                report = validate(graph)
                ours.append(time.perf_counter() - start)
                start = time.perf_counter()
                pyshacl.validate(graph, shacl_graph=oracle(shared, tier), inference="none",
                                 advanced=True, allow_warnings=True)
                theirs.append(time.perf_counter() - start)
                progress.advance(task)
            verdicts.append((name, report.conforms))

    table = Table(title=f"Validation per record ({len(records)} records x {args.repeat} runs, median)")
    table.add_column("validator")
    table.add_column("median ms", justify="right")
    table.add_column("ratio (official / ours)", justify="right")
    ours_ms, theirs_ms = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
    table.add_row("ours (kimed.catalog.validation)", f"{ours_ms:.1f}", "1.00")
    table.add_row("official Release 8 shapes (pySHACL)", f"{theirs_ms:.1f}", f"{theirs_ms / ours_ms:.2f}")
    console = Console()
    console.print(table)
    console.print("our verdicts: " + ", ".join(f"{n}={'conforms' if c else 'violations'}" for n, c in verdicts))


if __name__ == "__main__":
    main()

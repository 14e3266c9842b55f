"""Traceability: requirement -> pytest node ids -> outcome, from a JUnit XML file.

Produce the file with ``pytest --junitxml=data/test-results.xml`` (or any path, given with
``--junit``). pytest writes one ``<testcase classname="tests.pkg.test_mod[.Class]" name=...>`` per
test; a requirement's node id ``tests/pkg/test_mod.py::[Class::]test_name`` matches it, and a
parametrised test (``test_name[case]``) matches all of its cases.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from kimed.spe.requirements.schema import Catalogue

OUTCOMES = ("passed", "failed", "skipped", "missing")


class JUnitError(ValueError):
    """The file is not JUnit XML."""


def read_junit(path: Path) -> dict[tuple[str, str], list[str]]:
    """(classname, test name without parameters) -> outcomes of each case."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise JUnitError(f"{path}: not a readable JUnit XML file ({exc})") from None
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(f"{path}: the root element is <{root.tag}>, not <testsuites> or "
                         "<testsuite>")
    out: dict[tuple[str, str], list[str]] = {}
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        else:
            outcome = "passed"
        name = re.sub(r"\[.*\]$", "", case.get("name", ""))
        out.setdefault((case.get("classname", ""), name), []).append(outcome)
    return out


def node_key(node_id: str) -> tuple[str, str]:
    """``tests/a/test_b.py::C::test_d[x]`` -> (``tests.a.test_b.C``, ``test_d``)."""
    file, _, rest = node_id.partition("::")
    parts = rest.split("::")
    module = file.removesuffix(".py").replace("/", ".")
    return ".".join([module, *parts[:-1]]), re.sub(r"\[.*\]$", "", parts[-1])


def _combine(outcomes: list[str]) -> str:
    if not outcomes:
        return "missing"
    if "failed" in outcomes:
        return "failed"
    return "passed" if "passed" in outcomes else "skipped"


@dataclass
class Trace:
    requirement: str
    title: str
    status: str  # the catalogue's implementation status
    tests: list[tuple[str, str]]  # (node id, outcome)

    @property
    def outcome(self) -> str:
        """failed if any test failed, else missing if any is absent, else skipped, else passed."""
        outcomes = [o for _, o in self.tests]
        for worst in ("failed", "missing", "skipped"):
            if worst in outcomes:
                return worst
        return "passed"

    def to_dict(self) -> dict:
        return {"requirement": self.requirement, "title": self.title, "status": self.status,
                "outcome": self.outcome,
                "tests": [{"id": t, "outcome": o} for t, o in self.tests]}


def trace(catalogue: Catalogue, results: dict[tuple[str, str], list[str]]) -> list[Trace]:
    """One trace per requirement that lists tests."""
    return [Trace(r.id, r.title, r.implementation.status,
                  [(t, _combine(results.get(node_key(t), []))) for t in r.implementation.tests])
            for r in catalogue.requirements if r.implementation.tests]


def summary(traces: list[Trace]) -> dict[str, int]:
    return {o: sum(1 for t in traces if t.outcome == o) for o in OUTCOMES}

"""Rules the catalogue must keep beyond its schema. Each finding names the file, the line, the
requirement, the field and the rule:

- ``unique id``: no id appears twice;
- ``id pattern``: ``KIM-<AREA3>-<CAT3>-<NNN>`` matches the file's area and category;
- ``level keyword``: the statement contains its level (MUST, SHOULD, MAY) in capitals;
- ``legal ref``: ``<ACT> Art. <n>(..)`` or ``<ACT> § <n>(..)`` names an act and one of its articles
  in data/sources.yaml, written in that act's style;
- ``satre ref`` / ``tehdas2 ref``: the id exists in the external catalogue (when one is given);
- ``standards ref``: one line of plain text naming a standard and a control;
- ``at least one source``;
- ``implementation tests``: implemented or partial requirements list tests;
- ``test exists``: every listed pytest node id names an existing file and test function;
- ``out-of-scope ref``: an exclusion names an existing external statement, once.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from kimed.spe.requirements.external import Statement
from kimed.spe.requirements.findings import Finding
from kimed.spe.requirements.loader import read_catalogue
from kimed.spe.requirements.schema import AREAS, CATEGORIES, Catalogue

LEGAL = re.compile(r"^(?P<act>[A-Z][A-Z0-9]*) (?:(?P<art>Art\.)|§) (?P<num>\d+[a-z]?)"
                   r"(?:\(\w{1,4}\))*$")
STANDARD = re.compile(r"^[^\n]{3,160}$")


def repo_root() -> Path | None:
    """The source checkout (where ``tests/`` lives), or None for an installed package."""
    root = Path(__file__).resolve().parents[4]
    return root if (root / "tests").is_dir() and (root / "pyproject.toml").is_file() else None


@cache
def _test_names(path: Path, mtime: float) -> frozenset[str]:
    """``name`` and ``Class::name`` of every function in a test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{n.name}" for n in node.body
                      if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    return frozenset(names)


def node_id_problem(node_id: str, root: Path) -> str | None:
    """Why a pytest node id does not resolve in ``root``, or None when it does."""
    file, sep, name = node_id.partition("::")
    if not sep or not name:
        return f"{node_id!r} is not a pytest node id (<file>::<test>)"
    path = root / file
    if not path.is_file():
        return f"test file {file} does not exist"
    name = re.sub(r"\[.*\]$", "", name)
    if name not in _test_names(path, path.stat().st_mtime):
        return f"{file} has no test {name}"
    return None


def _legal_problem(ref: str, catalogue: Catalogue) -> str | None:
    match = LEGAL.match(ref)
    if not match:
        return f"{ref!r} is not of the form '<ACT> Art. <n>[(<para>)]' or '<ACT> § <n>[(<para>)]'"
    act = catalogue.acts.get(match["act"])
    if act is None:
        return f"{ref!r}: unknown act {match['act']} (known: {', '.join(catalogue.acts)})"
    style = "article" if match["art"] else "section"
    if style != act.style:
        form = "Art. <n>" if act.style == "article" else "§ <n>"
        return f"{ref!r}: {act.id} is cited as '{act.id} {form}'"
    if match["num"] not in act.articles:
        return f"{ref!r}: article {match['num']} of {act.id} is not listed in data/sources.yaml"
    return None


def check_requirements(catalogue: Catalogue, external: dict[str, list[Statement]] | None = None,
                       root: Path | None = None) -> list[Finding]:
    """Findings of the rules above (the schema was checked while reading)."""
    known = {fw: {s.ref for s in items} for fw, items in (external or {}).items() if items}
    out: list[Finding] = []
    seen: dict[str, str] = {}
    for req in catalogue.requirements:
        file, line = catalogue.where(req.id)

        def add(rule: str, message: str, field: str | None = None, severity: str = "error",
                req=req, file=file, line=line) -> None:
            out.append(Finding(file, rule, message, line=line, requirement=req.id, field=field,
                               severity=severity))

        if req.id in seen:
            add("unique id", f"id already used in {seen[req.id]}", "id")
        seen.setdefault(req.id, file)
        prefix = f"KIM-{AREAS[req.area]}-{CATEGORIES[req.area].get(req.category, '???')}-"
        if not req.id.startswith(prefix):
            add("id pattern", f"ids in {req.area}/{req.category} start with {prefix}", "id")
        if not re.search(rf"\b{req.level}\b", req.statement):
            add("level keyword", f"the statement does not contain its level {req.level} in "
                "capitals", "statement")
        if req.sources.count() == 0:
            add("at least one source", "no legal, SATRE, TEHDAS2 or standards source", "sources")
        for ref in req.sources.legal:
            problem = _legal_problem(ref, catalogue)
            if problem:
                add("legal ref", problem, "sources.legal")
        for framework in ("satre", "tehdas2"):
            for ref in getattr(req.sources, framework):
                if framework in known and ref not in known[framework]:
                    add(f"{framework} ref", f"{ref!r} is not a {framework.upper()} statement id",
                        f"sources.{framework}")
        for ref in req.sources.standards:
            if not STANDARD.match(ref) or not re.search(r"[A-Za-z]", ref):
                add("standards ref", f"{ref!r} must be one line naming a standard", "sources"
                    ".standards")
        impl = req.implementation
        if impl.status in ("implemented", "partial") and not impl.tests:
            add("implementation tests", f"status {impl.status} needs at least one test",
                "implementation.tests")
        if root is not None:
            for node_id in impl.tests:
                problem = node_id_problem(node_id, root)
                if problem:
                    add("test exists", problem, "implementation.tests")
    return out + _check_exclusions(catalogue, known)


def _check_exclusions(catalogue: Catalogue, known: dict[str, set[str]]) -> list[Finding]:
    out = []
    seen = set()
    for ex in catalogue.exclusions:
        key = (ex.framework, ex.ref)
        if ex.framework in known and ex.ref not in known[ex.framework]:
            out.append(Finding("crosswalk", "out-of-scope ref", f"{ex.ref!r} is not a "
                               f"{ex.framework.upper()} statement id", requirement=ex.ref))
        if key in seen:
            out.append(Finding("crosswalk", "out-of-scope ref", f"{ex.framework} {ex.ref} is "
                               "listed twice", requirement=ex.ref, severity="warning"))
        seen.add(key)
    return out


def validate_catalogue(folder: Path | None = None,
                       external: dict[str, list[Statement]] | None = None,
                       root: Path | None = None, check_tests: bool = True) -> list[Finding]:
    """Every finding for the catalogue in ``folder`` (default: shipped): reading, schema, rules.
    Test node ids are checked against ``root`` (default: this checkout, when there is one)."""
    catalogue, findings = read_catalogue(folder)
    root = (root or repo_root()) if check_tests else None
    return findings + check_requirements(catalogue, external, root)

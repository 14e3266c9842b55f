"""Read the catalogue from package data (or any folder of the same layout).

``read_catalogue`` never raises for bad content: it keeps what is valid and returns a finding for
the rest (YAML syntax errors with their line, schema errors with the requirement's line and the
field). ``load_catalogue`` raises :class:`CatalogueError` when there is any error.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from kimed.spe.requirements.findings import Finding, errors
from kimed.spe.requirements.schema import (
    CATEGORIES,
    Act,
    Catalogue,
    CatalogueInfo,
    Exclusion,
    Requirement,
)


class CatalogueError(ValueError):
    """The catalogue has errors; ``findings`` lists them."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        shown = "\n".join(str(f) for f in findings[:20])
        more = f"\n... and {len(findings) - 20} more" if len(findings) > 20 else ""
        super().__init__(f"{len(findings)} error(s) in the requirements catalogue:\n{shown}{more}")


def data_dir() -> Path:
    """The shipped data folder (package data)."""
    return Path(str(resources.files("kimed.spe.requirements").joinpath("data")))


def _parse(path: Path, root: Path, findings: list[Finding]) -> tuple[object, yaml.Node | None]:
    name = path.relative_to(root).as_posix()
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        findings.append(Finding(name, "YAML syntax", f"malformed YAML: {problem}", line=line))
        return None, None
    return data, node


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v.start_mark.line + 1 for k, v in node.value}


def _item_nodes(node: yaml.Node | None, key: str) -> list[yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return []
    for k, v in node.value:
        if k.value == key and isinstance(v, yaml.SequenceNode):
            return list(v.value)
    return []


def _schema_findings(exc: ValidationError, name: str, line: int | None, ident: str | None,
                     lines: dict[str, int], prefix: str = "") -> list[Finding]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        field = prefix + ".".join(loc) if loc else None
        out.append(Finding(name, "schema", err["msg"], line=lines.get(loc[0], line) if loc
                           else line, requirement=ident, field=field))
    return out


def _read_requirements(path: Path, root: Path, findings: list[Finding],
                       locations: dict[str, tuple[str, int]]) -> list[Requirement]:
    name = path.relative_to(root).as_posix()
    data, node = _parse(path, root, findings)
    if data is None and node is None:
        return []
    if not isinstance(data, dict):
        findings.append(Finding(name, "schema", "the file must be a mapping with area, category "
                                "and requirements", line=1))
        return []
    lines = _key_lines(node)
    area, category = data.get("area"), data.get("category")
    if area not in CATEGORIES:
        findings.append(Finding(name, "schema", f"area {area!r} is not one of "
                                f"{', '.join(CATEGORIES)}", line=lines.get("area", 1),
                                field="area"))
        return []
    if category not in CATEGORIES[area]:
        findings.append(Finding(name, "schema", f"category {category!r} is not a category of "
                                f"{area} ({', '.join(CATEGORIES[area])})",
                                line=lines.get("category", 1), field="category"))
        return []
    if path.stem != f"{area}-{category}":
        findings.append(Finding(name, "file name", f"the file of {area}/{category} must be named "
                                f"{area}-{category}.yaml", line=1, severity="warning"))
    items = data.get("requirements")
    if not isinstance(items, list) or not items:
        findings.append(Finding(name, "schema", "requirements must be a non-empty list",
                                line=_key_lines(node).get("requirements", 1),
                                field="requirements"))
        return []
    out = []
    for item, item_node in zip(items, _item_nodes(node, "requirements"), strict=False):
        line = item_node.start_mark.line + 1
        ident = item.get("id") if isinstance(item, dict) else None
        try:
            req = Requirement.model_validate(item)
        except ValidationError as exc:
            findings += _schema_findings(exc, name, line, ident, _key_lines(item_node))
            continue
        out.append(req.model_copy(update={"area": area, "category": category}))
        locations.setdefault(req.id, (name, line))
    return out


def _read_list(path: Path, root: Path, model, findings: list[Finding], what: str) -> list:
    name = path.relative_to(root).as_posix()
    data, node = _parse(path, root, findings)
    if data is None:
        return []
    if not isinstance(data, list):
        findings.append(Finding(name, "schema", f"{what} must be a YAML list", line=1))
        return []
    nodes = node.value if isinstance(node, yaml.SequenceNode) else []
    out = []
    for index, item in enumerate(data):
        line = nodes[index].start_mark.line + 1 if index < len(nodes) else None
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            ref = item.get("ref") if isinstance(item, dict) else None
            lines = _key_lines(nodes[index]) if index < len(nodes) else {}
            findings += _schema_findings(exc, name, line, ref, lines)
    return out


def read_catalogue(folder: Path | None = None) -> tuple[Catalogue, list[Finding]]:
    """The catalogue in ``folder`` (default: the shipped data) and the findings of reading it."""
    root = Path(folder) if folder else data_dir()
    findings: list[Finding] = []
    locations: dict[str, tuple[str, int]] = {}
    info_path = root / "catalogue.yaml"
    info = CatalogueInfo(title="KIMed SPE requirements catalogue", version="0.0.0",
                         date="1970-01-01")
    if info_path.is_file():
        data, node = _parse(info_path, root, findings)
        try:
            info = CatalogueInfo.model_validate(data)
        except ValidationError as exc:
            findings += _schema_findings(exc, "catalogue.yaml", 1, None, _key_lines(node))
    else:
        findings.append(Finding("catalogue.yaml", "catalogue metadata", "missing"))
    acts: dict[str, Act] = {}
    src = root / "sources.yaml"
    if src.is_file():
        data, node = _parse(src, root, findings)
        items = data.get("acts", []) if isinstance(data, dict) else []
        for item in items:
            try:
                act = Act.model_validate(item)
                acts[act.id] = act
            except ValidationError as exc:
                findings += _schema_findings(exc, "sources.yaml", None, None, {}, "acts.")
    requirements: list[Requirement] = []
    for path in sorted((root / "requirements").glob("*.y*ml")):
        requirements += _read_requirements(path, root, findings, locations)
    exclusions: list[Exclusion] = []
    for path in sorted((root / "crosswalk").glob("*.y*ml")):
        exclusions += _read_list(path, root, Exclusion, findings, "an out-of-scope list")
    return Catalogue(info=info, requirements=requirements, acts=acts, exclusions=exclusions,
                     locations=locations), findings


def load_catalogue(folder: Path | None = None) -> Catalogue:
    """The catalogue; :class:`CatalogueError` if reading it found errors."""
    catalogue, findings = read_catalogue(folder)
    bad = errors(findings)
    if bad:
        raise CatalogueError(bad)
    return catalogue

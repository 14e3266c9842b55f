"""What the editing form shows: the choices of each field (vocabulary concepts with labels in the
page language, the publishers a user may pick) and the problems placed on its fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.catalog.editform import FieldError
from kimed.catalog.editing import agent_description, fields_of_findings, fields_of_problems
from kimed.vocab import get_vocabulary, lookup
from kimed.web.agents import publishers

TIERS = ("PUBLIC", "RESTRICTED", "NON_PUBLIC")
VOCAB_OF = {
    "health_categories": "health-categories", "themes": "data-themes",
    "coding_systems": "coding-systems", "standards": "standards", "languages": "languages",
    "applicable_legislation": "legislation", "distribution_format": "file-types",
}


@dataclass
class Problems:
    """Errors (block saving) and warnings per field group; ``None`` holds the rest."""

    errors: dict[str | None, list[str]] = field(default_factory=dict)
    warnings: dict[str | None, list[str]] = field(default_factory=dict)
    violations: int = 0

    def add(self, group: str | None, message: str, warning: bool = False) -> None:
        target = self.warnings if warning else self.errors
        items = target.setdefault(group, [])
        if message not in items:
            items.append(message)

    @property
    def blocking(self) -> bool:
        return bool(self.errors)


def field_problems(errors: Iterable[FieldError] = (), refusals: Iterable[str] = (),
                   findings: Iterable[Any] = (), graph: Graph | None = None, *,
                   place_refusals: Callable = fields_of_problems,
                   place_findings: Callable = fields_of_findings) -> Problems:
    """Errors, refusals and SHACL findings by field group. The placing functions default to
    the dataset form's (kimed.catalog.editing); the algorithm form passes its own."""
    out = Problems()
    for error in errors:
        out.add(error.field, f"{error.message} [{error.rule}]")
    for group, messages in place_refusals(refusals).items():
        for message in messages:
            out.add(group, message)
    findings = list(findings)
    if findings and graph is not None:
        for group, items in place_findings(findings, graph).items():
            for finding in items:
                severity = finding["severity"] if isinstance(finding, dict) else finding.severity
                message = finding["message"] if isinstance(finding, dict) else finding.message
                if severity == "violation":
                    out.violations += 1
                    out.add(group, message)
                else:
                    out.add(group, message, warning=True)
    return out


def options(key: str, lang: str, chosen: Iterable[str] = (), tiers_only: bool = False) -> list:
    """(uri, label, code) of a vocabulary's concepts, plus chosen values it does not hold."""
    vocab = get_vocabulary(key)
    items = [(c.uri, c.label(lang), c.code) for c in vocab.concepts
             if not tiers_only or c.code in TIERS]
    known = {uri for uri, _l, _c in items}
    for uri in chosen:
        if uri and uri not in known:
            concept = lookup(uri)
            items.append((uri, concept.label(lang) if concept else uri,
                          concept.code if concept else ""))
    return items


def agent_choices(session: Session, user: User, lang: str, chosen: Iterable[str] = ()) -> dict:
    """Publishers the user may choose (all known ones for an admin, the bound ones for a data
    holder) and the agents a record may name as health data access body."""
    known = {p.agent.iri: p.name(lang) for p in publishers(session) if p.agent.iri}
    if user.role == "admin":
        own = dict(known)
    else:
        own = {iri: known.get(iri, iri) for iri in sorted(user.publisher_iris)}
    every = dict(known)
    for iri in chosen:
        if iri:
            every.setdefault(iri, iri)
            if user.role == "admin":
                own.setdefault(iri, iri)

    def ordered(items: dict) -> list[tuple[str, str]]:
        return sorted(items.items(), key=lambda kv: (kv[1].casefold(), kv[0]))

    return {"publishers": ordered(own), "agents": ordered(every)}


def agent_graphs(session: Session, iris: Iterable[str]) -> dict[str, Graph]:
    """Descriptions of agents (by IRI) taken from stored records that describe them."""
    import sqlalchemy as sa

    from kimed.catalog.models import DatasetRow
    from kimed.catalog.store import graph_of

    out: dict[str, Graph] = {}
    for iri in {i for i in iris if i}:
        needle = f"<{iri}> <http://xmlns.com/foaf/0.1/name>"
        row = session.scalars(sa.select(DatasetRow).where(
            DatasetRow.graph_nt.contains(needle, autoescape=True)).limit(1)).first()
        if row is not None:
            out[iri] = agent_description(graph_of(row), iri)
    return out


def form_choices(session: Session, user: User, lang: str, values: dict) -> dict:
    """Every choice the form template offers, with the current values kept selectable."""
    def chosen(name: str) -> list[str]:
        value = values.get(name)
        return value if isinstance(value, list) else [value] if value else []

    return {
        "access_rights": options("access-rights", lang, chosen("access_rights"), tiers_only=True),
        **{name: options(key, lang, chosen(name)) for name, key in VOCAB_OF.items()},
        **agent_choices(session, user, lang, chosen("publisher") + chosen("hdab")),
    }

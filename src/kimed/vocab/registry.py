"""Process-wide access to our built-in vocabularies, loaded once on first use (never at import)."""

from __future__ import annotations

from functools import cache

from kimed.vocab.loader import load_directory
from kimed.vocab.model import Concept, Vocabulary

# Prefixes used only to make messages readable; the checks themselves compare full URIs.
_PREFIXES = {
    "http://purl.org/dc/terms/": "dct:",
    "http://www.w3.org/ns/dcat#": "dcat:",
    "http://data.europa.eu/r5r/": "dcatap:",
    "http://healthdataportal.eu/ns/health#": "healthdcatap:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://data.europa.eu/m8g/": "cv:",
    "http://data.europa.eu/it6/": "mldcat:",
    "https://w3id.org/kimed/ns#": "kimed:",
}


@cache
def vocabularies() -> dict[str, Vocabulary]:
    """All built-in vocabularies, keyed by key. Loaded and checked on the first call."""
    return load_directory()


@cache
def _uri_index() -> dict[str, Concept]:
    return {c.uri: c for vocab in vocabularies().values() for c in vocab.concepts}


@cache
def _property_index() -> dict[str, tuple[Vocabulary, ...]]:
    index: dict[str, list[Vocabulary]] = {}
    for vocab in vocabularies().values():
        for prop in vocab.properties:
            index.setdefault(prop, []).append(vocab)
    return {prop: tuple(vocabs) for prop, vocabs in index.items()}


def get_vocabulary(key: str) -> Vocabulary:
    """The vocabulary with this key; KeyError naming the known keys otherwise."""
    known = vocabularies()
    try:
        return known[key]
    except KeyError:
        raise KeyError(f"unknown vocabulary {key!r}; known: {', '.join(sorted(known))}") from None


def lookup(uri: str) -> Concept | None:
    """The concept with this URI in any vocabulary, or None."""
    return _uri_index().get(uri)


def vocabularies_for_property(prop_uri: str) -> list[Vocabulary]:
    """The vocabularies whose values an RDF property takes (empty when we know none)."""
    return list(_property_index().get(prop_uri, ()))


def short_name(uri: str) -> str:
    """``dct:accessRights`` for a known namespace, else the URI in angle brackets."""
    for namespace, prefix in _PREFIXES.items():
        if uri.startswith(namespace):
            return prefix + uri[len(namespace) :]
    return f"<{uri}>"


def check_value(prop_uri: str, value_uri: str) -> str | None:
    """Check one property value against our vocabularies.

    Returns None when the value is fine, else a message naming the property, the value, the
    vocabulary and its source. A value is wrong only when it lies in the namespace of a vocabulary
    we hold completely and is not one of its concepts; values of other namespaces, and of lists we
    hold only in part, pass. The property's own vocabularies are consulted first; a value outside
    all of them is still checked against whichever complete vocabulary's namespace it falls in.
    """
    candidates = [v for v in vocabularies_for_property(prop_uri) if v.covers(value_uri)]
    if not candidates:
        candidates = [v for v in vocabularies().values() if v.covers(value_uri)]
    if not candidates or any(value_uri in v for v in candidates):
        return None
    for vocab in candidates:
        if vocab.complete:
            return (
                f"{short_name(prop_uri)}: <{value_uri}> is not in the {vocab.title('en')} "
                f"(vocabulary {vocab.key!r}, {vocab.scheme}; source: {vocab.source})"
            )
    return None

"""Read and check one vocabulary data file (TOML, see docs/vocabularies.md for the format).

Every rule broken raises VocabularyError with the file, the field and the rule, so a bad edit to a
data file fails loudly in the tests rather than silently at run time.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from kimed.vocab.model import Concept, Vocabulary, VocabularyError

DATA_DIR = Path(__file__).with_name("data")
REQUIRED_LANGS = ("en", "de")
DE_LABEL_ORIGINS = ("official", "ours", "mixed")

_HEADER_REQUIRED = {
    "key": str,
    "title": dict,
    "scheme": str,
    "namespace": str,
    "source": str,
    "complete": bool,
    "properties": list,
}
_HEADER_OPTIONAL = {"de_labels": str, "source_note": str}
_CONCEPT_REQUIRED = {"code": str, "uri": str, "en": str, "de": str}
_CONCEPT_OPTIONAL = {"broader": str}


def _fail(path: Path, where: str, rule: str) -> VocabularyError:
    return VocabularyError(f"{path.name}: {where}: {rule}")


def _is_http_uri(value: str) -> bool:
    return value.startswith(("http://", "https://")) and " " not in value


def _check_table(
    path: Path,
    where: str,
    table: dict[str, Any],
    required: dict[str, type],
    optional: dict[str, type],
) -> None:
    for name in required:
        if name not in table:
            raise _fail(path, f"{where}.{name}", "required key is missing")
    for name, value in table.items():
        kind = required.get(name) or optional.get(name)
        if kind is None:
            raise _fail(path, f"{where}.{name}", "unknown key")
        if not isinstance(value, kind):
            raise _fail(path, f"{where}.{name}", f"must be a {kind.__name__}")
        if kind is str and not value.strip():
            raise _fail(path, f"{where}.{name}", "must not be empty")


def _header(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    head = data.get("vocabulary")
    if not isinstance(head, dict):
        raise _fail(path, "[vocabulary]", "the header table is missing")
    _check_table(path, "vocabulary", head, _HEADER_REQUIRED, _HEADER_OPTIONAL)
    if head["key"] != path.stem:
        raise _fail(path, "vocabulary.key", f"must equal the file name {path.stem!r}")
    for lang in REQUIRED_LANGS:
        if not str(head["title"].get(lang, "")).strip():
            raise _fail(path, f"vocabulary.title.{lang}", "a non-empty title is required")
    for name in ("scheme", "namespace", "source"):
        if not _is_http_uri(head[name]):
            raise _fail(path, f"vocabulary.{name}", "must be an http(s) URI")
    props = head["properties"]
    if not props or not all(isinstance(p, str) and _is_http_uri(p) for p in props):
        raise _fail(path, "vocabulary.properties", "must be a non-empty list of property URIs")
    if head.get("de_labels", "official") not in DE_LABEL_ORIGINS:
        raise _fail(path, "vocabulary.de_labels", f"must be one of {', '.join(DE_LABEL_ORIGINS)}")
    return head


def _concepts(path: Path, data: dict[str, Any], key: str, namespace: str) -> list[Concept]:
    rows = data.get("concept")
    if not isinstance(rows, list) or not rows:
        raise _fail(path, "[[concept]]", "at least one concept is required")
    concepts: list[Concept] = []
    codes: set[str] = set()
    uris: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise _fail(path, f"concept #{number}", "must be a table")
        code = row.get("code")
        where = (
            f"concept {code!r}" if isinstance(code, str) and code.strip() else f"concept #{number}"
        )
        _check_table(path, where, row, _CONCEPT_REQUIRED, _CONCEPT_OPTIONAL)
        uri = row["uri"]
        if code in codes:
            raise _fail(path, f"{where}.code", "duplicate code")
        if uri in uris:
            raise _fail(path, f"{where}.uri", f"duplicate URI <{uri}>")
        if not uri.startswith(namespace) or uri == namespace:
            raise _fail(path, f"{where}.uri", f"<{uri}> must start with the namespace {namespace}")
        codes.add(code)
        uris.add(uri)
        labels = {lang: row[lang].strip() for lang in REQUIRED_LANGS}
        concepts.append(Concept(uri, code, labels, key, row.get("broader")))
    for concept in concepts:
        if concept.broader is not None and concept.broader not in uris:
            raise _fail(
                path,
                f"concept {concept.code!r}.broader",
                f"<{concept.broader}> is not a concept of this file",
            )
    return concepts


def load_file(path: str | Path) -> Vocabulary:
    """Read one vocabulary data file and check it strictly."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, "file", f"is not valid TOML ({exc})") from exc
    except OSError as exc:
        raise _fail(path, "file", f"cannot be read ({exc})") from exc
    unknown = set(data) - {"vocabulary", "concept"}
    if unknown:
        raise _fail(path, ", ".join(sorted(unknown)), "unknown top-level table")
    head = _header(path, data)
    concepts = _concepts(path, data, head["key"], head["namespace"])
    return Vocabulary(
        key=head["key"],
        scheme=head["scheme"],
        namespace=head["namespace"],
        source=head["source"],
        complete=head["complete"],
        titles={lang: str(text) for lang, text in head["title"].items()},
        properties=tuple(head["properties"]),
        concepts=tuple(concepts),
        de_labels=head.get("de_labels", "official"),
        source_note=head.get("source_note", ""),
    )


def load_directory(directory: str | Path = DATA_DIR) -> dict[str, Vocabulary]:
    """Load every ``*.toml`` file of ``directory``, keyed by vocabulary key (sorted)."""
    found = {}
    for path in sorted(Path(directory).glob("*.toml")):
        vocab = load_file(path)
        found[vocab.key] = vocab
    return found

"""Reading and writing RDF files, with errors that name the file, the line and the cause."""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kimed.catalog.namespaces import bind_prefixes

# Our format names (CLI --format) -> rdflib parser/serializer names.
FORMATS: dict[str, str] = {"ttl": "turtle", "jsonld": "json-ld", "xml": "xml", "nt": "nt"}
MEDIA_TYPES: dict[str, str] = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "xml": "application/rdf+xml",
    "nt": "application/n-triples",
}
EXTENSIONS: dict[str, str] = {
    ".ttl": "ttl",
    ".turtle": "ttl",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".nt": "nt",
}


@dataclass
class RdfInputError(ValueError):
    """Input that cannot become a graph: names the file, the line (when known) and the cause."""

    file: str
    cause: str
    line: int | None = None
    rule: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{where}: {self.cause}{rule}"


def format_for(path: str | Path, explicit: str | None = None) -> str:
    """Our format key for ``path`` (from its extension) unless ``explicit`` is given."""
    if explicit:
        if explicit not in FORMATS:
            raise RdfInputError(str(path), f"unknown format {explicit!r}; use one of {sorted(FORMATS)}")
        return explicit
    suffix = Path(str(path)).suffix.lower()
    if suffix not in EXTENSIONS:
        raise RdfInputError(
            str(path), f"cannot tell the RDF format from the extension {suffix!r}; "
            f"use one of {sorted(EXTENSIONS)} or pass --format"
        )
    return EXTENSIONS[suffix]


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing files over ``max_bytes`` before reading them."""
    size = path.stat().st_size
    if size > max_bytes:
        raise RdfInputError(
            str(path), f"file is {size} bytes, over the import limit of {max_bytes} bytes",
            rule="setting KIMED_MAX_IMPORT_BYTES",
        )
    return path.read_bytes()


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RdfInputError(
            name, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            line=line, rule="RDF 1.1 serialisations are UTF-8",
        ) from None


@contextmanager
def _quiet_rdflib():
    """rdflib logs a traceback for every ill-typed literal; we report those ourselves."""
    logger = logging.getLogger("rdflib.term")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _check_jsonld(text: str, name: str) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RdfInputError(name, f"malformed JSON: {exc.msg}", line=exc.lineno) from None

    def contexts(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    yield value
                else:
                    yield from contexts(value)
        elif isinstance(node, list):
            for item in node:
                yield from contexts(item)

    for ctx in contexts(doc):
        items = ctx if isinstance(ctx, list) else [ctx]
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("@import"), str):
                item = item["@import"]  # JSON-LD 1.1 @import also fetches a remote context
            if isinstance(item, str):
                raise RdfInputError(
                    name, f"remote JSON-LD @context {item!r} cannot be fetched here; inline it",
                    rule="KIMed imports never reach the network",
                )


def parse_text(text: str, name: str, fmt: str) -> Graph:
    """Parse ``text`` in our format ``fmt``; any parser failure becomes :class:`RdfInputError`."""
    if fmt == "jsonld":
        _check_jsonld(text, name)
    graph = Graph()
    try:
        with _quiet_rdflib():
            graph.parse(data=text, format=FORMATS[fmt], publicID=_public_id(name))
    except RdfInputError:
        raise
    except Exception as exc:  # parsers raise many types; all mean "malformed input"
        raise _as_input_error(exc, text, name, fmt) from None
    return bind_prefixes(graph) if fmt != "ttl" else graph


def parse_bytes(data: bytes, name: str, fmt: str) -> Graph:
    return parse_text(_decode(data, name), name, fmt)


def parse_file(path: Path, fmt: str | None = None, max_bytes: int | None = None) -> Graph:
    """Parse one file, enforcing the size limit and UTF-8."""
    fmt = format_for(path, fmt)
    data = read_bytes(path, max_bytes) if max_bytes else path.read_bytes()
    return parse_bytes(data, str(path), fmt)


def _public_id(name: str) -> str:
    return Path(name).absolute().as_uri() if name and not name.startswith("<") else "urn:kimed:input"


def _as_input_error(exc: Exception, text: str, name: str, fmt: str) -> RdfInputError:
    line = None
    cause = str(exc).strip() or type(exc).__name__
    if hasattr(exc, "_why") and hasattr(exc, "lines"):  # rdflib notation3 BadSyntax
        line = int(exc.lines) + 1
        cause = str(exc._why)
    elif hasattr(exc, "getLineNumber"):  # SAXParseException (RDF/XML)
        line = exc.getLineNumber()
        cause = exc.getMessage() if hasattr(exc, "getMessage") else cause
    elif fmt == "nt" and cause.startswith("Invalid line"):
        bad = cause.split(":", 1)[1].strip()
        for number, source_line in enumerate(text.splitlines(), start=1):
            if bad and bad in source_line:
                line = number
                break
    syntax = {"ttl": "Turtle", "jsonld": "JSON-LD", "xml": "RDF/XML", "nt": "N-Triples"}[fmt]
    return RdfInputError(name, f"malformed {syntax}: {cause}", line=line)


def serialize(graph: Graph, fmt: str) -> str:
    """The graph in our format ``fmt`` (ttl, jsonld, xml, nt) as text."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {sorted(FORMATS)}")
    bind_prefixes(graph)
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", indent=2, auto_compact=True)
    if fmt == "ttl":
        from io import BytesIO

        from kimed.catalog.turtle import LexicalTurtleSerializer

        buffer = BytesIO()
        LexicalTurtleSerializer(graph).serialize(buffer, encoding="utf-8")
        return buffer.getvalue().decode("utf-8")
    return graph.serialize(format=FORMATS[fmt])


def to_ntriples(graph: Graph) -> str:
    """Canonical storage form: sorted N-Triples lines."""
    lines = graph.serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def from_ntriples(text: str) -> Graph:
    graph = Graph()
    with _quiet_rdflib():
        graph.parse(data=text, format="nt")
    return bind_prefixes(graph)

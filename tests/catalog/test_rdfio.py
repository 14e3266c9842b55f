"""Parsing errors name the file, the line and the cause; every format round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from kimed.catalog.rdfio import (
    FORMATS,
    RdfInputError,
    format_for,
    from_ntriples,
    parse_bytes,
    parse_file,
    serialize,
    to_ntriples,
)

DATA = Path(__file__).parents[1] / "data" / "rdf"


def test_unbound_prefix_names_line_and_cause():
    text = b"@prefix a: <http://a/> .\na:x a:y a:z .\n\nex:foo a:y 1 .\n"
    with pytest.raises(RdfInputError) as info:
        parse_bytes(text, "bad.ttl", "ttl")
    err = info.value
    assert err.file == "bad.ttl"
    assert err.line == 4
    assert 'Prefix "ex:" not bound' in err.cause
    assert "bad.ttl, line 4" in str(err)


def test_malformed_jsonld_names_line():
    with pytest.raises(RdfInputError) as info:
        parse_bytes(b'{\n  "@id": "http://x",\n  "http://p": \n}', "bad.jsonld", "jsonld")
    assert info.value.line == 4
    assert "malformed JSON" in info.value.cause


def test_remote_jsonld_context_refused():
    doc = b'{"@context": "https://example.org/ctx.jsonld", "@id": "http://x"}'
    with pytest.raises(RdfInputError, match="remote JSON-LD @context"):
        parse_bytes(doc, "ctx.jsonld", "jsonld")


def test_remote_jsonld_import_refused():
    doc = b'{"@context": {"@import": "https://example.org/ctx.jsonld"}, "@id": "http://x"}'
    with pytest.raises(RdfInputError, match="remote JSON-LD @context"):
        parse_bytes(doc, "ctx.jsonld", "jsonld")


def test_malformed_rdfxml_names_line():
    doc = b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<oops>\n</rdf:RDF>'
    with pytest.raises(RdfInputError) as info:
        parse_bytes(doc, "bad.rdf", "xml")
    assert info.value.line == 4


def test_malformed_ntriples_names_line():
    doc = b'<http://a> <http://b> "ok" .\n<http://a> <http://b> "broken .\n'
    with pytest.raises(RdfInputError) as info:
        parse_bytes(doc, "bad.nt", "nt")
    assert info.value.line == 2


def test_non_utf8_is_refused_with_line():
    data = "<http://a> <http://b> \"ok\" .\n<http://a> <http://b> \"Gr\u00fc\u00dfe\" .\n"
    with pytest.raises(RdfInputError) as info:
        parse_bytes(data.encode("latin-1"), "latin.nt", "nt")
    assert info.value.line == 2
    assert "UTF-8" in str(info.value)


def test_size_limit(tmp_path):
    path = tmp_path / "big.ttl"
    path.write_bytes(b"# padding\n" * 100)
    with pytest.raises(RdfInputError, match="over the import limit of 10 bytes"):
        parse_file(path, max_bytes=10)


def test_format_from_extension():
    assert format_for("x.ttl") == "ttl"
    assert format_for("x.jsonld") == "jsonld"
    assert format_for("x.rdf") == "xml"
    assert format_for("x.nt") == "nt"
    with pytest.raises(RdfInputError, match="extension"):
        format_for("x.docx")
    with pytest.raises(RdfInputError, match="unknown format"):
        format_for("x.ttl", "yaml")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_round_trips(fmt):
    graph = parse_file(DATA / "minimal-public.ttl")
    again = parse_bytes(serialize(graph, fmt).encode(), f"out.{fmt}", fmt)
    assert isomorphic(graph, again)


def test_ntriples_storage_is_canonical_and_lossless():
    graph = parse_file(DATA / "minimal-public.ttl")
    stored = to_ntriples(graph)
    assert stored == to_ntriples(from_ntriples(stored))
    assert isomorphic(graph, from_ntriples(stored))

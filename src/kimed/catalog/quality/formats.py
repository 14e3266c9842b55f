"""Which values count as "from a vocabulary", and which formats are non-proprietary or machine-readable.

The MQA checks ``dct:format`` and ``dcat:mediaType`` against controlled lists, ``dct:license`` against
a licence list and ``dct:accessRights`` against the access-right table. data.europa.eu keeps its own
lists of non-proprietary and machine-readable formats; we keep the selection below, by code of the
EU file-type table (http://publications.europa.eu/resource/authority/file-type). A format we do not
list does not count. See docs/quality.md.
"""

from __future__ import annotations

FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LICENCE = "http://publications.europa.eu/resource/authority/licence/"
ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
IANA_MEDIA_TYPES = ("http://www.iana.org/assignments/media-types/",
                    "https://www.iana.org/assignments/media-types/")

# Formats whose specification is open (anyone may implement them without a licence fee).
NON_PROPRIETARY = frozenset({
    "CSV", "TSV", "TXT", "JSON", "JSON_LD", "GEOJSON", "XML", "HTML", "XHTML", "RDF", "RDF_TURTLE",
    "RDF_XML", "RDF_N_TRIPLES", "RDF_N_QUADS", "RDF_TRIG", "N3", "RDFA", "SPARQLQ", "PDF", "ODT",
    "ODS", "PARQUET", "ARFF", "ZIP", "TAR", "GZIP", "PNG", "JPEG", "TIFF", "SVG", "GML", "KML",
    "NETCDF", "HDF", "SQL", "DOCX", "XLSX",
})

# Formats a program can read and process without a person interpreting them.
MACHINE_READABLE = frozenset({
    "CSV", "TSV", "JSON", "JSON_LD", "GEOJSON", "XML", "RDF", "RDF_TURTLE", "RDF_XML",
    "RDF_N_TRIPLES", "RDF_N_QUADS", "RDF_TRIG", "N3", "RDFA", "XLS", "XLSX", "ODS", "PARQUET",
    "ARFF", "GML", "KML", "NETCDF", "HDF", "SQL",
})


def file_type_code(uri: str | None) -> str | None:
    """``CSV`` for the EU file-type IRI of CSV; None for anything else."""
    if uri and uri.startswith(FILE_TYPE) and len(uri) > len(FILE_TYPE):
        return uri[len(FILE_TYPE):]
    return None


def format_in_vocabulary(uri: str | None) -> bool:
    return file_type_code(uri) is not None


def media_type_in_vocabulary(uri: str | None) -> bool:
    return bool(uri) and any(uri.startswith(p) and len(uri) > len(p) for p in IANA_MEDIA_TYPES)


def licence_in_vocabulary(uri: str | None) -> bool:
    return bool(uri) and uri.startswith(LICENCE) and len(uri) > len(LICENCE)


def access_rights_in_vocabulary(uri: str | None) -> bool:
    from kimed.vocab import get_vocabulary

    return bool(uri) and uri in get_vocabulary("access-rights")


def non_proprietary(uri: str | None) -> bool:
    return file_type_code(uri) in NON_PROPRIETARY


def machine_readable(uri: str | None) -> bool:
    return file_type_code(uri) in MACHINE_READABLE

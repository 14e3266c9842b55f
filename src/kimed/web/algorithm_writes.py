"""Storing an uploaded algorithm record, shared by the JSON API (``POST``/``PUT
/api/algorithms``) and the Portal's upload form (``/algorithms/new``,
``/algorithms/{identifier}/replace``).

The bytes go through the checks of ``kimed algorithms import`` (parse, vocabularies, shapes,
dataset links), then the same writer (:func:`kimed.catalog.algorithms.importer.write_prepared`,
which also updates the search index). Every refusal is raised before anything is written.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from kimed.accounts.permissions import require_edit_algorithm
from kimed.catalog.algorithms.importer import (
    AlgorithmOutcome,
    ImportRefused,
    parse_inputs,
    prepare,
    write_prepared,
)
from kimed.catalog.algorithms.models import AlgorithmRow
from kimed.catalog.algorithms.store import find_algorithm, record_of

MAX_UPLOAD = 5 * 1024 * 1024
# Format -> the file suffix the importer reads it by.
SUFFIX_OF = {"ttl": ".ttl", "jsonld": ".jsonld", "xml": ".rdf", "nt": ".nt", "modelcard": ".md"}
# File name ending -> format, for uploads whose format is "by file name".
FORMAT_OF = {".ttl": "ttl", ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "xml",
             ".xml": "xml", ".owl": "xml", ".nt": "nt", ".md": "modelcard",
             ".markdown": "modelcard"}


@dataclass
class UploadProblem:
    loc: list[str]
    message: str
    rule: str


class UploadRefused(Exception):
    """The upload cannot be stored; ``problems`` name what and why, ``status`` the HTTP answer."""

    def __init__(self, problems: list[UploadProblem], status: int = 422) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems, self.status = problems, status


def format_for_name(filename: str | None) -> str | None:
    """The format a file name's ending stands for (``README.md`` -> ``modelcard``), or None."""
    name = (filename or "").lower()
    return next((fmt for end, fmt in FORMAT_OF.items() if name.endswith(end)), None)


def _refused(exc: ImportRefused, folder: str) -> UploadRefused:
    return UploadRefused([UploadProblem(["body"], p.message.replace(folder + "/", ""),
                                        "import check") for p in exc.problems])


def store_upload(session: Session, user: object, data: bytes, fmt: str,
                 existing: AlgorithmRow | None) -> AlgorithmOutcome:
    """Create (``existing`` None) or replace an algorithm from one uploaded record.

    Raises UploadRefused (unreadable, not exactly one model, another model's IRI, an IRI taken,
    a failed import check) or PermissionDenied; writes only when everything passed.
    """
    if len(data) > MAX_UPLOAD:
        raise UploadRefused([UploadProblem(["body"], f"the upload is {len(data)} bytes, over "
                                           f"{MAX_UPLOAD}", "size limit")])
    if existing is not None:
        require_edit_algorithm(user, record_of(existing), "change")
    with tempfile.TemporaryDirectory(prefix="kimed-upload-") as folder:
        name = "README.md" if fmt == "modelcard" else "record" + SUFFIX_OF[fmt]
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            parsed = parse_inputs([path], fmt=fmt, max_bytes=MAX_UPLOAD)
        except ImportRefused as exc:
            raise _refused(exc, folder) from None
        records = [rec for item in parsed for rec in item.projections.values()]
        if len(records) != 1:
            raise UploadRefused([UploadProblem(["body"], f"the upload describes {len(records)} "
                                               "models; send one",
                                               "one mldcat:MachineLearningModel per upload")])
        rec = records[0]
        if existing is None:
            require_edit_algorithm(user, rec, "create")
            if find_algorithm(session, rec.iri) is not None:
                raise UploadRefused([UploadProblem(["body", "iri"], f"an algorithm with IRI "
                                                   f"<{rec.iri}> exists already; replace that "
                                                   "one instead", "unique IRI")], status=409)
        else:
            require_edit_algorithm(user, rec, "change")
            if rec.iri != existing.iri:
                raise UploadRefused([UploadProblem(["body", "iri"], f"the upload describes "
                                                   f"<{rec.iri}>, not <{existing.iri}>",
                                                   "same model IRI")])
        try:
            prepared = prepare(session, parsed)
        except ImportRefused as exc:
            raise _refused(exc, folder) from None
        report = write_prepared(session, prepared)
    return report.records[0]

"""Gold-corpus readers: GraSCCo_PHI (JSONL) and the PhysioNet deid nursing notes.

Both give :class:`Document` objects whose spans carry Python ``str`` (code point) offsets into
``Document.text`` and a GeMTeX label from :data:`kimed.pipelines.deid.labels.PHI_LABELS`.
Every span is validated; a :class:`CorpusError` names the file, the line and document, and the
rule that failed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from kimed.pipelines.deid.labels import PHI_LABELS

_KNOWN = frozenset(PHI_LABELS)

PHYSIONET_LABELS: dict[str, str] = {
    "PTName": "NAME_PATIENT",
    "PTNameInitial": "NAME_PATIENT",
    "RelativeProxyName": "NAME_RELATIVE",
    "HCPName": "NAME_DOCTOR",
    "Date": "DATE",
    "DateYear": "DATE",
    "Age": "AGE",
    "Phone": "CONTACT_PHONE",
    # PhysioNet "Location" mixes hospitals, wards, towns and streets; no finer tag is recoverable.
    "Location": "LOCATION_OTHER",
    "Other": "OTHER",
}
"""PhysioNet deid PHI type -> GeMTeX label; any type not listed maps to OTHER."""


@dataclass(frozen=True, order=True)
class Span:
    """A labelled character range ``text[start:end]``."""

    start: int
    end: int
    label: str


@dataclass
class Document:
    """A text with its PHI spans, sorted by offset."""

    id: str
    text: str
    spans: list[Span] = field(default_factory=list)


class CorpusError(ValueError):
    """Invalid corpus input; the message names the file, the location and the rule broken."""

    def __init__(self, file: Path | str, where: str, rule: str, detail: str) -> None:
        self.file, self.where, self.rule = str(file), where, rule
        super().__init__(f"{file}: {where}: rule {rule!r} violated: {detail}")


def check_span(
    span: Span, text: str, file: Path | str, where: str, surface: str | None = None
) -> None:
    """Validate one span against its document text (offsets, label, optional surface text)."""
    if not (0 <= span.start < span.end <= len(text)):
        raise CorpusError(
            file,
            where,
            "offsets-in-text",
            f"span {span.start}-{span.end} is not a non-empty range within 0-{len(text)}",
        )
    if span.label not in _KNOWN:
        raise CorpusError(file, where, "known-label", f"label {span.label!r} is not a PHI tag")
    if surface is not None and text[span.start : span.end] != surface:
        raise CorpusError(
            file,
            where,
            "span-text-matches",
            f"span {span.start}-{span.end} reads {text[span.start : span.end]!r}, "
            f"file says {surface!r}",
        )


def read_grascco_jsonl(path: Path | str, *, unlabeled: str = "OTHER") -> list[Document]:
    """Read GraSCCo_PHI JSONL: one ``{"id", "text", "entities": [{start,end,label,text}]}`` a line.

    The source has one span without a ``kind``, stored as label ``UNLABELED``; it becomes
    ``unlabeled`` (OTHER by default, the tag set's catch-all).
    """
    path = Path(path)
    docs: list[Document] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"line {lineno}"
            try:
                obj = json.loads(line)
                doc_id, text, entities = str(obj["id"]), obj["text"], obj["entities"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise CorpusError(path, where, "json-record", str(exc)) from exc
            where = f"line {lineno}, document {doc_id!r}"
            if doc_id in seen:
                raise CorpusError(path, where, "unique-id", "document id repeated")
            seen.add(doc_id)
            spans = []
            for ent in entities:
                label = ent.get("label") or "UNLABELED"
                span = Span(
                    int(ent["start"]), int(ent["end"]), unlabeled if label == "UNLABELED" else label
                )
                check_span(span, text, path, where, ent.get("text"))
                spans.append(span)
            docs.append(Document(doc_id, text, sorted(spans)))
    return docs


_RECORD = re.compile(
    r"START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\n(.*?)\|\|\|\|END_OF_RECORD", re.S
)


def read_physionet_deid(folder: Path | str) -> list[Document]:
    """Read the PhysioNet deid gold standard from ``id.text`` and ``id-phi.phrase``.

    ``id.text`` holds records ``START_OF_RECORD=<pid>||||<note>||||\\n<body>||||END_OF_RECORD``;
    ``id-phi.phrase`` lines are ``<pid> <note> <start> <end> <type> <phrase>`` with offsets into
    the body. A document is one note, id ``"<pid>-<note>"``, text = the body.
    """
    folder = Path(folder)
    text_path, phrase_path = folder / "id.text", folder / "id-phi.phrase"
    raw = text_path.read_text(encoding="utf-8")
    docs: dict[tuple[str, str], Document] = {}
    for m in _RECORD.finditer(raw):
        key = (m.group(1), m.group(2))
        if key in docs:
            where = f"line {raw.count(chr(10), 0, m.start()) + 1}, document {'-'.join(key)!r}"
            raise CorpusError(text_path, where, "unique-id", "record repeated")
        docs[key] = Document(f"{key[0]}-{key[1]}", m.group(3))
    if raw.count("START_OF_RECORD") != len(docs):
        raise CorpusError(text_path, "file", "record-format", "unparseable START_OF_RECORD block")
    with phrase_path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split(" ", 5)
            where = f"line {lineno}"
            if len(parts) < 6 or not (parts[2].isdigit() and parts[3].isdigit()):
                raise CorpusError(phrase_path, where, "phrase-format", f"bad line {line!r}")
            key = (parts[0], parts[1])
            where = f"line {lineno}, document {'-'.join(key)!r}"
            if key not in docs:
                raise CorpusError(phrase_path, where, "known-document", "no such record in id.text")
            span = Span(int(parts[2]), int(parts[3]), PHYSIONET_LABELS.get(parts[4], "OTHER"))
            check_span(span, docs[key].text, phrase_path, where, parts[5])
            docs[key].spans.append(span)
    for doc in docs.values():
        doc.spans.sort()
    return list(docs.values())

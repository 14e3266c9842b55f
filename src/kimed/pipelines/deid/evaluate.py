"""Evaluation of predicted PHI spans against gold spans: pure functions over lists of Documents.

* **strict**: a predicted span is correct when a gold span has the same start, end and label.
* **relaxed**: a predicted span is correct when it overlaps (shares at least one character with)
  a gold span of the same label; a gold span is found when a predicted span of the same label
  overlaps it. Precision counts correct predicted spans, recall counts found gold spans.
* **token level** (label-agnostic): tokens are runs of word characters or single punctuation
  marks; a token is PHI when one of its characters lies inside a span.
* **leak rate** (label-agnostic): the share of gold PHI characters covered by no predicted span.
* **confusion**: (gold label, predicted label) for each overlapping pair, plus (gold, MISSED) and
  (SPURIOUS, predicted) for spans that overlap nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kimed.pipelines.deid.corpus import Document, Span

MISSED = "MISSED"
SPURIOUS = "SPURIOUS"
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    f2: float


@dataclass
class Counts:
    """Span counts: ``correct_pred`` predicted spans matched, ``found_gold`` gold spans matched."""

    gold: int = 0
    pred: int = 0
    found_gold: int = 0
    correct_pred: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.pred += other.pred
        self.found_gold += other.found_gold
        self.correct_pred += other.correct_pred

    def scores(self) -> Scores:
        p = self.correct_pred / self.pred if self.pred else 0.0
        r = self.found_gold / self.gold if self.gold else 0.0
        return Scores(p, r, f_beta(p, r, 1.0), f_beta(p, r, 2.0))


@dataclass
class EntityReport:
    per_label: dict[str, Scores]
    counts: dict[str, Counts]
    micro: Scores
    macro: Scores


@dataclass
class Report:
    strict: EntityReport
    relaxed: EntityReport
    token: Scores
    leak_rate: float
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)


def f_beta(precision: float, recall: float, beta: float) -> float:
    """F-beta; beta > 1 weights recall more (F2: recall counts four times as much)."""
    b2 = beta * beta
    denom = b2 * precision + recall
    return (1 + b2) * precision * recall / denom if denom else 0.0


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def pair_documents(gold: list[Document], pred: list[Document]) -> list[tuple[Document, Document]]:
    """Pair predictions with gold by id; a gold document without prediction gets no spans."""
    by_id = {d.id: d for d in pred}
    unknown = set(by_id) - {d.id for d in gold}
    if unknown:
        raise ValueError(f"predicted documents not in gold: {sorted(unknown)[:5]}")
    pairs = []
    for g in gold:
        p = by_id.get(g.id, Document(g.id, g.text, []))
        if p.text != g.text:
            raise ValueError(f"document {g.id!r}: predicted text differs from gold text")
        pairs.append((g, p))
    return pairs


def _doc_counts(gold: list[Span], pred: list[Span], strict: bool) -> dict[str, Counts]:
    counts: dict[str, Counts] = {}

    def c(label: str) -> Counts:
        return counts.setdefault(label, Counts())

    if strict:
        gold_left = Counter(gold)
        for s in pred:
            c(s.label).pred += 1
            if gold_left[s] > 0:
                gold_left[s] -= 1
                c(s.label).correct_pred += 1
                c(s.label).found_gold += 1
        for s in gold:
            c(s.label).gold += 1
        return counts
    for s in pred:
        c(s.label).pred += 1
        if any(g.label == s.label and _overlaps(g, s) for g in gold):
            c(s.label).correct_pred += 1
    for g in gold:
        c(g.label).gold += 1
        if any(s.label == g.label and _overlaps(g, s) for s in pred):
            c(g.label).found_gold += 1
    return counts


def entity_scores(gold: list[Document], pred: list[Document], *, strict: bool) -> EntityReport:
    """Entity-level P/R/F1/F2 per label, micro (pooled counts) and macro (mean over labels)."""
    counts: dict[str, Counts] = {}
    for g, p in pair_documents(gold, pred):
        for label, c in _doc_counts(g.spans, p.spans, strict).items():
            counts.setdefault(label, Counts()).add(c)
    per_label = {label: counts[label].scores() for label in sorted(counts)}
    total = Counts()
    for c in counts.values():
        total.add(c)
    n = len(per_label)
    macro = Scores(
        *(
            sum(getattr(s, k) for s in per_label.values()) / n if n else 0.0
            for k in Scores.__dataclass_fields__
        )
    )
    return EntityReport(per_label, counts, total.scores(), macro)


def _covered(spans: list[Span], length: int) -> list[bool]:
    mask = [False] * length
    for s in spans:
        mask[s.start : s.end] = [True] * (s.end - s.start)
    return mask


def token_scores(gold: list[Document], pred: list[Document]) -> Scores:
    """Label-agnostic token-level P/R/F1/F2."""
    tp = fp = fn = 0
    for g, p in pair_documents(gold, pred):
        gm, pm = _covered(g.spans, len(g.text)), _covered(p.spans, len(g.text))
        for m in _TOKEN.finditer(g.text):
            is_g, is_p = any(gm[m.start() : m.end()]), any(pm[m.start() : m.end()])
            tp += is_g and is_p
            fp += is_p and not is_g
            fn += is_g and not is_p
    pr = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    return Scores(pr, rc, f_beta(pr, rc, 1.0), f_beta(pr, rc, 2.0))


def leak_rate(gold: list[Document], pred: list[Document]) -> float:
    """Share of gold PHI characters that no predicted span covers (0.0 when there is no PHI)."""
    phi = leaked = 0
    for g, p in pair_documents(gold, pred):
        gm, pm = _covered(g.spans, len(g.text)), _covered(p.spans, len(g.text))
        phi += sum(gm)
        leaked += sum(1 for a, b in zip(gm, pm, strict=True) if a and not b)
    return leaked / phi if phi else 0.0


def confusion(gold: list[Document], pred: list[Document]) -> Counter[tuple[str, str]]:
    """Counts of (gold label, predicted label) over overlapping pairs, with MISSED / SPURIOUS."""
    table: Counter[tuple[str, str]] = Counter()
    for g, p in pair_documents(gold, pred):
        for gs in g.spans:
            hits = [ps for ps in p.spans if _overlaps(gs, ps)]
            for ps in hits:
                table[(gs.label, ps.label)] += 1
            if not hits:
                table[(gs.label, MISSED)] += 1
        for ps in p.spans:
            if not any(_overlaps(gs, ps) for gs in g.spans):
                table[(SPURIOUS, ps.label)] += 1
    return table


def evaluate(gold: list[Document], pred: list[Document]) -> Report:
    """All metrics at once."""
    return Report(
        strict=entity_scores(gold, pred, strict=True),
        relaxed=entity_scores(gold, pred, strict=False),
        token=token_scores(gold, pred),
        leak_rate=leak_rate(gold, pred),
        confusion=confusion(gold, pred),
    )

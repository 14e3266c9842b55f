"""The query language: parse what a user typed, expand synonyms, and compile for FTS5 or tsquery.

Syntax (see docs/search.md): words are ANDed; ``"heart failure"`` is a phrase; ``-word`` or
``-"a phrase"`` excludes; ``diab*`` is a prefix. A word or phrase that is a term of a synonym group
(kimed.vocab.synonyms) matches any term of that group, in either language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from kimed.catalog.search.text import stem, tokens

MAX_CLAUSES = 32
_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Alt:
    """One way to satisfy a clause: a sequence of stems (a phrase), the last one maybe a prefix."""

    terms: tuple[str, ...]
    prefix: bool = False


@dataclass
class Clause:
    alts: list[Alt]
    negated: bool = False


@dataclass
class Expression:
    positive: list[Clause] = field(default_factory=list)
    negative: list[Clause] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.positive or self.negative)

    def match_terms(self) -> tuple[set[str], set[str]]:
        """(stems, prefixes) of the positive clauses, for snippets."""
        words, prefixes = set(), set()
        for clause in self.positive:
            for alt in clause.alts:
                words.update(alt.terms[:-1] if alt.prefix else alt.terms)
                if alt.prefix:
                    prefixes.add(alt.terms[-1])
        return words, prefixes


@cache
def synonym_index() -> tuple[dict[tuple[str, ...], frozenset[Alt]], int]:
    """Stemmed term → every stemmed term of its groups; and the longest term length."""
    from kimed.vocab.synonyms import synonym_groups

    index: dict[tuple[str, ...], set[Alt]] = {}
    for group in synonym_groups():
        alts = {Alt(tuple(stem(t) for t in tokens(term))) for term in group.all_terms()}
        alts.discard(Alt(()))
        for alt in alts:
            index.setdefault(alt.terms, set()).update(alts)
    longest = max((len(k) for k in index), default=1)
    return {k: frozenset(v) for k, v in index.items()}, longest


def _expand(terms: tuple[str, ...]) -> list[Alt]:
    index, _ = synonym_index()
    found = index.get(terms)
    return sorted(found, key=lambda a: (a.terms != terms, a.terms)) if found else [Alt(terms)]


def _prefix_alts(word_tokens: list[str]) -> list[Alt]:
    head = tuple(stem(t) for t in word_tokens[:-1])
    last = word_tokens[-1]
    alts = [Alt((*head, last), prefix=True)]
    if stem(last) != last:
        alts.append(Alt((*head, stem(last)), prefix=True))
    return alts


def _plain_run(words: list[list[str]]) -> list[Clause]:
    """Clauses for consecutive plain words, matching the longest synonym terms first."""
    index, longest = synonym_index()
    stream = [(stem(t), n) for n, word in enumerate(words) for t in word]
    clauses, i = [], 0
    while i < len(stream):
        for size in range(min(longest, len(stream) - i), 0, -1):
            terms = tuple(s for s, _ in stream[i:i + size])
            if terms in index:
                clauses.append(Clause(_expand(terms)))
                i += size
                break
        else:
            word = stream[i][1]
            j = i
            while j < len(stream) and stream[j][1] == word:
                j += 1
            clauses.append(Clause([Alt(tuple(s for s, _ in stream[i:j]))]))
            i = j
    return clauses


def parse(text: str, typing: bool = False) -> Expression:
    """Parse user input into AND-ed clauses of OR-ed alternatives."""
    parts: list[tuple[str, bool, list[str]]] = []  # (kind, negated, tokens)
    for match in _PART.finditer(text or ""):
        minus, quoted, word = match.groups()
        if quoted is not None:
            parts.append(("phrase", bool(minus), tokens(quoted)))
            continue
        negated = word.startswith("-") and len(word) > 1
        word = word[1:] if negated else word
        kind = "prefix" if word.endswith("*") else "word"
        parts.append((kind, negated, tokens(word.rstrip("*"))))
    parts = [p for p in parts if p[2]]
    if typing and parts and parts[-1][0] == "word" and not parts[-1][1]:
        parts[-1] = ("prefix", False, parts[-1][2])
    expr, run = Expression(), []
    for kind, negated, toks in [*parts, ("end", False, [])]:
        if kind == "word" and not negated:
            run.append(toks)
            continue
        expr.positive += _plain_run(run)
        run = []
        if kind == "end":
            break
        if kind == "prefix":
            clause = Clause(_prefix_alts(toks), negated)
        else:
            clause = Clause(_expand(tuple(stem(t) for t in toks)), negated)
        (expr.negative if negated else expr.positive).append(clause)
    expr.positive = expr.positive[:MAX_CLAUSES]
    expr.negative = expr.negative[:MAX_CLAUSES]
    return expr


def _fts_alt(alt: Alt) -> str:
    return f'"{" ".join(alt.terms)}"' + (" *" if alt.prefix else "")


def _fts_clause(clause: Clause) -> str:
    return "(" + " OR ".join(_fts_alt(a) for a in clause.alts) + ")"


def to_fts5(clauses: list[Clause]) -> str:
    """An FTS5 MATCH expression requiring every clause."""
    return " AND ".join(_fts_clause(c) for c in clauses)


def to_fts5_any(clauses: list[Clause]) -> str:
    """An FTS5 MATCH expression for any of the clauses (used for exclusions)."""
    return " OR ".join(_fts_clause(c) for c in clauses)


def _ts_alt(alt: Alt, weights: str = "") -> str:
    lexemes = [f"'{t}'" + (f":{weights}" if weights else "") for t in alt.terms]
    if alt.prefix:
        lexemes[-1] = f"'{alt.terms[-1]}':*{weights}"
    return "(" + " <-> ".join(lexemes) + ")"


def _ts_clause(clause: Clause, weights: str = "") -> str:
    return "(" + " | ".join(_ts_alt(a, weights) for a in clause.alts) + ")"


def head_fts5(clauses: list[Clause]) -> str:
    """Like :func:`to_fts5`, but matching in the title and keywords only."""
    return "{title keywords} : (" + to_fts5(clauses) + ")"


def to_tsquery(expr: Expression) -> str:
    """A PostgreSQL tsquery (text form) for the whole expression."""
    parts = [_ts_clause(c) for c in expr.positive]
    if expr.negative:
        parts.append("!(" + " | ".join(_ts_clause(c) for c in expr.negative) + ")")
    return " & ".join(parts)


def to_tsquery_any(clauses: list[Clause]) -> str:
    """A PostgreSQL tsquery for any of the clauses (used for exclusions)."""
    return " | ".join(_ts_clause(c) for c in clauses)

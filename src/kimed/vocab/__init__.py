"""Controlled vocabularies used by HealthDCAT-AP Release 8 and DCAT-AP, in German and English.

Each vocabulary lives in one TOML file under ``data/`` that cites its source. Nothing is read at import
time: the files are loaded and checked on the first call to :func:`vocabularies` (or any lookup).
See docs/vocabularies.md.
"""

from kimed.vocab.loader import DATA_DIR, load_directory, load_file
from kimed.vocab.model import Concept, Vocabulary, VocabularyError
from kimed.vocab.registry import (
    check_value,
    get_vocabulary,
    lookup,
    vocabularies,
    vocabularies_for_property,
)

__all__ = [
    "DATA_DIR",
    "Concept",
    "Vocabulary",
    "VocabularyError",
    "check_value",
    "get_vocabulary",
    "load_directory",
    "load_file",
    "lookup",
    "vocabularies",
    "vocabularies_for_property",
]

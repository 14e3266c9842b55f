"""The SPE concept catalogue: requirements in versioned YAML (package data), their validation,
the crosswalk to SATRE and TEHDAS2, self-assessment, traceability to tests, and exports.

The format is described in docs/spe-requirements.md. Loading happens on call, never at import:
``load_catalogue()`` returns the shipped catalogue, ``validate_catalogue()`` its findings.
"""

from kimed.spe.requirements.loader import CatalogueError, load_catalogue
from kimed.spe.requirements.schema import (
    AREAS,
    CATEGORIES,
    Catalogue,
    Implementation,
    Requirement,
    Sources,
    Verification,
)
from kimed.spe.requirements.validate import Finding, validate_catalogue

__all__ = ["AREAS", "CATEGORIES", "Catalogue", "CatalogueError", "Finding", "Implementation",
           "Requirement", "Sources", "Verification", "load_catalogue", "validate_catalogue"]

"""Suitability assessment: judge datasets against a research profile, criterion by criterion.

See docs/suitability.md. Nothing here imports web or CLI code, and nothing runs at import time.
"""

from kimed.catalog.suitability.assess import (
    Assessment,
    DatasetAssessment,
    assess,
    assess_subjects,
    fit_score,
    rank,
    weights_for,
)
from kimed.catalog.suitability.compare import MAX_COMPARE, CompareError, compare, parse_ids
from kimed.catalog.suitability.criteria import Subject, criteria
from kimed.catalog.suitability.export import to_data, to_json, to_markdown
from kimed.catalog.suitability.feasibility import (
    FeasibilityProvider,
    FeasibilityResult,
    SpeNotBuilt,
    held_in_spe,
)
from kimed.catalog.suitability.profile import (
    ProfileError,
    ResearchProfile,
    dump_profile,
    load_profile,
    parse_profile,
)
from kimed.catalog.suitability.urlparams import profile_from_params, profile_query
from kimed.catalog.suitability.verdict import POINTS, Verdict
from kimed.catalog.suitability.weights import DEFAULT_WEIGHTS, WeightError

__all__ = [
    "DEFAULT_WEIGHTS", "MAX_COMPARE", "POINTS", "Assessment", "CompareError", "DatasetAssessment",
    "FeasibilityProvider", "FeasibilityResult", "ProfileError", "ResearchProfile", "SpeNotBuilt",
    "Subject", "Verdict", "WeightError", "assess", "assess_subjects", "compare", "criteria",
    "dump_profile", "fit_score", "held_in_spe", "load_profile", "parse_ids", "parse_profile",
    "profile_from_params", "profile_query", "rank", "to_data", "to_json", "to_markdown",
    "weights_for",
]

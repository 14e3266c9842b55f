"""The built-in criteria, in the order they are shown. Each lives in its own module."""

from __future__ import annotations

from kimed.catalog.suitability.criteria.access import Access
from kimed.catalog.suitability.criteria.base import Criterion, Subject
from kimed.catalog.suitability.criteria.conditions import Conditions
from kimed.catalog.suitability.criteria.data_types import DataTypes
from kimed.catalog.suitability.criteria.frequency import Frequency
from kimed.catalog.suitability.criteria.geography import Geography
from kimed.catalog.suitability.criteria.period import Period
from kimed.catalog.suitability.criteria.population import Population
from kimed.catalog.suitability.criteria.standards import Standards
from kimed.catalog.suitability.criteria.variables import Variables

BUILTINS: tuple[type[Criterion], ...] = (Conditions, Population, Geography, Period, DataTypes,
                                         Standards, Variables, Access, Frequency)


def criteria() -> list[Criterion]:
    """One instance of every built-in criterion."""
    return [cls() for cls in BUILTINS]


__all__ = ["BUILTINS", "Criterion", "Subject", "criteria"]

"""Variable-level metadata of datasets: CSVW data dictionaries (healthdcatap:hasVariables)."""

from kimed.catalog.variables.model import Variable, read_variables

__all__ = ["Variable", "read_variables"]

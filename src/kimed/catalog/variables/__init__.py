"""Variable-level metadata of datasets: CSVW data dictionaries (healthdcatap:hasVariables).

Reading (:func:`read_variables`), search terms (:func:`variable_terms`), and importing a
dictionary from CSV or XLSX (:mod:`.dictionary`, :mod:`.service`). See docs/variables.md.
"""

from kimed.catalog.variables.model import Variable, read_variables
from kimed.catalog.variables.terms import variable_terms

__all__ = ["Variable", "read_variables", "variable_terms"]

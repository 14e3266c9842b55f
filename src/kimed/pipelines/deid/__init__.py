"""De-identification of clinical text: labels, gold-corpus readers and evaluation metrics.

Importing this package imports nothing else; use the submodules :mod:`.labels`, :mod:`.corpus`
and :mod:`.evaluate`.
"""

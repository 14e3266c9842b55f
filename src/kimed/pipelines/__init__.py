"""Pipelines: the code that runs on data, through the contract in :mod:`kimed.pipelines.base`.

A pipeline knows nothing of the SPE: it reads a read-only input directory, writes one output
directory and reports progress through a callable. Importing this package imports nothing else.
"""

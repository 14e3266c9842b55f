"""The catalogue of AI algorithms: MLDCAT-AP 3.1.0 records with FAIR4ML and Hugging Face import.

A record is one ``mldcat:MachineLearningModel`` (namespace ``http://data.europa.eu/it6/``) with
everything that describes it, kept as canonical RDF plus a typed projection
(:class:`kimed.catalog.algorithms.model.AlgorithmRecord`). See docs/algorithms.md.
"""

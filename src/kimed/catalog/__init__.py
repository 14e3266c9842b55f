"""The Portal's domain: dataset records, their RDF, validation and storage."""

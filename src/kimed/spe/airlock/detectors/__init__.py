"""Detectors the content checks use: PHI in text, faces in images (interfaces and built-ins)."""

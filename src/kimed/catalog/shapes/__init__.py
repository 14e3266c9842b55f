"""Our SHACL shapes for HealthDCAT-AP Release 8 (Turtle package data; see docs/validation.md)."""

"""Rule-based PHI detectors and their registry; see :mod:`.base` (importing this imports nothing else)."""

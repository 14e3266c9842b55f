"""Demo content: real health data sources described in HealthDCAT-AP Release 8 (one Turtle file per dataset).

Each file cites, in its header comment, the public sources of the facts it states.
"""

from __future__ import annotations

from pathlib import Path


def demo_files() -> list[Path]:
    """The demo records (``*.ttl``), sorted by file name."""
    return sorted(Path(__file__).parent.glob("*.ttl"))

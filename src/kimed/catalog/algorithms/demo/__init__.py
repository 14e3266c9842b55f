"""Demo content: real published medical AI algorithms, and KIMed's own demonstrators, described in
MLDCAT-AP 3.1.0 (one Turtle file per algorithm).

Each file cites, in its header comment, the public sources of the facts it states, and says which
facts were left out because they could not be checked. The four ``kimed-*`` records describe KIMed's
demonstrator pipelines (``kimed:runnableInSPE true``); they say in their description that their
code is still being built.
"""

from __future__ import annotations

from pathlib import Path


def demo_files() -> list[Path]:
    """The demo algorithm records (``*.ttl``), sorted by file name."""
    return sorted(Path(__file__).parent.glob("*.ttl"))

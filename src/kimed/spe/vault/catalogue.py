"""The link from the vault to the Portal: which catalogue records the vault holds data for."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from kimed.spe.vault import layout
from kimed.spe.vault.errors import VaultError
from kimed.spe.vault.keys import MasterKey
from kimed.spe.vault.metadata import MANIFEST_FORMAT, read_manifest

log = logging.getLogger("kimed.spe.vault")


def held_datasets(data_dir: Path, master: MasterKey | None = None) -> set[str]:
    """Catalogue identifiers of the datasets held in the vault, in any project.

    Without a master key the manifests are read but not authenticated (the Portal may run without
    the key); with one, only manifests whose MAC verifies count, and the others are logged.
    """
    root = layout.vault_root(data_dir)
    held: set[str] = set()
    if not root.is_dir():
        return held
    for path in sorted(root.glob("*/datasets/ds-*/manifest.json")):
        project = path.parents[2].name
        try:
            if master is not None:
                identifier = read_manifest(path, master, project).dataset
            else:
                doc = json.loads(path.read_bytes())
                if doc.get("format") != MANIFEST_FORMAT or doc.get("project") != project:
                    continue
                identifier = doc.get("dataset")
        except (VaultError, ValueError, OSError) as exc:
            log.warning("skipping %s: %s", path, exc)
            continue
        if isinstance(identifier, str) and layout.dataset_dirname(identifier) == path.parent.name:
            held.add(identifier)
    return held

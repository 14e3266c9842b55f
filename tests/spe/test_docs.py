"""The SPE manual documents every `kimed spe` command and is linked from the README."""

from __future__ import annotations

from pathlib import Path

import typer.main

from kimed.cli.spe import app

ROOT = Path(__file__).parents[2]


def _names(group, prefix):
    out = []
    for name, command in group.commands.items():
        out.append(f"{prefix} {name}")
        if hasattr(command, "commands"):
            out += _names(command, f"{prefix} {name}")
    return out


def test_every_spe_command_in_cli_md():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    names = _names(typer.main.get_command(app), "kimed spe")
    assert "kimed spe requirements export" in names and len(names) >= 9
    for name in names:
        assert f"`{name}" in text, f"{name} missing from docs/cli.md"


def test_spe_manual_is_linked():
    manual = (ROOT / "docs" / "spe-requirements.md").read_text(encoding="utf-8")
    for part in ("pytest --junitxml", "evaluation.md", "KIM-TEC-IAM-001", "out-of-scope"):
        assert part in manual
    assert "docs/spe-requirements.md" in (ROOT / "README.md").read_text(encoding="utf-8")

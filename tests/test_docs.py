"""The manual stays true: every setting and every CLI command is documented."""

from __future__ import annotations

from pathlib import Path

import typer
import typer.main

from kimed.cli.main import app
from kimed.settings import Settings

DOCS = Path(__file__).parents[1] / "docs"
README = Path(__file__).parents[1] / "README.md"


def _commands(group, prefix: str = "kimed") -> list[str]:
    out = []
    for name, command in group.commands.items():
        out.append(f"{prefix} {name}")
        if hasattr(command, "commands"):
            out += _commands(command, f"{prefix} {name}")
    return out


def test_every_setting_is_documented():
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"KIMED_{name.upper()}" in text, f"KIMED_{name.upper()} missing from docs/settings.md"


def test_every_cli_command_is_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = _commands(typer.main.get_command(app))
    assert len(commands) >= 10
    for command in commands:
        assert f"`{command}" in text, f"{command} missing from docs/cli.md"


def test_readme_is_short_and_links_into_docs():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 120
    assert "make run" in text and "make test" in text
    for link in ("docs/data-model.md", "docs/cli.md", "docs/vocabularies.md"):
        assert link in text
        assert (README.parent / link).exists()

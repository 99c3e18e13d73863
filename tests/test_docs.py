"""Docs that cannot drift: every setting and CLI command is documented."""

from __future__ import annotations

from pathlib import Path

from thcm_graph.cli import main
from thcm_graph.config import describe_settings

REPO = Path(__file__).resolve().parent.parent


def test_every_setting_is_in_the_configuration_docs() -> None:
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name, _, _ in describe_settings():
        assert f"`{name}`" in text, name


def test_every_command_is_in_the_cli_docs() -> None:
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in main.commands:
        assert f"thcm {command}" in text, command


def test_readme_quick_start_is_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme

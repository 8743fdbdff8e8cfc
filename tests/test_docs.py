"""Every command of the CLI is documented in the README."""

from __future__ import annotations

from pathlib import Path

import typer.main

from newsgraph.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name in command_names() if f"newsgraph {name}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"

"""docs/cli.md, the command reference, is the commands' own --help, kept current."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_the_command_reference_is_current() -> None:
    # a new or changed command or option makes this fail: the message says how to regenerate
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "37", "TERM": "xterm-256color"},  # width and colour must not matter
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_reference_lists_every_command() -> None:
    from oms_cli.cli.app import command_tree

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    root = command_tree()
    for name, cmd in root.commands.items():
        assert f"\n## oms {name}\n" in text, name
        for sub in getattr(cmd, "commands", {}) or {}:
            assert f"\n## oms {name} {sub}\n" in text, f"{name} {sub}"

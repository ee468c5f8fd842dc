"""The root command: help, version, start-up cost, config and db commands, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from oms_cli.__main__ import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'reportlab', 'pydantic', 'alembic') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_every_command_has_help_with_an_example(oms) -> None:
    from oms_cli.cli.app import command_tree

    root = command_tree()
    missing = []

    def walk(cmd, path):  # type: ignore[no-untyped-def]
        sub = getattr(cmd, "commands", None)
        if sub:
            for name, c in sub.items():
                walk(c, path + [name])
        elif path:
            if not (cmd.help or "").strip() or "Example" not in (cmd.help or ""):
                missing.append(" ".join(path))

    walk(root, [])
    assert missing == []


def test_version(oms) -> None:
    r = oms("--version")
    assert r.exit_code == 0
    assert r.stdout.startswith("oms ")


def test_config_show_names_sources(oms, config_file) -> None:
    config_file({"release": {"allow_cod": False}})
    r = oms("--json", "config", "show", "release")
    assert r.exit_code == 0
    values = {v["key"]: v for v in r.json()["values"]}
    assert values["release.allow_cod"]["value"] is False
    assert values["release.allow_cod"]["source"].endswith("oms.yaml")
    assert values["release.partial_stock"]["source"] == "default"


def test_unknown_config_key_is_bad_input(oms, config_file) -> None:
    config_file({"release": {"alow_cod": False}})
    r = oms("config", "show")
    assert r.exit_code == 3
    assert "release.alow_cod" in r.stderr


def test_usage_error_exit_code(oms) -> None:
    r = oms("orders", "list", "--bogus")
    assert r.exit_code == 2


@pytest.mark.blank_store
def test_db_status_and_upgrade(oms) -> None:
    from oms_cli.store.migrations import HEAD
    from oms_cli.store.migrations.runner import history

    r = oms("--json", "db", "status")
    assert r.exit_code == 0
    assert r.json()["revision"] is None
    r = oms("--json", "db", "upgrade")
    # every packaged migration, oldest first, numbered without a gap
    applied = r.json()["applied"]
    assert applied == [f"{n:04d}" for n in range(1, len(applied) + 1)]
    assert applied == [rev for rev, _ in history()] and applied[-1] == HEAD
    r = oms("--json", "db", "upgrade")
    assert r.json()["applied"] == []


def test_not_found_exit_code(oms) -> None:
    r = oms("orders", "show", "shopify:nope")
    assert r.exit_code == 4
    assert "no such order" in r.stderr


def test_help_summaries_match_the_commands() -> None:
    from oms_cli.cli.app import COMMANDS, load_command

    for name, (_, summary) in COMMANDS.items():
        assert load_command(name).get_short_help_str(limit=300) == summary, name


def test_help_lists_every_command_and_loads_none(oms) -> None:
    import sys

    from oms_cli.cli.app import COMMANDS

    r = oms("--help")
    assert r.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in r.stdout
    code = (
        "import sys; from oms_cli.__main__ import main\n"
        "main(['--help'])\n"
        "print('LOADED=' + ','.join(sorted(m for m in sys.modules if m.startswith('oms_cli.cli.') and m not in ('oms_cli.cli.app', 'oms_cli.cli.context'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "LOADED="


def test_unknown_command_is_a_usage_error(oms) -> None:
    r = oms("shipp")
    assert r.exit_code == 2


def test_store_that_cannot_be_opened_is_unavailable(oms, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    r = oms("--db", str(blocker / "oms.db"), "orders", "list")
    assert r.exit_code == 7
    assert "cannot create the store's folder" in r.stderr
    r = oms("--db", "nosuchdialect://user:secret@127.0.0.1/x", "orders", "list")
    assert r.exit_code == 7
    assert "secret" not in r.stderr


def test_a_file_that_is_not_a_store_is_unavailable_and_left_alone(oms, tmp_path) -> None:
    f = tmp_path / "notes.db"
    f.write_text("shopping list")
    r = oms("--db", str(f), "orders", "list")
    assert r.exit_code == 7
    assert "file is not a database" in r.stderr
    assert f.read_text() == "shopping list"


def test_runs_without_any_standard_input(tmp_path) -> None:
    """cron may start oms with standard input closed: commands that do not read it still work."""
    import os

    from tests.conftest import EXAMPLES

    env = dict(os.environ, OMS_DB=str(tmp_path / "cron.db"))
    script = f"{sys.executable} -m oms_cli -q import {EXAMPLES / 'amazon_unshipped.txt'} <&- && {sys.executable} -m oms_cli --json orders list <&-"
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert '"ref": "amazon:' in out.stdout

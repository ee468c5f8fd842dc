"""The root command: help, version, start-up cost, config and db commands, exit codes."""

from __future__ import annotations

import subprocess
import sys


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
    from oms_cli.cli.app import app
    import typer.main

    root = typer.main.get_command(app)
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


def test_db_status_and_upgrade(oms) -> None:
    r = oms("--json", "db", "status")
    assert r.exit_code == 0
    assert r.json()["revision"] is None
    r = oms("--json", "db", "upgrade")
    assert r.json()["applied"] == ["0001", "0002"]
    r = oms("--json", "db", "upgrade")
    assert r.json()["applied"] == []


def test_not_found_exit_code(oms) -> None:
    r = oms("orders", "show", "shopify:nope")
    assert r.exit_code == 4
    assert "no such order" in r.stderr

"""Shared fixtures: every test gets its own home, store file and config directory.

`oms` runs the real command in-process (through the same entry point as the console
script, so exit codes are the documented ones) with stdout and stderr captured apart.
`oms_proc` runs it as a real subprocess, for concurrency and start-up tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


@dataclass
class Result:
    """What one `oms` run did."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self):  # type: ignore[no-untyped-def]
        """stdout parsed as JSON."""
        import json

        return json.loads(self.stdout)


@pytest.fixture(autouse=True)
def oms_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME, XDG dirs, OMS_DB and the working directory at a fresh temp dir."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("OMS_DB", str(tmp_path / "oms.db"))
    monkeypatch.delenv("OMS_CONFIG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def db_path(oms_home: Path) -> Path:
    """The test's store file."""
    return oms_home / "oms.db"


@pytest.fixture
def config_file(oms_home: Path):  # type: ignore[no-untyped-def]
    """Write ./oms.yaml for the test: config_file({'release': {'allow_cod': False}})."""
    import yaml

    def write(data: dict) -> Path:
        path = oms_home / "oms.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def oms():  # type: ignore[no-untyped-def]
    """Run `oms ARGS…` in-process: oms('orders', 'list', input='…') -> Result."""
    from typer.testing import CliRunner

    from oms_cli.__main__ import main

    def run(*args: str, input: str | bytes | None = None) -> Result:
        runner = CliRunner()
        with runner.isolation(input=input) as (out, err, *_):
            code = main([str(a) for a in args])
            sys.stdout.flush()
            sys.stderr.flush()
            stdout = out.getvalue().decode("utf-8", "replace")
            stderr = err.getvalue().decode("utf-8", "replace") if err is not None else ""
        from oms_cli.cli import context

        context.reset()
        return Result(code, stdout, stderr)

    return run


@pytest.fixture
def oms_proc():  # type: ignore[no-untyped-def]
    """Start `oms ARGS…` as a real process: oms_proc('import', f) -> Popen (text mode)."""

    def start(*args: str, input: str | None = None, env: dict | None = None) -> subprocess.Popen:
        e = dict(os.environ)
        e.update(env or {})
        return subprocess.Popen(
            [sys.executable, "-m", "oms_cli", *map(str, args)],
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=e,
        )

    return start


@pytest.fixture
def store(db_path: Path):  # type: ignore[no-untyped-def]
    """The test's store, opened (and migrated) directly."""
    from oms_cli.store.engine import Store

    s = Store(str(db_path), busy_timeout_s=30)
    yield s
    s.dispose()


def table_counts(db: Path) -> dict[str, int]:
    """Row count of every table: compare before/after to prove nothing changed."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        names = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def store_digest(db: Path) -> str:
    """A digest of every row of every table: equal digests mean an unchanged store."""
    import hashlib
    import sqlite3

    con = sqlite3.connect(db)
    h = hashlib.sha256()
    try:
        names = sorted(
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        )
        for n in names:
            h.update(n.encode())
            for row in con.execute(f'SELECT * FROM "{n}" ORDER BY 1'):
                h.update(repr(row).encode())
    finally:
        con.close()
    return h.hexdigest()

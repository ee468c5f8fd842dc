"""Shared fixtures: every test gets its own home, store file and config directory.

`oms` runs the real command in-process (through the same entry point as the console
script, so exit codes are the documented ones) with stdout and stderr captured apart.
`oms_proc` runs it as a real subprocess, for concurrency and start-up tests.

With OMS_TEST_DB=postgresql the whole suite runs against PostgreSQL: the session
starts a throwaway server (tests/pg_server.py) and every test gets a blank database
of its own as its store (OMS_DB is then that database's URL). Tests about the SQLite
file itself are marked ``sqlite_only`` and skipped there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.storedb import POSTGRESQL, store_digest, table_counts

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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about the SQLite file itself; skipped on PostgreSQL")
    config.addinivalue_line("markers", "postgresql_only: about PostgreSQL; skipped on SQLite")
    config.addinivalue_line("markers", "blank_store: starts from a store no command has opened (not migrated)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    other = "sqlite_only" if POSTGRESQL else "postgresql_only"
    skip = pytest.mark.skip(reason=f"{other}: this run's store is {'PostgreSQL' if POSTGRESQL else 'SQLite'}")
    for item in items:
        if other in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def pg_server():  # type: ignore[no-untyped-def]
    """The session's PostgreSQL server (started on first use, stopped at the end)."""
    from tests.pg_server import PgServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        pytest.exit(
            "OMS_TEST_DB=postgresql needs the PostgreSQL server binaries (initdb, pg_ctl, postgres): "
            "apt-get install postgresql, or set OMS_TEST_PG_BIN to their folder",
            returncode=3,
        )
    server = PgServer(bindir)
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        pytest.exit(f"could not start PostgreSQL from {bindir}: {exc}", returncode=3)
    # Migrating a store takes a second or two on PostgreSQL: most tests start from a
    # copy of one migrated once (what the first command would have done anyway).
    from oms_cli.store.engine import Store

    server.create_database("oms_template")
    Store(server.url("oms_template")).dispose()
    yield server
    server.stop()


_databases = iter(range(1, 1 << 30))


@pytest.fixture
def pg_database(request: pytest.FixtureRequest) -> str:  # type: ignore[misc]
    """A PostgreSQL database of this test's own, migrated (blank for tests marked
    ``blank_store``): its URL (dropped afterwards)."""
    server = request.getfixturevalue("pg_server")
    name = f"t{os.getpid()}_{next(_databases)}"
    blank = request.node.get_closest_marker("blank_store") is not None
    server.create_database(name, template=None if blank else "oms_template")
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture(autouse=True)
def oms_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """Point HOME, XDG dirs, OMS_DB and the working directory at a fresh temp dir.

    On PostgreSQL, OMS_DB is a blank database of the test's own instead of a file.
    """
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    if POSTGRESQL:
        monkeypatch.setenv("OMS_DB", request.getfixturevalue("pg_database"))
    else:
        monkeypatch.setenv("OMS_DB", str(tmp_path / "oms.db"))
    monkeypatch.delenv("OMS_CONFIG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def db_path(oms_home: Path) -> Path:
    """The test's store: its file on SQLite, its URL (a str) on PostgreSQL."""
    if POSTGRESQL:
        return os.environ["OMS_DB"]  # type: ignore[return-value]
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

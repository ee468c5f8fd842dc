"""A throwaway PostgreSQL server for the test session (OMS_TEST_DB=postgresql).

The server binaries come from the machine (Debian's ``postgresql`` package, or any
``pg_config`` on the PATH, or OMS_TEST_PG_BIN); the cluster lives in a temp folder,
listens on 127.0.0.1 at a free port, trusts local connections except for one role
that needs a password (for the wrong-password test), and is stopped and deleted when
the session ends. Durability is off (fsync, full page writes): the data is thrown away.

initdb and postgres refuse to run as root; as root the cluster belongs to ``nobody``.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

#: the role whose password the tests know (every other role is trusted)
PASSWORD_ROLE = "oms_pw"
PASSWORD = "right-password"


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None where none is installed."""
    candidates: list[str] = []
    if os.environ.get("OMS_TEST_PG_BIN"):
        candidates.append(os.environ["OMS_TEST_PG_BIN"])
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(out.stdout.strip())

    def major(path: str) -> int:
        m = re.search(r"/(\d+)/bin$", path)
        return int(m.group(1)) if m else 0

    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True)
    for c in candidates:
        if all((Path(c) / exe).exists() for exe in ("initdb", "pg_ctl", "postgres")):
            return Path(c)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One cluster: ``start()``, ``url(dbname)``, ``create_database()``, ``stop()``."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="oms-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self.user: str | None = "nobody" if os.geteuid() == 0 else None
        self._admin = None

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        out = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            user=self.user,
            group="nogroup" if self.user else None,
            extra_groups=[] if self.user else None,
            cwd=self.root,
        )
        if out.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({out.returncode}): {out.stderr.strip() or out.stdout.strip()}")
        return out

    def start(self) -> None:
        """initdb a new cluster and start it; raises RuntimeError with the server's log when it cannot."""
        if self.user:
            shutil.chown(self.root, self.user, "nogroup")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"
        )
        with open(self.data / "pg_hba.conf", "w") as f:
            f.write(
                f"local all all trust\nhost all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\n"
            )
        for attempt in range(5):
            self.port = _free_port()
            with open(self.data / "postgresql.auto.conf", "w") as f:
                f.write(
                    "listen_addresses = '127.0.0.1'\n"
                    f"port = {self.port}\n"
                    f"unix_socket_directories = '{self.root}'\n"
                    "max_connections = 300\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                    "shared_buffers = 64MB\n"
                    "log_min_messages = warning\n"
                )
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "start")
                break
            except RuntimeError:
                if attempt == 4:
                    log = (self.root / "log").read_text(errors="replace") if (self.root / "log").exists() else ""
                    raise RuntimeError(f"PostgreSQL did not start:\n{log[-2000:]}") from None
                time.sleep(0.2)
        with self.admin().cursor() as cur:
            cur.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")

    def admin(self):  # type: ignore[no-untyped-def]
        """An autocommit psycopg connection to the ``postgres`` database."""
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(
                f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
            )
        return self._admin

    def url(self, dbname: str, user: str = "postgres", password: str | None = None) -> str:
        """The SQLAlchemy URL of one database of this server."""
        auth = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{auth}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> None:
        """A new database: blank, or a copy of ``template``."""
        copy = f' TEMPLATE "{template}"' if template else ""
        self.admin().execute(f'CREATE DATABASE "{name}"{copy}')

    def drop_database(self, name: str) -> None:
        """Drop a database, ending any session still connected to it."""
        self.admin().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server at once and delete the cluster."""
        if self._admin is not None:
            self._admin.close()
        if (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except RuntimeError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)

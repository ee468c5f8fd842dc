"""Where the files that belong with the store are kept (return labels, e-mail attachments).

Beside a SQLite store file, so they travel with it; in ``store.files_dir`` when the
config names one: for a PostgreSQL store used by several stations that is a folder
they all share (a network share), or a label made at one station cannot be printed
or sent from another. Without either, the user's data folder on this machine.
"""

from __future__ import annotations

import weakref
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

_configured: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()


def configure(engine: Engine, folder: str | Path | None) -> None:
    """Keep this store's files in ``folder`` (None: the default place)."""
    if folder:
        _configured[engine] = Path(folder).expanduser()
    else:
        _configured.pop(engine, None)


def files_dir(conn: Connection) -> Path:
    """The folder holding the store's files, for the store ``conn`` belongs to."""
    from oms_cli.core import paths

    configured = _configured.get(conn.engine)
    if configured is not None:
        return configured
    url = conn.engine.url
    database = url.database if url.get_backend_name() == "sqlite" else None
    return Path(database).resolve().parent if database and database != ":memory:" else paths.data_dir()

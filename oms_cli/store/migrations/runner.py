"""Running the migrations on a connection that already holds the write lock."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

_HERE = Path(__file__).parent


def alembic_config(conn: Connection | None = None) -> AlembicConfig:
    """An Alembic config pointing at the packaged scripts (and a connection, if given)."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(_HERE))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def script_head() -> str:
    """The newest revision in the packaged scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revision(revision: str) -> bool:
    """Whether the packaged scripts know ``revision`` (a newer oms may have written it)."""
    script = ScriptDirectory.from_config(alembic_config())
    return any(s.revision == revision for s in script.walk_revisions())


def upgrade(conn: Connection, revision: str = "head") -> list[str]:
    """Upgrade to ``revision`` inside the caller's transaction; return applied revisions."""
    before = MigrationContext.configure(conn).get_current_revision()
    command.upgrade(alembic_config(conn), revision)
    after = MigrationContext.configure(conn).get_current_revision()
    if before == after:
        return []
    script = ScriptDirectory.from_config(alembic_config())
    applied = [s.revision for s in script.iterate_revisions(after, before)]
    return list(reversed(applied))


def history() -> list[tuple[str, str]]:
    """Every revision with its message, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [(s.revision, s.doc or "") for s in reversed(list(script.walk_revisions()))]

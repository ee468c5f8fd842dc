"""The global options of one `oms` invocation, and lazy access to config and store."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oms_cli.core.config import Config
    from oms_cli.store.engine import Store


@dataclass
class State:
    """What the global options asked for; config and store are opened on first use."""

    db: str | None = None
    config_path: str | None = None
    json: bool = False
    quiet: bool = False
    debug: bool = False
    _config: Config | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        """The effective configuration (loaded once)."""
        if self._config is None:
            from oms_cli.core.config import load_config

            self._config = load_config(self.config_path)
        return self._config

    @property
    def db_location(self) -> str:
        """The store location in force: --db / OMS_DB, else the default data file."""
        if self.db:
            return self.db
        from oms_cli.core.paths import default_db_path

        return str(default_db_path())

    @property
    def store(self) -> Store:
        """The store (opened, and migrated if needed, on first use)."""
        if self._store is None:
            from oms_cli.store import files
            from oms_cli.store.engine import Store

            timeout = float(self.config.get("store.busy_timeout_s", 30))
            self._store = Store(self.db_location, busy_timeout_s=timeout)
            files.configure(self._store.engine, self.config.get("store.files_dir"))
        return self._store

    def close(self) -> None:
        """Release the store's connections."""
        if self._store is not None:
            self._store.dispose()
            self._store = None


_current = State()


def state() -> State:
    """The state of the running invocation."""
    return _current


def reset(**kwargs: Any) -> State:
    """Start a new invocation's state (called by the root callback)."""
    global _current
    _current.close()
    _current = State(**kwargs)
    return _current


def no_color() -> bool:
    """Colour is off when NO_COLOR is set (see no-color.org)."""
    return "NO_COLOR" in os.environ

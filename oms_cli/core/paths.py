"""Where oms keeps its store, configuration and logs by default (XDG on Linux)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    if value:
        return Path(value)
    return Path.home() / fallback


def data_dir() -> Path:
    """The user's data directory for oms (``~/.local/share/oms``)."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "oms"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "oms"
    return _xdg("XDG_DATA_HOME", ".local/share") / "oms"


def config_dir() -> Path:
    """The user's configuration directory for oms (``~/.config/oms``)."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "oms"
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", Path.home())) / "oms"
    return _xdg("XDG_CONFIG_HOME", ".config") / "oms"


def state_dir() -> Path:
    """Where logs of unexpected errors go (``~/.local/state/oms``)."""
    if os.name == "nt" or sys.platform == "darwin":
        return data_dir() / "logs"
    return _xdg("XDG_STATE_HOME", ".local/state") / "oms"


def default_db_path() -> Path:
    """The default SQLite store file."""
    return data_dir() / "oms.db"

"""What a channel client is given and how one is built for a connection."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from oms_cli.channels import KINDS
from oms_cli.channels.secrets import read


@dataclass
class Connection:
    """A stored connection as a client sees it (credentials read on use, never kept here)."""

    id: int
    name: str
    kind: str
    base_url: str
    account: str | None
    secrets: dict[str, str]
    options: dict[str, Any] = field(default_factory=dict)

    def secret(self, name: str) -> str:
        """A credential's value, from where the connection says it is kept."""
        return read(self.name, name, self.secrets[name])


@dataclass
class ClientSettings:
    """How a client talks to its channel (the config's ``channels:`` section) and how
    it reads orders (the config's ``import:`` section)."""

    imports: Any
    tries: int = 4
    backoff_s: float = 1.0
    max_wait_s: float = 60.0
    timeout_s: float = 30.0
    page_size: int = 50


def client_for(connection: Connection, settings: ClientSettings) -> Any:
    """The client of the connection's channel (imports httpx)."""
    module = importlib.import_module(f"oms_cli.channels.{KINDS[connection.kind][0]}")
    return module.Client(connection, settings)

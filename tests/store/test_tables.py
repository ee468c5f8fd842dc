"""The store exports every table SQLModel declares, once, as a Core ``Table``."""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel import SQLModel

from oms_cli.store import tables


def test_every_declared_table_is_exported_under_its_own_name() -> None:
    exported = {name: t for name, t in vars(tables).items() if isinstance(t, Table)}
    assert {t.name for t in exported.values()} == set(SQLModel.metadata.tables)
    assert all(name == t.name and t is SQLModel.metadata.tables[name] for name, t in exported.items())

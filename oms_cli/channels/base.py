"""What every channel client shares: the page it returns, its errors, and a reader for
the API's JSON that names the field it refuses. Pure: no database, no HTTP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from oms_cli.core.errors import BadInput, Refused, Unavailable
from oms_cli.importers import cells
from oms_cli.importers.cells import CellError


class ChannelUnavailable(Unavailable):
    """The channel could not be reached, kept failing or refused the credentials."""


class PageRefused(BadInput):
    """A channel's answer is malformed or unexpected: that page is refused whole."""


class PushRefused(Refused):
    """The channel refused tracking for good (its own message is kept)."""


class AnswerLost(Unavailable):
    """A push may or may not have reached the channel (the connection broke, or a 5xx came
    back): it is tried again only after asking the channel whether it has it."""


class RetryLater(Unavailable):
    """The channel asked to wait longer than a sync waits (429 with a long Retry-After)."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@dataclass
class Pulled:
    """One order of a page: its canonical dict, the channel's own id for it and what
    pushing tracking needs later (fulfilment order ids, line item ids …)."""

    order: dict[str, Any]
    remote_id: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Page:
    """One page of orders and the token of the next (None: this was the last)."""

    orders: list[Pulled]
    next_page: str | None
    endpoint: str


@dataclass(frozen=True)
class Shipment:
    """One package to tell the channel about."""

    ref: str
    external_id: str
    remote_id: str
    data: dict[str, Any]
    package_no: int
    packages: int  # how many the order has
    carrier: str
    carrier_name: str
    service: str | None
    tracking: str
    tracking_url: str | None
    shipped_at: datetime
    lines: list[dict[str, Any]]  # sku, quantity, line_id of the items in this package (all of them when unknown)
    last: bool  # the order's last package to be pushed


class Fields:
    """Typed access to one JSON object of a channel's answer; a wrong or missing value
    raises :class:`CellError` naming the field by its path (``shippingAddress.zip``)."""

    def __init__(self, data: Any, path: str = "") -> None:
        if not isinstance(data, dict):
            raise CellError(path or "(order)", f"is {_kind(data)}, expected an object")
        self.data = data
        self.path = path

    def _name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str) -> Any:
        """The value as the channel gave it (dotted keys walk nested objects; None when absent)."""
        value: Any = self.data
        for part in key.split("."):
            if value is None:
                return None
            if not isinstance(value, dict):
                raise CellError(self._name(key), f"is {_kind(value)}, expected an object")
            value = value.get(part)
        return value

    def text(self, key: str) -> str | None:
        """A text value, stripped; None when absent or blank."""
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise CellError(self._name(key), f"is {_kind(value)}, expected text")
        return str(value).strip() or None

    def required(self, key: str) -> str:
        """A text value that must be there."""
        value = self.text(key)
        if value is None:
            raise CellError(self._name(key), "is missing")
        return value

    def number(self, key: str) -> int:
        """A whole number that must be there."""
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().isdigit():
                return int(value)
            raise CellError(self._name(key), "is missing" if value is None else f"is {value!r}, expected a number")
        return value

    def quantity(self, key: str) -> int:
        """A line quantity (at least 1)."""
        return cells.quantity(str(self.number(key)), self._name(key))

    def money(self, key: str) -> Decimal | None:
        """An amount given as a decimal string or number; None when absent."""
        value = self.raw(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise CellError(self._name(key), f"is {_kind(value)}, expected an amount")
        return cells.money(str(value), self._name(key))

    def time(self, key: str) -> datetime:
        """An ISO 8601 time that must be there, as aware UTC."""
        return cells.timestamp(self.required(key), self._name(key))

    def optional_time(self, key: str) -> datetime | None:
        """An ISO 8601 time, None when absent."""
        value = self.text(key)
        return cells.timestamp(value, self._name(key)) if value else None

    def country(self, key: str) -> str | None:
        """A country (code or English name) as ISO alpha-2."""
        return cells.country(self.text(key) or "", self._name(key))

    def currency(self, key: str) -> str | None:
        """An ISO 4217 code."""
        return cells.currency(self.text(key) or "", self._name(key))

    def obj(self, key: str) -> Fields | None:
        """A nested object, None when absent or null."""
        value = self.raw(key)
        return None if value is None else Fields(value, self._name(key))

    def items(self, key: str, required: bool = False) -> list[Fields]:
        """A list of objects (empty when absent, unless required)."""
        value = self.raw(key)
        if value is None:
            if required:
                raise CellError(self._name(key), "is missing")
            return []
        if not isinstance(value, list):
            raise CellError(self._name(key), f"is {_kind(value)}, expected a list")
        return [Fields(v, f"{self._name(key)}[{i}]") for i, v in enumerate(value)]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def refuse(connection: str, endpoint: str, order: str | None, field_name: str | None, message: str) -> PageRefused:
    """The one line that refuses a page: connection, endpoint, order and field."""
    where = f"connection '{connection}': {endpoint}"
    what = f"order {order}" if order else "the page"
    return PageRefused(
        f"{where}: {what}: {field_name + ' ' if field_name else ''}{message}; page refused, nothing of it stored",
        hint="the next sync asks for this page again",
    )


def convert_all(
    connection: str, endpoint: str, items: list[Any], one: Callable[[Fields], Pulled], id_key: str
) -> list[Pulled]:
    """Convert every order of a page, or refuse the whole page at the first bad field."""
    out = []
    for index, item in enumerate(items):
        label = f"#{index + 1} of the page"
        try:
            fields = Fields(item)
            label = str(fields.raw(id_key) or label)
            out.append(one(fields))
        except CellError as exc:
            raise refuse(connection, endpoint, label, exc.column, exc.message) from None
    return out


def json_object(connection: str, endpoint: str, response: Any) -> dict[str, Any]:
    """The answer's body as a JSON object, or the page refused."""
    try:
        body = response.json()
    except ValueError:
        snippet = response.text[:60].replace("\n", " ")
        raise refuse(connection, endpoint, None, None, f"the answer is not JSON ({snippet!r})") from None
    if not isinstance(body, dict):
        raise refuse(connection, endpoint, None, None, f"the answer is {_kind(body)}, expected an object")
    return body

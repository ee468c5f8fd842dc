"""The scan loop of `oms pack verify`: checking every unit of an order against a scanner, as a state machine.

A keyboard-wedge scanner types a code and Enter. At the packing bench the packer
scans each unit (a product barcode, or the SKU typed by hand) before it goes into
the box. A unit the order needs is accepted; a product the order does not contain
(``wrong``), one unit more than the order needs (``extra``) and a code oms does not
know (``unknown``) are refused loudly and recorded for the accuracy metrics.

Words: ``qty N CODE`` accepts N units of one product at once, ``undo`` takes back
the last accepted unit, ``done`` ends the session (whatever is left is missing),
``help`` lists these.

:class:`VerifySession` takes the order as plain data, is fed one line at a time and
answers with :class:`Event` s, while it collects the :class:`Scan` s the packing
service records. This module never touches the store.

Pure module: plain data in, plain data out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

ScanResult = Literal["ok", "wrong", "extra", "unknown"]
EventKind = Literal["ok", "wrong", "extra", "unknown", "complete", "end", "help", "prompt", "undo", "refused"]
Level = Literal["ok", "info", "warn", "error"]

_END_WORDS: Final = frozenset({"done", "end", "quit", "exit", "q"})
_QTY: Final = re.compile(r"^(?:qty|quantity)\s+(\S+)\s+(.+)$", re.IGNORECASE)
#: GTIN lengths: the same product may be read as UPC-A (12 digits) or EAN-13 with a leading 0
_GTIN_LENGTHS: Final = frozenset({8, 12, 13, 14})
HELP_TEXT: Final = (
    "scan each unit (product barcode, or type the SKU) before it goes in the box; "
    "'qty N CODE' = N units of one product, 'undo' = take back the last unit, 'done' = stop (the rest is missing)"
)


@dataclass(frozen=True)
class ExpectedLine:
    """A line of the order to verify; free lines (gifts, thank-you cards) are scanned like any other."""

    sku: str
    quantity: int
    name: str | None = None
    free: bool = False


@dataclass(frozen=True)
class Scan:
    """One scan as it is recorded: the code as read, the product it named (if any) and the verdict."""

    code: str
    sku: str | None
    result: ScanResult


@dataclass(frozen=True)
class Event:
    """Something to tell the packer: a kind scripts can test, a level for colour, the words, and whether to ring the bell."""

    kind: EventKind
    level: Level
    message: str
    bell: bool = False


@dataclass(frozen=True)
class Missing:
    """Units of one product that were not verified."""

    sku: str
    quantity: int
    name: str | None = None


def code_key(code: str) -> str:
    """The lookup key of a scanned code: GTINs compared as 14 digits, so UPC-A and its EAN-13 match."""
    text = code.strip()
    if text.isascii() and text.isdigit() and len(text) in _GTIN_LENGTHS:
        return text.zfill(14)
    return text


@dataclass
class VerifySession:
    """The state of one packer verifying one order; feed it scans, read its events and scans."""

    lines: Sequence[ExpectedLine]
    #: barcode as stored -> SKU (every product, so that a wrong item is named, not just unknown)
    barcodes: Mapping[str, str]
    #: SKUs of the catalogue (typed by hand instead of scanning)
    skus: Iterable[str] = ()
    expected: dict[str, int] = field(default_factory=dict)
    verified: dict[str, int] = field(default_factory=dict)
    scans: list[Scan] = field(default_factory=list)
    finished: bool = False
    _names: dict[str, str | None] = field(default_factory=dict, repr=False)
    _codes: dict[str, str] = field(default_factory=dict, repr=False)
    _skus_folded: dict[str, str] = field(default_factory=dict, repr=False)
    _accepted: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for line in self.lines:
            if line.quantity <= 0:
                continue
            self.expected[line.sku] = self.expected.get(line.sku, 0) + line.quantity
            self._names.setdefault(line.sku, line.name)
        self.verified = {sku: 0 for sku in self.expected}
        self._codes = {code_key(code): sku for code, sku in self.barcodes.items()}
        for sku in [*self.skus, *self.expected]:
            self._skus_folded.setdefault(sku.casefold(), sku)
        self.finished = not self.expected

    # --- reading the state ---------------------------------------------------------

    @property
    def units(self) -> int:
        """Units the order has in all."""
        return sum(self.expected.values())

    @property
    def remaining(self) -> int:
        """Units still to verify."""
        return sum(self.expected[s] - self.verified[s] for s in self.expected)

    @property
    def complete(self) -> bool:
        """Whether every unit has been verified."""
        return self.remaining == 0

    @property
    def missing(self) -> list[Missing]:
        """Products with units not verified, in the order's line order."""
        return [
            Missing(sku, self.expected[sku] - self.verified[sku], self._names.get(sku))
            for sku in self.expected
            if self.verified[sku] < self.expected[sku]
        ]

    def prompt(self) -> str:
        """What to do next, in one line."""
        if self.complete:
            return "all units verified"
        left = self.remaining
        return f"scan the next item ({left} unit{'s' if left != 1 else ''} to go; 'done' to stop, 'help' for help)"

    # --- scans ---------------------------------------------------------------------

    def verify_all(self) -> None:
        """Take every unit as verified without scanning (trusting the pick); records no scans."""
        self.verified = dict(self.expected)
        self.finished = True

    def resolve(self, code: str) -> str | None:
        """The SKU a scanned code or typed SKU names, or None if oms does not know it."""
        text = code.strip()
        sku = self._codes.get(code_key(text))
        if sku is not None:
            return sku
        if text in self.expected:
            return text
        return self._skus_folded.get(text.casefold())

    def feed(self, line: str) -> list[Event]:
        """Handle one scanned or typed line and say what happened."""
        text = line.strip()
        if self.finished:
            return [Event("refused", "error", "this verification has ended")]
        if not text:
            return [Event("prompt", "info", self.prompt())]
        word = text.lower()
        if word in _END_WORDS:
            return self._end()
        if word in ("help", "?"):
            return [Event("help", "info", HELP_TEXT), Event("prompt", "info", self.prompt())]
        if word == "undo":
            return self._undo()
        qty = _QTY.match(text)
        if qty:
            return self._many(qty.group(1), qty.group(2).strip())
        return self._one(text)

    def _one(self, code: str) -> list[Event]:
        sku = self.resolve(code)
        if sku is None:
            self.scans.append(Scan(code, None, "unknown"))
            return [
                Event(
                    "unknown",
                    "error",
                    f"UNKNOWN CODE {code!r}: not a product oms knows. Put it aside; {self.prompt()}",
                    bell=True,
                )
            ]
        if sku not in self.expected:
            self.scans.append(Scan(code, sku, "wrong"))
            return [
                Event(
                    "wrong",
                    "error",
                    f"WRONG ITEM {sku}{self._name(sku)}: not in this order. Put it back; {self.prompt()}",
                    bell=True,
                )
            ]
        if self.verified[sku] >= self.expected[sku]:
            self.scans.append(Scan(code, sku, "extra"))
            need = self.expected[sku]
            return [
                Event(
                    "extra",
                    "error",
                    f"ONE TOO MANY {sku}: the order needs {need}, all {need} already scanned. Put it back; {self.prompt()}",
                    bell=True,
                )
            ]
        self.verified[sku] += 1
        self.scans.append(Scan(code, sku, "ok"))
        self._accepted.append(len(self.scans) - 1)
        events = [Event("ok", "ok", f"{sku}{self._name(sku)}: {self.verified[sku]} of {self.expected[sku]}")]
        return events + self._after_accept()

    def _many(self, amount: str, code: str) -> list[Event]:
        if not amount.isdigit() or int(amount) < 1:
            return [Event("refused", "error", f"'qty {amount}': say how many units, e.g. 'qty 3 {code}'")]
        count = int(amount)
        sku = self.resolve(code)
        if sku is None or sku not in self.expected:
            return self._one(code)
        left = self.expected[sku] - self.verified[sku]
        if count > left:
            self.scans.append(Scan(code, sku, "extra"))
            return [
                Event(
                    "extra",
                    "error",
                    f"TOO MANY {sku}: {count} scanned, but only {left} more {'is' if left == 1 else 'are'} needed. Count again; {self.prompt()}",
                    bell=True,
                )
            ]
        for _ in range(count):
            self.verified[sku] += 1
            self.scans.append(Scan(code, sku, "ok"))
            self._accepted.append(len(self.scans) - 1)
        events = [Event("ok", "ok", f"{count} x {sku}{self._name(sku)}: {self.verified[sku]} of {self.expected[sku]}")]
        return events + self._after_accept()

    def _undo(self) -> list[Event]:
        if not self._accepted:
            return [Event("refused", "warn", f"nothing to take back; {self.prompt()}")]
        scan = self.scans.pop(self._accepted.pop())
        assert scan.sku is not None
        self.verified[scan.sku] -= 1
        return [
            Event(
                "undo",
                "warn",
                f"took back one {scan.sku} ({self.verified[scan.sku]} of {self.expected[scan.sku]}); {self.prompt()}",
            )
        ]

    def _after_accept(self) -> list[Event]:
        if self.complete:
            self.finished = True
            return [Event("complete", "ok", f"all {self.units} unit{'s' if self.units != 1 else ''} verified")]
        return []

    def _end(self) -> list[Event]:
        self.finished = True
        if self.complete:
            return [Event("complete", "ok", f"all {self.units} unit{'s' if self.units != 1 else ''} verified")]
        gone = ", ".join(f"{m.quantity} x {m.sku}" for m in self.missing)
        return [
            Event(
                "end", "warn", f"stopped with {self.remaining} unit{'s' if self.remaining != 1 else ''} missing: {gone}"
            )
        ]

    def _name(self, sku: str) -> str:
        name = self._names.get(sku)
        return f" ({name})" if name else ""

"""The scan loop of `oms pick confirm`: what each scan at the shelf means, as a state machine.

A keyboard-wedge scanner types a code and Enter. The picker walks a list's stops in
order; at each stop they scan the location (optional: it moves the cursor there),
then one product barcode (or SKU) per unit taken. ``short N`` says N units are
missing at the current stop, ``skip`` leaves the stop for later, ``done`` ends.

:class:`ScanSession` takes the list as plain data, is fed one scan at a time and
answers with :class:`Event` s (what to tell the picker) while it collects the
changes to write (:attr:`ScanSession.picks`, :attr:`ScanSession.closed`,
:attr:`ScanSession.missing`, :attr:`ScanSession.held`). The picking service
writes them; this module never touches the store.

Pure module: plain data in, plain data out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from oms_cli.warehouse.layout import location_code

EventKind = Literal[
    "prompt",
    "location",
    "picked",
    "stop_done",
    "list_done",
    "wrong_item",
    "unknown_code",
    "not_on_list",
    "short",
    "order_held",
    "skip",
    "help",
    "end",
    "refused",
    "order_picked",
    "put_back",
]
Level = Literal["ok", "info", "warn", "error"]

_LOCATION: Final = re.compile(r"^A(\d{1,4})-B(\d{1,4})(?:-L(\d{1,3}))?$", re.IGNORECASE)
_SHORT: Final = re.compile(r"^short(?:\s+(\S+))?$", re.IGNORECASE)
_END_WORDS: Final = frozenset({"done", "end", "quit", "exit", "q"})
HELP_TEXT: Final = (
    "scan a location to go there, a product barcode (or type the SKU) for each unit taken; "
    "'short N' = N units missing here, 'skip' = come back to this stop later, 'done' = stop for now"
)


@dataclass
class ScanAllocation:
    """One order's share of a stop: its tote, and how much is picked or will not be picked."""

    id: int
    ref: str
    quantity: int
    tote: int | None
    picked: int = 0
    short: int = 0  # units that will not be picked: missing on the shelf, or the order left the floor
    active: bool = True  # the order is still being picked

    @property
    def remaining(self) -> int:
        """Units still to take for this order here."""
        return max(0, self.quantity - self.picked - self.short) if self.active else 0


@dataclass
class ScanStop:
    """One stop of the list: location, product and the orders it serves (most urgent first)."""

    id: int
    seq: int
    location: str
    sku: str
    allocations: list[ScanAllocation]
    name: str | None = None

    @property
    def remaining(self) -> int:
        """Units still to take at this stop."""
        return sum(a.remaining for a in self.allocations)

    @property
    def quantity(self) -> int:
        """Units this stop was planned with."""
        return sum(a.quantity for a in self.allocations)


@dataclass(frozen=True)
class Event:
    """Something to tell the picker: a kind scripts can test, a level for colour, and the words."""

    kind: EventKind
    level: Level
    message: str
    tote: int | None = None


def normalise_location(text: str) -> str | None:
    """A scanned location in the form oms writes codes (``a3-b12-l2`` -> ``A03-B12-L2``), or None if it is not one."""
    match = _LOCATION.match(text.strip())
    if not match:
        return None
    level = int(match.group(3)) if match.group(3) is not None else None
    return location_code(int(match.group(1)), int(match.group(2)), level)


@dataclass
class ScanSession:
    """The state of one picker working one list; feed it scans, read its events and changes."""

    stops: list[ScanStop]
    codes: Mapping[str, str]  # barcode or SKU -> SKU
    cursor: int | None = None  # id of the current stop
    #: allocation id -> units picked by this session's scans
    picks: dict[int, int] = field(default_factory=dict)
    #: allocation id -> units closed (will not be picked) by this session's scans
    closed: dict[int, int] = field(default_factory=dict)
    #: (location, sku, units) found missing on the shelf
    missing: list[tuple[str, str, int]] = field(default_factory=list)
    #: order ref -> why it goes on hold
    held: dict[str, str] = field(default_factory=dict)
    finished: bool = False

    def __post_init__(self) -> None:
        self.stops = sorted(self.stops, key=lambda s: s.seq)
        for stop in self.stops:
            stop.allocations.sort(key=lambda a: (a.tote if a.tote is not None else 0, a.id))
        current = self.current
        if current is None or current.remaining == 0:
            self.cursor = self._next_open(after=current)

    # --- reading the state ---------------------------------------------------------

    @property
    def current(self) -> ScanStop | None:
        """The stop the picker is at (or walking to), None when nothing is left."""
        for stop in self.stops:
            if stop.id == self.cursor:
                return stop
        return None

    @property
    def remaining(self) -> int:
        """Units still to take on the whole list."""
        return sum(s.remaining for s in self.stops)

    def prompt(self) -> str:
        """Where to go and what to take next, in one line."""
        stop = self.current
        if stop is None:
            return "list complete: take the cart to the packing station"
        return f"go to {stop.location}: take {stop.remaining} x {stop.sku}{_name(stop)}{self._tote_hint(stop)}"

    # --- scans ---------------------------------------------------------------------

    def feed(self, scan: str) -> list[Event]:
        """Handle one scan (or typed word) and say what happened."""
        text = scan.strip()
        if self.finished:
            return [Event("refused", "error", "the scan session has ended")]
        if not text:
            return [Event("prompt", "info", self.prompt())]
        word = text.lower()
        if word in _END_WORDS:
            self.finished = True
            left = self.remaining
            return [
                Event(
                    "end",
                    "info",
                    f"stopped: {left} unit{'s' if left != 1 else ''} left on this list" if left else "list complete",
                )
            ]
        if word in ("help", "?"):
            return [Event("help", "info", HELP_TEXT), Event("prompt", "info", self.prompt())]
        if word == "skip":
            return self._skip()
        short = _SHORT.match(text)
        if short:
            return self._short(short.group(1))
        location = normalise_location(text)
        if location is not None:
            return self._location(location)
        return self._product(text)

    def _location(self, code: str) -> list[Event]:
        with_level = "-L" in code
        here = [
            s for s in self.stops if s.location == code or (not with_level and s.location.rsplit("-L", 1)[0] == code)
        ]
        if not here:
            return [Event("not_on_list", "error", f"{code} is not on this list; {self.prompt()}")]
        open_here = [s for s in here if s.remaining]
        if not open_here:
            return [Event("location", "warn", f"nothing left to take at {code}; {self.prompt()}")]
        current = self.current
        stop = current if current in open_here else open_here[0]
        self.cursor = stop.id
        return [
            Event(
                "location",
                "ok",
                f"at {stop.location}: take {stop.remaining} x {stop.sku}{_name(stop)}{self._tote_hint(stop)}",
            )
        ]

    def _product(self, code: str) -> list[Event]:
        sku = self.codes.get(code) or self.codes.get(code.upper())
        stop = self.current
        if sku is None:
            return [
                Event(
                    "unknown_code",
                    "error",
                    f"UNKNOWN CODE {code!r}: not a product or location oms knows; {self.prompt()}",
                )
            ]
        if stop is None:
            return [Event("wrong_item", "error", f"WRONG ITEM {sku}: nothing is left to pick on this list")]
        if sku != stop.sku:
            # Two products at one shelf: taking the other one first is fine.
            beside = [s for s in self.stops if s.sku == sku and s.location == stop.location and s.remaining]
            if beside:
                self.cursor = beside[0].id
                return self._product(code)
            elsewhere = [s for s in self.stops if s.sku == sku and s.remaining]
            if elsewhere:
                where = f"{sku} is picked at {elsewhere[0].location} (scan that location first)"
            elif any(s.sku == sku for s in self.stops):
                where = f"all the {sku} on this list is picked already"
            else:
                where = f"{sku} is not on this list"
            return [
                Event(
                    "wrong_item",
                    "error",
                    f"WRONG ITEM {sku}: put it back. {where}; here take {stop.sku} at {stop.location}",
                )
            ]
        alloc = next(a for a in stop.allocations if a.remaining)
        alloc.picked += 1
        self.picks[alloc.id] = self.picks.get(alloc.id, 0) + 1
        tote = f" -> tote {alloc.tote}" if alloc.tote is not None else ""
        taken = sum(a.picked for a in stop.allocations)
        events = [
            Event(
                "picked", "ok", f"{sku}{tote} ({taken} of {taken + stop.remaining} at {stop.location})", tote=alloc.tote
            )
        ]
        if stop.remaining == 0:
            events += self._advance(stop)
        return events

    def _short(self, amount: str | None) -> list[Event]:
        stop = self.current
        if stop is None:
            return [Event("refused", "error", "nothing is left to pick on this list")]
        if amount is None:
            units = stop.remaining
        else:
            try:
                units = int(amount)
            except ValueError:
                return [Event("refused", "error", f"'short {amount}': say how many units are missing, e.g. 'short 2'")]
            if units < 1 or units > stop.remaining:
                return [
                    Event(
                        "refused",
                        "error",
                        f"'short {amount}': between 1 and {stop.remaining} units can be short at {stop.location}",
                    )
                ]
        self.missing.append((stop.location, stop.sku, units))
        # What is on the shelf goes to the most urgent orders (first totes); the least urgent go short.
        left = units
        hit: list[str] = []
        for alloc in reversed(stop.allocations):
            if left == 0:
                break
            take = min(left, alloc.remaining)
            if take:
                left -= take
                if alloc.ref not in hit:
                    hit.append(alloc.ref)
        events = [Event("short", "warn", f"{units} x {stop.sku} short at {stop.location}")]
        for ref in reversed(hit):
            self.held[ref] = f"{units} x {stop.sku} missing at {stop.location}"
            totes = sorted({a.tote for s in self.stops for a in s.allocations if a.ref == ref and a.tote is not None})
            in_tote = sum(a.picked for s in self.stops for a in s.allocations if a.ref == ref)
            for s in self.stops:
                for a in s.allocations:
                    if a.ref == ref and a.remaining:
                        self.closed[a.id] = self.closed.get(a.id, 0) + a.remaining
                        a.short += a.remaining
                    if a.ref == ref:
                        a.active = False
            where = f" tote {', '.join(map(str, totes))}" if totes else ""
            back = f"; put the {in_tote} unit{'s' if in_tote != 1 else ''} already in{where} back" if in_tote else ""
            events.append(
                Event(
                    "order_held", "warn", f"order {ref} goes on hold (out_of_stock): nothing more to pick for it{back}"
                )
            )
        if stop.remaining == 0:
            events += self._advance(stop)
        else:
            events.append(Event("prompt", "info", self.prompt()))
        return events

    def _skip(self) -> list[Event]:
        stop = self.current
        if stop is None:
            return [Event("refused", "error", "nothing is left to pick on this list")]
        following = self._next_open(after=stop)
        if following is None or following == stop.id:
            return [Event("skip", "warn", f"{stop.location} is the last stop with something left; {self.prompt()}")]
        self.cursor = following
        return [Event("skip", "info", f"skipped {stop.location} (come back to it later); {self.prompt()}")]

    # --- moving on -----------------------------------------------------------------

    def _advance(self, done: ScanStop) -> list[Event]:
        self.cursor = self._next_open(after=done)
        events = [Event("stop_done", "ok", f"{done.location} done")]
        if self.cursor is None:
            events.append(Event("list_done", "ok", "list complete: take the cart to the packing station"))
        else:
            events.append(Event("prompt", "info", self.prompt()))
        return events

    def _next_open(self, after: ScanStop | None) -> int | None:
        """The next stop in walking order with something left, wrapping round to skipped ones."""
        start = self.stops.index(after) + 1 if after is not None else 0
        for stop in self.stops[start:] + self.stops[:start]:
            if stop.remaining:
                return stop.id
        return None

    def _tote_hint(self, stop: ScanStop) -> str:
        totes = [(a.tote, a.remaining) for a in stop.allocations if a.remaining and a.tote is not None]
        if not totes or (len(totes) == 1 and self._single_tote()):
            return ""
        return " (" + ", ".join(f"tote {t}: {q}" for t, q in totes) + ")"

    def _single_tote(self) -> bool:
        return len({a.tote for s in self.stops for a in s.allocations}) <= 1


def _name(stop: ScanStop) -> str:
    return f" ({stop.name})" if stop.name else ""

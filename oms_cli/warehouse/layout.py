"""The warehouse model pick routes are measured in (docs/picking.md, WAREHOUSE.md).

A single block of parallel aisles between a front and a back cross-aisle, with
the depot (packing station) on the front cross-aisle at aisle 1.  Location
codes look like ``A03-B12-L2``; the level never changes walking distance.

Pure module: plain data in, plain data out.  Lengths are computed in whole
half-millimetres internally so that every route length is exact and two
routes of equal length compare equal; they are reported in metres.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final

from oms_cli.core.errors import ConfigError

#: Internal length unit: half a millimetre, so bay centres of a layout measured
#: to the millimetre land on whole units.
UNITS_PER_M: Final = 2000

_CODE = re.compile(r"^A(\d{1,4})-B(\d{1,4})(?:-L(\d{1,3}))?$", re.IGNORECASE)


def _whole_units(name: str, value: float, *, allow_zero: bool = False) -> int:
    units = round(value * UNITS_PER_M)
    if abs(value * UNITS_PER_M - units) > 1e-6 * max(1.0, abs(value * UNITS_PER_M)) or units % 2:
        raise ValueError(f"{name} must be a whole number of millimetres (got {value})")
    if units < 0 or (units == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'zero or more' if allow_zero else 'more than zero'} (got {value})")
    return units


@dataclass(frozen=True)
class Layout:
    """A single-block warehouse: aisle and bay counts, spacing in metres, named zones."""

    aisles: int = 12
    bays: int = 20
    aisle_pitch_m: float = 3.0
    bay_width_m: float = 1.0
    cross_aisle_m: float = 1.5
    zones: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("aisles", "bays"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1 (got {value!r})")
        for name in ("aisle_pitch_m", "bay_width_m", "cross_aisle_m"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name} must be a number of metres (got {value!r})")
            _whole_units(name, float(value), allow_zero=name == "cross_aisle_m")
        frozen: dict[str, tuple[int, ...]] = {}
        owner: dict[int, str] = {}
        for zone, aisles in dict(self.zones).items():
            if not isinstance(zone, str) or not zone.strip():
                raise ValueError(f"zones: zone names must be non-empty text (got {zone!r})")
            if isinstance(aisles, (str, bytes)) or not hasattr(aisles, "__iter__"):
                raise ValueError(f"zones: zone {zone!r} must list its aisles (got {aisles!r})")
            members = tuple(aisles)
            if not members:
                raise ValueError(f"zones: zone {zone!r} lists no aisles")
            for aisle in members:
                if isinstance(aisle, bool) or not isinstance(aisle, int) or not 1 <= aisle <= self.aisles:
                    raise ValueError(
                        f"zones: zone {zone!r}: aisle {aisle!r} is not an aisle of this layout (1-{self.aisles})"
                    )
                # One aisle in two zones would put a location on two pickers' lists.
                if aisle in owner and owner[aisle] != zone:
                    raise ValueError(f"zones: zone {zone!r}: aisle {aisle} is already in zone {owner[aisle]!r}")
                owner[aisle] = zone
            frozen[zone] = tuple(sorted(set(members)))
        object.__setattr__(self, "zones", MappingProxyType(frozen))

    def __hash__(self) -> int:
        return hash(
            (
                self.aisles,
                self.bays,
                self.aisle_pitch_m,
                self.bay_width_m,
                self.cross_aisle_m,
                tuple(self.zones.items()),
            )
        )

    @classmethod
    def from_config(cls, mapping: Mapping[str, Any] | None) -> Layout:
        """Build a layout from the ``warehouse:`` config section, raising ConfigError on bad values."""
        data = dict(mapping or {})
        known = ("aisles", "bays", "aisle_pitch_m", "bay_width_m", "cross_aisle_m", "zones")
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise ConfigError(f"warehouse: unknown key '{unknown[0]}'", hint=f"known keys here: {', '.join(known)}")
        zones = data.get("zones") or {}
        if not isinstance(zones, Mapping):
            raise ConfigError(
                "warehouse.zones must map zone names to lists of aisles",
                hint="e.g. zones: {front: [1, 2, 3, 4], back: [5, 6, 7, 8]}",
            )
        try:
            return cls(**{**data, "zones": zones})
        except ValueError as err:
            raise ConfigError(f"warehouse.{err}") from None

    @property
    def length_m(self) -> float:
        """Distance between the front and back cross-aisles' centre lines (Y in the model)."""
        return 2 * self.cross_aisle_m + self.bays * self.bay_width_m


@dataclass(frozen=True)
class Location:
    """A pick location: aisle, bay, optional level and its normalised code (``A03-B12-L2``)."""

    aisle: int
    bay: int
    level: int | None = None
    code: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.code:
            object.__setattr__(self, "code", location_code(self.aisle, self.bay, self.level))

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Aisle, bay, level: the order of location codes, read as numbers."""
        return self.aisle, self.bay, -1 if self.level is None else self.level


@dataclass(frozen=True)
class Depot:
    """Where every tour starts and ends: the front cross-aisle at aisle 1."""

    code: str = "DEPOT"


DEPOT: Final = Depot()

Place = Location | Depot


def location_code(aisle: int, bay: int, level: int | None = None) -> str:
    """The normalised code of a location, e.g. ``A03-B12-L2``."""
    code = f"A{aisle:02d}-B{bay:02d}"
    return code if level is None else f"{code}-L{level}"


def parse_location(code: str, layout: Layout) -> Location:
    """Parse ``A3-B12`` / ``a03-b12-l2`` into a Location, or raise ValueError saying what is wrong."""
    if not isinstance(code, str):
        raise ValueError(f"location {code!r} is not text")
    text = code.strip()
    match = _CODE.match(text)
    if not match:
        raise ValueError(f"location {code!r} is not of the form A<aisle>-B<bay>[-L<level>], e.g. A03-B12-L2")
    aisle, bay = int(match.group(1)), int(match.group(2))
    level = int(match.group(3)) if match.group(3) is not None else None
    location = Location(aisle, bay, level)
    try:
        return check_location(location, layout)
    except ValueError as err:
        # Name the code as written, so the user finds it in their file.
        raise ValueError(str(err).replace(repr(location.code), repr(code), 1)) from None


def check_location(location: Location, layout: Layout) -> Location:
    """The location itself if it lies inside the layout, else ValueError saying why."""
    if not 1 <= location.aisle <= layout.aisles:
        raise ValueError(
            f"location {location.code!r}: aisle {location.aisle} is outside the warehouse (aisles 1-{layout.aisles})"
        )
    if not 1 <= location.bay <= layout.bays:
        raise ValueError(f"location {location.code!r}: bay {location.bay} is outside the aisle (bays 1-{layout.bays})")
    return location


def aisle_x_m(layout: Layout, aisle: int) -> float:
    """x of an aisle's centre line in metres (aisle 1 at 0)."""
    return (aisle - 1) * layout.aisle_pitch_m


def bay_y_m(layout: Layout, bay: int) -> float:
    """y of a bay's centre along its aisle in metres (front cross-aisle at 0)."""
    return layout.cross_aisle_m + (bay - 0.5) * layout.bay_width_m


def walking_distance_m(layout: Layout, start: Place, end: Place) -> float:
    """Shortest walk between two places (locations or the depot), in metres, per the model."""
    return walking_distance_units(layout, start, end) / UNITS_PER_M


def walking_distance_units(layout: Layout, start: Place, end: Place) -> int:
    """Shortest walk between two places in internal half-millimetre units."""
    grid = grid_of(layout)
    a1, y1 = grid.point(start)
    a2, y2 = grid.point(end)
    return grid.distance(a1, y1, a2, y2)


def zone_of(layout: Layout, location: Location) -> str | None:
    """The zone whose aisles hold this location, or None when no zone lists its aisle."""
    return grid_of(layout).zone_by_aisle.get(location.aisle)


@dataclass(frozen=True)
class Grid:
    """A layout turned into integer units once, shared by every route computation."""

    aisles: int
    bays: int
    pitch: int
    length: int  # Y: front to back cross-aisle centre lines
    bay_y: tuple[int, ...]  # index 0 is the front cross-aisle (the depot's y)
    zone_by_aisle: Mapping[int, str]

    def point(self, place: Place) -> tuple[int, int]:
        """(aisle, y in units) of a place."""
        if isinstance(place, Depot):
            return 1, 0
        return place.aisle, self.bay_y[place.bay]

    def distance(self, a1: int, y1: int, a2: int, y2: int) -> int:
        """The model's shortest walk between (aisle, y) points, in units."""
        if a1 == a2:
            return abs(y1 - y2)
        return abs(a1 - a2) * self.pitch + min(y1 + y2, 2 * self.length - y1 - y2)


@lru_cache(maxsize=32)
def grid_of(layout: Layout) -> Grid:
    """The integer form of a layout (cached: layouts are immutable)."""
    pitch = _whole_units("aisle_pitch_m", float(layout.aisle_pitch_m))
    width = _whole_units("bay_width_m", float(layout.bay_width_m))
    cross = _whole_units("cross_aisle_m", float(layout.cross_aisle_m), allow_zero=True)
    bay_y = (0,) + tuple(cross + (2 * bay - 1) * width // 2 for bay in range(1, layout.bays + 1))
    zone_by_aisle = {aisle: zone for zone, aisles in layout.zones.items() for aisle in aisles}
    return Grid(
        aisles=layout.aisles,
        bays=layout.bays,
        pitch=pitch,
        length=2 * cross + layout.bays * width,
        bay_y=bay_y,
        zone_by_aisle=MappingProxyType(zone_by_aisle),
    )

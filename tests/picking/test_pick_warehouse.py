"""The warehouse model: layout configuration, location codes and walking distances."""

from __future__ import annotations

import pytest

from oms_cli.core.errors import ConfigError
from oms_cli.warehouse.layout import (
    DEPOT,
    Layout,
    Location,
    aisle_x_m,
    bay_y_m,
    parse_location,
    walking_distance_m,
    zone_of,
)

LAYOUT = Layout()


def test_default_layout_matches_the_documented_defaults() -> None:
    assert (LAYOUT.aisles, LAYOUT.bays) == (12, 20)
    assert (LAYOUT.aisle_pitch_m, LAYOUT.bay_width_m, LAYOUT.cross_aisle_m) == (3.0, 1.0, 1.5)
    assert dict(LAYOUT.zones) == {}
    assert LAYOUT.length_m == 23.0


def test_from_config_reads_the_warehouse_section() -> None:
    layout = Layout.from_config(
        {"aisles": 6, "bays": 10, "aisle_pitch_m": 2.5, "zones": {"front": [1, 2, 3], "back": [4, 5, 6]}}
    )
    assert layout.aisles == 6 and layout.aisle_pitch_m == 2.5
    assert dict(layout.zones) == {"front": (1, 2, 3), "back": (4, 5, 6)}
    assert Layout.from_config(None) == LAYOUT
    assert hash(layout) == hash(
        Layout.from_config(
            {"aisles": 6, "bays": 10, "aisle_pitch_m": 2.5, "zones": {"front": [3, 2, 1], "back": [4, 5, 6]}}
        )
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"isles": 4}, "unknown key 'isles'"),
        ({"aisles": 0}, "aisles must be a whole number of at least 1"),
        ({"aisles": "12"}, "aisles must be a whole number"),
        ({"bays": True}, "bays must be a whole number"),
        ({"aisle_pitch_m": -3}, "aisle_pitch_m must be more than zero"),
        ({"bay_width_m": "wide"}, "bay_width_m must be a number of metres"),
        ({"cross_aisle_m": 1.0001}, "cross_aisle_m must be a whole number of millimetres"),
        ({"zones": [1, 2]}, "warehouse.zones must map zone names to lists of aisles"),
        ({"zones": {"front": [1, 13]}}, "aisle 13 is not an aisle of this layout"),
        ({"zones": {"front": [1, 2], "back": [2, 3]}}, "aisle 2 is already in zone 'front'"),
        ({"zones": {"front": []}}, "zone 'front' lists no aisles"),
        ({"zones": {"front": 3}}, "zone 'front' must list its aisles"),
    ],
)
def test_from_config_rejects_bad_values_with_a_clear_message(config: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Layout.from_config(config)
    assert message in caught.value.message
    assert caught.value.message.startswith("warehouse")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("A3-B12", "A03-B12"),
        ("A03-B12-L2", "A03-B12-L2"),
        ("a3-b12-l2", "A03-B12-L2"),
        (" A12-B20 ", "A12-B20"),
        ("A1-B1-L0", "A01-B01-L0"),
    ],
)
def test_parse_location_accepts_and_normalises(code: str, expected: str) -> None:
    location = parse_location(code, LAYOUT)
    assert location.code == expected
    assert parse_location(location.code, LAYOUT) == location


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "not of the form"),
        ("A3B12", "not of the form"),
        ("B12-A3", "not of the form"),
        ("A3-B12-X2", "not of the form"),
        ("A-B1", "not of the form"),
        ("A13-B1", "aisle 13 is outside the warehouse (aisles 1-12)"),
        ("A0-B1", "aisle 0 is outside"),
        ("A1-B21", "bay 21 is outside the aisle (bays 1-20)"),
        ("A1-B0", "bay 0 is outside"),
    ],
)
def test_parse_location_explains_bad_codes(code: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_location(code, LAYOUT)


def test_coordinates_follow_the_model() -> None:
    assert aisle_x_m(LAYOUT, 1) == 0.0
    assert aisle_x_m(LAYOUT, 4) == 9.0
    assert bay_y_m(LAYOUT, 1) == 2.0
    assert bay_y_m(LAYOUT, 20) == 21.0


@pytest.mark.parametrize(
    ("start", "end", "metres"),
    [
        # Same aisle: straight along it.
        ("A01-B01", "A01-B20", 19.0),
        ("A05-B03-L1", "A05-B03-L4", 0.0),
        # Different aisles round the front: 6 across + 2 + 2 up and down.
        ("A02-B01", "A04-B01", 10.0),
        # Round the back is shorter near the back: 6 across + 2 + 3 (Y = 23, y = 21 and 20).
        ("A02-B20", "A04-B19", 11.0),
        # Exactly halfway both ways are equal: 3 + min(11.5 + 11.5, 46 - 23).
        ("A01-B10", "A02-B11", 3.0 + 23.0),
    ],
)
def test_walking_distance_hand_checked(start: str, end: str, metres: float) -> None:
    a, b = parse_location(start, LAYOUT), parse_location(end, LAYOUT)
    assert walking_distance_m(LAYOUT, a, b) == metres
    assert walking_distance_m(LAYOUT, b, a) == metres


def test_distance_from_the_depot() -> None:
    assert walking_distance_m(LAYOUT, DEPOT, parse_location("A01-B01", LAYOUT)) == 2.0
    # 33 m along the front cross-aisle, then 21 m up aisle 12.
    assert walking_distance_m(LAYOUT, DEPOT, parse_location("A12-B20", LAYOUT)) == 54.0
    assert walking_distance_m(LAYOUT, DEPOT, DEPOT) == 0.0


def test_other_spacing_is_measured_exactly() -> None:
    layout = Layout(aisles=4, bays=5, aisle_pitch_m=2.7, bay_width_m=1.25, cross_aisle_m=0.8)
    # y(B2) = 0.8 + 1.5 * 1.25 = 2.675; Y = 1.6 + 6.25 = 7.85; back: 15.7 - 2.675 - 6.425 = 6.6 < 9.1.
    a, b = Location(1, 2), Location(3, 5)
    assert walking_distance_m(layout, a, b) == pytest.approx(5.4 + 6.6, abs=1e-12)


def test_zone_of() -> None:
    layout = Layout.from_config({"zones": {"front": [1, 2, 3, 4], "back": [9, 10, 11, 12]}})
    assert zone_of(layout, parse_location("A04-B20", layout)) == "front"
    assert zone_of(layout, parse_location("A09-B01", layout)) == "back"
    assert zone_of(layout, parse_location("A06-B01", layout)) is None
    assert zone_of(LAYOUT, parse_location("A06-B01", LAYOUT)) is None

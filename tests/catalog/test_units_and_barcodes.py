"""Units of measure and barcode check digits (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms_cli.catalog.barcodes import classify_barcode, gs1_check_digit
from oms_cli.catalog.units import parse_measure


@pytest.mark.parametrize(
    ("text", "kind", "unit", "expected"),
    [
        ("120", "length", "mm", 120),
        ("12", "length", "cm", 120),
        ("12.5cm", "length", "mm", 125),
        ("4.7 in", "length", "mm", 119),
        ("1", "length", "in", 25),
        ("1,5", "length", "cm", 15),
        ("350", "weight", "g", 350),
        ("0.35kg", "weight", "g", 350),
        ("1", "weight", "lb", 454),
        ("12 oz", "weight", "g", 340),
        ("2 pounds", "weight", "g", 907),
        ("0", "weight", "g", 0),
    ],
)
def test_measures_become_whole_mm_and_g(text: str, kind: str, unit: str, expected: int) -> None:
    assert parse_measure(text, kind, unit) == expected


@pytest.mark.parametrize(
    ("text", "kind", "fragment"),
    [
        ("-3", "length", "not a length"),
        ("abc", "weight", "not a weight"),
        ("3kg", "length", "not a unit of length"),
        ("3 parsecs", "length", "not a unit of length"),
    ],
)
def test_bad_measures_say_why(text: str, kind: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_measure(text, kind, "mm" if kind == "length" else "g")


def test_a_unit_in_the_cell_is_refused_when_the_header_names_one() -> None:
    with pytest.raises(ValueError, match="carries a unit"):
        parse_measure("12cm", "length", "mm", allow_suffix=False)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("4006381333931", "ean13"),
        ("012345678905", "upca"),
        ("96385074", "ean8"),
        ("10614141000415", "gtin14"),
        ("SKU-123/A", "other"),
        ("12345", "other"),
    ],
)
def test_barcode_kinds(code: str, kind: str) -> None:
    assert classify_barcode(code) == kind


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("4006381333932", "EAN-13: the check digit should be 1, not 2"),
        ("012345678900", "UPC-A: the check digit should be 5, not 0"),
        ("96385070", "EAN-8"),
        ("12 34", "contains blanks"),
        ("ÄBC", "cannot carry"),
        ("", "is empty"),
    ],
)
def test_bad_barcodes_say_why(code: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        classify_barcode(code)


@given(
    st.text(alphabet="0123456789", min_size=7, max_size=13).filter(lambda s: len(s) in (7, 11, 12, 13)),
    st.integers(0, 12),
    st.integers(1, 9),
)
def test_a_gtin_with_its_check_digit_passes_and_any_single_wrong_digit_fails(body: str, pos: int, bump: int) -> None:
    code = body + str(gs1_check_digit(body))
    assert classify_barcode(code) != "other"
    i = pos % len(code)
    wrong = code[:i] + str((int(code[i]) + bump) % 10) + code[i + 1 :]
    # mod-10 with weights 1 and 3 catches every single-digit error
    with pytest.raises(ValueError, match="check digit"):
        classify_barcode(wrong)

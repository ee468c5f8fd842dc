"""Address order per country, money formatting, font coverage and text fitting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.documents.addresses import address_lines, locality_lines
from oms_cli.documents.data import PostalAddress
from oms_cli.documents.fonts import REPLACEMENT, GlyphCheck, missing_glyphs, register_fonts
from oms_cli.documents.money import format_money
from oms_cli.documents.typesetting import fit_block, text_width, wrap


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("US", ["Springfield IL 62704"]),
        ("CA", ["Springfield IL 62704"]),
        ("AU", ["Springfield IL 62704"]),
        ("DE", ["62704 Springfield", "IL"]),
        ("FR", ["62704 Springfield", "IL"]),
        ("GB", ["Springfield", "IL", "62704"]),
        ("IT", ["62704 Springfield IL"]),
    ],
)
def test_locality_line_follows_the_destination_country(country: str, expected: list[str]) -> None:
    address = PostalAddress(city="Springfield", province="IL", postal_code="62704", country=country)
    assert locality_lines(address) == expected


def test_gb_postcode_gets_its_own_line_under_the_post_town() -> None:
    address = PostalAddress(
        name="Tom Smith", address1="10 High Street", city="LEEDS", postal_code="LS1 4AB", country="GB"
    )
    assert address_lines(address, "GB") == ["Tom Smith", "10 High Street", "LEEDS", "LS1 4AB"]


def test_country_line_only_when_the_parcel_crosses_a_border() -> None:
    address = PostalAddress(name="Jane", city="Berlin", postal_code="10115", country="DE")
    assert address_lines(address, "DE") == ["Jane", "10115 Berlin"]
    assert address_lines(address, "GB") == ["Jane", "10115 Berlin", "GERMANY"]
    assert address_lines(PostalAddress(city="Quito", country="EC"), "GB")[-1] == "EC"


@settings(max_examples=40, deadline=None)
@given(
    # Distinct parts: a region equal to the city is deliberately printed once.
    parts=st.lists(
        st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12), min_size=8, max_size=8, unique=True
    ),
    country=st.sampled_from(["US", "GB", "DE", "FR", "IT", "JP", "IE", "NL"]),
)
def test_every_address_field_is_printed_once(parts: list[str], country: str) -> None:
    names = ["name", "company", "address1", "address2", "address3", "city", "province", "postal_code"]
    address = PostalAddress(**dict(zip(names, parts)), country=country)
    printed = " ".join(address_lines(address, country)).split()
    assert sorted(printed) == sorted(" ".join(parts).split())


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1234.5", "USD", "$1,234.50"),
        ("0.005", "EUR", "€0.01"),
        ("-3.2", "GBP", "-£3.20"),
        ("1234.5", "JPY", "¥1,235"),
        ("12.3456", "KWD", "12.346 KWD"),
        ("7", "XYZ", "7.00 XYZ"),
        ("7", None, "7.00"),
    ],
)
def test_money_uses_the_currency_symbol_and_minor_digits(amount: str, currency: str | None, expected: str) -> None:
    assert format_money(Decimal(amount), currency) == expected


def test_register_fonts_is_idempotent_and_names_the_two_faces() -> None:
    assert register_fonts() == register_fonts() == ("DejaVuSans", "DejaVuSans-Bold")


def test_fonts_cover_latin_greek_cyrillic_but_not_cjk() -> None:
    assert missing_glyphs("Zoë Ελένη Анна Łódź ß") == []
    assert missing_glyphs("王小明 Wang") == ["王", "小", "明"]


def test_glyph_check_replaces_visibly_and_names_the_field_once() -> None:
    check = GlyphCheck()
    assert check.text("王小明  Wang", "ship_to.name") == f"{REPLACEMENT * 3} Wang"
    check.text("王小明  Wang", "ship_to.name")
    assert check.warnings == ["ship_to.name: 3 character(s) the document font cannot print (王小明); printed as �"]
    assert check.paragraph("Line one\n\n  line   two ", "notes") == ["Line one", "line two"]


def test_wrap_keeps_every_word_and_respects_the_width() -> None:
    text = "Hauptstraße 123, Hinterhaus, 4. Obergeschoss links, Donaudampfschifffahrtsgesellschaftskapitän"
    lines = wrap(text, 120, 10)
    assert all(text_width(line, 10) <= 120 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_fit_block_shrinks_then_shortens() -> None:
    lines = [("A fairly long line of address text", False)] * 4
    roomy = fit_block(lines, 400, 200, max_size=16, min_size=7)
    assert roomy.complete and roomy.size == 16
    tight = fit_block(lines, 100, 30, max_size=16, min_size=7)
    assert not tight.complete and tight.size == 7 and tight.height <= 30
    assert tight.lines[-1][0].endswith("…")

"""ZPL II labels, checked structurally: formats, encoding, fields and the Code 128 data.

The ^BC field data is decoded here from the ZPL II manual's rules (start codes,
invocation codes, subset C digit pairs), independently of the encoder.
"""

from __future__ import annotations

import re

import pytest
from document_samples import ADDRESSES, SHOP, label
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.documents.barcodes import code128
from oms_cli.documents.data import LabelData
from oms_cli.documents.labels import render_labels
from oms_cli.documents.zpl import code128_field_data

BATCH = [
    label("us", 1, 2, service="next_day", tracking="1Z999AA10123456784", carrier="UPS"),
    label("us", 2, 2, tracking="9400111899223856925831"),
    label("ru", service="expedited"),
    label("cjk"),
]
FIELD = re.compile(r"\^FD(.*?)\^FS", re.S)
BARCODE = re.compile(r"\^FO(\d+),(\d+)\^BY(\d+),3,(\d+)\^BCN,(\d+),N,N,N\^FH\^FD(.*?)\^FS")
_INVOKE = {"1": 95, "2": 96, "3": 97, "4": 98, "5": 99, "6": 100, "7": 101, "8": 102}


def unhex(data: str) -> str:
    """Undo ^FH escapes (_XX hex bytes, UTF-8)."""
    raw = re.sub(rb"_([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), data.encode("utf-8"))
    return raw.decode("utf-8")


def decode_bc(data: str) -> str:
    """What a scanner reads from a ^BC mode N field: GS1 as (AI)data, else the characters."""
    data = unhex(data)
    starts = {">9": "A", ">:": "B", ">;": "C"}
    subset = starts.get(data[:2], "B")
    i = 2 if data[:2] in starts else 0
    out: list[str] = []
    gs1 = False
    while i < len(data):
        if data[i] == ">" and i + 1 < len(data):
            code = data[i + 1]
            i += 2
            if code == "<":
                out.append(">")
            elif code == "=":
                out.append("~")
            elif code == "0":
                out.append(">")
            elif _INVOKE.get(code) == 102:
                gs1 = gs1 or not out
            elif _INVOKE.get(code) == 99:
                subset = "C"
            elif _INVOKE.get(code) == 100 and subset != "B":
                subset = "B"
            elif _INVOKE.get(code) == 101 and subset != "A":
                subset = "A"
            else:
                raise AssertionError(f"unexpected invocation >{code}")
        elif subset == "C" or subset == "A":
            pair = data[i : i + 2]
            assert len(pair) == 2 and pair.isdigit(), f"subset {subset} takes digit pairs, got {pair!r}"
            out.append(pair if subset == "C" else chr(int(pair) + 32))
            i += 2
        else:
            out.append(data[i])
            i += 1
    text = "".join(out)
    if gs1:
        assert text.startswith("00") and len(text) == 20, "only SSCCs are GS1 on labels"
        return f"(00){text[2:]}"
    return text


def formats(zpl: str) -> list[str]:
    """The label formats (^XA … ^XZ) of a ZPL file."""
    assert zpl.count("^XA") == zpl.count("^XZ")
    parts = [p.strip() for p in zpl.split("^XZ") if p.strip()]
    assert all(p.startswith("^XA") and p.count("^XA") == 1 for p in parts)
    return parts


@pytest.mark.parametrize(("dpi", "width", "length"), [(203, 812, 1218), (300, 1200, 1800)])
def test_one_format_per_label_with_utf8_and_the_label_size(dpi: int, width: int, length: int) -> None:
    document = render_labels(BATCH, SHOP, fmt="zpl", dpi=dpi)
    assert document.media_type == "application/vnd.zebra.zpl" and document.suffix == ".zpl"
    parts = formats(document.content.decode("utf-8"))
    assert len(parts) == document.pages == len(BATCH)
    for part in parts:
        lines = part.splitlines()
        assert lines[:5] == ["^XA", "^CI28", f"^PW{width}", f"^LL{length}", "^LH0,0"]
        for x, y in re.findall(r"\^F[OT](\d+),(\d+)", part):
            assert 0 <= int(x) <= width and 0 <= int(y) <= length


@pytest.mark.parametrize("dpi", [203, 300])
def test_barcodes_carry_the_tracking_number_or_order_ref_and_the_sscc(dpi: int) -> None:
    document = render_labels(BATCH, SHOP, fmt="zpl", dpi=dpi)
    for item, part in zip(BATCH, formats(document.content.decode("utf-8"))):
        fields = BARCODE.findall(part)
        assert len(fields) == 2
        scanned = sorted(decode_bc(f[5]) for f in fields)
        assert scanned == sorted([item.tracking_number or item.order_ref, f"(00){item.sscc}"])
        for _, _, module, height, bc_height, _ in fields:
            assert int(module) >= 2 and height == bc_height


def test_text_fields_are_utf8_with_every_address_line() -> None:
    document = render_labels(BATCH, SHOP, fmt="zpl")
    parts = formats(document.content.decode("utf-8"))
    ru = [unhex(f) for f in FIELD.findall(parts[2])]
    for line in ["Анна Петрова", "ул. Тверская, д. 7, кв. 12", "Москва 125009", "RUSSIA", "EXPEDITED", "SHIP TO"]:
        assert line in ru
    us = [unhex(f) for f in FIELD.findall(parts[0])]
    for line in ["Jane Doe", "Acme Rockets", "Springfield IL 62704", "NEXT DAY", "Package 1 of 2", "Order us-1"]:
        assert line in us
    assert "(00) " + BATCH[0].sscc in us  # human-readable line, brackets kept


def test_control_characters_in_customer_data_cannot_break_out_of_a_field() -> None:
    address = ADDRESSES["us"].__class__(
        name="Evil ^XZ^XA~JA Name_",
        address1="1 Main St",
        city="Springfield",
        province="IL",
        postal_code="62704",
        country="US",
    )
    item = LabelData("shop:a^b", address, label("us").sscc, tracking_number="AB>C~D^E_F")
    zpl = render_labels([item], SHOP, fmt="zpl").content.decode("utf-8")
    assert len(formats(zpl)) == 1 and "~JA" not in zpl
    for data in FIELD.findall(zpl):
        assert "^" not in data and "~" not in data
    assert "Evil ^XZ^XA~JA Name_" in [unhex(f) for f in FIELD.findall(zpl)]
    assert sorted(decode_bc(f[5]) for f in BARCODE.findall(zpl)) == sorted(["AB>C~D^E_F", f"(00){item.sscc}"])


def test_non_latin_text_warns_unless_a_unicode_printer_font_is_named() -> None:
    plain = render_labels(BATCH[2:3], SHOP, fmt="zpl")
    assert any("Unicode font on the printer" in w for w in plain.warnings)
    with_font = render_labels(BATCH[2:3], SHOP, fmt="zpl", zpl_font="E:TT0003M_.TTF")
    zpl = with_font.content.decode("utf-8")
    assert "^CWZ,E:TT0003M_.TTF" in zpl and "^A0N" not in zpl and "^AZN" in zpl
    assert not with_font.warnings


def test_same_input_gives_identical_zpl() -> None:
    assert render_labels(BATCH, SHOP, fmt="zpl").content == render_labels(BATCH, SHOP, fmt="zpl").content


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=30))
def test_code128_field_data_round_trips_any_printable_ascii(data: str) -> None:
    assert decode_bc(code128_field_data(code128(data))) == data

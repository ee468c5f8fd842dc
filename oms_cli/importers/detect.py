"""Telling which channel wrote an export, from its first bytes and header.

Detection reads the first 64 KiB only, so planning an import of a large file
stays instant; it also catches files that are empty, binary or not UTF-8
before anything is read in earnest.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass

from oms_cli.core.errors import BadInput, record_error
from oms_cli.importers.sources import Source, not_utf8

_SAMPLE = 1 << 16


@dataclass
class Sniffed:
    """What the first bytes of a file say: the channel (None when unknown), Etsy's part and the header."""

    channel: str | None
    part: str
    columns: list[str]


def etsy_part(columns: set[str]) -> str:
    """Which of Etsy's two files a header belongs to: ``orders`` or ``items``."""
    return "items" if {"Item Name", "Transaction ID"} & columns or "Listing ID" in columns else "orders"


def channel_for_columns(columns: set[str], tab_separated: bool) -> tuple[str | None, str]:
    """The (channel, part) a header's column names belong to; (None, "") when no importer knows them."""
    if "order-id" in columns and ("order-item-id" in columns or tab_separated):
        return "amazon", ""
    if "Name" in columns and "Lineitem quantity" in columns:
        return "shopify", ""
    if "Order ID" in columns and "Sale Date" in columns:
        return "etsy", etsy_part(columns)
    if "Sales Record Number" in columns or {"Order Number", "Custom Label", "Sold For"} <= columns:
        return "ebay", ""
    if ("order_id" in columns or "order_number" in columns) and (
        "line_items" in columns or "item_sku" in columns or "item_name" in columns or "line_item_1" in columns
    ):
        return "woocommerce", ""
    if {"external_id", "sku", "quantity"} <= columns:
        return "csv", ""
    return None, ""


def _header_text(text: str) -> str:
    """The first non-blank line (eBay's export starts with an empty one)."""
    for line in text.splitlines():
        if line.strip(" \t,"):
            return line
    return ""


def sniff(source: Source) -> Sniffed:
    """Read a source's first bytes: BadInput when empty, binary or not UTF-8; else its header and channel."""
    try:
        with source.open() as stream:
            sample = stream.read(_SAMPLE)
            complete = len(sample) < _SAMPLE or not stream.read(1)
    except OSError as exc:
        raise BadInput(f"{source.name}: cannot be read ({exc.strerror or exc})") from None
    if not sample.strip():
        raise record_error(source.name, None, None, "is empty")
    if b"\x00" in sample:
        where = sample.index(b"\x00")
        line = sample.count(b"\n", 0, where) + 1
        raise record_error(
            source.name, line, None, f"has a NUL byte at offset {where}; this looks like binary data, not an export"
        )
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        text = decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        raise not_utf8(source) from None
    if text.lstrip().startswith("{"):
        return Sniffed("jsonl", "", [])
    header_line = _header_text(text)
    tab_separated = "\t" in header_line and header_line.count("\t") >= header_line.count(",")
    if tab_separated:
        columns = [cell.strip() for cell in header_line.split("\t")]
    else:
        try:
            columns = [cell.strip() for cell in next(csv.reader([header_line]), [])]
        except csv.Error:
            columns = []
    channel, part = channel_for_columns(set(columns), tab_separated)
    return Sniffed(channel, part, columns)


def unknown_export(source: Source, columns: list[str]) -> BadInput:
    """The error for a file no importer recognises, showing what its header holds."""
    shown = ", ".join(columns[:6]) + (", …" if len(columns) > 6 else "")
    error = record_error(source.name, 1, None, f"is not an export oms recognises (header: {shown or 'none'})")
    error.hint = (
        "Name the channel with --channel, or describe the columns under import.csv_columns "
        "in the config and import with --channel csv."
    )
    return error

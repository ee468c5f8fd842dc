"""Reading CSV records with the physical line each starts on, for one-line error messages.

A record may span several lines (a quoted newline), so its line number is where it
starts, not ``reader.line_num`` after reading it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from oms_cli.core.errors import record_error


def csv_header(lines: Iterable[str], file: str) -> tuple[list[str], Any]:
    """The header row and a csv reader positioned after it; an empty file is bad input."""
    reader = csv.reader(lines)
    try:
        return next(reader), reader
    except StopIteration:
        raise record_error(file, None, None, "is empty (no header row)") from None
    except csv.Error as exc:
        raise record_error(file, 1, None, f"is not readable as CSV ({exc})") from None


def numbered_rows(reader: Any, file: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) of every non-blank record left in ``reader``.

    A record that is not valid CSV (e.g. an unterminated quote) raises ``BadInput``
    naming the line it starts on.
    """
    line_no = reader.line_num
    while True:
        start = line_no + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise record_error(file, start, None, f"is not readable as CSV ({exc})") from None
        line_no = reader.line_num
        if any(cell.strip() for cell in row):
            yield start, row

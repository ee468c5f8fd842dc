"""CSV records carry the line they start on; broken records and empty files are named."""

from __future__ import annotations

import pytest

from oms_cli.core.csvrows import csv_header, numbered_rows
from oms_cli.core.errors import BadInput


def test_records_start_lines_skip_blanks_and_span_quoted_newlines() -> None:
    text = 'sku,note\nA,"two\nlines"\n\n,\nB,plain\n'
    headers, reader = csv_header(text.splitlines(keepends=True), "f.csv")
    assert headers == ["sku", "note"]
    assert list(numbered_rows(reader, "f.csv")) == [(2, ["A", "two\nlines"]), (6, ["B", "plain"])]


def test_a_record_that_is_not_csv_names_its_first_line() -> None:
    # an unclosed quote swallows the rest of a large file into one field, past csv's limit
    _, reader = csv_header(["sku,note\n", "A,ok\n", 'B,"never closed\n', *(["x" * 1000 + "\n"] * 200)], "f.csv")
    rows = numbered_rows(reader, "f.csv")
    assert next(rows) == (2, ["A", "ok"])
    with pytest.raises(BadInput, match=r"^f\.csv:3: is not readable as CSV"):
        list(rows)


def test_an_empty_file_has_no_header() -> None:
    with pytest.raises(BadInput, match=r"^f\.csv: is empty"):
        csv_header([], "f.csv")

"""Export files as the importers see them: sources, units and CSV records.

A :class:`Table` reads a delimited file record by record with the csv module
over a text wrapper (never the whole file at once), and knows each record's
physical starting line so errors point where a person would look in an editor.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Literal

from oms_cli.core.errors import BadInput, record_error

#: How many records pass between two progress reports.
_PROGRESS_EVERY = 4096

Progress = Callable[[int], None]


@dataclass
class Source:
    """One input file of an import: a path, or bytes already read (standard input)."""

    name: str
    path: str | None = None
    data: bytes | None = None
    part: str = ""  # which file of a multi-file export, e.g. Etsy's "orders" or "items"

    @property
    def size(self) -> int:
        """Size in bytes."""
        if self.data is not None:
            return len(self.data)
        return Path(self.path or "").stat().st_size

    def open(self) -> BinaryIO:
        """Open the source for reading bytes."""
        if self.data is not None:
            return io.BytesIO(self.data)
        return open(self.path or "", "rb")


@dataclass
class ImportUnit:
    """What one import reads in one go: usually one file, Etsy's two files together."""

    name: str
    channel: str
    sources: list[Source] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Total size of the unit's files in bytes, for a progress bar."""
        return sum(source.size for source in self.sources)


def locate_bad_utf8(source: Source) -> tuple[int, int, int]:
    """The (line, byte offset, byte) of the first byte that is not UTF-8 in a source."""
    line, base, pending = 1, 0, b""
    with source.open() as stream:
        while True:
            chunk = stream.read(1 << 16)
            data = pending + chunk
            if not data:
                break
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line += data.count(b"\n", 0, exc.start)
                # A character cut in two by the chunk boundary is not an error yet.
                if chunk and exc.reason == "unexpected end of data":
                    base += exc.start
                    pending = data[exc.start :]
                    continue
                return line, base + exc.start, data[exc.start]
            line += data.count(b"\n")
            base += len(data)
            pending = b""
    return line, base, 0


def not_utf8(source: Source) -> BadInput:
    """The error for a file that is not UTF-8, naming the line and byte offset."""
    line, offset, byte = locate_bad_utf8(source)
    error = record_error(source.name, line, None, f"byte 0x{byte:02x} at offset {offset} is not UTF-8")
    error.hint = "Save the export as UTF-8 (in Excel: CSV UTF-8) and import it again."
    return error


_CSV_TROUBLE = {
    "unexpected end of data": "a quoted field is never closed (this record runs to the end of the file)",
    "line contains NUL": "contains a NUL byte; this looks like binary data, not an export",
}


class Table:
    """A delimited export read one record at a time, with physical line numbers."""

    def __init__(
        self,
        source: Source,
        *,
        delimiter: str = ",",
        quoting: Literal[0, 1, 2, 3] = csv.QUOTE_MINIMAL,  # csv.QUOTE_*
        progress: Progress | None = None,
    ) -> None:
        self.source = source
        self.name = source.name
        self._raw = source.open()
        self._text = io.TextIOWrapper(self._raw, encoding="utf-8-sig", newline="")
        self._reader = csv.reader(self._text, delimiter=delimiter, quoting=quoting, strict=True)
        self._progress = progress
        self.header: list[str] = []
        self.header_line = 1
        try:
            for row in self._reader:
                if any(cell.strip() for cell in row):
                    self.header = [cell.strip() for cell in row]
                    break
        except csv.Error as exc:
            self.close()
            raise self._csv_error(exc, 1) from None
        except UnicodeDecodeError:
            self.close()
            raise not_utf8(source) from None
        if not self.header:
            self.close()
            raise record_error(self.name, None, None, "is empty")
        self.header_line = self._reader.line_num
        self.columns: dict[str, int] = {}
        for index, column in enumerate(self.header):
            self.columns.setdefault(column, index)

    def __enter__(self) -> Table:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the file."""
        self._text.close()

    def column(self, *names: str, required: bool = False) -> int | None:
        """Index of the first of ``names`` in the header; BadInput naming it when required and absent."""
        for name in names:
            index = self.columns.get(name)
            if index is not None:
                return index
        if required:
            raise record_error(self.name, self.header_line, names[0], "column is missing")
        return None

    def need(self, *names: str) -> int:
        """Index of a column the importer cannot do without (BadInput naming it when absent)."""
        index = self.column(*names, required=True)
        assert index is not None
        return index

    def _csv_error(self, exc: csv.Error, line: int) -> BadInput:
        text = str(exc)
        message = _CSV_TROUBLE.get(text)
        if message is None and "expected after" in text:
            message = 'has a stray quote inside a quoted field (write "" for a quote)'
        if message is None and text.startswith("field larger than field limit"):
            # Only a quote that is never closed makes a cell this long in an order export.
            message = "has a field longer than the csv limit; a quoted field is probably never closed"
        return record_error(self.name, line, None, message or f"is not valid CSV ({text})")

    def records(self, *, ragged: bool = False) -> Iterator[tuple[int, list[str]]]:
        """Yield (physical starting line, cells) for each non-blank record after the header.

        A record whose number of fields differs from the header's is an error,
        unless ``ragged`` (the caller then judges it, e.g. eBay's footer lines).
        """
        reader = self._reader
        width = len(self.header)
        progress = self._progress
        raw = self._raw
        line = reader.line_num
        count = 0
        try:
            for row in reader:
                start = line + 1
                line = reader.line_num
                if len(row) != width:
                    if not any(row):
                        continue
                    if not ragged:
                        raise record_error(self.name, start, None, f"has {len(row)} fields but the header has {width}")
                elif not any(row):
                    continue
                count += 1
                if progress is not None and not count % _PROGRESS_EVERY:
                    progress(raw.tell())
                yield start, row
        except csv.Error as exc:
            raise self._csv_error(exc, line + 1) from None
        except UnicodeDecodeError:
            raise not_utf8(self.source) from None
        if count == 0:
            raise record_error(self.name, None, None, "has a header but no orders")
        if progress is not None:
            progress(self.source.size)

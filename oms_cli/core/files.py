"""Reading the files a user names on the command line, with one set of clear errors."""

from __future__ import annotations

from pathlib import Path

from oms_cli.core.errors import BadInput, NotFound


def read_input_bytes(path: str | Path, what: str = "file") -> bytes:
    """The bytes of a file named by the user; missing -> NotFound, a folder or unreadable -> BadInput."""
    p = Path(path).expanduser()
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a directory, not a {what}") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot be read ({exc.strerror})") from None


def read_input_text(path: str | Path, what: str = "CSV file") -> str:
    """A text file named by the user, as UTF-8 (a byte-order mark dropped)."""
    data = read_input_bytes(path, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text (byte {exc.start})", hint="save the file as CSV UTF-8") from None

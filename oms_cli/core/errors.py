"""Domain errors and the documented exit codes, defined once.

Services raise :class:`OmsError` subclasses; the CLI maps them to one line on
stderr and the exit code carried by the error class.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of every ``oms`` command (documented in the README)."""

    OK = 0
    INTERNAL = 1  # unexpected error; traceback written to the log file
    USAGE = 2  # bad command line (same code Click uses)
    BAD_INPUT = 3  # input data rejected; nothing was changed
    NOT_FOUND = 4  # an order, list, product … named on the command line does not exist
    REFUSED = 5  # not allowed in the current state (e.g. cancelling a shipped order)
    PARTIAL = 6  # some records rejected, the rest done
    UNAVAILABLE = 7  # a needed service (SMTP server, printer) is unavailable
    BUSY = 8  # the store stayed locked beyond the busy timeout
    ATTENTION = 9  # the command ran, and found something that needs the owner's attention


class OmsError(Exception):
    """An error the user can act on: one message, an optional hint, an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(OmsError):
    """The command line asks for something that cannot be done as written."""

    exit_code = ExitCode.USAGE


class BadInput(OmsError):
    """Input data (a file, a record, a field) is invalid; nothing was changed."""

    exit_code = ExitCode.BAD_INPUT


class NotFound(OmsError):
    """Something named on the command line does not exist."""

    exit_code = ExitCode.NOT_FOUND


class Refused(OmsError):
    """The action is not allowed in the current state."""

    exit_code = ExitCode.REFUSED


class Unavailable(OmsError):
    """A service the command needs (SMTP, print queue) cannot be reached."""

    exit_code = ExitCode.UNAVAILABLE


class StoreBusy(OmsError):
    """The store stayed locked by another process beyond the busy timeout."""

    exit_code = ExitCode.BUSY


class ConfigError(OmsError):
    """The configuration file is invalid."""

    exit_code = ExitCode.BAD_INPUT


def record_error(file: str, line: int | None, field: str | None, message: str) -> BadInput:
    """Build the one-line ``file:line: field message`` error the importers report."""
    where = f"{file}:{line}" if line is not None else file
    text = f"{where}: {field} {message}" if field else f"{where}: {message}"
    return BadInput(text)

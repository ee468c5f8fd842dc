"""Sending a rendered file to a printer through CUPS' ``lp``.

The caller writes the file first, so when printing fails the owner still has it and
the error says where it is.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..core.errors import Unavailable

PRINT_TIMEOUT_S = 30


def send_to_printer(path: str | Path, printer: str | None = None) -> str:
    """Queue ``path`` on ``printer`` (or the default printer) with ``lp``; return lp's job line.

    ZPL files are sent raw so the Zebra printer gets the commands, not a rendering of them.
    """
    file = Path(path)
    lp = shutil.which("lp")
    if lp is None:
        raise Unavailable(
            f"cannot print {file}: the lp command was not found",
            hint="install CUPS (e.g. the cups-client package), or print the file yourself",
        )
    command = [lp]
    if printer:
        command += ["-d", printer]
    if file.suffix.lower() == ".zpl":
        command += ["-o", "raw"]
    command.append(str(file))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Unavailable(f"cannot print {file}: {e}", hint="check that CUPS is running (lpstat -r)") from e
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip() or f"lp exited with status {done.returncode}"
        raise Unavailable(
            f"cannot print {file} on {printer or 'the default printer'}: {reason}",
            hint="list printers with lpstat -p; the file is still there to print by hand",
        )
    return done.stdout.strip()

"""Entry point of the ``oms`` command: runs the Typer app and maps errors to exit codes."""

from __future__ import annotations

import os
import sys
from datetime import UTC


def _write_crash_log() -> str:
    import traceback
    from datetime import datetime

    from oms_cli.core.paths import state_dir

    text = traceback.format_exc()
    try:
        d = state_dir()
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"crash-{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}.log"
        path.write_text(text, encoding="utf-8")
        return str(path)
    except OSError:
        sys.stderr.write(text)
        return "(could not write a log file; traceback above)"


def main(argv: list[str] | None = None) -> int:
    """Run ``oms`` and exit with its documented exit code."""
    from oms_cli.cli.app import app
    from oms_cli.core.errors import ExitCode, OmsError

    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or bool(os.environ.get("OMS_DEBUG"))
    try:
        app(args=argv, prog_name="oms")
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        sys.stderr.write(f"{code}\n")
        return 1
    except OmsError as exc:
        sys.stderr.write(f"oms: error: {exc.message}\n")
        if exc.hint:
            sys.stderr.write(f"  hint: {exc.hint}\n")
        return int(exc.exit_code)
    except OverflowError as exc:
        # a number the checks at the edges did not catch, refused by the store's 64-bit integers
        sys.stderr.write(f"oms: error: a number is too large to store ({exc})\n")
        return int(ExitCode.BAD_INPUT)
    except KeyboardInterrupt:
        sys.stderr.write("oms: interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader of our output went away (e.g. `| head`): not an error of ours
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return 0
    except Exception as exc:  # noqa: BLE001 - last line of defence
        if debug:
            import traceback

            traceback.print_exc()
            return int(ExitCode.INTERNAL)
        path = _write_crash_log()
        sys.stderr.write(
            f"oms: internal error: {type(exc).__name__}: {exc}\n  the traceback is in {path} (run with --debug to see it here)\n"
        )
        return int(ExitCode.INTERNAL)
    return 0


if __name__ == "__main__":
    sys.exit(main())

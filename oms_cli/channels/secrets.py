"""Where a connection's credentials come from: an environment variable (the store
keeps its name) or the OS keyring (``keyring``, when installed). Values are never
written to the store, a log or a message."""

from __future__ import annotations

import os
import re

from oms_cli.core.errors import BadInput, UsageError

KEYRING_SERVICE = "oms"
#: upper case only: a pasted token (mixed or lower case) is never taken for a variable's name
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def parse_source(spec: str, field: str) -> str:
    """A credential's source as stored: ``env:NAME`` (an upper-case variable name) or ``keyring``."""
    spec = spec.strip()
    if spec == "keyring":
        if not keyring_available():
            raise UsageError(
                f"{field}: the keyring module is not installed",
                hint="pip install keyring, or name an environment variable",
            )
        return spec
    name = spec[4:]
    if not spec.startswith("env:") or not _ENV_NAME.match(name):
        raise UsageError(
            f"{field}: give env:NAME, the upper-case name of an environment variable (e.g. env:SHOPIFY_TOKEN), or 'keyring', not a value",
            hint="secrets are never stored: export the value in an environment variable and name it here",
        )
    return "env:" + name


def keyring_available() -> bool:
    """Whether the ``keyring`` module can be used."""
    try:
        import keyring  # noqa: F401
    except ImportError:
        return False
    return True


def keyring_user(connection: str, field: str) -> str:
    """The keyring entry of one credential of a connection."""
    return f"{connection}:{field}"


def read(connection: str, field: str, spec: str) -> str:
    """The credential's value; BadInput (naming where it was looked for, never a value) when it is missing."""
    if spec == "keyring":
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, keyring_user(connection, field))
        if not value:
            raise BadInput(
                f"connection '{connection}': {field} is not in the keyring (service {KEYRING_SERVICE!r}, "
                f"entry {keyring_user(connection, field)!r})"
            )
        return value
    name = spec[4:]
    value = os.environ.get(name, "")
    if not value.strip():
        raise BadInput(
            f"connection '{connection}': {field} is read from the environment variable {name}, which is not set",
            hint=f"export {name}=… in the environment oms runs in (for cron: in the crontab or a wrapper script)",
        )
    return value.strip()


def write(connection: str, field: str, spec: str, value: str) -> bool:
    """Keep a new value of a credential the channel rotated (Etsy's refresh token); only
    possible for the keyring. Returns whether it was kept."""
    if spec != "keyring":
        return False
    import keyring

    keyring.set_password(KEYRING_SERVICE, keyring_user(connection, field), value)
    return True

"""Talking to the shop's SMTP server: plain, STARTTLS or implicit TLS, with login.

The password is read from the environment variable named in
``notify.smtp.password_env`` when the connection is opened; it is never stored,
returned, or put into an error message.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING

from oms_cli.core.errors import ConfigError, Unavailable

if TYPE_CHECKING:
    from oms_cli.core.config import Config

SECURITY_MODES = ("none", "starttls", "tls")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the SMTP server (no password: that stays in the environment)."""

    host: str
    port: int
    security: str
    user: str | None
    password_env: str | None
    timeout_s: float

    @property
    def where(self) -> str:
        """``host:port`` for messages."""
        return f"{self.host}:{self.port}"


def settings_from(config: Config) -> SmtpSettings:
    """The SMTP settings of the configuration, checked."""
    smtp = config.get("notify.smtp") or {}
    security = str(smtp.get("security") or "none").lower()
    if security not in SECURITY_MODES:
        raise ConfigError(f"notify.smtp.security: '{security}' is not one of {', '.join(SECURITY_MODES)}")
    try:
        port = int(smtp.get("port") or (465 if security == "tls" else 25))
    except (TypeError, ValueError):
        raise ConfigError(f"notify.smtp.port: '{smtp.get('port')}' is not a port number") from None
    host = str(smtp.get("host") or "").strip()
    if not host:
        raise ConfigError("notify.smtp.host is empty")
    return SmtpSettings(
        host=host,
        port=port,
        security=security,
        user=smtp.get("user") or None,
        password_env=smtp.get("password_env") or None,
        timeout_s=float(smtp.get("timeout_s") or 10),
    )


def _password(settings: SmtpSettings) -> str:
    value = os.environ.get(settings.password_env) if settings.password_env else None
    if not value:
        raise ConfigError(
            f"notify.smtp.user is set but the environment variable {settings.password_env or '(notify.smtp.password_env)'} holding the password is empty",
            hint="export the password in that variable; oms never stores it",
        )
    return value


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An open, secured and logged-in SMTP connection; :class:`Unavailable` when the
    server cannot be reached or will not secure the connection."""
    context = ssl.create_default_context()
    password = _password(settings) if settings.user else None
    try:
        if settings.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_s, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
        try:
            client.ehlo()
            if settings.security == "starttls":
                if not client.has_extn("starttls"):
                    raise Unavailable(
                        f"SMTP server {settings.where} does not offer STARTTLS; not sending in clear text"
                    )
                client.starttls(context=context)
                client.ehlo()
            if settings.user and password is not None:
                client.login(settings.user, password)
        except BaseException:
            _quietly_close(client)
            raise
    except smtplib.SMTPAuthenticationError as exc:
        raise ConfigError(
            f"SMTP server {settings.where} refused the login of {settings.user} ({exc.smtp_code})",
            hint=f"check notify.smtp.user and ${settings.password_env}",
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise Unavailable(
            f"SMTP server {settings.where} does not support login",
            hint="unset notify.smtp.user, or use security: starttls",
        ) from None
    except ssl.SSLError as exc:
        raise Unavailable(f"TLS with SMTP server {settings.where} failed: {exc.reason or exc}") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise Unavailable(f"SMTP server {settings.where} cannot be reached ({_reason(exc)})") from None
    return client


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return str(exc) or type(exc).__name__


def send(client: smtplib.SMTP, message: EmailMessage, envelope_from: str, to_addr: str) -> None:
    """Hand one message to the server for one recipient (raises smtplib errors)."""
    refused = client.send_message(message, from_addr=envelope_from, to_addrs=[to_addr])
    if refused:
        code, text = next(iter(refused.values()))
        raise smtplib.SMTPRecipientsRefused({to_addr: (code, text)})


def close(client: smtplib.SMTP) -> None:
    """End the conversation politely; a server that already hung up is fine."""
    _quietly_close(client)


def _quietly_close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        try:
            client.close()
        except OSError:
            pass

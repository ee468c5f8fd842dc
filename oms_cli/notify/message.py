"""Turning an outbox row into an e-mail: headers, a text part, an HTML part, attachments.

Pure module (reads attachment files it is given, nothing else): no database, no
network, no Typer/Rich.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, parseaddr
from pathlib import Path

_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def address_of(header_value: str) -> str:
    """The bare address of ``"My Shop <orders@example.com>"`` (``orders@example.com``)."""
    return parseaddr(header_value)[1]


def domain_of(header_value: str) -> str:
    """The domain of an address header, for Message-IDs (``example.com``)."""
    addr = address_of(header_value)
    return addr.rpartition("@")[2] or "oms.invalid"


def valid_address(value: str | None) -> bool:
    """Whether ``value`` is one plausible e-mail address (``name@domain``)."""
    if not value:
        return False
    pairs = getaddresses([value])
    if len(pairs) != 1:
        return False
    local, _, domain = pairs[0][1].rpartition("@")
    return bool(local) and "." in domain and not any(c.isspace() for c in pairs[0][1])


def message_id_for(key: str, outbox_id: int, from_header: str) -> str:
    """The Message-ID of an outbox message: fixed by its key and id, so every retry of
    the same message carries the same id and the receiving side can tell it is one."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    return f"<oms.{outbox_id}.{digest}@{domain_of(from_header)}>"


def build_message(
    *,
    from_header: str,
    to_addr: str,
    subject: str,
    body_text: str,
    body_html: str | None,
    message_id: str,
    date: datetime,
    reply_to: str | None = None,
    attachments: Sequence[Path] = (),
) -> EmailMessage:
    """A complete message: multipart/alternative (text, then HTML) and, with
    attachments, wrapped in multipart/mixed."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = from_header
    msg["To"] = to_addr
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    if reply_to:
        msg["Reply-To"] = reply_to
    # RFC 3834: tells auto-responders (out-of-office) not to answer a shop notice.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body_text)
    if body_html:
        msg.add_alternative(body_html, subtype="html")
    for path in attachments:
        ctype, _ = mimetypes.guess_type(path.name)
        maintype, _, subtype = (ctype or "application/octet-stream").partition("/")
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def eml_filename(outbox_id: int, kind: str, key: str) -> str:
    """A file name for a message written by ``--dry-run`` (``12-shipped-shopify_1001.eml``)."""
    tail = key.split(":", 1)[1] if ":" in key else key
    return f"{outbox_id}-{kind}-{_UNSAFE_FILE_CHARS.sub('_', tail).strip('_')[:60]}.eml"

"""Rendering customer messages from Jinja2 templates: the shop's own, else the defaults.

Each kind of message has three templates: ``<kind>.subject.j2`` (one line),
``<kind>.txt.j2`` (the plain-text part) and ``<kind>.html.j2`` (the HTML part, with
autoescaping). A shop overrides any of them by putting a file of the same name in
its templates directory (``notify.templates_dir``, default ``templates/`` beside
the config file); the rest keep the defaults shipped in this package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oms_cli.core.errors import BadInput
from oms_cli.notify.policy import KINDS

if TYPE_CHECKING:
    import jinja2

    from oms_cli.core.config import Config

DEFAULTS_DIR = Path(__file__).resolve().parent / "templates"
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class RenderedMessage:
    """A message ready for the outbox: subject, text part and HTML part."""

    subject: str
    text: str
    html: str


def templates_dir(config: Config) -> Path:
    """The shop's templates directory: ``notify.templates_dir`` (relative to the config
    file's directory), else ``templates/`` beside the config file."""
    configured = config.get("notify.templates_dir")
    if configured:
        path = Path(str(configured)).expanduser()
        return path if path.is_absolute() else config.directory / path
    return config.directory / "templates"


def _day(value: Any) -> str:
    """``14 Nov 2026`` for a date or time (times are shown in UTC)."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    return "" if value is None else str(value)


def _nl2br(value: Any) -> Any:
    """Text with its line breaks kept in HTML (the text itself escaped)."""
    from markupsafe import Markup, escape

    return Markup("<br>\n").join(escape(line) for line in str(value or "").splitlines())


@lru_cache(maxsize=8)
def _environment(shop_dir: str) -> jinja2.Environment:
    import jinja2

    loaders: list[jinja2.BaseLoader] = []
    if shop_dir:
        loaders.append(jinja2.FileSystemLoader(shop_dir))
    loaders.append(jinja2.FileSystemLoader(str(DEFAULTS_DIR)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=False,
        # A template that mentions a value the message does not have (no tracking
        # link yet, no reply) renders it empty rather than refusing the whole change.
        undefined=jinja2.ChainableUndefined,
    )
    env.filters["day"] = _day
    env.filters["nl2br"] = _nl2br
    return env


def environment(config: Config) -> jinja2.Environment:
    """The Jinja2 environment for this configuration (shop templates first)."""
    folder = templates_dir(config)
    return _environment(str(folder) if folder.is_dir() else "")


def _render_one(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    import jinja2

    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or name
        raise BadInput(f"{where}:{exc.lineno}: template error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise BadInput(f"template {exc.name} not found", hint=f"defaults are in {DEFAULTS_DIR}") from None
    except jinja2.TemplateError as exc:
        raise BadInput(f"{name}: template error: {exc}") from None


def render(kind: str, context: dict[str, Any], config: Config) -> RenderedMessage:
    """Render the subject, text and HTML of one message kind with ``context``."""
    if kind not in KINDS:
        raise BadInput(f"unknown message kind '{kind}'", hint="one of: " + ", ".join(KINDS))
    env = environment(config)
    subject = " ".join(_render_one(env, f"{kind}.subject.j2", context).split())
    if not subject:
        raise BadInput(f"{kind}.subject.j2: the subject renders empty")
    text = _BLANK_LINES.sub("\n\n", _render_one(env, f"{kind}.txt.j2", context)).strip() + "\n"
    html = _render_one(env, f"{kind}.html.j2", {**context, "subject": subject})
    return RenderedMessage(subject=subject, text=text, html=html)


def default_template_files() -> list[Path]:
    """The template files shipped with oms (to copy into a shop's templates directory)."""
    return sorted(DEFAULTS_DIR.glob("*.j2"))

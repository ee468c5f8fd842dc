"""Fixtures for aftercare tests: a real SMTP server on 127.0.0.1."""

from shipping.fixtures import smtp_server  # noqa: F401 - a fixture, used by name

"""One reading of schedule.timezone for ship-by, delivery times and the report."""

from __future__ import annotations

from datetime import UTC, timezone

import pytest

from oms_cli.core.errors import ConfigError
from oms_cli.release.schedule import shop_timezone


def test_known_zones_and_utc() -> None:
    assert shop_timezone(None) is UTC and shop_timezone("utc") is UTC
    assert str(shop_timezone("Europe/Berlin")) == "Europe/Berlin"


def test_an_unknown_zone_is_a_config_error_not_a_silent_utc() -> None:
    with pytest.raises(ConfigError, match="schedule.timezone: unknown time zone 'Mars/Base'"):
        shop_timezone("Mars/Base")


def test_deliver_refuses_to_guess_the_zone(oms, config_file) -> None:
    config_file({"schedule": {"timezone": "Mars/Base"}})
    r = oms("deliver", "shopify:1", "--at", "2026-11-20 14:00")
    assert r.exit_code == 3
    assert "unknown time zone 'Mars/Base'" in r.stderr

"""The check `oms ship` makes, against the shared conformance data: for every carrier
listed there, every valid sample is accepted and every invalid one refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shipping.fixtures import make_order

from oms_cli.core.errors import BadInput
from oms_cli.shipping.carrier_files import check_tracking
from oms_cli.shipping.service import Shipment, ship_order

SHARED = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "tracking_numbers" / "couriers"
# the same files (with their licence) travel inside the package: use them when ../shared is absent
BUNDLED = Path(__file__).resolve().parents[2] / "oms_cli" / "carriers" / "couriers"
DATA = SHARED if SHARED.is_dir() else BUNDLED


def _cases() -> list[tuple[str, str, bool, bool]]:
    """(carrier, number, listed valid, valid in another format of the same carrier)."""
    if not DATA.is_dir():
        return []
    cases = []
    for path in sorted(DATA.glob("*.json")):
        courier = json.loads(path.read_text(encoding="utf-8"))
        formats = courier["tracking_numbers"]
        valid_anywhere = {n for f in formats for n in (f.get("test_numbers") or {}).get("valid", [])}
        for f in formats:
            samples = f.get("test_numbers") or {}
            cases += [(courier["courier_code"], n, True, True) for n in samples.get("valid", [])]
            cases += [(courier["courier_code"], n, False, n in valid_anywhere) for n in samples.get("invalid", [])]
    return cases


CASES = _cases()


def test_the_conformance_data_is_there() -> None:
    if not DATA.is_dir():
        pytest.skip(f"{DATA} not present")
    assert len({c[0] for c in CASES}) == 18


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{'valid' if c[2] else 'invalid'}-{c[1].strip()}" for c in CASES])
def test_sample(case: tuple[str, str, bool, bool]) -> None:
    carrier, number, listed_valid, valid_elsewhere = case
    if listed_valid or valid_elsewhere:
        assert check_tracking(carrier, number).valid
    else:
        with pytest.raises(BadInput, match="is not a valid"):
            check_tracking(carrier, number)


def test_every_carrier_ships_a_valid_sample_and_refuses_an_invalid_one(store) -> None:
    from oms_cli.core.config import load_config

    if not DATA.is_dir():
        pytest.skip(f"{DATA} not present")
    config = load_config()
    by_carrier: dict[str, tuple[str, str]] = {}
    for carrier, number, listed_valid, valid_elsewhere in CASES:
        good, bad = by_carrier.get(carrier, ("", ""))
        if listed_valid and not good:
            good = number
        if not listed_valid and not valid_elsewhere and not bad:
            bad = number
        by_carrier[carrier] = (good, bad)
    for i, (carrier, (good, bad)) in enumerate(sorted(by_carrier.items())):
        ref = f"shopify:{5000 + i}"
        make_order(store, ref)
        with pytest.raises(BadInput):
            ship_order(store, config, Shipment(ref, carrier, bad))
        result = ship_order(store, config, Shipment(ref, carrier, good))
        assert (result["status"], result["carrier"], result["warnings"]) == ("shipped", carrier, [])

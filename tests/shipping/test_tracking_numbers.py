"""Tracking numbers against the bundled courier data: every sample of every carrier."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.carriers.tracking import (
    NumberFormat,
    canonical_carrier,
    carrier_name,
    carriers,
    detect,
    known_carrier,
    normalize_number,
    tracking_url,
    validate,
    validate_format,
)


def _samples(kind: str) -> list[tuple[str, NumberFormat, str]]:
    found = []
    for code, carrier in carriers().items():
        for fmt in carrier.formats:
            for number in getattr(fmt, f"{kind}_samples"):
                found.append((code, fmt, number))
    return found


VALID = _samples("valid")
INVALID = _samples("invalid")


def _id(case: tuple[str, NumberFormat, str]) -> str:
    code, fmt, number = case
    return f"{code}/{fmt.id or fmt.name}/{number.strip()}"


def test_every_carrier_in_the_data_is_loaded_with_samples() -> None:
    expected = {
        "amazon",
        "canada_post",
        "canpar",
        "dhl",
        "dpd",
        "fedex",
        "gofo",
        "landmark",
        "lasership",
        "old_dominion",
        "ontrac",
        "purolator",
        "s10",
        "speedee",
        "ups",
        "usps",
        "yodel",
        "yunexpress",
    }
    assert set(carriers()) == expected
    for carrier in carriers().values():
        assert any(f.valid_samples for f in carrier.formats), carrier.code
        assert any(f.invalid_samples for f in carrier.formats), carrier.code
    assert len(VALID) == 192 and len(INVALID) == 88


@pytest.mark.parametrize("case", VALID, ids=[_id(c) for c in VALID])
def test_valid_sample_is_accepted(case: tuple[str, NumberFormat, str]) -> None:
    code, fmt, number = case
    assert validate_format(fmt, number).valid
    check = validate(code, number)
    assert check.valid, check.reason
    assert check.carrier == code
    assert check.normalized == normalize_number(number)
    assert " " not in check.normalized


@pytest.mark.parametrize("case", INVALID, ids=[_id(c) for c in INVALID])
def test_invalid_sample_is_refused(case: tuple[str, NumberFormat, str]) -> None:
    code, fmt, number = case
    assert not validate_format(fmt, number).valid
    siblings = [f for f in carriers()[code].formats if f is not fmt]
    # The data lists a few numbers as invalid for one format that are valid samples of
    # another format of the same carrier (Purolator's 12-digit numbers are "invalid"
    # alpha-format numbers): the carrier as a whole must accept those.
    valid_elsewhere = any(number in f.valid_samples for f in siblings)
    check = validate(code, number)
    assert check.valid is valid_elsewhere
    if not check.valid:
        assert check.reason


CHECKED = [c for c in VALID if c[1].checksum and "CheckDigit" in c[1].pattern.groupindex]


@pytest.mark.parametrize("case", CHECKED, ids=[_id(c) for c in CHECKED])
def test_any_other_check_digit_is_refused(case: tuple[str, NumberFormat, str]) -> None:
    _, fmt, number = case
    normalized = normalize_number(number)
    match = fmt.pattern.fullmatch(normalized)
    assert match is not None
    start, end = match.span("CheckDigit")
    actual = normalized[start:end]
    alphabet = fmt.checksum.get("alphabet", "0123456789") if fmt.checksum else "0123456789"
    for other in alphabet:
        if other == actual:
            continue
        altered = normalized[:start] + other + normalized[end:]
        assert not validate_format(fmt, altered).valid, altered


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(VALID), data=st.data())
def test_spaces_anywhere_do_not_change_the_verdict(case: tuple[str, NumberFormat, str], data: st.DataObject) -> None:
    code, _, number = case
    compact = normalize_number(number)
    spaced = "".join(ch + data.draw(st.sampled_from(["", " ", "  ", "\t"])) for ch in compact)
    check = validate(code, " " + spaced.lower())
    assert check.valid and check.normalized == compact


@settings(max_examples=80, deadline=None)
@given(
    carrier=st.sampled_from(["ups", "usps", "fedex", "dhl", "dpd", "s10", "royal mail"]), number=st.text(max_size=40)
)
def test_arbitrary_text_never_raises(carrier: str, number: str) -> None:
    check = validate(carrier, number)
    assert isinstance(check.valid, bool)
    assert not any(ch.isspace() for ch in check.normalized)


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("ups", "ups"),
        ("UPS", "ups"),
        ("United Parcel Service", "ups"),
        ("usps", "usps"),
        ("United States Postal Service", "usps"),
        ("fedex", "fedex"),
        ("FedEx", "fedex"),
        ("Federal Express", "fedex"),
        ("dhl", "dhl"),
        ("DHL Express", "dhl"),
        ("DHL eCommerce", "dhl"),
        ("amazon", "amazon"),
        ("Amazon Logistics", "amazon"),
        ("AMZL", "amazon"),
        ("canada_post", "canada_post"),
        ("canadapost", "canada_post"),
        ("Canada Post", "canada_post"),
        ("Spee-Dee", "speedee"),
        ("OnTrac", "ontrac"),
        ("ODFL", "old_dominion"),
        ("s10", "s10"),
    ],
)
def test_carrier_aliases(alias: str, code: str) -> None:
    assert canonical_carrier(alias) == code
    assert known_carrier(alias)


def test_carrier_names() -> None:
    assert carrier_name("ups") == "UPS"
    assert carrier_name("canadapost") == "Canada Post"
    assert carrier_name("usps") == "United States Postal Service"


def test_unknown_carrier_is_not_an_error() -> None:
    assert not known_carrier("Royal Mail")
    assert carrier_name(" Royal Mail ") == "Royal Mail"
    check = validate("Royal Mail", "AB 1234 5678 9GB")
    assert check.valid
    assert check.carrier == "royal_mail"
    assert check.normalized == "AB123456789GB"
    assert check.format_name is None
    assert check.reason and "not known" in check.reason


def test_empty_number_is_refused() -> None:
    check = validate("ups", "   ")
    assert not check.valid and check.reason == "tracking number is empty"


def test_wrong_carrier_is_refused_with_a_reason() -> None:
    check = validate("fedex", "1Z5R89390357567127")
    assert not check.valid
    assert check.reason == "does not match any FedEx number format"
    check = validate("ups", "1Z5R89390357567128")
    assert not check.valid and check.format_name == "UPS" and "check digit" in (check.reason or "")


def test_detect_names_the_carriers_a_number_fits() -> None:
    assert [c.carrier for c in detect("1Z5R89390357567127")] == ["ups"]
    assert detect("nonsense") == []


def test_tracking_url_from_the_data() -> None:
    assert (
        tracking_url("UPS", "1Z 5R8 939 0357 5671 27")
        == "https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=1Z5R89390357567127"
    )
    assert tracking_url("canadapost", "0073938000549297") == (
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=0073938000549297"
    )
    # The data gives no page for these.
    assert tracking_url("lasership", "LX17635036") is None
    assert tracking_url("s10", "RB123456785GB") is None
    assert tracking_url("royal mail", "RB123456785GB") is None
    assert tracking_url("ups", "  ") is None


def test_tracking_url_overrides() -> None:
    overrides = {
        "United Parcel Service": "https://www.ups.com/track?tracknum={number}",
        "amazon": "https://track.amazon.com/tracking/%s",
        "royal_mail": "https://www.royalmail.com/track-your-item#/tracking-results/%s",
    }
    assert (
        tracking_url("ups", "1Z5R89390357567127", overrides) == "https://www.ups.com/track?tracknum=1Z5R89390357567127"
    )
    assert tracking_url("AMZL", "TBA000000000000", overrides) == "https://track.amazon.com/tracking/TBA000000000000"
    assert tracking_url("Royal Mail", "rb123456785gb", overrides) == (
        "https://www.royalmail.com/track-your-item#/tracking-results/RB123456785GB"
    )
    assert (
        tracking_url("fedex", "986578788855", overrides)
        == "https://www.fedex.com/apps/fedextrack/?tracknumbers=986578788855"
    )


def test_tracking_url_quotes_odd_characters() -> None:
    url = tracking_url("local", "A/B&C", {"local": "https://t.example/?n=%s"})
    assert url == "https://t.example/?n=A%2FB%26C"


def test_every_template_in_the_data_has_one_placeholder() -> None:
    for carrier in carriers().values():
        for fmt in carrier.formats:
            if fmt.url_template:
                assert fmt.url_template.count("%s") == 1, fmt.name

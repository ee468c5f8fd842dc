"""GS1 check digits and SSCC-18 numbers, shared by labels, pick lists and catalog checks.

Pure module: digits in, digits out; no drawing library is imported here.
"""

from __future__ import annotations

from collections.abc import Mapping


def gs1_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for ``body`` (all digits, check digit not included)."""
    if not body or not body.isascii() or not body.isdigit():
        raise ValueError(f"a GS1 number is made of digits only, got {body!r}")
    # Weights 3,1,3,1… run from the rightmost digit of the body, so the same rule
    # serves GTIN-8/12/13/14 and the 17-digit body of an SSCC.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def has_valid_check_digit(code: str) -> bool:
    """True when ``code`` (digits, check digit last) ends in its GS1 mod-10 check digit."""
    if len(code) < 2 or not code.isascii() or not code.isdigit():
        return False
    return gs1_check_digit(code[:-1]) == int(code[-1])


def is_ean13(code: str) -> bool:
    """True for a 13-digit EAN-13 (GTIN-13) with a correct check digit."""
    return len(code) == 13 and has_valid_check_digit(code)


def is_upca(code: str) -> bool:
    """True for a 12-digit UPC-A (GTIN-12) with a correct check digit."""
    return len(code) == 12 and has_valid_check_digit(code)


def sscc18(extension_digit: int, company_prefix: str, serial: int | str) -> str:
    """The 18-digit SSCC: extension digit, GS1 company prefix, serial, check digit.

    The serial is zero-padded to fill the 16 digits left after the extension digit
    and the company prefix (7 to 10 digits long).
    """
    if not 0 <= int(extension_digit) <= 9:
        raise ValueError(f"the SSCC extension digit is 0-9, got {extension_digit!r}")
    if not (company_prefix.isascii() and company_prefix.isdigit() and 7 <= len(company_prefix) <= 10):
        raise ValueError(f"a GS1 company prefix is 7 to 10 digits, got {company_prefix!r}")
    serial_text = str(serial)
    width = 16 - len(company_prefix)
    if not (serial_text.isascii() and serial_text.isdigit()) or len(serial_text) > width:
        raise ValueError(f"the SSCC serial must be at most {width} digits with prefix {company_prefix}, got {serial!r}")
    body = f"{int(extension_digit)}{company_prefix}{serial_text.zfill(width)}"
    return body + str(gs1_check_digit(body))


def is_sscc18(code: str) -> bool:
    """True for an 18-digit SSCC with a correct check digit."""
    return len(code) == 18 and has_valid_check_digit(code)


def shop_sscc(shop: Mapping[str, object], serial: int) -> str:
    """The SSCC-18 for a package serial, from the shop's GS1 settings (``shop.*`` config)."""
    from oms_cli.core.errors import ConfigError

    try:
        return sscc18(int(shop.get("sscc_extension") or 0), str(shop.get("gs1_company_prefix") or ""), serial)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"shop.gs1_company_prefix / shop.sscc_extension: cannot make an SSCC ({exc})",
            hint="the GS1 company prefix is 7 to 10 digits, the extension digit 0-9",
        ) from None

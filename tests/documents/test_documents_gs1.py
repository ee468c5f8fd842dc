"""GS1 check digits and SSCC-18 numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.documents import gs1


@pytest.mark.parametrize(
    "code",
    ["4006381333931", "5901234123457", "036000291452", "012345678905", "00012345600012", "96385074"],
)
def test_published_codes_have_valid_check_digits(code: str) -> None:
    assert gs1.has_valid_check_digit(code)
    assert gs1.gs1_check_digit(code[:-1]) == int(code[-1])


def test_ean13_and_upca_need_their_length_and_check_digit() -> None:
    assert gs1.is_ean13("4006381333931")
    assert not gs1.is_ean13("4006381333932")
    assert not gs1.is_ean13("036000291452")
    assert gs1.is_upca("036000291452")
    assert not gs1.is_upca("036000291453")
    assert not gs1.is_upca("03600029145a")


def test_sscc18_pads_the_serial_and_appends_the_check_digit() -> None:
    # The SSCC used in GS1's own examples: (00) 1 0614141 123456789 7.
    assert gs1.sscc18(1, "0614141", 123456789) == "106141411234567897"
    assert gs1.sscc18(0, "0614141", 1) == "006141410000000012"
    assert gs1.is_sscc18(gs1.sscc18(9, "1234567890", "42"))


@pytest.mark.parametrize(
    ("extension", "prefix", "serial"),
    [(10, "0614141", 1), (0, "123456", 1), (0, "12345678901", 1), (0, "0614141", 10**9), (0, "0614141", "1a")],
)
def test_sscc18_refuses_what_does_not_fit(extension: int, prefix: str, serial: int | str) -> None:
    with pytest.raises(ValueError):
        gs1.sscc18(extension, prefix, serial)


@settings(max_examples=60, deadline=None)
@given(
    extension=st.integers(0, 9),
    prefix=st.text("0123456789", min_size=7, max_size=10),
    serial=st.integers(0, 999_999),
    position=st.integers(0, 17),
    delta=st.integers(1, 9),
)
def test_any_single_wrong_digit_in_an_sscc_is_caught(
    extension: int, prefix: str, serial: int, position: int, delta: int
) -> None:
    code = gs1.sscc18(extension, prefix, serial)
    assert len(code) == 18 and gs1.is_sscc18(code)
    wrong = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1 :]
    assert not gs1.is_sscc18(wrong)


def test_gs1_module_does_not_import_drawing_libraries() -> None:
    import subprocess
    import sys

    code = "import sys, oms_cli.documents.gs1; print(any(m.startswith(('reportlab', 'barcode')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

"""Printing through lp: a missing or failing lp is reported as Unavailable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from oms_cli.core.errors import ExitCode, Unavailable
from oms_cli.documents.printing import send_to_printer


def fake_lp(bin_dir: Path, body: str) -> None:
    """Put an executable ``lp`` shell script in ``bin_dir``."""
    lp = bin_dir / "lp"
    lp.write_text(f"#!/bin/sh\n{body}\n")
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)


@pytest.fixture()
def label_file(tmp_path: Path) -> Path:
    path = tmp_path / "labels.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    return path


def test_missing_lp_is_unavailable_with_a_hint(
    tmp_path: Path, label_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(Unavailable, match="the lp command was not found") as caught:
        send_to_printer(label_file, "zebra")
    assert caught.value.exit_code == ExitCode.UNAVAILABLE
    assert str(label_file) in caught.value.message and "CUPS" in (caught.value.hint or "")


def test_failing_lp_reports_its_error(tmp_path: Path, label_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_lp(tmp_path, 'echo "lp: The printer or class does not exist." >&2; exit 1')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    with pytest.raises(Unavailable, match="on nowhere: lp: The printer or class does not exist."):
        send_to_printer(label_file, "nowhere")


def test_lp_gets_the_printer_and_raw_mode_for_zpl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = tmp_path / "calls.txt"
    fake_lp(tmp_path, f'echo "$@" >> {calls}; echo "request id is zebra-17 (1 file(s))"')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    pdf, zpl = tmp_path / "slips.pdf", tmp_path / "labels.zpl"
    pdf.write_bytes(b"%PDF")
    zpl.write_text("^XA^XZ")
    assert send_to_printer(zpl, "zebra") == "request id is zebra-17 (1 file(s))"
    send_to_printer(pdf, None)
    assert calls.read_text().splitlines() == [f"-d zebra -o raw {zpl}", str(pdf)]

"""The static completion scripts are current and complete in a real shell."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_completion_scripts_are_current() -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_completions.py"), "--check"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize(
    "words,expect,absent",
    [
        ("oms or", {"orders"}, {"import"}),
        ("oms orders l", {"list"}, {"show"}),
        ("oms pick pl", {"plan"}, set()),
        ("oms pick plan --meth", {"--method"}, set()),
        ("oms --js", {"--json"}, set()),
    ],
)
def test_bash_completes_commands_and_options(words: str, expect: set[str], absent: set[str]) -> None:
    script = (
        f"source {ROOT / 'completions' / 'oms.bash'}\n"
        f"COMP_WORDS=({words}); COMP_CWORD={len(words.split()) - 1}\n"
        "_oms; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert expect <= set(out), out
    assert not (absent & set(out)), out

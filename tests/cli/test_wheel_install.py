"""A built wheel, installed outside the source tree, runs the whole demo.

This is what a shop meets after `pip install .` or `pipx install`: nothing of the
checkout is on the path, so anything the demo needs must ship inside the package.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _build_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a clean copy of the sources (a stale build/ in the checkout
    would carry files that are no longer there into the wheel)."""
    src = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
    shutil.copytree(ROOT / "oms_cli", src / "oms_cli", ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    out = tmp_path / "wheel"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    (wheel,) = out.glob("oms_cli-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path) -> Path:
    """A new virtual environment that sees this one's dependencies but not its oms_cli
    (the editable install is a finder started by a .pth file, which a path added by
    another .pth file does not run)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(target) / "oms-test-deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    return venv


def test_the_demo_runs_from_an_installed_wheel(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    venv = _fresh_venv(tmp_path)
    python = venv / "bin" / "python"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-compile"]
        + ["--no-deps", "--no-index", "--ignore-installed", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]

    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "OMS_EXAMPLES", "OMS_DB", "OMS_CONFIG")}
    where = subprocess.run(
        [str(python), "-c", "import oms_cli; print(oms_cli.__file__)"],
        capture_output=True,
        text=True,
        cwd=away,
        env=env,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the installed copy, not the checkout

    work = away / "demo"
    r = subprocess.run(
        [str(venv / "bin" / "oms"), "demo", "--dir", str(work)],
        capture_output=True,
        text=True,
        cwd=away,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "8. the fulfilment report" in r.stderr
    for name in ("labels.pdf", "slips.pdf", "report.pdf", "shopify-fulfilments.csv"):
        assert (work / name).stat().st_size > 0, name

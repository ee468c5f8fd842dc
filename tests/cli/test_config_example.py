"""config.example.yaml documents every key and loads as a valid configuration."""

from __future__ import annotations

from tests.conftest import ROOT


def _leaf_keys(d: dict, prefix: str = "") -> set[str]:
    from oms_cli.core.config import _OPEN_MAPS

    keys: set[str] = set()
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v and key not in _OPEN_MAPS:
            keys |= _leaf_keys(v, key + ".")
        else:
            keys.add(key)
    return keys


def test_example_documents_every_key() -> None:
    import yaml

    from oms_cli.core.config import DEFAULTS

    example = yaml.safe_load((ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    assert _leaf_keys(example) == _leaf_keys(DEFAULTS)


def test_example_values_are_the_defaults() -> None:
    import yaml

    from oms_cli.core.config import DEFAULTS

    example = yaml.safe_load((ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    assert example == DEFAULTS


def test_example_loads_through_oms(oms, oms_home) -> None:
    import shutil

    shutil.copy(ROOT / "config.example.yaml", oms_home / "oms.yaml")
    r = oms("--json", "config", "show")
    assert r.exit_code == 0, r.stderr
    assert all(v["source"].endswith("oms.yaml") for v in r.json()["values"])

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


def test_the_schema_describes_every_key() -> None:
    from oms_cli.core.config import DEFAULTS
    from oms_cli.core.config_schema import SCHEMA, problems

    undescribed = sorted(k for k in _leaf_keys(DEFAULTS) if not _described(SCHEMA, k.split(".")))
    assert undescribed == [], "add these keys to SCHEMA in oms_cli/core/config_schema.py"
    assert problems(DEFAULTS) == []  # and the defaults fit it


def _described(schema, parts: list[str]) -> bool:  # type: ignore[no-untyped-def]
    for part in parts:
        if not isinstance(schema, dict) or part not in schema:
            return False
        schema = schema[part]
    return True


def with_every_example(text: str) -> str:
    """config.example.yaml with every commented example in force.

    A ``key: value  # … e.g. EXAMPLE`` line takes the example as its value; a
    ``key: []  # … e.g.:`` line followed by commented lines takes those lines as its value.
    """
    import re

    inline = re.compile(r"^(?P<indent>\s*)(?P<key>[\w-]+): \S.*?\s+#.*?\be\.g\. (?P<example>.+?)\s*$")
    block = re.compile(r"^(?P<indent>\s*)(?P<key>[\w-]+): \S.*?\s+#.*\be\.g\.:\s*$")
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if m := block.match(line):
            out.append(f"{m['indent']}{m['key']}:")
            i += 1
            while i < len(lines) and lines[i].startswith(m["indent"] + "#"):
                out.append(lines[i].replace("#", " ", 1))
                i += 1
            continue
        if m := inline.match(line):
            line = f"{m['indent']}{m['key']}: {m['example']}"
        out.append(line)
        i += 1
    return "\n".join(out) + "\n"


def test_every_commented_example_is_accepted_and_works(oms, oms_home) -> None:
    import yaml

    text = with_every_example((ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    enabled = yaml.safe_load(text)
    # the examples really are in force (a change to the example file's layout shows here)
    assert enabled["packing"]["dim_weight"]["ups"]["small_parcel_divisor"] == 166
    assert enabled["release"]["thank_you"][0]["name"] == "big-order-thanks"
    assert enabled["picking"]["pickers"][0]["name"] == "ana"
    assert enabled["schedule"]["holidays"] == ["2026-12-25"]
    (oms_home / "oms.yaml").write_text(text, encoding="utf-8")

    r = oms("--json", "config", "show")
    assert r.exit_code == 0, r.stderr
    shown = {v["key"]: v["value"] for v in r.json()["values"]}
    assert shown["packing.dim_weight"]["ups"]["divisor"] == 139

    # the dim_weight part at work: a box priced by the example's UPS rule
    items = oms_home / "items.csv"
    items.write_text(
        "ref,length,width,height,weight,quantity,keep_flat\npillow,500,400,300,400,1,no\n", encoding="utf-8"
    )
    r = oms("--json", "boxes", "pack", items)
    assert r.exit_code == 0, r.stderr
    ((package,),) = [order["packages"] for order in r.json()]
    assert package["billable_weight"] > package["weight_g"]  # a big light parcel is billed on its size

    # and the rules of release: the thank-you rule is read when orders are released
    assert oms("release", "--all").exit_code == 0


def test_config_show_refuses_what_a_command_would(oms, config_file) -> None:
    # the example that once documented keys the packing code does not read
    config_file({"packing": {"dim_weight": {"ups": {"divisor": 139, "divisor_below": 166}}}})
    r = oms("config", "show")
    assert r.exit_code == 3
    assert "oms.yaml: packing.dim_weight.ups.divisor_below: unknown key" in r.stderr
    config_file({"release": {"allow_cod": "yes"}})
    r = oms("orders", "list")
    assert r.exit_code == 3
    assert "release.allow_cod" in r.stderr

"""`--json` is one rule for every command: `oms --json CMD …` and `oms CMD … --json` are
both accepted by every command of the tree and both print JSON that parses.

The walk covers every command the app has; a command added without a sample run below
fails `test_every_command_has_a_sample_run`, so a new command cannot skip the rule."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oms_cli.cli.app import command_tree


def _commands(command, path: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """(path, command) for every command under the root, groups included."""
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield (*path, name), sub
        yield from _commands(sub, (*path, name))


def _leaves() -> list[tuple[str, ...]]:
    # `pack` and `ship` are groups that are also commands (`oms pack REF`)
    return [p for p, c in _commands(command_tree()) if not getattr(c, "commands", None) or p in {("pack",), ("ship",)}]


ITEMS = "ref,length,width,height,weight,quantity,keep_flat\nbook,240,170,30,600,2,yes\n"
COUNT = "sku,location,quantity\nMUG-SPK-BLU,A01-B03-L1,7\n"

#: one run of every command against the demo's store: arguments, then the exit codes that
#: are its documented answer there (reconcile finds differences in the demo: 9)
SAMPLES: dict[tuple[str, ...], tuple[list[str], set[int]]] = {
    ("demo",): (["--dir", "{tmp}/demo-again"], {0}),
    ("import",): (["{examples}/shopify_orders.csv", "--dry-run"], {0}),
    ("orders", "list"): (["-n", "3"], {0}),
    ("orders", "show"): (["shopify:1041"], {0}),
    ("orders", "export"): (["--status", "shipped"], {0}),
    ("orders", "hold"): (["woocommerce:2153", "--reason", "manual"], {0}),
    ("orders", "release"): (["shopify:1043"], {0, 4}),
    ("orders", "cancel"): (["woocommerce:2154"], {0}),
    ("orders", "tag"): (["shopify:1041", "vip"], {0}),
    ("orders", "ack"): (["woocommerce:2154", "--done"], {0}),
    ("orders", "edit"): (["shopify:1050", "--address2", "Apt 4B"], {0}),
    ("products", "import"): (["{examples}/products.csv", "--dry-run"], {0}),
    ("products", "list"): (["-n", "3"], {0}),
    ("products", "show"): (["MUG-SPK-BLU"], {0}),
    ("products", "set"): (["MUG-SPK-BLU", "--low-stock", "3"], {0}),
    ("stock", "receive"): (["MUG-SPK-BLU", "5"], {0}),
    ("stock", "adjust"): (["MUG-SPK-BLU", "-1", "--reason", "damaged"], {0}),
    ("stock", "count"): (["{tmp}/count.csv", "--dry-run"], {0}),
    ("stock", "list"): ([], {0}),
    ("stock", "moves"): (["-n", "3"], {0}),
    ("stock", "check"): ([], {0}),
    ("release",): (["--all"], {0, 4}),
    ("queue",): ([], {0}),
    ("pick", "plan"): (["--dry-run"], {0}),
    ("pick", "lists"): ([], {0}),
    ("pick", "show"): (["1"], {0}),
    ("pick", "next"): (["--picker", "bo"], {0}),
    ("pick", "confirm"): (["1", "--all"], {0}),
    ("pick", "print"): (["1", "--out", "{tmp}/picklist.pdf"], {0}),
    ("pack",): (["shopify:1041"], {0}),
    ("pack", "verify"): (["shopify:1041", "--all"], {0}),
    ("boxes", "list"): ([], {0}),
    ("boxes", "count"): (["{box}", "4"], {0}),
    ("boxes", "receive"): (["{box}", "2"], {0}),
    ("boxes", "moves"): ([], {0}),
    ("boxes", "pack"): (["{tmp}/items.csv"], {0}),
    ("labels", "print"): (["shopify:1041", "--out", "{tmp}/labels.pdf"], {0}),
    ("slips", "print"): (["shopify:1041", "--out", "{tmp}/slips.pdf"], {0}),
    ("invoices", "print"): (["shopify:1041", "--out", "{tmp}/invoices.pdf"], {0}),
    ("ship",): (["shopify:1041", "--carrier", "ups", "--tracking", "1Z999AA10000010102"], {0}),
    ("ship", "export"): (["--channel", "shopify", "--out", "{tmp}/fulfilments.csv"], {0}),
    ("deliver",): (["shopify:1041"], {0}),
    ("notify", "send"): (["--dry-run", "--out", "{tmp}/outbox"], {0}),
    ("notify", "list"): ([], {0}),
    ("notify", "show"): (["1"], {0}),
    ("notify", "retry"): (["1"], {0, 4}),
    ("notify", "templates"): ([], {0}),
    ("feedback", "add"): (["shopify:1042", "--rating", "5"], {0}),
    ("feedback", "list"): ([], {0}),
    ("problems", "list"): ([], {0}),
    ("problems", "resolve"): (["1", "--note", "replaced"], {0}),
    ("returns", "open"): (["shopify:1042", "--reason", "doesnt_fit"], {0}),
    ("returns", "receive"): (["RMA-000002", "--condition", "resellable"], {0}),
    ("returns", "close"): (["RMA-000002", "--refund", "0"], {0}),
    ("returns", "list"): ([], {0}),
    ("returns", "show"): (["RMA-000001"], {0}),
    ("rates", "import"): (["{examples}/rates/rates.csv"], {0}),
    ("rates", "quote"): (["shopify:1041"], {0}),
    ("payments", "import"): (["{examples}/payments/stripe_balance.csv"], {0}),
    ("payments", "record"): (["shopify:1041", "1.00"], {0}),
    ("payments", "refund"): (["shopify:1041", "1.00"], {0}),
    ("payments", "list"): ([], {0}),
    ("payments", "reconcile"): ([], {0, 9}),
    ("payments", "ack"): (["unmatched_payment:ch_3TdB0001", "--note", "a gift card sold at the counter"], {0}),
    ("report",): ([], {0}),
    ("channels", "add"): (
        ["demo-shop", "--kind", "shopify", "--url", "{shop}", "--secret", "access_token=env:SHOP_TOKEN"],
        {0},
    ),
    ("channels", "list"): ([], {0}),
    ("channels", "show"): (["json-shop"], {0}),
    ("channels", "test"): (["json-shop"], {0}),
    ("channels", "remove"): (["json-shop"], {0}),
    ("sync",): ([], {0}),
    ("health",): ([], {0, 9}),
    ("config", "show"): ([], {0}),
    ("db", "status"): ([], {0}),
    ("db", "upgrade"): ([], {0}),
}


#: commands that need a channel connection in the store first (to a fake Shopify)
NEEDS_CONNECTION = {("channels", "show"), ("channels", "test"), ("channels", "remove"), ("sync",)}


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A Shopify Admin API on 127.0.0.1 (see tests/channels/fakes.py), its token in SHOP_TOKEN."""
    from channels.fakes import ShopifyFake

    monkeypatch.setenv("SHOP_TOKEN", ShopifyFake.token)
    with ShopifyFake() as fake:
        yield fake


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store the demo walked through every step (orders in every state, lists, returns…)."""
    work = tmp_path_factory.mktemp("json-everywhere") / "demo"
    subprocess.run(
        [sys.executable, "-m", "oms_cli", "demo", "--dir", str(work)], check=True, capture_output=True, timeout=300
    )
    return work


def test_every_command_has_a_sample_run() -> None:
    assert sorted(_leaves()) == sorted(SAMPLES)


def test_every_command_and_group_declares_json() -> None:
    missing = [" ".join(p) for p, c in _commands(command_tree()) if not any("--json" in q.opts for q in c.params)]
    assert missing == []


def _parses(stdout: str) -> object:
    """The JSON of stdout: one document, or JSON Lines (the documented stream of an export)."""
    assert stdout.strip(), "no JSON on stdout"
    try:
        return json.loads(stdout)
    except json.JSONDecodeError:
        return [json.loads(line) for line in stdout.splitlines()]


@pytest.mark.parametrize("path", sorted(SAMPLES), ids=lambda p: " ".join(p))
def test_both_forms_of_json(oms, demo: Path, tmp_path: Path, shop, path: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    from oms_cli.cli.demo import examples_dir

    (tmp_path / "items.csv").write_text(ITEMS, encoding="utf-8")
    (tmp_path / "count.csv").write_text(COUNT, encoding="utf-8")
    args, codes = SAMPLES[path]
    outputs = []
    for form in ("before", "after"):
        # each form starts from its own copy of the demo's store
        db = tmp_path / f"{form}.db"
        shutil.copy(demo / "oms.db", db)
        config = demo / "oms.yaml"
        import yaml

        boxes = yaml.safe_load(config.read_text(encoding="utf-8")).get("packing", {}).get("boxes") or [{"ref": "S"}]
        filled = [
            a.format(
                tmp=tmp_path / form,
                examples=examples_dir(),
                box=boxes[0].get("ref", boxes[0].get("name")),
                shop=shop.url,
            )
            for a in args
        ]
        (tmp_path / form).mkdir()
        (tmp_path / form / "items.csv").write_text(ITEMS, encoding="utf-8")
        (tmp_path / form / "count.csv").write_text(COUNT, encoding="utf-8")
        base = ["--db", str(db), "--config", str(config)]
        if path in NEEDS_CONNECTION:
            add = ["channels", "add", "json-shop", "--kind", "shopify", "--url", shop.url]
            assert oms(*base, *add, "--secret", "access_token=env:SHOP_TOKEN").exit_code == 0
        argv = [*base, "--json", *path, *filled] if form == "before" else [*base, *path, *filled, "--json"]
        r = oms(*argv)
        assert r.exit_code in codes, (argv, r.stderr)
        outputs.append(_parses(r.stdout))
    assert type(outputs[0]) is type(outputs[1])

"""`oms import` against a real store: idempotence, overlap, updates, all-or-nothing files,
JSON output against the schema, JSON Lines round trip, and two processes at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, store_digest, table_counts

SHOPIFY = EXAMPLES / "shopify_orders.csv"
ALL_EXAMPLES = [
    EXAMPLES / "shopify_orders.csv",
    EXAMPLES / "amazon_unshipped.txt",
    EXAMPLES / "woocommerce_orders.csv",
    EXAMPLES / "EtsySoldOrders2026-11.csv",
    EXAMPLES / "EtsySoldOrderItems2026-11.csv",
    EXAMPLES / "ebay_orders.csv",
]


def _counts(result) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    return {
        Path(f["file"]).name: {k: f[k] for k in ("new", "updated", "unchanged", "skipped")}
        for f in result.json()["files"]
    }


def test_every_example_imports_once(oms, db_path) -> None:
    r = oms("--json", "import", *ALL_EXAMPLES)
    assert r.exit_code == 0, r.stderr
    files = r.json()["files"]
    assert len(files) == 5  # Etsy's pair is one unit
    assert all(f["new"] > 0 and f["error"] is None for f in files)
    total_new = sum(f["new"] for f in files)
    counts = table_counts(db_path)
    assert counts["orders"] == total_new
    assert counts["order_events"] == total_new  # one "new" event per order

    again = oms("--json", "import", *ALL_EXAMPLES)
    assert again.exit_code == 0
    assert all(
        f["new"] == 0 and f["updated"] == 0 and f["unchanged"] == f2["new"]
        for f, f2 in zip(again.json()["files"], files)
    )
    assert table_counts(db_path) == counts


def test_overlapping_exports_store_each_order_once(oms, db_path, tmp_path) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(SHOPIFY.read_text(encoding="utf-8-sig"))))
    header, body = rows[0], rows[1:]
    names = [r[0] for r in body]
    # split at an order boundary (rows of one order share Name), overlapping by a few orders
    cut = next(i for i in range(len(body) // 2, len(body)) if names[i] != names[i - 1])
    start = next(i for i in range(cut // 2, cut) if names[i] != names[i - 1])

    def write(path: Path, part: list[list[str]]) -> None:
        buf = io.StringIO()
        csv.writer(buf).writerows([header, *part])
        path.write_text(buf.getvalue(), encoding="utf-8")

    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    write(first, body[:cut])
    write(second, body[start:])
    r1 = oms("--json", "import", first)
    r2 = oms("--json", "import", second)
    assert r1.exit_code == r2.exit_code == 0
    assert _counts(r2)["second.csv"]["unchanged"] == len(set(names[start:cut]))
    full = oms("--json", "import", SHOPIFY)
    assert _counts(full)["shopify_orders.csv"]["new"] == 0
    assert table_counts(db_path)["orders"] == len(set(names))


def test_changed_source_updates_only_before_release(oms, db_path, tmp_path) -> None:
    assert oms("import", SHOPIFY).exit_code == 0
    changed = tmp_path / "changed.csv"
    text = SHOPIFY.read_text(encoding="utf-8-sig")
    changed.write_text(text.replace("olivia.bennett@example.com", "olivia.b@example.com"), encoding="utf-8")
    r = oms("--json", "import", changed)
    assert _counts(r)["changed.csv"]["updated"] == 1
    shown = oms("--json", "orders", "show", "shopify:1041").json()
    assert shown["customer"]["email"] == "olivia.b@example.com"
    # once the order is past release, a changed export leaves it alone and counts it skipped
    from tests import storedb

    with storedb.connect(db_path) as c:
        c.execute("UPDATE orders SET status='picking' WHERE ref='shopify:1041'")
    changed.write_text(text.replace("olivia.bennett@example.com", "olivia.c@example.com"), encoding="utf-8")
    r = oms("--json", "import", changed)
    assert _counts(r)["changed.csv"]["skipped"] == 1
    assert oms("--json", "orders", "show", "shopify:1041").json()["customer"]["email"] == "olivia.b@example.com"


def test_an_update_from_the_channel_keeps_the_shops_own_tags(oms, tmp_path) -> None:
    assert oms("import", SHOPIFY).exit_code == 0
    exported = oms("--json", "orders", "show", "shopify:1041").json()["tags"]
    assert oms("orders", "tag", "shopify:1041", "vip").exit_code == 0
    changed = tmp_path / "changed.csv"
    changed.write_text(
        SHOPIFY.read_text(encoding="utf-8-sig").replace("olivia.bennett@example.com", "olivia.b@example.com"),
        encoding="utf-8",
    )
    r = oms("--json", "import", changed)
    assert _counts(r)["changed.csv"]["updated"] == 1
    shown = oms("--json", "orders", "show", "shopify:1041").json()
    assert shown["customer"]["email"] == "olivia.b@example.com"
    assert shown["tags"] == [*exported, "vip"]  # the channel's tags, then the shop's own, once each
    # the channel may still take its own tags away; the shop's stay
    text = SHOPIFY.read_text(encoding="utf-8-sig")
    (first_row,) = [line for line in text.splitlines() if line.startswith("#1041,") and "repeat customer" in line]
    changed.write_text(
        text.replace(first_row, first_row.replace("repeat customer", "")).replace(
            "olivia.bennett@example.com", "olivia.b@example.com"
        ),
        encoding="utf-8",
    )
    assert _counts(oms("--json", "import", changed))["changed.csv"]["updated"] == 1
    assert oms("--json", "orders", "show", "shopify:1041").json()["tags"] == ["vip"]


BAD_CASES = {
    "quantity": ("Lineitem quantity", lambda row: row.replace(",2,Speckled", ",two,Speckled", 1)),
    "negative": ("Lineitem quantity", lambda row: row.replace(",2,Speckled", ",-2,Speckled", 1)),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_record_rejects_whole_file_and_changes_nothing(oms, db_path, tmp_path, case) -> None:
    assert oms("import", EXAMPLES / "amazon_unshipped.txt").exit_code == 0
    before = store_digest(db_path)
    column, mutate = BAD_CASES[case]
    lines = SHOPIFY.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    idx = next(i for i, ln in enumerate(lines) if ",2,Speckled" in ln)
    lines[idx] = mutate(lines[idx])
    bad = tmp_path / "bad.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    r = oms("import", bad)
    assert r.exit_code == 3
    assert f"bad.csv:{idx + 1}: {column}" in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 2  # one line (plus an optional hint)
    assert store_digest(db_path) == before


@pytest.mark.parametrize(
    "content,expect",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ""),
        (b"Name,Email\n#1,a@example.com\n", ""),
        (
            b"Name,Email,Financial Status,Lineitem quantity,Lineitem sku,Created at\n#1,\xff\xfe,paid,1,A,2026-11-20 10:00:00 +0000\n",
            "UTF-8",
        ),
        (
            b'Name,Email,Financial Status,Lineitem quantity,Lineitem sku,Created at\n#1,"a@example.com,paid,1,A,2026-11-20 10:00:00 +0000\n',
            "",
        ),
    ],
    ids=["empty", "binary", "unknown-layout", "not-utf8", "unterminated-quote"],
)
def test_malformed_files_exit_3_and_leave_store_unchanged(oms, db_path, tmp_path, content, expect) -> None:
    assert oms("import", EXAMPLES / "ebay_orders.csv").exit_code == 0
    before = store_digest(db_path)
    f = tmp_path / "junk.csv"
    f.write_bytes(content)
    r = oms("import", f)
    assert r.exit_code == 3, r.stderr
    assert "junk.csv" in r.stderr
    if expect:
        assert expect.lower() in r.stderr.lower()
    assert store_digest(db_path) == before


def test_one_bad_file_among_good_ones_is_partial_success(oms, db_path, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    text = SHOPIFY.read_text(encoding="utf-8-sig")
    bad.write_text(text.replace(",2,Speckled", ",zero,Speckled", 1), encoding="utf-8")
    r = oms("--json", "import", EXAMPLES / "amazon_unshipped.txt", bad)
    assert r.exit_code == 6
    files = {Path(f["file"]).name: f for f in r.json()["files"]}
    assert files["amazon_unshipped.txt"]["new"] > 0
    assert "Lineitem quantity" in files["bad.csv"]["error"]
    assert not any(ref.startswith("shopify:") for ref in _refs(db_path))


def _refs(db_path: Path) -> list[str]:
    from tests import storedb

    con = storedb.connect(db_path)
    try:
        return [r[0] for r in con.execute("SELECT ref FROM orders")]
    finally:
        con.close()


def test_dry_run_changes_nothing(oms, db_path) -> None:
    r = oms("--json", "import", "--dry-run", SHOPIFY)
    assert r.exit_code == 0
    assert r.json()["files"][0]["new"] > 0
    assert table_counts(db_path)["orders"] == 0


def test_stdin_import(oms, db_path) -> None:
    r = oms("--json", "import", "-", input=(EXAMPLES / "amazon_unshipped.txt").read_bytes())
    assert r.exit_code == 0, r.stderr
    assert r.json()["files"][0]["new"] == table_counts(db_path)["orders"] > 0


def test_order_json_matches_schema(oms) -> None:
    import jsonschema

    schema = json.loads((ROOT / "docs" / "order.schema.json").read_text())
    assert oms("import", *ALL_EXAMPLES).exit_code == 0
    refs = [o["ref"] for o in oms("--json", "orders", "list", "-n", "0").json()]
    assert refs
    for ref in refs:
        doc = oms("--json", "orders", "show", ref).json()
        order = {k: v for k, v in doc.items() if k not in ("events", "instruction_state", "channel_updates")}
        jsonschema.validate(order, schema)
    exported = oms("orders", "export", "--format", "jsonl").stdout.splitlines()
    assert len(exported) == len(refs)
    for line in exported:
        jsonschema.validate(json.loads(line), schema)


def test_jsonl_export_round_trips(oms, tmp_path, monkeypatch) -> None:
    assert oms("import", *ALL_EXAMPLES).exit_code == 0
    out = tmp_path / "all.jsonl"
    assert oms("orders", "export", "--format", "jsonl", "--out", out).exit_code == 0
    monkeypatch.setenv("OMS_DB", str(tmp_path / "second.db"))
    r = oms("--json", "import", "--channel", "jsonl", out)
    assert r.exit_code == 0, r.stderr
    out2 = tmp_path / "again.jsonl"
    assert oms("orders", "export", "--format", "jsonl", "--out", out2).exit_code == 0

    def strip(text: str) -> list[str]:
        return sorted(
            json.dumps({k: v for k, v in json.loads(line_).items() if k != "status"}, sort_keys=True)
            for line_ in text.splitlines()
        )

    assert strip(out.read_text()) == strip(out2.read_text())


def test_schema_file_is_current() -> None:
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_schema.py"), "--check"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout


def test_two_processes_importing_overlapping_files(oms_proc, db_path, tmp_path) -> None:
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for f in ALL_EXAMPLES:
        shutil.copy(f, a / f.name)
        shutil.copy(f, b / f.name)
    p1 = oms_proc("--json", "import", *sorted(a.iterdir()))
    p2 = oms_proc("--json", "import", *sorted(b.iterdir(), reverse=True))
    out1, err1 = p1.communicate(timeout=120)
    out2, err2 = p2.communicate(timeout=120)
    assert p1.returncode == 0, err1
    assert p2.returncode == 0, err2
    new1 = sum(f["new"] for f in json.loads(out1)["files"])
    new2 = sum(f["new"] for f in json.loads(out2)["files"])
    refs = _refs(db_path)
    assert len(refs) == len(set(refs)) == new1 + new2
    counts = table_counts(db_path)
    assert counts["order_events"] == len(refs)


def _shopify_with(tmp_path: Path, edits: dict[str, dict[str, str]]) -> Path:
    """The example Shopify export with cells of some orders' first rows changed."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(SHOPIFY.read_text(encoding="utf-8-sig"))))
    seen: set[str] = set()
    for row in rows:
        name = row["Name"]
        if name in edits and name not in seen:
            row.update(edits[name])
            seen.add(name)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    out = tmp_path / "shopify_changed.csv"
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


def test_a_held_order_cancelled_at_the_channel_is_cancelled_and_its_stock_freed(oms, db_path, tmp_path) -> None:
    from tests import storedb

    assert oms("import", SHOPIFY).exit_code == 0
    assert oms("products", "import", EXAMPLES / "products.csv").exit_code == 0
    assert oms("stock", "count", EXAMPLES / "stock.csv").exit_code == 0
    assert oms("release", "--all").exit_code == 0
    # released once (stock reserved), then held by a person: its reservations are released
    assert oms("orders", "hold", "shopify:1041", "--reason", "manual").exit_code == 0
    held_for_payment = "shopify:1043"
    assert oms("--json", "orders", "show", held_for_payment).json()["status"] == "on_hold"
    changed = _shopify_with(
        tmp_path,
        {
            "#1041": {"Cancelled at": "2026-11-21 10:00:00 -0500"},
            "#1043": {"Cancelled at": "2026-11-22 10:00:00 -0500"},
        },
    )
    r = oms("--json", "import", changed)
    assert r.exit_code == 0, r.stderr
    assert r.json()["files"][0]["cancelled"] == 2
    for ref in ("shopify:1041", held_for_payment):
        shown = oms("--json", "orders", "show", ref).json()
        assert shown["status"] == "cancelled"
        assert shown["hold_reason"] is None
        assert shown["events"][-1]["to"] == "cancelled" and shown["events"][-1]["command"] == "import"
    con = storedb.connect(db_path)
    try:
        active = con.execute(
            "SELECT count(*) FROM reservations r JOIN orders o ON o.id = r.order_id WHERE o.ref IN ('shopify:1041', 'shopify:1043') AND r.state = 'active'"
        ).fetchone()[0]
        reserved = con.execute("SELECT coalesce(sum(reserved), 0) FROM stock").fetchone()[0]
        held_units = con.execute(
            "SELECT coalesce(sum(quantity), 0) FROM reservations WHERE state = 'active'"
        ).fetchone()[0]
    finally:
        con.close()
    assert active == 0
    assert reserved == held_units


def test_every_file_rejected_is_bad_input_not_partial(oms, db_path, tmp_path) -> None:
    text = SHOPIFY.read_text(encoding="utf-8-sig")
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(text.replace(",2,Speckled", ",-3,Speckled", 1), encoding="utf-8")
    b.write_text(text.replace(",2,Speckled", ",0,Speckled", 1), encoding="utf-8")
    r = oms("import", a, b)
    assert r.exit_code == 3
    assert "a.csv" in r.stderr and "b.csv" in r.stderr
    assert table_counts(db_path)["orders"] == 0

"""A dry run shows the answer to a special instruction that only the run itself queues."""

from __future__ import annotations

from tests.conftest import EXAMPLES, store_digest


def test_dry_run_renders_the_answer_queued_in_the_same_run(oms, db_path, tmp_path) -> None:
    assert oms("import", EXAMPLES / "woocommerce_orders.csv").exit_code == 0
    r = oms("orders", "ack", "woocommerce:2154", "--reply", "Yes, we will leave it with your neighbour.")
    assert r.exit_code == 0, r.stderr
    before = store_digest(db_path)
    out = tmp_path / "eml"
    r = oms("notify", "send", "--dry-run", "--out", out)
    assert r.exit_code == 0, r.stderr
    files = [p.name for p in out.iterdir()]
    assert any("instruction_reply-woocommerce_2154" in name for name in files), files
    text = next(p for p in out.iterdir() if "instruction_reply" in p.name).read_text(encoding="utf-8")
    assert "Yes, we will leave it with your neighbour." in text
    assert store_digest(db_path) == before

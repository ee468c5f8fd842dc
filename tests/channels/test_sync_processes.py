"""Real `oms sync` processes: killed mid-sync and resumed, and two at once."""

from __future__ import annotations

import json
import signal
import threading
import time
from datetime import timedelta

from channels.conftest import add_shopify, add_woo
from channels.fakes import T0
from channels.helpers import query


def _more_orders(fake, first: int, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(first, first + count):
        fake.add(n, T0 + timedelta(minutes=n - first + 10))


def test_killed_mid_sync_then_resumed_stores_every_order_once(oms, oms_proc, shopify, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    _more_orders(shopify, 1006, 7)  # 12 orders, four pages of three
    add_shopify(oms, shopify)
    reached, release = threading.Event(), threading.Event()

    def hold(page: int) -> None:
        if page == 2:  # the third page is being asked for: pages one and two are stored
            reached.set()
            release.wait(10)

    shopify.before_page = hold
    proc = oms_proc("sync")
    assert reached.wait(30), proc.communicate()
    time.sleep(0.3)  # the second page's transaction is committed before the third is asked for
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    release.set()
    shopify.before_page = None
    assert proc.returncode == -signal.SIGKILL
    stored = query(db_path, "SELECT count(*) FROM orders")[0][0]
    assert stored == 6
    cursor = json.loads(query(db_path, "SELECT cursor FROM channel_connections")[0][0])
    assert cursor["page"]  # the page after the second
    seen_before = shopify.pages
    r = oms("--json", "sync")  # the dead process's lease is taken over
    assert r.exit_code == 0, r.stderr
    (c,) = r.json()["connections"]
    assert c["pages"] == 2 and c["new"] == 6 and c["unchanged"] == 0  # went on from page three
    assert shopify.pages - seen_before == 2
    assert query(db_path, "SELECT count(*), count(DISTINCT ref) FROM orders") == [(12, 12)]
    assert query(db_path, "SELECT count(*) FROM order_events WHERE command = 'import'") == [(12,)]
    assert query(db_path, "SELECT count(*) FROM channel_orders") == [(12,)]


def test_two_syncs_at_once_store_each_order_once(oms, oms_proc, shopify, woo, fast_config, db_path) -> None:  # type: ignore[no-untyped-def]
    _more_orders(shopify, 1006, 10)
    add_shopify(oms, shopify)
    add_woo(oms, woo)
    shopify.before_page = lambda page: time.sleep(0.2)
    woo.before_page = lambda page: time.sleep(0.2)
    a, b = oms_proc("sync"), oms_proc("sync")
    out_a, out_b = a.communicate(60), b.communicate(60)
    assert (a.returncode, b.returncode) == (0, 0), (out_a, out_b)
    assert query(db_path, "SELECT count(*), count(DISTINCT ref) FROM orders") == [(20, 20)]
    assert query(db_path, "SELECT count(*) FROM order_events WHERE command = 'import'") == [(20,)]
    # each connection was synced by one of them while the other left it alone, or one after the other
    both = out_a[1] + out_b[1]
    assert "Traceback" not in both
    assert query(db_path, "SELECT count(*) FROM channel_connections WHERE claimed_by IS NOT NULL") == [(0,)]

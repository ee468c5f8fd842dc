"""`oms labels|slips|invoices print` and `oms pick print` end to end: the files the commands
write are rendered at 203 dpi and every barcode is scanned back; ZPL is parsed; text is
extracted; printing goes through a real (stand-in) lp or finds none."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from document_samples import page_texts, scan_pages, texts
from sqlalchemy import select
from test_documents_printing import fake_lp
from test_documents_zpl import BARCODE, FIELD, decode_bc, formats, unhex

from oms_cli.store.engine import Store
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import packages as packages_t
from tests.documents.store_fixtures import (
    PRESET_TRACKING,
    SHIPPED_TRACKING,
    THANK_YOU,
    Floor,
    build_floor,
    store_digest,
)

UPS_OTHER = "1Z879E930346834440"  # a valid UPS number, for shipping during a test


@pytest.fixture
def floor(oms: Any, store: Store) -> Floor:
    return build_floor(oms, store)


def package_scans(store: Store) -> dict[str, list[Counter[str]]]:
    """What each order's labels must scan to, package by package, read from the store:
    the tracking number (else the order ref) and the package's SSCC as GS1 (00)."""
    out: dict[str, list[Counter[str]]] = {}
    q = select(orders_t.c.ref, packages_t.c.tracking, packages_t.c.sscc).join(
        orders_t, orders_t.c.id == packages_t.c.order_id
    )
    with store.connect(write=False) as conn:
        for r in conn.execute(q.order_by(orders_t.c.ref, packages_t.c.package_no)):
            out.setdefault(r.ref, []).append(Counter({r.tracking or r.ref: 1, f"(00){r.sscc}": 1}))
    return out


def test_labels_for_packed_orders_scan_back_and_orders_without_packages_are_named(
    oms: Any, store: Store, floor: Floor, tmp_path: Path
) -> None:
    r = oms("--json", "labels", "print", "--out", "labels.pdf")
    assert r.exit_code == 6, r.stderr
    assert "shopify:1047: skipped, no packages recorded" in r.stderr
    doc = r.json()
    assert doc["file"] == "labels.pdf" and doc["pages"] == 4
    assert doc["documents"] == ["shopify:1042", "shopify:1041", "shopify:1046"]
    assert doc["skipped"] == [{"ref": "shopify:1047", "reason": "no packages recorded (packed); pack it first"}]
    pdf = (tmp_path / "labels.pdf").read_bytes()
    expected = package_scans(store)  # SSCCs as the command stored them
    assert [texts(page) for page in scan_pages(pdf)] == [
        *expected["shopify:1042"],
        *expected["shopify:1041"],
        *expected["shopify:1046"],
    ]
    assert expected["shopify:1042"][0][PRESET_TRACKING] == 1  # tracking set at packing is the scan barcode
    pages = page_texts(pdf)
    for page, lines in zip(
        pages,
        [
            ["Marcus Hale", "48 Commonwealth Ave", "Boston MA 02116"],
            ["Olivia Bennett", "1120 SW Morrison St", "Apt 4B", "Portland OR 97205"],
            ["Olivia Bennett", "1120 SW Morrison St", "Apt 4B", "Portland OR 97205"],
            ["Νικόλαος Παπαδόπουλος", "Ερμού 25", "3ος όροφος", "105 63 Αθήνα", "Αττική", "GREECE"],
        ],
    ):
        found = page.splitlines()
        assert [found.index(line) for line in lines] == sorted(found.index(line) for line in lines)
    assert "My Shop" in pages[0] and "Springfield IL 62701" in pages[0]  # ship-from, from the config


def test_a_shipped_order_label_carries_its_tracking_number(
    oms: Any, store: Store, floor: Floor, tmp_path: Path
) -> None:
    shipped = oms("ship", "shopify:1046", "--carrier", "ups", "--tracking", UPS_OTHER)
    assert shipped.exit_code == 0, shipped.stderr
    r = oms("labels", "print", "shopify:1046", "shopify:1044", "--out", "shipped.pdf")
    assert r.exit_code == 0, r.stderr
    scans = [texts(page) for page in scan_pages((tmp_path / "shipped.pdf").read_bytes())]
    expected = package_scans(store)
    assert scans == [*expected["shopify:1044"], *expected["shopify:1046"]]  # run 1 first, then no run
    assert scans[0][SHIPPED_TRACKING] == 1 and scans[1][UPS_OTHER] == 1


def test_zpl_to_stdout_is_one_format_per_label_with_the_right_barcodes(oms: Any, store: Store, floor: Floor) -> None:
    r = oms("labels", "print", "shopify:1041", "shopify:1042", "--format", "zpl", "--out", "-")
    assert r.exit_code == 0, r.stderr
    assert "stdout: 3 labels on 3 pages" in r.stderr
    parts = formats(r.stdout)
    assert len(parts) == 3
    expected = package_scans(store)
    for part, scan, head in zip(
        parts,
        [*expected["shopify:1042"], *expected["shopify:1041"]],
        ["Package 1 of 1", "Package 1 of 2", "Package 2 of 2"],
    ):
        assert part.splitlines()[:5] == ["^XA", "^CI28", "^PW812", "^LL1218", "^LH0,0"]
        assert Counter(decode_bc(f[5]) for f in BARCODE.findall(part)) == scan
        assert head in [unhex(f) for f in FIELD.findall(part)]
    assert "Portland OR 97205" in [unhex(f) for f in FIELD.findall(parts[1])]


def test_zpl_at_300_dpi_and_greek_text_warns_about_the_printer_font(oms: Any, floor: Floor, config_file: Any) -> None:
    r = oms("labels", "print", "shopify:1046", "--format", "zpl", "--dpi", "300", "--out", "-")
    assert r.exit_code == 0
    assert formats(r.stdout)[0].splitlines()[2:4] == ["^PW1200", "^LL1800"]
    assert "warning:" in r.stderr and "Unicode font" in r.stderr
    config_file({"documents": {"zpl_font": "E:TT0003M_.TTF"}})
    quiet = oms("labels", "print", "shopify:1046", "--format", "zpl", "--dpi", "300", "--out", "-")
    assert "^CWZ,E:TT0003M_.TTF" in quiet.stdout and "warning" not in quiet.stderr


def test_slips_scan_to_their_order_ref_and_show_freebie_note_instruction_and_returns(
    oms: Any, floor: Floor, tmp_path: Path
) -> None:
    r = oms(
        "--json",
        "slips",
        "print",
        "--status",
        "packed",
        "--status",
        "shipped",
        "--paper",
        "letter",
        "--out",
        "slips.pdf",
    )
    assert r.exit_code == 0, r.stderr
    order = ["shopify:1042", "shopify:1041", "shopify:1044", "shopify:1046", "shopify:1047"]
    assert r.json()["documents"] == order
    pdf = (tmp_path / "slips.pdf").read_bytes()
    scans = scan_pages(pdf)
    assert [[(s.text, s.symbology) for s in page] for page in scans] == [[(ref, "]C0")] for ref in order]
    pages = dict(zip(order, page_texts(pdf)))
    assert THANK_YOU in pages["shopify:1041"] and "FREE — with our thanks" in pages["shopify:1041"]
    assert all(THANK_YOU not in text for ref, text in pages.items() if ref != "shopify:1041")
    assert "Gift for my mum, please don't include the receipt." in pages["shopify:1042"]
    assert "Leave the parcel with the doorman" in pages["shopify:1044"]
    assert all("Return within 30 days" in text for text in pages.values())


def test_invoice_numbers_are_sequential_stable_on_reprint_and_reprints_are_byte_identical(
    oms: Any, floor: Floor, tmp_path: Path
) -> None:
    first = oms("--json", "invoices", "print", "--status", "packed", "--out", "first.pdf")
    assert first.exit_code == 0, first.stderr
    numbers = [(i["ref"], i["invoice"], i["new"]) for i in first.json()["invoices"]]
    assert numbers == [
        ("shopify:1042", "INV-000001", True),
        ("shopify:1041", "INV-000002", True),
        ("shopify:1046", "INV-000003", True),
        ("shopify:1047", "INV-000004", True),
    ]
    again = oms("--json", "invoices", "print", "--status", "packed", "--out", "again.pdf")
    assert [(i["ref"], i["invoice"], i["new"]) for i in again.json()["invoices"]] == [
        (a, b, False) for a, b, _ in numbers
    ]
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()
    more = oms("--json", "invoices", "print", "shopify:1044", "shopify:1041", "--out", "more.pdf")
    assert [(i["ref"], i["invoice"]) for i in more.json()["invoices"]] == [
        ("shopify:1041", "INV-000002"),
        ("shopify:1044", "INV-000005"),
    ]
    pdf = (tmp_path / "first.pdf").read_bytes()
    assert [[s.text for s in page] for page in scan_pages(pdf)] == [[ref] for ref, _, _ in numbers]
    for text, (_, number, _) in zip(page_texts(pdf), numbers):
        assert f"Invoice {number}" in text
    assert "$24.00" in page_texts(pdf)[0] and "Total (USD)" in page_texts(pdf)[0]


def test_reprinted_labels_slips_and_pick_lists_are_byte_identical(oms: Any, floor: Floor, tmp_path: Path) -> None:
    for kind, extra in (
        ("labels", ()),
        ("labels", ("--format", "zpl")),
        ("slips", ("--status", "packed")),
        ("pick", (str(floor.batch_list),)),
        ("pick", ("--run", str(floor.zone_run), "--consolidation")),
    ):
        runs = []
        for n in (1, 2):
            r = oms(kind, "print", *extra, "--out", f"{kind}-{n}.out")
            assert r.exit_code in (0, 6), r.stderr
            runs.append((tmp_path / f"{kind}-{n}.out").read_bytes())
        assert runs[0] == runs[1], (kind, extra)


def test_pick_print_scans_the_list_every_location_and_product_in_walking_order(
    oms: Any, floor: Floor, tmp_path: Path
) -> None:
    r = oms("--json", "pick", "print", "--run", str(floor.zone_run), "--out", "lists.pdf")
    assert r.exit_code == 0, r.stderr
    lists = floor.zone_lists
    order = [lists[k] for k in ("w1-front", "w1-middle", "w1-back", "w2-middle", "w2-back")]
    assert r.json()["documents"] == [str(i) for i in order]
    scans = scan_pages((tmp_path / "lists.pdf").read_bytes())
    assert texts(scans[0]) == Counter(
        [str(order[0]), "A01-B03-L1", "0614141000012", "A01-B04-L1", "0614141000029", "A04-B08-L1", "0614141000104"]
    )
    assert texts(scans[4]) == Counter([str(order[4]), "A09-B07-L2", "0614141000135"])
    one = oms("pick", "print", str(floor.batch_list), "--out", "one.pdf")
    assert one.exit_code == 0 and "one.pdf: 1 pick list on 1 page" in one.stderr
    text = page_texts((tmp_path / "one.pdf").read_bytes())[0]
    walk = ["A01-B03-L1", "A02-B05-L2", "A03-B12-L2", "A03-B14-L1", "A04-B10-L2", "A10-B03-L4", "A01-B01-L4"]
    assert sorted(walk, key=text.index) == walk and "⚑ Please write" in text


def test_consolidation_sheets_scan_the_wave_and_every_order(oms: Any, floor: Floor, tmp_path: Path) -> None:
    r = oms("--json", "pick", "print", "--run", str(floor.zone_run), "--consolidation", "--out", "sheets.pdf")
    assert r.exit_code == 0, r.stderr
    assert r.json()["documents"] == ["R2-W1", "R2-W2"]
    scans = scan_pages((tmp_path / "sheets.pdf").read_bytes())
    assert [texts(page) for page in scans] == [
        Counter(["R2-W1", "shopify:1043", "shopify:1045", "shopify:1049"]),
        Counter(["R2-W2", "shopify:1050"]),
    ]


def test_without_a_print_queue_the_file_is_still_written_and_the_exit_code_is_7(
    oms: Any, floor: Floor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    r = oms("--json", "labels", "print", "shopify:1042", "--print")
    assert r.exit_code == 7
    written = sorted(tmp_path.glob("labels-*.pdf"))
    assert len(written) == 1 and r.json()["file"] == written[0].name and r.json()["printed"] is None
    assert f"cannot print {written[0].name}: the lp command was not found" in r.stderr
    assert texts(scan_pages(written[0].read_bytes())[0])[PRESET_TRACKING] == 1


def test_print_sends_labels_raw_to_the_label_printer_and_slips_to_the_named_one(
    oms: Any, floor: Floor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config_file: Any
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "lp-calls.txt"
    fake_lp(bin_dir, f'echo "$@" >> {calls}; echo "request id is zebra-7 (1 file(s))"')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    config_file({"documents": {"label_printer": "zebra", "printer": "office"}})
    labels = oms("--json", "labels", "print", "shopify:1042", "--format", "zpl", "--print")
    assert labels.exit_code == 0, labels.stderr
    assert labels.json()["printed"] == "request id is zebra-7 (1 file(s))"
    zpl = labels.json()["file"]
    assert zpl.startswith("labels-") and zpl.endswith(".zpl") and len(formats((tmp_path / zpl).read_text())) == 1
    slips = oms("slips", "print", "shopify:1042", "--out", "slip.pdf", "--printer", "backroom")
    invoices = oms("invoices", "print", "shopify:1042", "--out", "invoice.pdf", "--print")
    assert slips.exit_code == invoices.exit_code == 0
    assert calls.read_text().splitlines() == ["-d zebra -o raw " + zpl, "-d backroom slip.pdf", "-d office invoice.pdf"]


def test_piped_output_without_out_goes_to_stdout(oms: Any, floor: Floor, tmp_path: Path) -> None:
    r = oms("labels", "print", "shopify:1042", "--format", "zpl")
    assert r.exit_code == 0 and len(formats(r.stdout)) == 1
    assert not list(tmp_path.glob("labels-*"))


def test_nothing_selected_is_fine_and_everything_skipped_is_exit_6_without_a_file(
    oms: Any, floor: Floor, tmp_path: Path
) -> None:
    none = oms("--json", "labels", "print", "--status", "ready", "--out", "none.pdf")
    assert none.exit_code == 0 and "no labels to print: nothing matches" in none.stderr
    assert none.json() | {} == {
        "file": None,
        "pages": 0,
        "documents": [],
        "warnings": [],
        "skipped": [],
        "printed": None,
    }
    skipped = oms("labels", "print", "shopify:1047", "--out", "skipped.pdf")
    assert skipped.exit_code == 6 and "shopify:1047: skipped" in skipped.stderr
    assert not (tmp_path / "none.pdf").exists() and not (tmp_path / "skipped.pdf").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("labels", "print", "shopify:9999", "--out", "x.pdf"), 4, "shopify:9999: no such order"),
        (
            ("labels", "print", "shopify:1041", "--status", "packed", "--out", "x.pdf"),
            2,
            "either as REFs or with --status",
        ),
        (("labels", "print", "--status", "shiped", "--out", "x.pdf"), 2, "unknown status shiped"),
        (("labels", "print", "shopify:1041", "--size", "a5", "--out", "x.pdf"), 2, "label size 'a5'"),
        (("labels", "print", "shopify:1041", "--out", "-", "--print"), 2, "--print needs a file"),
        (("--json", "invoices", "print", "shopify:1041", "--out", "-"), 2, "would both write to stdout"),
        (("invoices", "print", "--out", "x.pdf"), 2, "say which orders"),
        (("slips", "print", "--run", "99", "--out", "x.pdf"), 4, "pick run 99: no such run"),
        (("pick", "print", "--consolidation", "--out", "x.pdf"), 2, "give --run RUN"),
        (("pick", "print", "99", "--out", "x.pdf"), 4, "pick list 99: no such list"),
        (("slips", "print", "shopify:1041", "--paper", "a3", "--out", "x.pdf"), 2, "a3"),
    ],
)
def test_bad_requests_exit_with_their_code_write_nothing_and_change_nothing(
    oms: Any, floor: Floor, tmp_path: Path, db_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    before = store_digest(db_path)
    r = oms(*args)
    assert r.exit_code == code, r.stderr
    assert message in r.stderr
    assert not (tmp_path / "x.pdf").exists() and r.stdout == ""
    assert store_digest(db_path) == before


def test_from_import_to_labels_with_the_real_floor_commands(
    oms: Any, store: Store, config_file: Any, tmp_path: Path
) -> None:
    """Release (with a thank-you rule), pick, pack and ship with their own commands, then print."""
    from tests.documents.store_fixtures import EXAMPLES

    config_file(
        {
            "release": {
                "thank_you": [
                    {
                        "name": "three",
                        "when": "units >= 3",
                        "add_sku": "THANKYOU-CARD",
                        "quantity": 1,
                        "note": "Enjoy your mugs!",
                    },
                ]
            }
        }
    )
    for args in (
        ("import", EXAMPLES / "shopify_orders.csv"),
        ("products", "import", EXAMPLES / "products.csv"),
        ("stock", "count", EXAMPLES / "stock.csv"),
        ("release", "--all"),
    ):
        assert oms(*args).exit_code == 0, args
    plan = oms("--json", "pick", "plan", "--method", "batch").json()
    lists = [int(entry["list"]) for entry in plan["lists"]]

    printed = oms("pick", "print", "--run", str(plan["run"]), "--out", "lists.pdf")
    assert printed.exit_code == 0, printed.stderr
    found: dict[str, Counter[str]] = {}
    for page in scan_pages((tmp_path / "lists.pdf").read_bytes()):
        head = next(s.text for s in page if s.text in {str(i) for i in lists})
        found[head] = found.get(head, Counter()) + texts(page) - Counter({head: 1})
    for list_id in lists:
        stops = oms("--json", "pick", "show", str(list_id)).json()["stops"]
        codes = {
            s["sku"]: min(b["code"] for b in oms("--json", "products", "show", s["sku"]).json()["barcodes"])
            for s in stops
        }
        assert found[str(list_id)] == Counter([s["location"] for s in stops] + [codes[s["sku"]] for s in stops])

    for list_id in lists:
        assert oms("pick", "confirm", str(list_id), "--all").exit_code == 0
    for ref in ("shopify:1041", "shopify:1042"):
        assert oms("pack", "verify", ref, "--all").exit_code == 0
    assert oms("orders", "ack", "shopify:1042", "--done").exit_code == 0
    shipped = oms("ship", "shopify:1042", "--carrier", "ups", "--tracking", UPS_OTHER)
    assert shipped.exit_code == 0, shipped.stderr

    labels = oms("labels", "print", "shopify:1041", "shopify:1042", "--out", "labels.pdf")
    assert labels.exit_code == 0, labels.stderr
    expected = package_scans(store)  # the SSCCs the packing gave, the tracking the shipping recorded
    scans = [texts(page) for page in scan_pages((tmp_path / "labels.pdf").read_bytes())]
    assert sorted(sorted(c.items()) for c in scans) == sorted(
        sorted(c.items()) for c in expected["shopify:1041"] + expected["shopify:1042"]
    )
    assert sum(scans, Counter())[UPS_OTHER] == 1

    slips = oms("slips", "print", "shopify:1041", "--out", "slip.pdf")
    assert slips.exit_code == 0
    text = page_texts((tmp_path / "slip.pdf").read_bytes())[0]
    assert "Enjoy your mugs!" in text and "THANKYOU-CARD" in text and "FREE — with our thanks" in text


def test_invoices_are_addressed_to_the_billing_address_when_the_channel_gives_one(
    oms: Any, floor: Floor, tmp_path: Path
) -> None:
    from tests.conftest import EXAMPLES

    assert oms("import", EXAMPLES / "amazon_unshipped.txt").exit_code == 0
    amazon = oms("--json", "orders", "list", "--channel", "amazon", "-n", "1").json()[0]["ref"]
    r = oms("--json", "invoices", "print", "shopify:1044", amazon, "--out", "billed.pdf")
    assert r.exit_code == 0, r.stderr
    pages = dict(zip([i["ref"] for i in r.json()["invoices"]], page_texts((tmp_path / "billed.pdf").read_bytes())))
    billed = pages["shopify:1044"]
    # billed to the firm's office, shipped to the buyer's flat (examples/shopify_orders.csv)
    assert billed.index("BILL TO") < billed.index("SHIP TO")
    assert "Okafor & Reyes LLP" in billed and "1250 Broadway" in billed and "Suite 300" in billed
    assert "350 W 31st St" in billed
    # Amazon's report has no billing address: the invoice names the ship-to address alone
    assert "BILL TO" not in pages[amazon] and "SHIP TO" in pages[amazon]

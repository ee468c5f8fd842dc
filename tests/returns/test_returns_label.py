"""The return label: a 4x6 PDF from the customer to the shop, attached to the return
instructions when returns.label is on; its barcodes scan back to the return number."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader
from returns.fixtures import store_digest

from tests import storedb


def scan(pdf: bytes) -> set[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        assert (round(width), round(height)) == (288, 432)  # 4 x 6 inches
        image = page.render(scale=203 / 72, no_smoothpath=True).to_pil().convert("L")
        return {r.text for r in zxingcpp.read_barcodes(image)}
    finally:
        document.close()


def test_return_label_goes_from_customer_to_shop_and_is_attached(oms, shop, db_path, config_file) -> None:
    config_file(
        {
            "returns": {"label": True},
            "shop": {
                "name": "Demo Shop",
                "address": {
                    "name": "Demo Shop",
                    "address1": "5 Harbour Road",
                    "city": "Bristol",
                    "postal_code": "BS1 5TT",
                    "country": "GB",
                    "province": None,
                },
            },
        }
    )
    r = oms("--json", "returns", "open", "shopify:1041", "--lines", "MUG-SPK-BLU:1", "--reason", "doesnt_fit")
    assert r.exit_code == 0, r.stderr
    path = Path(r.json()["label_path"])
    assert path.name == "RMA-000001.pdf" and path.parent.name == "return-labels"
    pdf = path.read_bytes()
    codes = scan(pdf)
    assert "RMA-000001" in codes
    from oms_cli.documents.gs1 import sscc18

    # The SSCC takes the next serial of the shared counter, with the shop's GS1 prefix.
    assert codes == {"RMA-000001", f"(00){sscc18(0, '0614141', 1)}"}
    assert storedb.connect(db_path).execute("SELECT value FROM counters WHERE name = 'sscc'").fetchone() == (1,)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert text.index("Olivia Bennett") < text.index("Demo Shop")  # sender first, then the shop it goes to
    assert "5 Harbour Road" in text and "Portland" in text

    from oms_cli.notify.outbox import message_attachments
    from oms_cli.store.engine import Store

    s = Store(str(db_path))
    try:
        with s.connect(write=False) as conn:
            [attached] = message_attachments(conn, "return_instructions:RMA-000001")
    finally:
        s.dispose()
    assert attached.read_bytes() == pdf
    body = storedb.connect(db_path).execute("SELECT body_text FROM outbox").fetchone()[0]
    assert "Your return label is attached" in body


def test_without_an_address_the_return_opens_without_a_label(oms, shop, db_path, config_file) -> None:
    config_file({"returns": {"label": True}})
    con = storedb.connect(db_path)
    con.execute("UPDATE orders SET ship_address1 = NULL WHERE ref = 'shopify:1041'")
    con.commit()
    con.close()
    r = oms("returns", "open", "shopify:1041", "--reason", "doesnt_fit")
    assert r.exit_code == 0, r.stderr
    assert "no return label: shopify:1041: no ship-to address to print a return label from" in r.stderr
    body = storedb.connect(db_path).execute("SELECT body_text FROM outbox").fetchone()[0]
    assert "RMA-000001" in body and "attached" not in body


def test_no_label_unless_asked(oms, shop, db_path) -> None:
    r = oms("--json", "returns", "open", "shopify:1041", "--reason", "doesnt_fit")
    assert r.json()["label_path"] is None
    assert not list(Path(os.environ["HOME"]).parent.rglob("return-labels"))
    digest = store_digest(db_path)
    assert oms("returns", "open", "shopify:1041", "--reason", "doesnt_fit").exit_code == 0
    assert store_digest(db_path) == digest


def test_labels_and_attachments_go_to_the_shared_files_folder(oms, shop, oms_home, config_file) -> None:
    """With store.files_dir (the folder stations sharing a server store share), the return
    label and the copy attached to the queued message are kept there, so another station
    finds them."""
    shared = oms_home / "share" / "oms-files"
    config_file({"returns": {"label": True}, "store": {"files_dir": str(shared)}})
    r = oms("--json", "returns", "open", "shopify:1041", "--lines", "MUG-SPK-BLU:1", "--reason", "doesnt_fit")
    assert r.exit_code == 0, r.stderr
    path = Path(r.json()["label_path"])
    assert path == shared / "return-labels" / "RMA-000001.pdf" and path.stat().st_size > 0
    attached = list((shared / "outbox-files").rglob("*.pdf"))
    assert [p.name for p in attached] == ["RMA-000001.pdf"]

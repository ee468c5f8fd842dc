"""The return label: a 4x6 PDF from the customer's address to the shop's, drawn by the
documents code's shipping label renderer with sender and recipient swapped.

The label's barcode carries the return number, so scanning the parcel when it comes
back gives what `oms returns receive` needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from oms_cli.core.errors import BadInput


def labels_dir(conn: Connection) -> Path:
    """Where return labels are kept: with the store's files (beside a store file, or in
    ``store.files_dir``, the folder the stations share)."""
    from oms_cli.store.files import files_dir

    return files_dir(conn) / "return-labels"


def customer_address(order: Any) -> dict[str, str | None]:
    """The order's ship-to address (where the parcel comes back from)."""
    return {
        "name": order.ship_name or order.customer_name,
        "company": order.ship_company,
        "address1": order.ship_address1,
        "address2": order.ship_address2,
        "address3": order.ship_address3,
        "city": order.ship_city,
        "province": order.ship_province,
        "postal_code": order.ship_postal_code,
        "country": order.ship_country,
        "phone": order.ship_phone or order.customer_phone,
    }


def render_return_label(order: Any, rma: str, shop: dict[str, Any], *, sscc: str, dpi: int = 203) -> bytes:
    """The PDF bytes of one 4x6 return label for ``order`` (a store row)."""
    from oms_cli.documents.data import LabelData, PostalAddress, Shop
    from oms_cli.documents.labels import render_labels

    sender = customer_address(order)
    if not sender["address1"] or not sender["country"]:
        raise BadInput(f"{order.ref}: no ship-to address to print a return label from")
    home = dict(shop.get("address") or {})
    known = set(PostalAddress.__dataclass_fields__)
    shop_address = PostalAddress(
        **{k: v for k, v in home.items() if k in known} | {"name": shop.get("name") or home.get("name")}
    )
    customer = Shop(
        name=str(sender["name"] or "Customer"),
        address=PostalAddress(**{k: v for k, v in sender.items() if k != "name"}),
    )
    label = LabelData(
        order_ref=order.ref,
        ship_to=shop_address,
        sscc=sscc,
        service_level="standard",
        tracking_number=rma,
        shipping_method=f"Return {rma}",
    )
    return render_labels([label], customer, size="4x6", fmt="pdf", dpi=dpi).content


def write_return_label(
    conn: Connection, order: Any, rma: str, shop: dict[str, Any], *, sscc: str, dpi: int = 203
) -> Path:
    """Render the return label and keep it as ``return-labels/<RMA>.pdf``; returns its path."""
    content = render_return_label(order, rma, shop, sscc=sscc, dpi=dpi)
    folder = labels_dir(conn)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{rma}.pdf"
    # Write beside, then rename: a reader never sees half a PDF.
    partial = path.with_suffix(".pdf.part")
    partial.write_bytes(content)
    partial.replace(path)
    return path

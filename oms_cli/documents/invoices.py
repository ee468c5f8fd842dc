"""Invoices: the order's lines with prices, tax, shipping and totals in its currency.

Pure renderer: order data and the invoice number the service allocated in, PDF bytes
out (A4 or Letter). Amounts are ``Decimal`` throughout and printed with the
currency's own minor digits. Where the order carries a total from the channel that
total is printed as is; otherwise it is summed from the lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.pdfgen.canvas import Canvas

from ..core.errors import BadInput
from .data import PDF_MEDIA_TYPE, Invoice, OrderDocument, PageSize, RenderedDocument, Shop
from .fonts import GlyphCheck, register_fonts
from .money import format_money
from .order_pages import BODY_SIZE, Column, OrderSheet, item_cell, load_logo, order_document
from .pages import MARGIN, Row, draw_documents, finish, new_canvas, page_size
from .typesetting import LEADING

INVOICE_COLUMNS = (
    Column("SKU", 1.2),
    Column("ITEM", 3.0),
    Column("QTY", 0.6, "right"),
    Column("UNIT PRICE", 1.1, "right"),
    Column("AMOUNT", 1.1, "right"),
)


@dataclass(frozen=True)
class InvoiceTotals:
    """The money lines under an invoice's table."""

    subtotal: Decimal
    discount: Decimal | None
    shipping: Decimal | None
    tax: Decimal | None
    total: Decimal


def line_amount(quantity: int, unit_price: Decimal | None, free: bool) -> Decimal | None:
    """What one line costs: nothing for a freebie, unknown when the channel sent no price."""
    if free:
        return Decimal(0)
    return None if unit_price is None else unit_price * quantity


def invoice_totals(order: OrderDocument) -> InvoiceTotals:
    """The order's totals: the channel's figures where given, else summed from the lines."""
    amounts = [line_amount(line.quantity, line.unit_price, line.free) for line in order.lines]
    subtotal = order.subtotal if order.subtotal is not None else sum((a for a in amounts if a is not None), Decimal(0))
    discount = order.discount or None
    total = order.total
    if total is None:
        total = subtotal - (discount or 0) + (order.shipping or 0) + (order.tax or 0)
    return InvoiceTotals(subtotal, discount, order.shipping, order.tax, total)


def has_prices(order: OrderDocument) -> bool:
    """Whether the channel gave the order any prices (Amazon's order report gives none)."""
    money = (order.subtotal, order.shipping, order.tax, order.discount, order.total)
    return any(v is not None for v in money) or any(ln.unit_price is not None for ln in order.lines if not ln.free)


def _note_row(text: str, page_w: float) -> Row:
    def draw(canvas: Canvas, top: float) -> None:
        regular, _bold = register_fonts()
        canvas.setFont(regular, BODY_SIZE)
        canvas.drawRightString(page_w - MARGIN - 4, top - BODY_SIZE * LEADING + BODY_SIZE * 0.25, text)

    return Row(BODY_SIZE * LEADING + 4, draw)


def _totals_rows(
    totals: InvoiceTotals, currency: str | None, page_w: float, *, cash_on_delivery: bool = False
) -> list[Row]:
    pairs: list[tuple[str, str, bool]] = [("Subtotal", format_money(totals.subtotal, currency), False)]
    if totals.discount:
        pairs.append(("Discount", format_money(-abs(totals.discount), currency), False))
    if totals.shipping is not None:
        pairs.append(("Shipping", format_money(totals.shipping, currency), False))
    if totals.tax is not None:
        pairs.append(("Tax", format_money(totals.tax, currency), False))
    pairs.append((f"Total{f' ({currency})' if currency else ''}", format_money(totals.total, currency), True))
    right = page_w - MARGIN - 4
    rows: list[Row] = [Row(6.0, lambda canvas, top: None, keep_with_next=True)]
    for i, (label, amount, heavy) in enumerate(pairs):
        size = 11.0 if heavy else BODY_SIZE

        def draw(
            canvas: Canvas,
            top: float,
            label: str = label,
            amount: str = amount,
            heavy: bool = heavy,
            size: float = size,
        ) -> None:
            regular, bold = register_fonts()
            canvas.setFont(bold if heavy else regular, size)
            baseline = top - size * LEADING + size * 0.25
            canvas.drawRightString(right - 110, baseline, label)
            canvas.drawRightString(right, baseline, amount)
            if heavy:
                canvas.setLineWidth(0.8)
                canvas.line(right - 200, top, right, top)

        # The totals block stays together on one page.
        rows.append(Row(size * LEADING + 2, draw, keep_with_next=i < len(pairs) - 1 or cash_on_delivery))
    if cash_on_delivery:
        rows.append(
            _note_row(
                f"Cash on delivery: {format_money(totals.total, currency)} due when the parcel is delivered", page_w
            )
        )
    return rows


def invoice_sheet(invoice: Invoice, check: GlyphCheck, page_w: float) -> OrderSheet:
    """What an invoice shows for its order on the common order layout."""
    order = invoice.order
    currency = order.currency

    def money(amount: Decimal | None) -> str:
        return "—" if amount is None else format_money(amount, currency)

    cells = []
    for i, line in enumerate(order.lines, start=1):
        where = f"order {order.order_ref} line {i}"
        cells.append(
            [
                [(check.text(line.sku, f"{where} sku"), False)],
                item_cell(line.name, line.free, f"{where} name", check),
                [(str(line.quantity), False)],
                [("free" if line.free else money(line.unit_price), False)],
                [(money(line_amount(line.quantity, line.unit_price, line.free)), False)],
            ]
        )
    addresses = [("SHIP TO", order.ship_to)]
    if order.bill_to is not None:
        addresses.insert(0, ("BILL TO", order.bill_to))
    details = [("Order placed", order.placed_at.strftime("%Y-%m-%d"))]
    if order.shipping_method:
        details.append(("Shipping", order.shipping_method))
    if order.customer_email:
        details.append(("Email", order.customer_email))
    header = [f"Invoice {invoice.invoice_number}", f"Issued {invoice.issued_at.strftime('%Y-%m-%d')}"]
    if has_prices(order):
        rows = _totals_rows(invoice_totals(order), currency, page_w, cash_on_delivery=order.cash_on_delivery)
    else:
        # A total of 0.00 would be a false statement: say why there are no amounts.
        rows = [
            Row(6.0, lambda canvas, top: None, keep_with_next=True),
            _note_row("The sales channel gave no prices for this order: its own invoice shows the amounts.", page_w),
        ]
    return OrderSheet(
        "INVOICE", header, addresses, details, INVOICE_COLUMNS, cells, rows, show_vat=True, show_instructions=False
    )


def render_invoices(
    invoices: Sequence[Invoice], shop: Shop, *, page: PageSize = "a4", dpi: int = 300
) -> RenderedDocument:
    """Invoices, in the order given, as one PDF; each invoice number is printed as passed in."""
    if not invoices:
        raise BadInput("no invoices to render: the selection is empty")
    size = page_size(page, dpi)
    check = GlyphCheck()
    logo = load_logo(shop, check.warnings)
    documents = [
        order_document(inv.order, shop, invoice_sheet(inv, check, size[0]), page=size, dpi=dpi, check=check, logo=logo)
        for inv in invoices
    ]
    canvas, buffer = new_canvas(size, title=f"Invoices ({len(invoices)})")
    pages = draw_documents(canvas, documents)
    return RenderedDocument(finish(canvas, buffer), PDF_MEDIA_TYPE, pages, tuple(check.warnings))

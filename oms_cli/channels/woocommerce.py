"""WooCommerce REST API v3: ``GET /wp-json/wc/v3/orders`` (``modified_after``,
``page``/``per_page``, HTTP Basic with the consumer key and secret), and tracking
handed back by completing the order with a tracking note and meta data.

The order's ``number`` is the external id, as in the order export files.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from oms_cli.channels.base import Fields, Page, Pulled, Shipment, convert_all, refuse
from oms_cli.channels.client import ClientSettings, Connection
from oms_cli.channels.http import Api
from oms_cli.importers import canonical, cells
from oms_cli.importers.cells import CellError, country_if_known, postal_code
from oms_cli.importers.service_levels import service_level_for
from oms_cli.importers.woocommerce import _COD_STATUSES, ORDER_STATUS, _unit_price

ENDPOINT = "/wp-json/wc/v3/orders"
#: the order meta key that carries the tracking numbers handed back
TRACKING_META = "_oms_tracking"


class Client:
    """One WooCommerce site."""

    def __init__(self, connection: Connection, settings: ClientSettings) -> None:
        self.connection = connection
        self.settings = settings

        self.api = Api(
            connection.name,
            connection.base_url,
            headers=lambda: {"Accept": "application/json"},
            secrets=lambda: [connection.secret("consumer_key"), connection.secret("consumer_secret")],
            auth=httpx.BasicAuth(connection.secret("consumer_key"), connection.secret("consumer_secret")),
            tries=settings.tries,
            backoff_s=settings.backoff_s,
            max_wait_s=settings.max_wait_s,
            timeout_s=settings.timeout_s,
        )

    def close(self) -> None:
        """Close the HTTP connections."""
        self.api.close()

    def fetch(self, since: datetime, page: str | None) -> Page:
        """One page of orders modified after ``since``, oldest change first.

        Pages are walked by the last change seen (``modified_after`` moves up to the
        page's latest ``date_modified_gmt``), not by page number alone: an order changed
        while we page moves to the end instead of shifting an unseen one onto a page
        already read. Page numbers count only within one second of changes.
        """
        if page:
            after, _, number_text = page.rpartition("|")
            number = int(number_text)
        else:
            # modified_after is exclusive and to the second: one second back keeps a change
            # made in the same second as the last pass ended
            after, number = (since - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S"), 1
        where = f"GET {ENDPOINT} page {number} modified after {after}"
        response = self.api.request(
            "GET",
            ENDPOINT,
            endpoint=where,
            params={
                "modified_after": after,
                "dates_are_gmt": "true",
                "orderby": "modified",
                "order": "asc",
                "per_page": self.settings.page_size,
                "page": number,
            },
        )
        try:
            body = response.json()
        except ValueError:
            snippet = response.text[:60].replace("\n", " ")
            raise refuse(self.connection.name, where, None, None, f"the answer is not JSON ({snippet!r})") from None
        if not isinstance(body, list):
            raise refuse(self.connection.name, where, None, None, "the answer is not a list of orders")
        pulled = convert_all(self.connection.name, where, body, self._order, "number")
        try:
            pages = int(response.headers.get("X-WP-TotalPages", "0"))
        except ValueError:
            raise refuse(self.connection.name, where, None, "X-WP-TotalPages", "is not a number") from None
        more = number < pages if pages else len(body) >= self.settings.page_size
        if not more or not pulled:
            return Page(pulled, None, where)
        latest = max(p.data["modified"] for p in pulled)
        moved = (cells.timestamp(latest, "date_modified_gmt") - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
        return Page(pulled, f"{moved}|1" if moved > after else f"{after}|{number + 1}", where)

    def _order(self, o: Fields) -> Pulled:
        external_id = o.required("number")
        raw_status = (o.text("status") or "").lower()
        key = raw_status[3:] if raw_status.startswith("wc-") else raw_status
        if key not in ORDER_STATUS:
            raise CellError("status", f"{raw_status!r} is not a WooCommerce order status ({', '.join(ORDER_STATUS)})")
        status, payment_status = ORDER_STATUS[key]
        method_id, method_title = o.text("payment_method"), o.text("payment_method_title")
        cod = self.settings.imports.cod_method_set()
        if key in _COD_STATUSES and (
            canonical.is_cash_on_delivery(method_id, cod) or canonical.is_cash_on_delivery(method_title, cod)
        ):
            payment_status = "cod"
        shipping_lines = o.items("shipping_lines")
        shipping_method = (
            (shipping_lines[0].text("method_title") or shipping_lines[0].text("method_id")) if shipping_lines else None
        )
        lines = []
        for item in o.items("line_items", required=True):
            sku = item.text("sku")
            if not sku:
                raise CellError(f"{item.path}.sku", "is empty")
            count = item.quantity("quantity")
            lines.append(
                canonical.line(
                    sku=sku,
                    name=item.text("name"),
                    quantity=count,
                    unit_price=_unit_price(item.money("subtotal"), count)
                    if item.raw("subtotal") is not None
                    else item.money("price"),
                    line_id=item.text("id"),
                )
            )
        if not lines:
            raise CellError("line_items", "lists no items")
        billing, shipping = o.obj("billing"), o.obj("shipping")

        def person(f: Fields | None) -> str | None:
            if f is None:
                return None
            return " ".join(x for x in (f.text("first_name"), f.text("last_name")) if x) or None

        def address(f: Fields | None, strict: bool) -> dict[str, Any] | None:
            if f is None:
                return canonical.address() if strict else None
            return canonical.address(
                name=person(f),
                company=f.text("company"),
                address1=f.text("address_1"),
                address2=f.text("address_2"),
                city=f.text("city"),
                province=f.text("state"),
                postal_code=postal_code(f.text("postcode") or ""),
                country=f.country("country") if strict else country_if_known(f.text("country") or ""),
                phone=f.text("phone"),
            )

        totals_tax = o.money("total_tax")
        order = canonical.order(
            channel="woocommerce",
            external_id=external_id,
            placed_at=o.time("date_created_gmt"),
            status=status,
            payment_status=payment_status,
            payment_method=method_title or method_id,
            payment_reference=o.text("transaction_id"),
            customer_name=person(billing),
            email=billing.text("email") if billing else None,
            phone=billing.text("phone") if billing else None,
            ship_to=address(shipping, True),
            bill_to=address(billing, False),
            service_level=service_level_for(shipping_method, self.settings.imports.rules()),
            shipping_method=shipping_method,
            notes=o.text("customer_note"),
            currency=o.currency("currency"),
            shipping=o.money("shipping_total"),
            tax=totals_tax,
            discount=o.money("discount_total"),
            total=o.money("total"),
            lines=lines,
        )
        return Pulled(order, str(o.number("id")), {"modified": o.required("date_modified_gmt")})

    def _notes(self, s: Shipment) -> list[Any]:
        endpoint = f"GET {ENDPOINT}/{s.remote_id}/notes"
        response = self.api.request("GET", f"{ENDPOINT}/{s.remote_id}/notes", endpoint=endpoint)
        try:
            body = response.json()
        except ValueError:
            raise self.api.fail(endpoint, "the answer is not JSON") from None
        return body if isinstance(body, list) else []

    def already_told(self, s: Shipment) -> str | None:
        """Whether the order has a note with this tracking number already (a retry after an
        answer was lost) and, for its last package, is completed."""
        if s.last:
            path = f"{ENDPOINT}/{s.remote_id}"
            response = self.api.request("GET", path, endpoint=f"GET {path}")
            try:
                status = response.json().get("status")
            except (ValueError, AttributeError):
                status = None
            if status != "completed":
                return None
        for note in self._notes(s):
            if isinstance(note, dict) and s.tracking in str(note.get("note") or ""):
                return f"note {note.get('id')}"
        return None

    def push(self, s: Shipment) -> str:
        """Add a customer note with the tracking and, for the order's last package, mark it completed."""
        body: dict[str, Any] = {
            "meta_data": [{"key": f"{TRACKING_META}_{s.package_no}", "value": f"{s.carrier} {s.tracking}"}]
        }
        if s.last:
            body["status"] = "completed"
        path = f"{ENDPOINT}/{s.remote_id}"
        self.api.request("PUT", path, endpoint=f"PUT {path}", push=True, json=body)
        text = f"Shipped with {s.carrier_name}: {s.tracking}" + (f" ({s.tracking_url})" if s.tracking_url else "")
        if s.packages > 1:
            text = f"Package {s.package_no} of {s.packages}: " + text
        if self.already_told(s) is None:
            response = self.api.request(
                "POST",
                f"{path}/notes",
                endpoint=f"POST {path}/notes",
                push=True,
                json={"note": text, "customer_note": True},
            )
            try:
                return f"note {response.json().get('id')}"
            except (ValueError, AttributeError):
                return "note"
        return "note"

    def probe(self) -> str:
        """Check the credentials by reading one order."""
        response = self.api.request("GET", ENDPOINT, endpoint=f"GET {ENDPOINT}", params={"per_page": 1})
        return f"{response.headers.get('X-WP-Total', '?')} orders on the site"

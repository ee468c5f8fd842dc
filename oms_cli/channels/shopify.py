"""Shopify Admin GraphQL API: the ``orders`` query (cursor pagination, ``updated_at``
filter, cost-based throttling) and ``fulfillmentCreate``.

The order's ``name`` (``#1001``) without its ``#`` is the external id, as in the
Orders > Export file, so a file import and a sync of one order are one order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from oms_cli.channels.base import Fields, Page, Pulled, PushRefused, Shipment, convert_all, json_object, refuse
from oms_cli.channels.client import ClientSettings, Connection
from oms_cli.channels.http import Api
from oms_cli.importers import canonical
from oms_cli.importers.cells import CellError, country_if_known, postal_code
from oms_cli.importers.service_levels import service_level_for
from oms_cli.importers.shopify import FINANCIAL_STATUS

API_VERSION = "2024-10"
ENDPOINT = f"/admin/api/{API_VERSION}/graphql.json"

_MONEY = "shopMoney { amount currencyCode }"
_ADDRESS = "name company address1 address2 city province provinceCode zip countryCodeV2 phone"

ORDERS_QUERY = (
    "query Orders($first: Int!, $after: String, $query: String) {"
    " orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {"
    " pageInfo { hasNextPage endCursor }"
    " nodes { id name createdAt updatedAt cancelledAt email phone note tags"
    " displayFinancialStatus paymentGatewayNames currencyCode"
    f" subtotalPriceSet {{ {_MONEY} }} totalShippingPriceSet {{ {_MONEY} }} totalTaxSet {{ {_MONEY} }}"
    f" totalDiscountsSet {{ {_MONEY} }} totalPriceSet {{ {_MONEY} }}"
    " customer { displayName }"
    " shippingLine { title }"
    f" shippingAddress {{ {_ADDRESS} }} billingAddress {{ {_ADDRESS} }}"
    f" lineItems(first: 250) {{ nodes {{ id sku name quantity originalUnitPriceSet {{ {_MONEY} }} }} }}"
    " } } }"
)

FULFILMENT_QUERY = (
    "query FulfillmentOrders($id: ID!) { order(id: $id) {"
    " fulfillmentOrders(first: 20) { nodes { id status } }"
    " fulfillments(first: 50) { id trackingInfo { number } } } }"
)

FULFILMENT_CREATE = (
    "mutation fulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {"
    " fulfillmentCreate(fulfillment: $fulfillment, message: $message) {"
    " fulfillment { id status } userErrors { field message } } }"
)

#: fulfilment order states that can still take a fulfilment
_OPEN_FULFILMENT = ("OPEN", "IN_PROGRESS")


class Client:
    """One Shopify store."""

    def __init__(self, connection: Connection, settings: ClientSettings) -> None:
        self.connection = connection
        self.settings = settings
        self.api = Api(
            connection.name,
            connection.base_url,
            headers=lambda: {"X-Shopify-Access-Token": connection.secret("access_token")},
            secrets=lambda: [connection.secret("access_token")],
            tries=settings.tries,
            backoff_s=settings.backoff_s,
            max_wait_s=settings.max_wait_s,
            timeout_s=settings.timeout_s,
        )

    def close(self) -> None:
        """Close the HTTP connections."""
        self.api.close()

    def graphql(self, query: str, variables: dict[str, Any], what: str, push: bool = False) -> dict[str, Any]:
        """Run a query; waits out THROTTLED answers by the cost the answer reports."""
        endpoint = f"POST {ENDPOINT} ({what})"
        for _ in range(max(self.settings.tries, 1) * 2):
            response = self.api.request(
                "POST", ENDPOINT, endpoint=endpoint, push=push, json={"query": query, "variables": variables}
            )
            body = json_object(self.connection.name, endpoint, response)
            errors = body.get("errors")
            if errors:
                first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
                code = (first.get("extensions") or {}).get("code")
                if code == "THROTTLED":
                    self.api.sleep(min(self.settings.max_wait_s, _throttle_wait(body)))
                    continue
                raise self.api.fail(endpoint, f"the channel answered: {first.get('message') or errors}")
            data = body.get("data")
            if not isinstance(data, dict):
                raise refuse(self.connection.name, endpoint, None, "data", "is missing")
            return data
        raise self.api.fail(endpoint, "still throttled after waiting for the query cost to restore")

    def fetch(self, since: datetime, page: str | None) -> Page:
        """One page of orders updated at or after ``since``."""
        query = f"updated_at:>='{since.strftime('%Y-%m-%dT%H:%M:%SZ')}'"
        where = f"POST {ENDPOINT} (orders after {page or 'the start'})"
        data = self.graphql(
            ORDERS_QUERY,
            {"first": self.settings.page_size, "after": page, "query": query},
            f"orders after {page or 'the start'}",
        )
        try:
            orders = Fields(data).obj("orders")
            if orders is None:
                raise CellError("data.orders", "is missing")
            info = orders.obj("pageInfo")
            has_next = bool(info and info.raw("hasNextPage"))
            end = info.text("endCursor") if info else None
            nodes = orders.raw("nodes")
            if not isinstance(nodes, list):
                raise CellError("data.orders.nodes", "is missing")
        except CellError as exc:
            raise refuse(self.connection.name, where, None, exc.column, exc.message) from None
        pulled = convert_all(self.connection.name, where, nodes, self._order, "name")
        return Page(pulled, end if has_next and end else None, where)

    def _order(self, node: Fields) -> Pulled:
        name = node.required("name")
        external_id = name.lstrip("#").strip()
        financial = (node.text("displayFinancialStatus") or "").lower()
        payment_status = FINANCIAL_STATUS.get(financial)
        if payment_status is None:
            raise CellError("displayFinancialStatus", f"{financial!r} is not a Shopify financial status")
        gateways = node.raw("paymentGatewayNames") or []
        if not isinstance(gateways, list):
            raise CellError("paymentGatewayNames", "is not a list")
        method = " + ".join(str(g) for g in gateways) or None
        if payment_status == "pending" and canonical.is_cash_on_delivery(
            method, self.settings.imports.cod_method_set()
        ):
            payment_status = "cod"
        ship = node.obj("shippingAddress")
        bill = node.obj("billingAddress")
        shipping_method = node.text("shippingLine.title")
        tags = node.raw("tags") or []
        if not isinstance(tags, list):
            raise CellError("tags", "is not a list")
        lines = []
        for item in node.items("lineItems.nodes", required=True):
            sku = item.text("sku")
            if not sku:
                raise CellError(f"{item.path}.sku", "is empty")
            lines.append(
                canonical.line(
                    sku=sku,
                    name=item.text("name"),
                    quantity=item.quantity("quantity"),
                    unit_price=item.money("originalUnitPriceSet.shopMoney.amount"),
                    line_id=item.text("id"),
                )
            )
        order = canonical.order(
            channel="shopify",
            external_id=external_id,
            placed_at=node.time("createdAt"),
            status="cancelled" if node.text("cancelledAt") else "new",
            payment_status=payment_status,
            payment_method=method,
            customer_name=node.text("customer.displayName") or (bill.text("name") if bill else None),
            email=node.text("email"),
            phone=node.text("phone"),
            ship_to=_address(ship, "shippingAddress", strict=True),
            bill_to=_address(bill, "billingAddress", strict=False),
            service_level=service_level_for(shipping_method, self.settings.imports.rules()),
            shipping_method=shipping_method,
            notes=node.text("note"),
            tags=[str(t) for t in tags],
            currency=node.currency("currencyCode"),
            subtotal=node.money("subtotalPriceSet.shopMoney.amount"),
            shipping=node.money("totalShippingPriceSet.shopMoney.amount"),
            tax=node.money("totalTaxSet.shopMoney.amount"),
            discount=node.money("totalDiscountsSet.shopMoney.amount"),
            total=node.money("totalPriceSet.shopMoney.amount"),
            lines=lines,
        )
        if not lines:
            raise CellError("lineItems.nodes", "lists no items")
        return Pulled(order, node.required("id"), {"updated_at": node.required("updatedAt")})

    def _fulfilment_state(self, s: Shipment) -> tuple[list[str], dict[str, str]]:
        data = self.graphql(FULFILMENT_QUERY, {"id": s.remote_id}, f"fulfillment orders of {s.ref}")
        order = data.get("order")
        if not isinstance(order, dict):
            raise PushRefused(f"connection '{self.connection.name}': order {s.ref} ({s.remote_id}) is not in the store")
        open_ids = [
            n["id"]
            for n in ((order.get("fulfillmentOrders") or {}).get("nodes") or [])
            if isinstance(n, dict) and n.get("status") in _OPEN_FULFILMENT
        ]
        numbers = {
            str(t.get("number")): str(f.get("id"))
            for f in order.get("fulfillments") or []
            if isinstance(f, dict)
            for t in f.get("trackingInfo") or []
            if isinstance(t, dict) and t.get("number")
        }
        return open_ids, numbers

    def already_told(self, s: Shipment) -> str | None:
        """Whether a fulfilment with this tracking number is there already (a retry after an answer was lost)."""
        _, numbers = self._fulfilment_state(s)
        return numbers.get(s.tracking)

    def push(self, s: Shipment) -> str:
        """Create the fulfilment of the order's open fulfilment orders with this package's tracking."""
        open_ids, numbers = self._fulfilment_state(s)
        if s.tracking in numbers:
            return numbers[s.tracking]
        if not open_ids:
            raise PushRefused(
                f"connection '{self.connection.name}': {s.ref} has no open fulfillment order left to fulfil "
                f"(fulfilled or cancelled at the channel)"
            )
        tracking: dict[str, Any] = {"number": s.tracking, "company": s.carrier_name}
        if s.tracking_url:
            tracking["url"] = s.tracking_url
        data = self.graphql(
            FULFILMENT_CREATE,
            {
                "fulfillment": {
                    "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": i} for i in open_ids],
                    "trackingInfo": tracking,
                    "notifyCustomer": True,
                }
            },
            f"fulfillmentCreate for {s.ref}",
            push=True,
        )
        result = data.get("fulfillmentCreate") or {}
        errors = result.get("userErrors") or []
        if errors:
            first = errors[0] if isinstance(errors[0], dict) else {"message": str(errors[0])}
            raise PushRefused(
                f"connection '{self.connection.name}': fulfillmentCreate for {s.ref}: {first.get('message')}"
            )
        fulfilment = result.get("fulfillment") or {}
        return str(fulfilment.get("id") or "")

    def probe(self) -> str:
        """Check the credentials with the cheapest query."""
        data = self.graphql("query { shop { name } }", {}, "shop")
        return f"shop {((data.get('shop') or {}).get('name'))!r}"


def _throttle_wait(body: dict[str, Any]) -> float:
    """Seconds until the bucket holds what the query costs, from the answer's cost extension."""
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        needed = float(cost.get("requestedQueryCost") or 0) - float(status.get("currentlyAvailable") or 0)
        rate = float(status.get("restoreRate") or 50)
    except (TypeError, ValueError):
        return 1.0
    return max(needed / rate if rate > 0 else 1.0, 0.05)


def _address(fields: Fields | None, path: str, *, strict: bool) -> dict[str, Any] | None:
    if fields is None:
        return canonical.address() if strict else None
    code = fields.text("countryCodeV2")
    return canonical.address(
        name=fields.text("name"),
        company=fields.text("company"),
        address1=fields.text("address1"),
        address2=fields.text("address2"),
        city=fields.text("city"),
        province=fields.text("provinceCode") or fields.text("province"),
        postal_code=postal_code(fields.text("zip") or ""),
        country=fields.country("countryCodeV2") if strict else country_if_known(code or ""),
        phone=fields.text("phone"),
    )

"""Channel APIs served on 127.0.0.1 from their documented request and response shapes.

Each fake keeps its orders in memory, pages them the way the channel does and records
every request and every fulfilment it was given. ``faults`` holds what the next
matching requests get instead of a normal answer: ``{"match": "fulfillmentCreate",
"status": 429, "headers": {"Retry-After": "1"}}``, ``{"status": 503}``, ``{"body":
"<html>"}`` (malformed), ``{"drop": True}`` (do the work, then close the connection
without answering: the answer is lost).
"""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Fake:
    """The common part: a threaded server, a fault queue, a request log."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.faults: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, str]] = []  # method, path, body
        self.orders: dict[int, dict[str, Any]] = {}
        self.before_page: Any = None  # called with the page number before a page is answered
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                with fake.lock:
                    fake.requests.append((method, self.path, body))
                    fault = fake.take_fault(method, self.path, body)
                if fault and not fault.get("drop"):
                    self.answer(fault.get("status", 200), fault.get("body", ""), fault.get("headers", {}))
                    return
                status, payload, headers = fake.handle(method, self.path, body, self.headers)
                if fault and fault.get("drop"):
                    self.close_connection = True
                    return
                self.answer(status, payload, headers)

            def answer(self, status: int, payload: Any, headers: dict[str, str]) -> None:
                data = payload if isinstance(payload, str) else json.dumps(payload)
                raw = data.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PUT(self) -> None:
                self._serve("PUT")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Fake:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def take_fault(self, method: str, path: str, body: str) -> dict[str, Any] | None:
        for i, f in enumerate(self.faults):
            if f.get("match", "") in f"{method} {path} {body}":
                return self.faults.pop(i)
        return None

    def handle(self, method: str, path: str, body: str, headers: Any) -> tuple[int, Any, dict[str, str]]:
        raise NotImplementedError


# --- Shopify Admin GraphQL ----------------------------------------------------------


def shopify_order(number: int, updated: datetime, **over: Any) -> dict[str, Any]:
    """An order node as the ``orders`` query returns it."""
    money = lambda a: {"shopMoney": {"amount": a, "currencyCode": "USD"}}  # noqa: E731
    node = {
        "id": f"gid://shopify/Order/{5000 + number}",
        "name": f"#{number}",
        "createdAt": iso(updated - timedelta(minutes=5)),
        "updatedAt": iso(updated),
        "cancelledAt": None,
        "email": f"buyer{number}@example.com",
        "phone": None,
        "note": None,
        "tags": ["web"],
        "displayFinancialStatus": "PAID",
        "paymentGatewayNames": ["shopify_payments"],
        "currencyCode": "USD",
        "subtotalPriceSet": money("20.00"),
        "totalShippingPriceSet": money("4.95"),
        "totalTaxSet": money("0.00"),
        "totalDiscountsSet": money("0.00"),
        "totalPriceSet": money("24.95"),
        "customer": {"displayName": f"Buyer {number}"},
        "shippingLine": {"title": "Standard Shipping"},
        "shippingAddress": {
            "name": f"Buyer {number}",
            "company": None,
            "address1": "1 Main St",
            "address2": None,
            "city": "Springfield",
            "province": "Illinois",
            "provinceCode": "IL",
            "zip": "62701",
            "countryCodeV2": "US",
            "phone": None,
        },
        "billingAddress": None,
        "lineItems": {
            "nodes": [
                {
                    "id": f"gid://shopify/LineItem/{number}1",
                    "sku": "MUG-1",
                    "name": "Mug",
                    "quantity": 2,
                    "originalUnitPriceSet": money("10.00"),
                }
            ]
        },
    }
    node.update(over)
    return node


class ShopifyFake(Fake):
    """``POST /admin/api/2024-10/graphql.json``: orders (keyset cursors over UPDATED_AT),
    order fulfillment orders, fulfillmentCreate, shop; cost throttling."""

    token = "shpat_test_secret_value_123"

    def __init__(self) -> None:
        super().__init__()
        self.fulfilments: list[dict[str, Any]] = []
        self.throttle = 0  # answer this many next queries THROTTLED
        self.pages = 0

    def add(self, number: int, updated: datetime, **over: Any) -> None:
        self.orders[number] = shopify_order(number, updated, **over)

    def handle(self, method: str, path: str, body: str, headers: Any) -> tuple[int, Any, dict[str, str]]:
        if headers.get("X-Shopify-Access-Token") != self.token:
            return 401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}, {}
        if path != "/admin/api/2024-10/graphql.json" or method != "POST":
            return 404, {"errors": "Not Found"}, {}
        request = json.loads(body)
        query, variables = request["query"], request.get("variables") or {}
        cost = {
            "requestedQueryCost": 252,
            "actualQueryCost": 40,
            "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1960, "restoreRate": 100.0},
        }
        if self.throttle > 0:
            self.throttle -= 1
            cost = {
                "requestedQueryCost": 252,
                "actualQueryCost": None,
                "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 232, "restoreRate": 100.0},
            }
            return (
                200,
                {
                    "errors": [
                        {
                            "message": "Throttled",
                            "extensions": {
                                "code": "THROTTLED",
                                "documentation": "https://shopify.dev/api/usage/rate-limits",
                            },
                        }
                    ],
                    "extensions": {"cost": cost},
                },
                {},
            )
        if "fulfillmentCreate(" in query:
            return 200, {"data": self.fulfil(variables)}, {}
        if "order(id:" in query:
            return 200, {"data": {"order": self.fulfilment_state(variables["id"])}}, {}
        if "shop {" in query:
            return 200, {"data": {"shop": {"name": "Test Shop"}}}, {}
        if "orders(" in query:
            if self.before_page is not None:
                self.before_page(self.pages)
            self.pages += 1
            return 200, {"data": {"orders": self.page(variables)}, "extensions": {"cost": cost}}, {}
        return 400, {"errors": [{"message": "unknown query"}]}, {}

    def page(self, variables: dict[str, Any]) -> dict[str, Any]:
        since = None
        q = variables.get("query") or ""
        if "updated_at:>='" in q:
            since = q.split("updated_at:>='")[1].split("'")[0]
        with self.lock:
            nodes = sorted(self.orders.values(), key=lambda n: (n["updatedAt"], n["id"]))
        if since:
            nodes = [n for n in nodes if n["updatedAt"] >= since]
        after = variables.get("after")
        if after:
            last = json.loads(base64.b64decode(after))
            nodes = [n for n in nodes if (n["updatedAt"], n["id"]) > (last["u"], last["id"])]
        first = int(variables.get("first") or 50)
        chunk, more = nodes[:first], len(nodes) > first
        end = (
            base64.b64encode(json.dumps({"u": chunk[-1]["updatedAt"], "id": chunk[-1]["id"]}).encode()).decode()
            if chunk
            else None
        )
        return {"pageInfo": {"hasNextPage": more, "endCursor": end}, "nodes": chunk}

    def fulfilment_state(self, gid: str) -> dict[str, Any] | None:
        number = int(gid.rsplit("/", 1)[1]) - 5000
        if number not in self.orders:
            return None
        done = [f for f in self.fulfilments if f["order"] == number]
        return {
            "fulfillmentOrders": {
                "nodes": [{"id": f"gid://shopify/FulfillmentOrder/{number}", "status": "CLOSED" if done else "OPEN"}]
            },
            "fulfillments": [{"id": f["id"], "trackingInfo": [{"number": f["tracking"]["number"]}]} for f in done],
        }

    def fulfil(self, variables: dict[str, Any]) -> dict[str, Any]:
        f = variables["fulfillment"]
        fo = f["lineItemsByFulfillmentOrder"][0]["fulfillmentOrderId"]
        number = int(fo.rsplit("/", 1)[1])
        with self.lock:
            if any(x["order"] == number for x in self.fulfilments):
                return {
                    "fulfillmentCreate": {
                        "fulfillment": None,
                        "userErrors": [{"field": ["fulfillment"], "message": "Fulfillment order is closed"}],
                    }
                }
            fid = f"gid://shopify/Fulfillment/{900 + len(self.fulfilments)}"
            self.fulfilments.append(
                {"id": fid, "order": number, "tracking": f["trackingInfo"], "notify": f.get("notifyCustomer")}
            )
        return {"fulfillmentCreate": {"fulfillment": {"id": fid, "status": "SUCCESS"}, "userErrors": []}}


# --- WooCommerce REST v3 ------------------------------------------------------------


def woo_order(number: int, modified: datetime, **over: Any) -> dict[str, Any]:
    """An order as ``GET /wp-json/wc/v3/orders`` returns it."""
    order = {
        "id": 700 + number,
        "number": str(number),
        "status": "processing",
        "currency": "EUR",
        "date_created_gmt": (modified - timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M:%S"),
        "date_modified_gmt": modified.strftime("%Y-%m-%dT%H:%M:%S"),
        "discount_total": "0.00",
        "shipping_total": "5.00",
        "total": "35.00",
        "total_tax": "0.00",
        "customer_note": "",
        "billing": {
            "first_name": "Grace",
            "last_name": f"Hopper{number}",
            "company": "",
            "address_1": "Hauptstr. 1",
            "address_2": "",
            "city": "Berlin",
            "state": "",
            "postcode": "10115",
            "country": "DE",
            "email": f"grace{number}@example.com",
            "phone": "",
        },
        "shipping": {
            "first_name": "Grace",
            "last_name": f"Hopper{number}",
            "company": "",
            "address_1": "Hauptstr. 1",
            "address_2": "",
            "city": "Berlin",
            "state": "",
            "postcode": "10115",
            "country": "DE",
            "phone": "",
        },
        "payment_method": "stripe",
        "payment_method_title": "Credit card",
        "transaction_id": f"ch_{number}",
        "line_items": [
            {
                "id": 9000 + number,
                "name": "Tee",
                "product_id": 12,
                "quantity": 2,
                "subtotal": "30.00",
                "total": "30.00",
                "sku": "TEE-M",
                "price": 15,
            }
        ],
        "shipping_lines": [{"id": 1, "method_title": "Flat rate", "method_id": "flat_rate", "total": "5.00"}],
        "meta_data": [],
    }
    order.update(over)
    return order


class WooFake(Fake):
    """``/wp-json/wc/v3/orders`` with modified_after, orderby=modified, page/per_page and
    X-WP-Total(Pages); PUT an order; GET/POST its notes. HTTP Basic auth."""

    key, secret = "ck_test_key_0123456789", "cs_test_secret_9876543210"

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[int, list[dict[str, Any]]] = {}
        self.pages = 0

    def add(self, number: int, modified: datetime, **over: Any) -> None:
        self.orders[number] = woo_order(number, modified, **over)

    def handle(self, method: str, path: str, body: str, headers: Any) -> tuple[int, Any, dict[str, str]]:
        expected = "Basic " + base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        if headers.get("Authorization") != expected:
            return (
                401,
                {
                    "code": "woocommerce_rest_cannot_view",
                    "message": "Sorry, you cannot list resources.",
                    "data": {"status": 401},
                },
                {},
            )
        parts = urlsplit(path)
        segs = parts.path.rstrip("/").split("/")
        if parts.path.rstrip("/") == "/wp-json/wc/v3/orders" and method == "GET":
            return self.list_orders(parse_qs(parts.query))
        if len(segs) >= 6 and segs[:5] == ["", "wp-json", "wc", "v3", "orders"]:
            oid = int(segs[5])
            order = next((o for o in self.orders.values() if o["id"] == oid), None)
            if order is None:
                return (
                    404,
                    {
                        "code": "woocommerce_rest_shop_order_invalid_id",
                        "message": "Invalid ID.",
                        "data": {"status": 404},
                    },
                    {},
                )
            if len(segs) == 7 and segs[6] == "notes":
                if method == "GET":
                    return 200, self.notes.get(oid, []), {}
                note = json.loads(body)
                with self.lock:
                    entry = {
                        "id": 100 + sum(map(len, self.notes.values())),
                        "note": note["note"],
                        "customer_note": note.get("customer_note", False),
                    }
                    self.notes.setdefault(oid, []).append(entry)
                return 201, entry, {}
            if method == "PUT":
                change = json.loads(body)
                with self.lock:
                    if "status" in change:
                        order["status"] = change["status"]
                    order["meta_data"] = order.get("meta_data", []) + change.get("meta_data", [])
                return 200, order, {}
            return 200, order, {}
        return (
            404,
            {
                "code": "rest_no_route",
                "message": "No route was found matching the URL and request method.",
                "data": {"status": 404},
            },
            {},
        )

    def list_orders(self, q: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        if self.before_page is not None:
            self.before_page(self.pages)
        self.pages += 1
        with self.lock:
            orders = sorted(self.orders.values(), key=lambda o: (o["date_modified_gmt"], o["id"]))
        after = (q.get("modified_after") or [None])[0]
        if after:
            orders = [o for o in orders if o["date_modified_gmt"] > after[:19]]
        per_page = int((q.get("per_page") or ["10"])[0])
        page = int((q.get("page") or ["1"])[0])
        total = len(orders)
        pages = (total + per_page - 1) // per_page
        chunk = orders[(page - 1) * per_page : page * per_page]
        return 200, chunk, {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}

"""Write a realistic, reproducible Shopify orders export of any size for benchmarks.

python bench/gen_shopify.py /tmp/shopify_100k.csv --orders 100000
"""

from __future__ import annotations

import argparse
import csv
import os
import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

TAX_COLUMNS = [f"Tax {n} {kind}" for n in range(1, 6) for kind in ("Name", "Value")]

#: Today's column order of Shopify's Orders > Export.
COLUMNS = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Note Attributes",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Employee",
    "Location",
    "Device ID",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    *TAX_COLUMNS,
    "Phone",
    "Receipt Number",
    "Duties",
    "Billing Province Name",
    "Shipping Province Name",
    "Payment ID",
    "Payment Terms Name",
    "Next Payment Due At",
    "Payment References",
]

PRODUCTS = [
    ("MUG-SPK-BLU", "Speckled stoneware mug - Blue", Decimal("18.00")),
    ("MUG-SPK-GRN", "Speckled stoneware mug - Green", Decimal("18.00")),
    ("CANDLE-FIG", "Fig & cedar soy candle", Decimal("24.00")),
    ("CANDLE-SEA", "Sea salt soy candle", Decimal("24.00")),
    ("VASE-BUD-WHT", "Porcelain bud vase, white", Decimal("16.50")),
    ("TEATOWEL-LIN", "Linen tea towel", Decimal("12.00")),
    ("BOARD-OAK", "Oak serving board", Decimal("45.00")),
    ("COASTER-SET4", "Cork coasters, set of 4", Decimal("9.50")),
]
PLACES = [
    ("Portland", "OR", "97205", "US"),
    ("Austin", "TX", "78701", "US"),
    ("Boston", "MA", "02108", "US"),
    ("Toronto", "ON", "M5V 2T6", "CA"),
    ("London", "", "SW1A 1AA", "GB"),
]
METHODS = ["Standard Shipping", "Standard Shipping", "Standard Shipping", "Express Shipping", "Next Day Delivery"]


def write_shopify_export(path: str | os.PathLike[str], orders: int = 100_000, seed: int = 1) -> int:
    """Write ``orders`` orders (about 2.5 rows each) to ``path``; return the number of rows written."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=timezone(timedelta(hours=-5)))
    empty = [""] * len(COLUMNS)
    at = {name: index for index, name in enumerate(COLUMNS)}
    rows = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for number in range(1001, 1001 + orders):
            count = rng.choice((1, 1, 2, 3, 4, 4))
            items = [(rng.choice(PRODUCTS), rng.randint(1, 3)) for _ in range(count)]
            subtotal = sum((price * qty for (_, _, price), qty in items), Decimal("0"))
            shipping = Decimal("5.00")
            tax = (subtotal * Decimal("0.08")).quantize(Decimal("0.01"))
            city, province, zip_code, country = rng.choice(PLACES)
            created = start + timedelta(seconds=number * 17)
            for index, ((sku, name, price), qty) in enumerate(items):
                row = list(empty)
                row[at["Name"]] = f"#{number}"
                row[at["Lineitem quantity"]] = str(qty)
                row[at["Lineitem name"]] = name
                row[at["Lineitem price"]] = str(price)
                row[at["Lineitem sku"]] = sku
                row[at["Lineitem requires shipping"]] = "true"
                row[at["Lineitem taxable"]] = "true"
                row[at["Lineitem fulfillment status"]] = "pending"
                row[at["Vendor"]] = "Hearth & Field"
                if index == 0:
                    full_name = f"Customer {number}"
                    street = f"{rng.randint(1, 999)} Main Street"
                    for prefix in ("Billing", "Shipping"):
                        row[at[f"{prefix} Name"]] = full_name
                        row[at[f"{prefix} Street"]] = street
                        row[at[f"{prefix} Address1"]] = street
                        row[at[f"{prefix} City"]] = city
                        row[at[f"{prefix} Zip"]] = ("'" + zip_code) if zip_code.startswith("0") else zip_code
                        row[at[f"{prefix} Province"]] = province
                        row[at[f"{prefix} Country"]] = country
                    row[at["Email"]] = f"customer{number}@example.com"
                    row[at["Financial Status"]] = "paid"
                    row[at["Paid at"]] = created.strftime("%Y-%m-%d %H:%M:%S %z")
                    row[at["Fulfillment Status"]] = "unfulfilled"
                    row[at["Accepts Marketing"]] = rng.choice(("yes", "no"))
                    row[at["Currency"]] = "USD"
                    row[at["Subtotal"]] = str(subtotal)
                    row[at["Shipping"]] = str(shipping)
                    row[at["Taxes"]] = str(tax)
                    row[at["Total"]] = str(subtotal + shipping + tax)
                    row[at["Discount Amount"]] = "0.00"
                    row[at["Shipping Method"]] = rng.choice(METHODS)
                    row[at["Created at"]] = created.strftime("%Y-%m-%d %H:%M:%S %z")
                    row[at["Payment Method"]] = "Shopify Payments"
                    row[at["Id"]] = str(5_000_000_000 + number)
                    row[at["Risk Level"]] = "Low"
                    row[at["Source"]] = "web"
                    row[at["Tax 1 Name"]] = "State Tax 8%"
                    row[at["Tax 1 Value"]] = str(tax)
                    if number % 7 == 0:
                        row[at["Notes"]] = 'Please leave at the side door, "not" the front'
                    if number % 5 == 0:
                        row[at["Tags"]] = "repeat, newsletter"
                writer.writerow(row)
                rows += 1
    return rows


def main() -> None:
    """Write an export from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = write_shopify_export(args.path, args.orders, args.seed)
    print(f"wrote {args.orders} orders, {rows} rows to {args.path}")


if __name__ == "__main__":
    main()

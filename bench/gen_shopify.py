"""Write a realistic, reproducible Shopify orders export of any size for benchmarks.

Two kinds: the bundled one (a small shop: eight products, five places, the same note
and tags again and again) and ``--varied``, a real shop's export where names,
addresses, notes, prices and times rarely repeat.

python bench/gen_shopify.py /tmp/shopify_100k.csv --orders 100000 [--varied]
"""

from __future__ import annotations

import argparse
import csv
import functools
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


# Pools for the varied export. Names, streets, cities and words are composed from
# syllables, so the combinations number in the millions: a 100,000-order export
# repeats few of them, as a real shop's does.
_ONSETS = [
    "b",
    "br",
    "c",
    "ch",
    "d",
    "f",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "st",
    "t",
    "th",
    "v",
    "w",
    "z",
]
_VOWELS = ["a", "e", "i", "o", "u", "ae", "ei", "ou", "é", "ö", "ü", "y"]
_CODAS = ["", "", "n", "r", "s", "l", "m", "nd", "rt", "ck", "th", "x"]
_STREET_KINDS = [
    "Street",
    "Road",
    "Avenue",
    "Lane",
    "Way",
    "Drive",
    "Close",
    "Court",
    "Place",
    "Straße",
    "Rue",
    "Boulevard",
]
_METHODS_VARIED = [
    "Standard Shipping",
    "Economy",
    "Free shipping over $50",
    "Express Shipping",
    "Priority Mail",
    "UPS Ground",
    "UPS 2nd Day Air",
    "FedEx Overnight",
    "Next Day Delivery",
    "Royal Mail Tracked 48",
    "DHL Express Worldwide",
    "Local pickup",
]
_COUNTRIES = [
    ("US", "USD", ["OR", "TX", "MA", "CA", "NY", "WA", "IL", "FL", "CO", "GA"]),
    ("US", "USD", ["OR", "TX", "MA", "CA", "NY", "WA", "IL", "FL", "CO", "GA"]),
    ("CA", "CAD", ["ON", "BC", "QC", "AB"]),
    ("GB", "GBP", [""]),
    ("DE", "EUR", [""]),
    ("FR", "EUR", [""]),
    ("NL", "EUR", [""]),
    ("AU", "AUD", ["NSW", "VIC", "QLD"]),
    ("JP", "JPY", [""]),
]
_WORDS = (
    "please leave the parcel at side door with neighbour gift wrap birthday present do not ring bell dog "
    "back gate after five call on arrival fragile handle with care no invoice in box thank you it is for "
    "my mother wedding anniversary surprise office reception floor building code flat garage porch"
).split()


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(parts))


def _amount(minor: int, whole: bool) -> str:
    """Minor units as the export writes them (a currency without decimals: as they are)."""
    return str(minor) if whole else f"{minor // 100}.{minor % 100:02d}"


def write_varied_shopify_export(path: str | os.PathLike[str], orders: int = 100_000, seed: int = 1) -> int:
    """Write ``orders`` orders in the same layout as :func:`write_shopify_export`, with
    values that rarely repeat: composed names and addresses, free-text notes on a third
    of the orders, a 5,000-product catalogue of random prices, several currencies,
    random times, separate billing addresses now and then; return the rows written."""
    rng = random.Random(seed)
    catalogue = [
        (
            f"{_word(rng, 1).upper()}-{rng.randint(100, 99999)}",
            f"{_word(rng, 2).title()} {_word(rng, 1)}",
            rng.randint(100, 50000),
        )
        for _ in range(5000)
    ]
    tags_pool = [_word(rng, 2) for _ in range(300)]
    created = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5)))
    empty = [""] * len(COLUMNS)
    at = {name: index for index, name in enumerate(COLUMNS)}
    rows = 0

    def address() -> tuple[str, ...]:
        country, currency, provinces = rng.choice(_COUNTRIES)
        return (
            f"{_word(rng, 1).title()} {_word(rng, 2).title()}",
            f"{rng.randint(1, 9999)} {_word(rng, 2).title()} {rng.choice(_STREET_KINDS)}",
            rng.choice(("", "", "", f"Apt {rng.randint(1, 400)}", f"Unit {rng.randint(1, 90)}{rng.choice('ABCD')}")),
            _word(rng, rng.randint(1, 3)).title(),
            str(rng.randint(10000, 99999))
            if country in ("US", "DE", "FR")
            else f"{rng.randint(1000, 9999)} {_word(rng, 1).upper()[:2]}",
            rng.choice(provinces),
            country,
            f"+{rng.randint(1, 99)} {rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            currency,
        )

    with open(path, "w", newline="", encoding="utf-8-sig") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for number in range(1001, 1001 + orders):
            created += timedelta(seconds=rng.randint(1, 900), microseconds=0)
            ship = address()
            bill = ship if rng.random() < 0.8 else address()
            currency = ship[8]
            count = rng.choice((1, 1, 1, 2, 2, 3, 4, 6))
            items = [(rng.choice(catalogue), rng.randint(1, 5)) for _ in range(count)]
            subtotal = sum(price * qty for (_, _, price), qty in items)
            discount = rng.choice((0, 0, 0, subtotal // 10))
            shipping = rng.randint(0, 2500)
            tax = (subtotal - discount) * rng.choice((0, 5, 7, 8, 19, 20)) // 100
            money = functools.partial(_amount, whole=currency == "JPY")
            stamp = created.strftime("%Y-%m-%d %H:%M:%S %z")
            for index, ((sku, name, price), qty) in enumerate(items):
                row = list(empty)
                row[at["Name"]] = f"#{number}"
                row[at["Lineitem quantity"]] = str(qty)
                row[at["Lineitem name"]] = name
                row[at["Lineitem price"]] = money(price)
                row[at["Lineitem sku"]] = sku
                row[at["Lineitem requires shipping"]] = "true"
                row[at["Lineitem taxable"]] = "true"
                row[at["Lineitem fulfillment status"]] = "pending"
                row[at["Vendor"]] = "Hearth & Field"
                if index == 0:
                    for prefix, (nm, street, extra, city, zip_code, province, country, phone, _) in (
                        ("Billing", bill),
                        ("Shipping", ship),
                    ):
                        row[at[f"{prefix} Name"]] = nm
                        row[at[f"{prefix} Street"]] = street
                        row[at[f"{prefix} Address1"]] = street
                        row[at[f"{prefix} Address2"]] = extra
                        row[at[f"{prefix} City"]] = city
                        row[at[f"{prefix} Zip"]] = zip_code
                        row[at[f"{prefix} Province"]] = province
                        row[at[f"{prefix} Country"]] = country
                        row[at[f"{prefix} Phone"]] = phone
                    first = bill[0].split()[0].lower()
                    row[at["Email"]] = f"{first}.{rng.randint(1, 99999)}@{_word(rng, 2)}.example"
                    row[at["Financial Status"]] = rng.choice(
                        ("paid", "paid", "paid", "pending", "authorized", "partially_refunded")
                    )
                    row[at["Paid at"]] = stamp
                    row[at["Fulfillment Status"]] = "unfulfilled"
                    row[at["Accepts Marketing"]] = rng.choice(("yes", "no"))
                    row[at["Currency"]] = currency
                    row[at["Subtotal"]] = money(subtotal)
                    row[at["Shipping"]] = money(shipping)
                    row[at["Taxes"]] = money(tax)
                    row[at["Total"]] = money(subtotal - discount + shipping + tax)
                    row[at["Discount Amount"]] = money(discount)
                    row[at["Shipping Method"]] = rng.choice(_METHODS_VARIED)
                    row[at["Created at"]] = stamp
                    row[at["Payment Method"]] = rng.choice(("Shopify Payments", "PayPal Express Checkout", "Manual"))
                    row[at["Payment Reference"]] = f"c{rng.randint(10**9, 10**10)}.{rng.randint(1, 3)}"
                    row[at["Id"]] = str(5_000_000_000 + number)
                    row[at["Risk Level"]] = "Low"
                    row[at["Source"]] = "web"
                    if rng.random() < 0.33:
                        words = rng.sample(_WORDS, rng.randint(3, 14))
                        row[at["Notes"]] = " ".join(words).capitalize() + rng.choice(
                            (".", "!", ", thanks", ' "asap"', " — merci")
                        )
                    if rng.random() < 0.4:
                        row[at["Tags"]] = ", ".join(rng.sample(tags_pool, rng.randint(1, 3)))
                writer.writerow(row)
                rows += 1
    return rows


def main() -> None:
    """Write an export from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--varied", action="store_true", help="values that rarely repeat (a real shop's export)")
    args = parser.parse_args()
    write = write_varied_shopify_export if args.varied else write_shopify_export
    rows = write(args.path, args.orders, args.seed)
    print(f"wrote {args.orders} orders, {rows} rows to {args.path}")


if __name__ == "__main__":
    main()

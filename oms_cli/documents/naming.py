"""How documents name an order and a parcel's service for the customer.

Pure module: text in, text out.
"""

from __future__ import annotations

#: channels whose customers know their order by number with a hash (Shopify's order
#: name, WooCommerce's order number)
HASH_NUMBERED = frozenset({"shopify", "woocommerce"})


def customer_order_name(ref: str) -> str:
    """The order as its customer knows it: ``#2002`` for ``shopify:2002``, the channel's
    own id (``113-4000012-1000084``) elsewhere; a ref without a channel as given."""
    channel, sep, external = ref.partition(":")
    if not sep:
        return ref
    if channel in HASH_NUMBERED and not external.startswith("#"):
        return f"#{external}"
    return external


def service_line(carrier: str | None, method: str | None) -> str:
    """The carrier and its service, naming the carrier once: ``UPS Ground``, and
    ``UPS Next Day Air`` for a method that already starts with the carrier's name."""
    if not method:
        return carrier or ""
    if not carrier or method.casefold().startswith(carrier.casefold()):
        return method
    return f"{carrier} {method}"

"""Channel connectors: pull orders from the sales channels' APIs and hand tracking back.

One client module per channel (``shopify``, ``woocommerce``, ``etsy``, ``ebay``,
``amazon``) turns the API's JSON into canonical order dicts (``oms_cli.importers.canonical``);
``sync`` writes them through the same staging and upsert as ``oms import``; ``push``
is the outbox for tracking; ``health`` says what needs attention. Only the client
modules and ``http`` import httpx.
"""

from __future__ import annotations

#: channel kind -> (module, the credentials it needs, whether the connection needs an account id)
KINDS: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    "shopify": ("shopify", ("access_token",), None),
    "woocommerce": ("woocommerce", ("consumer_key", "consumer_secret"), None),
    "etsy": ("etsy", ("api_key", "refresh_token"), "shop id"),
    "ebay": ("ebay", ("client_id", "client_secret", "refresh_token"), None),
    "amazon": ("amazon", ("client_id", "client_secret", "refresh_token"), "marketplace id"),
}

#: where each channel's API lives unless the connection names another base URL
DEFAULT_BASE_URLS = {
    "woocommerce": None,  # the shop's own site
    "shopify": None,  # https://<store>.myshopify.com
    "etsy": "https://openapi.etsy.com",
    "ebay": "https://api.ebay.com",
    "amazon": "https://sellingpartnerapi-na.amazon.com",
}

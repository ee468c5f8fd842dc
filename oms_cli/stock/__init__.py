"""Stock: quantity on hand per SKU and location, kept as a ledger of movements.

The ``stock`` table is a cache of the ledger (``stock_movements``), written in the same
transaction as every movement, so the quantity on hand always equals the sum of its
movements. ``reserved`` is the sum of the active reservations made at release.
"""

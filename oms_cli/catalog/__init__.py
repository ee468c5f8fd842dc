"""The product catalog: SKUs with their sizes, weights, handling flags, barcodes and locations.

Pure modules (``units``, ``barcodes``, ``csvfile``) parse and check plain data; the
``service`` module owns the transactions that write the ``products`` tables.
"""

"""Documents: barcodes, shipping labels (PDF and ZPL), packing slips, invoices, pick lists.

The renderers are pure (plain data in, bytes out) and live in their own modules:
``labels``, ``slips``, ``invoices``, ``picklists``; ``gs1`` has the check digits and
SSCC numbers without importing any drawing library. Nothing is imported here, so
``import oms_cli.documents.gs1`` stays light.
"""

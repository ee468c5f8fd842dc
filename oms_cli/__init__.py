"""oms: command-line order fulfilment for small online shops."""

__version__ = "0.1.0"

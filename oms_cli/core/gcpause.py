"""Pausing Python's cyclic garbage collector around bulk work.

Bulk commands (an import, the report) build hundreds of thousands of short-lived rows
with no reference cycles; the collector would only rescan them again and again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (restored afterwards, even on error)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()

"""Codes a scanner may read for a product: which kind each is, and whether its check digit is right.

GTINs (EAN-8, UPC-A, EAN-13, GTIN-14) end in a GS1 mod-10 check digit; a misread or
mistyped digit fails it, so a bad code is caught at import rather than at the packing
bench. Any other code (Code 128 labels, a shop's own stickers) is kept as written.

Pure module: no database, no I/O.
"""

from __future__ import annotations

#: digit count -> symbology, for the GTIN families
GTIN_LENGTHS = {8: "ean8", 12: "upca", 13: "ean13", 14: "gtin14"}


def gs1_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of ``body`` (digits only, without the check digit)."""
    # Weights 3,1,3,… from the rightmost digit of the body, so one rule serves every GTIN length.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def classify_barcode(code: str) -> str:
    """The symbology of a code (``ean13``, ``upca``, ``ean8``, ``gtin14`` or ``other``).

    Raises ValueError saying what is wrong: a GTIN with a wrong check digit, blanks inside,
    or characters a barcode cannot carry.
    """
    text = code.strip()
    if not text:
        raise ValueError("is empty")
    if any(ch.isspace() for ch in text):
        raise ValueError(f"'{text}' contains blanks")
    if not text.isascii() or not text.isprintable():
        raise ValueError(f"'{text}' contains characters a barcode cannot carry")
    if text.isdigit() and len(text) in GTIN_LENGTHS:
        kind = GTIN_LENGTHS[len(text)]
        expected = gs1_check_digit(text[:-1])
        if int(text[-1]) != expected:
            label = {"ean8": "EAN-8", "upca": "UPC-A", "ean13": "EAN-13", "gtin14": "GTIN-14"}[kind]
            raise ValueError(f"'{text}' is not a valid {label}: the check digit should be {expected}, not {text[-1]}")
        return kind
    return "other"
